/**
 * Sweep configs: JSON naming experiments (matmul, softmax, train) and the values of any of their
 * parameters; the grid is expanded in a deterministic order into cells, one CLI run and one
 * record each. Every value is checked against its parameter's type (harness/cell.ts) before any
 * cell runs, and cells get their values as data (harness/sweep/cell-spec.ts), never as words of
 * a command line.
 */
import * as fs from 'node:fs';
import { InputError } from '../../algorithms/errors';
import { ABLATION_FIELDS, type AblationFields, expandSeeds, withAblation } from './ablation';
import { cellKey, checkParam, PARAMETERS as CELL_PARAMETERS } from '../cell';

export type Kind = 'matmul' | 'softmax' | 'train';
type Value = string | number | boolean;

/** The parameters each kind accepts in a sweep: the flags of its command, single-valued per cell. */
export const PARAMETERS: Readonly<Record<Kind, readonly string[]>> = {
  matmul: Object.keys(CELL_PARAMETERS.matmul),
  softmax: Object.keys(CELL_PARAMETERS.softmax),
  train: Object.keys(CELL_PARAMETERS.train),
};

/** One experiment of a config: a kind, a grid (lists of values) and fixed values (and an ablation: ablation.ts). */
export interface ExperimentConfig extends AblationFields {
  kind: Kind;
  /** Parameter -> values; the cells are the cartesian product, in key order then value order. */
  grid: Record<string, Value[]>;
  /** Parameter -> one value, the same for every cell. */
  fixed?: Record<string, Value>;
}

/** A sweep config file. */
export interface SweepConfig {
  name: string;
  description?: string;
  experiments: ExperimentConfig[];
}

/** One cell: what to run and its stable key. */
export interface Cell {
  kind: Kind;
  params: Record<string, Value>;
  /** stable identity of the cell (resume, shards, compare) */
  key: string;
  /** the experiment's ablation, tagged on the cell's record for the report */
  ablation?: AblationFields['ablation'];
}

/** Reads and validates a config file; errors name the file and the field. */
export function readConfig(file: string): SweepConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot read the sweep config`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateConfig(raw, file);
}

/** Validates a parsed config. A single experiment may be given at the top level. */
export function validateConfig(raw: unknown, file: string): SweepConfig {
  if (!isObject(raw)) throw new InputError(`${file}: the config must be a JSON object`);
  const top = raw as Record<string, unknown>;
  const list = top.experiments !== undefined ? top.experiments : [top];
  if (!Array.isArray(list) || list.length === 0) throw new InputError(`${file}: "experiments" must be a non-empty list`);
  for (const k of Object.keys(top)) {
    if (!['name', 'description', 'experiments', 'kind', 'grid', 'fixed', ...ABLATION_FIELDS].includes(k))
      throw new InputError(`${file}: unknown field "${k}"`);
  }
  const experiments = list.map((e, i) => {
    const v = validateExperiment(e, `${file}: experiments[${i}]`);
    return withAblation(v, e as Record<string, unknown>, top, `${file}: experiments[${i}]`, PARAMETERS[v.kind]);
  });
  const name = typeof top.name === 'string' ? top.name : 'sweep';
  return { name, description: typeof top.description === 'string' ? top.description : undefined, experiments };
}

function validateExperiment(raw: unknown, where: string): ExperimentConfig {
  if (!isObject(raw)) throw new InputError(`${where}: must be an object with "kind" and "grid"`);
  const e = raw as Record<string, unknown>;
  for (const k of Object.keys(e))
    if (!['kind', 'grid', 'fixed', 'name', 'description', ...ABLATION_FIELDS].includes(k))
      throw new InputError(`${where}: unknown field "${k}"`);
  const kind = e.kind;
  if (kind !== 'matmul' && kind !== 'softmax' && kind !== 'train') {
    throw new InputError(`${where}.kind: unknown experiment kind ${JSON.stringify(kind)} (matmul, softmax, train)`);
  }
  const allowed = PARAMETERS[kind];
  if (!isObject(e.grid)) throw new InputError(`${where}.grid: must be an object of parameter -> list of values`);
  const grid: Record<string, Value[]> = {};
  for (const [p, values] of Object.entries(e.grid as Record<string, unknown>)) {
    if (!allowed.includes(p)) throw new InputError(`${where}.grid: unknown parameter "${p}" for ${kind} (known: ${allowed.join(', ')})`);
    if (!Array.isArray(values) || values.length === 0)
      throw new InputError(`${where}.grid.${p}: must be a non-empty list (an empty grid has no cells)`);
    values.forEach((v, i) => checkParam(kind, p, v, `${where}.grid.${p}[${i}]`));
    grid[p] = values as Value[];
  }
  if (Object.keys(grid).length === 0) throw new InputError(`${where}.grid: empty grid (no parameter lists)`);
  const fixed: Record<string, Value> = {};
  if (e.fixed !== undefined) {
    if (!isObject(e.fixed)) throw new InputError(`${where}.fixed: must be an object of parameter -> value`);
    for (const [p, v] of Object.entries(e.fixed as Record<string, unknown>)) {
      if (!allowed.includes(p)) throw new InputError(`${where}.fixed: unknown parameter "${p}" for ${kind} (known: ${allowed.join(', ')})`);
      if (p in grid) throw new InputError(`${where}.fixed.${p}: also in the grid`);
      checkParam(kind, p, v, `${where}.fixed.${p}`);
      fixed[p] = v as Value;
    }
  }
  return { kind, grid, fixed };
}

function isObject(x: unknown): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Expands every experiment's grid, in order, into cells with stable keys. */
export function expandCells(config: SweepConfig): Cell[] {
  const cells: Cell[] = [];
  for (const e of config.experiments) {
    const keys = Object.keys(e.grid);
    const combos: Record<string, Value>[] = [{}];
    for (const k of keys) {
      const next: Record<string, Value>[] = [];
      for (const c of combos) for (const v of e.grid[k]!) next.push({ ...c, [k]: v });
      combos.splice(0, combos.length, ...next);
    }
    for (const params of expandSeeds(
      combos.map((c) => ({ ...e.fixed, ...c })),
      e,
    ))
      cells.push({ kind: e.kind, params, key: cellKey(e.kind, params), ...(e.ablation ? { ablation: e.ablation } : {}) });
  }
  const seen = new Set<string>();
  return cells.filter((c) => (seen.has(c.key) ? false : (seen.add(c.key), true)));
}

export { cellKey };

/** Parses `I/N` and keeps every N-th cell starting at I. */
export function shardCells(cells: Cell[], shard: string | undefined): Cell[] {
  if (!shard) return cells;
  const m = /^(\d+)\/(\d+)$/.exec(shard);
  if (!m) throw new InputError(`--shard: '${shard}' is not I/N`);
  const i = Number(m[1]),
    n = Number(m[2]);
  if (n < 1 || i >= n) throw new InputError(`--shard: '${shard}' needs 0 <= I < N`);
  return cells.filter((_, k) => k % n === i);
}
