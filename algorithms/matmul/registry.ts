/**
 * The matmul registry: one line per algorithm, keyed by its id, in the paper's Table 7 column
 * order (A·Bᵀ first, then Aᵀ·B). A key that differs from its algorithm's id, or a duplicate key,
 * does not compile (algorithms/registry.ts). Everything else (commands, sweeps, report, tests)
 * reads the algorithms from here.
 */
import type { MatmulAlgorithm } from '../interface';
import { byId, lookup } from '../registry';
import { colMajorAlgorithm } from './colmajor';
import { diagAbtAlgorithm } from './diag-abt';
import { diagAtbAlgorithm } from './diag-atb';
import { jinAbtAlgorithm } from './jin-abt';
import { jinAtbAlgorithm } from './jin-atb';
import { rowMajorAlgorithm } from './rowmajor';

/** Every matmul algorithm by id. */
export const MATMUL_REGISTRY = byId<MatmulAlgorithm>()({
  'jin-abt': jinAbtAlgorithm,
  colmajor: colMajorAlgorithm,
  'diag-abt': diagAbtAlgorithm,
  'jin-atb': jinAtbAlgorithm,
  rowmajor: rowMajorAlgorithm,
  'diag-atb': diagAtbAlgorithm,
});

/** A registered matmul algorithm's id. */
export type MatmulId = keyof typeof MATMUL_REGISTRY;

/** Every matmul algorithm, in registry order. */
export const MATMUL_ALGORITHMS: readonly MatmulAlgorithm[] = Object.values(MATMUL_REGISTRY);

/** The algorithm with CLI id `id`, or an InputError listing the known ids. */
export function matmulAlgorithm(id: string): MatmulAlgorithm {
  return lookup<MatmulAlgorithm>(MATMUL_REGISTRY, id, 'matmul');
}
