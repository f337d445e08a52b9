/**
 * Encrypted training of the softmax classifier (HETAL's protocol, hetal.md sections 1 and 6).
 *
 * Client: encrypts every training batch (features and one-hot labels) once, and the validation
 * and test features; decrypts validation probabilities each epoch to compute the loss (early
 * stopping), and decrypts the result. Server: per step, logits Z = X Wᵀ (DiagABT), P =
 * softmax_approx(Z), E = (P - Y) * lr/batch (one plaintext multiplication that also zeroes
 * padded rows and classes), G = Eᵀ X (DiagATB, G comes out in W's replicated layout), then
 * Nesterov: v' = W - G; W = v' + g (v - v'); v = v'.
 *
 * Layout (the paper's rule, reference run.py): classes padded to cPad (a power of two),
 * s0 = min(max(batch, cPad), slots / cPad), s1 = slots / s0; a batch spans ceil(batch / s0)
 * block rows (the paper's batches of 1024 or 2048 rows are two or four block rows at n14).
 * DiagABT and DiagATB take every block row at once; the softmax, P - Y and its mask run per
 * block row; the gradient is summed over the block rows inside DiagATB. With a pool of worker
 * threads, the products' block columns and the softmax's block rows run on the workers.
 *
 * Refresh policy (the stand-in for bootstrapping, counted by the backend): a ciphertext is
 * refreshed right before an operation that needs more levels than it has left: the weights
 * before DiagABT (need abt depth), P - Y before its mask and DiagATB (need 1 + atb depth), the
 * momentum term before the update (need 1). The softmax refreshes inside itself; level-aware with
 * the client-aided refresher, each of its refreshes lands at the level its stage needs
 * (softmax/layout.ts refreshingToNeed), not the top; a bootstrap keeps its full output level.
 */
import type { Session } from '../ckks/session';
import type { Client, Ct, Evaluator, OpCounts, Purpose, Refresher } from '../ckks/types';
import { diffCounts } from '../ckks/types';
import { InputError } from '../errors';
import type { Parallel } from '../parallel/protocol';
import type { SoftmaxAlgorithm } from '../interface';
import { type KernelLayout, type MatmulKernels, hetalKernels } from './kernels';
import type { Matrix } from '../interface';
import { encryptMatrix, layoutSpec, packBlock } from '../matrix/pack';
import { softmaxBlocks } from '../softmax/blocks';
import { ensureLevel, refreshingToNeed } from '../softmax/layout';
import { accuracy, argmaxRows, crossEntropy } from './metrics';
import { predict } from './plain';
import { type AsyncTrainingEngine, batchRanges, runScheduleAsync } from './schedule';
import type { Hyper, LabelledData, TrainingData } from './types';

/** What the trainer needs of a session: the server's evaluator and refresher, the client, and keys on request. */
export type TrainingParties = Pick<Session, 'ev' | 'rf' | 'client' | 'ensureRotationKeys'>;

/** The block layout of a training run. */
export type TrainingLayout = KernelLayout;

/** What an encrypted run reports. */
export interface EncryptedOutcome {
  epochs: number;
  bestEpoch: number;
  valLosses: number[];
  steps: number;
  /** test accuracy of the client's argmax over encrypted-inference logits */
  testAccuracyEncrypted: number;
  /** test accuracy of plaintext inference with the decrypted weights */
  testAccuracyDecrypted: number;
  valAccuracy: number;
  testPredictions: Int32Array;
  /** decrypted best weights, classes x d */
  weights: Float64Array;
  timeMs: {
    /** the schedule: every step and validation pass (inference and encryption apart) */
    total: number;
    /** mean wall time of one training step (validation passes apart) */
    perStep: number;
    /** all steps */
    step: number;
    /** all validation passes */
    validation: number;
    /** these phases are summed over steps and validation passes */
    abt: number;
    atb: number;
    softmax: number;
    refresh: number;
    other: number;
    encrypt: number;
    inference: number;
  };
  ops: OpCounts;
  block: { s0: number; s1: number; cPad: number; colBlocks: number; rowBlocks: number };
}

/** Parts of a run, for observers that measure them (the cost model's estimate). */
export type TrainingPhase = 'step' | 'validation' | 'inference' | 'abt' | 'atb' | 'softmax';

/** Lays out a training run, refusing what does not fit with the reason. */
export function trainingLayout(
  be: Pick<Evaluator, 'slots' | 'maxLevel' | 'supportsComplex'>,
  classes: number,
  d: number,
  batch: number,
): TrainingLayout {
  const slots = be.slots;
  if (classes < 2) throw new InputError(`the dataset has ${classes} class; training needs at least 2`);
  const cPad = 2 ** Math.ceil(Math.log2(classes));
  const s0 = Math.min(Math.max(batch, cPad), Math.floor(slots / cPad));
  const s1 = slots / s0;
  if (s0 < cPad || s1 < cPad) {
    throw new InputError(
      `${classes} classes (padded to ${cPad}) do not fit a block row of ${slots} slots: s0 = ${s0}, s1 = ${s1} must both be >= ${cPad}`,
    );
  }
  return {
    s0,
    s1,
    classes,
    cPad,
    d,
    colBlocks: Math.ceil(d / s1),
    rowBlocks: Math.ceil(batch / s0),
    maxLevel: be.maxLevel,
    dataLevel: be.maxLevel,
    complex: be.supportsComplex && cPad >= 2,
    // the default of trainEncrypted's atbSums
    sharedSums: true,
  };
}

/** Trains on the backend; hyperparameters as the plaintext twins. */
export async function trainEncrypted(
  session: TrainingParties,
  data: TrainingData,
  hyper: Hyper,
  softmax: SoftmaxAlgorithm,
  opts: {
    onEpoch?: (epoch: number, loss: number) => void;
    kernels?: MatmulKernels;
    inputLevel?: 'top' | 'auto';
    /** DiagATB's column sums: 'shared' (default: the rotations across class periods once per block column) or 'per-pair' (the paper's) */
    atbSums?: 'per-pair' | 'shared';
    /** called at the start and end of each step, validation pass, inference pass and product or softmax */
    onPhase?: (phase: TrainingPhase, edge: 'start' | 'end') => void;
    /** worker threads for the products' block columns and the softmax's block rows (start it after `prepareTraining`) */
    pool?: Parallel | null;
  } = {},
): Promise<EncryptedOutcome> {
  if (!softmax.encryptable) throw new InputError(`--softmax ${softmax.id} runs only in float64 (plain backend)`);
  const be = session.ev;
  const kernels = opts.kernels ?? hetalKernels;
  const levelAware = (opts.inputLevel ?? 'auto') === 'auto';
  const base = { ...trainingLayout(be, data.classes, data.train.d, hyper.batch), sharedSums: (opts.atbSums ?? 'shared') === 'shared' };
  // level-aware: the data X at the least level both products accept, not the top
  const layout: TrainingLayout = levelAware ? { ...base, dataLevel: Math.min(base.maxLevel, kernels.minDataLevel(base)) } : base;
  // Every stage must fit between two refreshes: the products, and the softmax's largest stage.
  const need = Math.max(kernels.abtDepth(layout), kernels.atbDepth(layout) + 1, softmax.minLevels);
  // between refreshes: the top level, or what a bootstrap leaves (--refresh bootstrap)
  const between = session.rf.outputLevel;
  if (between < need) {
    throw new InputError(
      `--preset ${be.preset.name} has ${between} levels${session.rf.kind === 'bootstrap' ? ' after a bootstrap' : ''}; encrypted training with --softmax ${softmax.id} needs at least ${need} between refreshes (try n14, n15 or fgb)`,
    );
  }
  prepareTraining(session, data, hyper, softmax, kernels);
  const before = be.counts();
  const engine = new EncryptedEngine(session, data, hyper, softmax, layout, kernels, levelAware, opts.onPhase, opts.pool ?? null);
  // wall time of the steps alone and of the validation passes (the schedule's total holds both)
  const spent = { step: 0, validation: 0 };
  const observe = async <T>(phase: 'step' | 'validation' | 'inference', fn: () => Promise<T>): Promise<T> => {
    opts.onPhase?.(phase, 'start');
    const t0 = performance.now();
    const out = await fn();
    if (phase !== 'inference') spent[phase] += performance.now() - t0;
    opts.onPhase?.(phase, 'end');
    return out;
  };
  const observed = {
    step: (b: number, gamma: number) => observe('step', () => engine.step(b, gamma)),
    validationLoss: () => observe('validation', () => engine.validationLoss()),
    keepBest: () => engine.keepBest(),
  };
  try {
    const t0 = performance.now();
    const run = await runScheduleAsync(observed, engine.batches, hyper, opts.onEpoch);
    const total = performance.now() - t0;
    const tInf = performance.now();
    const result = await observe('inference', () => engine.finish());
    const inference = performance.now() - tInf;
    const ops = diffCounts(be.counts(), before);
    const t = engine.times;
    const refresh = t.refresh;
    return {
      ...run,
      ...result,
      ops,
      timeMs: {
        total,
        // a step alone: the validation passes are apart (with one step per epoch they weigh as much)
        perStep: spent.step / Math.max(1, run.steps),
        step: spent.step,
        validation: spent.validation,
        abt: t.abt,
        atb: t.atb,
        softmax: t.softmax,
        refresh,
        other: total - t.abt - t.atb - t.softmax - refresh,
        encrypt: engine.encryptMs,
        inference,
      },
      block: { s0: layout.s0, s1: layout.s1, cPad: layout.cPad, colBlocks: layout.colBlocks, rowBlocks: layout.rowBlocks },
    };
  } finally {
    engine.dispose();
  }
}

/**
 * Makes the evaluation keys a training run needs (the rotations of the products and of the
 * softmax): call it before starting worker threads, whose evaluators load the keys once.
 */
export function prepareTraining(
  session: TrainingParties,
  data: TrainingData,
  hyper: Hyper,
  softmax: SoftmaxAlgorithm,
  kernels: MatmulKernels = hetalKernels,
): void {
  const layout = trainingLayout(session.ev, data.classes, data.train.d, hyper.batch);
  session.ensureRotationKeys([...kernels.rotationSteps(layout), ...softmax.rotationSteps(layout)]);
}

class EncryptedEngine implements AsyncTrainingEngine {
  readonly times = { abt: 0, atb: 0, softmax: 0, refresh: 0 };
  readonly encryptMs: number;
  private readonly ranges: [number, number][];
  /** by batch, block row, block column */
  private readonly xBatches: Ct[][][];
  /** by batch, block row */
  private readonly yBatches: Ct[][];
  /** by block (one block row each), block column */
  private readonly xVal: Ct[][][];
  private readonly be: Evaluator;
  private readonly rf: Refresher;
  /** the softmax's refresher: level-aware with a client-aided refresh, to each stage's need (softmax/layout.ts refreshingToNeed) */
  private readonly softmaxRf: Refresher;
  private readonly client: Client;
  private w: Ct[];
  private v: Ct[];
  private best: Ct[];

  constructor(
    session: TrainingParties,
    private readonly data: TrainingData,
    private readonly hyper: Hyper,
    private readonly softmax: SoftmaxAlgorithm,
    private readonly layout: TrainingLayout,
    private readonly kernels: MatmulKernels,
    /** level-aware execution: encrypt and refresh to the levels the next stage needs, not the top */
    private readonly levelAware: boolean,
    private readonly onPhase: ((phase: TrainingPhase, edge: 'start' | 'end') => void) | undefined,
    private readonly pool: Parallel | null,
  ) {
    this.be = session.ev;
    this.rf = session.rf;
    // a bootstrap gives its output level whatever is asked: its refreshes stay as few as can be
    this.softmaxRf = levelAware && session.rf.kind === 'client-aided' ? refreshingToNeed(session.rf) : session.rf;
    this.client = session.client;
    const be = this.be;
    const t0 = performance.now();
    this.ranges = batchRanges(data.train.n, hyper.batch);
    // Client side: encrypt the data once (HETAL sends it to the server before training).
    this.xBatches = this.ranges.map(([s, e]) => this.encryptRows(data.train, s, e, 'data'));
    this.yBatches = this.ranges.map(([s, e]) =>
      this.rowBlocksOf(s, e).map(([rs, re]) =>
        this.client.encrypt(this.oneHot(data.train.y, rs, re), this.levelAware ? 1 + kernels.atbDepth(layout) : undefined, 'data'),
      ),
    );
    this.xVal = this.blocksOf(data.val).map(([s, e]) => this.encryptRows(data.val, s, e, 'validation'));
    // Weights start at zero, encrypted by the client.
    const zeros = new Float64Array(be.slots);
    this.w = Array.from({ length: layout.colBlocks }, () =>
      this.client.encrypt(zeros, levelAware ? kernels.abtDepth(layout) : undefined, 'model'),
    );
    this.v = this.w.map((c) => be.copy(c));
    this.best = this.w.map((c) => be.copy(c));
    this.encryptMs = performance.now() - t0;
  }

  get batches(): number {
    return this.ranges.length;
  }

  /** Row ranges [start, end) of the block rows (s0 rows each) of rows [start, end). */
  private rowBlocksOf(start: number, end: number): [number, number][] {
    return batchRanges(end - start, this.layout.s0).map(([s, e]) => [start + s, start + e]);
  }

  /** Row-major block packing of rows [start, end): by block row of s0 rows, one ciphertext per s1 columns. */
  private encryptRows(data: LabelledData, start: number, end: number, purpose: Purpose): Ct[][] {
    const { s0, s1, d } = this.layout;
    // rows [start, end) in s0 x s1 blocks: the shared packing (algorithms/matrix/pack.ts)
    const rows: Matrix = { rows: end - start, cols: d, data: data.X.subarray(start * d, end * d) };
    return encryptMatrix(this.client, rows, layoutSpec('blocks', end - start, d, s0, s1), this.layout.dataLevel, purpose).cts;
  }

  /** One-hot labels of rows [start, end) in the softmax layout ('cols-repeated': class j mod cPad in column j). */
  private oneHot(y: Int32Array, start: number, end: number): Float64Array {
    const { s0, s1, cPad, classes } = this.layout;
    const n = end - start;
    const m = new Float64Array(n * classes);
    for (let r = 0; r < n; r++) m[r * classes + y[start + r]!] = 1;
    const spec = layoutSpec('cols-repeated', n, classes, s0, s1, cPad);
    return packBlock({ rows: n, cols: classes, data: m }, spec, 0, 0, new Float64Array(this.be.slots));
  }

  /** The plaintext scaling P - Y: lr/batch on real rows and classes, 0 elsewhere. */
  private errorMask(rows: number): Float64Array {
    const { s1, cPad, classes } = this.layout;
    const v = new Float64Array(this.be.slots);
    const scale = this.hyper.lr / this.hyper.batch;
    for (let r = 0; r < rows; r++) for (let j = 0; j < s1; j++) if (j % cPad < classes) v[r * s1 + j] = scale;
    return v;
  }

  private blocksOf(data: LabelledData): [number, number][] {
    return batchRanges(data.n, this.layout.s0);
  }

  /** Refreshes `ct` if it has fewer than `need` levels left (the policy of the header). */
  private ensure(ct: Ct, need: number): Ct {
    const before = this.be.counts().refreshMs;
    const fresh = ensureLevel(this.be, this.rf, ct, need, this.levelAware ? need : undefined);
    this.times.refresh += this.be.counts().refreshMs - before;
    return fresh;
  }

  private async timed<T>(phase: 'abt' | 'atb' | 'softmax', fn: () => T | Promise<T>): Promise<T> {
    const refreshBefore = this.be.counts().refreshMs;
    this.onPhase?.(phase, 'start');
    const t0 = performance.now();
    const out = await fn();
    this.onPhase?.(phase, 'end');
    const refreshInside = this.be.counts().refreshMs - refreshBefore;
    this.times[phase] += performance.now() - t0 - refreshInside;
    this.times.refresh += refreshInside;
    return out;
  }

  private logits(x: Ct[][], w: Ct[]): Promise<Ct[]> {
    return this.timed('abt', () => this.kernels.abt(this.be, x, w, this.layout, this.pool));
  }

  /** The softmax of every block row (with a pool, one block row per worker). */
  private probabilities(z: readonly Ct[]): Promise<Ct[]> {
    return this.timed('softmax', () => softmaxBlocks(this.be, this.softmaxRf, this.softmax, z, this.layout, this.pool));
  }

  async step(b: number, gamma: number): Promise<void> {
    const be = this.be;
    const [start, end] = this.ranges[b]!;
    const next = await be.scopeAsync(async () => {
      const w = this.w.map((c) => this.ensure(c, this.kernels.abtDepth(this.layout)));
      // The softmax and P - Y run per block row; the last block row of a batch may be partial.
      const rows = this.rowBlocksOf(start, end);
      const z = await this.logits(this.xBatches[b]!, w);
      const probs = await this.probabilities(z);
      const e: Ct[] = [];
      for (const [r, p] of probs.entries()) {
        const diff = this.ensure(be.sub(p, this.yBatches[b]![r]!), 1 + this.kernels.atbDepth(this.layout));
        e.push(be.mulPlain(diff, this.errorMask(rows[r]![1] - rows[r]![0])));
      }
      const g = await this.timed('atb', () => this.kernels.atb(be, e, this.xBatches[b]!, this.layout, this.pool));
      const vNew = w.map((wk, k) => be.sub(wk, g[k]!));
      const wNew =
        gamma === 0
          ? vNew.map((c) => be.copy(c))
          : vNew.map((vk, k) => be.add(vk, be.mulConst(this.ensure(be.sub(this.v[k]!, vk), 1), gamma)));
      return { w: wNew, v: vNew };
    });
    for (const c of [...this.w, ...this.v]) be.free(c);
    this.w = next.w;
    this.v = next.v;
  }

  /** Server: encrypted validation probabilities; client: decrypts them and computes the loss. */
  async validationLoss(): Promise<number> {
    const probs = await this.be.scopeAsync(() => this.predictBlocks(this.xVal, this.data.val, true));
    return crossEntropy(probs, this.data.val.n, this.layout.classes, this.data.val.y);
  }

  /** Decrypted first `classes` columns of every row of the blocks' outputs (probabilities or logits). */
  private async predictBlocks(blocks: Ct[][][], data: LabelledData, withSoftmax: boolean, weights = this.w): Promise<Float64Array> {
    const { s1, classes } = this.layout;
    const out = new Float64Array(data.n * classes);
    const ranges = this.blocksOf(data);
    for (const [i, x] of blocks.entries()) {
      const w = weights.map((c) => this.ensure(c, this.kernels.abtDepth(this.layout)));
      const z = (await this.kernels.abt(this.be, x, w, this.layout, this.pool))[0]!;
      const values = this.client.decrypt(
        withSoftmax ? this.softmax.encrypted(this.be, this.softmaxRf, z, this.layout) : z,
        withSoftmax ? 'validation' : 'inference',
      );
      const [s, e] = ranges[i]!;
      for (let r = 0; r < e - s; r++) for (let j = 0; j < classes; j++) out[(s + r) * classes + j] = values[r * s1 + j]!;
    }
    return out;
  }

  keepBest(): void {
    for (const c of this.best) this.be.free(c);
    this.best = this.w.map((c) => this.be.copy(c));
  }

  /** Encrypted and plaintext inference with the best weights. */
  finish(): Promise<{
    testAccuracyEncrypted: number;
    testAccuracyDecrypted: number;
    valAccuracy: number;
    testPredictions: Int32Array;
    weights: Float64Array;
  }> {
    const { classes, d } = this.layout;
    const { test, val } = this.data;
    return this.be.scopeAsync(async () => {
      const xTest = this.blocksOf(test).map(([s, e]) => this.encryptRows(test, s, e, 'inference'));
      const encLogits = await this.predictBlocks(xTest, test, false, this.best);
      const encPred = argmaxRows(encLogits, test.n, classes);
      const weights = this.decryptWeights(this.best);
      const plainWeights = { classes, d, data: weights };
      const plainPred = predict(plainWeights, test);
      const valPred = predict(plainWeights, val);
      return {
        testAccuracyEncrypted: accuracy(encPred, test.y),
        testAccuracyDecrypted: accuracy(plainPred, test.y),
        valAccuracy: accuracy(valPred, val.y),
        testPredictions: encPred,
        weights,
      };
    });
  }

  /** Client: decrypts replicated-layout weights (block row r holds W[r]) to classes x d. */
  private decryptWeights(w: Ct[]): Float64Array {
    const { s1, classes, d } = this.layout;
    const out = new Float64Array(classes * d);
    w.forEach((ct, k) => {
      const v = this.client.decrypt(ct, 'model');
      for (let r = 0; r < classes; r++) for (let j = 0; j < s1 && k * s1 + j < d; j++) out[r * d + k * s1 + j] = v[r * s1 + j]!;
    });
    return out;
  }

  dispose(): void {
    for (const c of [...this.w, ...this.v, ...this.best, ...this.yBatches.flat(), ...this.xBatches.flat(2), ...this.xVal.flat(2)]) {
      this.be.free(c);
    }
  }
}
