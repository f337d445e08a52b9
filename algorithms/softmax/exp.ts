/**
 * Exponentials by a polynomial on a small interval and repeated squaring:
 * exp(x) = exp(x / 2^k)^(2^k) ~ p(x / 2^k)^(2^k). The caller supplies u = x / 2^k (scaled in an
 * earlier stage: see poly.ts on why the scaling is not folded into p's coefficients).
 */
import type { Ct, Evaluator, Refresher } from '../ckks/types';
import { ensureLevel } from './layout';
import { evalPolyCt, evalPolyPlain, maskCoeffs, polyDepth } from './poly';

/** HETAL's degree-8 approximation of exp on [-1, 1] (used on x / 8, then squared 3 times). */
export const EXP8: readonly number[] = [
  1.000000001945585, 0.9999999388932228, 0.499999859398392, 0.16666798775227673, 0.04166711228500117, 0.008328336039797088,
  0.0013881473292497602, 0.00020492629147503022, 2.551385701569812e-5,
];

/** The degree-12 approximation of exp the reference code uses for Lee et al.'s baseline
 * (near-Taylor; the highest three coefficients differ from 1/k! by up to 2%). */
export const EXP12: readonly number[] = [
  1.0, 1.0, 5.0e-1, 1.66666667e-1, 4.16666667e-2, 8.33333323e-3, 1.38888888e-3, 1.98413061e-4, 2.48016226e-5, 2.75510749e-6, 2.75519884e-7,
  2.55652816e-8, 2.12732465e-9,
];

/** Levels of p then `squarings` squarings. */
export function expDepth(coeffs: readonly number[], squarings: number): number {
  return polyDepth(coeffs) + squarings;
}

/** Float64: out = p(u)^(2^squarings); in place allowed. */
export function expPowPlain(coeffs: readonly number[], squarings: number, u: Float64Array, out: Float64Array, n = u.length): Float64Array {
  evalPolyPlain(coeffs, u, out, n);
  for (let s = 0; s < squarings; s++) for (let i = 0; i < n; i++) out[i] = out[i]! * out[i]!;
  return out;
}

/**
 * Encrypted p(u)^(2^squarings), times a 0/1 `mask` when given: the mask multiplies p's
 * coefficients (mask^2 = mask survives the squarings), so padded classes come out exactly 0
 * at no extra level.
 */
export function expPowCt(be: Evaluator, rf: Refresher, coeffs: readonly number[], squarings: number, u: Ct, mask?: Float64Array): Ct {
  return be.scope(() => {
    const c = mask ? maskCoeffs(coeffs, mask) : coeffs;
    let y = evalPolyCt(be, ensureLevel(be, rf, u, polyDepth(coeffs)), c);
    for (let s = 0; s < squarings; s++) y = be.square(ensureLevel(be, rf, y, 1));
    return y;
  });
}
