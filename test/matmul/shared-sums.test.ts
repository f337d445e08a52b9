/**
 * DiagATB with shared sums (--atb-sums shared): the column sums' rotations across class periods
 * run once per block column on the sum of the pairs. Same result as the paper's per-pair sums,
 * (pairs - 1)·B·log2(s0/p) fewer rotations, counted as the file's formulas say, on the simulator
 * (exact: float64 rounding only) and on real SEAL (within the CKKS bound).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import type { MatmulPlan, MatmulShape } from '../../algorithms/interface';
import { matmulAlgorithm } from '../../algorithms/matmul/registry';
import { sharedSession } from '../helpers/backends';
import { counted, magnitude, table6PlusDocumented } from './_expected';
import { runOnce } from './_run';

const atb = matmulAlgorithm('diag-atb');
const shared = (p: MatmulPlan): MatmulPlan => ({ ...p, sharedSums: true });
const perPair = (p: MatmulPlan): MatmulPlan => ({ ...p, sharedSums: false });

// Simulator without noise: float64 arithmetic.
const EXACT = 1e-9;

const SIM_SHAPES: MatmulShape[] = [
  { a: 64, b: 64, c: 8 },
  { a: 2048, b: 300, c: 10 },
  { a: 32, b: 700, c: 2 },
  { a: 512, b: 769, c: 4 },
];

test('sim n14: shared sums give the per-pair result with (pairs - 1)·B·log2(s0/p) fewer rotations', async () => {
  const s = await sharedSession('sim', 'n14', { rotationKeys: 'declared' });
  for (const shape of SIM_SHAPES) {
    const where = `diag-atb ${JSON.stringify(shape)}`;
    const one = runOnce(s, atb, shape, perPair);
    const two = runOnce(s, atb, shape, shared);
    const { s0, cPad: p, complexPacking } = two.plan;
    const B = Math.ceil(shape.b / two.plan.s1);
    const pairs = complexPacking ? p / 2 : p;
    assert.is(two.ops.rot, one.ops.rot - (pairs - 1) * B * Math.log2(s0 / p), `${where}: rotations saved`);
    assert.equal({ ...counted(two.ops), rot: 0 }, { ...counted(one.ops), rot: 0 }, `${where}: nothing else changes`);
    assert.equal(counted(two.ops), atb.opCounts(two.plan), `${where}: the formulas in diag-atb.ts`);
    assert.equal(
      { cmult: two.ops.cmult, mult: two.ops.mult, rot: two.ops.rot },
      table6PlusDocumented(atb, two.plan),
      `${where}: Table 6 plus the documented difference`,
    );
    assert.ok(two.maxAbs < EXACT * Math.max(shape.a, shape.b), `${where}: error ${two.maxAbs}`);
    assert.is(two.leaked, 0, `${where}: frees everything`);
  }
});

test("the paper's MNIST step (1024x769x16 at 2^13 slots): 3560 rotations per pair, 1845 shared", () => {
  const plan = atb.plan({ a: 1024, b: 769, c: 16 }, { slots: 8192, maxLevel: 7, supportsComplex: true });
  assert.is(atb.opCounts(perPair(plan)).rot, 3560);
  assert.is(atb.opCounts(shared(plan)).rot, 1845);
});

test('seal n14 16x16x4: shared sums equal float64 within the CKKS bound and count as the formulas say', async () => {
  const s = await sharedSession('seal', 'n14', { rotationKeys: 'declared' });
  const shape = { a: 16, b: 16, c: 4 };
  const r = runOnce(s, atb, shape, shared);
  assert.ok(Math.log2(r.plan.s0 / r.plan.cPad) > 0, 'the shape has rotations across periods to share');
  const bound = errorBound(s.ev.preset, atb.errorOps(r.plan), magnitude(atb, shape));
  assert.ok(r.maxAbs < bound, `error ${r.maxAbs.toExponential(2)} >= bound ${bound.toExponential(2)}`);
  assert.equal(counted(r.ops), atb.opCounts(r.plan));
  assert.is(r.leaked, 0);
});

test.run();
