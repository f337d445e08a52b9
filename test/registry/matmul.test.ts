/**
 * Generic checks of every registered matmul algorithm, read from what each one declares about
 * itself (algorithms/interface.ts): a new algorithm file plus its registry line is tested here
 * with no edit. On the simulator (n14, with and without complex slots, only the rotation keys it
 * declares): the product equals float64, the counters equal its count formula, Table 6 plus its
 * documented difference equals that formula where the paper has one, every object is freed; with
 * SEAL-sized noise the error is within the CKKS bound of its longest path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import { InputError } from '../../algorithms/errors';
import type { MatmulShape } from '../../algorithms/interface';
import { MATMUL_ALGORITHMS, MATMUL_REGISTRY, matmulAlgorithm } from '../../algorithms/matmul/registry';
import { sharedSession } from '../helpers/backends';
import { counted, magnitude, predictedOps, table6PlusDocumented } from '../matmul/_expected';
import { planIfFits, runOnce } from '../matmul/_run';

/** Small shapes: one block row and several (a > s0 at n14 for c = 16), c padded, odd b. */
const SHAPES: MatmulShape[] = [
  { a: 64, b: 64, c: 4 },
  { a: 100, b: 50, c: 3 },
  { a: 1024, b: 20, c: 16 },
];

test('every matmul algorithm describes itself: key = id, name, citation, baselines of its family, distinct Table 7 shapes', () => {
  for (const [key, algo] of Object.entries(MATMUL_REGISTRY)) {
    assert.is(algo.id, key);
    assert.is(matmulAlgorithm(key), algo);
    assert.ok(['abt', 'atb'].includes(algo.family), `${key}: family`);
    for (const text of [algo.name, algo.title, algo.citation]) assert.ok(text.trim().length > 0, `${key}: name, title, citation`);
    for (const base of algo.baselines) {
      assert.is.not(base, key, `${key} is not its own baseline`);
      assert.is(matmulAlgorithm(base).family, algo.family, `${key}: baseline ${base} computes the same product`);
    }
    const shapes = (algo.paper?.table7 ?? []).map((c) => `${c.shape.a}x${c.shape.b}x${c.shape.c}`);
    assert.is(new Set(shapes).size, shapes.length, `${key}: one Table 7 cell per shape`);
  }
  assert.is(new Set(MATMUL_ALGORITHMS.map((a) => a.name)).size, MATMUL_ALGORITHMS.length, 'display names are distinct');
  assert.throws(
    () => matmulAlgorithm('no-such'),
    (e: unknown) => e instanceof InputError && /known: .*diag-abt/.test((e as Error).message),
  );
});

for (const realOnly of [false, true]) {
  test(`n14${realOnly ? ' real-only' : ''}: every algorithm equals float64, counts as its formula, frees everything`, async () => {
    const s = await sharedSession('sim', 'n14', { rotationKeys: 'declared', realOnly });
    const be = s.ev;
    for (const algo of MATMUL_ALGORITHMS) {
      let ran = 0;
      for (const shape of SHAPES) {
        const where = `${algo.id} ${JSON.stringify(shape)}${realOnly ? ' real-only' : ''}`;
        // a shape the algorithm refuses (InputError: e.g. its layout does not fit the slots) is skipped
        const plan = planIfFits(be, algo, shape);
        // slow to simulate (e.g. Jin Aᵀ·B at c = 16: b·c·log2(slots) rotations of full vectors)
        if (!plan || predictedOps(algo, plan) > 4000) continue;
        ran += 1;
        assert.ok(algo.depth(plan) <= be.maxLevel, `${where}: depth fits the preset it planned for`);
        const r = runOnce(s, algo, shape);
        assert.equal([r.got.rows, r.got.cols], [r.want.rows, r.want.cols], where);
        // the simulator without noise computes in float64: only rounding separates it from the reference
        assert.ok(r.maxAbs < 1e-9 * Math.max(shape.a, shape.b), `${where}: error ${r.maxAbs}`);
        assert.equal(counted(r.ops), algo.opCounts(r.plan), `${where}: the count formula in its file`);
        const t6 = table6PlusDocumented(algo, r.plan);
        if (t6)
          assert.equal({ cmult: r.ops.cmult, mult: r.ops.mult, rot: r.ops.rot }, t6, `${where}: Table 6 plus its documented difference`);
        assert.is(r.leaked, 0, `${where}: frees everything`);
        assert.ok(
          algo.deviations(r.plan).every((d) => typeof d === 'string' && d.length > 0),
          `${where}: deviations are sentences`,
        );
      }
      assert.ok(ran > 0, `${algo.id}: runs on at least one of the shapes`);
    }
  });
}

test('n14 with SEAL-sized noise: every algorithm within the CKKS bound of its longest path (errorOps)', async () => {
  const s = await sharedSession('sim', 'n14', { noise: true, seed: 5 });
  const be = s.ev;
  for (const algo of MATMUL_ALGORITHMS) {
    const shape = SHAPES.find((s) => planIfFits(be, algo, s))!;
    const r = runOnce(s, algo, shape);
    const bound = errorBound(be.preset, algo.errorOps(r.plan), magnitude(algo, shape));
    assert.ok(r.maxAbs < bound, `${algo.id}: error ${r.maxAbs.toExponential(2)} >= bound ${bound.toExponential(2)}`);
    assert.ok(r.maxAbs > 0, 'the noise is on');
  }
});

test.run();
