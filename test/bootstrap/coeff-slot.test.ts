/**
 * CoeffToSlot and SlotToCoeff for sparse packings (algorithms/ckks/bootstrap/): the embedding
 * against ring arithmetic (a negacyclic product is a slot-wise product; the automorphism
 * Y -> Y^g is a rotation by one slot, for g = 5 and SEAL's 3), the transforms' float64 forms
 * against the embedding, the encrypted forms on sim (n13 and n15) against float64 with noise off
 * and on, one level each, the round trip SlotToCoeff(CoeffToSlot(z)) = z, and the chain
 * CoeffToSlot -> EvalMod -> SlotToCoeff on slots of m/q0 + I (a bootstrap without its ModRaise),
 * dense and factored, at scale 2^40 and 2^50.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bitReversedLayout,
  coeffToSlotDepth,
  coeffToSlotFactored,
  coeffToSlotSteps,
  coeffToSlotCt,
  coeffToSlotPlain,
  coeffToSlotTransform,
} from '../../algorithms/ckks/bootstrap/coeff-to-slot';
import { decodeCoeffs, encodeCoeffs } from '../../algorithms/ckks/bootstrap/embedding';
import { DEFAULT_EVAL_MOD, evalModBound, evalModCt, evalModDepth } from '../../algorithms/ckks/bootstrap/eval-mod';
import { lintransPlain, lintransSteps, replicate } from '../../algorithms/ckks/bootstrap/linear-transform';
import {
  slotToCoeffDepth,
  slotToCoeffFactored,
  slotToCoeffSteps,
  slotToCoeffCt,
  slotToCoeffPlain,
  slotToCoeffTransform,
} from '../../algorithms/ckks/bootstrap/slot-to-coeff';
import { errorBound } from '../../algorithms/ckks/precision';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff, sharedSession } from '../helpers/backends';
import { decryptComplex, encryptComplex } from './_complex';

/** a(Y) b(Y) mod Y^len + 1. */
function negacyclic(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const len = a.length;
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++)
    for (let j = 0; j < len; j++) {
      const k = i + j;
      if (k < len) out[k]! += a[i]! * b[j]!;
      else out[k - len]! -= a[i]! * b[j]!;
    }
  return out;
}

/** m(Y^g) mod Y^len + 1. */
function automorphism(m: ArrayLike<number>, g: number): Float64Array {
  const len = m.length;
  const out = new Float64Array(len);
  for (let k = 0; k < len; k++) {
    const e = (k * g) % (2 * len);
    if (e < len) out[e]! += m[k]!;
    else out[e - len]! -= m[k]!;
  }
  return out;
}

test('the embedding is the ring: products are slot-wise, Y -> Y^g rotates the slots by one, encode inverts decode', () => {
  const rng = uniformRng(1);
  for (const g of [5, 3]) {
    for (const n of g === 5 ? [1, 4, 16, 64] : [2, 4, 16, 64]) {
      const a = uniformArray(rng, 2 * n, -1, 1),
        b = uniformArray(rng, 2 * n, -1, 1);
      const za = decodeCoeffs(a, n, g),
        zb = decodeCoeffs(b, n, g),
        zab = decodeCoeffs(negacyclic(a, b), n, g);
      const pr = za.re.map((x, j) => x * zb.re[j]! - za.im[j]! * zb.im[j]!);
      const pi = za.re.map((x, j) => x * zb.im[j]! + za.im[j]! * zb.re[j]!);
      assert.ok(maxAbsDiff(zab.re, pr) < 1e-10 && maxAbsDiff(zab.im, pi) < 1e-10, `product g ${g} n ${n}`);
      const rot = decodeCoeffs(automorphism(a, g), n, g);
      assert.ok(maxAbsDiff(rot.re, replicate(za.re, n, n, 1)) < 1e-10 && maxAbsDiff(rot.im, replicate(za.im, n, n, 1)) < 1e-10);
      assert.ok(maxAbsDiff(encodeCoeffs(za.re, za.im, n, g), a) < 1e-12, `inverse g ${g} n ${n}`);
    }
  }
  assert.throws(() => decodeCoeffs(new Float64Array(8), 4, 7), /generator 7/);
  assert.throws(() => decodeCoeffs(new Float64Array(2), 1, 3), /order 1/);
});

test('the transforms realize their float64 meaning: CoeffToSlot is 2 Re(M z), SlotToCoeff is M m', () => {
  const rng = uniformRng(2);
  for (const n of [16, 64]) {
    const cts = coeffToSlotTransform(n, 3);
    const stc = slotToCoeffTransform(n, 0.5);
    assert.is(cts.diagonals.size, 2 * n);
    assert.is(stc.diagonals.size, 2 * n);
    const zr = uniformArray(rng, n, -1, 1),
      zi = uniformArray(rng, n, -1, 1);
    const v = lintransPlain(cts, replicate(zr, n, 2 * n), replicate(zi, n, 2 * n));
    assert.ok(
      maxAbsDiff(
        v.re.map((x) => 2 * x),
        coeffToSlotPlain(zr, zi, n, 3),
      ) < 1e-12,
    );
    const m = uniformArray(rng, 2 * n, -1, 1);
    const z = lintransPlain(stc, m, new Float64Array(2 * n));
    const want = slotToCoeffPlain(m, n, 0.5);
    assert.ok(maxAbsDiff(z.re, replicate(want.re, n, 2 * n)) < 1e-12 && maxAbsDiff(z.im, replicate(want.im, n, 2 * n)) < 1e-12);
  }
});

for (const noise of [false, true]) {
  test(`encrypted CoeffToSlot and SlotToCoeff on sim (noise ${noise ? 'on' : 'off'}): float64 meaning, one level each, round trip`, async () => {
    const ns = [16, 64];
    const lts = ns.map((n) => ({ n, cts: coeffToSlotTransform(n), stc: slotToCoeffTransform(n) }));
    const steps = [...new Set(lts.flatMap((l) => [...lintransSteps(l.cts), ...lintransSteps(l.stc)]))];
    const s = await sharedSession('sim', 'n13', { noise, seed: 4, rotationKeys: 'declared', rotationSteps: steps });
    const preset = resolvePreset('n13');
    for (const { n, cts, stc } of lts) {
      const rng = uniformRng(n);
      // slots of a polynomial with coefficients in [-1, 1]: |z_j| <= 2n
      const m0 = uniformArray(rng, 2 * n, -1, 1);
      const z = decodeCoeffs(m0, n);
      const ct = encryptComplex(s.ev, s.client, z.re, z.im, n);
      const c = coeffToSlotCt(s.ev, ct, cts);
      assert.is(ct.level - c.level, coeffToSlotDepth(cts));
      assert.is(coeffToSlotDepth(cts), 1);
      assert.is(c.complex, false);
      const coeffs = s.client.decrypt(c);
      // each output sums 2n terms of size |z|/(2n) <= 1 through the transform's operations, and
      // the input's own error (its size times one fresh encryption) is amplified by 2n/n
      const bound = noise ? errorBound(preset, 3 + 2 * Math.sqrt(2 * n), 2) : 1e-9;
      assert.ok(maxAbsDiff(coeffs, replicate(m0, 2 * n, s.ev.slots)) < bound, `CoeffToSlot n ${n}`);
      assert.ok(maxAbsDiff(coeffs, replicate(coeffToSlotPlain(z.re, z.im, n), 2 * n, s.ev.slots)) < bound);
      const back = slotToCoeffCt(s.ev, c, stc);
      assert.is(c.level - back.level, slotToCoeffDepth(stc));
      assert.is(slotToCoeffDepth(stc), 1);
      const got = decryptComplex(s.ev, s.client, back);
      // SlotToCoeff sums 2n unit-size terms: its own errors and CoeffToSlot's (amplified by up to 2n)
      const bound2 = noise ? bound * 2 * n + errorBound(preset, 3 + 2 * Math.sqrt(2 * n), 2 * n) : 1e-8;
      const err = Math.max(maxAbsDiff(got.re, replicate(z.re, n, s.ev.slots)), maxAbsDiff(got.im, replicate(z.im, n, s.ev.slots)));
      assert.ok(err < bound2, `round trip n ${n}: error ${err} >= ${bound2}`);
      for (const x of [ct, c, back]) s.ev.free(x);
    }
  });
}

/** N=32768, 13 primes of 55 bits (835 modulus bits, inside 128-bit security), scale 2^50. */
const SCALE50 = `custom:N=32768:chain=60-${Array(13).fill(55).join('-')}-60:scale=50`;

for (const { preset, noise, levels } of [
  { preset: 'n15', noise: false, levels: 0 },
  { preset: 'n15', noise: true, levels: 0 },
  { preset: SCALE50, noise: true, levels: 0 },
  { preset: SCALE50, noise: true, levels: 2 },
]) {
  test(`CoeffToSlot -> EvalMod -> SlotToCoeff on slots of m/q0 + I recovers the slots of m (${levels ? `factored in ${levels} levels` : 'dense'}, scale 2^${resolvePreset(preset).scaleBits}, noise ${noise ? 'on' : 'off'})`, async () => {
    const n = 32;
    const p = { ...DEFAULT_EVAL_MOD, outputScale: 2 ** 10 };
    const B = evalModBound(p);
    // input slots z = w V x with x = m/q0 + I, w = 1/(2n B) keeping |z| <= 1; CoeffToSlot folds
    // in 1/(w B) so EvalMod gets x / B (prescaled), and EvalMod's output scale 2^10 brings
    // m/q0 (<= 2^-10) to [-1, 1]
    const w = 1 / (2 * n * B);
    const cts = levels ? coeffToSlotFactored(n, levels, 1 / (w * B)) : coeffToSlotTransform(n, 1 / (w * B));
    const stc = levels ? slotToCoeffFactored(n, levels) : slotToCoeffTransform(n);
    const s = await sharedSession('sim', preset, {
      noise,
      seed: 5,
      rotationKeys: 'declared',
      rotationSteps: [...coeffToSlotSteps(cts), ...slotToCoeffSteps(stc)],
    });
    const rng = uniformRng(8);
    const m = uniformArray(rng, 2 * n, -(2 ** -10), 2 ** -10);
    const x = m.map((v) => v + Math.round((2 * rng() - 1) * p.K));
    const z = decodeCoeffs(x, n);
    const ct = encryptComplex(
      s.ev,
      s.client,
      z.re.map((v) => v * w),
      z.im.map((v) => v * w),
      n,
    );
    const c = coeffToSlotCt(s.ev, ct, cts);
    const y = evalModCt(s.ev, c, p, true);
    const out = slotToCoeffCt(s.ev, y, stc);
    assert.is(ct.level - out.level, coeffToSlotDepth(cts) + evalModDepth(p, true) + slotToCoeffDepth(stc));
    // EvalMod's output, per coefficient, in units of q0
    const mErr = maxAbsDiff(
      s.client.decrypt(y).map((v) => v * 2 ** -10),
      // the factored form holds the coefficients in bit-reversed order
      replicate(levels ? bitReversedLayout(m, n) : m, 2 * n, s.ev.slots),
    );
    const got = decryptComplex(s.ev, s.client, out);
    const want = slotToCoeffPlain(
      m.map((v) => v * 2 ** 10),
      n,
    );
    const err = Math.max(maxAbsDiff(got.re, replicate(want.re, n, s.ev.slots)), maxAbsDiff(got.im, replicate(want.im, n, s.ev.slots)));
    if (noise && preset === 'n15') {
      // at scale 2^40 CoeffToSlot's noise (about 2^-21 in x/B, so 2^-17 in x: measured) passes
      // EvalMod at slope 1 and misses 2^-20: the bound is CKKS's, an error e in x/B becoming B e
      const ops = 3 + 2 * Math.sqrt(2 * n) + 2 * p.degree;
      assert.ok(mErr < 2 ** -20 + errorBound(resolvePreset(preset), ops, B), `EvalMod output error 2^${Math.log2(mErr).toFixed(2)}`);
    } else {
      // noise off, or at scale 2^50: EvalMod's 2^-20 (units of q0) holds through the chain
      assert.ok(mErr < 2 ** -20, `EvalMod output error 2^${Math.log2(mErr).toFixed(2)}`);
    }
    // SlotToCoeff sums 2n coefficients with unit weights: the per-coefficient error (scaled by 2^10) 2n times at most
    assert.ok(err < 2 * n * (mErr * 2 ** 10) + 2 ** -20, `error ${err}`);
    for (const v of [ct, c, y, out]) s.ev.free(v);
  });
}

test.run();
