/**
 * Op counts against the paper's Table 7 (2^15 slots, s0 = a): all 30 cells, counted on the
 * counting backend (the simulator's rules without the arithmetic; checked against the
 * simulator here on cells cheap enough to run on it). 20 cells equal Table 7 in all three
 * counts; DiagABT's CMult and DiagATB's Rot differ by the amounts their files explain.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Session } from '../../algorithms/ckks/session';
import { diffCounts } from '../../algorithms/ckks/types';
import type { MatmulAlgorithm, MatmulShape } from '../../algorithms/interface';
import { randomMatrix } from '../../algorithms/matmul/plain';
import { MATMUL_ALGORITHMS } from '../../algorithms/matmul/registry';
import { uniformRng } from '../../algorithms/random';
import { TABLE7, TABLE7_ALGORITHMS, table6Counts, table7Counts } from '../../harness/paper';
import { sharedSession } from '../helpers/backends';
import { countingSession } from './_counting';
import { expectedCounts, table6PlusDocumented } from './_expected';

/** The counters of one run call on fresh inputs. */
function countOnce(s: Session, algo: MatmulAlgorithm, shape: MatmulShape) {
  const be = s.ev;
  const plan = algo.plan(shape, be);
  s.ensureRotationKeys(algo.rotationSteps(plan));
  return be.scope(() => {
    const rng = uniformRng(7);
    const [A, B] =
      algo.family === 'abt'
        ? [randomMatrix(rng, shape.a, shape.b), randomMatrix(rng, shape.c, shape.b)]
        : [randomMatrix(rng, shape.a, shape.c), randomMatrix(rng, shape.a, shape.b)];
    const inputs = algo.prepare(s.client, plan, A, B);
    const before = be.counts();
    algo.run(be, plan, inputs);
    return { plan, ops: diffCounts(be.counts(), before) };
  });
}

test('Table 6 (corrected) as transcribed reproduces every Table 7 cell', () => {
  for (const row of TABLE7) {
    for (const id of TABLE7_ALGORITHMS) {
      assert.equal(table6Counts(id, row.shape, row.shape.a, 32768 / row.shape.a), row.counts[id], `${id} ${JSON.stringify(row.shape)}`);
    }
  }
});

test('all 30 cells: counts equal Table 7 except DiagABT CMult (x3/2) and DiagATB Rot (+ceil(b/s1))', () => {
  const be = countingSession('fgb', { rotationKeys: 'declared' });
  let equal = 0;
  for (const row of TABLE7) {
    for (const algo of MATMUL_ALGORITHMS) {
      const { plan, ops } = countOnce(be, algo, row.shape);
      const paper = table7Counts(algo.id, row.shape, plan.slots, plan.s0);
      assert.ok(paper, `${algo.id} ${JSON.stringify(row.shape)} has a Table 7 cell (s0 = a = ${plan.s0})`);
      const got = { cmult: ops.cmult, mult: ops.mult, rot: ops.rot };
      const want = { ...paper! };
      if (algo.id === 'diag-abt') want.cmult = (paper!.cmult * 3) / 2;
      if (algo.id === 'diag-atb') want.rot = paper!.rot + Math.ceil(row.shape.b / plan.s1);
      assert.equal(got, want, `${algo.id} ${JSON.stringify(row.shape)}`);
      assert.equal(got, table6PlusDocumented(algo.id, plan), `${algo.id}: Table 6 plus the documented difference`);
      assert.equal({ ...got, conj: ops.conj }, expectedCounts(algo.id, plan), `${algo.id}: the formulas in its file`);
      assert.is(ops.keyswitch, ops.rot + ops.conj, 'declared keys: one key switch per rotation or conjugation');
      if (!algo.id.startsWith('diag-')) equal += 1;
    }
  }
  assert.is(equal, 20);
});

test('the counting backend counts exactly as the simulator', async () => {
  const sim = await sharedSession('sim', 'fgb', { rotationKeys: 'declared' });
  const counter = countingSession('fgb', { rotationKeys: 'declared' });
  const cells: [string, MatmulShape][] = [
    // Jin Aᵀ·B at (128, 128, 4) is 7680 simulated rotations: a smaller shape exercises the same code
    ...MATMUL_ALGORITHMS.map((a) => [a.id, a.id === 'jin-atb' ? { a: 16, b: 8, c: 2 } : { a: 128, b: 128, c: 4 }] as [string, MatmulShape]),
    ['diag-abt', { a: 2048, b: 769, c: 16 }],
    ['diag-atb', { a: 512, b: 769, c: 4 }],
    ['colmajor', { a: 256, b: 256, c: 8 }],
  ];
  for (const [id, shape] of cells) {
    const algo = MATMUL_ALGORITHMS.find((a) => a.id === id)!;
    assert.equal(countOnce(counter, algo, shape).ops, countOnce(sim, algo, shape).ops, `${id} ${JSON.stringify(shape)}`);
  }
});

test.run();
