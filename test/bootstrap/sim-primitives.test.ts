/**
 * The bootstrap's server-side primitives on the simulator (algorithms/ckks/sim.ts), through the
 * counting layer: ModRaise adds q0/D times the slots of an integer polynomial I of all N
 * coefficients (checked by decoding the raised slots back to coefficients: integers, as large as
 * SEAL's with the dense secret and max |I| about 7 under a sparse secret of h = 32), lands at the
 * top level and is counted at level 0; the encapsulation key switches keep the message and are
 * counted at their levels; a ciphertext under the sparse secret refuses key switches and
 * decryption; an evaluator without bootstrap keys refuses switchKey.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BootstrapUnsupportedError } from '../../algorithms/ckks/base';
import { decodeCoeffs, decodeCoeffsFast, encodeCoeffs } from '../../algorithms/ckks/bootstrap/embedding';
import { validatePreset } from '../../algorithms/ckks/presets';
import { createSession } from '../../algorithms/ckks/session';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff } from '../helpers/backends';
import { decryptComplex } from './_complex';

// N = 1024 (512 slots): small enough to decode every raised slot back to its N coefficients (sim only: no security claim)
const PRESET = validatePreset({
  name: 'raise1024',
  description: 'sim N=1024, chain 60-50-50-60, scale 2^50',
  ringDegree: 1024,
  chainBits: [60, 50, 50, 60],
  scaleBits: 50,
  backends: ['sim'],
});

/** The coefficients of I from a raised ciphertext's slots: (raised - input) / (q0 / D), decoded. */
function overflowCoeffs(got: { re: Float64Array; im: Float64Array }, input: Float64Array, unit: number): Float64Array {
  const re = got.re.map((v, i) => (v - input[i]!) / unit);
  const im = got.im.map((v) => v / unit);
  return encodeCoeffs(re, im, re.length);
}

test('the fast decoding (one FFT) equals the embedding by definition', () => {
  const rng = uniformRng(9);
  for (const g of [5, 3]) {
    for (const n of [2, 16, 128]) {
      const m = uniformArray(rng, 2 * n, -8, 8).map(Math.round);
      const a = decodeCoeffs(m, n, g),
        b = decodeCoeffsFast(m, n, g);
      assert.ok(maxAbsDiff(a.re, b.re) < 1e-9 && maxAbsDiff(a.im, b.im) < 1e-9, `g ${g} n ${n}`);
    }
  }
});

for (const sparse of [false, true]) {
  test(`sim ModRaise ${sparse ? 'under the sparse secret (h = 32)' : 'with the dense secret'}: m + q0*I at the top level, I integral of the measured size`, async () => {
    const s = await createSession('sim', PRESET, { seed: 3, ...(sparse ? { keyOptions: { bootstrap: { sparseWeight: 32 } } } : {}) });
    const ev = s.ev;
    assert.is(ev.bootstrapSupport.modRaise, true);
    assert.is(ev.bootstrapSupport.encapsulation, sparse);
    assert.is(ev.bootstrapSupport.raiseUnit, 2 ** 10);
    const v = uniformArray(uniformRng(1), ev.slots, -1, 1);
    const before = ev.counts();
    let ct = s.client.encrypt(v, 0);
    if (sparse) ct = ev.switchKey(ct, 'toSparse');
    let raised = ev.modRaise(ct);
    assert.is(raised.level, ev.maxLevel);
    assert.is(raised.complex, true);
    if (sparse) {
      assert.throws(() => ev.rotate(raised, 1), /sparse secret/);
      assert.throws(() => s.client.decrypt(raised), /sparse secret/);
      raised = ev.switchKey(raised, 'toDense');
    }
    const I = overflowCoeffs(decryptComplex(ev, s.client, raised), v, ev.bootstrapSupport.raiseUnit);
    assert.ok(
      maxAbsDiff(
        I,
        I.map((x) => Math.round(x)),
      ) < 1e-6,
      'I is an integer polynomial',
    );
    const maxI = Math.max(...I.map(Math.abs));
    const rms = Math.sqrt(I.reduce((a, x) => a + x * x, 0) / I.length);
    if (sparse) {
      // h + 1 = 33 uniforms on [-1/2, 1/2]: sd 1.66; over 1024 coefficients the max is about 3.3 sd
      assert.ok(maxI >= 3 && maxI <= 10, `max |I| ${maxI}`);
    } else {
      // SEAL's dense ternary secret: rms sqrt((2N/3 + 1)/12) = 7.5 at N = 1024 (sqrt(N/18) as measured)
      assert.ok(Math.abs(rms - Math.sqrt(1024 / 18)) < 1, `rms |I| ${rms}`);
    }
    const c = ev.counts();
    assert.is(c.modraise - before.modraise, 1);
    assert.is(c.switchKey - before.switchKey, sparse ? 2 : 0);
    const byLevel = ev.levelCounts();
    assert.is(byLevel.modraise?.[0], 1);
    if (sparse) {
      assert.is(byLevel.switchKey?.[0], 1);
      assert.is(byLevel.switchKey?.[ev.maxLevel], 1);
    }
    s.dispose();
  });
}

test('sim encapsulation: the message is unchanged up to key-switch noise; level and key checks', async () => {
  const s = await createSession('sim', PRESET, { seed: 4, noise: true, keyOptions: { bootstrap: { sparseWeight: 32 } } });
  const ev = s.ev;
  const v = uniformArray(uniformRng(2), ev.slots, -1, 1);
  const top = s.client.encrypt(v);
  assert.throws(() => ev.switchKey(top, 'toSparse'), /level 0/);
  assert.throws(() => ev.switchKey(top, 'toDense'), /not under the sparse secret/);
  assert.throws(() => ev.modRaise(top), /level 0/);
  const sp = ev.switchKey(ev.dropTo(top, 0), 'toSparse');
  const back = ev.switchKey(sp, 'toDense');
  // two key switches of 13000/2^50 sd each
  assert.ok(maxAbsDiff(s.client.decrypt(back), v) < 2 ** -30);
  s.dispose();
});

test('an evaluator without bootstrap keys refuses switchKey; a sim key owner refuses a bad weight', async () => {
  const s = await createSession('sim', PRESET, { seed: 5 });
  const ct = s.client.encrypt([1, 2], 0);
  assert.throws(
    () => s.ev.switchKey(ct, 'toSparse'),
    (e: unknown) => e instanceof BootstrapUnsupportedError,
  );
  s.dispose();
  await createSession('sim', PRESET, { keyOptions: { bootstrap: { sparseWeight: 0 } } }).then(
    () => assert.unreachable('weight 0 accepted'),
    (e: Error) => assert.match(e.message, /weight 0/),
  );
});

test.run();
