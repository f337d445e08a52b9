/**
 * The bootstrap refresher (algorithms/ckks/bootstrap/refresher.ts) through a session made with
 * `refresh: 'bootstrap'`: the keys include the encapsulation keys and the bootstrap's rotations,
 * a refresh brings a real ciphertext from level 0 to the bootstrap's output level (or the level
 * asked) within the bootstrap's measured precision, is counted as a refresh that moves no bytes
 * (the transcript has no refresh messages) and runs a ModRaise; the simulator's model
 * (`bootstrap-model`) counts exactly what the bootstraps it stands for count and adds noise of the
 * first one's measured size; insecure presets, presets without a bootstrap, more logical slots
 * than a sparse bootstrap's period and the model off the simulator are refused with the flag at
 * fault (test/bootstrap/sparse-train.test.ts trains with a sparse bootstrap).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { precisionBits } from '../../algorithms/ckks/precision';
import { createSession } from '../../algorithms/ckks/session';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff, refused } from '../helpers/backends';

test('refresh: bootstrap on sim (boot11-sim): level 0 to the output level, values kept, counted, no messages', async () => {
  const s = await createSession('sim', 'boot11-sim', { insecure: true, noise: true, seed: 2, refresh: 'bootstrap' });
  assert.is(s.rf.kind, 'bootstrap');
  assert.is(s.rf.outputLevel, 5);
  assert.is(s.evaluationKeys.bootstrap?.sparseWeight, 32);
  const v = uniformArray(uniformRng(3), s.ev.slots, -1, 1);
  const ct = s.client.encrypt(v, 0);
  const before = s.ev.counts();
  const messages = s.transcript.summary();
  const out = s.rf.refresh(ct);
  assert.is(out.level, 5);
  // boot11-sim's bootstrap: 14.2 bits worst measured (test/bootstrap/bootstrapper.test.ts)
  assert.ok(precisionBits(maxAbsDiff(s.client.decrypt(out), v)) >= 13);
  const c = s.ev.counts();
  assert.is(c.refresh - before.refresh, 1);
  assert.is(c.refreshBytes - before.refreshBytes, 0);
  assert.is(c.modraise - before.modraise, 1);
  assert.ok(c.refreshMs > before.refreshMs);
  assert.is(s.transcript.summary().byPurpose.refresh, messages.byPurpose.refresh);
  assert.is(s.rf.refresh(ct, 2).level, 2);
  assert.throws(() => s.rf.refresh(ct, 6), /outside 0..5/);
  s.dispose();
});

test('the simulator model (bootstrap-model): the counts of the bootstraps it stands for, noise of the measured size', async () => {
  const opts = { insecure: true, noise: true, seed: 4 } as const;
  const full = await createSession('sim', 'boot11-sim', { ...opts, refresh: 'bootstrap' });
  const model = await createSession('sim', 'boot11-sim', { ...opts, refresh: 'bootstrap-model' });
  assert.is(model.rf.kind, 'bootstrap-model');
  const rms = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0) / a.length);
  const errs: Record<string, number[]> = { full: [], model: [] };
  for (const [k, level] of [0, 3, 0, 2].entries()) {
    const v = uniformArray(uniformRng(10 + k), full.ev.slots, -1, 1);
    for (const [name, s] of [
      ['full', full],
      ['model', model],
    ] as const) {
      const out = s.rf.refresh(s.client.encrypt(v, level), k === 3 ? 2 : undefined);
      assert.is(out.level, k === 3 ? 2 : 5);
      errs[name]!.push(rms(s.client.decrypt(out), v));
    }
  }
  const { refreshMs: _a, ...fullCounts } = full.ev.counts();
  const { refreshMs: _b, ...modelCounts } = model.ev.counts();
  assert.equal(modelCounts, fullCounts);
  assert.equal(model.ev.levelCounts(), full.ev.levelCounts());
  // the model's later refreshes: Gaussian noise of the first bootstrap's measured rms error
  const first = errs.model![0]!;
  for (const e of errs.model!.slice(1)) assert.ok(e > first / 2 && e < first * 2, `${e} vs ${first}`);
  for (const e of errs.full!) assert.ok(e > first / 3 && e < first * 3, `bootstrap ${e} vs model ${first}`);
  full.dispose();
  model.dispose();
});

test('refusals: an insecure preset without --insecure, no bootstrap, slots beyond a sparse period, an unknown kind', async () => {
  await refused(createSession('sim', 'boot11-sim', { refresh: 'bootstrap' }), /no security claim.*--insecure/);
  await refused(createSession('sim', 'n13', { refresh: 'bootstrap' }), /preset n13 has no bootstrap \(presets with one: boot14-test/);
  // a sparse bootstrap refreshes vectors of its period: the session's logical slots may not exceed it
  await refused(
    createSession('sim', 'boot14-test', { insecure: true, refresh: 'bootstrap', slots: 64 }),
    /bootstraps vectors of period 32, not of 64 logical slots/,
  );
  await refused(createSession('sim', 'n13', { refresh: 'server' as 'client' }), /--refresh server/);
  await refused(createSession('seal', 'boot14-test', { insecure: true, refresh: 'bootstrap-model' }), /simulator only/);
});

test.run();
