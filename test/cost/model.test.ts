/**
 * The cost model on synthetic latency tables and counts (no timing): recipes price each counted
 * op without paying a bundled part twice, missing levels are interpolated, workers divide only
 * the parallel part, and a cached latency table is reused only on its machine while fresh.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matmulAlgorithm } from '../../algorithms/matmul/registry';
import { predictParallel, simulateMatmul, speedup } from '../../harness/cost/estimate';
import { type LatencyTable, loadTable, machineId, saveTable } from '../../harness/cost/latency';
import { type Predictor, predictionFields } from '../../harness/cost/predict';
import { OpCounter } from '../../algorithms/ckks/counting';
import { zeroCounts } from '../../algorithms/ckks/types';
import { type LatencyMedians, addLevelCounts, latencyAt, predictMs, scaleLevelCounts, withClientOps } from '../../harness/cost/model';

// A table with round numbers: at level l, every op costs its base times (l + 1).
const base = {
  add: 0.1,
  cmult: 10,
  mult: 50,
  rescale: 4,
  rot: 30,
  rot7: 60,
  conjugate: 35,
  muli: 1,
  encode: 3,
  refresh: 20,
  decrypt: 8,
  encrypt: 9,
  serialize: 0.5,
  wire: 1.2,
};
const medians: LatencyMedians = Object.fromEntries(
  Object.entries(base).map(([op, v]) => [op, Array.from({ length: 8 }, (_, l) => (op === 'mult' && l === 0 ? null : v * (l + 1)))]),
);

test('a product is priced once: measured mult minus the rescale counted apart', () => {
  const p = predictMs({ mult: [0, 0, 0, 2], rescale: [0, 0, 0, 2] }, medians);
  // level 3: (50 - 4) * 4 per product + 4 * 4 per rescale, twice
  assert.ok(Math.abs(p.ms - 2 * (46 * 4 + 16)) < 1e-9, `${p.ms}`);
  assert.ok(Math.abs(p.byOp.mult! - 2 * 46 * 4) < 1e-9);
  assert.equal(p.unpriced, []);
});

test("a worker thread's ciphertext is priced as its serialization on one side and its load on the other", () => {
  const p = predictMs({ serialize: [0, 0, 2], deserialize: [0, 0, 2] }, medians);
  // level 2: serialize 0.5 * 3, load = wire - serialize = 0.7 * 3
  assert.ok(Math.abs(p.byOp.serialize! - 2 * 1.5) < 1e-9 && Math.abs(p.byOp.deserialize! - 2 * 2.1) < 1e-9, JSON.stringify(p.byOp));
  assert.equal(p.unpriced, []);
});

test('a cmult pays its encode only when encodes are not counted apart', () => {
  const withEncodes = predictMs({ cmult: [0, 1], encode: [0, 1] }, medians);
  const without = predictMs({ cmult: [0, 1] }, medians);
  // level 1: cmult 20, rescale 8, encode 6
  assert.ok(Math.abs(withEncodes.byOp.cmult! - (20 - 8 - 6)) < 1e-9);
  assert.ok(Math.abs(withEncodes.ms - (20 - 8)) < 1e-9, 'multiplyPlain + its encode');
  assert.ok(Math.abs(without.ms - (20 - 8)) < 1e-9, 'the same total when every cmult encodes');
});

test('key switches are priced as one-step rotations; relinearizations apart take theirs out of the product', () => {
  // the counting layer's keyswitch includes the conjugation: 3 key switches, one a conjugation
  const p = predictMs({ keyswitch: [0, 0, 3], conj: [0, 0, 1] }, medians);
  assert.ok(Math.abs(p.ms - (3 * 90 + (105 - 90))) < 1e-9);
  const lazy = predictMs({ mult: [0, 0, 1], relin: [0, 0, 1] }, medians);
  assert.ok(Math.abs(lazy.ms - (150 - 12 - 90 + 90)) < 1e-9);
});

test('missing levels: linear between measured ones, scaled by primes outside them', () => {
  const sparse: LatencyMedians = { rot: [null, null, null, 16, null, 30, null, 57] };
  assert.is(latencyAt(sparse, 'rot', 3), 16);
  assert.is(latencyAt(sparse, 'rot', 4), 23);
  assert.is(latencyAt(sparse, 'rot', 6), 43.5);
  assert.is(latencyAt(sparse, 'rot', 1), 8); // 16 at 4 primes -> 8 at 2
  assert.is(latencyAt(sparse, 'rescale', 1), undefined);
  // measured mult has no level 0 in the table: extrapolated from level 1
  assert.is(latencyAt(medians, 'mult', 0), 50);
  const p = predictMs({ keyswitch: [0, 1], levelMatch: [1] }, { rot: [1, 2] });
  assert.equal(p.unpriced, ['levelMatch']);
  assert.is(p.ms, 2);
});

test('a noisy table never prices an op below zero', () => {
  const noisy: LatencyMedians = { cmult: [null, 5], rescale: [null, 4], encode: [null, 3] };
  assert.is(predictMs({ cmult: [0, 10], encode: [0, 0] }, noisy).byOp.cmult, 0);
});

test('level counts add, subtract and scale level by level', () => {
  const a = { mult: [1, 2], add: [3] },
    b = { mult: [0, 1, 4] };
  assert.equal(addLevelCounts(a, b), { add: [3], mult: [1, 3, 4] });
  assert.equal(addLevelCounts(a, b, -1), { add: [3], mult: [1, 1, -4] });
  assert.equal(scaleLevelCounts(b, 3), { mult: [0, 3, 12] });
});

test('client operations join the level counts: encryptions at the top, decryptions and refreshes at level 0', () => {
  const c = withClientOps({ mult: [0, 1] }, { encrypt: 2, decrypt: 1, refresh: 3 }, 7);
  assert.equal(c.encrypt, [0, 0, 0, 0, 0, 0, 0, 2]);
  assert.equal(c.decrypt, [1]);
  assert.equal(c.refresh, [3]);
  assert.equal(c.mult, [0, 1]);
});

test('workers: the parallel part shrinks by min(workers, units) x 0.9, the key owner stays serial', () => {
  assert.is(speedup(1, 100), 1);
  assert.is(speedup(2, 100), 1.8);
  assert.is(speedup(16, 2), 1.8);
  assert.is(speedup(16, 1), 1);
  const counts = { keyswitch: [0, 2], refresh: [1] };
  // level 1: 2 x 60 ms of key switches, 20 ms of refresh
  assert.ok(Math.abs(predictParallel(counts, medians, 2, 10) - (20 + 120 / 1.8)) < 1e-9);
});

test("workers: only the work merged from worker threads is divided by their speed-up; this thread's stays whole", () => {
  const counter = new OpCounter();
  counter.note('keyswitch', 3, 1); // on this thread: 3 x 60 ms
  counter.merge({ ...zeroCounts(), keyswitch: 8 }, { keyswitch: [0, 8] }); // from workers: 8 x 60 ms
  assert.equal(counter.levelCounts().keyswitch, [0, 11]);
  assert.equal(counter.mergedLevelCounts().keyswitch, [0, 8]);
  const p: Predictor = {
    table: { measuredAt: 'test' } as LatencyTable,
    price: (c) => predictMs(c, medians).ms,
  };
  const f = predictionFields(p, counter.levelCounts(), 500, undefined, { counts: counter.mergedLevelCounts(), speedup: 1.8 });
  assert.ok(Math.abs(f.predictedMs - Math.round((180 + 480 / 1.8) * 10) / 10) < 1e-9, String(f.predictedMs));
  assert.ok(Math.abs(f.predictedSpeedup! - Math.round((660 / (180 + 480 / 1.8)) * 1000) / 1000) < 1e-9);
  // no workers: the whole work on one thread
  assert.is(predictionFields(p, counter.levelCounts(), 500).predictedMs, 660);
});

test('sim: a matmul counted by level prices every op it ran', async () => {
  const sim = await simulateMatmul(matmulAlgorithm('diag-abt'), { a: 64, b: 64, c: 4 }, 'n14', {
    inputLevel: 'top',
    relin: 'eager',
    atbSums: 'shared',
  });
  assert.ok((sim.counts.keyswitch?.[7] ?? 0) > 0, 'rotations at the top level');
  const p = predictMs(sim.counts, medians);
  assert.equal(p.unpriced, []);
  assert.ok(p.ms > 0);
});

test('latency cache: a fresh table of this machine is reused; stale or foreign ones are not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latency-'));
  const table: LatencyTable = {
    machine: machineId(),
    backend: 'seal',
    preset: 'n13',
    measuredAt: '2026-01-01T00:00:00Z',
    iterations: 5,
    medians,
    cpuMedians: medians,
  };
  saveTable(table, dir);
  assert.ok(loadTable('seal', 'n13', { dir, now: new Date('2026-01-10T00:00:00Z') }));
  assert.is(loadTable('seal', 'n13', { dir, now: new Date('2026-03-10T00:00:00Z') }), undefined);
  assert.is(loadTable('seal', 'n13', { dir, now: new Date('2026-03-10T00:00:00Z'), maxAgeDays: 100 })?.preset, 'n13');
  assert.is(loadTable('seal', 'n14', { dir, now: new Date('2026-01-10T00:00:00Z') }), undefined);
  // a table timed before the workers' traffic was (no serialize / wire) is measured again
  const { wire: _wire, ...older } = medians;
  saveTable({ ...table, medians: older }, dir);
  assert.is(loadTable('seal', 'n13', { dir, now: new Date('2026-01-10T00:00:00Z') }), undefined);
  saveTable(table, dir);
  const other = { ...machineId(), cores: machineId().cores + 1 };
  assert.is(loadTable('seal', 'n13', { dir, now: new Date('2026-01-10T00:00:00Z'), machine: other }), undefined);
  fs.rmSync(dir, { recursive: true });
});

test.run();
