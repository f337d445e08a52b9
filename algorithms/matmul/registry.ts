/** The matmul algorithms, in the paper's Table 7 column order, and lookup by CLI id. */
import { InputError } from '../errors';
import type { MatmulAlgorithm } from '../interface';
import { colMajorAlgorithm } from './colmajor';
import { diagAbtAlgorithm } from './diag-abt';
import { diagAtbAlgorithm } from './diag-atb';
import { jinAbtAlgorithm } from './jin-abt';
import { jinAtbAlgorithm } from './jin-atb';
import { rowMajorAlgorithm } from './rowmajor';

/** Every matmul algorithm (A·Bᵀ first, then Aᵀ·B, as Table 7). */
export const MATMUL_ALGORITHMS: readonly MatmulAlgorithm[] = [
  jinAbtAlgorithm,
  colMajorAlgorithm,
  diagAbtAlgorithm,
  jinAtbAlgorithm,
  rowMajorAlgorithm,
  diagAtbAlgorithm,
] as MatmulAlgorithm[];

/** The algorithm with CLI id `id`, or an InputError listing the known ids. */
export function matmulAlgorithm(id: string): MatmulAlgorithm {
  const found = MATMUL_ALGORITHMS.find((a) => a.id === id);
  if (!found) throw new InputError(`unknown matmul algorithm '${id}' (known: ${MATMUL_ALGORITHMS.map((a) => a.id).join(', ')})`);
  return found;
}
