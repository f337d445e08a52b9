/** The float64 references every encrypted product is checked against, and random inputs. */
import { InputError } from '../errors';
import type { Matrix } from '../interface';
import { uniformArray } from '../random';

/** A·Bᵀ: A is a x b, B is c x b, the result a x c. */
export function plainAbt(A: Matrix, B: Matrix): Matrix {
  if (A.cols !== B.cols) throw new InputError(`A·Bᵀ: A is ${A.rows} x ${A.cols} but B is ${B.rows} x ${B.cols} (columns differ)`);
  const out = new Float64Array(A.rows * B.rows);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < B.rows; j++) {
      let s = 0;
      for (let l = 0; l < A.cols; l++) s += A.data[i * A.cols + l]! * B.data[j * B.cols + l]!;
      out[i * B.rows + j] = s;
    }
  }
  return { rows: A.rows, cols: B.rows, data: out };
}

/** Aᵀ·B: A is a x c, B is a x b, the result c x b. */
export function plainAtb(A: Matrix, B: Matrix): Matrix {
  if (A.rows !== B.rows) throw new InputError(`Aᵀ·B: A is ${A.rows} x ${A.cols} but B is ${B.rows} x ${B.cols} (rows differ)`);
  const out = new Float64Array(A.cols * B.cols);
  for (let t = 0; t < A.rows; t++) {
    for (let i = 0; i < A.cols; i++) {
      const a = A.data[t * A.cols + i]!;
      if (a === 0) continue;
      for (let j = 0; j < B.cols; j++) out[i * B.cols + j]! += a * B.data[t * B.cols + j]!;
    }
  }
  return { rows: A.cols, cols: B.cols, data: out };
}

/** A rows x cols matrix of uniform [0, 1) entries (the paper's benchmark inputs). */
export function randomMatrix(rng: () => number, rows: number, cols: number): Matrix {
  return { rows, cols, data: uniformArray(rng, rows * cols) };
}
