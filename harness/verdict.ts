/**
 * Sanity checks that decide whether a finished training run is `completed` or `suspect`. A
 * suspect record keeps its statistics and says why they are not to be believed; reports list it
 * apart, and the command exits 3 (harness/output.ts).
 */
import type { TrainRecord } from './records';

/**
 * How far below its plaintext twin (same data, split, initialization and batches, exact
 * softmax in float64) an encrypted run's test accuracy may end before it counts as diverged:
 * 10 points. The paper reports encrypted runs within 0.5 points of their twin and this project
 * measures 0.0 to 0.1 points; CKKS noise and the softmax approximation cannot explain 10, a
 * learning rate that makes the approximation leave its domain (e.g. --lr 1000) can.
 */
export const DIVERGENCE_POINTS = 0.1;

/** The record, marked suspect if its losses are not finite or its accuracy fell far below its twin. */
export function trainVerdict(record: TrainRecord): TrainRecord {
  const reasons: string[] = [];
  const losses = record.valLosses;
  const bad = losses.findIndex((l) => l === null || !Number.isFinite(l));
  if (bad >= 0) reasons.push(`validation loss of epoch ${bad + 1} is ${String(losses[bad])} (training diverged)`);
  if (record.backend !== 'plain' && record.accuracy.test < record.plainAccuracy - DIVERGENCE_POINTS) {
    const pts = (x: number) => (100 * x).toFixed(1);
    reasons.push(
      `test accuracy ${pts(record.accuracy.test)}% is ${pts(record.plainAccuracy - record.accuracy.test)} points below ` +
        `its plaintext twin (${pts(record.plainAccuracy)}%; more than ${pts(DIVERGENCE_POINTS)} points means the run diverged)`,
    );
  }
  if (reasons.length === 0) return record;
  return { ...record, state: 'suspect', reason: reasons.join('; ') };
}
