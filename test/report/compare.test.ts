/** compare: matching by cell, ratios of the main figures, the threshold, cells on one side only. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildComparisonReport, compareRecords, summarize } from '../../harness/report/compare';
import type { ResultRecord, SoftmaxRecord, TrainRecord } from '../../harness/records';
import { failedRecord, matmulRecord } from './_fixture';

const meta = matmulRecord().meta;
const softmax = (cell: string, mean: number): SoftmaxRecord => ({
  kind: 'softmax',
  state: 'completed',
  cell,
  algorithm: 'hetal',
  backend: 'plain',
  preset: '',
  slots: 0,
  classes: 3,
  range: 8,
  samples: 10,
  errorKind: 'approximation',
  error: { max: mean * 3, mean },
  depth: 14,
  meta,
});
const train = (cell: string, total: number, acc: number) =>
  ({
    kind: 'train',
    state: 'completed',
    cell,
    algorithm: 'hetal',
    backend: 'sim',
    preset: 'fgb',
    slots: 32768,
    dataset: 'digits',
    features: 'raw',
    accuracy: { test: acc, val: acc },
    plainAccuracy: acc,
    timeMs: { total, perStep: 1, abt: 0, atb: 0, softmax: 0 },
    meta,
  }) as unknown as TrainRecord;

test("ratios B/A of each kind's main figures, flagged beyond the threshold", () => {
  const a: ResultRecord[] = [
    matmulRecord({ cell: 'm', timeMs: { median: 100, min: 1, max: 1, n: 1 } }),
    softmax('s', 1e-4),
    train('t', 1000, 0.9),
  ];
  const b: ResultRecord[] = [
    matmulRecord({ cell: 'm', timeMs: { median: 150, min: 1, max: 1, n: 1 } }),
    softmax('s', 1.05e-4),
    train('t', 500, 0.9),
  ];
  const c = compareRecords(a, b, 0.1);
  const by = (metric: string) => c.rows.find((r) => r.metric === metric)!;
  assert.equal(
    c.rows.map((r) => `${r.kind} ${r.metric}`),
    ['matmul timeMs.median', 'softmax error.mean', 'train timeMs.total', 'train accuracy.test'],
  );
  assert.is(by('timeMs.median').ratio, 1.5);
  assert.ok(by('timeMs.median').changed);
  assert.ok(Math.abs(by('error.mean').ratio! - 1.05) < 1e-12);
  assert.not.ok(by('error.mean').changed);
  assert.is(by('timeMs.total').ratio, 0.5);
  assert.ok(by('timeMs.total').changed);
  assert.is(by('accuracy.test').ratio, 1);
  assert.not.ok(compareRecords(a, b, 0.6).rows.some((r) => r.changed));
});

test('cells on one side only, and cells that did not complete on both, are reported apart', () => {
  const a: ResultRecord[] = [matmulRecord({ cell: 'both' }), matmulRecord({ cell: 'onlyA' }), matmulRecord({ cell: 'broke' })];
  const b: ResultRecord[] = [
    matmulRecord({ cell: 'both' }),
    matmulRecord({ cell: 'onlyB' }),
    failedRecord({ cell: 'broke', message: 'x' }),
  ];
  const c = compareRecords(a, b);
  assert.equal(c.onlyA, ['onlyA']);
  assert.equal(c.onlyB, ['onlyB']);
  const broke = c.rows.find((r) => r.cell === 'broke')!;
  assert.is(broke.ratio, null);
  assert.ok(broke.changed);
  assert.is(broke.note, 'A completed, B failed');
  assert.match(summarize(c), /^1 figure\(s\) compared, 1 changed beyond ±10%; 1 cell\(s\) only in A, 1 only in B$/);
});

test('the HTML comparison has a ratio chart per metric and no scripts', async () => {
  const a = [matmulRecord({ cell: 'm' }), softmax('s', 1e-4)];
  const b = [matmulRecord({ cell: 'm', timeMs: { median: 3, min: 3, max: 3, n: 1 } }), softmax('s', 1e-4)];
  const html = await buildComparisonReport(compareRecords(a, b), { a: 'runs/<a>', b: 'runs/b' });
  assert.is((html.match(/<svg /g) ?? []).length, 2);
  assert.match(html, /runs\/&lt;a&gt;/);
  assert.match(html, /changed/);
  assert.not.match(html, /<script/i);
});

test.run();
