/**
 * CoeffToSlot for a sparse packing of n slots (2n <= the ciphertext's slots): from a ciphertext
 * whose n slots (period n) are z = V m, the slots of the real polynomial m of 2n coefficients
 * (embedding.ts), to a real ciphertext holding scale * m in 2n slots (period 2n): m_0..m_(n-1)
 * then m_n..m_(2n-1), the real and imaginary parts of Lattigo's packing side by side, so EvalMod
 * runs once on one ciphertext.
 *
 * One dense linear transform (linear-transform.ts) of dimension 2n gives v with
 * v_k = scale/(2n) * sum_j conj(V[j][k]) z_j, and 2 Re(v) = scale * m (twiceRealPart: one
 * conjugation). Depth 1. Dense, not the log(n) sparse butterfly factors: at the sparse packings
 * used here (16-64 slots, 2n dense diagonals, about 2*sqrt(2n) rotation keys) one level is worth
 * more than the rotations saved; at 16384 slots the dense form needs 32768 diagonal products and
 * about 2*181 keys per transform (bootstrapping.md's budget is about 1000 products and 6-10 keys),
 * so the seal bootstrap at full packing needs the factored form with factors merged into 2-3
 * levels, which the same `linearTransform` evaluates (it skips zero diagonals).
 * The roots' generator (5 or SEAL's 3) is embedding.ts's choice.
 */
import type { Ct, Evaluator } from '../types';
import { DEFAULT_GENERATOR, embeddingEntry, encodeCoeffs, rootExponents } from './embedding';
import { LINTRANS_DEPTH, type LinearTransform, linearTransform, lintransCt, lintransSteps, zeroMatrix } from './linear-transform';

/** The dimension-2n transform before the real part: M[k][i] = scale/(4n) * conj(V[i mod n][k]). */
export function coeffToSlotTransform(n: number, scale = 1, generator = DEFAULT_GENERATOR): LinearTransform {
  const es = rootExponents(n, generator);
  const d = 2 * n;
  const m = zeroMatrix(d);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < d; i++) {
      const [c, s] = embeddingEntry(es[i % n]!, k, n);
      m.re[k * d + i] = (scale * c) / (4 * n);
      m.im[k * d + i] = (-scale * s) / (4 * n);
    }
  }
  return linearTransform(m);
}

/** Rotation steps CoeffToSlot needs (with the conjugation key for the real part). */
export function coeffToSlotSteps(lt: LinearTransform): number[] {
  return lintransSteps(lt);
}

/** Levels CoeffToSlot consumes. */
export const COEFF_TO_SLOT_DEPTH = LINTRANS_DEPTH;

/** Float64 meaning: scale * m (2n reals) from the n complex slots z. */
export function coeffToSlotPlain(
  zre: ArrayLike<number>,
  zim: ArrayLike<number>,
  n: number,
  scale = 1,
  generator = DEFAULT_GENERATOR,
): Float64Array {
  return encodeCoeffs(zre, zim, n, generator).map((v) => v * scale);
}

/** Encrypted CoeffToSlot: `ct` holds z with period lt.d / 2; the result is real, scale * m with period lt.d. */
export function coeffToSlotCt(ev: Evaluator, ct: Ct, lt: LinearTransform): Ct {
  return ev.scope(() => ev.twiceRealPart(lintransCt(ev, ct, lt)));
}
