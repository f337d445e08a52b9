/**
 * The messages between the main thread and the worker threads of an evaluator pool, and what
 * the algorithms see of a pool (`Parallel`). Ciphertexts travel as their serialization with the
 * `complex` flag (which is not serialized and decides the fix-up conjugations of odd rotations).
 * Each reply carries the counts of the operations the worker did, which the pool adds to the
 * session's counter, so counts are the same on any number of workers. A task that refreshes
 * (the softmax) asks the main thread, where the key owner is, over a `RefreshChannel`.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LevelCounts, OpCounts } from '../ckks/types';
import type { SoftmaxLayout } from '../interface';
import type { AbtGeometry } from '../matmul/diag-abt';
import type { AtbGeometry } from '../matmul/diag-atb';

/** A ciphertext in transit. */
export interface WireCt {
  readonly bytes: Uint8Array;
  readonly complex: boolean;
}

/** DiagABT's products for some block columns: x[i][j'] and w[j'] of those columns. Reply: the unfinished sums [k][i]. */
export interface AbtColumnsTask {
  readonly kind: 'abt-columns';
  readonly x: readonly (readonly WireCt[])[];
  readonly w: readonly WireCt[];
  readonly geometry: AbtGeometry;
}

/** DiagABT's term of diagonal pair k for one block row, from the pair's finished-to-be sum (pending). Reply: the term. */
export interface AbtTermTask {
  readonly kind: 'abt-term';
  readonly k: number;
  readonly sum: WireCt;
  readonly geometry: AbtGeometry;
}

/** DiagATB's outputs for some block columns: the shifted A [k][i] and x[i][j'] of those columns. Reply: one output per column. */
export interface AtbColumnsTask {
  readonly kind: 'atb-columns';
  readonly a: readonly (readonly WireCt[])[];
  readonly x: readonly (readonly WireCt[])[];
  readonly geometry: AtbGeometry;
}

/**
 * How a worker asks the main thread for a refresh (the key owner lives there): it posts the
 * ciphertext on `port` and blocks on `flag` until the reply is there (refresh.ts).
 */
export interface RefreshChannel {
  readonly port: MessagePort;
  /** an Int32Array(1) over it: 1 when the main thread's reply is on the port */
  readonly flag: SharedArrayBuffer;
  /** the main thread's refresher: its kind and levels */
  readonly kind: string;
  readonly minInputLevel: number;
  readonly outputLevel: number;
  readonly target: 'need' | 'output';
}

/** One block of a softmax (its own ciphertext, independent of the other blocks). Reply: the probabilities. */
export interface SoftmaxTask {
  readonly kind: 'softmax';
  /** a registered softmax id (algorithms/softmax/registry.ts) */
  readonly softmax: string;
  readonly z: WireCt;
  readonly layout: SoftmaxLayout;
  readonly refresh: RefreshChannel;
}

/** Reports the worker's live SEAL objects; the barrier makes `parties` such tasks reach `parties` different workers. */
export interface ProbeTask {
  readonly kind: 'probe';
  readonly barrier: SharedArrayBuffer;
  readonly parties: number;
}

export type Task = AbtColumnsTask | AbtTermTask | AtbColumnsTask | SoftmaxTask | ProbeTask;

/** A worker's state as a probe sees it. */
export interface ProbeReport {
  readonly threadId: number;
  /** ciphertexts and plaintexts alive in its evaluator */
  readonly liveObjects: number;
}

/** What each task returns. */
export interface TaskResults {
  'abt-columns': WireCt[][];
  'abt-term': WireCt;
  'atb-columns': WireCt[];
  softmax: WireCt;
  probe: ProbeReport;
}

/** A worker's reply: the result and the counts of what it did. */
export interface Reply<K extends Task['kind']> {
  readonly value: TaskResults[K];
  readonly counts: OpCounts;
  readonly levels: LevelCounts;
  /** the task's time in the worker, ms */
  readonly ms: number;
}

/** What algorithms see of a pool of evaluators on worker threads. */
export interface Parallel {
  /** Worker threads (tasks run on this many at once). */
  readonly workers: number;
  /** Runs a task on a free worker; its operations are counted as if done on the main evaluator. */
  run<T extends Task>(task: T): Promise<TaskResults[T['kind']]>;
}
