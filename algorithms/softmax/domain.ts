/**
 * Domain extension (Cheon et al.; HETAL Algorithm 1 step 3): n cubic steps
 * x <- x - (4/27) x^3 / (r^2 L^(2i)), i = n-1 .. 0. Step i maps [-L D, L D] into [-D, D] with
 * D = r L^i (for L = 2 it is not monotone there, but bounded: its maximum, D, is at 1.5 D), so
 * the whole chain maps [-r L^n, r L^n] into [-r, r] while changing small inputs only by about
 * (4/27)(4/3) x^3 / r^2. The "precise" variant removes most of that change:
 * x <- x + (C/r^2) x^3 - (C/r^4) x^5, C = (4/27)(L^(2n) - 1) / (L^(2n-2)(L^2 - 1)).
 *
 * Every stage is a polynomial evaluated by `evalPolyCt` (2 levels per cubic step, 3 for the
 * quintic correction). An output factor (the exp stage's x/8) is folded into the last stage's
 * coefficients, which stay O(1) (1/8 and 1/8 x (4/27)/r^2): no extra level, no tiny constant.
 */
import type { Evaluator, Ct, Refresher } from '../ckks/types';
import { ensureLevel } from './layout';
import { evalPolyCt, evalPolyPlain, polyDepth } from './poly';

/** HETAL's parameters: r = 8, ratio L = 2, index n = 5 (covered input range R = (r/2) L^n = 128). */
export interface DomainParams {
  readonly r: number;
  readonly L: number;
  readonly n: number;
}

/** The paper's setting. */
export const HETAL_DOMAIN: DomainParams = { r: 8, L: 2, n: 5 };

/** R = (r/2) L^n: inputs in [-R, R] have differences in [-2R, 2R] = [-r L^n, r L^n]. */
export function coveredRange(p: DomainParams): number {
  return (p.r / 2) * p.L ** p.n;
}

/** C of the precise correction. */
export function preciseC(p: DomainParams): number {
  return ((4 / 27) * (p.L ** (2 * p.n) - 1)) / (p.L ** (2 * p.n - 2) * (p.L ** 2 - 1));
}

/** The stages as polynomials (constant first), the last one multiplied by `outScale`. */
export function domainStages(p: DomainParams, precise: boolean, outScale = 1): number[][] {
  const stages: number[][] = [];
  for (let i = p.n - 1; i >= 0; i--) stages.push([0, 1, 0, -(4 / 27) / (p.r * p.r * p.L ** (2 * i))]);
  if (precise) {
    const c = preciseC(p);
    stages.push([0, 1, 0, c / p.r ** 2, 0, -c / p.r ** 4]);
  }
  const last = stages[stages.length - 1]!;
  stages[stages.length - 1] = last.map((v) => v * outScale);
  return stages;
}

/** Levels the stages consume. */
export function domainDepth(p: DomainParams, precise: boolean): number {
  return domainStages(p, precise).reduce((s, c) => s + polyDepth(c), 0);
}

/** Float64, in place allowed. */
export function domainExtendPlain(
  p: DomainParams,
  precise: boolean,
  x: Float64Array,
  out: Float64Array,
  n = x.length,
  outScale = 1,
): Float64Array {
  let src = x;
  for (const c of domainStages(p, precise, outScale)) {
    evalPolyPlain(c, src, out, n);
    src = out;
  }
  return out;
}

/** Encrypted, refreshing before a stage whose levels are not there. */
export function domainExtendCt(be: Evaluator, rf: Refresher, p: DomainParams, precise: boolean, x: Ct, outScale = 1): Ct {
  return be.scope(() => {
    let y = x;
    for (const c of domainStages(p, precise, outScale)) y = evalPolyCt(be, ensureLevel(be, rf, y, polyDepth(c)), c);
    return y;
  });
}
