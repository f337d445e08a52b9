/**
 * The one interface: every matmul algorithm and every softmax approximation is one file
 * exporting one object of these types, listed in its family's registry. The harness times
 * `prepare` (encode + encrypt), `run` (the encrypted computation) and `decode` separately and
 * checks the result against `reference`.
 */
import type { Client, Ct, Evaluator, Params, Refresher } from './ckks/types';

/** A dense row-major matrix of float64. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** rows * cols values, row-major */
  readonly data: Float64Array;
}

/** What every algorithm says about itself. */
export interface AlgorithmInfo {
  /** CLI id, e.g. `diag-abt`, `hetal`. */
  readonly id: string;
  readonly family: 'abt' | 'atb' | 'softmax';
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
}

/** An encrypted matrix multiplication. `Inputs` and `Output` are the algorithm's own layouts. */
export interface MatmulAlgorithm<Inputs = unknown, Output = unknown> extends AlgorithmInfo {
  readonly family: 'abt' | 'atb';
  /** Lays out a shape on a backend, or throws an InputError saying why it does not fit. */
  plan(shape: MatmulShape, params: Pick<Params, 'slots' | 'maxLevel' | 'supportsComplex'>): MatmulPlan;
  /** Levels `run` consumes. */
  depth(plan: MatmulPlan): number;
  /** The least levels of the two operands (A, B in the paper's order) `run` accepts; default: `depth` for both. */
  minInputLevels?(plan: MatmulPlan): { a: number; b: number };
  /** Rotation steps `run` uses, so the backend makes exactly those keys. */
  rotationSteps(plan: MatmulPlan): number[];
  /** Client side, not timed: encodes and encrypts A and B. */
  prepare(client: Client, plan: MatmulPlan, A: Matrix, B: Matrix): Inputs;
  /** Server side, timed: the encrypted product. No caching between calls. */
  run(ev: Evaluator, plan: MatmulPlan, inputs: Inputs): Output;
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
export interface SoftmaxAlgorithm extends AlgorithmInfo {
  readonly family: 'softmax';
  /** Input range [-R, R] it is designed for (documentation; not enforced). */
  readonly designRange: number;
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
