/**
 * Op counts against the paper's Table 7 (2^15 slots, s0 = a) for every registered algorithm that
 * states Table 7 cells (MatmulAlgorithm.paper.table7): counted on the counting backend (the
 * simulator's rules without the arithmetic; checked against the simulator here on cells cheap
 * enough to run on it). All 30 of the shipped algorithms' cells equal Table 7 in all three
 * counts (HETAL's own algorithms with one complex mask per pair of diagonals, as the paper).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Session } from '../../algorithms/ckks/session';
import { diffCounts } from '../../algorithms/ckks/types';
import type { MatmulAlgorithm, MatmulShape, PaperCounts } from '../../algorithms/interface';
import { randomMatrix } from '../../algorithms/matmul/plain';
import { MATMUL_ALGORITHMS, matmulAlgorithm } from '../../algorithms/matmul/registry';
import { nextPow2 } from '../../algorithms/matrix/plan';
import { uniformRng } from '../../algorithms/random';
import { TABLE7_SLOTS, table7Counts } from '../../harness/paper';
import { sharedSession } from '../helpers/backends';
import { countingSession } from './_counting';
import { counted, predictedOps, table6PlusDocumented } from './_expected';
import { planIfFits } from './_run';

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

const WITH_CELLS = MATMUL_ALGORITHMS.filter((a) => (a.paper?.table7.length ?? 0) > 0);

test('Table 6 (corrected) as transcribed reproduces every Table 7 cell', () => {
  for (const algo of WITH_CELLS) {
    for (const { shape, counts } of algo.paper!.table7) {
      const s0 = shape.a;
      const plan = { shape, s0, s1: TABLE7_SLOTS / s0, cPad: nextPow2(shape.c) };
      assert.equal(algo.paper!.table6(plan), counts, `${algo.id} ${JSON.stringify(shape)}`);
    }
  }
});

test('every Table 7 cell: counts are Table 6 plus the documented difference, the file formula, Table 7 where no difference', () => {
  const be = countingSession('fgb', { rotationKeys: 'declared' });
  let equal = 0;
  let cells = 0;
  for (const algo of WITH_CELLS) {
    for (const { shape, counts } of algo.paper!.table7) {
      const { plan, ops } = countOnce(be, algo, shape);
      const where = `${algo.id} ${JSON.stringify(shape)}`;
      // the cell applies to this run: the paper's slots, and s0 = a for an algorithm on blocks
      assert.equal(table7Counts(algo, shape, plan.slots, plan.s0), counts, `${where}: Table 7 applies (s0 = ${plan.s0})`);
      const got: PaperCounts = { cmult: ops.cmult, mult: ops.mult, rot: ops.rot };
      assert.equal(counted(ops), algo.opCounts(plan), `${where}: the formulas in its file`);
      assert.equal(got, table6PlusDocumented(algo, plan), `${where}: Table 6 plus the documented difference`);
      assert.is(ops.keyswitch, ops.rot + ops.conj, 'declared keys: one key switch per rotation or conjugation');
      const d = algo.paper!.table6Difference(plan);
      if (d.cmult === 0 && d.mult === 0 && d.rot === 0) assert.equal(got, counts, `${where}: no stated difference, so Table 7 exactly`);
      cells += 1;
      if (got.cmult === counts.cmult && got.mult === counts.mult && got.rot === counts.rot) equal += 1;
    }
  }
  // the shipped algorithms: all 30 cells equal
  const shipped = ['jin-abt', 'colmajor', 'diag-abt', 'jin-atb', 'rowmajor', 'diag-atb'].map((id) => matmulAlgorithm(id));
  if (WITH_CELLS.length === shipped.length && shipped.every((a) => WITH_CELLS.includes(a))) {
    assert.is(cells, 30);
    assert.is(equal, 30);
  }
});

test('the counting backend counts exactly as the simulator', async () => {
  const sim = await sharedSession('sim', 'fgb', { rotationKeys: 'declared' });
  const counter = countingSession('fgb', { rotationKeys: 'declared' });
  for (const algo of MATMUL_ALGORITHMS) {
    // the smallest Table 7 shape when it is cheap to simulate (Jin Aᵀ·B there is 7680 rotations), else a small one
    const shapes: MatmulShape[] = [{ a: 16, b: 8, c: 2 }];
    const paperShape = { a: 128, b: 128, c: 4 };
    const plan = planIfFits(sim.ev, algo, paperShape);
    if (plan && predictedOps(algo, plan) < 2000) shapes.push(paperShape);
    for (const shape of shapes) {
      assert.equal(countOnce(counter, algo, shape).ops, countOnce(sim, algo, shape).ops, `${algo.id} ${JSON.stringify(shape)}`);
    }
  }
  // several block rows and columns, c padded
  for (const [id, shape] of [
    ['diag-abt', { a: 2048, b: 769, c: 16 }],
    ['diag-atb', { a: 512, b: 769, c: 4 }],
    ['colmajor', { a: 256, b: 256, c: 8 }],
  ] as const) {
    const algo = matmulAlgorithm(id);
    assert.equal(countOnce(counter, algo, shape).ops, countOnce(sim, algo, shape).ops, `${id} ${JSON.stringify(shape)}`);
  }
});

test.run();
