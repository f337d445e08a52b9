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

/** One of the paper's five training runs (hetal.md section 6): split sizes, classes, hyperparameters. */
export interface PaperTrainingRun {
  readonly dataset: string;
  /** the pretrained extractor whose features the paper trains on (768 dimensions, plus the bias) */
  readonly features: 'ViT-Base' | 'MPNet-Base';
  readonly train: number;
  readonly val: number;
  readonly test: number;
  readonly classes: number;
  /** features including the bias column */
  readonly d: number;
  readonly lr: number;
  readonly batch: number;
  readonly epochs: number;
}

/** The paper's five training runs (reference run.py and hyperparams.py splits and defaults). */
export const PAPER_TRAINING: readonly PaperTrainingRun[] = [
  { dataset: 'MNIST', features: 'ViT-Base', train: 52500, val: 7500, test: 10000, classes: 10, d: 769, lr: 2.0, batch: 1024, epochs: 7 },
  { dataset: 'CIFAR-10', features: 'ViT-Base', train: 43750, val: 6250, test: 10000, classes: 10, d: 769, lr: 1.0, batch: 2048, epochs: 9 },
  { dataset: 'Face Mask', features: 'ViT-Base', train: 2849, val: 408, test: 815, classes: 3, d: 769, lr: 0.5, batch: 512, epochs: 22 },
  { dataset: 'DermaMNIST', features: 'ViT-Base', train: 7007, val: 1003, test: 2005, classes: 7, d: 769, lr: 0.3, batch: 1024, epochs: 23 },
  { dataset: 'SNIPS', features: 'MPNet-Base', train: 13084, val: 700, test: 700, classes: 7, d: 769, lr: 1.0, batch: 1024, epochs: 14 },
];

/** The paper's headline training times (HEaaN on a GPU), as a range over the five runs: seconds. */
export const PAPER_TRAINING_TIMES = { perStep: [4.29, 15.72], total: [567, 3442] } as const;
