/**
 * The worker-thread side of an evaluator pool (loaded by worker.js in each worker): one counted
 * evaluator per worker, built on the first task from the serialized evaluation keys the pool
 * shares (workerData), never from secret key material. Each task runs in a scope, so no
 * ciphertext or plaintext outlives it, and replies with its result as bytes and the counts of
 * what it did.
 */
import { workerData, threadId } from 'node:worker_threads';
import { CountingEvaluator } from '../ckks/counting';
import { setProgressBeacon } from '../ckks/progress';
import type { Preset } from '../ckks/presets';
import { createRawEvaluator } from '../ckks/session';
import { type BackendId, type BackendOptions, diffCounts, diffLevelCounts, type EvaluationKeys } from '../ckks/types';
import { abtColumnSums, abtPairTerm } from '../matmul/diag-abt';
import { atbColumn } from '../matmul/diag-atb';
import { MaskSet } from '../matrix/masks';
import { getSoftmax } from '../softmax/registry';
import type {
  AbtColumnsTask,
  AbtTermTask,
  AtbColumnsTask,
  ProbeReport,
  ProbeTask,
  Reply,
  SoftmaxTask,
  Task,
  TaskResults,
  WireCt,
} from './protocol';
import { RemoteRefresher } from './refresh';
import { fromWire, toWire } from './wire';

/** What the pool gives every worker when it starts it. */
export interface WorkerSetup {
  readonly backend: BackendId;
  readonly preset: Preset;
  /** relin and galois are views of SharedArrayBuffers: one copy of the keys for all workers */
  readonly keys: EvaluationKeys;
  readonly options: BackendOptions;
  /** the main thread's progress beacon (ckks/progress.ts), so that the operations of a worker count as progress for the
   * process's memory watchdog (a long task on the workers is not a stall), or null */
  readonly beacon: Int32Array | null;
}

let evaluator: Promise<CountingEvaluator> | null = null;

/** This worker's evaluator, built once. */
function getEvaluator(): Promise<CountingEvaluator> {
  if (!evaluator) {
    const setup = workerData as WorkerSetup;
    setProgressBeacon(setup.beacon);
    evaluator = createRawEvaluator(setup.backend, setup.preset, setup.keys, setup.options).then((raw) => new CountingEvaluator(raw));
  }
  return evaluator;
}

/** The evaluator's work for one task. */
function abtColumns(be: CountingEvaluator, t: AbtColumnsTask): WireCt[][] {
  const x = t.x.map((row) => row.map((w) => fromWire(be, w)));
  const w = t.w.map((c) => fromWire(be, c));
  return abtColumnSums(be, x, w, t.geometry).map((row) => row.map((ct) => toWire(be, ct)));
}

function abtTerm(be: CountingEvaluator, t: AbtTermTask): WireCt {
  const masks = new MaskSet(be, t.geometry.s0, t.geometry.s1);
  return toWire(be, abtPairTerm(be, masks, t.geometry, t.k, fromWire(be, t.sum)));
}

function atbColumns(be: CountingEvaluator, t: AtbColumnsTask): WireCt[] {
  const aks = t.a.map((row) => row.map((w) => fromWire(be, w)));
  const x = t.x.map((row) => row.map((w) => fromWire(be, w)));
  const masks = new MaskSet(be, t.geometry.s0, t.geometry.s1);
  return x[0]!.map((_, j) =>
    toWire(
      be,
      atbColumn(
        be,
        masks,
        t.geometry,
        aks,
        x.map((row) => row[j]!),
      ),
    ),
  );
}

/** One softmax block; its refreshes are the main thread's (RemoteRefresher). */
function softmaxBlock(be: CountingEvaluator, t: SoftmaxTask): WireCt {
  const out = getSoftmax(t.softmax).encrypted(be, new RemoteRefresher(be, t.refresh), fromWire(be, t.z), t.layout);
  return toWire(be, out);
}

/** Waits until `parties` probes have arrived, so that each runs on a worker of its own. */
function barrier(t: ProbeTask): void {
  const arrived = new Int32Array(t.barrier);
  Atomics.add(arrived, 0, 1);
  Atomics.notify(arrived, 0);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const n = Atomics.load(arrived, 0);
    if (n >= t.parties) return;
    if (Date.now() > deadline) throw new Error(`pool probe: only ${n} of ${t.parties} workers answered in 120 s`);
    Atomics.wait(arrived, 0, n, 1000);
  }
}

/** Runs one task (piscina calls this with the task message). */
export async function handle(task: Task): Promise<Reply<Task['kind']>> {
  const be = await getEvaluator();
  const t0 = performance.now();
  const counts0 = be.counts(),
    levels0 = be.levelCounts();
  let value: TaskResults[Task['kind']];
  if (task.kind === 'probe') {
    barrier(task);
    value = { threadId, liveObjects: be.liveObjects() } satisfies ProbeReport;
  } else if (task.kind === 'abt-columns') {
    value = be.scope(() => abtColumns(be, task));
  } else if (task.kind === 'abt-term') {
    value = be.scope(() => abtTerm(be, task));
  } else if (task.kind === 'softmax') {
    value = be.scope(() => softmaxBlock(be, task));
  } else {
    value = be.scope(() => atbColumns(be, task));
  }
  return {
    value,
    counts: diffCounts(be.counts(), counts0),
    levels: diffLevelCounts(be.levelCounts(), levels0),
    ms: performance.now() - t0,
  };
}
