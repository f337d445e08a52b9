/**
 * RowMajor (Crockett 2020), the paper's Aᵀ·B baseline, on s0 x s1 blocks: for each output row k,
 * keep column k of A (CMult; A is in 'cols-repeated' as the reference code tiles it), shift it to
 * column 0 and copy it across each row (log s1 rotations), multiply with X, sum each column over
 * all rows (log s0 rotations, exact in every row) and keep row k (CMult).
 * The result G (c x b) is in 'blocks' (row k of the block row holds G[k]).
 *
 * Counts with A = ceil(a/s0), B = ceil(b/s1): Mult c·A·B, Rot c(B·log2 s0 + A(log2 s1 + 1)) - A
 * (Table 6 and 7 exactly), CMult c(A + B). Table 6 writes c·A·B + c: equal for the paper's
 * shapes (A = 1); for A > 1 a column of A is masked once per block row of A and a row of the
 * result once per output block, which is c(A + B) (the reference code only handles A = 1).
 * Levels: A 3 (mask, product, mask), X 2.
 */
import type { Ct } from '../ckks/types';
import type { MatmulAlgorithm } from '../interface';
import { MaskSet } from '../matrix/masks';
import { decryptMatrix, encryptMatrix, layoutSpec } from '../matrix/pack';
import { blockPlan, checkDepth } from '../matrix/plan';
import { accumulate, columnSums, dotProducts, powerSteps, spreadFirstColumn } from '../matrix/sums';
import { type BlockMatrix, levelOf } from '../matrix/types';
import { blockCounts, blockDeviations, table7Column } from './paper';
import { plainAtb } from './plain';

/** The operands: A (a x c) in 'cols-repeated', X (a x b) in blocks. */
export interface RowMajorOperands {
  readonly A: BlockMatrix;
  readonly X: BlockMatrix;
}

/** RowMajor as a benchmarkable algorithm. */
export const rowMajorAlgorithm: MatmulAlgorithm<RowMajorOperands, BlockMatrix, 'rowmajor'> = {
  id: 'rowmajor',
  family: 'atb',
  name: 'RowMajor',
  title: 'RowMajor: broadcast one column of A per output row (baseline)',
  citation: 'Crockett 2020, as benchmarked in Lee et al., HETAL, ICML 2023, Table 6-7',
  blocked: true,
  baselines: [],
  paper: {
    table6(plan) {
      const { A, B, l0, l1 } = blockCounts(plan);
      const c = plan.shape.c;
      return { cmult: c * A * B + c, mult: c * A * B, rot: c * (B * l0 + A * (l1 + 1)) - A };
    },
    // one mask per block row of A and per output block (the header): only matters for A > 1
    table6Difference(plan) {
      const { A, B } = blockCounts(plan);
      return { cmult: -plan.shape.c * (A - 1) * (B - 1), mult: 0, rot: 0 };
    },
    table7: table7Column([
      [8, 4, 63],
      [24, 16, 191],
      [56, 52, 495],
      [208, 200, 2047],
      [800, 784, 8703],
    ]),
  },
  opCounts(plan) {
    const { A, B, l0, l1 } = blockCounts(plan);
    const c = plan.shape.c;
    return { cmult: c * (A + B), mult: c * A * B, rot: c * (B * l0 + A * (l1 + 1)) - A, conj: 0 };
  },
  // encrypt, 3 levels, shift, broadcast, column sum
  errorOps: (plan) => 1 + 3 + 1 + blockCounts(plan).l1 + blockCounts(plan).l0,
  deviations: blockDeviations,
  plan(shape, be) {
    const plan = blockPlan(shape, be, false);
    checkDepth('rowmajor', plan, 3, be);
    return plan;
  },
  depth: () => 3,
  rotationSteps(plan) {
    const steps = powerSteps(plan.s0).map((s) => s * plan.s1);
    steps.push(...powerSteps(plan.s1).map((s) => -s));
    for (let k = 1; k < plan.shape.c; k++) steps.push(k);
    return steps;
  },
  // A's repeated blocks (and their rotated copies), X's blocks, the outputs and a few temporaries
  peakCiphertexts: ({ shape: { a, b }, s0, s1 }) => 2 * Math.ceil(a / s0) + Math.ceil(a / s0) * Math.ceil(b / s1) + Math.ceil(b / s1) + 4,
  prepare(be, plan, A, B) {
    const { a, b, c } = plan.shape;
    return {
      A: encryptMatrix(be, A, layoutSpec('cols-repeated', a, c, plan.s0, plan.s1, plan.cPad), plan.inputLevels?.a),
      X: encryptMatrix(be, B, layoutSpec('blocks', a, b, plan.s0, plan.s1), plan.inputLevels?.b),
    };
  },
  run(be, plan, { A, X }) {
    const { s0, s1 } = plan;
    const c = plan.shape.c;
    const cts = be.scope(() => {
      const masks = new MaskSet(be, s0, s1);
      const lA = levelOf(A),
        level = Math.min(lA - 1, levelOf(X));
      const blockCols = X.cts[0]!.length;
      const out: (Ct | null)[] = new Array(blockCols).fill(null);
      for (let k = 0; k < c; k++) {
        const col = masks.get(`col${k}`, lA, (_r, j) => (j === k ? 1 : 0));
        const row = masks.get(`row${k}`, level - 1, (r) => (r === k ? 1 : 0));
        const ak = A.cts.map((blk) => {
          let y = be.mulPlain(blk[0]!, col);
          if (k > 0) {
            const moved = be.rotate(y, k);
            be.free(y);
            y = moved;
          }
          return spreadFirstColumn(be, y, s1);
        });
        for (let j = 0; j < blockCols; j++) {
          const g = columnSums(
            be,
            dotProducts(
              be,
              ak,
              X.cts.map((r) => r[j]!),
            ),
            s0,
            s1,
          );
          out[j] = accumulate(be, out[j] ?? null, be.mulPlain(g, row));
          be.free(g);
        }
        for (const y of ak) be.free(y);
      }
      return [out.map((t) => t!)];
    });
    return { rows: c, cols: plan.shape.b, s0, s1, layout: 'blocks', period: 1, cts };
  },
  decode: (be, _plan, out) => decryptMatrix(be, out),
  reference: plainAtb,
};
