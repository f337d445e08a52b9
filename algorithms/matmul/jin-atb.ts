/**
 * Jin et al.'s Aᵀ·B ("PrivGD"): A (a x c) and X (a x b) both column-packed; each pair of
 * columns (j, l) is multiplied and summed over all slots by rotate-and-add, giving G[j][l] in
 * every slot of its own ciphertext: b·c Mult and b·c·log2(slots) Rot (Table 6 and 7 exactly),
 * one level. The result is one ciphertext per entry (c·b of them).
 */
import type { MatmulAlgorithm } from '../interface';
import { decryptMatrix, encryptMatrix, layoutSpec } from '../matrix/pack';
import { columnPlan } from '../matrix/plan';
import { powerSteps, slotSum } from '../matrix/sums';
import type { BlockMatrix } from '../matrix/types';
import { NO_DIFFERENCE, blockCounts, table7Column } from './paper';
import { plainAtb } from './plain';

/** The operands: both column-packed. */
export interface JinAtbOperands {
  readonly A: BlockMatrix;
  readonly X: BlockMatrix;
}

/** Jin et al.'s Aᵀ·B as a benchmarkable algorithm. */
export const jinAtbAlgorithm: MatmulAlgorithm<JinAtbOperands, BlockMatrix, 'jin-atb'> = {
  id: 'jin-atb',
  family: 'atb',
  name: 'Jin Aᵀ·B',
  title: 'Jin et al. Aᵀ·B: column pairs multiplied and summed over all slots (baseline)',
  citation: 'Jin et al. 2020 (PrivGD), as benchmarked in Lee et al., HETAL, ICML 2023, Table 6-7',
  blocked: false,
  baselines: [],
  paper: {
    table6: (plan) => ({ cmult: 0, mult: plan.shape.b * plan.shape.c, rot: plan.shape.b * plan.shape.c * blockCounts(plan).ls }),
    table6Difference: () => NO_DIFFERENCE,
    table7: table7Column([
      [0, 512, 7680],
      [0, 2048, 30720],
      [0, 3076, 46140],
      [0, 6152, 92280],
      [0, 12304, 184560],
    ]),
  },
  opCounts: ({ shape: { b, c }, slots }) => ({ cmult: 0, mult: b * c, rot: b * c * Math.log2(slots), conj: 0 }),
  // encrypt, product, slot sum
  errorOps: (plan) => 1 + 1 + Math.log2(plan.slots),
  deviations: () => [],
  plan: (shape, be) => columnPlan('jin-atb', shape, be),
  depth: () => 1,
  rotationSteps: (plan) => powerSteps(plan.slots),
  // A's c columns, X's b columns, the c·b output entries and a product and a sum in flight
  peakCiphertexts: ({ shape: { b, c } }) => b + c + b * c + 2,
  prepare(be, plan, A, B) {
    const { a, b, c } = plan.shape;
    return {
      A: encryptMatrix(be, A, layoutSpec('blocks', a, c, be.slots, 1), plan.inputLevels?.a),
      X: encryptMatrix(be, B, layoutSpec('blocks', a, b, be.slots, 1), plan.inputLevels?.b),
    };
  },
  run(be, plan, { A, X }) {
    // One scope per entry keeps only the results alive (a big shape makes c·b of them).
    const cts = A.cts[0]!.map((aCol) => X.cts[0]!.map((xCol) => be.scope(() => slotSum(be, be.mul(aCol, xCol)))));
    return { ...layoutSpec('entries', plan.shape.c, plan.shape.b, be.slots, 1), cts };
  },
  decode: (be, _plan, out) => decryptMatrix(be, out),
  reference: plainAtb,
};
