/** HETAL's softmax approximation (paper Algorithm 1; stages in hetal-pipeline.ts). */
import type { SoftmaxAlgorithm } from '../interface';
import { hetalDepth, hetalEncrypted, hetalPlain, hetalSteps } from './hetal-pipeline';

/** HETAL: approximate max, domain extension, degree-8 exp, iterative inverse. */
export const hetal: SoftmaxAlgorithm<'hetal'> = {
  id: 'hetal',
  family: 'softmax',
  name: 'HETAL',
  title: 'HETAL: normalize by approximate max, domain extension, degree-8 exp, iterative inverse',
  citation: 'Lee et al., HETAL, ICML 2023, Algorithm 1 (reference softmax.py "normal")',
  designRange: 128,
  encryptable: true,
  minLevels: 4,
  plain: (z, rows, classes) => hetalPlain(false, z, rows, classes),
  depth: (layout) => hetalDepth(false, layout),
  rotationSteps: hetalSteps,
  encrypted: (be, rf, z, layout) => hetalEncrypted(false, be, rf, z, layout),
};
