/**
 * HETAL's softmax (paper Algorithm 1), shared by `hetal` and `hetal-precise`:
 * 1. x' = x / (2R) at real classes, -1/2 at padded ones (R = 128);
 * 2. m = tournament max of x' (log2 cPad rounds of comp = f o g o g), times 2R;
 * 3. x - m, domain extension (5 cubic steps, optionally the precise quintic), folded with x/8;
 * 4. y = p8(.)^8 (degree-8 exp, 3 squarings), 0 at padded classes (mask in p8's coefficients);
 * 5. y / sum(y) with the iterative inverse (R = 100, 16 steps).
 *
 * Levels: 1 + 10 log2(cPad) + 1 + 10 (+3 precise) + 4 + 3 + 19 = 38 (41) + 10 log2(cPad), e.g.
 * 58 for c = 3 and 78 for c = 10: far beyond fgb's 12 and n14's 7, so stages refresh their input
 * when it has fewer levels than they need (`ensureLevel`); the backend counts the refreshes.
 */
import type { Evaluator, Ct, Refresher } from '../ckks/types';
import type { SoftmaxLayout } from '../interface';
import { CHUNK_ROWS, byColumns } from './columns';
import { MAX_DEPTH, tournamentCt, tournamentPlain, tournamentSteps } from './compare';
import { HETAL_DOMAIN, coveredRange, domainDepth, domainExtendCt, domainExtendPlain } from './domain';
import { EXP8, expDepth, expPowCt, expPowPlain } from './exp';
import { normalizeCt, normalizeDepth, normalizePlain } from './inverse';
import {
  broadcastFromStarts,
  checkLayout,
  classVector,
  ensureLevel,
  log2Pad,
  padClasses,
  reductionSteps,
  startVector,
  validVector,
} from './layout';

/** The paper's constants. */
export const HETAL = {
  domain: HETAL_DOMAIN,
  /** exp(x) = p8(x / 2^3)^(2^3) */
  expSquarings: 3,
  invR: 100,
  invIters: 16,
} as const;

const R = coveredRange(HETAL.domain);
const EXP_SCALE = 1 / 2 ** HETAL.expSquarings;

/** Float64 twin, stage for stage. */
export function hetalPlain(precise: boolean, z: Float64Array, rows: number, classes: number): Float64Array {
  const cPad = padClasses(classes);
  const t = Array.from({ length: cPad }, () => new Float64Array(CHUNK_ROWS));
  const tmp = new Float64Array(CHUNK_ROWS);
  return byColumns(z, rows, classes, (cols, n) => {
    for (let k = 0; k < cPad; k++) {
      const tk = t[k]!;
      if (k >= classes) tk.fill(-0.5, 0, n);
      else for (let i = 0, x = cols[k]!; i < n; i++) tk[i] = x[i]! * (1 / (2 * R));
    }
    const m = tournamentPlain(t, n);
    for (const x of cols) {
      for (let i = 0; i < n; i++) x[i] = x[i]! - m[i]! * (2 * R);
      domainExtendPlain(HETAL.domain, precise, x, x, n, EXP_SCALE);
      expPowPlain(EXP8, HETAL.expSquarings, x, x, n);
    }
    normalizePlain(cols, n, HETAL.invR, HETAL.invIters, tmp);
  });
}

/** Encrypted, in the block layout. */
export function hetalEncrypted(precise: boolean, be: Evaluator, rf: Refresher, z: Ct, layout: SoftmaxLayout): Ct {
  checkLayout(be, layout);
  return be.scope(() => {
    const x = ensureLevel(be, rf, z, 1);
    const padded = classVector(be, layout, (k) => (k < layout.classes ? 0 : -0.5));
    const scaled = be.addPlain(be.mulPlain(x, validVector(be, layout, 1 / (2 * R))), padded);
    const m = tournamentCt(be, rf, scaled, layout);
    const mAll = broadcastFromStarts(be, be.mulPlain(ensureLevel(be, rf, m, 1), startVector(be, layout, 2 * R)), layout);
    const u = domainExtendCt(be, rf, HETAL.domain, precise, be.sub(x, mAll), EXP_SCALE);
    const y = expPowCt(be, rf, EXP8, HETAL.expSquarings, u, validVector(be, layout));
    return normalizeCt(be, rf, y, layout, HETAL.invR, HETAL.invIters);
  });
}

/** Levels before refreshes. */
export function hetalDepth(precise: boolean, layout: SoftmaxLayout): number {
  return (
    1 +
    MAX_DEPTH * log2Pad(layout) +
    1 +
    domainDepth(HETAL.domain, precise) +
    expDepth(EXP8, HETAL.expSquarings) +
    normalizeDepth(HETAL.invIters)
  );
}

/** Rotation steps: tournament (left 2^i) and the broadcasts and row sum (+-2^i). */
export function hetalSteps(layout: SoftmaxLayout): number[] {
  return [...new Set([...tournamentSteps(layout), ...reductionSteps(layout)])];
}
