/**
 * EvalMod, the bootstrap's modular reduction (Lattigo's EvalMod shape): after ModRaise and
 * CoeffToSlot a slot holds x = m/q0 + I (in units of q0-periods) with an unknown integer I,
 * |I| <= K, and a small message |m/q0| <= 2^-10; EvalMod returns
 *   y = outputScale * sin(2*pi*x) / (2*pi)  ~  outputScale * m/q0
 * (the sine's own error, (2*pi)^2/6 * (m/q0)^3, is below 2^-27 at |m/q0| = 2^-10).
 *
 * The sine is cos(2*pi*(x - 1/4)), evaluated as a Chebyshev interpolant of the cosine at
 * (x - 1/4) / 2^r on the whole interval [-B, B] (B = K + 1/2), followed by r double-angle steps
 * cos 2a = 2 cos^2 a - 1. The double angles are "scaled": the polynomial returns s_0 * cos and
 * step j computes u_j = u_(j-1)^2 - s_j with s_j = s_(j-1)^2 / 2, the s_j chosen backwards
 * from s_r = outputScale / (2*pi), so the final scaling and the factor 2 of each step cost no
 * level (one square and one constant addition per step).
 *
 * The polynomial is evaluated in the Chebyshev basis (the power basis of a cosine of frequency
 * 2*pi*B/2^r has coefficients up to about e^(2*pi*B/2^r), whose cancellation would amplify the
 * ciphertext noise): p = q * T_(2^(j-1)) + r by Chebyshev division, recursively, which keeps the
 * optimal depth ceil(log2(degree + 1)) and needs only the powers-of-two T_(2^i)
 * (T_2k = 2 T_k^2 - 1: one product, the 2 folded in by an addition).
 *
 * The arcsine correction (`arcsine: 3`, Lattigo's ArcSineDegree): the sine errs by
 * (2*pi)^2/6 (m/q0)^3, 6.3e-6 of the value at |m/q0| = 2^-10, the same sign every time; a
 * bootstrap of a replicated value (one large coefficient) meets it in full, and a training step's
 * softmax amplified it into a bias of its weights. y + (2*pi)^2/6 y^3 (y in units of q0) inverts
 * the sine to fifth order: (a y) * y^2 + y, two levels, one mulConst and two products.
 *
 * Depth: ceil(log2(degree + 1)) + r, plus one for the input scaling x -> x / B unless the
 * caller has folded 1/B into CoeffToSlot's matrix (Lattigo does; `prescaled`), plus two for the
 * arcsine correction.
 * Default parameters (K = 16, r = 3, degree 31): 5 + 3 = 8 levels prescaled (Lattigo's default
 * EvalMod is degree 30 with 3 double angles, also 8 levels). Error against m/q0 on m/q0 + I,
 * |I| <= 16, |m/q0| <= 2^-10 (test/bootstrap/eval-mod.test.ts): float64 2^-27.0 (2 double angles
 * or degree 15 miss 2^-20); encrypted on sim with noise, 2^-19 at scale 2^40 (the noise of
 * T_16, amplified 4x per doubling, and of the double angles) and 2^-27 at scale 2^50: the
 * bootstrap's EvalMod levels want primes and a scale above 2^40, as Lattigo's 55-bit ones.
 */
import type { Ct, Evaluator } from '../types';

/** EvalMod's parameters. */
export interface EvalModParams {
  /** Bound on the integer overflow |I| (16 with sparse-secret encapsulation). */
  readonly K: number;
  /** Number of double-angle steps r. */
  readonly doubleAngles: number;
  /** Degree of the Chebyshev interpolant of the cosine. */
  readonly degree: number;
  /** Factor applied to the result (q0 / scale to return m in message units; 1: units of q0). */
  readonly outputScale: number;
  /**
   * Degree of the arcsine correction (Lattigo's ArcSineDegree): 0, none; 3, y + (2*pi)^2 y^3 / 6
   * on y = sin(2*pi*x) / (2*pi) (in units of q0), which removes the sine's cubic error (two levels).
   */
  readonly arcsine?: 0 | 3;
}

/** K = 16, 3 double angles, degree 31, output in units of q0. */
export const DEFAULT_EVAL_MOD: EvalModParams = { K: 16, doubleAngles: 3, degree: 31, outputScale: 1 };

/** Half-width B of the interval the polynomial covers, in q0-periods: K plus room for |m/q0| < 1/2. */
export function evalModBound(p: EvalModParams): number {
  return p.K + 0.5;
}

/** Levels `evalModCt` consumes (`prescaled`: the input is already x / B). */
export function evalModDepth(p: EvalModParams, prescaled = false): number {
  return Math.ceil(Math.log2(p.degree + 1)) + p.doubleAngles + (prescaled ? 0 : 1) + (p.arcsine === 3 ? 2 : 0);
}

/** The arcsine correction's cubic coefficient for results in units of q0 / outputScale: (2*pi)^2 / (6 outputScale^2). */
export function arcsineCoefficient(p: EvalModParams): number {
  return (2 * Math.PI) ** 2 / (6 * p.outputScale ** 2);
}

/** The scales s_0..s_r of the scaled double angles (s_r = outputScale / (2*pi), s_(j-1) = sqrt(2 s_j)). */
export function doubleAngleScales(p: EvalModParams): number[] {
  const s = new Array<number>(p.doubleAngles + 1);
  s[p.doubleAngles] = p.outputScale / (2 * Math.PI);
  for (let j = p.doubleAngles; j > 0; j--) s[j - 1] = Math.sqrt(2 * s[j]!);
  return s;
}

/**
 * Chebyshev coefficients (T_0 first) of s_0 * cos(2*pi*(B*u - 1/4) / 2^r) on u in [-1, 1],
 * interpolated at the degree + 1 Chebyshev nodes.
 */
export function evalModChebyshev(p: EvalModParams): number[] {
  const n = p.degree + 1;
  const B = evalModBound(p);
  const s0 = doubleAngleScales(p)[0]!;
  const f = (u: number): number => s0 * Math.cos((2 * Math.PI * (B * u - 0.25)) / 2 ** p.doubleAngles);
  const fx = Array.from({ length: n }, (_, j) => f(Math.cos((Math.PI * (j + 0.5)) / n)));
  return Array.from({ length: n }, (_, k) => {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += fx[j]! * Math.cos((Math.PI * k * (j + 0.5)) / n);
    return ((k === 0 ? 1 : 2) / n) * sum;
  });
}

/** Scalar Chebyshev series sum c_k T_k(u) (Clenshaw). */
export function chebyshevScalar(c: readonly number[], u: number): number {
  let b1 = 0,
    b2 = 0;
  for (let k = c.length - 1; k >= 1; k--) {
    const b = 2 * u * b1 - b2 + c[k]!;
    b2 = b1;
    b1 = b;
  }
  return u * b1 - b2 + c[0]!;
}

/** Float64 meaning of `evalModCt`: the same polynomial and double angles on x (in q0-periods). */
export function evalModPlain(x: ArrayLike<number>, p: EvalModParams): Float64Array {
  const c = evalModChebyshev(p);
  const s = doubleAngleScales(p);
  const B = evalModBound(p);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let u = chebyshevScalar(c, x[i]! / B);
    for (let j = 1; j <= p.doubleAngles; j++) u = u * u - s[j]!;
    out[i] = p.arcsine === 3 ? u + arcsineCoefficient(p) * u * u * u : u;
  }
  return out;
}

/** The exact function EvalMod approximates: outputScale * sin(2*pi*x) / (2*pi). */
export function evalModIdeal(x: ArrayLike<number>, p: EvalModParams): Float64Array {
  return Float64Array.from(x, (v) => (p.outputScale * Math.sin(2 * Math.PI * v)) / (2 * Math.PI));
}

/**
 * Encrypted EvalMod of x (slot values in q0-periods; with `prescaled`, x / B), consuming
 * `evalModDepth(p, prescaled)` levels. The slots must be real (x comes from CoeffToSlot's real part).
 */
export function evalModCt(ev: Evaluator, x: Ct, p: EvalModParams, prescaled = false): Ct {
  const depth = evalModDepth(p, prescaled);
  if (x.level < depth) throw new Error(`evalModCt: the input is at level ${x.level}, EvalMod needs ${depth}`);
  const c = evalModChebyshev(p);
  const s = doubleAngleScales(p);
  return ev.scope(() => {
    const u = prescaled ? x : ev.mulConst(x, 1 / evalModBound(p));
    let y = chebyshevCt(ev, u, c);
    for (let j = 1; j <= p.doubleAngles; j++) y = ev.addConst(ev.square(y), -s[j]!);
    if (p.arcsine !== 3) return y;
    // y + a y^3 as (a y) * y^2 (both one level down, then their product), plus y
    return ev.add(ev.mul(ev.mulConst(y, arcsineCoefficient(p)), ev.square(y)), y);
  });
}

type Val = Ct | number;

/**
 * Encrypted sum c_k T_k(u), |u| <= 1, in ceil(log2(deg + 1)) levels (deg >= 1): Chebyshev
 * division by T_a, a the largest power of two <= deg, recursively.
 */
export function chebyshevCt(ev: Evaluator, u: Ct, coeffs: readonly number[]): Ct {
  let d = coeffs.length - 1;
  while (d > 0 && coeffs[d] === 0) d--;
  if (d < 1) throw new Error('chebyshevCt: the series has no T_1 term or above');
  return ev.scope(() => {
    const pow2 = new Map<number, Ct>([[1, u]]);
    const T = (a: number): Ct => {
      let t = pow2.get(a);
      if (!t) {
        const h = T(a / 2);
        t = ev.addConst(ev.mul(ev.add(h, h), h), -1);
        pow2.set(a, t);
      }
      return t;
    };
    const r = evalCheb(ev, coeffs.slice(0, d + 1), T);
    if (typeof r === 'number') throw new Error('chebyshevCt: constant result');
    return r;
  });
}

function evalCheb(ev: Evaluator, c: readonly number[], T: (a: number) => Ct): Val {
  let d = c.length - 1;
  while (d > 0 && c[d] === 0) d--;
  if (d <= 0) return c[0] ?? 0;
  if (d === 1) return c[1] === 0 ? c[0]! : addVal(ev, ev.mulConst(T(1), c[1]!), c[0]!);
  const a = 2 ** Math.floor(Math.log2(d));
  // c_(a+m) T_(a+m) = c_(a+m) (2 T_a T_m - T_(a-m)) for 1 <= m <= d - a < a; m = 0 is T_a itself
  const q = new Array<number>(d - a + 1).fill(0);
  const r = c.slice(0, a);
  q[0] = c[a]!;
  for (let m = 1; m <= d - a; m++) {
    q[m] = 2 * c[a + m]!;
    r[a - m]! -= c[a + m]!;
  }
  const qv = evalCheb(ev, q, T);
  const term = typeof qv === 'number' ? ev.mulConst(T(a), qv) : ev.mul(qv, T(a));
  return addVal(ev, term, evalCheb(ev, r, T));
}

function addVal(ev: Evaluator, x: Ct, v: Val): Ct {
  if (typeof v !== 'number') return ev.add(x, v);
  return v === 0 ? x : ev.addConst(x, v);
}
