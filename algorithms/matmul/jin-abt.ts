/**
 * Jin et al.'s A·Bᵀ ("PrivGD", the paper's naive baseline): A (a x b) column-packed, one
 * ciphertext per column; B (c x b) replicate-packed, one ciphertext per entry holding it in every
 * slot. Output column j = Σ_l A_col[l] * B[j][l]: b·c Mult, no rotation, no CMult (Table 6 and 7
 * exactly), one level. The result Z (a x c) is column-packed. The c·b entry ciphertexts are what
 * makes it slow and memory-hungry (12304 ciphertexts for the paper's (2048, 769, 16)).
 */
import type { MatmulAlgorithm } from '../interface';
import { decryptMatrix, encryptMatrix, layoutSpec } from '../matrix/pack';
import { columnPlan } from '../matrix/plan';
import { dotProducts } from '../matrix/sums';
import type { BlockMatrix } from '../matrix/types';
import { NO_DIFFERENCE, table7Column } from './paper';
import { plainAbt } from './plain';

/** The operands: A column-packed, B one ciphertext per entry. */
export interface JinAbtOperands {
  readonly A: BlockMatrix;
  readonly B: BlockMatrix;
}

/** Jin et al.'s A·Bᵀ as a benchmarkable algorithm. */
export const jinAbtAlgorithm: MatmulAlgorithm<JinAbtOperands, BlockMatrix, 'jin-abt'> = {
  id: 'jin-abt',
  family: 'abt',
  name: 'Jin A·Bᵀ',
  title: 'Jin et al. A·Bᵀ: column-packed A times replicated entries of B (baseline)',
  citation: 'Jin et al. 2020 (PrivGD), as benchmarked in Lee et al., HETAL, ICML 2023, Table 6-7',
  blocked: false,
  baselines: [],
  paper: {
    table6: ({ shape: { b, c } }) => ({ cmult: 0, mult: b * c, rot: 0 }),
    table6Difference: () => NO_DIFFERENCE,
    table7: table7Column([
      [0, 512, 0],
      [0, 2048, 0],
      [0, 3076, 0],
      [0, 6152, 0],
      [0, 12304, 0],
    ]),
  },
  opCounts: ({ shape: { b, c } }) => ({ cmult: 0, mult: b * c, rot: 0, conj: 0 }),
  // encrypt, product
  errorOps: () => 1 + 1,
  deviations: () => [],
  plan: (shape, be) => columnPlan('jin-abt', shape, be),
  depth: () => 1,
  rotationSteps: () => [],
  // A's b columns, B's c·b entries, the c output columns and a product and a sum in flight
  peakCiphertexts: ({ shape: { b, c } }) => b + b * c + c + 2,
  prepare(be, plan, A, B) {
    const { a, b, c } = plan.shape;
    return {
      A: encryptMatrix(be, A, layoutSpec('blocks', a, b, be.slots, 1), plan.inputLevels?.a),
      B: encryptMatrix(be, B, layoutSpec('entries', c, b, be.slots, 1), plan.inputLevels?.b),
    };
  },
  run(be, plan, { A, B }) {
    const cts = be.scope(() => [B.cts.map((row) => dotProducts(be, A.cts[0]!, row))]);
    return { ...layoutSpec('blocks', plan.shape.a, plan.shape.c, be.slots, 1), cts };
  },
  decode: (be, _plan, out) => decryptMatrix(be, out),
  reference: plainAbt,
};
