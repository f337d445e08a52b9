/**
 * The paper's published figures for matrix multiplication (Lee et al., HETAL, ICML 2023), read
 * from the algorithms themselves: each algorithm file states its Table 6 formula (corrected as in
 * the reference repository's hetal_matmul_table_fixed.pdf, the paper's published errata) and its
 * Table 7 cells (MatmulAlgorithm.paper); this module only looks them up for a run.
 */
import type { MatmulAlgorithm, MatmulPlan, MatmulShape, PaperCounts } from '../algorithms/interface';
import { TABLE7_SHAPES, TABLE7_SLOTS } from '../algorithms/matmul/paper';

export type { PaperCounts } from '../algorithms/interface';
export { TABLE7_SHAPES, TABLE7_SLOTS } from '../algorithms/matmul/paper';

/** The paper's five shapes as `AxBxC` (the default of `matmul --shape`). */
export const PAPER_SHAPES: readonly string[] = TABLE7_SHAPES.map((s) => `${s.a}x${s.b}x${s.c}`);

/**
 * Table 7's counts for an algorithm and shape, when the paper has them: only at 2^15 slots and,
 * for an algorithm on blocks (whose counts depend on the block shape), only with s0 = a.
 */
export function table7Counts(algo: MatmulAlgorithm, shape: MatmulShape, slots: number, s0?: number): PaperCounts | undefined {
  if (slots !== TABLE7_SLOTS) return undefined;
  if (algo.blocked && s0 !== undefined && s0 !== shape.a) return undefined;
  return algo.paper?.table7.find((x) => x.shape.a === shape.a && x.shape.b === shape.b && x.shape.c === shape.c)?.counts;
}

/** Table 6 (corrected) for a plan, when the paper gives the algorithm a formula. */
export function table6Counts(algo: MatmulAlgorithm, plan: Pick<MatmulPlan, 'shape' | 's0' | 's1' | 'cPad'>): PaperCounts | undefined {
  return algo.paper?.table6(plan);
}
