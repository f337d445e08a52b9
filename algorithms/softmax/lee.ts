/**
 * Lee et al.'s softmax as HETAL's reference code runs it (its "gumbel" baseline): exp(x / lambda)
 * with lambda = 4, by the degree-12 polynomial on x / (4 * 64) squared 6 times, then the
 * iterative inverse with R = 10^4 and 8 steps. No normalization by the maximum, so the row sum
 * leaves the inverse's domain (0, 2 * 10^4) once exp(x / 4) gets large (ranges beyond ~32).
 * Levels: 1 (x / 256) + 4 + 6 + 11 = 22.
 */
import { checkLayout, ensureLevel, reductionSteps, validVector } from './layout';
import { CHUNK_ROWS, byColumns } from './columns';
import { EXP12, expDepth, expPowCt, expPowPlain } from './exp';
import { normalizeCt, normalizeDepth, normalizePlain } from './inverse';
import type { SoftmaxAlgorithm } from '../interface';

const LAMBDA = 4;
const SQUARINGS = 6;
const INV_R = 10000;
const INV_ITERS = 8;
/** x / lambda / 2^6 in one CMult (a power of two: exact). */
const U_SCALE = 1 / (LAMBDA * 2 ** SQUARINGS);

/** Lee et al.: degree-12 exp of x/4, inverse R = 10^4 (8 steps). */
export const lee: SoftmaxAlgorithm<'lee'> = {
  id: 'lee',
  family: 'softmax',
  name: 'Lee et al.',
  title: 'Lee et al. (Gumbel softmax, lambda = 4): degree-12 exp on x/256 squared 6 times, inverse R = 1e4, 8 steps',
  citation:
    'Lee et al., "Privacy-preserving machine learning with fully homomorphic encryption for deep neural network", IEEE Access 2022 (as in HETAL softmax.py "gumbel")',
  designRange: 32,
  encryptable: true,
  minLevels: 4,
  plain(z, rows, classes) {
    const tmp = new Float64Array(CHUNK_ROWS);
    return byColumns(z, rows, classes, (cols, n) => {
      for (const x of cols) {
        for (let i = 0; i < n; i++) x[i] = x[i]! * U_SCALE;
        expPowPlain(EXP12, SQUARINGS, x, x, n);
      }
      normalizePlain(cols, n, INV_R, INV_ITERS, tmp);
    });
  },
  depth: () => 1 + expDepth(EXP12, SQUARINGS) + normalizeDepth(INV_ITERS),
  rotationSteps: reductionSteps,
  encrypted(be, rf, z, layout) {
    checkLayout(be, layout);
    return be.scope(() => {
      const u = be.mulConst(ensureLevel(be, rf, z, 1), U_SCALE);
      const y = expPowCt(be, rf, EXP12, SQUARINGS, u, validVector(be, layout));
      return normalizeCt(be, rf, y, layout, INV_R, INV_ITERS);
    });
  },
};
