/** HETAL's softmax with the precise domain-extension correction (stages in hetal-pipeline.ts). */
import type { SoftmaxAlgorithm } from '../interface';
import { hetalDepth, hetalEncrypted, hetalPlain, hetalSteps } from './hetal-pipeline';

/** HETAL with x + (C/r^2) x^3 - (C/r^4) x^5 after domain extension (3 more levels). */
export const hetalPrecise: SoftmaxAlgorithm<'hetal-precise'> = {
  id: 'hetal-precise',
  family: 'softmax',
  name: 'HETAL precise',
  title: 'HETAL with the precise domain-extension correction',
  citation: 'Lee et al., HETAL, ICML 2023, Section 4.2 (reference softmax.py "precise")',
  designRange: 128,
  encryptable: true,
  minLevels: 4,
  plain: (z, rows, classes) => hetalPlain(true, z, rows, classes),
  depth: (layout) => hetalDepth(true, layout),
  rotationSteps: hetalSteps,
  encrypted: (be, rf, z, layout) => hetalEncrypted(true, be, rf, z, layout),
};
