/**
 * The cost model on synthetic latency tables and counts (no timing): recipes price each counted
 * op without paying a bundled part twice, missing levels are interpolated, and the wrapper that
 * counts by level on the simulator attributes each op to its input's level.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBackend } from '../../algorithms/ckks/backends';
import { countByLevel } from '../../harness/cost/level-counting';
import { type LatencyTable, loadTable, machineId, saveTable } from '../../harness/cost/latency';
import { type LatencyMedians, addLevelCounts, latencyAt, predictMs, scaleLevelCounts } from '../../harness/cost/model';

// A table with round numbers: at level l, every op costs its base times (l + 1).
const base = { add: 0.1, cmult: 10, mult: 50, rescale: 4, rot: 30, conjugate: 35, muli: 1, encode: 3, refresh: 20, decrypt: 8, encrypt: 9 };
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

test('a cmult pays its encode only when encodes are not counted apart', () => {
  const withEncodes = predictMs({ cmult: [0, 1], encode: [0, 1] }, medians);
  const without = predictMs({ cmult: [0, 1] }, medians);
  // level 1: cmult 20, rescale 8, encode 6
  assert.ok(Math.abs(withEncodes.byOp.cmult! - (20 - 8 - 6)) < 1e-9);
  assert.ok(Math.abs(withEncodes.ms - (20 - 8)) < 1e-9, 'multiplyPlain + its encode');
  assert.ok(Math.abs(without.ms - (20 - 8)) < 1e-9, 'the same total when every cmult encodes');
});

test('key switches are priced as one-step rotations; relinearizations apart take theirs out of the product', () => {
  const p = predictMs({ keyswitch: [0, 0, 3], conj: [0, 0, 1] }, medians);
  assert.ok(Math.abs(p.ms - (3 * 90 + 105)) < 1e-9);
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

test('sim: counts land at the level of the input, flat counts are preserved', async () => {
  const raw = await createBackend('sim', 'n13');
  const { be, levelCounts } = countByLevel(raw);
  const before = raw.counts();
  be.scope(() => {
    const x = be.encrypt([1, 2, 3]);
    const y = be.encrypt([1, 1, 1], 1);
    const m = be.mul(x, x); // level 2 -> 1
    be.add(m, y); // both at 1
    be.rotate(m, 3); // two key switches (NAF 4 - 1) at level 1
    const mask = be.encode([1, 0, 1]);
    be.mulPlain(m, mask); // lazy encode at level 1
    be.mulPlain(m, mask); // cached
    be.add(x, y); // a level match from 2 to 1
  });
  const c = levelCounts();
  const after = raw.counts();
  assert.equal(c.mult, [0, 0, 1]);
  assert.equal(c.rescale, [0, 2, 1]);
  assert.equal(c.keyswitch, [0, 2]);
  assert.equal(c.cmult, [0, 2]);
  assert.equal(c.encode, [0, 1, 1]);
  assert.equal(c.encrypt, [0, 1, 1]);
  assert.equal(c.levelMatch, [0, 1]);
  assert.is(c.add![1], 2);
  assert.is(after.mult - before.mult, 1);
  raw.dispose();
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
  const other = { ...machineId(), cores: machineId().cores + 1 };
  assert.is(loadTable('seal', 'n13', { dir, now: new Date('2026-01-10T00:00:00Z'), machine: other }), undefined);
  fs.rmSync(dir, { recursive: true });
});

test.run();
