/**
 * Hong et al.'s softmax as HETAL's reference code runs it: exp(x) ~ ((x + 16) / 32)^16
 * (= 2^-16 (1 + x/16)^16, a scaled exp that turns non-monotone below x = -16), then the
 * iterative inverse with R = 80 and 30 steps. Levels: 1 + 4 + 33 = 38.
 */
import { checkLayout, ensureLevel, reductionSteps, validVector } from './layout';
import { CHUNK_ROWS, byColumns } from './columns';
import { expDepth, expPowCt, expPowPlain } from './exp';
import { normalizeCt, normalizeDepth, normalizePlain } from './inverse';
import type { SoftmaxAlgorithm } from '../interface';

const SQUARINGS = 4;
/** (x + 2^4) / 32 = 1/2 + x/32: the "polynomial" squared 2^4 times. */
const LINEAR: readonly number[] = [0.5, 1 / 32];
const INV_R = 80;
const INV_ITERS = 30;

/** Hong et al.: ((x + 16)/32)^16, inverse R = 80 (30 steps). */
export const hong: SoftmaxAlgorithm<'hong'> = {
  id: 'hong',
  family: 'softmax',
  name: 'Hong et al.',
  title: 'Hong et al.: exp(x) ~ ((x + 16)/32)^16, inverse R = 80, 30 steps',
  citation:
    'Hong et al., "Secure tumor classification by shallow neural network using homomorphic encryption", BMC Genomics 2022 (as in HETAL softmax.py "hong")',
  designRange: 8,
  encryptable: true,
  // the iterative inverse squares t and then multiplies it into v between refreshes (inverse.ts)
  minLevels: 2,
  plain(z, rows, classes) {
    const tmp = new Float64Array(CHUNK_ROWS);
    return byColumns(z, rows, classes, (cols, n) => {
      for (const x of cols) expPowPlain(LINEAR, SQUARINGS, x, x, n);
      normalizePlain(cols, n, INV_R, INV_ITERS, tmp);
    });
  },
  depth: () => expDepth(LINEAR, SQUARINGS) + normalizeDepth(INV_ITERS),
  rotationSteps: reductionSteps,
  encrypted(be, rf, z, layout) {
    checkLayout(be, layout);
    return be.scope(() => {
      const y = expPowCt(be, rf, LINEAR, SQUARINGS, ensureLevel(be, rf, z, 1), validVector(be, layout));
      return normalizeCt(be, rf, y, layout, INV_R, INV_ITERS);
    });
  },
};
