/**
 * The bootstrap pipeline (algorithms/ckks/bootstrap/bootstrapper.ts) on the simulator with noise
 * on, at the test preset boot14-test (N=16384, sparse packing of 32 slots, 20 levels) and at the
 * small full-packing preset boot11-sim (N=2048, all 1024 real slots): random inputs in [-1, 1]
 * come back with the precision asked (>= 15 bits worst over every slot at the test preset) at the
 * bootstrap's output level (5 levels left at the test preset, 5 at boot11-sim), and one bootstrap
 * performs exactly these operations (declared rotation keys, so one key switch per rotation):
 *
 *   boot14-test: modraise 1, switchKey 2, rot 40 (SubSum's 4 steps without a key of their own
 *     as two rotations each: subSumKeys 'alternate'), keyswitch 42 (2 conj: CoeffToSlot's real part
 *     and the fix-up of its one odd baby step, the others chained by 2: rotationKeys 'chained'),
 *     cmult 147, mult 25, relin 25, rescale 172, add 179, levelMatch 16 (the arcsine correction:
 *     one mulConst, two products, one level match)
 *   boot11-sim: modraise 1, switchKey 2, rot 48, keyswitch 54 (6 conj), cmult 207, mult 23,
 *     relin 23, rescale 230, add 231, levelMatch 15
 *
 * Also: the literal's refusals (InputError naming the preset), and an evaluator without
 * encapsulation keys or a complex input to a full packing is refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rotationPlan } from '../../algorithms/ckks/base';
import { Bootstrapper, bootstrapParams, bootstrapRotationSteps } from '../../algorithms/ckks/bootstrap/bootstrapper';
import { replicate } from '../../algorithms/ckks/bootstrap/linear-transform';
import { precisionBits } from '../../algorithms/ckks/precision';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { createSession } from '../../algorithms/ckks/session';
import { type OpCounts, diffCounts } from '../../algorithms/ckks/types';
import { InputError } from '../../algorithms/errors';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { decryptComplex, encryptComplex } from './_complex';

const COUNTS: Record<string, Partial<OpCounts>> = {
  'boot14-test': {
    modraise: 1,
    switchKey: 2,
    rot: 40,
    keyswitch: 42,
    conj: 2,
    cmult: 147,
    mult: 25,
    relin: 25,
    rescale: 172,
    add: 179,
    levelMatch: 16,
  },
  'boot11-sim': {
    modraise: 1,
    switchKey: 2,
    rot: 48,
    keyswitch: 54,
    conj: 6,
    cmult: 207,
    mult: 23,
    relin: 23,
    rescale: 230,
    add: 231,
    levelMatch: 15,
  },
};

/** The nonzero counters. */
function nonzero(c: OpCounts): Partial<OpCounts> {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0));
}

for (const { name, minBits } of [
  // measured 21.0 bits worst, 23.0 mean: 15 is the bar
  { name: 'boot14-test', minBits: 15 },
  // every slot: SlotToCoeff sums all 2048 coefficients' errors (measured 14.2 worst, 16.6 mean)
  { name: 'boot11-sim', minBits: 13 },
]) {
  test(`bootstrap on sim at ${name}: >= ${minBits} bits over random inputs in [-1, 1], >= 4 levels left, the stated op counts`, async () => {
    const preset = resolvePreset(name);
    const params = preset.bootstrap!;
    const s = await createSession('sim', preset, {
      insecure: true,
      noise: true,
      seed: 11,
      rotationKeys: 'declared',
      rotationSteps: bootstrapRotationSteps(params),
      keyOptions: { bootstrap: { sparseWeight: params.sparseWeight } },
    });
    const ev = s.ev;
    const b = new Bootstrapper(ev, params);
    const rng = uniformRng(5);
    let worst = 0;
    for (let rep = 0; rep < 2; rep++) {
      const n = params.n;
      const re = uniformArray(rng, n, -1, 1);
      const im = params.packing === 'sparse' ? uniformArray(rng, n, -1, 1) : new Float64Array(n);
      // at level 0, where a refresh takes it (the counts stated hold from there)
      const ct = params.packing === 'sparse' ? ev.dropTo(encryptComplex(ev, s.client, re, im, n), 0) : s.client.encrypt(re, 0);
      const before = ev.counts();
      const timings = {};
      const out = b.bootstrap(ct, timings);
      assert.equal(nonzero(diffCounts(ev.counts(), before)), COUNTS[name]);
      assert.equal(Object.keys(timings), ['modRaise', 'subSum', 'coeffToSlot', 'evalMod', 'slotToCoeff']);
      assert.is(out.level, params.outputLevel);
      assert.ok(ev.maxLevel - out.level === params.depth && out.level >= 4, `levels left ${out.level}`);
      const got = decryptComplex(ev, s.client, out);
      const wantRe = replicate(re, n, ev.slots),
        wantIm = replicate(im, n, ev.slots);
      for (let i = 0; i < ev.slots; i++) worst = Math.max(worst, Math.hypot(got.re[i]! - wantRe[i]!, got.im[i]! - wantIm[i]!));
      ev.free(ct);
      ev.free(out);
    }
    assert.ok(precisionBits(worst) >= minBits, `precision ${precisionBits(worst).toFixed(2)} bits`);
    s.dispose();
  });
}

test("a constant vector (its whole energy in one coefficient) meets the sine's cubic error, which the arcsine correction removes (sim, noise off)", async () => {
  // m/q0 at its bound 2^-8 in coefficient 0: sin errs by (2 pi 2^-8)^2 / 6 = 1.0e-4 of it, a bias
  // every bootstrap of a replicated value (a softmax's sums and inverses) adds the same way
  const preset = resolvePreset('boot14-test');
  const lit = preset.bootstrap!;
  assert.is(lit.evalMod.arcsine, 3);
  const s = await createSession('sim', preset, {
    insecure: true,
    seed: 11,
    rotationKeys: 'declared',
    rotationSteps: bootstrapRotationSteps(lit),
    keyOptions: { bootstrap: { sparseWeight: lit.sparseWeight } },
  });
  const error = (arcsine: 0 | 3): number => {
    const b = new Bootstrapper(s.ev, bootstrapParams({ ...lit, evalMod: { ...lit.evalMod, arcsine } }, preset));
    const ct = s.client.encrypt(new Float64Array(s.ev.slots).fill(1), 0);
    const out = b.bootstrap(ct);
    const got = s.client.decrypt(out);
    s.ev.free(ct);
    s.ev.free(out);
    return Math.max(...got.map((v) => Math.abs(v - 1)));
  };
  // t = 2 pi m/q0 with m/q0 = D/q0 = 2^(52 - 60): sin t = t (1 - t^2/6 + ...); corrected, the
  // residual is 3/40 t^4 of it (arcsin's next term)
  const t = 2 * Math.PI * 2 ** (preset.scaleBits - preset.chainBits[0]!);
  const plain = error(0);
  assert.ok(plain > (0.9 * (t * t)) / 6 && plain < (1.1 * (t * t)) / 6, `uncorrected ${plain}, sine ${(t * t) / 6}`);
  const corrected = error(3);
  assert.ok(corrected < 2 * (3 / 40) * t ** 4 && corrected < plain / 1000, `corrected ${corrected}`);
  s.dispose();
});

test('with only the positive powers of two as keys, a rotation takes the binary digits of its left step', () => {
  const keys = new Set([1, 2, 4, 8]);
  // NAF of 3 is -1 + 4, without a key for -1: the digits of 3
  assert.equal(rotationPlan(3, 16, keys), [1, 2]);
  // -3 is a left rotation by 13 = 1 + 4 + 8
  assert.equal(rotationPlan(-3, 16, keys), [1, 4, 8]);
  assert.equal(rotationPlan(8, 16, keys), [8]);
  assert.throws(() => rotationPlan(3, 16, new Set([1, 4])), /no rotation key for step 3/);
});

test('bootstrap literals are validated against the preset', () => {
  const preset = { name: 'p', ringDegree: 16384, levels: 19 };
  const ok = resolvePreset('boot14-test').bootstrap!;
  const lit = {
    packing: ok.packing,
    slots: ok.slots,
    sparseWeight: ok.sparseWeight,
    coeffToSlot: ok.coeffToSlot,
    slotToCoeff: ok.slotToCoeff,
    evalMod: ok.evalMod,
  };
  assert.is(bootstrapParams(lit, preset).outputLevel, 4);
  const bad = (patch: object, re: RegExp) =>
    assert.throws(
      () => bootstrapParams({ ...lit, ...patch }, preset),
      (e: unknown) => e instanceof InputError && re.test((e as Error).message) && /preset p: bootstrap/.test((e as Error).message),
    );
  bad({ slots: 48 }, /sparse slots 48/);
  bad({ slots: 8192 }, /sparse slots 8192/);
  // SEAL's dense secret would give |I| of hundreds: EvalMod's K = 16 cannot hold it
  bad({ sparseWeight: 10000 }, /beyond EvalMod's K = 16/);
  bad({ packing: 'full', slots: undefined }, /dense CoeffToSlot needs a sparse packing/);
  bad({ coeffToSlot: 6 }, /CoeffToSlot in 6 levels/);
  bad({ rotationKeys: 'some' }, /rotation keys 'some'/);
  bad({ evalMod: { ...ok.evalMod, arcsine: 5 } }, /arcsine degree 5 is not 0 or 3/);
  bad({ rotationKeys: 'chained', coeffToSlot: 2 }, /chained rotation keys are for dense transforms/);
  assert.throws(() => bootstrapParams(lit, { ...preset, levels: 14 }), /needs 15 levels, the chain has 14/);
  // the arcsine correction's two levels
  assert.is(bootstrapParams({ ...lit, evalMod: { ...ok.evalMod, arcsine: 0 } }, preset).outputLevel, 6);
});

test('a bootstrap refuses an evaluator without encapsulation keys and a complex input to a full packing', async () => {
  const preset = resolvePreset('boot11-sim');
  const plain = await createSession('sim', preset, { insecure: true });
  assert.throws(
    () => new Bootstrapper(plain.ev, preset.bootstrap!),
    (e: unknown) => e instanceof InputError && /no encapsulation keys/.test((e as Error).message),
  );
  plain.dispose();
  const s = await createSession('sim', preset, { insecure: true, keyOptions: { bootstrap: { sparseWeight: 32 } } });
  const b = new Bootstrapper(s.ev, preset.bootstrap!);
  const ct = s.ev.mulI(s.client.encrypt([0.5], 0));
  assert.throws(() => b.bootstrap(ct), /imaginary parts/);
  s.dispose();
});

test.run();
