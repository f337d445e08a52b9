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

/** An engine whose steps and validations are asynchronous (their products run on worker threads). */
export interface AsyncTrainingEngine {
  step(b: number, gamma: number): Promise<void>;
  validationLoss(): Promise<number>;
  keepBest(): void;
}

/** What the schedule did. */
export interface ScheduleOutcome {
  epochs: number;
  bestEpoch: number;
  valLosses: number[];
  steps: number;
}

/** One call the schedule asks of an engine. */
type EngineCall = { kind: 'step'; b: number; gamma: number } | { kind: 'validate' } | { kind: 'keepBest' };

/**
 * The epochs as a sequence of engine calls (the one place the loop is written, for synchronous
 * and asynchronous engines alike): steps in schedule order, validation after each epoch (the
 * driver answers it with the loss; an error of a call is thrown back in here), early stopping.
 */
function* scheduleCalls(
  batches: number,
  hyper: Hyper,
  onEpoch?: (epoch: number, loss: number) => void,
): Generator<EngineCall, ScheduleOutcome, number> {
  const stopper = new EarlyStopping(hyper.earlyStopping ? hyper.patience : Infinity);
  const valLosses: number[] = [];
  let t = 0;
  let epochs = 0;
  for (let epoch = 0; epoch < hyper.epochs; epoch++) {
    try {
      for (const b of epochOrder(batches, epoch, hyper.seed)) {
        yield { kind: 'step', b, gamma: momentum(hyper.optimizer, t) };
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
    const loss = yield { kind: 'validate' };
    valLosses.push(loss);
    onEpoch?.(epochs, loss);
    const { improved, stop } = stopper.observe(loss);
    // Without early stopping the last weights are the result; with it, the best epoch's.
    if (improved || !hyper.earlyStopping) yield { kind: 'keepBest' };
    if (stop) break;
  }
  return { epochs, bestEpoch: hyper.earlyStopping ? stopper.bestEpoch : epochs, valLosses, steps: t };
}

/** Runs the epochs: steps in schedule order, validation after each epoch, early stopping. */
export function runSchedule(
  engine: TrainingEngine,
  batches: number,
  hyper: Hyper,
  onEpoch?: (epoch: number, loss: number) => void,
): ScheduleOutcome {
  const calls = scheduleCalls(batches, hyper, onEpoch);
  let next = calls.next(0);
  while (!next.done) {
    const call = next.value;
    let answer = 0;
    try {
      if (call.kind === 'step') engine.step(call.b, call.gamma);
      else if (call.kind === 'validate') answer = engine.validationLoss();
      else engine.keepBest();
    } catch (err) {
      next = calls.throw(err);
      continue;
    }
    next = calls.next(answer);
  }
  return next.value;
}

/** runSchedule for an asynchronous engine. */
export async function runScheduleAsync(
  engine: AsyncTrainingEngine,
  batches: number,
  hyper: Hyper,
  onEpoch?: (epoch: number, loss: number) => void,
): Promise<ScheduleOutcome> {
  const calls = scheduleCalls(batches, hyper, onEpoch);
  let next = calls.next(0);
  while (!next.done) {
    const call = next.value;
    let answer = 0;
    try {
      if (call.kind === 'step') await engine.step(call.b, call.gamma);
      else if (call.kind === 'validate') answer = await engine.validationLoss();
      else engine.keepBest();
    } catch (err) {
      next = calls.throw(err);
      continue;
    }
    next = calls.next(answer);
  }
  return next.value;
}
