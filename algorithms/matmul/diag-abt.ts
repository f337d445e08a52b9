/**
 * DiagABT (HETAL, Lee et al., ICML 2023, Sec. 4.1): Z = X·Wᵀ for a data matrix X (a x b, blocks)
 * and replicated weights W (c x b, 'rows-repeated' with period cPad), over the generalized
 * diagonals of the class dimension. Diagonal k shifts W up by k rows (an exact cyclic rotation
 * by k*s1, rows repeat with period cPad), multiplies it slot-wise with X, sums each row and
 * masks the sum into the class columns: row r gets class (r + k) mod cPad. The result is in the
 * softmax layout (interface.ts SoftmaxLayout): row r's logits repeated across the row, period cPad.
 *
 * A row sum is exact only in column 0 (a rotation spills into the next row), so each row sum is
 * summed into column 0 (log s1 rotations), kept by a mask (CMult), copied back across the row
 * (log s1 rotations) and masked into the class columns (CMult).
 *
 * Complex packing (two diagonals per product): W' = W + i·(W shifted up by cPad/2 rows) makes one
 * product give diagonal k in the real part and k + cPad/2 in the imaginary part. The class mask
 * for the pair is the complex plaintext M_k - i·M_(k+cPad/2) (one CMult, as in the paper), so that
 * the real part of the accumulated sum is the answer; it is taken once per block row at the end,
 * T + conj T (twiceRealPart: one conjugation per accumulated sum, not per product; the 1/2 is
 * folded into the column-0 mask), and the output is marked real.
 *
 * Counts with A = ceil(a/s0), B = ceil(b/s1), p = cPad, complex packing:
 *   Mult (p/2)·A·B, Rot (p/2)·B + p·A·log2 s1, CMult p·A: Table 7 exactly (A = 1). Table 6
 *   writes CMult = c for any A; a block row is its own ciphertext and needs its own masks, so it
 *   is c·A here for A > 1 (the paper's shapes all have A = 1).
 *   Conjugations (apart from Rot, as the paper's counts equal Table 7 only without them): A to
 *   take the real part, plus (p/2)·A fix-ups: seal's imaginary unit is -i in odd slots, so the
 *   backends follow each odd rotation of a ciphertext holding imaginary parts with a conjugation
 *   (ckks/seal.ts). The copy across the row avoids it (its step -1 is a rotateConjugate, and the
 *   class mask is conjugated in odd columns); the row sum's step 1 cannot: it adds neighbouring
 *   slots, which must both be plain or both conjugated for the sum to hold the two diagonals'
 *   row sums, so one conjugation per pair and block row remains, a cost of SEAL's slot order
 *   that HEaaN does not have. The output is real (marked so): later odd rotations of it pay no
 *   fix-up.
 *   Signed form (diagAbtSigned: W a level above X, as training refreshes it): W's partner is
 *   multiplied by σ = ±1 by column parity first, the row sum's step 1 is a rotateConjugate, and
 *   no fix-up remains: CMult p·A + B, conj A; the rest as above.
 * One diagonal per product (a backend without complex slots): Mult p·A·B,
 *   Rot (p-1)·B + 2p·A·log2 s1, CMult 2p·A, no conjugation.
 * Levels: 3 (product, column-0 mask, class mask): the output is at min(level X, level W) - 3
 * (signed form: min(level X, level W - 1) - 3).
 */
import { LevelExhaustedError } from '../ckks/base';
import type { Evaluator, Ct } from '../ckks/types';
import { check } from '../errors';
import type { MatmulAlgorithm, MatmulPlan } from '../interface';
import { MaskSet } from '../matrix/masks';
import { decryptMatrix, encryptMatrix, layoutSpec } from '../matrix/pack';
import { blockPlan, checkDepth } from '../matrix/plan';
import {
  accumulate,
  powerSteps,
  rowSumsToFirstColumn,
  rowSumsToFirstColumnConjugatingOdd,
  spreadFirstColumn,
  spreadFirstColumnConjugatingOdd,
} from '../matrix/sums';
import { type BlockMatrix, levelOf } from '../matrix/types';
import { blockCounts, blockDeviations, diagonalDeviations, table7Column } from './paper';
import type { Parallel } from '../parallel/protocol';
import { fromWire, splitRange, toWire } from '../parallel/wire';
import { plainAbt } from './plain';

/** Levels diagAbt consumes. */
export const DIAG_ABT_DEPTH = 3;

/** Whether two diagonals share one product on this backend for this period. */
export function pairsDiagonals(be: Pick<Evaluator, 'supportsComplex'>, period: number): boolean {
  return be.supportsComplex && period >= 2;
}

/** The rotation steps diagAbt uses on s0 x s1 blocks with class period p. */
export function diagAbtSteps(s1: number, p: number, complex: boolean): number[] {
  const steps: number[] = [];
  const diagonals = complex ? p / 2 : p;
  for (let k = 1; k < diagonals; k++) steps.push(k * s1);
  if (complex) steps.push((p / 2) * s1);
  for (const s of powerSteps(s1)) steps.push(s, -s);
  return steps;
}

/** What DiagABT's units of work need to know (plain data: it travels to worker threads). */
export interface AbtGeometry {
  readonly s0: number;
  readonly s1: number;
  /** class period */
  readonly p: number;
  /** two diagonals per product */
  readonly complex: boolean;
  /** the signed form (diagAbtSigned): the partner's odd columns negated, no row-sum fix-up */
  readonly signed: boolean;
  /** the products' level: min(level X, level W), or min(level X, level W - 1) in the signed form */
  readonly level: number;
}

/**
 * Whether diagAbt takes its signed form: with complex packing, rows of more than one column and
 * W a level above X (so the form costs X nothing). The partner W shifted by p/2 rows is
 * multiplied by σ (+1 in even columns, -1 in odd ones) before i·(it) joins W; each product's
 * imaginary part then carries σ, and the row sum's odd step, taken conjugated (rotateConjugate,
 * which on seal is the bare rotation of a complex ciphertext), adds neighbouring columns'
 * imaginary parts with equal signs: the same column 0 as the plain form's, without its
 * (p/2)·A fix-up conjugations, for B CMult and one level of W.
 */
export function diagAbtSigned(levelX: number, levelW: number, complex: boolean, s1: number): boolean {
  return complex && s1 > 1 && levelW > levelX;
}

/** Checks the operands and fixes the geometry of Z = X·Wᵀ. */
function abtGeometry(be: Evaluator, X: BlockMatrix, W: BlockMatrix, opts: { complex?: boolean }): AbtGeometry {
  check(
    X.layout === 'blocks' && W.layout === 'rows-repeated',
    `diagAbt: X must be 'blocks' and W 'rows-repeated' (got ${X.layout}, ${W.layout})`,
  );
  check(
    X.s0 === W.s0 && X.s1 === W.s1 && X.cols === W.cols,
    `diagAbt: X (${X.rows} x ${X.cols}, ${X.s0} x ${X.s1} blocks) and W (${W.rows} x ${W.cols}, ${W.s0} x ${W.s1}) do not match`,
  );
  const { s0, s1 } = X;
  const p = W.period;
  check(s1 % p === 0, `diagAbt: the class period ${p} must divide s1 = ${s1}`);
  const complex = opts.complex ?? pairsDiagonals(be, p);
  check(!complex || pairsDiagonals(be, p), 'diagAbt: complex packing needs a backend with complex slots and a period >= 2');
  const signed = diagAbtSigned(levelOf(X), levelOf(W), complex, s1);
  const level = Math.min(levelOf(X), levelOf(W) - (signed ? 1 : 0));
  if (level < DIAG_ABT_DEPTH)
    throw new LevelExhaustedError(`diagAbt needs inputs at level >= ${DIAG_ABT_DEPTH}, got ${level}; refresh them first`);
  return { s0, s1, p, complex, signed, level };
}

/**
 * The products, split by block columns (the bulk of the work, independent per column): for the
 * block columns given (x[i][j'] and w[j'] of the same columns), the unfinished sums
 * Σ_j' X[i][j']·W_k[j'] of every diagonal pair k and block row i, as [k][i] (`dotPartial`: with
 * lazy relinearization, size-3 sums that add exactly to the other columns' sums).
 */
export function abtColumnSums(be: Evaluator, x: readonly (readonly Ct[])[], w: readonly Ct[], g: AbtGeometry): Ct[][] {
  const half = g.p / 2;
  // the signed form's σ (diagAbtSigned), at W's level
  const sigma = g.signed ? new MaskSet(be, g.s0, g.s1).get('sigma', w[0]!.level, (_r, c) => (c % 2 === 0 ? 1 : -1)) : null;
  // Pair 0's weights W + i·(W up by p/2 rows) (signed: + i·σ·(...)); without complex slots, W itself.
  const base = g.complex
    ? w.map((wj) => {
        let up = be.rotate(wj, half * g.s1);
        if (sigma) {
          const signed = be.mulPlain(up, sigma);
          be.free(up);
          up = signed;
        }
        const iup = be.mulI(up);
        be.free(up);
        const at = wj.level > g.level ? be.dropTo(wj, g.level) : wj;
        const sum = be.add(at, iup);
        be.free(iup);
        if (at !== wj) be.free(at);
        return sum;
      })
    : w;
  const sums: Ct[][] = [];
  for (let k = 0; k < (g.complex ? half : g.p); k++) {
    const wk = k === 0 ? base : base.map((b) => be.rotate(b, k * g.s1));
    sums.push(x.map((row) => be.dotPartial(row, wk)));
    if (k > 0) for (const t of wk) be.free(t);
  }
  if (g.complex) for (const b of base) be.free(b);
  return sums;
}

/**
 * Pair k's term of one block row (independent per pair and block row): its sum finished (one
 * relinearization and rescale), summed along its rows into column 0, copied across the row and
 * masked into the class columns.
 */
export function abtPairTerm(be: Evaluator, masks: MaskSet, g: AbtGeometry, k: number, sum: Ct): Ct {
  const { s1, p, complex, level } = g;
  const half = p / 2;
  // column 0 after the row sum; the 1/2 of (T + conj T)/2 folded in
  const first = masks.get('first', level - 1, (_r, c) => (c === 0 ? (complex ? 0.5 : 1) : 0));
  // diagonal k in the real part; with complex packing, - i·(diagonal k + p/2's mask), conjugated
  // in odd columns, whose copies the spread conjugates
  const classMask = masks.get(
    `class${k}`,
    level - 2,
    (r, c) => (c % p === (r + k) % p ? 1 : 0),
    complex ? (r, c) => (c % p === (r + k + half) % p ? (c % 2 === 0 ? -1 : 1) : 0) : undefined,
  );
  const z = (g.signed ? rowSumsToFirstColumnConjugatingOdd : rowSumsToFirstColumn)(be, be.finishDot(sum), s1);
  const spread = (complex ? spreadFirstColumnConjugatingOdd : spreadFirstColumn)(be, be.mulPlain(z, first), s1);
  be.free(z);
  const term = be.mulPlain(spread, classMask);
  be.free(spread);
  return term;
}

/** The pairs' terms [k][i] accumulated per block row in pair order, then the real part: one ciphertext per block row. */
function abtCombine(be: Evaluator, terms: readonly (readonly Ct[])[], g: AbtGeometry): Ct[][] {
  const acc: (Ct | null)[] = new Array(terms[0]!.length).fill(null);
  for (const row of terms) row.forEach((t, i) => (acc[i] = accumulate(be, acc[i] ?? null, t)));
  return acc.map((t) => [g.complex ? be.twiceRealPart(t!) : t!]);
}

/** The rest on this thread: every pair's term of every block row, combined. */
function abtFinish(be: Evaluator, sums: readonly (readonly Ct[])[], g: AbtGeometry): Ct[][] {
  const masks = new MaskSet(be, g.s0, g.s1);
  return abtCombine(
    be,
    sums.map((row, k) => row.map((sum) => abtPairTerm(be, masks, g, k, sum))),
    g,
  );
}

/** The result matrix of Z = X·Wᵀ. */
function abtResult(X: BlockMatrix, W: BlockMatrix, cts: Ct[][]): BlockMatrix {
  return { rows: X.rows, cols: W.rows, s0: X.s0, s1: X.s1, layout: 'cols-repeated', period: W.period, cts };
}

/**
 * Z = X·Wᵀ, X in 'blocks' and W in 'rows-repeated' on the same s0 x s1 blocks; the result
 * (X.rows x W.rows) in 'cols-repeated', the softmax layout. Needs min(level X, level W) >= 3;
 * the result is 3 levels lower. Uses complex packing where the backend has complex slots.
 */
export function diagAbt(be: Evaluator, X: BlockMatrix, W: BlockMatrix, opts: { complex?: boolean } = {}): BlockMatrix {
  const g = abtGeometry(be, X, W, opts);
  const out = be.scope(() => abtFinish(be, abtColumnSums(be, X.cts, W.cts[0]!, g), g));
  return abtResult(X, W, out);
}

/**
 * diagAbt on worker threads: each worker takes a contiguous range of block columns and returns
 * its unfinished sums, which add exactly here; then each pair's term of each block row runs on a
 * worker, and the terms are accumulated here in pair order (bit-identical to diagAbt, and counted
 * alike). One worker or one block column: diagAbt itself.
 */
export async function diagAbtParallel(
  be: Evaluator,
  X: BlockMatrix,
  W: BlockMatrix,
  pool: Parallel | null,
  opts: { complex?: boolean } = {},
): Promise<BlockMatrix> {
  const blockCols = W.cts[0]!.length;
  if (!pool || pool.workers <= 1 || blockCols < 2) return diagAbt(be, X, W, opts);
  const g = abtGeometry(be, X, W, opts);
  const replies = await Promise.all(
    splitRange(blockCols, pool.workers).map((cols) =>
      pool.run({
        kind: 'abt-columns',
        x: X.cts.map((row) => cols.map((j) => toWire(be, row[j]!))),
        w: cols.map((j) => toWire(be, W.cts[0]![j]!)),
        geometry: g,
      }),
    ),
  );
  // the columns' sums of each pair and block row, added (exact), as they travel to the terms' workers
  const sums = be.scope(() => {
    const total = replies[0]!.map((row) => row.map((w) => fromWire(be, w)));
    for (const reply of replies.slice(1)) {
      reply.forEach((row, k) =>
        row.forEach((w, i) => {
          const part = fromWire(be, w);
          be.addInPlace(total[k]![i]!, part);
          be.free(part);
        }),
      );
    }
    return total.map((row) => row.map((ct) => toWire(be, ct)));
  });
  // then each pair's term of each block row on a worker (independent units)
  const units = sums.flatMap((row, k) => row.map((sum, i) => ({ k, i, sum })));
  const terms = await Promise.all(units.map((u) => pool.run({ kind: 'abt-term', k: u.k, sum: u.sum, geometry: g })));
  const out = be.scope(() => {
    const byPair = sums.map((row) => row.map(() => null as Ct | null));
    units.forEach((u, n) => (byPair[u.k]![u.i] = fromWire(be, terms[n]!)));
    return abtCombine(
      be,
      byPair.map((row) => row.map((t) => t!)),
      g,
    );
  });
  return abtResult(X, W, out);
}

/** Whether a plan runs the signed form: its inputs' levels decide (diagAbtSigned); fresh inputs at one level do not. */
function planSigned(plan: MatmulPlan): boolean {
  return !!plan.inputLevels && diagAbtSigned(plan.inputLevels.a, plan.inputLevels.b, plan.complexPacking, plan.s1);
}

/** The operands of the benchmark: X (a x b) in blocks, W (c x b) replicated. */
export interface AbtOperands {
  readonly X: BlockMatrix;
  readonly W: BlockMatrix;
}

/** DiagABT as a benchmarkable algorithm. */
export const diagAbtAlgorithm: MatmulAlgorithm<AbtOperands, BlockMatrix, 'diag-abt'> = {
  id: 'diag-abt',
  family: 'abt',
  name: 'DiagABT',
  title: 'DiagABT: generalized diagonals of the class dimension (two per product with complex slots)',
  citation: 'Lee et al., HETAL, ICML 2023, Sec. 4.1; counts Table 6-7',
  blocked: true,
  baselines: ['colmajor', 'jin-abt'],
  paper: {
    // on the padded class count
    table6(plan) {
      const { A, B, l1 } = blockCounts(plan);
      const p = plan.cPad;
      return { cmult: p, mult: (p / 2) * A * B, rot: (p / 2) * (B + 2 * A * l1) };
    },
    table6Difference(plan) {
      const { A, B, l1 } = blockCounts(plan);
      const p = plan.cPad;
      // Table 6's CMult = c ignores the block rows: each needs its own masks (the header); the signed form's σ: B more
      if (plan.complexPacking) return { cmult: p * (A - 1) + (planSigned(plan) ? B : 0), mult: 0, rot: 0 };
      // one diagonal per product: twice the products, a mask per diagonal, no pairing of shifts
      return { cmult: p * (2 * A - 1), mult: (p / 2) * A * B, rot: (p / 2 - 1) * B + p * A * l1 };
    },
    table7: table7Column([
      [4, 2, 34],
      [8, 8, 64],
      [4, 26, 50],
      [8, 100, 140],
      [16, 392, 456],
    ]),
  },
  opCounts(plan) {
    const { A, B, l1 } = blockCounts(plan);
    const p = plan.cPad;
    if (!plan.complexPacking) return { cmult: 2 * p * A, mult: p * A * B, rot: (p - 1) * B + 2 * p * A * l1, conj: 0 };
    if (planSigned(plan)) return { cmult: p * A + B, mult: (p / 2) * A * B, rot: (p / 2) * B + p * A * l1, conj: A };
    return { cmult: p * A, mult: (p / 2) * A * B, rot: (p / 2) * B + p * A * l1, conj: A + (plan.s1 > 1 ? (p / 2) * A : 0) };
  },
  // encrypt, 3 levels (4 signed), B shift, sum and copy, fix-up, conjugation
  errorOps: (plan) => 1 + 3 + (planSigned(plan) ? 1 : 0) + 1 + 2 * blockCounts(plan).l1 + 1 + 1,
  deviations: (plan) => [
    ...(planSigned(plan)
      ? ["signed form (W a level above X): B more CMult than Table 6 (σ on W's partner) and no row-sum conjugations"]
      : plan.complexPacking
        ? [
            "row-sum conjugations: cPad/2 per block row (ops.conj) besides the real part, a cost of SEAL's slot order (X^(N/2) is -i in odd slots; HEaaN needs none)",
          ]
        : []),
    ...diagonalDeviations(plan),
    ...blockDeviations(plan),
  ],
  plan(shape, be) {
    const plan = blockPlan(shape, be, false);
    const withPacking = { ...plan, complexPacking: pairsDiagonals(be, plan.cPad) };
    checkDepth('diag-abt', withPacking, DIAG_ABT_DEPTH, be);
    return withPacking;
  },
  depth: () => DIAG_ABT_DEPTH,
  rotationSteps: (plan) => diagAbtSteps(plan.s1, plan.cPad, plan.complexPacking),
  // X's blocks, W's repeated blocks and their rotated copies, the outputs and a few temporaries
  peakCiphertexts: ({ shape: { a, b }, s0, s1 }) => Math.ceil(a / s0) * Math.ceil(b / s1) + 2 * Math.ceil(b / s1) + Math.ceil(a / s0) + 4,
  prepare(be, plan, A, B) {
    const { a, b, c } = plan.shape;
    return {
      X: encryptMatrix(be, A, layoutSpec('blocks', a, b, plan.s0, plan.s1), plan.inputLevels?.a),
      W: encryptMatrix(be, B, layoutSpec('rows-repeated', c, b, plan.s0, plan.s1, plan.cPad), plan.inputLevels?.b),
    };
  },
  run: (be, plan, { X, W }) => diagAbt(be, X, W, { complex: plan.complexPacking }),
  runParallel: (be, plan, { X, W }, pool) => diagAbtParallel(be, X, W, pool, { complex: plan.complexPacking }),
  decode: (be, _plan, out) => decryptMatrix(be, out),
  reference: plainAbt,
};
