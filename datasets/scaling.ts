/**
 * Feature scaling fitted on the training split only and applied to all splits. CKKS needs
 * bounded inputs: each feature is standardized with the train mean and std (a constant feature
 * keeps std 1), divided by sqrt(d) so that a row has norm about 1, and clipped to [-1, 1]; then
 * the bias column 1 is appended (the paper's 768 + 1 = 769).
 */
import { type Split } from './types';
import { type Matrix } from './source';

/** The one-line description put in Dataset.scaling. */
export function describeScaling(d: number): string {
  return `per-feature standardization with train-split mean/std (std 0 -> 1), divided by sqrt(${d}), clipped to [-1, 1]; bias column 1 appended (d = ${d + 1})`;
}

/** Per-feature statistics fitted on the training rows, in units of the stored values. */
export interface Scaler {
  /** Mean of each stored feature over the training rows. */
  mean: Float64Array;
  /** Multiplier after subtracting the mean: 1 / (std * sqrt(d)), std 0 counted as 1. */
  factor: Float64Array;
  /** Matrix.scale of the rows it was fitted on; the rows it scales must share it. */
  valueScale: number;
}

/** Fits the scaler on `train` (population std). */
export function fitScaler(train: Matrix): Scaler {
  const { values, n, d } = train;
  const valueScale = train.scale ?? 1;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) mean[j]! += values[row + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  // Second pass about the mean: immune to the cancellation of a sum of squares.
  const sumSq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const dev = values[row + j]! - mean[j]!;
      sumSq[j]! += dev * dev;
    }
  }
  const rootD = Math.sqrt(d);
  const factor = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    // Standardizing value * valueScale is standardizing the stored value, except that a
    // constant feature's std counts as 1 in the scaled units.
    const std = Math.sqrt(sumSq[j]! / n) * valueScale;
    factor[j] = valueScale / ((std > 1e-12 ? std : 1) * rootD);
  }
  return { mean, factor, valueScale };
}

/** Scales, clips and appends the bias column 1; labels are passed through. */
export function applyScaler(scaler: Scaler, features: Matrix, y: Int32Array): Split {
  const { values, n, d } = features;
  const { mean, factor } = scaler;
  if ((features.scale ?? 1) !== scaler.valueScale) throw new Error('applyScaler: rows stored at another scale than the fit');
  const width = d + 1;
  const X = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    const inRow = i * d;
    const outRow = i * width;
    for (let j = 0; j < d; j++) {
      const v = (values[inRow + j]! - mean[j]!) * factor[j]!;
      X[outRow + j] = v > 1 ? 1 : v < -1 ? -1 : v;
    }
    X[outRow + d] = 1;
  }
  return { X, y, n, d: width };
}
