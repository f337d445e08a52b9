/**
 * Float64 forms run class-major: a chunk of rows is transposed into one Float64Array per class
 * so that every stage is a tight loop over rows (the same stage order as on ciphertexts, where
 * the rows are slots).
 */

/** Rows per chunk: columns of 4096 float64 (32 KiB each) stay in cache. */
export const CHUNK_ROWS = 4096;

/**
 * Applies `fn` to `z` (rows x classes, row-major) chunk by chunk: `fn` gets the classes' columns
 * of n rows and overwrites them with its result. Returns the results, rows x classes.
 */
export function byColumns(z: Float64Array, rows: number, classes: number, fn: (cols: Float64Array[], n: number) => void): Float64Array {
  if (z.length < rows * classes) throw new Error(`softmax: ${z.length} logits for ${rows} x ${classes}`);
  const out = new Float64Array(rows * classes);
  const cols = Array.from({ length: classes }, () => new Float64Array(CHUNK_ROWS));
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - start);
    for (let k = 0; k < classes; k++) {
      const col = cols[k]!;
      for (let i = 0; i < n; i++) col[i] = z[(start + i) * classes + k]!;
    }
    fn(cols, n);
    for (let k = 0; k < classes; k++) {
      const col = cols[k]!;
      for (let i = 0; i < n; i++) out[(start + i) * classes + k] = col[i]!;
    }
  }
  return out;
}
