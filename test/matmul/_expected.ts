/**
 * The op counts this project's algorithms should produce (the formulas documented in each
 * algorithm file), and their documented difference from the paper's Table 6. Conjugations
 * include the backends' fix-up after each odd rotation of a ciphertext with imaginary parts
 * (seal's X^(N/2) is -i in odd slots; ckks/seal.ts): only DiagABT's row sums still pay one.
 */
import type { MatmulPlan } from '../../algorithms/interface';
import type { DiagAtbVariant } from '../../algorithms/matmul/diag-atb';
import { table6Counts } from '../../harness/paper';

export interface Counts {
  cmult: number;
  mult: number;
  rot: number;
  conj: number;
}

/** Block counts and logs of a plan. */
function dims(plan: MatmulPlan) {
  const { a, b } = plan.shape;
  return {
    A: Math.ceil(a / plan.s0),
    B: Math.ceil(b / plan.s1),
    p: plan.cPad,
    l0: Math.log2(plan.s0),
    l1: Math.log2(plan.s1),
    ls: Math.log2(plan.slots),
  };
}

/** This project's counts for one call (fresh inputs; DiagATB in `variant`). */
export function expectedCounts(id: string, plan: MatmulPlan, variant: DiagAtbVariant = 'standard'): Counts {
  const { b, c } = plan.shape;
  const { A, B, p, l0, l1, ls } = dims(plan);
  const cx = plan.complexPacking;
  switch (id) {
    case 'jin-abt':
      return { cmult: 0, mult: b * c, rot: 0, conj: 0 };
    case 'jin-atb':
      return { cmult: 0, mult: b * c, rot: b * c * ls, conj: 0 };
    case 'colmajor':
      return { cmult: c * (B + A), mult: c * A * B, rot: c * (B * l0 + A * (l1 + 1)) - A, conj: 0 };
    case 'rowmajor':
      return { cmult: c * (A + B), mult: c * A * B, rot: c * (B * l0 + A * (l1 + 1)) - A, conj: 0 };
    case 'diag-abt':
      return cx
        ? { cmult: p * A, mult: (p / 2) * A * B, rot: (p / 2) * B + p * A * l1, conj: A + (plan.s1 > 1 ? (p / 2) * A : 0) }
        : { cmult: 2 * p * A, mult: p * A * B, rot: (p - 1) * B + 2 * p * A * l1, conj: 0 };
    case 'diag-atb':
      if (cx && variant === 'standard') return { cmult: (p / 2) * (A + B), mult: (p / 2) * A * B, rot: p * A + (p / 2) * B * l0, conj: B };
      if (cx)
        return {
          cmult: A + (p / 2 - 1) * A * B + (p / 2) * B,
          mult: (p / 2) * A * B,
          rot: 2 * A + (p / 2 - 1) * (A + A * B) + (p / 2) * B * l0,
          conj: B,
        };
      if (variant === 'standard') return { cmult: (p - 1) * A + p * B, mult: p * A * B, rot: 2 * (p - 1) * A + p * B * l0, conj: 0 };
      return { cmult: (p - 1) * A * B + p * B, mult: p * A * B, rot: (p - 1) * (A + A * B) + p * B * l0, conj: 0 };
    default:
      throw new Error(`no formula for ${id}`);
  }
}

/**
 * The paper's Table 6 for the same cell plus the difference each algorithm file documents
 * (complex packing). Equal to expectedCounts: this states the documented reasons as numbers.
 */
export function table6PlusDocumented(id: string, plan: MatmulPlan, variant: DiagAtbVariant = 'standard'): Omit<Counts, 'conj'> {
  const { A, B, p } = dims(plan);
  const c = plan.shape.c;
  const t6 = table6Counts(id, { ...plan.shape, c: id.startsWith('diag-') ? p : c }, plan.s0, plan.s1, variant)!;
  switch (id) {
    // the reference masks every tiled copy of B, which only matters for A > 1
    case 'colmajor':
      return { ...t6, cmult: t6.cmult - c * B * (A - 1) };
    case 'rowmajor':
      return { ...t6, cmult: t6.cmult - c * (A - 1) * (B - 1) };
    // Table 6's CMult = c ignores the block rows: each needs its own masks
    case 'diag-abt':
      return { ...t6, cmult: t6.cmult + p * (A - 1) };
    // Q is prepared per block row of A
    case 'diag-atb':
      return { ...t6, cmult: t6.cmult + (A - 1), rot: t6.rot + 2 * (A - 1) };
    default:
      return t6;
  }
}

/**
 * Operations on the longest path from an input slot to an output slot: the encryption, every
 * rescale (the depth), every key switch (rotations, conjugations and their fix-ups) and the
 * products. errorBound(preset, errorOps, magnitude) is then a worst-case error: each of them adds
 * at most 2^(22 - scaleBits) times the magnitude of the values (ckks/precision.ts).
 */
export function errorOps(id: string, plan: MatmulPlan): number {
  const l0 = Math.log2(plan.s0),
    l1 = Math.log2(plan.s1);
  switch (id) {
    case 'jin-abt':
      return 1 + 1; // encrypt, product
    case 'jin-atb':
      return 1 + 1 + Math.log2(plan.slots); // encrypt, product, slot sum
    case 'colmajor':
      return 1 + 3 + l0 + l1 + 1; // encrypt, 3 levels, broadcast, row sum, shift
    case 'rowmajor':
      return 1 + 3 + 1 + l1 + l0; // encrypt, 3 levels, shift, broadcast, column sum
    case 'diag-abt':
      return 1 + 3 + 1 + 2 * l1 + 2 + 1; // encrypt, 3 levels, B shift, sum and copy, fix-ups, conjugation
    case 'diag-atb':
      return 1 + 4 + 4 + 2 + l0 + 1; // encrypt, 4 levels, two shifts, fix-ups, column sum, conjugation
    default:
      throw new Error(`no path length for ${id}`);
  }
}

/** The largest value on the path: a result entry sums b (A·Bᵀ) or a (Aᵀ·B) products of [0, 1) numbers. */
export function magnitude(id: string, shape: { a: number; b: number }): number {
  return id.endsWith('abt') || id === 'colmajor' ? shape.b : shape.a;
}
