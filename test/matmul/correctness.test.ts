/**
 * Every algorithm equals the float64 product on the simulator at the paper's setting (2^15
 * slots, 12 levels, the five Table 7 shapes): exactly (up to float64 rounding) without noise,
 * and within the CKKS worst-case bound for the operations on its longest path with the
 * simulator's SEAL-sized noise (MatmulAlgorithm.errorOps). By default the cells whose
 * simulation takes long, more than 2000 operations by the algorithm's own count formula, are
 * left to MATMUL_FULL=1 (Jin et al.: up to 184560 rotations of 2^15-slot vectors; ColMajor /
 * RowMajor at a >= 1024; DiagATB at a = 2048; formulas.test.ts checks them all exactly on
 * smaller slot counts); MATMUL_FULL=1 runs them all (about 3.5 minutes on 2 cores, most of it
 * Jin et al.).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import { MATMUL_ALGORITHMS } from '../../algorithms/matmul/registry';
import { TABLE7_SHAPES } from '../../harness/paper';
import { sharedSession } from '../helpers/backends';
import { magnitude, predictedOps } from './_expected';
import { planIfFits, runOnce } from './_run';

const FULL = process.env.MATMUL_FULL === '1';

for (const shape of TABLE7_SHAPES) {
  test(`fgb ${shape.a}x${shape.b}x${shape.c}: every algorithm equals float64`, async () => {
    const s = await sharedSession('sim', 'fgb');
    const be = s.ev;
    for (const algo of MATMUL_ALGORITHMS) {
      const plan = planIfFits(be, algo, shape);
      if (!plan || (!FULL && predictedOps(algo, plan) > 2000)) continue;
      const r = runOnce(s, algo, shape);
      assert.equal([r.got.rows, r.got.cols], [r.want.rows, r.want.cols]);
      // no noise: float64 rounding of sums of up to 2^15 terms
      assert.ok(r.maxAbs < 1e-9, `${algo.id}: error ${r.maxAbs}`);
      assert.is(r.leaked, 0);
    }
  });
}

test('fgb with SEAL-sized noise: within the CKKS bound of each path', async () => {
  const s = await sharedSession('sim', 'fgb', { noise: true, seed: 3 });
  const be = s.ev;
  for (const shape of FULL ? TABLE7_SHAPES : TABLE7_SHAPES.slice(0, 1)) {
    for (const algo of MATMUL_ALGORITHMS) {
      // noise on every slot of every operation is slow to simulate (Jin et al.: 512 or more; seal.test.ts
      // runs them for real); MATMUL_FULL runs them on the first shape (Jin Aᵀ·B there: ~20 s)
      const plan = planIfFits(be, algo, shape);
      if (!plan) continue;
      const ops = predictedOps(algo, plan);
      if ((!FULL && ops >= 512) || ops > 8192) continue;
      const r = runOnce(s, algo, shape);
      const bound = errorBound(be.preset, algo.errorOps(r.plan), magnitude(algo, shape));
      assert.ok(
        r.maxAbs < bound,
        `${algo.id} ${JSON.stringify(shape)}: error ${r.maxAbs.toExponential(2)} >= bound ${bound.toExponential(2)}`,
      );
      assert.ok(r.maxAbs > 0, 'the noise is on');
    }
  }
});

test.run();
