/**
 * Training with a sparse bootstrap on logical slots (issue 16): at boot14-test (N=16384, a sparse
 * bootstrap of 32 slots, 5 levels left) a session with `refresh: 'bootstrap'` runs on 32 logical
 * slots (algorithms/ckks/types.ts: every vector repeated with period 32 over the ring's 8192
 * slots), so the training layout plans blocks of s0 x s1 = 32 and every refresh is a bootstrap
 * of that period. On the simulator with SEAL-sized noise, one encrypted step (batch 8, one block
 * row) ends with weights within one bootstrap's precision, measured in the same session, of its
 * float64 twin (the same approximation and schedule), the validation loss within the bound, no byte sent to
 * the key owner for a refresh, and one ModRaise per refresh. A bootstrap returns a real input as a
 * real ciphertext (no imaginary part, so no fix-up conjugations later). Sessions with more logical
 * slots than the bootstrap's period are refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootstrapErrorBound } from '../../algorithms/ckks/bootstrap/bootstrapper';
import { precisionBits } from '../../algorithms/ckks/precision';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { createSession } from '../../algorithms/ckks/session';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { getSoftmax } from '../../algorithms/softmax/registry';
import { trainEncrypted } from '../../algorithms/training/encrypted';
import { resolveHyper } from '../../algorithms/training/hyper';
import { trainPlain } from '../../algorithms/training/plain';
import { loadDataset } from '../../datasets';
import { maxAbsDiff, refused } from '../helpers/backends';

const PRESET = 'boot14-test';

test('boot14-test with --refresh bootstrap: 32 logical slots, a real input bootstrapped to a real ciphertext at level 5', async () => {
  const s = await createSession('sim', PRESET, { insecure: true, noise: true, seed: 3, refresh: 'bootstrap' });
  try {
    assert.is(s.ev.slots, 32);
    assert.is(s.ev.ringSlots, 8192);
    assert.is(s.rf.outputLevel, 5);
    const v = uniformArray(uniformRng(4), 32, -1, 1);
    const before = s.ev.counts();
    const out = s.rf.refresh(s.client.encrypt(v, 0));
    assert.is(out.level, 5);
    assert.is(out.complex, false);
    const params = resolvePreset(PRESET).bootstrap!;
    const err = maxAbsDiff(s.client.decrypt(out), v);
    assert.ok(err <= bootstrapErrorBound(params, resolvePreset(PRESET)), `error ${err}`);
    // measured 17 bits and more on the simulator at this preset; the bar is 15
    assert.ok(precisionBits(err) >= 15, `precision ${precisionBits(err).toFixed(2)} bits`);
    const c = s.ev.counts();
    assert.is(c.modraise - before.modraise, 1);
    assert.is(c.refreshBytes - before.refreshBytes, 0);
  } finally {
    s.dispose();
  }
});

test("one training step at boot14-test on sim with bootstraps matches its float64 twin within one bootstrap's measured precision", async () => {
  const dataset = 'synthetic:n=10,d=3,c=2,sep=3';
  const data = await loadDataset(dataset, { seed: 1 });
  const hyper = resolveHyper(dataset, { batch: 8, epochs: 1, seed: 1 });
  const softmax = getSoftmax('hetal');
  const twin = trainPlain(data, hyper, (z, rows, classes) => softmax.plain(z, rows, classes));
  const s = await createSession('sim', PRESET, { insecure: true, noise: true, seed: 1, refresh: 'bootstrap' });
  try {
    const enc = await trainEncrypted(s, data, hyper, softmax);
    assert.is(enc.steps, 1);
    assert.equal(enc.block, { s0: 8, s1: 4, cPad: 2, colBlocks: 1, rowBlocks: 1 });
    assert.ok(enc.ops.refresh > 0 && enc.ops.modraise === enc.ops.refresh, `${enc.ops.refresh} refreshes, ${enc.ops.modraise} ModRaises`);
    assert.is(enc.ops.refreshBytes, 0);
    assert.is(s.transcript.summary().byPurpose.refresh, undefined);
    // Tolerance: the issue's, the precision of a bootstrap measured in the same session (4 random
    // real vectors in [-1, 1] over the 32 slots: 3.5e-7 worst, 21.4 bits), and below that one
    // bootstrap's worst-case error bound (bootstrapper.ts; 1.25e-5 here). The step's 17 bootstraps
    // reach the weights through the softmax and the update's lr/batch = 1/8 over 7 rows: measured
    // 2.3e-7. Without EvalMod's arcsine correction (scale 2^50) the sine's bias on the softmax's
    // nearly constant vectors made it 6.3e-5 against a bootstrap's 4.1e-6.
    const rng = uniformRng(7);
    let measured = 0;
    for (let k = 0; k < 4; k++) {
      const probe = uniformArray(rng, s.ev.slots, -1, 1);
      const back = s.ev.scope(() => s.client.decrypt(s.rf.refresh(s.client.encrypt(probe, 0))));
      measured = Math.max(measured, maxAbsDiff(back, probe));
    }
    const bound = bootstrapErrorBound(resolvePreset(PRESET).bootstrap!, resolvePreset(PRESET));
    assert.ok(measured < bound && precisionBits(measured) >= 15, `one bootstrap errs by ${measured}`);
    const dev = maxAbsDiff(enc.weights, twin.weights.data);
    assert.ok(dev <= measured, `weights deviate by ${dev}, one bootstrap by ${measured}`);
    // the validation loss, one row's, passes through a second forward pass with its own bootstraps
    // and a log, with no average over rows: within the worst-case bound (measured 4.4e-7)
    assert.ok(Math.abs(enc.valLosses[0]! - twin.valLosses[0]!) <= bound, `validation loss ${enc.valLosses[0]} vs ${twin.valLosses[0]}`);
    assert.is(enc.valAccuracy, 1);
  } finally {
    s.dispose();
  }
});

test('logical slots: more than the sparse bootstrap period, or not a power of two, are refused', async () => {
  await refused(createSession('sim', PRESET, { insecure: true, refresh: 'bootstrap', slots: 64 }), /period 32, not of 64 logical slots/);
  await refused(createSession('sim', 'n13', { slots: 48 }), /slots 48: the logical slots must be a power of two in 2\.\.4096/);
  await refused(createSession('sim', 'n13', { slots: 8192 }), /slots 8192/);
  // fewer than the period is fine: a period-16 vector has period 32
  const s = await createSession('sim', PRESET, { insecure: true, refresh: 'bootstrap', slots: 16 });
  assert.is(s.ev.slots, 16);
  s.dispose();
});

test.run();
