/**
 * Result records: one per measured cell, one JSON object per line (results.jsonl), mirrored to
 * CSV. The fields below are the contract the README's command-line section states; experiments may add more.
 * A record is a discriminated union on `state` (tinybench's shape): a failed or skipped cell
 * still says what ran and why it did not finish.
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

/** What every record has. */
export interface RecordBase {
  kind: 'matmul' | 'softmax' | 'train' | 'ops' | 'estimate';
  state: 'completed' | 'failed' | 'skipped';
  /** the failure or skip reason (state failed / skipped) */
  message?: string;
  /** a stable key of the cell's parameters (resume, shard, compare) */
  cell: string;
  algorithm: string;
  backend: string;
  preset: string;
  slots: number;
  meta: RunMeta;
  /** protocol deviations from the paper that apply to this record */
  deviations?: string[];
  /** encrypted runs: messages and bytes between client and server, each way and by purpose */
  transcript?: TranscriptSummary;
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
  /** cpuMs / predictedMs: the model's own error */
  cpuOverhead?: number;
  /** when the latency table was measured */
  latencyTable?: string;
}

export interface MatmulRecord extends RecordBase, Predicted {
  kind: 'matmul';
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
  error: { maxAbs: number; meanAbs: number; bits?: number };
  /** whether two diagonals shared one product (complex packing) */
  complexPacking?: boolean;
  /** the input-level policy ('top' or 'auto') and the levels the operands were encrypted at */
  inputLevel?: 'top' | 'auto';
  inputLevels?: { a: number; b: number };
  /** relinearization policy of accumulated products */
  relin?: 'eager' | 'lazy';
  /** the paper's Table 7 counts for this cell, when it has them */
  paper?: { cmult: number; mult: number; rot: number };
  /** the paper's Table 6 formulas evaluated for this cell (cPad classes, this block shape) */
  table6?: { cmult: number; mult: number; rot: number };
}

export interface SoftmaxRecord extends RecordBase, Predicted {
  kind: 'softmax';
  classes: number;
  range: number;
  samples: number;
  error: { max: number; mean: number };
  ops?: Partial<OpCounts>;
  depth: number;
  refreshes?: number;
  timeMs?: TimeStats;
}

export interface TrainRecord extends RecordBase, Predicted {
  kind: 'train';
  dataset: string;
  features: string;
  hyper: { lr: number; batch: number; epochs: number; optimizer: string; earlyStopping: boolean; patience: number; softmax: string };
  accuracy: { test: number; val: number; testEncrypted?: number };
  plainAccuracy: number;
  approxAccuracy?: number;
  epochs: number;
  bestEpoch: number;
  valLosses: number[];
  plainValLosses?: number[];
  timeMs: { total: number; perStep: number; abt: number; atb: number; softmax: number; refresh?: number; other?: number };
  ops: Partial<OpCounts>;
  refreshes: number;
  bytesMoved: number;
  perClass?: { precision: number; recall: number }[];
  /** predicted ms of the products and the softmax over the run (seal) */
  predictedPhasesMs?: { abt: number; atb: number; softmax: number };
}

export interface OpsRecord extends RecordBase {
  kind: 'ops';
  op: string;
  level: number;
  timeMs: TimeStats;
  /** median CPU time (user + system) of the measured calls, ms */
  cpuMs?: number;
}

/** A predicted time (hetal-bench estimate): simulator op counts by level x a latency table. */
export interface EstimateRecord extends RecordBase {
  kind: 'estimate';
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
}

export type ResultRecord = MatmulRecord | SoftmaxRecord | TrainRecord | OpsRecord | EstimateRecord;
