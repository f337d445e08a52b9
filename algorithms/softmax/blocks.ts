/**
 * A softmax over several blocks (one ciphertext each, e.g. the block rows of a training batch):
 * the blocks are independent, so with a pool each runs on a worker thread, its refreshes served
 * by the main thread's refresher (parallel/refresh.ts). Each block is computed by the same
 * operations as on the main thread, and its refreshes are counted there alike.
 */
import type { Ct, Evaluator, Refresher } from '../ckks/types';
import type { SoftmaxAlgorithm, SoftmaxLayout } from '../interface';
import type { Parallel } from '../parallel/protocol';
import { serveRefreshes } from '../parallel/refresh';
import { fromWire, toWire } from '../parallel/wire';

/** The softmax of each block of `zs`, in order; on the pool's workers when there is more than one block and worker. */
export async function softmaxBlocks(
  be: Evaluator,
  rf: Refresher,
  softmax: SoftmaxAlgorithm,
  zs: readonly Ct[],
  layout: SoftmaxLayout,
  pool: Parallel | null,
): Promise<Ct[]> {
  if (!pool || pool.workers <= 1 || zs.length < 2) return zs.map((z) => softmax.encrypted(be, rf, z, layout));
  const served = zs.map(() => serveRefreshes(be, rf));
  try {
    // every task settles before any channel closes: a worker still computing its block when another
    // block failed would otherwise wait for ever for the answer to its next refresh (and never take
    // another task)
    const settled = await Promise.allSettled(
      zs.map((z, i) => pool.run({ kind: 'softmax', softmax: softmax.id, z: toWire(be, z), layout, refresh: served[i]!.channel })),
    );
    const done = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (done.length < settled.length) {
      const reason = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as unknown;
      // a refresh the main thread refused (e.g. a non-finite value) fails the task: report the refresher's own error
      throw served.map((s) => s.failure()).find((f) => f !== undefined) ?? reason;
    }
    return done.map((w) => fromWire(be, w));
  } finally {
    for (const s of served) s.close();
  }
}
