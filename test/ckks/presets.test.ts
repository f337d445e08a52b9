/** Presets: named ones, custom ones, and refusals with a reason. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSession } from '../../algorithms/ckks/session';
import { listPresets, resolvePreset } from '../../algorithms/ckks/presets';
import { InputError } from '../../algorithms/errors';

test('named presets have the slots and levels of platform.md and the paper', () => {
  const byName = Object.fromEntries(listPresets().map((p) => [p.name, p]));
  assert.equal([byName.n13!.slots, byName.n13!.levels], [4096, 2]);
  assert.equal([byName.n14!.slots, byName.n14!.levels], [8192, 7]);
  assert.equal([byName.n15!.slots, byName.n15!.levels], [16384, 19]);
  assert.equal([byName.fgb!.slots, byName.fgb!.levels], [32768, 12]);
});

test('an insecure chain is refused with the limit it breaks', () => {
  assert.throws(
    () => resolvePreset('custom:N=8192:chain=60-60-60-60:scale=40'),
    (e: unknown) => e instanceof InputError && /insecure chain: 240 modulus bits exceed 218/.test((e as Error).message),
  );
});

test('malformed and unknown presets name the input', () => {
  assert.throws(() => resolvePreset('n99'), /unknown preset 'n99'/);
  assert.throws(() => resolvePreset('custom:N=1000:chain=30-30'), /not a power of two/);
  assert.throws(() => resolvePreset('custom:N=8192:chain=60-x-60'), /chain/);
  assert.throws(() => resolvePreset('custom:N=8192:depth=3'), /unknown field 'depth'/);
});

test('a custom secure preset runs on seal; fgb is refused by seal', async () => {
  const p = resolvePreset('custom:N=8192:chain=50-30-30-50:scale=30');
  assert.is(p.levels, 2);
  const s = await createSession('seal', p);
  const be = s.ev;
  be.scope(() => {
    const d = s.client.decrypt(be.mul(s.client.encrypt([0.5]), s.client.encrypt([0.5])));
    assert.ok(Math.abs(d[0]! - 0.25) < 1e-3);
  });
  s.dispose();
  await createSession('seal', 'fgb').then(
    () => assert.unreachable('fgb on seal'),
    (e: Error) => {
      assert.instance(e, InputError);
      assert.match(e.message, /cannot run on backend seal/);
    },
  );
  await createSession('gpu', 'n13').then(
    () => assert.unreachable(),
    (e: Error) => assert.match(e.message, /unknown CKKS backend 'gpu'/),
  );
});

test('a vector longer than the slots is refused with its length', async () => {
  const s = await createSession('sim', 'n13');
  assert.throws(() => s.client.encrypt(new Float64Array(4097)), /length 4097 does not fit in 4096 slots/);
});

test.run();
