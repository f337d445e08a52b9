/** Two real vectors in one ciphertext (v + i w), separated by conjugation; complex plaintexts, real parts and conjugated rotations; on both backends. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import { type Ct, diffCounts } from '../../algorithms/ckks/types';
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

test('complex plaintexts, real parts and conjugated rotations: values, flags and counts agree on seal and sim', async () => {
  const got: Record<string, { values: Float64Array[]; counts: number[]; flags: boolean[] }> = {};
  for (const id of ['seal', 'sim'] as const) {
    const s = await sharedSession(id, 'n13');
    const be = s.ev;
    s.ensureRotationKeys([1, 2]);
    const rng = uniformRng(9);
    const [v, w, m1, m2] = [0, 1, 2, 3].map(() => uniformArray(rng, be.slots, -1, 1)) as Float64Array[];
    const before = be.counts();
    // the imaginary part of z is -Re(i·z)
    const parts = (z: Ct) => [s.client.decrypt(z), s.client.decrypt(be.mulI(z)).map((x) => -x)];
    const { values, flags } = be.scope(() => {
      const z = be.add(s.client.encrypt(v!), be.mulI(s.client.encrypt(w!)));
      const mask = be.encode(m1!, be.maxLevel, m2!);
      assert.ok(
        mask.complex && !be.encode(m1!, be.maxLevel, new Float64Array(4)).complex,
        'an all-zero imaginary part is a real plaintext',
      );
      const p = be.mulPlain(z, mask); // (v + i w)(m1 + i m2)
      const real = be.twiceRealPart(p);
      const odd = be.rotateConjugate(p, 1);
      const even = be.rotateConjugate(p, 2);
      const afterReal = be.rotate(real, 1); // no fix-up: real is marked real
      const refreshed = s.rf.refresh(real);
      assert.throws(() => s.rf.refresh(p), /may hold imaginary parts/, 'a complex ciphertext is not refreshed (it would lose them)');
      return {
        flags: [z.complex, p.complex, real.complex, odd.complex, afterReal.complex, refreshed.complex],
        values: [p, real, odd, even, refreshed].flatMap(parts),
      };
    });
    const d = diffCounts(be.counts(), before);
    got[id] = { values, flags, counts: [d.cmult, d.rot, d.conj, d.keyswitch, d.refresh] };
    // float64 expectations
    const re = v!.map((x, k) => x * m1![k]! - w![k]! * m2![k]!),
      im = v!.map((x, k) => x * m2![k]! + w![k]! * m1![k]!);
    const rot = (u: Float64Array, st: number) => u.map((_x, k) => u[(k + st) % u.length]!);
    const zero = new Float64Array(be.slots);
    const want = [re, im, re.map((x) => 2 * x), zero, rot(re, 1), rot(im, 1).map((x) => -x), rot(re, 2), rot(im, 2).map((x) => -x)];
    want.push(
      re.map((x) => 2 * x),
      zero,
    );
    const bound = errorBound(be.preset, 8, 4);
    want.forEach((u, i) => {
      const e = maxAbsDiff(values[i]!, u);
      assert.ok(e < bound, `${id}: part ${i} errs by ${e}`);
    });
    assert.equal(flags, [true, true, false, true, false, false], `${id}: which ciphertexts may hold imaginary parts`);
  }
  assert.equal(got.seal!.counts, got.sim!.counts);
  // rotateConjugate: odd step 1 key switch and no conjugation, even step 2; twiceRealPart 1; a real rotated by 1: 1
  assert.equal(got.sim!.counts, [1, 3, 2, 5, 1]);
});

test('a real-only sim refuses complex operations', async () => {
  const s = await sharedSession('sim', 'n13', { realOnly: true });
  const be = s.ev;
  assert.not.ok(be.supportsComplex);
  be.scope(() => {
    const x = s.client.encrypt([1]);
    assert.throws(() => be.mulI(x), /real-only/);
    assert.throws(() => be.conjugate(x), /real-only/);
    assert.throws(() => be.twiceRealPart(x), /real-only/);
    assert.throws(() => be.rotateConjugate(x, 1), /real-only/);
    assert.throws(() => be.encode([1], be.maxLevel, [1]), /real-only/);
  });
});

test.run();
