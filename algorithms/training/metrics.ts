/** Classification metrics on decrypted outputs (the client's side). */

/** Index of the largest of the first `classes` values of each row of a rows x stride matrix. */
export function argmaxRows(values: Float64Array, rows: number, stride: number, classes = stride): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let j = 0; j < classes; j++) {
      const v = values[r * stride + j]!;
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[r] = best;
  }
  return out;
}

/** Fraction of predictions equal to the labels. */
export function accuracy(pred: Int32Array, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return y.length ? ok / y.length : 0;
}

/**
 * Mean cross-entropy of probabilities (rows x stride, first `classes` columns) against labels.
 * Probabilities from an approximation can be slightly off [0, 1]: they are clipped to
 * [1e-12, 1] before the logarithm, as the client would.
 */
export function crossEntropy(probs: Float64Array, rows: number, stride: number, y: Int32Array): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const p = Math.min(1, Math.max(1e-12, probs[r * stride + y[r]!]!));
    sum -= Math.log(p);
  }
  return rows ? sum / rows : 0;
}

/** Per-class precision and recall (0 where undefined). */
export function perClassReport(pred: Int32Array, y: Int32Array, classes: number): { precision: number; recall: number; support: number }[] {
  const tp = new Float64Array(classes),
    predicted = new Float64Array(classes),
    actual = new Float64Array(classes);
  for (let i = 0; i < y.length; i++) {
    predicted[pred[i]!]! += 1;
    actual[y[i]!]! += 1;
    if (pred[i] === y[i]) tp[y[i]!]! += 1;
  }
  return Array.from({ length: classes }, (_, c) => ({
    precision: predicted[c]! ? tp[c]! / predicted[c]! : 0,
    recall: actual[c]! ? tp[c]! / actual[c]! : 0,
    support: actual[c]!,
  }));
}

/** Exact softmax of each row of a rows x classes matrix (max-shifted). */
export function exactSoftmax(z: Float64Array, rows: number, classes: number): Float64Array {
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, z[r * classes + j]!);
    let s = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp(z[r * classes + j]! - m);
      out[r * classes + j] = e;
      s += e;
    }
    for (let j = 0; j < classes; j++) out[r * classes + j]! /= s;
  }
  return out;
}
