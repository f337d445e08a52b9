/**
 * Approximate comparison and maximum (Cheon et al.'s composite polynomials, as HETAL uses them):
 * comp(d) = f(g(g(d))) ~ sign(d) on [-1, 1], max(a, b) = b + (a - b) * (comp(a - b) + 1) / 2,
 * which equals the paper's a s + b (1 - s) and is symmetric in a, b because f and g are odd.
 * The row maximum is a tournament over log2(cPad) rounds, m = max(m, rot(m, 2^i)).
 */
import type { Evaluator, Ct, Refresher } from '../ckks/types';
import type { SoftmaxLayout } from '../interface';
import { ensureLevel, log2Pad } from './layout';
import { evalPolyCt, evalPolyPlain, polyDepth } from './poly';

/** f(x) = (35x - 35x^3 + 21x^5 - 5x^7) / 16. */
export const F_COEFFS: readonly number[] = [0, 35 / 16, 0, -35 / 16, 0, 21 / 16, 0, -5 / 16];
/** g(x) = (4589x - 16577x^3 + 25614x^5 - 12860x^7) / 1024. */
export const G_COEFFS: readonly number[] = [0, 4589 / 1024, 0, -16577 / 1024, 0, 25614 / 1024, 0, -12860 / 1024];
/** (f + 1) / 2: the comparison's last stage with the step to s = (comp + 1) / 2 folded in. */
export const HALF_F_COEFFS: readonly number[] = F_COEFFS.map((c, i) => (i === 0 ? 0.5 : c / 2));

/** Levels of one max(a, b): g, g, (f+1)/2 (3 each) and the product with a - b. */
export const MAX_DEPTH = 2 * polyDepth(G_COEFFS) + polyDepth(HALF_F_COEFFS) + 1;

/** Float64: comp(d) = f(g(g(d))), in place allowed. */
export function compPlain(d: Float64Array, out: Float64Array, n = d.length): Float64Array {
  evalPolyPlain(G_COEFFS, d, out, n);
  evalPolyPlain(G_COEFFS, out, out, n);
  return evalPolyPlain(F_COEFFS, out, out, n);
}

/** Float64: out = max(a, b) elementwise, computed as the encrypted form (b + d (f(g(g(d))) + 1) / 2,
 * d = a - b), fused into one pass over the rows. `out` may be `a` or `b`. */
export function maxPlain(a: Float64Array, b: Float64Array, out: Float64Array, n = a.length): Float64Array {
  const [, g1, , g3, , g5, , g7] = G_COEFFS as number[];
  const [h0, h1, , h3, , h5, , h7] = HALF_F_COEFFS as number[];
  for (let i = 0; i < n; i++) {
    const bi = b[i]!;
    const d = a[i]! - bi;
    let x = d;
    let u = x * x;
    x = x * (g1! + u * (g3! + u * (g5! + u * g7!)));
    u = x * x;
    x = x * (g1! + u * (g3! + u * (g5! + u * g7!)));
    u = x * x;
    const s = h0! + x * (h1! + u * (h3! + u * (h5! + u * h7!)));
    out[i] = bi + d * s;
  }
  return out;
}

/**
 * Float64 twin of the encrypted tournament: the value it leaves at a period start (class 0),
 * max over classes 0..cPad-1 combined as max(max(c0, c1), max(c2, c3)), ... `cols` holds cPad
 * columns (one Float64Array of n rows per class, padded classes already set); they are
 * overwritten. Returns cols[0].
 */
export function tournamentPlain(cols: Float64Array[], n: number): Float64Array {
  for (let step = 1; step < cols.length; step *= 2) {
    for (let j = 0; j + step < cols.length; j += 2 * step) maxPlain(cols[j]!, cols[j + step]!, cols[j]!, n);
  }
  return cols[0]!;
}

/** Encrypted max(a, b) of one tournament round; refreshes where levels run out. */
export function maxCt(be: Evaluator, rf: Refresher, a: Ct, b: Ct): Ct {
  return be.scope(() => {
    const d = ensureLevel(be, rf, be.sub(a, b), polyDepth(G_COEFFS));
    let s = evalPolyCt(be, d, G_COEFFS);
    s = evalPolyCt(be, ensureLevel(be, rf, s, polyDepth(G_COEFFS)), G_COEFFS);
    s = evalPolyCt(be, ensureLevel(be, rf, s, polyDepth(HALF_F_COEFFS)), HALF_F_COEFFS);
    const ds = be.mul(ensureLevel(be, rf, d, 1), ensureLevel(be, rf, s, 1));
    return be.add(b, ds);
  });
}

/**
 * Encrypted tournament: after it, every period start holds the row's approximate maximum
 * (other columns hold partial maxima or, in the last cPad - 1 columns of a row, values mixed
 * with the next row: callers mask to period starts). The input is refreshed first when it
 * cannot take a whole round's first polynomial.
 */
export function tournamentCt(be: Evaluator, rf: Refresher, x: Ct, layout: SoftmaxLayout): Ct {
  return be.scope(() => {
    let m = x;
    for (let i = 0; i < log2Pad(layout); i++) {
      m = ensureLevel(be, rf, m, polyDepth(G_COEFFS));
      m = maxCt(be, rf, m, be.rotate(m, 2 ** i));
    }
    return m;
  });
}

/** Rotation steps of the tournament (left 2^i). */
export function tournamentSteps(layout: SoftmaxLayout): number[] {
  const out: number[] = [];
  for (let k = 1; k < layout.cPad; k *= 2) out.push(k);
  return out;
}
