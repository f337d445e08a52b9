/**
 * CoeffToSlot for a sparse packing of n slots (2n <= the ciphertext's slots): from a ciphertext
 * whose n slots (period n) are z = V m, the slots of the real polynomial m of 2n coefficients
 * (embedding.ts), to a real ciphertext holding scale * m in 2n slots (period 2n): m_0..m_(n-1)
 * then m_n..m_(2n-1), the real and imaginary parts of Lattigo's packing side by side, so EvalMod
 * runs once on one ciphertext.
 *
 * Two forms. Dense (`coeffToSlotTransform`): one linear transform (linear-transform.ts) of
 * dimension 2n gives v with v_k = scale/(2n) * sum_j conj(V[j][k]) z_j, and 2 Re(v) = scale * m
 * (twiceRealPart: one conjugation); depth 1, 2n plaintext products, about 2 sqrt(2n) rotation
 * keys; any root generator. Factored (`coeffToSlotFactored`): the log2(n) butterfly stages of
 * special-fft.ts merged into 1..log2(n) levels, one level each, coefficients in bit-reversed order.
 * Which: at the small sparse packings (16-64 slots) the dense form costs one level and a handful of
 * keys, so it is the default there. At N=32768 (n up to 8192) the dense form needs 16384
 * products and 254 keys per transform; the factored one in 3 levels 125 products and 34 keys, in 4
 * levels 76 and 28 (measured by test/bootstrap/factored.test.ts): seal needs the factored form.
 * A full packing (n = slots) does not fit the [Re, Im] layout: it needs the two halves in two
 * ciphertexts (Lattigo's full-slot path), not built here.
 * The roots' generator (5 or SEAL's 3) is embedding.ts's choice.
 */
import type { Ct, Evaluator } from '../types';
import { DEFAULT_GENERATOR, embeddingEntry, encodeCoeffs, rootExponents } from './embedding';
import { type LinearTransform, composeTransforms, linearTransform, lintransCt, lintransSteps, zeroMatrix } from './linear-transform';
import { bitReverse, butterflyStages, groupStages, slotwise } from './special-fft';

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

/**
 * The factored form in `levels` transforms (1 <= levels <= log2 n, n >= 2, generator 5): the
 * inverse butterflies of special-fft.ts grouped into `levels` merged stages, the last one
 * followed by the slot-wise [1/2, -i/2] that makes 2 Re(.) the [Re w, Im w] layout; each level
 * multiplies by scale^(1/levels).
 * The coefficients come out in bit-reversed order (`bitReversedLayout`).
 */
export function coeffToSlotFactored(n: number, levels: number, scale = 1, generator = DEFAULT_GENERATOR): LinearTransform[] {
  // the scale is spread evenly over the levels (as Lattigo does): folded into the last one only,
  // the intermediate values would be small (each inverse butterfly halves them) while the noise
  // each level adds is not, and the scale would amplify that noise (measured: 3 bits lost at n = 64)
  const f = scale ** (1 / levels);
  const groups = groupStages(butterflyStages(n, true, generator), levels).map((g) =>
    composeTransforms(slotwise(new Float64Array(2 * n).fill(f), new Float64Array(2 * n)), g),
  );
  const re = new Float64Array(2 * n).fill(1 / 2, 0, n);
  const im = new Float64Array(2 * n).fill(-1 / 2, n);
  groups[groups.length - 1] = composeTransforms(slotwise(re, im), groups[groups.length - 1]!);
  return groups;
}

/** The 2n coefficients as the factored forms hold them: slot k holds m_rev(k), slot n + k holds m_(n+rev(k)). */
export function bitReversedLayout(m: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const r = bitReverse(k, n);
    out[k] = m[r]!;
    out[n + k] = m[n + r]!;
  }
  return out;
}

/** Rotation steps CoeffToSlot needs (besides the conjugation key of the real part). */
export function coeffToSlotSteps(lt: LinearTransform | readonly LinearTransform[]): number[] {
  return [...new Set(asList(lt).flatMap((t) => lintransSteps(t)))].sort((a, b) => a - b);
}

/** Levels CoeffToSlot consumes: one per transform (1 for the dense form). */
export function coeffToSlotDepth(lt: LinearTransform | readonly LinearTransform[]): number {
  return asList(lt).length;
}

function asList(lt: LinearTransform | readonly LinearTransform[]): readonly LinearTransform[] {
  return 'd' in lt ? [lt] : lt;
}

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

/**
 * Encrypted CoeffToSlot: `ct` holds z with period n; the result is real, scale * m with period
 * 2n (bit-reversed for the factored form), `coeffToSlotDepth(lt)` levels lower.
 */
export function coeffToSlotCt(ev: Evaluator, ct: Ct, lt: LinearTransform | readonly LinearTransform[], chained = false): Ct {
  return ev.scope(() => {
    let x = ct;
    for (const t of asList(lt)) x = lintransCt(ev, x, t, chained);
    return ev.twiceRealPart(x);
  });
}
