/**
 * Generic checks of every registered softmax approximation, read from what each one declares
 * about itself: a new approximation file plus its registry line is tested here with no edit.
 * Its float64 form picks the class softmax picks; its encrypted form (if any) equals its float64
 * form on the noise-free simulator, uses only the rotation keys it declares, consumes exactly
 * `depth(layout)` levels when no refresh is needed, and runs on a preset with only `minLevels`
 * levels between refreshes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validatePreset } from '../../algorithms/ckks/presets';
import { createSession } from '../../algorithms/ckks/session';
import { InputError } from '../../algorithms/errors';
import { uniformRng } from '../../algorithms/random';
import { SOFTMAX_ALGORITHMS, SOFTMAX_REGISTRY, getSoftmax } from '../../algorithms/softmax/registry';
import { blockLogits, layoutFor, runBlock } from '../softmax/_fixtures';

/** A simulator-only preset with `levels` levels between refreshes (no security claim: it never runs on SEAL). */
function simPreset(name: string, levels: number) {
  return validatePreset({
    name,
    description: `sim only, ${levels} levels`,
    ringDegree: 8192,
    chainBits: [60, ...Array<number>(levels).fill(40), 60],
    scaleBits: 40,
    backends: ['sim'],
  });
}

test('every softmax approximation describes itself: key = id, name, citation, design range, minLevels', () => {
  for (const [key, alg] of Object.entries(SOFTMAX_REGISTRY)) {
    assert.is(alg.id, key);
    assert.is(getSoftmax(key), alg);
    assert.is(alg.family, 'softmax');
    for (const text of [alg.name, alg.title, alg.citation]) assert.ok(text.trim().length > 0, `${key}: name, title, citation`);
    assert.ok(alg.designRange > 0, `${key}: design range`);
    assert.ok(Number.isSafeInteger(alg.minLevels) && alg.minLevels >= 0, `${key}: minLevels`);
  }
  assert.throws(
    () => getSoftmax('no-such'),
    (e: unknown) => e instanceof InputError && /known: .*hetal/.test((e as Error).message),
  );
});

test('float64: every approximation gives rows x classes finite values and picks the class softmax picks', () => {
  const rng = uniformRng(3);
  for (const alg of SOFTMAX_ALGORITHMS) {
    for (const c of [3, 10]) {
      const rows = 500;
      // well inside every design range
      const r = Math.min(alg.designRange, 2);
      const z = new Float64Array(rows * c).map(() => (2 * rng() - 1) * r);
      const p = alg.plain(z, rows, c);
      assert.is(p.length, rows * c, `${alg.id} c=${c}: shape`);
      let same = 0;
      for (let i = 0; i < rows; i++) {
        let zi = 0,
          pi = 0;
        for (let j = 0; j < c; j++) {
          assert.ok(Number.isFinite(p[i * c + j]!), `${alg.id} c=${c}: finite`);
          if (z[i * c + j]! > z[i * c + zi]!) zi = j;
          if (p[i * c + j]! > p[i * c + pi]!) pi = j;
        }
        if (zi === pi) same += 1;
      }
      assert.ok(same >= 0.99 * rows, `${alg.id} c=${c}: argmax agrees in ${same} of ${rows} rows`);
    }
  }
});

test('encrypted (noise-free sim): equals its float64 form, declared keys only, consumes depth(layout) levels', async () => {
  const deep = await createSession('sim', simPreset('deep-test', 100), { rotationKeys: 'declared' });
  for (const alg of SOFTMAX_ALGORITHMS.filter((a) => a.encryptable)) {
    for (const c of [3, 10]) {
      const layout = layoutFor(deep.ev, c);
      deep.ensureRotationKeys(alg.rotationSteps(layout));
      const r = runBlock(deep, alg, layout, blockLogits(layout, [Math.min(alg.designRange, 4)]));
      assert.ok(r.agreement < 1e-9, `${alg.id} c=${c}: ${r.agreement}`);
      assert.is(r.padded, 0, `${alg.id} c=${c}: padded classes stay 0`);
      assert.is(r.ops.keyswitch, r.ops.rot, `${alg.id}: every rotation has its declared key`);
      assert.is(r.ops.refresh, 0, `${alg.id}: 100 levels need no refresh`);
      assert.is(r.consumed, alg.depth(layout), `${alg.id} c=${c}: levels consumed = depth(layout)`);
    }
  }
  deep.dispose();
});

test('encrypted: runs with only minLevels levels between refreshes, and still equals its float64 form', async () => {
  for (const alg of SOFTMAX_ALGORITHMS.filter((a) => a.encryptable)) {
    const be = await createSession('sim', simPreset(`min-${alg.minLevels}`, Math.max(alg.minLevels, 1)), { rotationKeys: 'declared' });
    const layout = layoutFor(be.ev, 3);
    be.ensureRotationKeys(alg.rotationSteps(layout));
    const r = runBlock(be, alg, layout, blockLogits(layout, [Math.min(alg.designRange, 4)]));
    assert.ok(r.agreement < 1e-9, `${alg.id} at ${alg.minLevels} levels: ${r.agreement}`);
    be.dispose();
  }
});

test.run();
