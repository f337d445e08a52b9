/**
 * What the matmul algorithm files share to state their figures: the shapes and slot count of the
 * paper's Table 7 (Lee et al., HETAL, ICML 2023: CMult / Mult / Rot measured on HEaaN, 2^15 slots,
 * s0 = a), a helper that turns one algorithm's column of Table 7 into cells, the block counts the
 * Table 6 formulas are written in, and the deviations every blocked or diagonal algorithm shares.
 * Each algorithm's own numbers live in its file.
 */
import type { MatmulPlan, MatmulShape, PaperCounts, Table7Cell } from '../interface';

/** The slots of Table 7 (HEaaN FGb parameters). */
export const TABLE7_SLOTS = 32768;

/** Table 7's five shapes (a, b, c), in its row order. */
export const TABLE7_SHAPES: readonly MatmulShape[] = [
  { a: 128, b: 128, c: 4 },
  { a: 256, b: 256, c: 8 },
  { a: 512, b: 769, c: 4 },
  { a: 1024, b: 769, c: 8 },
  { a: 2048, b: 769, c: 16 },
];

/** One algorithm's column of Table 7: [CMult, Mult, Rot] for each of TABLE7_SHAPES, in order. */
export function table7Column(cells: readonly (readonly [number, number, number])[]): Table7Cell[] {
  if (cells.length !== TABLE7_SHAPES.length) throw new Error(`a Table 7 column has ${TABLE7_SHAPES.length} cells, not ${cells.length}`);
  return cells.map(([cmult, mult, rot], i) => ({ shape: TABLE7_SHAPES[i]!, counts: { cmult, mult, rot } }));
}

/** The quantities Table 6 is written in: A = ceil(a/s0) block rows, B = ceil(b/s1) block columns, logs of the sides. */
export function blockCounts(plan: Pick<MatmulPlan, 'shape' | 's0' | 's1'>) {
  return {
    A: Math.ceil(plan.shape.a / plan.s0),
    B: Math.ceil(plan.shape.b / plan.s1),
    l0: Math.log2(plan.s0),
    l1: Math.log2(plan.s1),
    ls: Math.log2(plan.s0 * plan.s1),
  };
}

/** No difference from Table 6. */
export const NO_DIFFERENCE: PaperCounts = { cmult: 0, mult: 0, rot: 0 };

/** Deviations of any algorithm on s0 x s1 blocks: the block shape rule met a shape the paper does not have. */
export function blockDeviations(plan: MatmulPlan): string[] {
  const out: string[] = [];
  if (plan.s0 !== Math.min(Math.max(plan.shape.a, plan.cPad), plan.slots / plan.cPad)) {
    out.push(`s0 rounded up to a power of two (${plan.s0}); the paper's a are powers of two`);
  }
  const A = Math.ceil(plan.shape.a / plan.s0);
  if (A > 1) out.push(`a = ${plan.shape.a} spans ${A} block rows (Table 7 has one)`);
  return out;
}

/** Deviations of the diagonal algorithms (DiagABT, DiagATB) common to both: conjugations, no pairing, padding. */
export function diagonalDeviations(plan: MatmulPlan): string[] {
  const out: string[] = [];
  if (plan.complexPacking) out.push("conjugations (ops.conj) are counted apart from Rot, as the paper's Rot counts exclude them");
  else out.push('one diagonal per product (no complex slots): more Mult, CMult and Rot than Table 6');
  if (plan.cPad !== plan.shape.c) out.push(`c = ${plan.shape.c} padded to ${plan.cPad} classes`);
  return out;
}
