/**
 * SlotToCoeff for a sparse packing of n slots, CoeffToSlot's inverse (coeff-to-slot.ts): from a
 * ciphertext holding the 2n coefficients m of a real polynomial (period 2n; in the bootstrap,
 * EvalMod's output), to the n slots z = V m (period n) (embedding.ts). One dense linear
 * transform of dimension 2n, M[j][k] = scale * V[j mod n][k]: depth 1; or the factored form,
 * one level per merged group of butterflies (the choice is explained in coeff-to-slot.ts).
 */
import type { Ct, Evaluator } from '../types';
import { DEFAULT_GENERATOR, decodeCoeffs, embeddingEntry, rootExponents } from './embedding';
import { type LinearTransform, composeTransforms, linearTransform, lintransCt, lintransSteps, zeroMatrix } from './linear-transform';
import { butterflyStages, combineHalves, groupStages, slotwise } from './special-fft';

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

/**
 * The factored form in `levels` transforms (1 <= levels <= log2 n, n >= 2, generator 5), taking
 * the coefficients in CoeffToSlot's bit-reversed order: the halves combined into w = a + i b
 * and merged into the first group of butterflies S_2, ..., S_n (special-fft.ts).
 */
export function slotToCoeffFactored(n: number, levels: number, scale = 1, generator = DEFAULT_GENERATOR): LinearTransform[] {
  // the scale spread evenly over the levels (see coeffToSlotFactored)
  const f = scale ** (1 / levels);
  const groups = groupStages(butterflyStages(n, false, generator), levels).map((g) =>
    composeTransforms(g, slotwise(new Float64Array(2 * n).fill(f), new Float64Array(2 * n))),
  );
  groups[0] = composeTransforms(groups[0]!, combineHalves(n));
  return groups;
}

/** Rotation steps SlotToCoeff needs. */
export function slotToCoeffSteps(lt: LinearTransform | readonly LinearTransform[]): number[] {
  return [...new Set(asList(lt).flatMap((t) => lintransSteps(t)))].sort((a, b) => a - b);
}

/** Levels SlotToCoeff consumes: one per transform (1 for the dense form). */
export function slotToCoeffDepth(lt: LinearTransform | readonly LinearTransform[]): number {
  return asList(lt).length;
}

function asList(lt: LinearTransform | readonly LinearTransform[]): readonly LinearTransform[] {
  return 'd' in lt ? [lt] : lt;
}

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

/** Encrypted SlotToCoeff: `ct` holds m with period 2n; the result holds scale * V m with period n, `slotToCoeffDepth(lt)` levels lower. */
export function slotToCoeffCt(ev: Evaluator, ct: Ct, lt: LinearTransform | readonly LinearTransform[], chained = false): Ct {
  return ev.scope(() => {
    let x = ct;
    for (const t of asList(lt)) x = lintransCt(ev, x, t, chained);
    return x;
  });
}
