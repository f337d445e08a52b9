/**
 * SlotToCoeff for a sparse packing of n slots, CoeffToSlot's inverse (coeff-to-slot.ts): from a
 * ciphertext holding the 2n coefficients m of a real polynomial (period 2n; in the bootstrap,
 * EvalMod's output), to the n slots z = V m (period n) (embedding.ts). One dense linear
 * transform of dimension 2n, M[j][k] = scale * V[j mod n][k]: depth 1 (the dense-vs-factored
 * choice is explained in coeff-to-slot.ts).
 */
import type { Ct, Evaluator } from '../types';
import { DEFAULT_GENERATOR, decodeCoeffs, embeddingEntry, rootExponents } from './embedding';
import { LINTRANS_DEPTH, type LinearTransform, linearTransform, lintransCt, lintransSteps, zeroMatrix } from './linear-transform';

/** The dimension-2n transform: M[j][k] = scale * zeta^(g^(j mod n) k). */
export function slotToCoeffTransform(n: number, scale = 1, generator = DEFAULT_GENERATOR): LinearTransform {
  const es = rootExponents(n, generator);
  const d = 2 * n;
  const m = zeroMatrix(d);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < d; k++) {
      const [c, s] = embeddingEntry(es[j % n]!, k, n);
      m.re[j * d + k] = scale * c;
      m.im[j * d + k] = scale * s;
    }
  }
  return linearTransform(m);
}

/** Rotation steps SlotToCoeff needs. */
export function slotToCoeffSteps(lt: LinearTransform): number[] {
  return lintransSteps(lt);
}

/** Levels SlotToCoeff consumes. */
export const SLOT_TO_COEFF_DEPTH = LINTRANS_DEPTH;

/** Float64 meaning: the n complex slots scale * V m of the 2n coefficients m. */
export function slotToCoeffPlain(
  m: ArrayLike<number>,
  n: number,
  scale = 1,
  generator = DEFAULT_GENERATOR,
): { re: Float64Array; im: Float64Array } {
  const z = decodeCoeffs(m, n, generator);
  return { re: z.re.map((v) => v * scale), im: z.im.map((v) => v * scale) };
}

/** Encrypted SlotToCoeff: `ct` holds m with period lt.d; the result holds scale * V m with period lt.d / 2. */
export function slotToCoeffCt(ev: Evaluator, ct: Ct, lt: LinearTransform): Ct {
  return lintransCt(ev, ct, lt);
}
