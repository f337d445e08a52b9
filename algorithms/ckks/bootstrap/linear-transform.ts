/**
 * A homomorphic linear transform y = M v for a complex d x d matrix M acting on a vector v of d
 * slots packed with period d (slot i of the ciphertext holds v[i mod d]; d divides the slots, so
 * a rotation of the ciphertext is a cyclic rotation of v), by baby-step giant-step over the
 * generalized diagonals diag_k[i] = M[i][(i + k) mod d]:
 *   M v = sum_k diag_k * rot_k(v) = sum_g rot_(g*n1)( sum_b rot_(-g*n1)(diag_(g*n1+b)) * rot_b(v) ).
 * The diagonals are complex plaintexts (encoded once, replicated with period d), so the transform
 * costs one level (one mulPlain per nonzero diagonal), n1 - 1 baby and n2 - 1 giant rotations
 * (no hoisting: SEAL has none), and the rotation keys `lintransSteps` lists. All-zero diagonals
 * are skipped, so a sparse factor of a factored DFT costs only its nonzero diagonals.
 */
import type { Ct, Evaluator, Pt } from '../types';

/** A complex matrix, row-major: entry (i, j) is re[i*d + j] + i*im[i*d + j]. */
export interface ComplexMatrix {
  readonly d: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** A transform ready for evaluation: its nonzero diagonals and the BSGS split. */
export interface LinearTransform {
  /** Dimension (the packing period). */
  readonly d: number;
  /** Baby-step count n1 (a power of two); giant steps are multiples of n1. */
  readonly n1: number;
  /** Nonzero diagonals by index k in [0, d). */
  readonly diagonals: ReadonlyMap<number, { re: Float64Array; im: Float64Array }>;
}

/** A zero d x d matrix. */
export function zeroMatrix(d: number): ComplexMatrix {
  return { d, re: new Float64Array(d * d), im: new Float64Array(d * d) };
}

/**
 * Extracts the diagonals of `m` (entries below `dropBelow` in magnitude count as zero: a factor
 * computed in floating point has rounding residue where exact zeros belong) and picks n1, the
 * power of two near sqrt(span of the diagonal indices) that minimizes baby + giant rotations.
 */
export function linearTransform(m: ComplexMatrix, dropBelow = 0): LinearTransform {
  const { d } = m;
  if (!(d >= 1 && (d & (d - 1)) === 0)) throw new Error(`linearTransform: dimension ${d} is not a power of two`);
  const diagonals = new Map<number, { re: Float64Array; im: Float64Array }>();
  for (let k = 0; k < d; k++) {
    const re = new Float64Array(d),
      im = new Float64Array(d);
    let any = false;
    for (let i = 0; i < d; i++) {
      const at = i * d + ((i + k) % d);
      const a = m.re[at]!,
        b = m.im[at]!;
      if (Math.hypot(a, b) > dropBelow) {
        re[i] = a;
        im[i] = b;
        any = true;
      }
    }
    if (any) diagonals.set(k, { re, im });
  }
  return fromDiagonals(d, diagonals);
}

/**
 * A rotation step as performed: k in (d/2, d) becomes k - d (the same rotation of a period-d
 * vector), so a transform with diagonals at +-h needs the keys of +-h, not of d - h.
 */
export function signedStep(k: number, d: number): number {
  return k > d / 2 ? k - d : k;
}

/** The distinct rotation steps (signed) of a BSGS with baby count n1 over these diagonal indices (`chained`: 1, 2 and n1 only). */
function rotationSteps(d: number, n1: number, ks: Iterable<number>, chained: boolean): number[] {
  const steps = new Set<number>();
  for (const k of ks) {
    const b = k % n1,
      g = k - b;
    if (b !== 0) steps.add(signedStep(chained ? Math.min(b, 2) : b, d));
    if (g !== 0) steps.add(signedStep(chained ? n1 : g, d));
  }
  return [...steps].sort((a, b) => a - b);
}

/**
 * Rotation steps the transform performs (each needs a key, or SEAL splits it into pieces that do).
 * `chained` (lintransCt's): baby b >= 3 is baby b - 2 rotated by 2 and the giant steps are
 * Horner's, all by n1: the keys for 1, 2 and n1 only.
 */
export function lintransSteps(lt: LinearTransform, chained = false): number[] {
  return rotationSteps(lt.d, lt.n1, lt.diagonals.keys(), chained);
}

/** A transform from its diagonals (index k in [0, d) -> complex vector of length d), with the cheapest n1. */
export function fromDiagonals(d: number, diagonals: ReadonlyMap<number, { re: Float64Array; im: Float64Array }>): LinearTransform {
  if (!(d >= 1 && (d & (d - 1)) === 0)) throw new Error(`linearTransform: dimension ${d} is not a power of two`);
  let best = 1,
    bestCost = Infinity;
  for (let n1 = 1; n1 <= d; n1 *= 2) {
    const cost = rotationSteps(d, n1, diagonals.keys(), false).length;
    if (cost < bestCost) {
      best = n1;
      bestCost = cost;
    }
  }
  return { d, n1: best, diagonals };
}

/**
 * A after B in diagonal form (no dense matrix, so it scales to d = 32768): (A B)_(a+b) =
 * A_a * rot_a(B_b). Entries below `dropBelow` in magnitude are dropped (cancellations of merged
 * butterflies leave rounding residue).
 */
export function composeTransforms(a: LinearTransform, b: LinearTransform, dropBelow = 1e-13): LinearTransform {
  if (a.d !== b.d) throw new Error(`composeTransforms: dimensions ${a.d} and ${b.d}`);
  const d = a.d;
  const out = new Map<number, { re: Float64Array; im: Float64Array }>();
  for (const [ka, da] of a.diagonals) {
    for (const [kb, db] of b.diagonals) {
      const k = (ka + kb) % d;
      let acc = out.get(k);
      if (!acc) {
        acc = { re: new Float64Array(d), im: new Float64Array(d) };
        out.set(k, acc);
      }
      for (let i = 0; i < d; i++) {
        const j = (i + ka) % d;
        const xr = da.re[i]!,
          xi = da.im[i]!,
          yr = db.re[j]!,
          yi = db.im[j]!;
        acc.re[i]! += xr * yr - xi * yi;
        acc.im[i]! += xr * yi + xi * yr;
      }
    }
  }
  for (const [k, dg] of out) {
    let any = false;
    for (let i = 0; i < d; i++) {
      if (Math.hypot(dg.re[i]!, dg.im[i]!) <= dropBelow) {
        dg.re[i] = 0;
        dg.im[i] = 0;
      } else any = true;
    }
    if (!any) out.delete(k);
  }
  return fromDiagonals(d, out);
}

/** Float64 meaning: M v for a complex d-vector v; returns the complex d-vector. */
export function lintransPlain(lt: LinearTransform, vre: ArrayLike<number>, vim: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const { d } = lt;
  const re = new Float64Array(d),
    im = new Float64Array(d);
  for (const [k, dg] of lt.diagonals) {
    for (let i = 0; i < d; i++) {
      const j = (i + k) % d;
      const a = dg.re[i]!,
        b = dg.im[i]!,
        x = vre[j]!,
        y = vim[j]!;
      re[i]! += a * x - b * y;
      im[i]! += a * y + b * x;
    }
  }
  return { re, im };
}

/** Dense M v (the definition, for tests of the diagonal bookkeeping). */
export function matVecPlain(m: ComplexMatrix, vre: ArrayLike<number>, vim: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const { d } = m;
  const re = new Float64Array(d),
    im = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sr = 0,
      si = 0;
    for (let j = 0; j < d; j++) {
      const a = m.re[i * d + j]!,
        b = m.im[i * d + j]!;
      sr += a * vre[j]! - b * vim[j]!;
      si += a * vim[j]! + b * vre[j]!;
    }
    re[i] = sr;
    im[i] = si;
  }
  return { re, im };
}

/** A vector of period d repeated over `slots` slots, rotated left by `shift`. */
export function replicate(v: ArrayLike<number>, d: number, slots: number, shift = 0): Float64Array {
  const out = new Float64Array(slots);
  const s = ((shift % d) + d) % d;
  for (let i = 0; i < slots; i++) out[i] = v[(i + s) % d]!;
  return out;
}

/** Levels `lintransCt` consumes. */
export const LINTRANS_DEPTH = 1;

/**
 * Encrypted M v: `ct` holds v with period lt.d over the evaluator's slots; the result holds M v
 * with the same period, one level lower. Plaintexts are encoded at the input's level.
 *
 * `chained` (the keys of `lintransSteps(lt, true)`: 1, 2 and n1): baby b >= 3 is baby b - 2
 * rotated by 2, and the giant steps run as Horner's rule, acc = rot_n1(acc) + inner_g from the
 * largest g down to 0 (g a multiple of n1 in [0, d)), so every giant rotation is by n1. The same
 * rotations as unchained when every group is present (d/n1 - 1 giant ones; a sparse set of groups
 * costs more: meant for dense transforms); each rotation adds its key switch's noise
 * to what it carries (baby b: about b/2 of them, the largest group: d/n1 - 1). On seal, where an
 * odd rotation of a complex ciphertext costs a fix-up conjugation (seal.ts), only baby 1 is odd.
 */
export function lintransCt(ev: Evaluator, ct: Ct, lt: LinearTransform, chained = false): Ct {
  const { d, n1 } = lt;
  if (ev.slots % d !== 0) throw new Error(`lintransCt: dimension ${d} does not divide the ${ev.slots} slots`);
  if (ct.level < 1) throw new Error('lintransCt: the input has no level left');
  if (lt.diagonals.size === 0) throw new Error('lintransCt: the zero matrix');
  return ev.scope(() => {
    const babies = new Map<number, Ct>([[0, ct]]);
    const baby = (b: number): Ct => {
      let r = babies.get(b);
      if (!r) {
        r = chained && b > 2 ? ev.rotate(baby(b - 2), signedStep(2, d)) : ev.rotate(ct, signedStep(b, d));
        babies.set(b, r);
      }
      return r;
    };
    const groups = new Map<number, number[]>();
    for (const k of lt.diagonals.keys()) {
      const g = k - (k % n1);
      const list = groups.get(g) ?? [];
      list.push(k);
      groups.set(g, list);
    }
    /** sum over the group's diagonals of rot_-g(diag) * rot_b(v) */
    const inner = (g: number, ks: readonly number[]): Ct => {
      let sum: Ct | null = null;
      for (const k of ks) {
        const dg = lt.diagonals.get(k)!;
        // rot_g(diag * rot_b(v)) = rot_g(diag) ... so the diagonal is pre-rotated right by g
        const pt: Pt = ev.encode(replicate(dg.re, d, ev.slots, -g), ct.level, replicate(dg.im, d, ev.slots, -g));
        const term = ev.mulPlain(baby(k - g), pt);
        ev.free(pt);
        if (sum) ev.addInPlace(sum, term);
        else sum = term;
      }
      return sum!;
    };
    let acc: Ct | null = null;
    if (chained) {
      const top = Math.max(...groups.keys());
      for (let g = top; g >= 0; g -= n1) {
        if (acc) acc = ev.rotate(acc, signedStep(n1, d));
        const ks = groups.get(g);
        if (!ks) continue;
        const term = inner(g, ks);
        if (acc) ev.addInPlace(acc, term);
        else acc = term;
      }
      return acc!;
    }
    for (const [g, ks] of [...groups].sort((a, b) => a[0] - b[0])) {
      const sum = inner(g, ks);
      const shifted: Ct = g === 0 ? sum : ev.rotate(sum, signedStep(g, d));
      if (acc) ev.addInPlace(acc, shifted);
      else acc = shifted;
    }
    return acc!;
  });
}
