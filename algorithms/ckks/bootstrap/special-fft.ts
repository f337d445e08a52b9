/**
 * The special FFT of the canonical embedding with generator 5 (embedding.ts), factored into
 * log2(n) sparse butterfly stages, for CoeffToSlot and SlotToCoeff in few levels at large n.
 * With g = 5, zeta_j^n = i (5^j = 1 mod 4), so z = V m = U w with w_k = m_k + i m_(k+n) and
 * U[j][k] = zeta^(5^j k) (n x n), and (HEAAN's fftSpecial, Cheon et al.)
 *   U = S_n ... S_4 S_2 P
 * with P the bit-reversal permutation and S_len the butterflies of span len/2: within each block
 * of len slots, top p = i + j (j < len/2): v_p + r_j v_(p+len/2); bottom: v_(p-len/2) - r_j v_p, with
 * r_j = zeta^((5^j mod 4 len) 4n / 4 len). Each S_len has the diagonals 0 and +-len/2: three
 * (two at len = n). P is not sparse in diagonals and is left out, as Lattigo does: CoeffToSlot
 * returns the coefficients in bit-reversed order, EvalMod works slot by slot, and SlotToCoeff
 * takes them in that order.
 *
 * The stages act on period-n vectors; here they are written as transforms of dimension 2n
 * (linear-transform.ts) on the period-n packing, because CoeffToSlot ends and SlotToCoeff starts
 * in the 2n-slot layout [Re w, Im w]. Diagonal -h is stored at 2n - h (a rotation by -h).
 */
import { type LinearTransform, composeTransforms, fromDiagonals } from './linear-transform';

type Diag = { re: Float64Array; im: Float64Array };

/**
 * r_j = zeta^((g^j mod 4 len) * 4n / (4 len)) = exp(2 pi i (g^j mod 4 len) / (4 len)). Any g = 5 mod 8
 * factors the same way (its powers are the residues 1 mod 4, as 5's); -3 is the seal evaluator's
 * slot order (embedding.ts).
 */
function rootOf(j: number, len: number, generator: number): [number, number] {
  const lenq = 4 * len;
  const g = ((generator % lenq) + lenq) % lenq;
  let e = 1;
  for (let t = 0; t < j; t++) e = (e * g) % lenq;
  const a = (2 * Math.PI * e) / lenq;
  return [Math.cos(a), Math.sin(a)];
}

/** Adds value (re, im) at row p of diagonal delta (signed, |delta| < n) of a 2n transform on period-n vectors. */
function put(diags: Map<number, Diag>, n: number, delta: number, p: number, re: number, im: number): void {
  const d = 2 * n;
  const k = ((delta % d) + d) % d;
  let dg = diags.get(k);
  if (!dg) {
    dg = { re: new Float64Array(d), im: new Float64Array(d) };
    diags.set(k, dg);
  }
  // rows p and p + n: the output keeps period n
  for (const row of [p, p + n]) {
    dg.re[row]! += re;
    dg.im[row]! += im;
  }
}

/** S_len (forward, for SlotToCoeff) or its inverse (for CoeffToSlot), as a dimension-2n transform. */
export function butterflyStage(n: number, len: number, inverse: boolean, generator = 5): LinearTransform {
  if (((generator % 8) + 8) % 8 !== 5) throw new Error(`butterflyStage: generator ${generator} is not 5 mod 8`);
  const h = len / 2;
  const diags = new Map<number, Diag>();
  for (let p = 0; p < n; p++) {
    const j = p % len;
    if (j < h) {
      const [c, s] = rootOf(j, len, generator);
      if (!inverse) {
        put(diags, n, 0, p, 1, 0);
        put(diags, n, h, p, c, s);
      } else {
        // u = (o_top + o_bottom) / 2
        put(diags, n, 0, p, 0.5, 0);
        put(diags, n, h, p, 0.5, 0);
      }
    } else {
      const [c, s] = rootOf(j - h, len, generator);
      if (!inverse) {
        put(diags, n, -h, p, 1, 0);
        put(diags, n, 0, p, -c, -s);
      } else {
        // t = conj(r) (o_top - o_bottom) / 2
        put(diags, n, -h, p, c / 2, -s / 2);
        put(diags, n, 0, p, -c / 2, s / 2);
      }
    }
  }
  return fromDiagonals(2 * n, diags);
}

/** The stages in the order they are applied: SlotToCoeff S_2, S_4, ..., S_n; CoeffToSlot S_n^-1, ..., S_2^-1. */
export function butterflyStages(n: number, inverse: boolean, generator = 5): LinearTransform[] {
  const out: LinearTransform[] = [];
  for (let len = 2; len <= n; len *= 2) out.push(butterflyStage(n, len, inverse, generator));
  return inverse ? out.reverse() : out;
}

/**
 * Merges stages (in application order) into `levels` transforms of consecutive stages, the
 * earlier groups taking the extra stage when they do not divide evenly.
 */
export function groupStages(stages: readonly LinearTransform[], levels: number): LinearTransform[] {
  if (!(Number.isInteger(levels) && levels >= 1 && levels <= stages.length)) {
    throw new Error(`groupStages: ${levels} levels for ${stages.length} stages`);
  }
  const out: LinearTransform[] = [];
  let at = 0;
  for (let g = 0; g < levels; g++) {
    const size = Math.floor(stages.length / levels) + (g < stages.length % levels ? 1 : 0);
    let t = stages[at]!;
    for (let i = 1; i < size; i++) t = composeTransforms(stages[at + i]!, t);
    out.push(t);
    at += size;
  }
  return out;
}

/** Diagonal (slot-wise) transform of dimension 2n: slot p times (re[p], im[p]). */
export function slotwise(re: Float64Array, im: Float64Array): LinearTransform {
  return fromDiagonals(re.length, new Map([[0, { re, im }]]));
}

/**
 * SlotToCoeff's first map in the 2n layout: y = [a, b] (period 2n) to a + i b with period n:
 * rows p < n: y_p + i y_(p+n); rows p >= n: y_(p-n) + i y_p.
 */
export function combineHalves(n: number): LinearTransform {
  const d = 2 * n;
  const d0 = { re: new Float64Array(d), im: new Float64Array(d) };
  const dn = { re: new Float64Array(d), im: new Float64Array(d) };
  for (let p = 0; p < n; p++) {
    d0.re[p] = 1;
    dn.im[p] = 1;
    d0.im[p + n] = 1;
    dn.re[p + n] = 1;
  }
  return fromDiagonals(
    d,
    new Map([
      [0, d0],
      [n, dn],
    ]),
  );
}

/** Bit reversal of i in log2(n) bits. */
export function bitReverse(i: number, n: number): number {
  let r = 0;
  for (let b = 1, t = i; b < n; b *= 2, t >>= 1) r = (r << 1) | (t & 1);
  return r;
}
