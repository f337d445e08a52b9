/** The polynomial evaluator: float64 against the closed form, encrypted against float64, levels and op counts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffCounts } from '../../algorithms/ckks/types';
import { uniformRng } from '../../algorithms/random';
import { F_COEFFS, G_COEFFS } from '../../algorithms/softmax/compare';
import { EXP12, EXP8 } from '../../algorithms/softmax/exp';
import { evalPolyCt, evalPolyPlain, evalPolyScalar, polyDepth, splitPower } from '../../algorithms/softmax/poly';
import { maxAbsDiff, sharedSession } from '../helpers/backends';

const grid = Float64Array.from({ length: 2001 }, (_, i) => -1 + i / 1000);

test('float64 evaluation matches the scalar closed form for every code path (degrees 1..14, odd, in place)', () => {
  const rng = uniformRng(5);
  const shapes: number[][] = [
    [...F_COEFFS],
    [...G_COEFFS],
    [0.5, ...F_COEFFS.slice(1)],
    [...EXP8],
    [...EXP12],
    [0, 1, 0, -0.01],
    [0, 1, 0, 0.2, 0, -0.1],
  ];
  for (let d = 1; d <= 14; d++) shapes.push(Array.from({ length: d + 1 }, () => 2 * rng() - 1));
  for (const c of shapes) {
    const want = grid.map((x) => evalPolyScalar(c, x));
    assert.ok(maxAbsDiff(evalPolyPlain(c, grid, new Float64Array(grid.length)), want) < 1e-12, `degree ${c.length - 1}`);
    const inPlace = Float64Array.from(grid);
    assert.ok(maxAbsDiff(evalPolyPlain(c, inPlace, inPlace), want) < 1e-12, `degree ${c.length - 1} in place`);
  }
});

test('split points keep the optimal depth ceil(log2(d+1))', () => {
  assert.is(splitPower(7), 4);
  assert.is(splitPower(8), 2);
  assert.is(splitPower(12), 8);
  for (const [c, depth] of [
    [F_COEFFS, 3],
    [EXP8, 4],
    [EXP12, 4],
  ] as const)
    assert.is(polyDepth(c), depth);
});

test('encrypted evaluation (sim, no noise) equals float64, consumes exactly polyDepth levels, with the stated products', async () => {
  const s = await sharedSession('sim', 'fgb');
  const be = s.ev;
  const cases = [
    { c: G_COEFFS, mult: 5, cmult: 4 },
    { c: EXP8, mult: 5, cmult: 5 },
    { c: EXP12, mult: 8, cmult: 6 }, // its c1 = 1 needs no CMult
  ];
  for (const { c, mult, cmult } of cases) {
    be.scope(() => {
      const x = s.client.encrypt(grid);
      const before = be.counts();
      const y = evalPolyCt(be, x, c);
      const d = diffCounts(be.counts(), before);
      assert.is(be.maxLevel - y.level, polyDepth(c), 'levels');
      assert.is(d.mult, mult, 'Mult');
      assert.is(d.cmult, cmult, 'CMult');
      assert.ok(maxAbsDiff(s.client.decrypt(y), evalPolyPlain([...c], grid, new Float64Array(grid.length)), grid.length) < 1e-12);
    });
  }
});

test('per-slot coefficients: a mask folded into the coefficients gives mask * p(x) at no extra level', async () => {
  const s = await sharedSession('sim', 'fgb');
  const be = s.ev;
  be.scope(() => {
    const mask = Float64Array.from({ length: be.slots }, (_, i) => (i % 4 === 3 ? 0 : 1));
    const x = s.client.encrypt(grid);
    const y = evalPolyCt(
      be,
      x,
      EXP8.map((c) => mask.map((m) => m * c)),
    );
    assert.is(be.maxLevel - y.level, 4);
    const want = evalPolyPlain([...EXP8], grid, new Float64Array(grid.length)).map((v, i) => v * mask[i]!);
    assert.ok(maxAbsDiff(s.client.decrypt(y), want, grid.length) < 1e-12);
  });
});

test.run();
