/**
 * Seeded, stratified train/val/test splits and limit subsamples.
 *
 * Fractions (documented in README.md and in each dataset's provenance):
 * - a source without an official split (digits, wine, breast-cancer, csv, synthetic) is split
 *   70% train / 10% val / 20% test, stratified by class;
 * - a source with an official train/test split (mnist; npy without val files) keeps it and
 *   takes val as 12.5% of train, stratified: MNIST 60000 + 10000 -> 52500 / 7500 / 10000, the
 *   paper's split;
 * - a source with all three splits (npy) keeps them as they are.
 * `limit` is applied before splitting: a seeded stratified subsample of the pool, or of each
 * given part in proportion to its size.
 */
import { InputError } from '../algorithms/errors';
import { makeRng, shuffleInPlace } from './random';
import { type SourceParts, type Table, takeRows } from './source';

/** Fraction of a pool that goes to train and to val; the rest is test. */
export const POOL_FRACTIONS = { train: 0.7, val: 0.1 } as const;
/** Fraction of an official training part held out as validation. */
export const VAL_FROM_TRAIN = 0.125;
/** Smallest pool that gives every split at least one row. */
export const MIN_POOL = 10;

/** Three tables cut from a source, before feature mapping. */
export interface SplitTables {
  train: Table;
  val: Table;
  test: Table;
  /** One line saying how the split was made, for provenance. */
  description: string;
}

/**
 * Row indices in a seeded order in which every prefix, and every contiguous segment, holds
 * each class in about its overall proportion: each class's rows are shuffled and spread evenly
 * over [0, 1) with a jitter, then all rows are sorted by that position.
 */
export function stratifiedOrder(y: Int32Array, rng: () => number): Int32Array {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const label = y[i]!;
    const rows = byClass.get(label);
    if (rows) rows.push(i);
    else byClass.set(label, [i]);
  }
  const position = new Float64Array(y.length);
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = shuffleInPlace(byClass.get(cls)!, rng);
    rows.forEach((row, rank) => (position[row] = (rank + rng()) / rows.length));
  }
  const order = Int32Array.from({ length: y.length }, (_, i) => i);
  return order.sort((a, b) => position[a]! - position[b]!);
}

/** Splits a source's rows into train/val/test as documented above. */
export function splitParts(parts: SourceParts, name: string, seed: number, limit?: number): SplitTables {
  const rng = makeRng(seed);
  if (parts.kind === 'pool') return splitPool(parts.pool, name, rng, seed, limit);
  const total = parts.train.n + (parts.val?.n ?? 0) + parts.test.n;
  const share = (t: Table) => (limit === undefined || limit >= total ? t.n : Math.round((limit * t.n) / total));
  const trainPart = subsample(parts.train, share(parts.train), rng);
  const test = subsample(parts.test, share(parts.test), rng, true);
  let train: Table;
  let val: Table;
  let how: string;
  if (parts.val) {
    train = trainPart;
    val = subsample(parts.val, share(parts.val), rng, true);
    how = 'the given train/val/test files';
  } else {
    const order = stratifiedOrder(trainPart.y, rng);
    const nVal = Math.round(VAL_FROM_TRAIN * trainPart.n);
    train = takeRows(trainPart, order.subarray(0, trainPart.n - nVal));
    val = takeRows(trainPart, order.subarray(trainPart.n - nVal));
    how = `the official train/test split, val = ${VAL_FROM_TRAIN * 100}% of train (stratified)`;
  }
  requireRows(name, { train, val, test }, limit);
  const limited = limit !== undefined && limit < total ? `, limit ${limit} (seeded stratified subsample)` : '';
  return { train, val, test, description: `${how}${limited}, seed ${seed}: ${train.n}/${val.n}/${test.n}` };
}

function splitPool(pool: Table, name: string, rng: () => number, seed: number, limit?: number): SplitTables {
  let order = stratifiedOrder(pool.y, rng);
  if (limit !== undefined && limit < pool.n) order = order.subarray(0, limit);
  const m = order.length;
  if (m < MIN_POOL) {
    const cause = m < pool.n ? `limit ${limit} leaves ${m} samples` : `${m} samples`;
    throw new InputError(`${name}: too small for the 70/10/20 split (${cause}; need at least ${MIN_POOL})`);
  }
  const nTrain = Math.round(POOL_FRACTIONS.train * m);
  const nVal = Math.round(POOL_FRACTIONS.val * m);
  const tables = {
    train: takeRows(pool, order.subarray(0, nTrain)),
    val: takeRows(pool, order.subarray(nTrain, nTrain + nVal)),
    test: takeRows(pool, order.subarray(nTrain + nVal)),
  };
  requireRows(name, tables, limit);
  const limited = m < pool.n ? `, limit ${limit} (seeded stratified subsample)` : '';
  const { train, val, test } = tables;
  return { ...tables, description: `stratified 70/10/20 split${limited}, seed ${seed}: ${train.n}/${val.n}/${test.n}` };
}

/** A seeded stratified subset of `count` rows; `keepOrder` keeps the rows in file order. */
function subsample(table: Table, count: number, rng: () => number, keepOrder = false): Table {
  if (count >= table.n) return table;
  const chosen = stratifiedOrder(table.y, rng).slice(0, count);
  return takeRows(table, keepOrder ? chosen.sort() : chosen);
}

/** Every split needs rows, and training needs two classes to learn anything. */
function requireRows(name: string, tables: { train: Table; val: Table; test: Table }, limit?: number): void {
  const { train, val, test } = tables;
  const counts = `train ${train.n}, val ${val.n}, test ${test.n}`;
  const hint = limit !== undefined ? ` with limit ${limit}` : '';
  if (train.n === 0 || val.n === 0 || test.n === 0) {
    throw new InputError(`${name}: too small for the split${hint} (${counts}); every split needs at least one row`);
  }
  if (new Set(train.y).size < 2) {
    throw new InputError(`${name}: the training split${hint} holds fewer than 2 classes (${counts})`);
  }
}
