/**
 * compare with seeds: cells run with several seeds on both sides are compared as one group (the
 * cell key without its seed), by the ratio of means with a bootstrap interval; the interval is
 * checked against an exact enumeration of the bootstrap distribution, computed here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildComparisonReport, compareRecords } from '../../harness/report/compare';
import { bootstrapEffect } from '../../harness/report/stats';
import type { ResultRecord } from '../../harness/records';
import { matmulRecord } from './_fixture';

/** A matmul record of seed `seed` as a sweep with `seeds` writes it (params and cell key with the seed). */
function seeded(seed: number, median: number, shape = '8x8x2'): ResultRecord {
  const params = { algo: 'diag-abt', backend: 'sim', preset: 'n13', shape, seed };
  return {
    ...matmulRecord({
      cell: `matmul|algo=diag-abt|backend=sim|preset=n13|seed=${seed}|shape=${shape}`,
      timeMs: { median, min: 1, max: 1, n: 1 },
    }),
    params,
  } as ResultRecord;
}

/**
 * The exact percentile bootstrap interval of mean(B)/mean(A) with seeds resampled in pairs: every
 * n^n resample of seed indices, equally likely, then the quantiles of the weighted distribution.
 */
function exactInterval(a: number[], b: number[]): [number, number] {
  const n = a.length;
  const stats: number[] = [];
  const idx = new Array<number>(n).fill(0);
  for (;;) {
    const sa = idx.reduce((s, i) => s + a[i]!, 0),
      sb = idx.reduce((s, i) => s + b[i]!, 0);
    stats.push(sb / sa);
    let k = 0;
    while (k < n && ++idx[k]! === n) idx[k++] = 0;
    if (k === n) break;
  }
  stats.sort((x, y) => x - y);
  // the 2.5% and 97.5% points of the distribution (each resample has mass 1 / n^n)
  return [stats[Math.floor(0.025 * stats.length)]!, stats[Math.ceil(0.975 * stats.length) - 1]!];
}

test('several seeds on both sides: ratio of means with a bootstrap interval, noise is not a change', () => {
  const ta = [100, 104, 98],
    tb = [150, 160, 149];
  const a = [...ta.map((t, i) => seeded(i + 1, t)), ...[100, 101].map((t, i) => seeded(i + 1, t, '16x16x4'))];
  const b = [...tb.map((t, i) => seeded(i + 1, t)), ...[103, 99].map((t, i) => seeded(i + 1, t, '16x16x4'))];
  const c = compareRecords(a, b, 0.1);
  // one row per seedless cell, not per seed
  assert.equal(
    c.rows.map((r) => r.cell),
    ['matmul|algo=diag-abt|backend=sim|preset=n13|shape=8x8x2', 'matmul|algo=diag-abt|backend=sim|preset=n13|shape=16x16x4'],
  );
  const [slow, same] = c.rows as [(typeof c.rows)[0], (typeof c.rows)[0]];
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(slow.ratio! - mean(tb) / mean(ta)) < 1e-12);
  assert.is(slow.a, mean(ta));
  const [lo, hi] = exactInterval(ta, tb);
  // 27 resamples: 2000 random draws find the same 2.5% / 97.5% points of this discrete distribution
  // up to a neighbouring value, so compare against the span of the exact distribution's neighbours
  assert.ok(
    slow.seeds!.lo! >= Math.min(...tb.map((x, i) => x / ta[i]!)) - 1e-12 && slow.seeds!.lo! <= lo + 0.02,
    `lo ${slow.seeds!.lo} vs ${lo}`,
  );
  assert.ok(
    slow.seeds!.hi! <= Math.max(...tb.map((x, i) => x / ta[i]!)) + 1e-12 && slow.seeds!.hi! >= hi - 0.02,
    `hi ${slow.seeds!.hi} vs ${hi}`,
  );
  assert.is(slow.seeds!.verdict, 'changed');
  assert.ok(slow.changed);
  assert.match(slow.note!, /mean of 3 \/ 3 seeds \(paired\)/);
  // two seeds: the interval is exactly [min, max] of the per-seed ratios, and it covers 1
  assert.equal([same.seeds!.lo, same.seeds!.hi], [99 / 101, 103 / 100]);
  assert.is(same.seeds!.verdict, 'within noise');
  assert.not.ok(same.changed);
  // the same effect from the shared statistics
  const e = bootstrapEffect(
    'ratio',
    ta.map((value, i) => ({ seed: i + 1, value })),
    tb.map((value, i) => ({ seed: i + 1, value })),
  );
  assert.equal([e.lo, e.hi], [slow.seeds!.lo, slow.seeds!.hi]);
});

test('a change beyond the threshold but inside the noise is not flagged; one seed a side compares per cell as before', async () => {
  const a = [seeded(1, 100), seeded(2, 200)];
  const b = [seeded(1, 260), seeded(2, 180)];
  const c = compareRecords(a, b, 0.1);
  assert.is(c.rows.length, 1);
  assert.ok(Math.abs(c.rows[0]!.ratio! - 440 / 300) < 1e-12);
  assert.is(c.rows[0]!.seeds!.verdict, 'within noise');
  assert.not.ok(c.rows[0]!.changed);
  const single = compareRecords([seeded(1, 100)], [seeded(1, 150)], 0.1);
  assert.is(single.rows[0]!.cell, 'matmul|algo=diag-abt|backend=sim|preset=n13|seed=1|shape=8x8x2');
  assert.is(single.rows[0]!.seeds, undefined);
  assert.ok(single.rows[0]!.changed);
  const html = await buildComparisonReport(c, { a: 'A', b: 'B' });
  assert.match(html, /95% CI \(seeds\)/);
  assert.match(html, /within noise/);
});

test.run();
