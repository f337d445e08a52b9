/**
 * The one interface: every matmul algorithm and every softmax approximation is one file
 * exporting one object of these types, listed by one line in its family's registry
 * (algorithms/matmul/registry.ts, algorithms/softmax/registry.ts). The object is the only place
 * that describes the algorithm: besides the computation it carries its display name, citation,
 * depth, rotation steps, op-count formulas, the paper's figures where the paper has them, the
 * baselines it is compared with and its stated deviations; the commands, the report and the
 * tests read these fields and keep no list of ids. The harness times `prepare` (encode +
 * encrypt), `run` (the encrypted computation) and `decode` separately and checks the result
 * against `reference`.
 */
import type { Client, Ct, Evaluator, Params, Refresher } from './ckks/types';
import type { Parallel } from './parallel/protocol';

/** A dense row-major matrix of float64. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** rows * cols values, row-major */
  readonly data: Float64Array;
}

/** What every algorithm says about itself. `Id` is its literal id, so registries can check it. */
export interface AlgorithmInfo<Id extends string = string> {
  /** CLI id, e.g. `diag-abt`, `hetal`: also its key in the family's registry. */
  readonly id: Id;
  readonly family: 'abt' | 'atb' | 'softmax';
  /** Short display name for table headers and chart legends, e.g. `DiagABT`. */
  readonly name: string;
  /** One line for tables and reports. */
  readonly title: string;
  /** Where it comes from (paper, section). */
  readonly citation: string;
}

/** The paper's (a, b, c): A·Bᵀ with A a x b, B c x b; Aᵀ·B with A a x c, B a x b. */
export interface MatmulShape {
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

/** How a shape is laid out on a backend: block shape, padded class count, ciphertext counts. */
export interface MatmulPlan {
  readonly shape: MatmulShape;
  /** c padded to a power of two */
  readonly cPad: number;
  readonly s0: number;
  readonly s1: number;
  readonly slots: number;
  /** whether two diagonals share one ciphertext product (complex packing) */
  readonly complexPacking: boolean;
  /** Levels the client encrypts the two operands at (absent: the top level). The harness sets
   * them from `minInputLevels` for `--input-level auto`: products then run at the lowest levels
   * that still leave the result at level >= 0, where key switches are cheapest. */
  readonly inputLevels?: { readonly a: number; readonly b: number };
  /** Sums shared beyond the paper's algorithm where one has them (`--atb-sums shared`: DiagATB's
   * column-sum rotations across class periods once per block column, not once per diagonal pair);
   * absent or false: the paper's algorithm and counts. */
  readonly sharedSums?: boolean;
}

/** CMult / Mult / Rot of one call, as the paper counts them (Tables 6 and 7). */
export interface PaperCounts {
  readonly cmult: number;
  readonly mult: number;
  readonly rot: number;
}

/** This project's counts of one call: the paper's three plus conjugations, which its Rot excludes. */
export interface MatmulCounts extends PaperCounts {
  readonly conj: number;
}

/** One cell of the paper's Table 7: counts measured on HEaaN at 2^15 slots with s0 = a. */
export interface Table7Cell {
  readonly shape: MatmulShape;
  readonly counts: PaperCounts;
}

/** What the paper publishes about a matmul algorithm (absent for an algorithm it does not cover). */
export interface MatmulPaperFigures {
  /**
   * Table 6 (corrected) as printed, on the plan's s0 x s1 blocks: the formula reads c or cPad as
   * the paper's does for this algorithm. Not this project's implementation: see `opCounts`.
   */
  table6(plan: Pick<MatmulPlan, 'shape' | 's0' | 's1' | 'cPad'>): PaperCounts;
  /**
   * What this implementation adds to Table 6 (negative: saves), the file's documented difference
   * as numbers: `table6(plan) + table6Difference(plan)` equals `opCounts(plan)` without conj.
   */
  table6Difference(plan: MatmulPlan): PaperCounts;
  /** Table 7's cells for this algorithm (2^15 slots, s0 = a), or none. */
  readonly table7: readonly Table7Cell[];
}

/** An encrypted matrix multiplication. `Inputs` and `Output` are the algorithm's own layouts. */
export interface MatmulAlgorithm<Inputs = unknown, Output = unknown, Id extends string = string> extends AlgorithmInfo<Id> {
  readonly family: 'abt' | 'atb';
  /**
   * Whether it lays matrices out in s0 x s1 blocks (its counts depend on the block shape, so
   * Table 7's cells hold only at s0 = a); false for a layout without blocks (Jin et al.'s columns).
   */
  readonly blocked: boolean;
  /** Ids (same family) of the prior algorithms its speed-up is reported against; [] for a baseline. */
  readonly baselines: readonly string[];
  /** The paper's Table 6 formula and Table 7 cells, where the paper has them. */
  readonly paper?: MatmulPaperFigures;
  /** This implementation's op counts of one `run` on fresh inputs (the formulas in its file header). */
  opCounts(plan: MatmulPlan): MatmulCounts;
  /**
   * Operations on the longest path from an input slot to an output slot (encryption, rescales,
   * key switches, products): `errorBound(preset, errorOps(plan), magnitude)` bounds its CKKS error.
   */
  errorOps(plan: MatmulPlan): number;
  /** Where a run with this plan departs from the paper's protocol or counts, one sentence each. */
  deviations(plan: MatmulPlan): string[];
  /** Lays out a shape on a backend, or throws an InputError saying why it does not fit. */
  plan(shape: MatmulShape, params: Pick<Params, 'slots' | 'maxLevel' | 'supportsComplex'>): MatmulPlan;
  /** Levels `run` consumes. */
  depth(plan: MatmulPlan): number;
  /** The least levels of the two operands (A, B in the paper's order) `run` accepts; default: `depth` for both. */
  minInputLevels?(plan: MatmulPlan): { a: number; b: number };
  /** Rotation steps `run` uses, so the backend makes exactly those keys. */
  rotationSteps(plan: MatmulPlan): number[];
  /**
   * Ciphertexts alive at once at the peak of `prepare` + `run` (inputs, outputs and the largest
   * working set), so the harness can refuse a plan whose SEAL heap would not fit before it runs.
   */
  peakCiphertexts?(plan: MatmulPlan): number;
  /** Client side, not timed: encodes and encrypts A and B. */
  prepare(client: Client, plan: MatmulPlan, A: Matrix, B: Matrix): Inputs;
  /** Server side, timed: the encrypted product. No caching between calls. */
  run(ev: Evaluator, plan: MatmulPlan, inputs: Inputs): Output;
  /** `run` with its independent work on worker threads (absent: the algorithm runs on one thread).
   * Bit-identical to `run` and counted alike on the main evaluator. */
  runParallel?(ev: Evaluator, plan: MatmulPlan, inputs: Inputs, pool: Parallel): Promise<Output>;
  /** Client side: decrypts and decodes the product to its logical shape. */
  decode(client: Client, plan: MatmulPlan, output: Output): Matrix;
  /** The plaintext product the result is checked against. */
  reference(A: Matrix, B: Matrix): Matrix;
}

/**
 * Where a softmax runs on ciphertexts: a block of s0 rows x s1 columns (slot = row * s1 + col),
 * each row one sample whose `classes` logits are repeated with period cPad across all s1 columns
 * (column j holds class j mod cPad; classes..cPad-1 are padding, holding 0 on input). The output
 * has the same layout, with probabilities ~0 in padded classes. This is the layout DiagABT
 * produces and DiagATB consumes (after P - Y).
 */
export interface SoftmaxLayout {
  readonly s0: number;
  readonly s1: number;
  readonly classes: number;
  readonly cPad: number;
}

/** A softmax approximation, runnable in float64 and on ciphertexts. */
export interface SoftmaxAlgorithm<Id extends string = string> extends AlgorithmInfo<Id> {
  readonly family: 'softmax';
  /** Input range [-R, R] it is designed for (documentation; not enforced). */
  readonly designRange: number;
  /** Most levels one stage needs between refreshes (a preset with fewer levels cannot run it). */
  readonly minLevels: number;
  /** float64, vectorized over rows: `z` is rows x classes (row-major); returns rows x classes. */
  plain(z: Float64Array, rows: number, classes: number): Float64Array;
  /** Levels one encrypted evaluation consumes (before refreshes). */
  depth(layout: SoftmaxLayout): number;
  /** Rotation steps the encrypted evaluation uses. */
  rotationSteps(layout: SoftmaxLayout): number[];
  /** The encrypted evaluation on one block; refreshes where levels run out (counted by the backend). */
  encrypted(ev: Evaluator, rf: Refresher, z: Ct, layout: SoftmaxLayout): Ct;
  /** Whether `encrypted` exists (e.g. exact-exp is plain-only). */
  readonly encryptable: boolean;
}
