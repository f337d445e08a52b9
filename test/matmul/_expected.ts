/**
 * What the matmul tests expect of any algorithm, read from the algorithm itself: its own count
 * formula (MatmulAlgorithm.opCounts), the paper's Table 6 plus the difference its file documents,
 * and the size of the values on its path (for the CKKS error bound).
 */
import type { OpCounts } from '../../algorithms/ckks/types';
import type { MatmulAlgorithm, MatmulCounts, MatmulPlan, MatmulShape, PaperCounts } from '../../algorithms/interface';

/** The four counts a matmul formula states, from a backend's counters. */
export function counted(ops: OpCounts): MatmulCounts {
  return { cmult: ops.cmult, mult: ops.mult, rot: ops.rot, conj: ops.conj };
}

/**
 * The paper's Table 6 for the same cell plus the difference the algorithm's file documents, or
 * undefined for an algorithm the paper has no formula for. Equal to its opCounts without conj:
 * this states the documented reasons as numbers.
 */
export function table6PlusDocumented(algo: MatmulAlgorithm, plan: MatmulPlan): PaperCounts | undefined {
  if (!algo.paper) return undefined;
  const t6 = algo.paper.table6(plan);
  const d = algo.paper.table6Difference(plan);
  return { cmult: t6.cmult + d.cmult, mult: t6.mult + d.mult, rot: t6.rot + d.rot };
}

/** The largest value on the path: a result entry sums b (A·Bᵀ) or a (Aᵀ·B) products of [0, 1) numbers. */
export function magnitude(algo: MatmulAlgorithm, shape: MatmulShape): number {
  return algo.family === 'abt' ? shape.b : shape.a;
}

/** Ciphertext operations one call makes (its formula): what simulating it costs. */
export function predictedOps(algo: MatmulAlgorithm, plan: MatmulPlan): number {
  const c = algo.opCounts(plan);
  return c.cmult + c.mult + c.rot + c.conj;
}
