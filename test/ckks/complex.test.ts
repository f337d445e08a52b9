/** Two real vectors in one ciphertext (v + i w), separated by conjugation, on both backends. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff, sharedSession } from '../helpers/backends';

for (const id of ['seal', 'sim'] as const) {
  test(`${id}: mulI is exact and level-free; conjugation separates real and imaginary parts`, async () => {
    const s = await sharedSession(id, 'n13');
    const be = s.ev;
    assert.ok(be.supportsComplex);
    const rng = uniformRng(3);
    const u = uniformArray(rng, be.slots, -1, 1),
      v = uniformArray(rng, be.slots, -1, 1),
      w = uniformArray(rng, be.slots, -1, 1);
    be.scope(() => {
      const z = be.add(s.client.encrypt(v), be.mulI(s.client.encrypt(w)));
      assert.is(z.level, be.maxLevel, 'mulI uses no level');
      assert.ok(maxAbsDiff(s.client.decrypt(z), v) < errorBound(be.preset, 2), 'real decoding shows v');
      // one product u * (v + i w) = u v + i u w
      const p = be.mul(s.client.encrypt(u), z);
      const pc = be.conjugate(p);
      const re = be.mulConst(be.add(p, pc), 0.5);
      const im = be.mulConst(be.mulI(be.sub(pc, p)), 0.5);
      const uv = u.map((x, i) => x * v[i]!),
        uw = u.map((x, i) => x * w[i]!);
      const bound = errorBound(be.preset, 6);
      assert.ok(maxAbsDiff(s.client.decrypt(re), uv) < bound, `u*v: ${maxAbsDiff(s.client.decrypt(re), uv)}`);
      assert.ok(maxAbsDiff(s.client.decrypt(im), uw) < bound, `u*w: ${maxAbsDiff(s.client.decrypt(im), uw)}`);
    });
  });
}

test('rotations of complex ciphertexts agree on seal and sim, odd steps included (the fix-up conjugation)', async () => {
  const out: Record<string, Float64Array[]> = {};
  const counts: Record<string, number[]> = {};
  for (const id of ['seal', 'sim'] as const) {
    const s = await sharedSession(id, 'n13');
    const be = s.ev;
    const rng = uniformRng(4);
    const v = uniformArray(rng, be.slots, -1, 1),
      w = uniformArray(rng, be.slots, -1, 1);
    const before = be.counts();
    out[id] = be.scope(() => {
      const z = be.add(s.client.encrypt(v), be.mulI(s.client.encrypt(w)));
      // the imaginary part, -i (conj z - z) / 2... times 2, after each rotation
      const imag = (t: ReturnType<typeof be.rotate>) => s.client.decrypt(be.mulI(be.sub(be.conjugate(t), t)));
      return [1, 2, 3, -1, 100].map((k) => imag(be.rotate(z, k)));
    });
    const after = be.counts();
    counts[id] = [after.rot - before.rot, after.conj - before.conj, after.keyswitch - before.keyswitch];
  }
  assert.equal(counts.seal, counts.sim, 'the same rotations, conjugations and key switches');
  [1, 2, 3, -1, 100].forEach((k, i) => {
    const d = maxAbsDiff(out.seal![i]!, out.sim![i]!);
    assert.ok(d < errorBound({ scaleBits: 40 }, 6, 2), `rotation by ${k}: |seal - sim| = ${d}`);
  });
});

test('a real-only sim refuses complex operations', async () => {
  const s = await sharedSession('sim', 'n13', { realOnly: true });
  const be = s.ev;
  assert.not.ok(be.supportsComplex);
  be.scope(() => {
    const x = s.client.encrypt([1]);
    assert.throws(() => be.mulI(x), /real-only/);
    assert.throws(() => be.conjugate(x), /real-only/);
  });
});

test.run();
