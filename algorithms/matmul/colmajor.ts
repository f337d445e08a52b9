/**
 * ColMajor (Crockett, "A low-depth homomorphic circuit for logistic regression model training",
 * 2020), the paper's A·Bᵀ baseline, on s0 x s1 blocks: for each output column k, keep row k of B
 * (CMult), copy it to every row by column sums (log s0 rotations, exact), multiply with A, sum
 * each row into column 0 (log s1 rotations), keep column 0 (CMult) and shift it right by k.
 * The result Z (a x c) is in 'blocks' (column k of each row holds Z[r, k]).
 *
 * Counts with A = ceil(a/s0), B = ceil(b/s1): Mult c·A·B, Rot c(B·log2 s0 + A(log2 s1 + 1)) - A
 * (Table 6 and 7 exactly), CMult c(B + A). Table 6 writes c(A·B + A): equal for the paper's
 * shapes (A = 1); for A > 1 the reference code masks every copy of B tiled down to a rows, but
 * only one block row of it is used (B has c <= s0 rows), so this masks B's B blocks once.
 * Levels: B 3 (mask, product, mask), A 2.
 */
import type { MatmulAlgorithm } from '../interface';
import { MaskSet } from '../matrix/masks';
import { decryptMatrix, encryptMatrix, layoutSpec } from '../matrix/pack';
import { blockPlan, checkDepth } from '../matrix/plan';
import { accumulate, columnSums, dotProducts, powerSteps, rowSumsToFirstColumn } from '../matrix/sums';
import { type BlockMatrix, levelOf } from '../matrix/types';
import type { Ct } from '../ckks/types';
import { blockCounts, blockDeviations, table7Column } from './paper';
import { plainAbt } from './plain';

/** The operands: A (a x b) and B (c x b), both in blocks. */
export interface ColMajorOperands {
  readonly A: BlockMatrix;
  readonly B: BlockMatrix;
}

/** ColMajor as a benchmarkable algorithm. */
export const colMajorAlgorithm: MatmulAlgorithm<ColMajorOperands, BlockMatrix, 'colmajor'> = {
  id: 'colmajor',
  family: 'abt',
  name: 'ColMajor',
  title: 'ColMajor: broadcast one row of B per output column (baseline)',
  citation: 'Crockett 2020, as benchmarked in Lee et al., HETAL, ICML 2023, Table 6-7',
  blocked: true,
  baselines: [],
  paper: {
    table6(plan) {
      const { A, B, l0, l1 } = blockCounts(plan);
      const c = plan.shape.c;
      return { cmult: c * (A * B + A), mult: c * A * B, rot: c * (B * l0 + A * (l1 + 1)) - A };
    },
    // B is masked once, not once per tiled copy (the header): only matters for A > 1
    table6Difference(plan) {
      const { A, B } = blockCounts(plan);
      return { cmult: -plan.shape.c * B * (A - 1), mult: 0, rot: 0 };
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
    return { cmult: c * (B + A), mult: c * A * B, rot: c * (B * l0 + A * (l1 + 1)) - A, conj: 0 };
  },
  // encrypt, 3 levels, broadcast, row sum, shift
  errorOps: (plan) => 1 + 3 + blockCounts(plan).l0 + blockCounts(plan).l1 + 1,
  deviations: blockDeviations,
  plan(shape, be) {
    const plan = blockPlan(shape, be, false);
    checkDepth('colmajor', plan, 3, be);
    return plan;
  },
  depth: () => 3,
  rotationSteps(plan) {
    const steps = powerSteps(plan.s0).map((s) => s * plan.s1);
    steps.push(...powerSteps(plan.s1));
    for (let k = 1; k < plan.shape.c; k++) steps.push(-k);
    return steps;
  },
  // A's and B's blocks, one row of B's column sums, the outputs and a few temporaries
  peakCiphertexts: ({ shape: { a, b, c }, s0, s1 }) =>
    Math.ceil(a / s0) * Math.ceil(b / s1) + 2 * Math.ceil(c / s0) * Math.ceil(b / s1) + Math.ceil(a / s0) + 4,
  prepare(be, plan, A, B) {
    const { a, b, c } = plan.shape;
    return {
      A: encryptMatrix(be, A, layoutSpec('blocks', a, b, plan.s0, plan.s1), plan.inputLevels?.a),
      B: encryptMatrix(be, B, layoutSpec('blocks', c, b, plan.s0, plan.s1), plan.inputLevels?.b),
    };
  },
  run(be, plan, { A, B }) {
    const { s0, s1 } = plan;
    const c = plan.shape.c;
    const cts = be.scope(() => {
      const masks = new MaskSet(be, s0, s1);
      const lB = levelOf(B),
        level = Math.min(levelOf(A), lB - 1);
      const first = masks.get('first', level - 1, (_r, col) => (col === 0 ? 1 : 0));
      const out: (Ct | null)[] = new Array(A.cts.length).fill(null);
      for (let k = 0; k < c; k++) {
        const row = masks.get(`row${k}`, lB, (r) => (r === k ? 1 : 0));
        const bk = B.cts[0]!.map((x) => columnSums(be, be.mulPlain(x, row), s0, s1));
        for (let i = 0; i < A.cts.length; i++) {
          const z = rowSumsToFirstColumn(be, dotProducts(be, A.cts[i]!, bk), s1);
          let y = be.mulPlain(z, first);
          be.free(z);
          if (k > 0) {
            const moved = be.rotate(y, -k);
            be.free(y);
            y = moved;
          }
          out[i] = accumulate(be, out[i] ?? null, y);
        }
        for (const x of bk) be.free(x);
      }
      return out.map((t) => [t!]);
    });
    return { rows: plan.shape.a, cols: c, s0, s1, layout: 'blocks', period: 1, cts };
  },
  decode: (be, _plan, out) => decryptMatrix(be, out),
  reference: plainAbt,
};
