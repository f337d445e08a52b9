/** The exact softmax and the paper's error measure, for the error protocol and the tests. */

/** Exact softmax of rows x classes logits (row-major), max-subtracted. */
export function exactSoftmax(z: Float64Array, rows: number, classes: number): Float64Array {
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let m = -Infinity;
    for (let k = 0; k < classes; k++) m = Math.max(m, z[o + k]!);
    let s = 0;
    for (let k = 0; k < classes; k++) s += out[o + k] = Math.exp(z[o + k]! - m);
    for (let k = 0; k < classes; k++) out[o + k] = out[o + k]! / s;
  }
  return out;
}

/** Running error statistics: per sample, max over classes of |exact - approx|. */
export class ErrorStats {
  /** largest per-sample error (Infinity once a sample is not finite) */
  max = 0;
  private sum = 0;
  /** samples seen */
  count = 0;
  /** samples whose approximation is not finite (NaN or infinite: the method diverged) */
  nonFinite = 0;

  /** Adds `rows` samples. */
  add(exact: Float64Array, approx: ArrayLike<number>, rows: number, classes: number): void {
    for (let r = 0; r < rows; r++) {
      let e = 0;
      for (let k = 0; k < classes; k++) {
        const d = Math.abs(exact[r * classes + k]! - approx[r * classes + k]!);
        e = d > e || Number.isNaN(d) ? d : e;
      }
      if (!Number.isFinite(e)) {
        this.nonFinite += 1;
        e = Infinity;
      }
      if (e > this.max) this.max = e;
      this.sum += e;
      this.count += 1;
    }
  }

  /** Mean per-sample error. */
  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}
