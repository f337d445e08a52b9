/**
 * EvalMod (algorithms/ckks/bootstrap/eval-mod.ts): the float64 form against the sine it
 * approximates and against m on inputs m/q0 + I (|I| <= 16, |m/q0| <= 2^-10) within 2^-20 (units
 * of q0), the Chebyshev evaluator against Clenshaw, and the encrypted form on sim (n15, 19 levels)
 * against the float64 form: exactly (noise off) and within a noise bound (noise on), with the
 * levels consumed equal to `evalModDepth`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_EVAL_MOD,
  type EvalModParams,
  chebyshevCt,
  chebyshevScalar,
  evalModBound,
  evalModChebyshev,
  evalModCt,
  evalModDepth,
  evalModIdeal,
  evalModPlain,
} from '../../algorithms/ckks/bootstrap/eval-mod';
import { errorBound } from '../../algorithms/ckks/precision';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { uniformRng } from '../../algorithms/random';
import { maxAbsDiff, sharedSession } from '../helpers/backends';

const K = 16;
const M_MAX = 2 ** -10;

/** Inputs m/q0 + I with |I| <= K and |m/q0| <= 2^-10, and their m/q0. */
function overflowInputs(n: number, seed: number): { x: Float64Array; m: Float64Array } {
  const rng = uniformRng(seed);
  const m = Float64Array.from({ length: n }, () => (2 * rng() - 1) * M_MAX);
  // every I in [-K, K] appears, the extremes included
  const x = m.map((v, i) => v + ((i % (2 * K + 1)) - K));
  return { x, m };
}

test('float64 EvalMod recovers m/q0 within 2^-20 on m/q0 + I, |I| <= 16 (default: K 16, r 3, degree 31, 8 levels prescaled)', () => {
  const { x, m } = overflowInputs(20000, 1);
  const y = evalModPlain(x, DEFAULT_EVAL_MOD);
  const err = maxAbsDiff(y, m);
  assert.ok(err < 2 ** -20, `error 2^${Math.log2(err).toFixed(2)}`);
  // the polynomial's own error against the sine is smaller still (the rest is the sine's, ~6.6 (m/q0)^3)
  assert.ok(maxAbsDiff(y, evalModIdeal(x, DEFAULT_EVAL_MOD)) < 2 ** -27);
  assert.is(evalModDepth(DEFAULT_EVAL_MOD, true), 8);
  assert.is(evalModDepth(DEFAULT_EVAL_MOD), 9);
});

test('too few double angles or too low a degree misses the target (the parameters are not slack)', () => {
  const { x, m } = overflowInputs(5000, 2);
  for (const p of [
    { ...DEFAULT_EVAL_MOD, doubleAngles: 2 },
    { ...DEFAULT_EVAL_MOD, degree: 15 },
  ]) {
    assert.ok(maxAbsDiff(evalModPlain(x, p), m) > 2 ** -20, JSON.stringify(p));
  }
});

test("the arcsine correction removes the sine's cubic error: 2^-27.3 -> below 2^-40 at |m/q0| = 2^-10 (4 double angles), two levels", () => {
  // the worst case of the sine's error, |m/q0| at its bound, with every overflow I in [-K, K]
  const x: number[] = [],
    m: number[] = [];
  for (let I = -K; I <= K; I++) {
    for (const f of [-1, -0.5, 0.25, 1]) {
      x.push(f * M_MAX + I);
      m.push(f * M_MAX);
    }
  }
  const p: EvalModParams = { ...DEFAULT_EVAL_MOD, doubleAngles: 4 };
  const plain = maxAbsDiff(evalModPlain(x, p), m);
  const corrected = maxAbsDiff(evalModPlain(x, { ...p, arcsine: 3 }), m);
  // (2 pi)^2 / 6 (m/q0)^3 = 6.58 * 2^-30: the sine's own error, which the polynomial reproduces
  assert.ok(plain > 6 * 2 ** -30, `uncorrected 2^${Math.log2(plain).toFixed(2)}`);
  assert.ok(corrected < 2 ** -40, `corrected 2^${Math.log2(corrected).toFixed(2)}`);
  assert.is(evalModDepth({ ...p, arcsine: 3 }) - evalModDepth(p), 2);
  // with outputScale (results in message units) the coefficient follows: the same relative correction
  const scaled = maxAbsDiff(
    evalModPlain(x, { ...p, outputScale: 1024, arcsine: 3 }),
    Float64Array.from(m, (v) => v * 1024),
  );
  assert.ok(scaled < 1024 * 2 ** -40, `scaled 2^${Math.log2(scaled).toFixed(2)}`);
});

test('outputScale multiplies the result (folded into the double angles)', () => {
  const { x, m } = overflowInputs(2000, 3);
  const p: EvalModParams = { ...DEFAULT_EVAL_MOD, outputScale: 1024 };
  assert.ok(
    maxAbsDiff(
      evalModPlain(x, p),
      m.map((v) => v * 1024),
    ) <
      1024 * 2 ** -20,
  );
});

test('encrypted Chebyshev series equals Clenshaw for degrees 1..40 and uses ceil(log2(deg + 1)) levels', async () => {
  const s = await sharedSession('sim', 'n15');
  const rng = uniformRng(4);
  const u = Float64Array.from({ length: s.ev.slots }, () => 2 * rng() - 1);
  const ct = s.client.encrypt(u);
  for (const d of [1, 2, 3, 4, 7, 8, 9, 16, 17, 31, 32, 40]) {
    const c = Array.from({ length: d + 1 }, () => 2 * rng() - 1);
    const r = chebyshevCt(s.ev, ct, c);
    assert.is(ct.level - r.level, Math.ceil(Math.log2(d + 1)), `degree ${d}`);
    const got = s.client.decrypt(r);
    assert.ok(
      maxAbsDiff(
        got,
        u.map((v) => chebyshevScalar(c, v)),
      ) < 1e-9,
      `degree ${d}`,
    );
    s.ev.free(r);
  }
  s.ev.free(ct);
});

for (const noise of [false, true]) {
  test(`encrypted EvalMod on sim (noise ${noise ? 'on' : 'off'}) matches float64 and consumes evalModDepth levels`, async () => {
    const s = await sharedSession('sim', 'n15', { noise, seed: 7 });
    const preset = resolvePreset('n15');
    const { x, m } = overflowInputs(s.ev.slots, 5);
    for (const p of [DEFAULT_EVAL_MOD, { ...DEFAULT_EVAL_MOD, doubleAngles: 4, arcsine: 3 as const }]) {
      const want = evalModPlain(x, p);
      for (const prescaled of [false, true]) {
        const input = prescaled ? x.map((v) => v / evalModBound(p)) : x;
        const ct = s.client.encrypt(input);
        const y = evalModCt(s.ev, ct, p, prescaled);
        assert.is(ct.level - y.level, evalModDepth(p, prescaled));
        const got = s.client.decrypt(y);
        const err = maxAbsDiff(got, want);
        // noise off: only float64 rounding; on: an input error dx reaches the output as dx (the
        // sine's slope), and x is u * B, so the bound scales with B; one bound per operation
        const ops = 2 * p.degree + 2 * p.doubleAngles + 1 + (p.arcsine === 3 ? 4 : 0);
        const bound = noise ? errorBound(preset, ops, evalModBound(p)) : 1e-9;
        assert.ok(err < bound, `${JSON.stringify(p)} prescaled ${prescaled}: error ${err} >= ${bound}`);
        if (noise) assert.ok(maxAbsDiff(got, m) < bound + 2 ** -20);
        s.ev.free(ct);
        s.ev.free(y);
      }
    }
  });
}

test('at an EvalMod scale of 2^50 (Lattigo runs EvalMod on 55-bit primes), the noisy result recovers m within 2^-20', async () => {
  // N=32768, 13 primes of 55 bits (835 modulus bits, inside 128-bit security), scale 2^50
  const preset = `custom:N=32768:chain=60-${Array(13).fill(55).join('-')}-60:scale=50`;
  const s = await sharedSession('sim', preset, { noise: true, seed: 9 });
  const { x, m } = overflowInputs(s.ev.slots, 6);
  const p = DEFAULT_EVAL_MOD;
  const ct = s.client.encrypt(x.map((v) => v / evalModBound(p)));
  const y = evalModCt(s.ev, ct, p, true);
  const err = maxAbsDiff(s.client.decrypt(y), m);
  assert.ok(err < 2 ** -20, `error 2^${Math.log2(err).toFixed(2)}`);
  s.ev.free(ct);
  s.ev.free(y);
});

test('Chebyshev coefficients are bounded (no cancellation to amplify noise)', () => {
  const c = evalModChebyshev(DEFAULT_EVAL_MOD);
  assert.ok(Math.max(...c.map(Math.abs)) < 2);
});

test.run();
