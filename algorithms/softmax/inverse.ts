/**
 * The iterative inverse (Goldschmidt-style, HETAL Algorithm 1 step 5) and the normalization
 * that uses it. With w = z / R in (0, 2) and t = 1 - w:
 * 1/w = 1/(1 - t) = (1 + t)(1 + t^2)(1 + t^4)... so v0 = 2 - w = 1 + t, then n times
 * t <- t^2, v <- v (1 + t); 1/z ~ v / R, relative error t^(2^(n+1)). Accurate for z in (0, 2R).
 *
 * The 1/R is applied to v0 (a CMult in parallel with the first squaring: no extra level), so
 * every value stays O(1/z) instead of O(R/z).
 */
import type { Ct, Evaluator, Refresher } from '../ckks/types';
import type { SoftmaxLayout } from '../interface';
import { broadcastFromStarts, ensureLevel, periodSum, startVector } from './layout';

/** Levels of the inverse from w = z / R: v0 (1) then one per iteration. */
export function inverseDepth(iters: number): number {
  return iters + 1;
}

/** Float64 approx 1/z (the reference's approx_inv), in place allowed. */
export function approxInversePlain(z: Float64Array, R: number, iters: number, out: Float64Array, n = z.length): Float64Array {
  for (let i = 0; i < n; i++) {
    const w = z[i]! / R;
    let t = 1 - w;
    let v = (2 - w) * (1 / R);
    for (let k = 0; k < iters; k++) {
      t *= t;
      v *= 1 + t;
    }
    out[i] = v;
  }
  return out;
}

/** Encrypted approx 1/z from w = z / R; refreshes t before a step that would leave it no level for its product with v. */
export function inverseFromScaledCt(be: Evaluator, rf: Refresher, w: Ct, R: number, iters: number): Ct {
  return be.scope(() => {
    let t = be.addConst(be.negate(w), 1);
    let v = be.mulConst(ensureLevel(be, rf, be.addConst(be.negate(w), 2), 1), 1 / R);
    for (let k = 0; k < iters; k++) {
      t = be.square(ensureLevel(be, rf, t, 2));
      v = be.mul(ensureLevel(be, rf, v, 1), be.addConst(t, 1));
    }
    return v;
  });
}

/** Encrypted approx 1/z, slot-wise (no layout): one CMult for z / R, then the iteration. */
export function approxInverseCt(be: Evaluator, rf: Refresher, z: Ct, R: number, iters: number): Ct {
  return be.scope(() => inverseFromScaledCt(be, rf, be.mulConst(ensureLevel(be, rf, z, 1), 1 / R), R, iters));
}

/** Levels of `normalizeCt`: the masked 1/R (1), the inverse, the final product (1). */
export function normalizeDepth(iters: number): number {
  return 1 + inverseDepth(iters) + 1;
}

/**
 * Float64: divides the c columns of y (real classes only) by their row sum's approximate
 * inverse, in place. `tmp` is scratch of n values.
 */
export function normalizePlain(cols: Float64Array[], n: number, R: number, iters: number, tmp: Float64Array): void {
  const z = tmp;
  z.fill(0, 0, n);
  for (const col of cols) for (let i = 0; i < n; i++) z[i] = z[i]! + col[i]!;
  approxInversePlain(z, R, iters, z, n);
  for (const col of cols) for (let i = 0; i < n; i++) col[i] = col[i]! * z[i]!;
}

/**
 * Encrypted: y (0 in padded classes) divided by its per-sample sum over classes, in the same
 * layout. The sum is exact at period starts; masking it there (with 1/R folded in) and
 * spreading it back gives every column its own row's z / R.
 */
export function normalizeCt(be: Evaluator, rf: Refresher, y: Ct, layout: SoftmaxLayout, R: number, iters: number): Ct {
  return be.scope(() => {
    const sum = periodSum(be, y, layout);
    const w = broadcastFromStarts(be, be.mulPlain(ensureLevel(be, rf, sum, 1), startVector(be, layout, 1 / R)), layout);
    const v = inverseFromScaledCt(be, rf, w, R, iters);
    return be.mul(ensureLevel(be, rf, y, 1), ensureLevel(be, rf, v, 1));
  });
}
