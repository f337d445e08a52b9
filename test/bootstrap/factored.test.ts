/**
 * The factored CoeffToSlot and SlotToCoeff (butterflies of algorithms/ckks/bootstrap/special-fft.ts
 * merged into a chosen number of levels): float64 against the embedding (in bit-reversed order),
 * the stage inverses, the encrypted forms on sim with one level per group and their round trip,
 * and the rotation-key and plaintext-product counts at N=32768 against the dense form's
 * (the figures that decide the form on seal).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bitReversedLayout,
  coeffToSlotCt,
  coeffToSlotDepth,
  coeffToSlotFactored,
  coeffToSlotPlain,
  coeffToSlotSteps,
} from '../../algorithms/ckks/bootstrap/coeff-to-slot';
import { decodeCoeffs } from '../../algorithms/ckks/bootstrap/embedding';
import {
  type LinearTransform,
  composeTransforms,
  fromDiagonals,
  lintransPlain,
  replicate,
} from '../../algorithms/ckks/bootstrap/linear-transform';
import { slotToCoeffCt, slotToCoeffDepth, slotToCoeffFactored, slotToCoeffSteps } from '../../algorithms/ckks/bootstrap/slot-to-coeff';
import { bitReverse, butterflyStage } from '../../algorithms/ckks/bootstrap/special-fft';
import { errorBound } from '../../algorithms/ckks/precision';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff, sharedSession } from '../helpers/backends';
import { decryptComplex, encryptComplex } from './_complex';

function applyPlain(lts: readonly LinearTransform[], re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  let v = { re, im };
  for (const t of lts) v = lintransPlain(t, v.re, v.im);
  return v;
}

test('bit reversal', () => {
  assert.equal(
    Array.from({ length: 8 }, (_, i) => bitReverse(i, 8)),
    [0, 4, 2, 6, 1, 5, 3, 7],
  );
});

test('each inverse butterfly stage inverts its stage (the identity, in diagonal form)', () => {
  const n = 32;
  for (let len = 2; len <= n; len *= 2) {
    const id = composeTransforms(butterflyStage(n, len, true), butterflyStage(n, len, false));
    assert.equal([...id.diagonals.keys()], [0], `len ${len}`);
    const d0 = id.diagonals.get(0)!;
    assert.ok(maxAbsDiff(d0.re, new Float64Array(2 * n).fill(1)) < 1e-14 && maxAbsDiff(d0.im, new Float64Array(2 * n)) < 1e-14);
  }
});

test('factored forms equal the embedding in bit-reversed order, for every number of levels', () => {
  const rng = uniformRng(1);
  for (const n of [2, 16, 64]) {
    const m = uniformArray(rng, 2 * n, -1, 1);
    const z = decodeCoeffs(m, n);
    for (let levels = 1; levels <= Math.log2(n); levels++) {
      const cts = coeffToSlotFactored(n, levels, 3);
      assert.is(coeffToSlotDepth(cts), levels);
      const v = applyPlain(cts, replicate(z.re, n, 2 * n), replicate(z.im, n, 2 * n));
      const want = bitReversedLayout(coeffToSlotPlain(z.re, z.im, n, 3), n);
      assert.ok(
        maxAbsDiff(
          v.re.map((x) => 2 * x),
          want,
        ) < 1e-11,
        `CoeffToSlot n ${n} levels ${levels}`,
      );
      const stc = slotToCoeffFactored(n, levels, 0.5);
      const back = applyPlain(stc, bitReversedLayout(m, n), new Float64Array(2 * n));
      const zr = replicate(z.re, n, 2 * n).map((x) => x * 0.5),
        zi = replicate(z.im, n, 2 * n).map((x) => x * 0.5);
      assert.ok(maxAbsDiff(back.re, zr) < 1e-11 && maxAbsDiff(back.im, zi) < 1e-11, `SlotToCoeff n ${n} levels ${levels}`);
    }
  }
  assert.throws(() => coeffToSlotFactored(16, 5), /5 levels for 4 stages/);
});

for (const noise of [false, true]) {
  test(`encrypted factored forms on sim (noise ${noise ? 'on' : 'off'}): one level per group, round trip`, async () => {
    const n = 64;
    const forms = [2, 3].map((levels) => ({ levels, cts: coeffToSlotFactored(n, levels), stc: slotToCoeffFactored(n, levels) }));
    const steps = [...new Set(forms.flatMap((f) => [...coeffToSlotSteps(f.cts), ...slotToCoeffSteps(f.stc)]))];
    const s = await sharedSession('sim', 'n15', { noise, seed: 6, rotationKeys: 'declared', rotationSteps: steps });
    const preset = resolvePreset('n15');
    const rng = uniformRng(2);
    for (const { levels, cts, stc } of forms) {
      const m = uniformArray(rng, 2 * n, -1, 1);
      const z = decodeCoeffs(m, n);
      const ct = encryptComplex(s.ev, s.client, z.re, z.im, n);
      const c = coeffToSlotCt(s.ev, ct, cts);
      assert.is(ct.level - c.level, levels);
      const ops = 6 * levels + 2 * Math.sqrt(2 * n);
      const bound = noise ? errorBound(preset, ops, 2) : 1e-9;
      assert.ok(maxAbsDiff(s.client.decrypt(c), replicate(bitReversedLayout(m, n), 2 * n, s.ev.slots)) < bound, `levels ${levels}`);
      const back = slotToCoeffCt(s.ev, c, stc);
      assert.is(c.level - back.level, slotToCoeffDepth(stc));
      const got = decryptComplex(s.ev, s.client, back);
      // SlotToCoeff sums 2n coefficients with unit weights
      const bound2 = noise ? 2 * n * bound + errorBound(preset, ops, 2 * n) : 1e-8;
      const err = Math.max(maxAbsDiff(got.re, replicate(z.re, n, s.ev.slots)), maxAbsDiff(got.im, replicate(z.im, n, s.ev.slots)));
      assert.ok(err < bound2, `levels ${levels}: round trip error ${err}`);
      for (const x of [ct, c, back]) s.ev.free(x);
    }
  });
}

test('at N=32768 (8192 slots, the widest sparse packing: 2n <= 16384) the factored form needs tens of keys and ~100 products where the dense one needs 254 and 16384', () => {
  // measured: 3 levels: CoeffToSlot 63+31+31 products, 34 keys; 4 levels: 31+15+15+15, 28 keys
  const n = 8192;
  const dense = 2 * n; // diagonals of the dense 2n transform (all nonzero)
  const n1 = 2 ** Math.ceil(Math.log2(Math.sqrt(dense)));
  const denseKeys = n1 - 1 + dense / n1 - 1;
  for (const levels of [3, 4]) {
    const cts = coeffToSlotFactored(n, levels);
    const products = cts.reduce((sum, t) => sum + t.diagonals.size, 0);
    const keys = coeffToSlotSteps(cts).length;
    assert.ok(keys < denseKeys / 4 && products < dense / 100 && keys <= 40, `levels ${levels}: ${keys} keys, ${products} products`);
  }
  // the dense form's diagonals are not built at this size (a 16384^2 complex matrix): the
  // comparison is its closed form; a small dense transform confirms that formula
  const small = fromDiagonals(
    64,
    new Map(Array.from({ length: 64 }, (_, k) => [k, { re: new Float64Array(64).fill(1), im: new Float64Array(64) }])),
  );
  assert.is(coeffToSlotSteps(small).length, 8 - 1 + 8 - 1);
});

test.run();
