/**
 * The paper's published figures for matrix multiplication (Lee et al., HETAL, ICML 2023):
 * Table 7 (measured CMult / Mult / Rot per call on HEaaN, 2^15 slots, s0 = a, s1 = 2^15 / a) and
 * the Table 6 formulas in their corrected form (the reference repository's
 * hetal_matmul_table_fixed.pdf, restated in ../shared/spec/hetal.md section 4).
 */

/** CMult / Mult / Rot of one call. */
export interface PaperCounts {
  readonly cmult: number;
  readonly mult: number;
  readonly rot: number;
}

/** The matmul algorithm ids Table 7 has columns for, in its order. */
export const TABLE7_ALGORITHMS = ['jin-abt', 'colmajor', 'diag-abt', 'jin-atb', 'rowmajor', 'diag-atb'] as const;
export type Table7Algorithm = (typeof TABLE7_ALGORITHMS)[number];

/** The slots of Table 7 (HEaaN FGb parameters). */
export const TABLE7_SLOTS = 32768;

/** One row of Table 7: a shape (a, b, c) and the counts of each algorithm (DiagATB: the level(A) >= level(B) form). */
export interface Table7Row {
  readonly shape: { readonly a: number; readonly b: number; readonly c: number };
  readonly counts: Readonly<Record<Table7Algorithm, PaperCounts>>;
}

const row = (a: number, b: number, c: number, cells: [number, number, number][]): Table7Row => ({
  shape: { a, b, c },
  counts: Object.fromEntries(
    TABLE7_ALGORITHMS.map((id, i) => {
      const [cmult, mult, rot] = cells[i]!;
      return [id, { cmult, mult, rot }];
    }),
  ) as Record<Table7Algorithm, PaperCounts>,
});

/** Table 7 of the paper: CMult / Mult / Rot, measured, 2^15 slots, s0 = a. */
export const TABLE7: readonly Table7Row[] = [
  row(128, 128, 4, [
    [0, 512, 0],
    [8, 4, 63],
    [4, 2, 34],
    [0, 512, 7680],
    [8, 4, 63],
    [4, 2, 18],
  ]),
  row(256, 256, 8, [
    [0, 2048, 0],
    [24, 16, 191],
    [8, 8, 64],
    [0, 2048, 30720],
    [24, 16, 191],
    [12, 8, 72],
  ]),
  row(512, 769, 4, [
    [0, 3076, 0],
    [56, 52, 495],
    [4, 26, 50],
    [0, 3076, 46140],
    [56, 52, 495],
    [28, 26, 238],
  ]),
  row(1024, 769, 8, [
    [0, 6152, 0],
    [208, 200, 2047],
    [8, 100, 140],
    [0, 6152, 92280],
    [208, 200, 2047],
    [104, 100, 1008],
  ]),
  row(2048, 769, 16, [
    [0, 12304, 0],
    [800, 784, 8703],
    [16, 392, 456],
    [0, 12304, 184560],
    [800, 784, 8703],
    [400, 392, 4328],
  ]),
];

/** Table 7's counts for an algorithm and shape, when the paper has them (only at 2^15 slots with s0 = a). */
export function table7Counts(
  algorithm: string,
  shape: { a: number; b: number; c: number },
  slots: number,
  s0?: number,
): PaperCounts | undefined {
  if (slots !== TABLE7_SLOTS) return undefined;
  if (s0 !== undefined && s0 !== shape.a && !algorithm.startsWith('jin-')) return undefined;
  const r = TABLE7.find((x) => x.shape.a === shape.a && x.shape.b === shape.b && x.shape.c === shape.c);
  return r && (TABLE7_ALGORITHMS as readonly string[]).includes(algorithm) ? r.counts[algorithm as Table7Algorithm] : undefined;
}

/**
 * Table 6 (corrected), for (a, b, c) on s0 x s1 blocks with s = s0·s1 slots. A = ceil(a/s0),
 * B = ceil(b/s1); c is the (padded) class count; DiagATB in the level(A) >= level(B) form
 * ('prot-up' for the other). These are the paper's formulas as printed, not this project's
 * implementation (see each algorithm file for where and why they differ).
 */
export function table6Counts(
  algorithm: string,
  shape: { a: number; b: number; c: number },
  s0: number,
  s1: number,
  form: 'standard' | 'prot-up' = 'standard',
): PaperCounts | undefined {
  const { a, b, c } = shape;
  const A = Math.ceil(a / s0),
    B = Math.ceil(b / s1);
  const l0 = Math.log2(s0),
    l1 = Math.log2(s1),
    ls = Math.log2(s0 * s1);
  switch (algorithm) {
    case 'jin-abt':
      return { cmult: 0, mult: b * c, rot: 0 };
    case 'jin-atb':
      return { cmult: 0, mult: b * c, rot: b * c * ls };
    case 'colmajor':
      return { cmult: c * (A * B + A), mult: c * A * B, rot: c * (B * l0 + A * (l1 + 1)) - A };
    case 'rowmajor':
      return { cmult: c * A * B + c, mult: c * A * B, rot: c * (B * l0 + A * (l1 + 1)) - A };
    case 'diag-abt':
      return { cmult: c, mult: (c / 2) * A * B, rot: (c / 2) * (B + 2 * A * l1) };
    case 'diag-atb':
      return form === 'standard'
        ? { cmult: 1 + (c / 2) * (A + B) - A, mult: (c / 2) * A * B, rot: 2 + (c / 2) * (2 * A + l0 * B) - 2 * A }
        : { cmult: 1 + (c / 2) * (A * B + B) - A * B, mult: (c / 2) * A * B, rot: 2 + (c / 2) * (A + A * B + l0 * B) - A - A * B };
    default:
      return undefined;
  }
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
