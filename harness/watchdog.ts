/**
 * The memory watchdog of a single seal command. node-seal's heap stops at 4 GiB; past it SEAL
 * throws std::bad_alloc and can then spin for ever while objects are deleted, or never throw at
 * all (an n14 product grew the heap to 4 GiB and spun with the CPU busy for 600 s). JavaScript
 * on the main thread cannot interrupt either, so a worker thread watches: when the process's
 * resident memory is at the heap ceiling and the main thread has made no progress (its event
 * loop has not ticked) for a while, the worker prints why and SIGKILLs the process, which then
 * exits non-zero within seconds instead of hanging.
 */
import { Worker } from 'node:worker_threads';
import { setProgressBeacon } from '../algorithms/ckks/progress';
import { releaseAllLocks } from './lock';

/** Resident memory, MiB, at which the SEAL heap counts as at its 4 GiB ceiling (measured: a heap grown to 4 GiB that spins holds 4054 MiB resident). */
export const CEILING_MIB = 3968;

/** Seconds without a tick of the main thread, at the ceiling, before the process is killed. */
export const STALL_S = 15;

/** The worker's code (plain JavaScript: it runs without the TypeScript loader). */
const WORKER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const beat = new Int32Array(workerData.beat);
const rssMiB = () => {
  try {
    const m = /VmRSS:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};
let last = Atomics.load(beat, 0);
let since = Date.now();
setInterval(() => {
  const now = Atomics.load(beat, 0);
  if (now !== last) {
    last = now;
    since = Date.now();
    return;
  }
  const stalled = (Date.now() - since) / 1000;
  const rss = rssMiB();
  if (stalled >= workerData.stallS && rss >= workerData.ceilingMiB) {
    fs.writeSync(2, 'hetal-bench: out of memory: the SEAL heap is at its 4 GiB ceiling (' + rss.toFixed(0) + ' MiB resident) and the ' +
      'computation has made no progress for ' + stalled.toFixed(0) + ' s (SEAL spins after std::bad_alloc); killing the process. ' +
      'Use a smaller shape, batch or preset (see README "Failure behaviour").\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 500);
`;

let started = false;

/**
 * Starts the watchdog once per process (a no-op on platforms without /proc). The limits can be
 * lowered through HETAL_WATCHDOG_CEILING_MIB and HETAL_WATCHDOG_STALL_S (for its test).
 */
export function startMemoryWatchdog(): void {
  if (started || process.platform !== 'linux') return;
  started = true;
  const beat = new SharedArrayBuffer(4);
  const counter = new Int32Array(beat);
  const ceilingMiB = Number(process.env.HETAL_WATCHDOG_CEILING_MIB) || CEILING_MIB;
  const stallS = Number(process.env.HETAL_WATCHDOG_STALL_S) || STALL_S;
  const worker = new Worker(WORKER, { eval: true, workerData: { beat, ceilingMiB, stallS } });
  worker.unref();
  // the heartbeat: the event loop ticks it, and so does every finished CKKS operation (a
  // training step runs minutes of synchronous wasm, one SEAL call after another); it stops
  // only when one SEAL call never returns, which is how SEAL spins after its heap ran out
  setInterval(() => Atomics.add(counter, 0, 1), 250).unref();
  setProgressBeacon(counter);
}

/** Whether a command line runs real SEAL (the commands whose backend is seal, `ops` by default). */
export function runsSeal(argv: readonly string[]): boolean {
  const cmd = argv[0];
  if (!['matmul', 'softmax', 'train', 'bootstrap', 'ops'].includes(cmd ?? '')) return false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--backend') return argv[i + 1] === 'seal';
    if (a.startsWith('--backend=')) return a === '--backend=seal';
  }
  return cmd === 'ops';
}

/** Whether an error is SEAL's heap running out (after which the SEAL instance is unusable). */
export function isHeapExhausted(err: unknown): boolean {
  return /bad_alloc|Cannot enlarge memory|Out of memory/i.test(String((err as Error)?.message ?? err));
}

/**
 * Ends the process at once after std::bad_alloc: freeing SEAL objects now can spin for ever
 * (SEAL's memory pool throws while holding its lock), so nothing is disposed. Records already
 * written are kept (appends are synchronous); the lock of --out is released.
 */
export function endAfterHeapExhaustion(): never {
  process.stderr.write(
    "hetal-bench: out of memory: SEAL's 4 GiB WebAssembly heap is exhausted (std::bad_alloc); the SEAL instance can no longer " +
      'be used or freed, so the process ends now. Use a smaller shape, batch or preset (see README "Failure behaviour").\n',
  );
  releaseAllLocks();
  process.exit(1);
}
