/**
 * The BSGS linear transform (algorithms/ckks/bootstrap/linear-transform.ts): the diagonal form
 * against the dense matrix-vector product, and the encrypted form on sim (n13, 4096 slots, keys
 * for the declared steps only) against float64 on random complex inputs of period d: exactly with
 * noise off, within a CKKS bound with noise on; one level; the rotations it performs are the
 * n1 - 1 baby and n2 - 1 giant steps of the diagonals present. Chained (baby b >= 3 as baby b - 2
 * rotated by 2, giant steps by Horner's rule): the same result and, for a dense matrix, the same
 * rotations with the keys for 1, 2 and n1 only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type ComplexMatrix,
  type LinearTransform,
  linearTransform,
  lintransCt,
  lintransPlain,
  lintransSteps,
  matVecPlain,
  replicate,
  zeroMatrix,
} from '../../algorithms/ckks/bootstrap/linear-transform';
import { errorBound } from '../../algorithms/ckks/precision';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff, sharedSession } from '../helpers/backends';
import { decryptComplex, encryptComplex } from './_complex';

function randomMatrix(d: number, seed: number, diagonals?: readonly number[]): ComplexMatrix {
  const rng = uniformRng(seed);
  const m = zeroMatrix(d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const k = (j - i + d) % d;
      if (diagonals && !diagonals.includes(k)) continue;
      m.re[i * d + j] = (2 * rng() - 1) / Math.sqrt(d);
      m.im[i * d + j] = (2 * rng() - 1) / Math.sqrt(d);
    }
  }
  return m;
}

test('diagonal form equals the dense product (dense, banded, one diagonal), and the steps match the diagonals present', () => {
  for (const [d, diags] of [
    [32, undefined],
    [64, [0, 1, 63, 8]],
    [16, [5]],
  ] as const) {
    const m = randomMatrix(d, d, diags);
    const lt = linearTransform(m);
    assert.is(lt.diagonals.size, diags ? diags.length : d);
    const rng = uniformRng(3);
    const vr = uniformArray(rng, d, -1, 1),
      vi = uniformArray(rng, d, -1, 1);
    const got = lintransPlain(lt, vr, vi),
      want = matVecPlain(m, vr, vi);
    assert.ok(maxAbsDiff(got.re, want.re) < 1e-12 && maxAbsDiff(got.im, want.im) < 1e-12, `d ${d}`);
    for (const s of lintransSteps(lt)) assert.ok(s !== 0 && Math.abs(s) <= d / 2);
  }
  // dense d = 32: n1 + n2 - 2 distinct steps, n1 near sqrt(d)
  const dense = linearTransform(randomMatrix(32, 1));
  assert.is(lintransSteps(dense).length, dense.n1 - 1 + 32 / dense.n1 - 1);
  assert.ok(dense.n1 === 4 || dense.n1 === 8);
});

/** max_i sum_j |M[i][j]| over the diagonals. */
function maxRowL1(lt: LinearTransform): number {
  const rows = new Float64Array(lt.d);
  for (const dg of lt.diagonals.values()) for (let i = 0; i < lt.d; i++) rows[i]! += Math.hypot(dg.re[i]!, dg.im[i]!);
  return Math.max(...rows);
}

test('chained: the babies need the keys for 1 and 2, the giant steps the key for n1', () => {
  const lt = linearTransform(randomMatrix(128, 5));
  assert.ok(lt.n1 >= 8, `n1 ${lt.n1}`);
  assert.equal(lintransSteps(lt, true), [1, 2, lt.n1]);
  assert.is(lintransSteps(lt).length, lt.n1 - 1 + 128 / lt.n1 - 1);
});

for (const [noise, chained] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const) {
  test(`encrypted transform on sim (noise ${noise ? 'on' : 'off'}${chained ? ', chained babies' : ''}) matches float64, one level, declared keys only`, async () => {
    const cases = [
      { d: 32, diags: undefined as readonly number[] | undefined, seed: 11 },
      { d: 128, diags: undefined, seed: 12 },
      { d: 64, diags: [0, 2, 62, 16], seed: 13 },
    ];
    // chained is for dense transforms (sparse groups would cost n1 rotations each)
    const lts = cases.filter((c) => !chained || !c.diags).map((c) => ({ ...c, lt: linearTransform(randomMatrix(c.d, c.seed, c.diags)) }));
    const steps = [...new Set(lts.flatMap((c) => lintransSteps(c.lt, chained)))];
    const s = await sharedSession('sim', 'n13', { noise, seed: 2, rotationKeys: 'declared', rotationSteps: steps });
    const preset = resolvePreset('n13');
    for (const { d, lt, seed } of lts) {
      const rng = uniformRng(seed + 100);
      const vr = uniformArray(rng, d, -1, 1),
        vi = uniformArray(rng, d, -1, 1);
      const ct = encryptComplex(s.ev, s.client, vr, vi, d);
      const before = s.ev.counts();
      const out = lintransCt(s.ev, ct, lt, chained);
      const after = s.ev.counts();
      assert.is(ct.level - out.level, 1);
      const groups = new Set([...lt.diagonals.keys()].map((k) => k - (k % lt.n1)));
      const babies = new Set([...lt.diagonals.keys()].map((k) => k % lt.n1).filter((b) => b !== 0));
      // dense: every baby and every group present, so chained costs the same rotations
      assert.is(after.rot - before.rot, babies.size + [...groups].filter((g) => g !== 0).length, `d ${d} rotations`);
      // one key switch per rotation, plus the fix-up conjugation of an odd rotation of a complex
      // ciphertext (seal's, counted on sim too): every odd baby, or chained only baby 1
      const odd = [...babies].filter((b) => b % 2 === 1).length;
      assert.is(after.conj - before.conj, chained ? Number(babies.has(1)) : odd, `d ${d} fix-ups`);
      assert.is(after.keyswitch - before.keyswitch, after.rot - before.rot + after.conj - before.conj);
      assert.is(after.cmult - before.cmult, lt.diagonals.size);
      const got = decryptComplex(s.ev, s.client, out);
      const want = lintransPlain(lt, vr, vi);
      // a term of output slot i is M[i][j] v[j] after a baby rotation, a product and a giant
      // rotation (3 operations on a value of size |M[i][j]| sqrt(2)); the giant-step sums add one
      // operation each: errors add up at most linearly (precision.ts); chained, a baby has taken up
      // to n1/2 rotations and a group up to d/n1 - 1
      const extra = chained ? lt.n1 / 2 + d / lt.n1 : 0;
      const bound = noise ? errorBound(preset, 3 + groups.size + extra, maxRowL1(lt) * Math.SQRT2) : 1e-12;
      const wr = replicate(want.re, d, s.ev.slots),
        wi = replicate(want.im, d, s.ev.slots);
      const err = Math.max(maxAbsDiff(got.re, wr), maxAbsDiff(got.im, wi));
      assert.ok(err < bound, `d ${d}: error ${err} >= ${bound}`);
      s.ev.free(ct);
      s.ev.free(out);
    }
  });
}

test.run();
