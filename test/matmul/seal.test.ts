/**
 * Real CKKS (node-seal): every algorithm equals float64 within the CKKS worst-case bound of its
 * longest path (MatmulAlgorithm.errorOps), and counts as its formulas say (opCounts). n13 has 2 levels: only
 * Jin et al. (depth 1) fit; the block algorithms need 3 or 4 and run at n14.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import type { MatmulShape } from '../../algorithms/interface';
import { matmulAlgorithm } from '../../algorithms/matmul/registry';
import { sharedSession } from '../helpers/backends';
import { counted, magnitude } from './_expected';
import { runOnce } from './_run';

// Kept small: a SEAL rotation costs ~45 ms at n14, and SEAL makes its Galois keys in one call,
// so each preset's keys are declared once for all its cells.
const CELLS: { preset: string; ids: string[]; shape: MatmulShape }[] = [
  { preset: 'n13', ids: ['jin-abt'], shape: { a: 64, b: 8, c: 4 } },
  { preset: 'n13', ids: ['jin-atb'], shape: { a: 16, b: 4, c: 2 } },
  { preset: 'n14', ids: ['colmajor', 'diag-abt', 'rowmajor', 'diag-atb'], shape: { a: 16, b: 16, c: 4 } },
];

for (const { preset, ids, shape } of CELLS) {
  test(`seal ${preset} ${shape.a}x${shape.b}x${shape.c}: ${ids.join(', ')} equal float64 within the CKKS bound`, async () => {
    // only the declared steps get keys: also proves each algorithm declares every step it uses
    const s = await sharedSession('seal', preset, { rotationKeys: 'declared' });
    const be = s.ev;
    assert.ok(be.supportsComplex);
    s.ensureRotationKeys(
      CELLS.filter((c) => c.preset === preset).flatMap((c) =>
        c.ids.flatMap((id) => {
          const algo = matmulAlgorithm(id);
          return algo.rotationSteps(algo.plan(c.shape, be));
        }),
      ),
    );
    for (const id of ids) {
      const algo = matmulAlgorithm(id);
      const r = runOnce(s, algo, shape);
      const bound = errorBound(be.preset, algo.errorOps(r.plan), magnitude(algo, shape));
      assert.ok(r.maxAbs < bound, `${id}: error ${r.maxAbs.toExponential(2)} >= bound ${bound.toExponential(2)}`);
      assert.equal(counted(r.ops), algo.opCounts(r.plan), id);
      assert.is(r.leaked, 0, `${id} frees every SEAL object it makes`);
    }
  });
}

test.run();
