/**
 * DiagABT's signed form (W a level above X, as training refreshes it): σ on W's partner and a
 * conjugated first row-sum step replace the (p/2)·A row-sum fix-up conjugations. Same result as
 * the plain form, counted as diag-abt.ts says (conj = A: only the real parts), on the simulator
 * (float64 arithmetic) and on real SEAL (within the CKKS bound).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import type { MatmulPlan, MatmulShape } from '../../algorithms/interface';
import { matmulAlgorithm } from '../../algorithms/matmul/registry';
import { sharedSession } from '../helpers/backends';
import { counted, magnitude, table6PlusDocumented } from './_expected';
import { runOnce } from './_run';

const abt = matmulAlgorithm('diag-abt');
// X at 3 (DiagABT's depth), W one above: the signed form; both at 3: the plain form
const levels =
  (a: number, b: number) =>
  (p: MatmulPlan): MatmulPlan => ({ ...p, inputLevels: { a, b } });

const EXACT = 1e-9;

const SHAPES: MatmulShape[] = [
  { a: 64, b: 64, c: 8 },
  { a: 2048, b: 300, c: 10 },
  { a: 100, b: 50, c: 3 },
];

test('sim n14: the signed form equals the plain form without its row-sum fix-ups, for B more CMult', async () => {
  const s = await sharedSession('sim', 'n14', { rotationKeys: 'declared' });
  for (const shape of SHAPES) {
    const where = `diag-abt ${JSON.stringify(shape)}`;
    const plain = runOnce(s, abt, shape, levels(3, 3));
    const signed = runOnce(s, abt, shape, levels(3, 4));
    const A = Math.ceil(shape.a / signed.plan.s0),
      B = Math.ceil(shape.b / signed.plan.s1);
    assert.ok(signed.plan.complexPacking && signed.plan.s1 > 1, where);
    assert.is(signed.ops.conj, A, `${where}: one conjugation per block row (its real part), no fix-up`);
    assert.is(plain.ops.conj, A + (signed.plan.cPad / 2) * A, `${where}: the plain form pays (p/2)·A fix-ups`);
    assert.is(signed.ops.cmult, plain.ops.cmult + B, `${where}: σ once per block column`);
    assert.is(signed.ops.rot, plain.ops.rot, `${where}: the same rotations`);
    assert.equal(counted(signed.ops), abt.opCounts(signed.plan), `${where}: the formulas in diag-abt.ts`);
    assert.equal(
      { cmult: signed.ops.cmult, mult: signed.ops.mult, rot: signed.ops.rot },
      table6PlusDocumented(abt, signed.plan),
      `${where}: Table 6 plus the documented difference`,
    );
    assert.ok(signed.maxAbs < EXACT * Math.max(shape.a, shape.b), `${where}: error ${signed.maxAbs}`);
    assert.is(signed.leaked, 0, `${where}: frees everything`);
  }
});

test('seal n14 16x16x4 and 32x40x3: the signed form equals float64 within the CKKS bound, conj = A', async () => {
  const s = await sharedSession('seal', 'n14', { rotationKeys: 'declared' });
  for (const shape of [
    { a: 16, b: 16, c: 4 },
    { a: 32, b: 40, c: 3 },
  ]) {
    const r = runOnce(s, abt, shape, levels(3, 4));
    const bound = errorBound(s.ev.preset, abt.errorOps(r.plan), magnitude(abt, shape));
    assert.ok(r.maxAbs < bound, `${JSON.stringify(shape)}: error ${r.maxAbs.toExponential(2)} >= bound ${bound.toExponential(2)}`);
    assert.equal(counted(r.ops), abt.opCounts(r.plan));
    assert.is(r.ops.conj, Math.ceil(shape.a / r.plan.s0));
    assert.is(r.leaked, 0);
  }
});

test.run();
