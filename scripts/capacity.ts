/**
 * What the machine gives a process now: the speed-up `threads` threads of plain arithmetic can
 * have (threads x one unit's time on 1 thread / the time of one unit each on `threads`). The
 * speed-up scripts print it beside their ratios, so that a ratio measured while another job
 * held a core can be told from one measured on a quiet machine.
 */
import { Worker } from 'node:worker_threads';

/** A fixed amount of arithmetic on `threads` worker threads at once, ms. */
async function spin(threads: number): Promise<number> {
  const code = 'let x = 0; for (let i = 0; i < 3e8; i++) x += Math.sqrt(i); require("node:worker_threads").parentPort.postMessage(x);';
  const t0 = performance.now();
  await Promise.all(Array.from({ length: threads }, () => new Promise((done) => new Worker(code, { eval: true }).once('message', done))));
  return performance.now() - t0;
}

/** The thread capacity now, with the two times it comes from. */
export async function capacity(threads: number): Promise<{ speedup: number; oneMs: number; manyMs: number }> {
  const oneMs = await spin(1);
  const manyMs = await spin(threads);
  return { speedup: (threads * oneMs) / manyMs, oneMs, manyMs };
}
