/**
 * Result records: one per measured cell, one JSON object per line (results.jsonl), mirrored to
 * CSV. The fields below are the contract of the CLI; experiments may add more.
 *
 * A record is a discriminated union on `kind` and `state`:
 * - `completed`: the cell ran and its figures passed every check; it carries its statistics.
 * - `suspect`: the cell ran but a figure fails a sanity check (an error above the preset's CKKS
 *   bound, a diverged training run, features that overflowed); it carries its statistics and a
 *   `reason`, and reports show it apart from the completed ones.
 * - `failed` / `skipped`: the cell did not finish; it carries its error `message` and the cell's
 *   parameters, and no statistics at all (no NaN fill).
 */
import type { TranscriptSummary } from '../algorithms/ckks/session';
import type { OpCounts } from '../algorithms/ckks/types';

/** Run metadata carried by every record. */
export interface RunMeta {
  /** ISO time the record was written. */
  timestamp: string;
  /** Run id shared by all records of one invocation (results/<run>/). */
  run: string;
  gitCommit: string;
  node: string;
  nodeSeal: string;
  cpu: string;
  cores: number;
  seed: number;
}

/** Timing statistics in milliseconds (tinybench-derived where repeated). */
export interface TimeStats {
  median: number;
  min: number;
  max: number;
  /** sample count */
  n: number;
  p75?: number;
  p99?: number;
  /** relative margin of error, percent */
  rme?: number;
  mean?: number;
}

export type RecordKind = 'matmul' | 'softmax' | 'train' | 'ops' | 'estimate' | 'bootstrap';

/**
 * What an error figure measures: `exact-sim` the simulator without noise (algorithmic error
 * only), `sim-noise` the simulator with CKKS-sized noise, `ckks` real encryption (node-seal),
 * `approximation` a float64 approximation against the exact function (no CKKS).
 */
export type ErrorKind = 'exact-sim' | 'sim-noise' | 'ckks' | 'approximation';

/** What every record has, whatever its state. */
export interface RecordCommon {
  /** a stable key of the cell's parameters (harness/cell.ts: resume, shard, compare) */
  cell: string;
  algorithm: string;
  backend: string;
  preset: string;
  meta: RunMeta;
  /** protocol deviations from the paper that apply to this record */
  deviations?: string[];
  /** the sweep run that recorded it, if any */
  sweepRun?: string;
  /** encrypted runs: messages and bytes between client and server, each way and by purpose */
  transcript?: TranscriptSummary;
  /** a sweep's cell parameters as the config gave them (sweeps tag every record; ablations group by them) */
  params?: Record<string, string | number | boolean>;
  /** the sweep's ablation declaration, when it has one (harness/sweep/ablation.ts) */
  ablation?: unknown;
  /** encrypted softmax and train: how ciphertexts got their levels back (absent: client-aided, before bootstraps existed) */
  refresh?: 'client' | 'bootstrap' | 'bootstrap-model';
  /** the preset has no security claim (a bootstrap test preset, run with --insecure) */
  insecure?: boolean;
}

/** A cell that ran: `completed`, or `suspect` with the reason its figures are not to be trusted. */
export type Measured = { state: 'completed' } | { state: 'suspect'; reason: string };

/** A cell that did not finish: its error and its parameters, no statistics. */
export interface FailedRecord extends RecordCommon {
  kind: RecordKind;
  state: 'failed' | 'skipped';
  /** the failure or skip reason */
  message: string;
  slots?: number;
}

/**
 * What seal records gain from the cost model (harness/cost/predict.ts): the time predicted from
 * their op counts by level and this machine's latency table, and measured / predicted.
 */
export interface Predicted {
  /** predicted ms (matmul: one call; softmax: one block; train: the training time) */
  predictedMs?: number;
  /** measured wall time / predictedMs (other jobs on the cores raise it) */
  overhead?: number;
  /** measured CPU time (user + system) of the same work, ms */
  cpuMs?: number;
  /** cpuMs / the predicted work on one thread: the model's own error (all threads' CPU counts) */
  cpuOverhead?: number;
  /** with worker threads: the speed-up the wall-time prediction assumed (predictedMs = work / it) */
  predictedSpeedup?: number;
  /** when the latency table was measured */
  latencyTable?: string;
}

export type MatmulRecord = RecordCommon &
  Measured &
  Predicted & {
    kind: 'matmul';
    slots: number;
    family: 'abt' | 'atb';
    shape: { a: number; b: number; c: number };
    /** c padded to a power of two */
    cPadded: number;
    block: { s0: number; s1: number };
    ops: Partial<OpCounts>;
    depth: number;
    timeMs: TimeStats;
    /** encode+encrypt and decrypt+decode phases, ms */
    phases?: { encryptMs: number; decryptMs: number };
    errorKind: ErrorKind;
    error: { maxAbs: number; meanAbs: number; bits?: number; bound?: number };
    /** whether two diagonals shared one product (complex packing) */
    complexPacking?: boolean;
    /** the input-level policy ('top' or 'auto') and the levels the operands were encrypted at */
    inputLevel?: 'top' | 'auto';
    inputLevels?: { a: number; b: number };
    /** relinearization policy of accumulated products */
    relin?: 'eager' | 'lazy';
    /** DiagATB's column sums: 'per-pair' (the paper's) or 'shared' (--atb-sums) */
    atbSums?: 'per-pair' | 'shared';
    /** worker threads the run used (1: the algorithm ran on the main thread) */
    workers?: number;
    /** the paper's Table 7 counts for this cell, when it has them */
    paper?: { cmult: number; mult: number; rot: number };
    /** the paper's Table 6 formulas evaluated for this cell (cPad classes, this block shape) */
    table6?: { cmult: number; mult: number; rot: number };
  };

export type SoftmaxRecord = RecordCommon &
  Measured &
  Predicted & {
    kind: 'softmax';
    slots: number;
    classes: number;
    range: number;
    samples: number;
    errorKind: ErrorKind;
    /** null where JSON cannot hold the value (a diverged approximation) */
    error: { max: number | null; mean: number | null; nonFinite?: number };
    ops?: Partial<OpCounts>;
    depth: number;
    refreshes?: number;
    timeMs?: TimeStats;
  };

export type TrainRecord = RecordCommon &
  Measured &
  Predicted & {
    kind: 'train';
    slots: number;
    dataset: string;
    features: string;
    hyper: { lr: number; batch: number; epochs: number; optimizer: string; earlyStopping: boolean; patience: number; softmax: string };
    accuracy: { test: number; val: number; testEncrypted?: number };
    plainAccuracy: number;
    approxAccuracy?: number;
    epochs: number;
    bestEpoch: number;
    valLosses: (number | null)[];
    plainValLosses?: (number | null)[];
    /** refresh is the same figure as ops.refreshMs (one clock) */
    timeMs: {
      /** steps and validation passes */
      total: number;
      /** one training step alone (records before the split: total / steps) */
      perStep: number;
      /** all steps, and all validation passes (absent in records before the split) */
      step?: number;
      validation?: number;
      abt: number;
      atb: number;
      softmax: number;
      refresh?: number;
      other?: number;
    };
    ops: Partial<OpCounts>;
    refreshes: number;
    bytesMoved: number;
    /** worker threads of the encrypted products (1: all on the main thread) */
    workers?: number;
    /** the process's peak resident memory (MiB, worker threads included; process.resourceUsage) */
    peakRssMiB?: number;
    perClass?: { precision: number; recall: number }[];
    /** predicted ms of the products and the softmax over the run (seal) */
    predictedPhasesMs?: { abt: number; atb: number; softmax: number };
  };

export type OpsRecord = RecordCommon &
  Measured & {
    kind: 'ops';
    slots: number;
    op: string;
    level: number;
    timeMs: TimeStats;
    /** median CPU time (user + system) of the measured calls, ms */
    cpuMs?: number;
  };

/** A predicted time (hetal-bench estimate): simulator op counts by level x a latency table. */
export type EstimateRecord = RecordCommon &
  Measured & {
    kind: 'estimate';
    slots: number;
    target: 'matmul' | 'train';
    workers: number;
    /** predicted ms of the matmul call, or of the training (steps and validation passes) */
    predictedMs: number;
    /** the latency table used (this machine's, cached or measured in the run) */
    latencyTable: { measuredAt: string; iterations: number; clock: 'cpu' | 'wall' };
    shape?: string;
    keyswitches?: number;
    products?: number;
    levelCounts?: Partial<Record<string, number[]>>;
    dataset?: string;
    batch?: number;
    blocks?: string;
    steps?: number;
    predicted?: { stepS: number; trainS: number; validationS: number; inferenceS: number; stepPartsS: Record<string, number> };
    spec?: Record<string, number>;
    assumptions?: string;
    /** the paper's times beside the prediction (--paper) */
    paper?: { stepS: string; totalS: string; note: string };
  };

/** One bootstrap measured at a preset (hetal-bench bootstrap), beside a client-aided refresh. */
export type BootstrapRecord = RecordCommon &
  Measured & {
    kind: 'bootstrap';
    /** slots the bootstrap refreshes (n: sparse packing; N/2: full) */
    slots: number;
    ringSlots: number;
    packing: 'sparse' | 'full';
    /** what the random inputs were */
    inputs: string;
    /** h of the sparse secret of encapsulation */
    sparseWeight: number;
    transforms: { coeffToSlot: 'dense' | number; slotToCoeff: 'dense' | number };
    evalMod: { K: number; doubleAngles: number; degree: number };
    errorKind: ErrorKind;
    /** bits = -log2 of the worst / mean absolute error over every slot of every input */
    precision: { worstBits: number; meanBits: number; maxAbs: number; meanAbs: number; bound: number };
    /** output = left: the level a bootstrapped ciphertext has (rescales left) */
    levels: { top: number; output: number; left: number; depth: number; byStage: Record<string, number> };
    /** total: per bootstrap; setup: building the transforms once; byStage: medians */
    timeMs: { total: TimeStats; setup: number; byStage: Record<string, number> };
    /** counts of one bootstrap (its input at level 0) */
    ops: Partial<OpCounts>;
    /** rotation steps with a key of their own */
    rotationKeys: number;
    /** evaluation keys sent to the server (seal: serialized bytes; sim: the size SEAL's would have) */
    keyBytes: number;
    /** a client-aided refresh at the same preset: median time and bytes moved */
    clientRefresh: { timeMs: number; bytes: number };
  };

/** A record with statistics (completed or suspect). */
export type MeasuredRecord = MatmulRecord | SoftmaxRecord | TrainRecord | OpsRecord | EstimateRecord | BootstrapRecord;

export type ResultRecord = MeasuredRecord | FailedRecord;

/** Whether a record carries statistics. */
export function isMeasured(r: ResultRecord): r is MeasuredRecord {
  return r.state === 'completed' || r.state === 'suspect';
}

/** The one-line explanation of a record that is not plainly completed. */
export function notCompletedWhy(r: ResultRecord): string {
  if (r.state === 'suspect') return r.reason;
  if (r.state === 'failed' || r.state === 'skipped') return r.message;
  return '';
}
