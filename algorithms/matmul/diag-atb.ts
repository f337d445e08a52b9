/**
 * DiagATB (HETAL, Lee et al., ICML 2023, Sec. 4.1): G = Aᵀ·X for a small A (a x c, e.g. P - Y)
 * in the softmax layout ('cols-repeated', period p = cPad) and data X (a x b, blocks). The
 * result comes out in the weights layout ('rows-repeated': row r holds G[r mod p]), so that
 * W - lr·G needs no conversion.
 *
 * Diagonal k shifts each row of A left by k within the class period (D_k[t, j] = A[t, (j+k) mod p]),
 * multiplies it with X, sums each column over all rows (exact, log s0 rotations) and masks row
 * r ≡ j + k (mod p) of column j: that is G[(j + k) mod p, j] in its place.
 * A shift within the period costs 2 rotations and 1 CMult (rotate left by k, or right by p - k
 * for the columns where the left rotation would spill into the next row).
 *
 * Complex packing: Q = A + i·(A shifted by p/2) carries diagonals k and k + p/2 in one product.
 * The pair's column sums are the same in every row; the complex mask N_k - i·N_(k+p/2) of the
 * paper (one CMult per pair and output ciphertext, a complex plaintext) puts diagonal k into rows
 * r ≡ j + k and diagonal k + p/2 into rows r ≡ j + k + p/2 of the real part, which is taken once
 * per output ciphertext at the end, T + conj T (twiceRealPart, the 1/2 folded into the mask); the
 * output is marked real.
 *
 * Two forms (Table 6): 'standard' (level A >= level X) shifts Q within the period for each pair
 * (A loses 4 levels, X 2); 'prot-up' (level A < level X, one level of A saved) rotates Q plainly
 * and fixes the spilled columns on X instead (X with the last k columns taken from the next row:
 * 1 CMult + 1 rotation per X block; A and X lose 3 levels each).
 *
 * Counts with A = ceil(a/s0), B = ceil(b/s1), p = cPad, complex packing, standard form:
 *   Mult (p/2)·A·B, CMult (p/2)·(A + B), Rot p·A + (p/2)·B·log2 s0: Table 7 exactly (Table 6's
 *   1 + (p/2)(A + B) - A and 2 + (p/2)(2A + B·log2 s0) - 2A at A = 1). Table 6 writes the
 *   preparation of Q (2 Rot + 1 CMult) once; it is per block row of A (each its own ciphertext),
 *   so for A > 1 this form has 2(A - 1) more Rot and A - 1 more CMult.
 *   Conjugations (apart from Rot, as in the paper's counts): B, to take the real part. The
 *   backends follow an odd rotation of a ciphertext holding imaginary parts with a fix-up
 *   conjugation (seal's imaginary unit is -i in odd slots, ckks/seal.ts); the shift of Q by an
 *   odd k avoids it by taking the conjugated shift (rotateConjugate) and the conjugated mask.
 *   Shared sums (DiagAtbOptions.sharedSums, this project's, not the paper's): the log2(s0/p) steps
 *   across class periods run once per block column on the sum of the placed pairs: Rot
 *   (pairs - 1)·B·log2(s0/p) fewer in every form (MNIST's 1024x769x16 step: 3560 -> 1845).
 * prot-up form: CMult A + (p/2 - 1)·A·B + (p/2)·B, Rot 2A + (p/2 - 1)·(A + A·B) + (p/2)·B·log2 s0.
 * One diagonal per product (no complex slots): standard CMult (p-1)·A + p·B, Rot 2(p-1)·A + p·B·log2 s0;
 *   prot-up CMult (p-1)·A·B + p·B, Rot (p-1)·(A + A·B) + p·B·log2 s0; Mult p·A·B; no conjugation.
 * Levels (output): standard min(lA - 4, lX - 2) (real-only min(lA - 3, lX - 2));
 *   prot-up min(lA, lX) - 3 (real-only min(lA - 2, lX - 3)).
 * Where the key switches run (cheaper at lower levels, ~(l+1)(l+2)): every pair's product at the
 *   lowest level any pair's operands reach (atbProductLevel; X and pair 0 lowered once), the
 *   column sum's log2 p steps within a class period at the product's level - 1, and its
 *   log2(s0/p) steps across periods after the place mask, at the output level: the mask repeats
 *   every p rows, so it commutes with them. Same operations, same counts, as summing first.
 */
import { LevelExhaustedError } from '../ckks/base';
import type { Evaluator, Ct } from '../ckks/types';
import { check } from '../errors';
import type { MatmulAlgorithm, MatmulPlan, MatmulCounts, PaperCounts } from '../interface';
import { MaskSet } from '../matrix/masks';
import { decryptMatrix, encryptMatrix, layoutSpec } from '../matrix/pack';
import { blockPlan, checkDepth } from '../matrix/plan';
import { accumulate, powerSteps, rotateAdd } from '../matrix/sums';
import { type BlockMatrix, levelOf } from '../matrix/types';
import { pairsDiagonals } from './diag-abt';
import { blockCounts, blockDeviations, diagonalDeviations, table7Column } from './paper';
import type { Parallel } from '../parallel/protocol';
import { fromWire, splitRange, toWire } from '../parallel/wire';
import { plainAtb } from './plain';

/** The two forms of Table 6. */
export type DiagAtbVariant = 'standard' | 'prot-up';

/** This implementation's counts of one call in either form (the header's formulas). */
export function diagAtbCounts(plan: MatmulPlan, variant: DiagAtbVariant): MatmulCounts {
  const counts = perPairCounts(plan, variant);
  if (!plan.sharedSums) return counts;
  // shared sums: the log2(s0/p) steps across class periods once per block column, not once per pair
  const { B } = blockCounts(plan);
  const pairs = plan.complexPacking ? plan.cPad / 2 : plan.cPad;
  return { ...counts, rot: counts.rot - (pairs - 1) * B * acrossSteps(plan.s0, plan.cPad) };
}

/** The column sum's rotation steps across class periods: log2(s0 / p). */
function acrossSteps(s0: number, p: number): number {
  return Math.max(0, Math.log2(s0 / p));
}

/** The counts with every pair's column sum rotated on its own (the paper's algorithm). */
function perPairCounts(plan: MatmulPlan, variant: DiagAtbVariant): MatmulCounts {
  const { A, B, l0 } = blockCounts(plan);
  const p = plan.cPad;
  if (plan.complexPacking && variant === 'standard')
    return { cmult: (p / 2) * (A + B), mult: (p / 2) * A * B, rot: p * A + (p / 2) * B * l0, conj: B };
  if (plan.complexPacking)
    return {
      cmult: A + (p / 2 - 1) * A * B + (p / 2) * B,
      mult: (p / 2) * A * B,
      rot: 2 * A + (p / 2 - 1) * (A + A * B) + (p / 2) * B * l0,
      conj: B,
    };
  if (variant === 'standard') return { cmult: (p - 1) * A + p * B, mult: p * A * B, rot: 2 * (p - 1) * A + p * B * l0, conj: 0 };
  return { cmult: (p - 1) * A * B + p * B, mult: p * A * B, rot: (p - 1) * (A + A * B) + p * B * l0, conj: 0 };
}

/** Table 6 (corrected) for DiagATB in either form, on the padded class count. */
export function diagAtbTable6(plan: Pick<MatmulPlan, 'shape' | 's0' | 's1' | 'cPad'>, variant: DiagAtbVariant): PaperCounts {
  const { A, B, l0 } = blockCounts(plan);
  const p = plan.cPad;
  return variant === 'standard'
    ? { cmult: 1 + (p / 2) * (A + B) - A, mult: (p / 2) * A * B, rot: 2 + (p / 2) * (2 * A + l0 * B) - 2 * A }
    : { cmult: 1 + (p / 2) * (A * B + B) - A * B, mult: (p / 2) * A * B, rot: 2 + (p / 2) * (A + A * B + l0 * B) - A - A * B };
}

/** The paper's choice: 'prot-up' when A has fewer levels left than X. */
export function diagAtbVariant(levelA: number, levelX: number): DiagAtbVariant {
  return levelA < levelX ? 'prot-up' : 'standard';
}

/** The level of diagAtb's output for inputs at levels lA, lX. */
export function diagAtbOutputLevel(levelA: number, levelX: number, variant: DiagAtbVariant, complex: boolean): number {
  if (variant === 'standard') return Math.min(levelA - (complex ? 4 : 3), levelX - 2);
  return complex ? Math.min(levelA, levelX) - 3 : Math.min(levelA - 2, levelX - 3);
}

/** The rotation steps diagAtb uses (both forms) on s0 x s1 blocks with class period p. */
export function diagAtbSteps(s0: number, s1: number, p: number, complex: boolean): number[] {
  const steps: number[] = [];
  const diagonals = complex ? p / 2 : p;
  for (let k = 1; k < diagonals; k++) steps.push(k, k - p);
  if (complex) steps.push(p / 2, -p / 2);
  steps.push(s1); // prot-up: the next row
  for (const s of powerSteps(s0)) steps.push(s * s1);
  return steps;
}

/** What DiagATB's units of work need to know (plain data: it travels to worker threads). */
export interface AtbGeometry {
  readonly s0: number;
  readonly s1: number;
  /** class period */
  readonly p: number;
  /** two diagonals per product */
  readonly complex: boolean;
  readonly variant: DiagAtbVariant;
  /** the level every pair's product runs at (atbProductLevel) */
  readonly productLevel: number;
  /** the column sums' rotations across class periods run once, on the sum of the pairs (diagAtb's opts) */
  readonly sharedSums: boolean;
}

/**
 * The level all of diagAtb's products run at: the lowest any pair's operands reach (a shifted
 * A_k, or in the prot-up form X with its tail fixed). Pair 0's operands have a level more (A
 * unshifted, or X unfixed); dropping them too costs nothing (a modulus drop) and makes that
 * pair's column-sum rotations as cheap as the others'; the output level stays the same.
 */
export function atbProductLevel(levelA: number, levelX: number, variant: DiagAtbVariant, complex: boolean, p: number): number {
  const shifted = (complex ? p / 2 : p) > 1; // pairs besides pair 0
  // A_k: complex packing makes Q (one mask level), the standard form shifts it (one more)
  const a = levelA - (complex ? 1 : 0) - (variant === 'standard' && shifted ? 1 : 0);
  // X: the prot-up form fixes its tail for the shifted pairs (one mask level)
  const x = levelX - (variant === 'prot-up' && shifted ? 1 : 0);
  return Math.min(a, x);
}

/** Checks the operands and fixes the geometry of G = Aᵀ·X. */
function atbGeometry(be: Evaluator, A: BlockMatrix, X: BlockMatrix, opts: DiagAtbOptions): AtbGeometry {
  check(
    A.layout === 'cols-repeated' && X.layout === 'blocks',
    `diagAtb: A must be 'cols-repeated' and X 'blocks' (got ${A.layout}, ${X.layout})`,
  );
  check(
    A.s0 === X.s0 && A.s1 === X.s1 && A.rows === X.rows,
    `diagAtb: A (${A.rows} x ${A.cols}, ${A.s0} x ${A.s1} blocks) and X (${X.rows} x ${X.cols}, ${X.s0} x ${X.s1}) do not match`,
  );
  const { s0, s1 } = X;
  const p = A.period;
  check(s0 % p === 0, `diagAtb: the class period ${p} must divide s0 = ${s0}`);
  const complex = opts.complex ?? pairsDiagonals(be, p);
  check(!complex || pairsDiagonals(be, p), 'diagAtb: complex packing needs a backend with complex slots and a period >= 2');
  const lA = levelOf(A),
    lX = levelOf(X);
  const variant = opts.variant ?? diagAtbVariant(lA, lX);
  if (diagAtbOutputLevel(lA, lX, variant, complex) < 0) {
    throw new LevelExhaustedError(`diagAtb (${variant}) cannot run on A at level ${lA} and X at level ${lX}; refresh them first`);
  }
  return { s0, s1, p, complex, variant, productLevel: atbProductLevel(lA, lX, variant, complex, p), sharedSums: opts.sharedSums ?? false };
}

/**
 * Left shift by d within the period: rotate left by d where that stays in the row, else right by
 * p - d. `conjugated`: the conjugate of that (rotateConjugate, no fix-up for odd d on seal).
 */
function shiftInPeriod(be: Evaluator, masks: MaskSet, g: AtbGeometry, y: Ct, d: number, conjugated = false): Ct {
  const stay = masks.get(`stay${d}@${y.level}`, y.level, (_r, c) => (c < g.s1 - d ? 1 : 0));
  const rot = (x: Ct, k: number) => (conjugated ? be.rotateConjugate(x, k) : be.rotate(x, k));
  const left = rot(y, d),
    right = rot(y, d - g.p);
  const diff = be.sub(left, right);
  be.free(left);
  const kept = be.mulPlain(diff, stay);
  be.free(diff);
  be.addInPlace(kept, right);
  be.free(right);
  return kept;
}

/** X with its last k columns taken from the next row (prot-up: pairs with A rotated plainly by k). */
function nextRowTail(be: Evaluator, masks: MaskSet, g: AtbGeometry, x: Ct, k: number): Ct {
  const tail = be.mulPlain(
    x,
    masks.get(`tail${k}@${x.level}`, x.level, (_r, c) => (c >= g.s1 - k ? 1 : 0)),
  );
  const up = be.rotate(tail, g.s1);
  const fixed = be.sub(x, tail);
  be.free(tail);
  be.addInPlace(fixed, up);
  be.free(up);
  return fixed;
}

/** Whether diagonal pair k's shift of Q is taken conjugated (odd k with complex packing: no fix-up conjugation on seal). */
function conjugatedPair(g: AtbGeometry, k: number): boolean {
  return g.complex && k % 2 === 1;
}

/** A's side, shared by every block column: A_k (one ciphertext per block row) for each diagonal pair k, as [k][i]. */
function atbShiftedA(be: Evaluator, masks: MaskSet, g: AtbGeometry, aBlocks: readonly Ct[]): Ct[][] {
  const half = g.p / 2;
  const base = g.complex
    ? aBlocks.map((a) => {
        const partner = shiftInPeriod(be, masks, g, a, half);
        const ip = be.mulI(partner);
        be.free(partner);
        const q = be.add(a, ip);
        be.free(ip);
        return q;
      })
    : [...aBlocks];
  const out: Ct[][] = [];
  for (let k = 0; k < (g.complex ? half : g.p); k++) {
    const conjugated = conjugatedPair(g, k);
    // pair 0 at the level of the others' products (atbProductLevel)
    if (k === 0) out.push(base.map((q) => (q.level > g.productLevel ? be.dropTo(q, g.productLevel) : q)));
    else if (g.variant === 'standard') out.push(base.map((q) => shiftInPeriod(be, masks, g, q, k, conjugated)));
    else out.push(base.map((q) => (conjugated ? be.rotateConjugate(q, k) : be.rotate(q, k))));
  }
  return out;
}

/**
 * One block column of G (independent of the others: the unit worker threads split): for each
 * pair k, the product of A_k with the column's X blocks (x[i], one per block row), its column
 * sums and the placing mask, accumulated; then the real part.
 */
export function atbColumn(be: Evaluator, masks: MaskSet, g: AtbGeometry, aks: readonly (readonly Ct[])[], x: readonly Ct[]): Ct {
  const { s0, s1, p, complex, productLevel } = g;
  const half = p / 2;
  // X lowered once, not per pair: to the products' level, or (prot-up) one above for the tail fixes
  const drop = (cts: readonly Ct[], level: number) => cts.map((c) => (c.level > level ? be.dropTo(c, level) : c));
  const x0 = drop(x, productLevel);
  const xTail = g.variant === 'prot-up' && aks.length > 1 ? drop(x, productLevel + 1) : x0;
  // The column sum's steps split at the class period: the place mask (periodic in rows with
  // period p) commutes with rotations by multiples of p rows, so those run after the mask, a
  // level lower (cheaper key switches); the same rotations and masks as summing first.
  const steps = powerSteps(s0).map((r) => r * s1);
  const within = steps.filter((st) => st < p * s1);
  const across = steps.filter((st) => st >= p * s1);
  let acc: Ct | null = null;
  aks.forEach((ak, k) => {
    const xk = k > 0 && g.variant === 'prot-up' ? xTail.map((xi) => nextRowTail(be, masks, g, xi, k)) : x0;
    const c = rotateAdd(be, be.dot(ak, xk), within);
    // diagonal k into rows r ≡ col + k; with complex packing, - i·(diagonal k + p/2's rows). An
    // odd shift of Q was taken conjugated: its place mask then carries +i instead of -i, as
    // conj(T)·conj(m) has the real part of T·m.
    const conjugated = conjugatedPair(g, k);
    const place = masks.get(
      `place${k}@${c.level}`,
      c.level,
      (r, col) => (r % p === (col + k) % p ? (complex ? 0.5 : 1) : 0),
      complex ? (r, col) => (r % p === (col + k + half) % p ? (conjugated ? 0.5 : -0.5) : 0) : undefined,
    );
    const placed = be.mulPlain(c, place);
    acc = accumulate(be, acc, g.sharedSums ? placed : rotateAdd(be, placed, across));
    be.free(c);
    if (xk !== x0) for (const t of xk) be.free(t);
  });
  for (const t of new Set([...x0, ...xTail])) if (!x.includes(t)) be.free(t);
  // shared sums: the steps across periods are linear and the same for every pair, so they run once on the sum
  const summed = g.sharedSums ? rotateAdd(be, acc!, across) : acc!;
  return complex ? be.twiceRealPart(summed) : summed;
}

/** How diagAtb runs (absent: the form the levels pick, complex packing where possible, per-pair sums). */
export interface DiagAtbOptions {
  readonly variant?: DiagAtbVariant;
  readonly complex?: boolean;
  /**
   * Run the column sums' log2(s0/p) rotations across class periods once per block column, on the
   * sum of the placed pairs, instead of once per pair (the paper's algorithm): the place masks
   * repeat every p rows, so they commute with those rotations, and the rotations are linear.
   * Same result; (pairs - 1)·B·log2(s0/p) fewer rotations.
   */
  readonly sharedSums?: boolean;
}

/** The result matrix of G = Aᵀ·X. */
function atbResult(A: BlockMatrix, X: BlockMatrix, cts: Ct[]): BlockMatrix {
  return { rows: A.cols, cols: X.cols, s0: X.s0, s1: X.s1, layout: 'rows-repeated', period: A.period, cts: [cts] };
}

/**
 * G = Aᵀ·X: A (a x c) in 'cols-repeated' (the softmax layout), X (a x b) in 'blocks' on the same
 * blocks; G (c x b) in 'rows-repeated'. The form follows the levels (diagAtbVariant) unless
 * given; see diagAtbOutputLevel for the levels it needs and leaves.
 */
export function diagAtb(be: Evaluator, A: BlockMatrix, X: BlockMatrix, opts: DiagAtbOptions = {}): BlockMatrix {
  const g = atbGeometry(be, A, X, opts);
  const out = be.scope(() => {
    const masks = new MaskSet(be, g.s0, g.s1);
    const aks = atbShiftedA(
      be,
      masks,
      g,
      A.cts.map((row) => row[0]!),
    );
    return X.cts[0]!.map((_, j) =>
      atbColumn(
        be,
        masks,
        g,
        aks,
        X.cts.map((row) => row[j]!),
      ),
    );
  });
  return atbResult(A, X, out);
}

/**
 * diagAtb with the block columns on worker threads: A's shifts are made here once and sent with
 * each worker's contiguous range of X's block columns; each worker returns its columns of G
 * (each output made by the same operations as in diagAtb: bit-identical, counted alike). One
 * worker or one block column: diagAtb itself.
 */
export async function diagAtbParallel(
  be: Evaluator,
  A: BlockMatrix,
  X: BlockMatrix,
  pool: Parallel | null,
  opts: DiagAtbOptions = {},
): Promise<BlockMatrix> {
  const blockCols = X.cts[0]!.length;
  if (!pool || pool.workers <= 1 || blockCols < 2) return diagAtb(be, A, X, opts);
  const g = atbGeometry(be, A, X, opts);
  const a = be.scope(() => {
    const aks = atbShiftedA(
      be,
      new MaskSet(be, g.s0, g.s1),
      g,
      A.cts.map((row) => row[0]!),
    );
    return aks.map((row) => row.map((ct) => toWire(be, ct)));
  });
  const replies = await Promise.all(
    splitRange(blockCols, pool.workers).map((cols) =>
      pool.run({ kind: 'atb-columns', a, x: X.cts.map((row) => cols.map((j) => toWire(be, row[j]!))), geometry: g }),
    ),
  );
  return atbResult(
    A,
    X,
    replies.flat().map((w) => fromWire(be, w)),
  );
}

/** The operands of the benchmark: A (a x c) in the softmax layout, X (a x b) in blocks. */
export interface AtbOperands {
  readonly A: BlockMatrix;
  readonly X: BlockMatrix;
}

/** DiagATB as a benchmarkable algorithm (fresh inputs: the standard form). */
export const diagAtbAlgorithm: MatmulAlgorithm<AtbOperands, BlockMatrix, 'diag-atb'> = {
  id: 'diag-atb',
  family: 'atb',
  name: 'DiagATB',
  title: 'DiagATB: generalized diagonals of the class dimension (two per product with complex slots)',
  citation: 'Lee et al., HETAL, ICML 2023, Sec. 4.1; counts Table 6-7 (level(A) >= level(B) row)',
  blocked: true,
  baselines: ['rowmajor', 'jin-atb'],
  paper: {
    table6: (plan) => diagAtbTable6(plan, 'standard'),
    table6Difference(plan) {
      const { A, B, l0 } = blockCounts(plan);
      const p = plan.cPad;
      // shared sums: the rotations across periods once per block column (DiagAtbOptions)
      const shared = plan.sharedSums ? ((plan.complexPacking ? p / 2 : p) - 1) * B * acrossSteps(plan.s0, p) : 0;
      // Q is prepared per block row (the header)
      if (plan.complexPacking) return { cmult: A - 1, mult: 0, rot: 2 * (A - 1) - shared };
      // one diagonal per product: twice the products, masks and shifts
      return { cmult: (p / 2) * (A + B) - 1, mult: (p / 2) * A * B, rot: p * A + (p / 2) * B * l0 - 2 - shared };
    },
    table7: table7Column([
      [4, 2, 18],
      [12, 8, 72],
      [28, 26, 238],
      [104, 100, 1008],
      [400, 392, 4328],
    ]),
  },
  opCounts: (plan) => diagAtbCounts(plan, 'standard'),
  // encrypt, 4 levels, two shifts, column sum, conjugation
  errorOps: (plan) => 1 + 4 + 4 + blockCounts(plan).l0 + 1,
  deviations: (plan) => [
    ...diagonalDeviations(plan),
    ...blockDeviations(plan),
    ...(plan.sharedSums && acrossSteps(plan.s0, plan.cPad) > 0
      ? [
          '--atb-sums shared: the column sums rotate across class periods once per block column, not once per diagonal pair (fewer Rot than Table 6/7)',
        ]
      : []),
  ],
  plan(shape, be) {
    const plan = blockPlan(shape, be, false);
    const withPacking = { ...plan, complexPacking: pairsDiagonals(be, plan.cPad) };
    checkDepth('diag-atb', withPacking, withPacking.complexPacking ? 4 : 3, be);
    return withPacking;
  },
  depth: (plan) => (plan.complexPacking ? 4 : 3),
  // the standard form (A at or above X): A loses 4 levels (3 real-only), X 2
  minInputLevels: (plan) => ({ a: plan.complexPacking ? 4 : 3, b: 2 }),
  rotationSteps: (plan) => diagAtbSteps(plan.s0, plan.s1, plan.cPad, plan.complexPacking),
  // A's repeated blocks, X's blocks and one rotated copy of them, the outputs and a few temporaries
  peakCiphertexts: ({ shape: { a, b }, s0, s1 }) => Math.ceil(a / s0) + 2 * Math.ceil(a / s0) * Math.ceil(b / s1) + Math.ceil(b / s1) + 4,
  prepare(be, plan, A, B) {
    const { a, b, c } = plan.shape;
    return {
      A: encryptMatrix(be, A, layoutSpec('cols-repeated', a, c, plan.s0, plan.s1, plan.cPad), plan.inputLevels?.a),
      X: encryptMatrix(be, B, layoutSpec('blocks', a, b, plan.s0, plan.s1), plan.inputLevels?.b),
    };
  },
  run: (be, plan, { A, X }) => diagAtb(be, A, X, { complex: plan.complexPacking, sharedSums: plan.sharedSums }),
  runParallel: (be, plan, { A, X }, pool) => diagAtbParallel(be, A, X, pool, { complex: plan.complexPacking, sharedSums: plan.sharedSums }),
  decode: (be, _plan, out) => decryptMatrix(be, out),
  reference: plainAtb,
};
