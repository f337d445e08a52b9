/**
 * The layout contract with training: DiagABT's output is the softmax layout, DiagATB reads it
 * and writes the weights layout; the levels they need and leave; the PRotUp form chosen by the
 * levels; the one-diagonal fallback without complex slots; packing round trips; bad shapes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Session } from '../../algorithms/ckks/session';
import { diffCounts, diffLevelCounts } from '../../algorithms/ckks/types';
import { InputError } from '../../algorithms/errors';
import type { Matrix } from '../../algorithms/interface';
import { DIAG_ABT_DEPTH, diagAbt, diagAbtSteps } from '../../algorithms/matmul/diag-abt';
import { diagAtb, diagAtbCounts, diagAtbOutputLevel, diagAtbSteps } from '../../algorithms/matmul/diag-atb';
import { plainAbt, plainAtb, randomMatrix } from '../../algorithms/matmul/plain';
import { type MatmulId, matmulAlgorithm } from '../../algorithms/matmul/registry';
import { decryptMatrix, encryptMatrix, layoutSpec, packMatrix, unpackMatrix } from '../../algorithms/matrix/pack';
import { blockPlan } from '../../algorithms/matrix/plan';
import { levelOf } from '../../algorithms/matrix/types';
import { uniformRng } from '../../algorithms/random';
import { maxAbsDiff, sharedSession } from '../helpers/backends';
import { counted } from './_expected';
import { runOnce } from './_run';

const rng = uniformRng(11);

test('packing round trips in every layout, zero-padded', () => {
  const m = randomMatrix(rng, 5, 3);
  for (const spec of [
    layoutSpec('blocks', 5, 3, 4, 2),
    layoutSpec('rows-repeated', 5, 3, 8, 2, 8),
    layoutSpec('cols-repeated', 5, 3, 2, 8, 4),
    layoutSpec('entries', 5, 3, 4, 2),
  ]) {
    const vectors = packMatrix(m, spec);
    assert.equal(unpackMatrix(vectors, spec), m, spec.layout);
  }
  // rows-repeated: row r of every block holds row r mod period, padded rows 0
  const w = packMatrix(m, layoutSpec('rows-repeated', 5, 3, 16, 2, 8));
  assert.is(w.length, 1);
  assert.is(w[0]!.length, 2);
  assert.is(w[0]![0]![9 * 2 + 1], m.data[1 * 3 + 1]);
  assert.is(w[0]![0]![6 * 2], 0);
  assert.throws(() => layoutSpec('cols-repeated', 5, 3, 2, 8, 3), /period 3/);
});

/** Z = X·Wᵀ and G = Aᵀ·X through the exported functions, as the trainer calls them. */
async function chain(s: Session, a: number, b: number, c: number) {
  const be = s.ev;
  const plan = blockPlan({ a, b, c }, be, be.supportsComplex);
  const { s0, s1, cPad } = plan;
  s.ensureRotationKeys([...diagAbtSteps(s1, cPad, be.supportsComplex), ...diagAtbSteps(s0, s1, cPad, be.supportsComplex)]);
  const X = randomMatrix(rng, a, b),
    W = randomMatrix(rng, c, b),
    E = randomMatrix(rng, a, c);
  return { plan, X, W, E, s0, s1, cPad };
}

test('DiagABT writes the softmax layout; DiagATB reads it and writes the weights layout', async () => {
  const s = await sharedSession('sim', 'n14');
  const be = s.ev;
  const { X, W, E, s0, s1, cPad } = await chain(s, 48, 70, 3);
  be.scope(() => {
    const x = encryptMatrix(s.client, X, layoutSpec('blocks', 48, 70, s0, s1));
    const w = encryptMatrix(s.client, W, layoutSpec('rows-repeated', 3, 70, s0, s1, cPad));
    const z = diagAbt(be, x, w);
    assert.is(z.layout, 'cols-repeated');
    assert.is(levelOf(z), be.maxLevel - DIAG_ABT_DEPTH);
    const zWant = plainAbt(X, W);
    // every slot: row r holds class j mod cPad in column j (padded classes and rows 0)
    const slots = s.client.decrypt(z.cts[0]![0]!);
    for (let r = 0; r < s0; r++) {
      for (let j = 0; j < s1; j++) {
        const cls = j % cPad;
        const want = r < 48 && cls < 3 ? zWant.data[r * 3 + cls]! : 0;
        assert.ok(Math.abs(slots[r * s1 + j]! - want) < 1e-9, `slot (${r}, ${j})`);
      }
    }
    // DiagATB on an operand in that layout (as P - Y would arrive)
    const e = encryptMatrix(s.client, E, layoutSpec('cols-repeated', 48, 3, s0, s1, cPad));
    const g = diagAtb(be, e, x);
    assert.is(g.layout, 'rows-repeated');
    assert.is(levelOf(g), diagAtbOutputLevel(be.maxLevel, be.maxLevel, 'standard', true));
    const gWant = plainAtb(E, X);
    for (const [bj, ct] of g.cts[0]!.entries()) {
      const v = s.client.decrypt(ct);
      for (let r = 0; r < s0; r++) {
        for (let j = 0; j < s1; j++) {
          const col = bj * s1 + j,
            cls = r % cPad;
          const want = cls < 3 && col < 70 ? gWant.data[cls * 70 + col]! : 0;
          assert.ok(Math.abs(v[r * s1 + j]! - want) < 1e-9, `block ${bj} slot (${r}, ${j})`);
        }
      }
    }
    // the weights update needs no conversion: W - G is again a valid weights operand (level 3)
    const w2 = { ...w, cts: [w.cts[0]!.map((ct, j) => be.sub(ct, g.cts[0]![j]!))] };
    const z2 = diagAbt(be, x, w2);
    const W2: Matrix = { rows: 3, cols: 70, data: W.data.map((v, i) => v - gWant.data[i]!) };
    assert.ok(maxAbsDiff(decryptMatrix(s.client, z2).data, plainAbt(X, W2).data) < 1e-9);
  });
});

test('DiagATB picks PRotUp when A has fewer levels than X: one level of A saved, Table 6 counts', async () => {
  const s = await sharedSession('sim', 'n14');
  const be = s.ev;
  const { X, E, s0, s1, cPad } = await chain(s, 64, 300, 8);
  be.scope(() => {
    const top = be.maxLevel;
    const x = encryptMatrix(s.client, X, layoutSpec('blocks', 64, 300, s0, s1));
    const e = encryptMatrix(s.client, E, layoutSpec('cols-repeated', 64, 8, s0, s1, cPad), 3);
    assert.is(diagAtbOutputLevel(3, top, 'standard', true), -1, 'the standard form would need 4 levels of A');
    const before = be.counts();
    const g = diagAtb(be, e, x);
    const ops = diffCounts(be.counts(), before);
    assert.is(levelOf(g), 0);
    assert.ok(maxAbsDiff(decryptMatrix(s.client, g).data, plainAtb(E, X).data) < 1e-9);
    const plan = { ...blockPlan({ a: 64, b: 300, c: 8 }, be, true) };
    assert.equal(counted(ops), diagAtbCounts(plan, 'prot-up'));
    // asked for explicitly at equal levels, it gives the same product
    const g2 = diagAtb(be, encryptMatrix(s.client, E, layoutSpec('cols-repeated', 64, 8, s0, s1, cPad)), x, { variant: 'prot-up' });
    assert.is(levelOf(g2), top - 3);
    assert.ok(maxAbsDiff(decryptMatrix(s.client, g2).data, plainAtb(E, X).data) < 1e-9);
  });
});

test("DiagATB at training's levels (A at 4, X at 3): every product at level 2, the column sums at 1 and, after the mask, at 0", async () => {
  const s = await sharedSession('sim', 'n14');
  const be = s.ev;
  // 512 rows: s0 = 512, s1 = 16, p = 16 (8 pairs), 40 columns in 3 block columns
  const { X, E, s0, s1, cPad } = await chain(s, 512, 40, 10);
  be.scope(() => {
    const x = encryptMatrix(s.client, X, layoutSpec('blocks', 512, 40, s0, s1), 3);
    const e = encryptMatrix(s.client, E, layoutSpec('cols-repeated', 512, 10, s0, s1, cPad), 4);
    const [c0, l0] = [be.counts(), be.levelCounts()];
    const g = diagAtb(be, e, x);
    const ops = diffCounts(be.counts(), c0);
    const levels = diffLevelCounts(be.levelCounts(), l0);
    assert.ok(maxAbsDiff(decryptMatrix(s.client, g).data, plainAtb(E, X).data) < 1e-9);
    assert.is(levelOf(g), 0);
    assert.equal(counted(ops), diagAtbCounts(blockPlan({ a: 512, b: 40, c: 10 }, be, true), 'standard'), 'the counts of the formulas');
    const B = 3,
      pairs = cPad / 2;
    assert.equal(
      levels.mult,
      levels.mult!.map((_, l) => (l === 2 ? pairs * B : 0)),
      'every product at level 2 (pair 0 lowered too)',
    );
    // log2 p = 4 steps within the period at level 1, log2(s0 / p) = 5 across, at level 0 (+ B real parts)
    assert.is(levels.keyswitch![1], pairs * B * 4);
    assert.is(levels.keyswitch![0], pairs * B * 5 + B);
    // at level 3: X lowered once per ciphertext (not once per pair), pair 0's Q once, and each shift's own sum
    assert.is(levels.levelMatch![3], B + 1 + (pairs - 1));
  });
});

test('too few levels: a clear error before any work', async () => {
  const s = await sharedSession('sim', 'n14');
  const be = s.ev;
  const { X, W, s0, s1, cPad } = await chain(s, 16, 16, 4);
  be.scope(() => {
    const x = encryptMatrix(s.client, X, layoutSpec('blocks', 16, 16, s0, s1), 2);
    const w = encryptMatrix(s.client, W, layoutSpec('rows-repeated', 4, 16, s0, s1, cPad));
    assert.throws(() => diagAbt(be, x, w), /needs inputs at level >= 3, got 2/);
  });
});

test('without complex slots: one diagonal per product, the higher counts documented', async () => {
  const s = await sharedSession('sim', 'n14', { realOnly: true, rotationKeys: 'declared' });
  for (const shape of [
    { a: 128, b: 128, c: 4 },
    { a: 2048, b: 300, c: 10 },
  ]) {
    for (const id of ['diag-abt', 'diag-atb'] as const) {
      const r = runOnce(s, matmulAlgorithm(id), shape);
      assert.not.ok(r.plan.complexPacking);
      assert.equal(counted(r.ops), matmulAlgorithm(id).opCounts(r.plan), `${id} ${JSON.stringify(shape)}`);
      assert.ok(r.maxAbs < 1e-9);
    }
  }
  // Table 7's (128, 128, 4): DiagABT 8 / 4 / 67 and DiagATB 7 / 4 / 34 instead of 4 / 2 / 34 and 4 / 2 / 18
  const fgb = await sharedSession('sim', 'fgb', { realOnly: true });
  const abt = runOnce(fgb, matmulAlgorithm('diag-abt'), { a: 128, b: 128, c: 4 }).ops;
  const atb = runOnce(fgb, matmulAlgorithm('diag-atb'), { a: 128, b: 128, c: 4 }).ops;
  assert.equal([abt.cmult, abt.mult, abt.rot], [8, 4, 67]);
  assert.equal([atb.cmult, atb.mult, atb.rot], [7, 4, 34]);
});

test('bad shapes are refused with messages naming them', async () => {
  const s = await sharedSession('sim', 'n13');
  const be = s.ev;
  const fgb = await sharedSession('sim', 'fgb');
  const cases: [() => unknown, RegExp][] = [
    [() => matmulAlgorithm('diag-abt').plan({ a: 0, b: 4, c: 4 }, fgb.ev), /shape \(0, 4, 4\): a = 0 is not a positive integer/],
    [() => matmulAlgorithm('colmajor').plan({ a: 4, b: 4, c: -1 }, fgb.ev), /c = -1/],
    [() => matmulAlgorithm('diag-atb').plan({ a: 4, b: 4.5, c: 4 }, fgb.ev), /b = 4.5/],
    [() => matmulAlgorithm('diag-abt').plan({ a: 16, b: 16, c: 200 }, fgb.ev), /c = 200 \(padded to 256\) is too large for 32768 slots/],
    [() => matmulAlgorithm('jin-atb').plan({ a: 40000, b: 4, c: 4 }, fgb.ev), /a = 40000 rows do not fit/],
    [() => matmulAlgorithm('diag-abt').plan({ a: 16, b: 16, c: 4 }, be), /needs 3 levels, the preset has 2/],
    [() => matmulAlgorithm('nope'), /unknown matmul algorithm 'nope' \(known: jin-abt, colmajor/],
  ];
  for (const [f, message] of cases) {
    const err = (() => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return null;
    })();
    assert.instance(err, InputError, String(message));
    assert.match((err as Error).message, message);
  }
  // Jin fits n13's two levels; the block algorithms need 3 or 4
  const fits = (id: MatmulId) => {
    try {
      matmulAlgorithm(id).plan({ a: 16, b: 16, c: 4 }, be);
      return true;
    } catch {
      return false;
    }
  };
  assert.equal((['jin-abt', 'jin-atb', 'colmajor', 'rowmajor', 'diag-abt', 'diag-atb'] as const).map(fits), [
    true,
    true,
    false,
    false,
    false,
    false,
  ]);
});

test.run();
