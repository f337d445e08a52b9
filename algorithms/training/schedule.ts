/**
 * The training schedule every engine shares, so the encrypted run and its plaintext twins see
 * the same batches in the same order with the same momentum: fixed contiguous batches of the
 * (already shuffled) training split, visited in a seeded order that changes every epoch.
 */
import { NonFiniteError } from '../errors';
import { uniformRng } from '../random';
import { EarlyStopping } from './early-stopping';
import { momentum } from './nesterov';
import type { Hyper } from './types';

/** Row ranges [start, end) of the batches of n rows. */
export function batchRanges(n: number, batch: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += batch) out.push([s, Math.min(n, s + batch)]);
  return out;
}

/** The batch visiting order of each epoch (seeded Fisher-Yates per epoch). */
export function epochOrder(batches: number, epoch: number, seed: number): number[] {
  const rng = uniformRng((seed * 1000003 + epoch * 7919) >>> 0);
  const order = Array.from({ length: batches }, (_, i) => i);
  for (let i = batches - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** What an engine (plain or encrypted) must do for the shared loop. */
export interface TrainingEngine {
  /** One optimizer step on batch `b` with momentum coefficient `gamma`. */
  step(b: number, gamma: number): void;
  /** Validation cross-entropy of the current weights (decrypted by the client if encrypted). */
  validationLoss(): number;
  /** Keeps a copy of the current weights as the best so far. */
  keepBest(): void;
}

/** Runs the epochs: steps in schedule order, validation after each epoch, early stopping. */
export function runSchedule(
  engine: TrainingEngine,
  batches: number,
  hyper: Hyper,
  onEpoch?: (epoch: number, loss: number) => void,
): { epochs: number; bestEpoch: number; valLosses: number[]; steps: number } {
  const stopper = new EarlyStopping(hyper.earlyStopping ? hyper.patience : Infinity);
  const valLosses: number[] = [];
  let t = 0;
  let epochs = 0;
  for (let epoch = 0; epoch < hyper.epochs; epoch++) {
    try {
      for (const b of epochOrder(batches, epoch, hyper.seed)) {
        engine.step(b, momentum(hyper.optimizer, t));
        t++;
      }
    } catch (err) {
      // the weights overflowed mid-epoch: the run ends here, its loss recorded as not finite
      if (!(err instanceof NonFiniteError)) throw err;
      epochs = epoch + 1;
      valLosses.push(NaN);
      onEpoch?.(epochs, NaN);
      break;
    }
    epochs = epoch + 1;
    const loss = engine.validationLoss();
    valLosses.push(loss);
    onEpoch?.(epochs, loss);
    const { improved, stop } = stopper.observe(loss);
    // Without early stopping the last weights are the result; with it, the best epoch's.
    if (improved || !hyper.earlyStopping) engine.keepBest();
    if (stop) break;
  }
  return { epochs, bestEpoch: hyper.earlyStopping ? stopper.bestEpoch : epochs, valLosses, steps: t };
}
