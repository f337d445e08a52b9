/** Two real vectors in one ciphertext (v + i w), separated by conjugation, on both backends. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff, sharedBackend } from '../helpers/backends';

for (const id of ['seal', 'sim'] as const) {
  test(`${id}: mulI is exact and level-free; conjugation separates real and imaginary parts`, async () => {
    const be = await sharedBackend(id, 'n13');
    assert.ok(be.supportsComplex);
    const rng = uniformRng(3);
    const u = uniformArray(rng, be.slots, -1, 1), v = uniformArray(rng, be.slots, -1, 1), w = uniformArray(rng, be.slots, -1, 1);
    be.scope(() => {
      const z = be.add(be.encrypt(v), be.mulI(be.encrypt(w)));
      assert.is(z.level, be.maxLevel, 'mulI uses no level');
      assert.ok(maxAbsDiff(be.decrypt(z), v) < errorBound(be.preset, 2), 'real decoding shows v');
      // one product u * (v + i w) = u v + i u w
      const p = be.mul(be.encrypt(u), z);
      const pc = be.conjugate(p);
      const re = be.mulConst(be.add(p, pc), 0.5);
      const im = be.mulConst(be.mulI(be.sub(pc, p)), 0.5);
      const uv = u.map((x, i) => x * v[i]!), uw = u.map((x, i) => x * w[i]!);
      const bound = errorBound(be.preset, 6);
      assert.ok(maxAbsDiff(be.decrypt(re), uv) < bound, `u*v: ${maxAbsDiff(be.decrypt(re), uv)}`);
      assert.ok(maxAbsDiff(be.decrypt(im), uw) < bound, `u*w: ${maxAbsDiff(be.decrypt(im), uw)}`);
    });
  });
}

test('a real-only sim refuses complex operations', async () => {
  const be = await sharedBackend('sim', 'n13', { realOnly: true });
  assert.not.ok(be.supportsComplex);
  be.scope(() => {
    const x = be.encrypt([1]);
    assert.throws(() => be.mulI(x), /real-only/);
    assert.throws(() => be.conjugate(x), /real-only/);
  });
});

test.run();
