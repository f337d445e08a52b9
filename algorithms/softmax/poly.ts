/**
 * Polynomials in two forms that share one coefficient list: float64 (vectorized over
 * Float64Arrays) and encrypted (on `Evaluator`). Coefficients are listed constant term first; on
 * ciphertexts a coefficient may be a per-slot vector (a mask folded into the polynomial costs
 * no extra level: mask * p(x) is p with every coefficient multiplied by the mask).
 *
 * Encrypted evaluation is a baby-step giant-step split at powers of two,
 * p = lo(x) + x^(2^t) * hi(x), with t the smallest power that keeps the optimal depth
 * ceil(log2(deg + 1)); leaves are c * x (one CMult) or c * x^(2^t). A degree-7 odd polynomial
 * costs 3 levels, 5 Mult and 4 CMult; degree 8: 4 levels, 5 Mult, 5 CMult; degree 12: 4, 8, 7
 * (even coefficients become additions, a coefficient 1 needs no CMult).
 *
 * Scales: `mulConst` encodes a constant at the ciphertext's scale (2^40), so a coefficient c is
 * rounded to a multiple of about 2^-41: its absolute error is tiny, its relative error is large
 * when c is tiny (1/12! ~ 2e-9 keeps only ~4 digits). Applied at a leaf to a power of x with
 * |x| <= 1 that is harmless (absolute error 2^-41 |x^k|). What must not be done is folding an
 * input scaling into the coefficients (p(x/8) as sum c_k/8^k x^k: 2.6e-5/8^8 ~ 1.5e-12 would be
 * rounded away entirely): callers scale x first with one CMult of an O(1) constant (or fold the
 * scaling into the preceding stage's leading, O(1), coefficients) and keep |x| <= 1 here.
 */
import type { Evaluator, Ct } from '../ckks/types';

/** A coefficient: a real, or (encrypted form only) one real per slot. */
export type Coef = number | Float64Array;

/** ceil(log2(n + 1)): the levels a degree-n polynomial needs (0 for a constant). */
export function depthOfDegree(n: number): number {
  return n <= 0 ? 0 : Math.ceil(Math.log2(n + 1));
}

/** Degree after dropping trailing zero coefficients (-1 for the zero polynomial). */
export function degree(coeffs: readonly Coef[]): number {
  for (let i = coeffs.length - 1; i >= 0; i--) if (!isZero(coeffs[i]!)) return i;
  return -1;
}

/** Levels `evalPolyCt` consumes for these coefficients. */
export function polyDepth(coeffs: readonly Coef[]): number {
  return depthOfDegree(degree(coeffs));
}

/** Float64, vectorized: out[i] = p(x[i]) (Horner). `out` may be `x`. */
export function evalPolyPlain(coeffs: readonly number[], x: Float64Array, out: Float64Array, n = x.length): Float64Array {
  const d = degree(coeffs);
  if (d < 0) {
    out.fill(0, 0, n);
    return out;
  }
  const c = coeffs.slice(0, d + 1);
  if (d === 7 && c.every((v, i) => i % 2 === 1 || i === 0 || v === 0)) {
    // constant + odd degree 7 (f, g, (f+1)/2: the comparison's hot loop), unrolled in u = x^2
    const q0 = c[0]!,
      q1 = c[1]!,
      q3 = c[3]!,
      q5 = c[5]!,
      q7 = c[7]!;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const u = xi * xi;
      out[i] = q0 + xi * (q1 + u * (q3 + u * (q5 + u * q7)));
    }
    return out;
  }
  if (d === 3 || d === 5) {
    // the domain-extension stages (odd, cubic or quintic), unrolled
    const q0 = c[0]!,
      q1 = c[1]!,
      q2 = c[2]!,
      q3 = c[3]!,
      q4 = c[4] ?? 0,
      q5 = c[5] ?? 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      out[i] = q0 + xi * (q1 + xi * (q2 + xi * (q3 + xi * (q4 + xi * q5))));
    }
    return out;
  }
  if (d <= 12) {
    // exp polynomials: Horner unrolled with the coefficients in locals (zero-padded to degree 12)
    const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12] = Array.from({ length: 13 }, (_, k) => c[k] ?? 0) as number[];
    for (let i = 0; i < n; i++) {
      const t = x[i]!;
      out[i] =
        a0! +
        t *
          (a1! +
            t *
              (a2! +
                t * (a3! + t * (a4! + t * (a5! + t * (a6! + t * (a7! + t * (a8! + t * (a9! + t * (a10! + t * (a11! + t * a12!)))))))))));
    }
    return out;
  }
  // Horner one coefficient at a time over the whole vector: simple loops the JIT compiles well.
  let xs = x;
  if (out === x) {
    if (scratch.length < n) scratch = new Float64Array(n);
    scratch.set(x.subarray(0, n));
    xs = scratch;
  }
  out.fill(c[d]!, 0, n);
  for (let k = d - 1; k >= 0; k--) {
    const ck = c[k]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! * xs[i]! + ck;
  }
  return out;
}

/** Copy of x for in-place Horner (the float64 forms are synchronous: one buffer suffices). */
let scratch = new Float64Array(0);

/** Scalar p(x) (tests, tables). */
export function evalPolyScalar(coeffs: readonly number[], x: number): number {
  let r = 0;
  for (let k = coeffs.length - 1; k >= 0; k--) r = r * x + coeffs[k]!;
  return r;
}

/**
 * Encrypted p(x), consuming `polyDepth(coeffs)` levels of x (which must have them: callers
 * refresh first, see `ensureLevel`). A polynomial whose only nonzero term is a constant is
 * returned as x * 0 + c so the result is always a ciphertext.
 */
export function evalPolyCt(be: Evaluator, x: Ct, coeffs: readonly Coef[]): Ct {
  const d = degree(coeffs);
  if (d < 1) throw new Error('evalPolyCt: the polynomial has no x term');
  return be.scope(() => {
    const powers = new Map<number, Ct>([[1, x]]);
    const power = (p: number): Ct => {
      let ct = powers.get(p);
      if (!ct) {
        const half = power(p / 2);
        ct = be.square(half);
        powers.set(p, ct);
      }
      return ct;
    };
    const r = evalRange(be, coeffs.slice(0, d + 1), power);
    if (typeof r === 'number' || r instanceof Float64Array) throw new Error('evalPolyCt: constant result');
    return r;
  });
}

type Val = Ct | number | Float64Array;

/** p restricted to coefficients `c` (constant first), recursively split at powers of two. */
function evalRange(be: Evaluator, c: readonly Coef[], power: (p: number) => Ct): Val {
  const d = degree(c);
  if (d <= 0) return d < 0 ? 0 : c[0]!;
  if (d === 1) return addCoef(be, mulCoef(be, power(1), c[1]!), c[0]!);
  const t = splitPower(d);
  const lo = c.slice(0, t);
  const hi = c.slice(t);
  const hiVal = evalRange(be, hi, power);
  const term = isCt(hiVal) ? be.mul(hiVal, power(t)) : mulCoef(be, power(t), hiVal);
  const loVal = evalRange(be, lo, power);
  if (isCt(loVal)) return be.add(loVal, term);
  return addCoef(be, term, loVal);
}

/** The smallest power of two 2^t <= d with max(depth(d - 2^t), t) + 1 <= depth(d). */
export function splitPower(d: number): number {
  const target = depthOfDegree(d);
  for (let p = 2; p <= d; p *= 2) {
    const hiDepth = d - p === 0 ? Math.log2(p) + 1 : Math.max(depthOfDegree(d - p), Math.log2(p)) + 1;
    if (hiDepth <= target) return p;
  }
  return 2 ** Math.floor(Math.log2(d));
}

function isCt(v: Val): v is Ct {
  return typeof v !== 'number' && !(v instanceof Float64Array);
}

function isZero(c: Coef): boolean {
  return typeof c === 'number' ? c === 0 : c.every((v) => v === 0);
}

function mulCoef(be: Evaluator, x: Ct, c: Coef): Ct {
  if (typeof c === 'number') return c === 1 ? x : be.mulConst(x, c);
  return be.mulPlain(x, c);
}

function addCoef(be: Evaluator, x: Ct, c: Coef): Ct {
  if (typeof c === 'number') return c === 0 ? x : be.addConst(x, c);
  return isZero(c) ? x : be.addPlain(x, c);
}

/** Every coefficient times a per-slot vector (mask * p(x)). */
export function maskCoeffs(coeffs: readonly number[], mask: Float64Array): Float64Array[] {
  return coeffs.map((c) => mask.map((m) => m * c));
}
