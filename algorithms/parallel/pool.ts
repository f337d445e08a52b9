/**
 * A pool of evaluators on worker threads (piscina), for the independent work of a computation
 * (block columns of DiagABT's products, of DiagATB; blocks of a softmax). Each worker builds its own evaluator from
 * the session's serialized evaluation keys, which are copied once into shared memory for all
 * workers; a worker never sees the key owner. The operations a worker does are added to the
 * session's counter, so a run's counts are the same on any number of workers. Start one pool per
 * command, after the session's keys are final, and destroy it at the end.
 */
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { Session } from '../ckks/session';
import type { BackendOptions, EvaluationKeys } from '../ckks/types';
import type { Parallel, ProbeReport, Reply, Task, TaskResults, WireCt } from './protocol';
import type { WorkerSetup } from './tasks';
import { progressBeacon } from '../ckks/progress';
import { transferables } from './wire';

/** The machine's cores: the default number of workers. */
export function defaultWorkers(): number {
  return os.availableParallelism();
}

/** A copy of `bytes` in shared memory (read by every worker, copied once). */
function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  out.set(bytes);
  return out;
}

/** The ciphertexts a task carries (their buffers move to the worker instead of being copied). */
function wires(task: Task): WireCt[] {
  if (task.kind === 'abt-columns') return [...task.x.flat(), ...task.w];
  if (task.kind === 'atb-columns') return task.x.flat(); // A's shifts go to every worker: copied
  if (task.kind === 'abt-term') return [task.sum];
  if (task.kind === 'softmax') return [task.z];
  return [];
}

export class EvaluatorPool implements Parallel {
  private destroyed = false;

  private constructor(
    private readonly session: Session,
    private readonly keys: EvaluationKeys,
    private readonly piscina: Piscina,
    readonly workers: number,
  ) {}

  /**
   * Starts `workers` threads, each with an evaluator built from the session's evaluation keys
   * (`options`: those the session was created with), and waits until every one is ready (so start-up is not counted in what is timed next).
   */
  static async start(session: Session, workers: number, options: BackendOptions = {}): Promise<EvaluatorPool> {
    const keys = session.evaluationKeys;
    const ev = session.ev;
    const setup: WorkerSetup = {
      backend: ev.id,
      preset: ev.preset,
      keys: { ...keys, relin: shared(keys.relin), galois: shared(keys.galois) },
      // the session's options (the simulator's noise and seed among them), with its evaluator's policies
      options: { ...options, relin: ev.relin, realOnly: !ev.supportsComplex },
      // a view of a SharedArrayBuffer: the workers increment the same counter
      beacon: progressBeacon(),
    };
    const piscina = new Piscina({
      filename: path.join(__dirname, 'worker.js'),
      workerData: setup,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
    });
    const pool = new EvaluatorPool(session, keys, piscina, workers);
    try {
      await pool.probe();
    } catch (err) {
      await pool.destroy();
      throw err;
    }
    return pool;
  }

  async run<T extends Task>(task: T): Promise<TaskResults[T['kind']]> {
    if (this.destroyed) throw new Error('evaluator pool: used after destroy');
    if (this.session.evaluationKeys !== this.keys) {
      throw new Error("evaluator pool: the session's evaluation keys changed after the pool started (start it after ensureRotationKeys)");
    }
    // a refresh channel's port moves to the worker with the task
    const ports = task.kind === 'softmax' ? [task.refresh.port] : [];
    const reply = (await this.piscina.run(task, { transferList: [...transferables(wires(task)), ...ports] })) as Reply<T['kind']>;
    this.session.ev.counter.merge(reply.counts, reply.levels);
    return reply.value;
  }

  /** Each worker's thread id and live ciphertexts and plaintexts (0 between tasks: every task runs in a scope). */
  async probe(): Promise<ProbeReport[]> {
    const barrier = new SharedArrayBuffer(4);
    const reports = await Promise.all(
      Array.from({ length: this.workers }, () => this.run({ kind: 'probe', barrier, parties: this.workers })),
    );
    if (new Set(reports.map((r) => r.threadId)).size !== this.workers) {
      throw new Error(`evaluator pool: probes reached ${new Set(reports.map((r) => r.threadId)).size} of ${this.workers} workers`);
    }
    return reports;
  }

  /** Ends the worker threads (their evaluators and SEAL instances go with them). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.piscina.destroy();
  }
}
