/**
 * The "original" baseline of hetal.md section 5: the true exp (no normalization by the maximum,
 * no domain extension) with HETAL's iterative inverse (R = 100, 16 steps), as the reference
 * code's approx_softmax_original. Only valid on small ranges (the row sum must stay in (0, 200)).
 * Plain only: exp has no exact encrypted form. (The reference script's "original" row runs a
 * different function, its HETAL pipeline with no domain extension; this follows hetal.md.)
 */
import { InputError } from '../errors';
import { CHUNK_ROWS, byColumns } from './columns';
import { HETAL } from './hetal-pipeline';
import { normalizeDepth, normalizePlain } from './inverse';
import type { SoftmaxAlgorithm } from '../interface';

/** True exp with the approximate inverse; float64 only. */
export const exactExp: SoftmaxAlgorithm<'exact-exp'> = {
  id: 'exact-exp',
  family: 'softmax',
  name: 'exact exp',
  title: 'true exp with the iterative inverse (R = 100, 16 steps), no normalization; plain only',
  citation: 'HETAL reference softmax.py, approx_softmax_original (hetal.md section 5, "original")',
  designRange: 4,
  encryptable: false,
  minLevels: 0,
  plain(z, rows, classes) {
    const tmp = new Float64Array(CHUNK_ROWS);
    return byColumns(z, rows, classes, (cols, n) => {
      for (const x of cols) for (let i = 0; i < n; i++) x[i] = Math.exp(x[i]!);
      normalizePlain(cols, n, HETAL.invR, HETAL.invIters, tmp);
    });
  },
  /** Levels its inverse alone would take (the exact exp has no encrypted form). */
  depth: () => normalizeDepth(HETAL.invIters),
  rotationSteps: () => [],
  encrypted() {
    throw new InputError('softmax exact-exp has no encrypted form (plain backend only)');
  },
};
