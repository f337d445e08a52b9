import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gaussian, makeRng, shuffleInPlace } from '../../datasets/random';

test('makeRng: same seed, same stream; uniform in [0, 1)', () => {
  const a = makeRng(42);
  const b = makeRng(42);
  for (let i = 0; i < 1000; i++) {
    const x = a();
    assert.is(x, b());
    assert.ok(x >= 0 && x < 1);
  }
});

test('makeRng: different seeds give different streams', () => {
  const a = makeRng(1);
  const b = makeRng(2);
  const same = Array.from({ length: 100 }, () => a() === b()).filter(Boolean).length;
  assert.ok(same < 5);
});

test('gaussian: mean about 0 and variance about 1', () => {
  const rng = makeRng(7);
  const n = 20000;
  const draws = Array.from({ length: n }, () => gaussian(rng));
  const mean = draws.reduce((s, v) => s + v, 0) / n;
  const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
});

test('shuffleInPlace: a seeded permutation', () => {
  const shuffled = shuffleInPlace(
    Array.from({ length: 50 }, (_, i) => i),
    makeRng(3),
  );
  assert.equal(
    [...shuffled].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(
    shuffled,
    shuffleInPlace(
      Array.from({ length: 50 }, (_, i) => i),
      makeRng(3),
    ),
  );
  assert.not.equal(
    shuffled,
    Array.from({ length: 50 }, (_, i) => i),
  );
});

test.run();
