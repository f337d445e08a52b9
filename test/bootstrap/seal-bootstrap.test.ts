/**
 * The bootstrap pipeline (algorithms/ckks/bootstrap/bootstrapper.ts) on real SEAL at the test
 * preset boot14-test (N=16384, no security, sparse packing of 32 complex slots, scale 2^52, EvalMod
 * with its arcsine correction, chained rotation keys): a random input in [-1, 1] (real and
 * imaginary parts) comes back with >= 15 bits of precision in every slot, the bar
 * (measured 19.9 worst, 22.0 mean; 15.2-16.4 worst at scale 2^50 before the correction) at the
 * bootstrap's output level (5 levels left, what a training step needs), and the seal run performs
 * exactly the operations the simulator's run of the same
 * bootstrap counts. Also, at n13: the seal evaluator holding the encapsulation keys holds nothing
 * secret, and an evaluator without them is refused by the bootstrapper.
 * Key generation (7 Galois keys and the encapsulation keys, 121 MB each) takes most of this file's 30 s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Bootstrapper, bootstrapRotationSteps } from '../../algorithms/ckks/bootstrap/bootstrapper';
import { replicate } from '../../algorithms/ckks/bootstrap/linear-transform';
import { precisionBits } from '../../algorithms/ckks/precision';
import { resolvePreset } from '../../algorithms/ckks/presets';
import type { SealEvaluator } from '../../algorithms/ckks/seal';
import { createSession } from '../../algorithms/ckks/session';
import { type OpCounts, diffCounts } from '../../algorithms/ckks/types';
import { InputError } from '../../algorithms/errors';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { decryptComplex, encryptComplex } from './_complex';

/** One bootstrap of a random complex input on `backend`: its op counts, output level and worst error. */
async function bootstrapOnce(backend: 'seal' | 'sim'): Promise<{ counts: OpCounts; level: number; worst: number; depth: number }> {
  const preset = resolvePreset('boot14-test');
  const params = preset.bootstrap!;
  const s = await createSession(backend, preset, {
    insecure: true,
    noise: true,
    seed: 3,
    rotationKeys: 'declared',
    rotationSteps: bootstrapRotationSteps(params),
    keyOptions: { bootstrap: { sparseWeight: params.sparseWeight } },
  });
  try {
    const ev = s.ev;
    const b = new Bootstrapper(ev, params);
    const rng = uniformRng(7);
    const n = params.n;
    const re = uniformArray(rng, n, -1, 1),
      im = uniformArray(rng, n, -1, 1);
    const ct = ev.dropTo(encryptComplex(ev, s.client, re, im, n), 0);
    const before = ev.counts();
    const out = b.bootstrap(ct);
    const counts = diffCounts(ev.counts(), before);
    const got = decryptComplex(ev, s.client, out);
    const wantRe = replicate(re, n, ev.slots),
      wantIm = replicate(im, n, ev.slots);
    let worst = 0;
    for (let i = 0; i < ev.slots; i++) worst = Math.max(worst, Math.hypot(got.re[i]! - wantRe[i]!, got.im[i]! - wantIm[i]!));
    return { counts, level: out.level, worst, depth: params.depth };
  } finally {
    s.dispose();
  }
}

test('bootstrap on seal at boot14-test: >= 15 bits in every slot, >= 4 levels left, the same op counts as on sim', async () => {
  const seal = await bootstrapOnce('seal');
  const sim = await bootstrapOnce('sim');
  const preset = resolvePreset('boot14-test');
  assert.is(seal.level, preset.bootstrap!.outputLevel);
  assert.ok(seal.level >= 4, `levels left ${seal.level}`);
  assert.is(preset.levels - seal.level, seal.depth);
  // the bar; measured 19.9 bits worst over the 8192 slots (22.0 mean)
  assert.ok(precisionBits(seal.worst) >= 15, `precision ${precisionBits(seal.worst).toFixed(2)} bits`);
  // one pipeline, one counting layer: the seal run is the simulated one, operation for operation
  assert.equal(seal.counts, sim.counts);
  assert.is(seal.counts.modraise, 1);
  assert.is(seal.counts.switchKey, 2);
});

test('at n13: with encapsulation keys the seal evaluator holds nothing secret; without them the bootstrapper refuses it', async () => {
  const s = await createSession('seal', 'n13', { rotationSteps: [1], keyOptions: { bootstrap: { sparseWeight: 32 } } });
  try {
    const ev = s.ev.inner as SealEvaluator;
    assert.ok(s.evaluationKeys.bootstrap && s.evaluationKeys.bootstrap.toDense.byteLength > 0);
    assert.ok(ev.bootstrapSupport.encapsulation && ev.bootstrapSupport.sparseWeight === 32);
    const names = ev.nativeObjects().map((o) => (o.object.instance as { constructor: { name: string } }).constructor.name);
    assert.ok(names.filter((x) => x === 'RelinKeys').length >= 3, names.join(', '));
    for (const n of names) assert.not.ok(['SecretKey', 'KeyGenerator', 'Encryptor', 'Decryptor'].includes(n), `the evaluator holds a ${n}`);
  } finally {
    s.dispose();
  }
  const plain = await createSession('seal', 'n13', { rotationSteps: [1] });
  try {
    assert.not.ok(plain.ev.bootstrapSupport.encapsulation);
    assert.ok(plain.ev.bootstrapSupport.modRaise);
    const params = resolvePreset('boot14-test').bootstrap!;
    assert.throws(
      () => new Bootstrapper(plain.ev, params),
      (e: unknown) => e instanceof InputError && /no encapsulation keys/.test((e as Error).message),
    );
    const x = plain.client.encrypt([1], 0);
    assert.throws(() => plain.ev.switchKey(x, 'toSparse'), /no bootstrap \(encapsulation\) keys/);
  } finally {
    plain.dispose();
  }
});

test.run();
