/**
 * Counts follow each algorithm's formulas (MatmulAlgorithm.opCounts, and the paper's Table 6 plus
 * its documented difference where the paper has a formula) at 2^13 and 2^14 slots on the
 * simulator, for shapes the paper does not have: several block rows (A > 1), s1 = cPad, c not a
 * power of two, one class pair. Every run is also checked against float64.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MatmulShape } from '../../algorithms/interface';
import { MATMUL_ALGORITHMS, matmulAlgorithm } from '../../algorithms/matmul/registry';
import { sharedSession } from '../helpers/backends';
import { counted, predictedOps, table6PlusDocumented } from './_expected';
import { planIfFits, runOnce } from './_run';

// The simulator without noise computes in float64: only rounding separates it from the reference.
const EXACT = 1e-9;

const CASES: { preset: string; shapes: MatmulShape[] }[] = [
  // n14: 2^13 slots
  {
    preset: 'n14',
    shapes: [
      { a: 64, b: 64, c: 8 },
      { a: 100, b: 50, c: 3 },
      { a: 2048, b: 300, c: 10 },
      { a: 32, b: 700, c: 2 },
    ],
  },
  // n15: 2^14 slots
  {
    preset: 'n15',
    shapes: [
      { a: 256, b: 300, c: 7 },
      { a: 4096, b: 100, c: 4 },
      { a: 8192, b: 64, c: 16 },
    ],
  },
];

for (const { preset, shapes } of CASES) {
  test(`${preset}: counts follow the formulas, results equal float64`, async () => {
    const s = await sharedSession('sim', preset, { rotationKeys: 'declared' });
    const be = s.ev;
    for (const shape of shapes) {
      for (const algo of MATMUL_ALGORITHMS) {
        // refused (InputError), or slow to simulate (Jin Aᵀ·B: b·c·log2(slots) rotations of full vectors,
        // checked on the smaller shapes)
        const plan = planIfFits(be, algo, shape);
        if (!plan || predictedOps(algo, plan) > 8000) continue;
        const where = `${algo.id} ${JSON.stringify(shape)} on ${preset}`;
        const r = runOnce(s, algo, shape);
        assert.equal(counted(r.ops), algo.opCounts(r.plan), where);
        const t6 = table6PlusDocumented(algo, r.plan);
        if (t6)
          assert.equal({ cmult: r.ops.cmult, mult: r.ops.mult, rot: r.ops.rot }, t6, `${where}: Table 6 plus the documented difference`);
        assert.ok(r.maxAbs < EXACT * Math.max(shape.a, shape.b), `${where}: error ${r.maxAbs}`);
        assert.is(r.leaked, 0, `${where}: frees everything`);
      }
    }
  });
}

test('c not a power of two: the diagonal algorithms pad it, the plan says so', async () => {
  const s = await sharedSession('sim', 'n14');
  for (const c of [3, 5, 10]) {
    for (const id of ['diag-abt', 'diag-atb'] as const) {
      const algo = matmulAlgorithm(id);
      const r = runOnce(s, algo, { a: 64, b: 40, c });
      assert.is(r.plan.cPad, c <= 4 ? 4 : c <= 8 ? 8 : 16);
      assert.equal([r.got.rows, r.got.cols], [r.want.rows, r.want.cols]);
      assert.ok(r.maxAbs < 1e-9, `${id} c=${c}: ${r.maxAbs}`);
    }
  }
});

test.run();
