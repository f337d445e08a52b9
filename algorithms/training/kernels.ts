/**
 * The two matrix products training chains, as the trainer sees them (layouts in encrypted.ts):
 * abt: X (a batch of one or more block rows, each colBlocks ciphertexts) x Wᵀ (colBlocks
 * replicated-weight ciphertexts) -> Z in the softmax layout (one ciphertext per block row);
 * atb: Eᵀ (softmax layout, one ciphertext per block row) x X -> G in the replicated-weight layout
 * (colBlocks ciphertexts, summed over the block rows).
 */
import type { Evaluator, Ct } from '../ckks/types';
import type { SoftmaxLayout } from '../interface';
import { DIAG_ABT_DEPTH, diagAbtParallel, diagAbtSigned, diagAbtSteps } from '../matmul/diag-abt';
import { diagAtbOutputLevel, diagAtbParallel, diagAtbSteps, diagAtbVariant } from '../matmul/diag-atb';
import type { BlockMatrix } from '../matrix/types';
import type { Parallel } from '../parallel/protocol';

/** Block layout of a training run as the kernels need it. */
export interface KernelLayout extends SoftmaxLayout {
  readonly colBlocks: number;
  /** block rows of a full batch */
  readonly rowBlocks: number;
  readonly d: number;
  /** level of fresh ciphertexts */
  readonly maxLevel: number;
  /** level the client encrypts the data X at: the top, or (level-aware) the least the kernels accept */
  readonly dataLevel: number;
  /** two diagonals per product (the backend has complex slots) */
  readonly complex: boolean;
  /** DiagATB's column-sum rotations across class periods once per block column (diag-atb.ts DiagAtbOptions) */
  readonly sharedSums: boolean;
}

/** The encrypted products of one training step; with a pool, their block columns run on worker threads. */
export interface MatmulKernels {
  /** x by [block row][block column]; one output ciphertext per block row */
  abt(be: Evaluator, x: Ct[][], w: Ct[], layout: KernelLayout, pool?: Parallel | null): Promise<Ct[]>;
  /** e: one ciphertext per block row of x */
  atb(be: Evaluator, e: Ct[], x: Ct[][], layout: KernelLayout, pool?: Parallel | null): Promise<Ct[]>;
  /** levels abt consumes (the weights must have at least this many) */
  abtDepth(layout: KernelLayout): number;
  /** levels atb consumes (E must have at least this many, next to X at `layout.dataLevel`) */
  atbDepth(layout: KernelLayout): number;
  /** the least level of X both products accept (level-aware execution encrypts X there) */
  minDataLevel(layout: KernelLayout): number;
  rotationSteps(layout: KernelLayout): number[];
}

/** The paper's kernels: DiagABT and DiagATB (the PRotUp form is chosen by the levels). */
export const hetalKernels: MatmulKernels = {
  async abt(be, x, w, layout, pool = null) {
    const z = await diagAbtParallel(be, dataMatrix(x, layout), weightMatrix(w, layout), pool);
    return z.cts.map((row) => row[0]!);
  },
  async atb(be, e, x, layout, pool = null) {
    const a: BlockMatrix = {
      rows: layout.s0 * e.length,
      cols: layout.classes,
      s0: layout.s0,
      s1: layout.s1,
      layout: 'cols-repeated',
      period: layout.cPad,
      cts: e.map((c) => [c]),
    };
    return (await diagAtbParallel(be, a, dataMatrix(x, layout), pool, { sharedSums: layout.sharedSums })).cts[0]!;
  },
  // W a level above X (at DIAG_ABT_DEPTH) makes DiagABT take its signed form, where it pays: its B
  // CMult (and W's partner rotated a level higher) against the (p/2)·A fix-up key switches it saves
  abtDepth: (layout) =>
    DIAG_ABT_DEPTH +
    (diagAbtSigned(DIAG_ABT_DEPTH, DIAG_ABT_DEPTH + 1, layout.complex, layout.s1) &&
    layout.colBlocks <= (layout.cPad / 2) * layout.rowBlocks
      ? 1
      : 0),
  atbDepth(layout) {
    // The least level of E that diagAtb accepts next to the data (the form it then picks).
    const complex = layout.complex;
    for (let l = 0; l <= layout.maxLevel; l++) {
      if (diagAtbOutputLevel(l, layout.dataLevel, diagAtbVariant(l, layout.dataLevel), complex) >= 0) return l;
    }
    return layout.maxLevel + 1;
  },
  // DiagABT needs X at 3; DiagATB's standard form then takes E at 4 (3 real-only) and X at 2
  minDataLevel: () => DIAG_ABT_DEPTH,
  rotationSteps(layout) {
    return [...diagAbtSteps(layout.s1, layout.cPad, layout.complex), ...diagAtbSteps(layout.s0, layout.s1, layout.cPad, layout.complex)];
  },
};

function dataMatrix(x: Ct[][], layout: KernelLayout): BlockMatrix {
  return { rows: layout.s0 * x.length, cols: layout.d, s0: layout.s0, s1: layout.s1, layout: 'blocks', period: 1, cts: x };
}

function weightMatrix(w: Ct[], layout: KernelLayout): BlockMatrix {
  return { rows: layout.classes, cols: layout.d, s0: layout.s0, s1: layout.s1, layout: 'rows-repeated', period: layout.cPad, cts: [w] };
}
