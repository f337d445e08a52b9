/** Each softmax building block against its closed form on a grid (float64), with the bounds the spec's parameters give. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compPlain, maxPlain, tournamentPlain } from '../../algorithms/softmax/compare';
import { HETAL_DOMAIN, coveredRange, domainExtendPlain, preciseC } from '../../algorithms/softmax/domain';
import { EXP12, EXP8, expPowPlain } from '../../algorithms/softmax/exp';
import { approxInversePlain } from '../../algorithms/softmax/inverse';

const grid = (lo: number, hi: number, n: number) => Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const apply = (f: (x: Float64Array, out: Float64Array) => Float64Array, x: Float64Array) => f(x, new Float64Array(x.length));

test('f o g o g approximates sign: within 0.013 for 0.05 <= |x| <= 1, bounded by 1 on [-1, 1]', () => {
  for (const [lo, hi, s] of [
    [0.05, 1, 1],
    [-1, -0.05, -1],
  ] as const) {
    const y = apply(compPlain, grid(lo, hi, 20001));
    for (const v of y) assert.ok(Math.abs(v - s) <= 0.013, `comp ${v}`);
  }
  for (const v of apply(compPlain, grid(-1, 1, 20001))) assert.ok(Math.abs(v) <= 1);
});

test('approximate max of two values in [-1/2, 1/2]: within 0.013 |a - b| + tiny where |a - b| >= 0.05, and symmetric', () => {
  const a = grid(-0.5, 0.5, 1001);
  for (const b0 of [-0.5, -0.2, 0, 0.31, 0.5]) {
    const b = new Float64Array(a.length).fill(b0);
    const m = maxPlain(a, b, new Float64Array(a.length));
    const m2 = maxPlain(b, a, new Float64Array(a.length));
    a.forEach((ai, i) => {
      const d = Math.abs(ai - b0);
      if (d >= 0.05) assert.ok(Math.abs(m[i]! - Math.max(ai, b0)) <= 0.0066 * d + 1e-12, `max(${ai}, ${b0}) = ${m[i]}`);
      else assert.ok(Math.abs(m[i]! - Math.max(ai, b0)) <= d / 2 + 1e-12);
      assert.ok(Math.abs(m[i]! - m2[i]!) < 1e-12, 'symmetric');
    });
  }
});

test('the tournament returns max(max(c0, c1), max(c2, c3)) at class 0', () => {
  const cols = [[0.1], [-0.3], [0.4], [-0.5]].map((v) => Float64Array.from(v));
  const max2 = (x: number, y: number) => maxPlain(Float64Array.of(x), Float64Array.of(y), new Float64Array(1))[0]!;
  const want = max2(max2(0.1, -0.3), max2(0.4, -0.5));
  assert.ok(Math.abs(tournamentPlain(cols, 1)[0]! - want) < 1e-15);
  assert.ok(Math.abs(want - 0.4) < 0.01);
});

test('domain extension with r = 8, L = 2, n = 5 maps [-256, 256] into [-8, 8] (R = 128)', () => {
  assert.is(coveredRange(HETAL_DOMAIN), 128);
  for (const precise of [false, true]) {
    const y = domainExtendPlain(HETAL_DOMAIN, precise, grid(-256, 256, 512001), new Float64Array(512001));
    for (const v of y) assert.ok(Math.abs(v) <= 8 + 1e-9, `image ${v}`);
  }
});

test('domain extension leaves small inputs nearly unchanged; the precise correction removes most of the change', () => {
  // |DE(x) - x| ~ (4/27)(4/3) |x|^3 / r^2 = 0.00309 |x|^3 (measured 0.00308 at |x| = 1)
  const x = grid(-1, 1, 20001);
  const de = domainExtendPlain(HETAL_DOMAIN, false, x, new Float64Array(x.length));
  const dp = domainExtendPlain(HETAL_DOMAIN, true, x, new Float64Array(x.length));
  x.forEach((v, i) => {
    assert.ok(Math.abs(de[i]! - v) <= 0.0031 * Math.abs(v) ** 3 + 1e-15);
    assert.ok(Math.abs(dp[i]! - v) <= 7.2e-5, `precise at ${v}: ${dp[i]! - v}`);
  });
  assert.ok(Math.abs(preciseC(HETAL_DOMAIN) - (4 / 27) * (1023 / 768)) < 1e-15);
});

test('exp: p8(x/8)^8 within relative 6e-7 of exp on [-8, 8]; p12(x/64)^64 within 5e-11 on [-8, 8] and 6e-8 on [-64, 64]', () => {
  const check = (coeffs: readonly number[], sq: number, lo: number, hi: number, bound: number) => {
    const x = grid(lo, hi, 20001);
    const y = expPowPlain(
      coeffs,
      sq,
      x.map((v) => v / 2 ** sq),
      new Float64Array(x.length),
    );
    x.forEach((v, i) => assert.ok(Math.abs(y[i]! / Math.exp(v) - 1) <= bound, `exp(${v})`));
  };
  check(EXP8, 3, -8, 8, 6e-7);
  check(EXP12, 6, -8, 8, 5e-11);
  check(EXP12, 6, -64, 64, 6e-8);
});

test('the inverse (R = 100, 16 steps) is accurate on (0, 200): relative 3e-6 on [0.01, 199.99], 2e-13 on [0.05, 199.95]', () => {
  for (const [lo, hi, bound] of [
    [0.01, 199.99, 3e-6],
    [0.05, 199.95, 2e-13],
  ] as const) {
    const z = grid(lo, hi, 20001);
    const v = approxInversePlain(z, 100, 16, new Float64Array(z.length));
    z.forEach((zi, i) => assert.ok(Math.abs(v[i]! * zi - 1) <= bound, `1/${zi}`));
  }
  // outside (0, 2R) it diverges
  const far = approxInversePlain(Float64Array.of(250), 100, 16, new Float64Array(1));
  assert.ok(!(Math.abs(far[0]! * 250 - 1) < 0.5));
});

test.run();
