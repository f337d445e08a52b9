/**
 * The same seeded random sequence of operations on seal (n13) and on sim (n13), complex
 * plaintexts, real parts and conjugated rotations included: values (real and imaginary parts)
 * agree within the precision SEAL gives at that scale, counters agree exactly (so both mark the
 * same ciphertexts real), and running out of levels fails the same way on both.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LevelExhaustedError } from '../../algorithms/ckks/base';
import { errorBound } from '../../algorithms/ckks/precision';
import type { Session } from '../../algorithms/ckks/session';
import type { Ct, OpCounts } from '../../algorithms/ckks/types';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff, sharedSession } from '../helpers/backends';

type Step = (s: Session, pool: Ct[]) => Ct;

/** A random program over a pool of ciphertexts; each step uses only operands that have levels. */
function program(seed: number, length: number, slots: number): { inputs: Float64Array[]; steps: Step[] } {
  const rng = uniformRng(seed);
  const inputs = [0, 1, 2].map(() => uniformArray(rng, slots, -1, 1));
  const pick = (pool: Ct[], withLevel: boolean) => {
    const cands = pool.filter((c) => !withLevel || c.level > 0);
    return (cands.length ? cands : pool)[Math.floor(rng() * (cands.length || pool.length))]!;
  };
  const steps: Step[] = [];
  const rotations = [1, 3, -5, 100, slots / 2, -1];
  for (let i = 0; i < length; i++) {
    const r = rng();
    const k = rotations[Math.floor(rng() * rotations.length)]!;
    const c = Math.round((rng() * 2 - 1) * 100) / 100;
    const mask = uniformArray(rng, slots, 0, 1);
    const maskIm = uniformArray(rng, slots, -1, 1);
    const choice = Math.floor(r * 13);
    const needsLevel = (choice >= 3 && choice <= 5) || choice === 9;
    steps.push((s, pool) => {
      const be = s.ev;
      const a = pick(pool, needsLevel);
      const b = pick(pool, needsLevel);
      switch (choice) {
        case 0:
          return be.add(a, b);
        case 1:
          // SEAL refuses x - x ("result ciphertext is transparent"), a case no algorithm meets
          return a === b ? be.add(a, b) : be.sub(a, b);
        case 2:
          return be.addConst(a, c);
        case 3:
          return be.mulConst(a, c);
        case 4:
          return be.mulPlain(a, mask);
        case 5:
          return be.mul(a, b);
        case 6:
          return be.rotate(a, k);
        case 7:
          return be.conjugate(be.add(a, be.mulI(b)));
        case 8:
          // the key owner decodes real parts: a ciphertext that may hold imaginary parts is refused
          return s.rf.refresh(a.complex ? be.twiceRealPart(a) : a);
        case 9:
          return be.mulPlain(a, be.encode(mask, a.level, maskIm));
        case 10:
          return be.twiceRealPart(a);
        case 11:
          return be.rotateConjugate(a, k);
        default:
          return be.addPlain(a, be.encode(maskIm, a.level, mask));
      }
    });
  }
  return { inputs, steps };
}

/** Decrypted real parts and (times i, the real part is -Im) imaginary parts of a pool, in order. */
function run(s: Session, seed: number): { values: Float64Array[]; counts: OpCounts } {
  const be = s.ev;
  s.ensureRotationKeys([1, 3, -5, 100, -1]);
  const { inputs, steps } = program(seed, 24, be.slots);
  const before = be.counts();
  return be.scope(() => {
    const pool = inputs.map((v) => s.client.encrypt(v));
    for (const step of steps) {
      const out = step(s, pool);
      pool.push(out);
      // keep the pool's magnitudes near 1 so errors are comparable with the bound
      if (maxAbs(s.client.decrypt(out)) > 4 || maxAbs(s.client.decrypt(be.mulI(out))) > 4) pool.pop();
    }
    const after = be.counts();
    const counts = { ...after };
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] = after[k] - before[k];
    counts.refreshMs = 0; // wall time, not a count
    return { values: pool.flatMap((c) => [s.client.decrypt(c), s.client.decrypt(be.mulI(c))]), counts };
  });
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

test('seal and sim agree on values and counters for random programs', async () => {
  const seal = await sharedSession('seal', 'n13');
  const sim = await sharedSession('sim', 'n13');
  for (const seed of [11, 12]) {
    const a = run(seal, seed);
    const b = run(sim, seed);
    // decrypt counts differ only by the magnitude checks, which both do identically
    assert.equal(a.counts, b.counts, `counters differ for seed ${seed}`);
    assert.is(a.values.length, b.values.length);
    const bound = errorBound(seal.ev.preset, 24 * 2, 4);
    for (let i = 0; i < a.values.length; i++) {
      const d = maxAbsDiff(a.values[i]!, b.values[i]!);
      assert.ok(d < bound, `seed ${seed}, ciphertext ${i}: |seal - sim| = ${d} exceeds ${bound}`);
    }
  }
});

test('logical slots (64 of n13 ring slots 4096): seal and sim agree on values and counters; rotations are cyclic in 64', async () => {
  const seal = await sharedSession('seal', 'n13', { slots: 64 });
  const sim = await sharedSession('sim', 'n13', { slots: 64 });
  for (const s of [seal, sim]) {
    assert.is(s.ev.slots, 64);
    assert.is(s.ev.ringSlots, 4096);
    assert.is(s.client.slots, 64);
    assert.is(s.evaluationKeys.slots, 64);
  }
  for (const seed of [13, 14]) {
    const a = run(seal, seed);
    const b = run(sim, seed);
    assert.equal(a.counts, b.counts, `counters differ for seed ${seed}`);
    assert.is(a.values.length, b.values.length);
    assert.is(a.values[0]!.length, 64);
    const bound = errorBound(seal.ev.preset, 24 * 2, 4);
    for (let i = 0; i < a.values.length; i++) {
      const d = maxAbsDiff(a.values[i]!, b.values[i]!);
      assert.ok(d < bound, `seed ${seed}, ciphertext ${i}: |seal - sim| = ${d} exceeds ${bound}`);
    }
  }
  // a rotation by k is the cyclic rotation of the 64 values by k mod 64, also by a step no key
  // has as such (100 = 36 = -28 mod 64: NAF pieces -32 + 4, normalized 32 + 4), with keys of
  // the logical slots only (the fallback powers of two up to 32)
  const v = uniformArray(uniformRng(21), 64, -1, 1);
  for (const s of [seal, sim]) {
    assert.ok(Math.max(...s.evaluationKeys.steps.map(Math.abs)) <= 32, `${s.ev.id}: keys ${s.evaluationKeys.steps.join(',')}`);
    s.ev.scope(() => {
      const ct = s.client.encrypt(v);
      for (const k of [1, -1, 100, 63, 64 + 5]) {
        const got = s.client.decrypt(s.ev.rotate(ct, k));
        const want = v.map((_, i) => v[(((i + k) % 64) + 64) % 64]!);
        // a key switch per piece (SEAL's worst slot about 2e-6 each): the bound of that many operations
        const bound = errorBound(s.ev.preset, s.ev.rotationCost(k) + 1);
        assert.ok(maxAbsDiff(got, want) < bound, `${s.ev.id}: rotation by ${k}: ${maxAbsDiff(got, want)} >= ${bound}`);
      }
      // plaintexts repeat too (a mask zero beyond the first 64 ring slots would show in a rotation):
      // an encoded mask, a mask given as an array, an added one, and a complex one: (v + i w) * (1 + i)
      // has real part v - w
      const mask = uniformArray(uniformRng(22), 64, 0, 1);
      const w = v.map((x) => x / 2);
      const cases: [string, Ct, Float64Array][] = [
        ['encoded mask', s.ev.mulPlain(ct, s.ev.encode(mask)), v.map((x, i) => x * mask[i]!)],
        ['mask array', s.ev.mulPlain(ct, mask), v.map((x, i) => x * mask[i]!)],
        ['added mask', s.ev.addPlain(ct, mask), v.map((x, i) => x + mask[i]!)],
        [
          'complex plaintext',
          s.ev.mulPlain(
            s.ev.add(ct, s.ev.mulI(s.client.encrypt(w))),
            s.ev.encode(new Float64Array(64).fill(1), undefined, new Float64Array(64).fill(1)),
          ),
          v.map((x, i) => x - w[i]!),
        ],
      ];
      for (const [what, x, plain] of cases) {
        for (const k of [5, -3]) {
          const err = maxAbsDiff(
            s.client.decrypt(s.ev.rotate(x, k)),
            plain.map((_, i) => plain[(((i + k) % 64) + 64) % 64]!),
          );
          assert.ok(err < errorBound(s.ev.preset, 6, 2), `${s.ev.id}: ${what} rotated by ${k}: ${err}`);
        }
      }
    });
  }
});

test('running out of levels fails the same way on both backends', async () => {
  for (const id of ['seal', 'sim'] as const) {
    const s = await sharedSession(id, 'n13');
    const be = s.ev;
    be.scope(() => {
      let x = s.client.encrypt([0.5, 0.25]);
      for (let l = be.maxLevel; l > 0; l--) x = be.mul(x, x);
      assert.is(x.level, 0);
      assert.throws(
        () => be.mul(x, x),
        (e: unknown) => e instanceof LevelExhaustedError && /level 0/.test((e as Error).message),
      );
      assert.throws(
        () => be.mulConst(x, 2),
        (e: unknown) => e instanceof LevelExhaustedError,
      );
      const fresh = s.rf.refresh(x);
      assert.is(fresh.level, be.maxLevel);
      assert.ok(Math.abs(s.client.decrypt(fresh)[0]! - 0.5 ** 4) < 1e-6, `${id}: refresh keeps the value`);
    });
  }
});

test('rotation key switches follow SEAL: a declared step costs 1, others their NAF length', async () => {
  for (const id of ['seal', 'sim'] as const) {
    const s = await sharedSession(id, 'n13');
    const be = s.ev;
    s.ensureRotationKeys([7]);
    assert.is(be.rotationCost(7), 1, `${id} step 7 declared`);
    assert.is(be.rotationCost(1000), 3, `${id} step 1000 = 1024 - 16 - 8`);
    assert.is(be.rotationCost(0), 0);
    assert.is(be.rotationCost(be.slots), 0);
    const before = be.counts();
    be.scope(() => be.rotate(s.client.encrypt([1]), 1000));
    const after = be.counts();
    assert.is(after.rot - before.rot, 1);
    assert.is(after.keyswitch - before.keyswitch, 3);
  }
});

test.run();
