/** The report builder: sections present only with data, op-count verdicts, merging, escaping, robustness. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildReport, renderReport } from '../../harness/report';
import { opCountVerdict } from '../../harness/report/sections/op-counts';
import { speedups } from '../../harness/report/sections/matmul-speed';
import { stepBreakdown } from '../../harness/report/sections/training';
import type { ResultRecord, SoftmaxRecord, TrainRecord } from '../../harness/records';
import { failedRecord, fixtureRecords, matmulRecord, sectionOf } from './_fixture';

// the whole fixture's report, built once (charts take most of the time)
let full: ReturnType<typeof renderReport> | null = null;
const fullReport = () => (full ??= renderReport(fixtureRecords()));

test('the full fixture has every section, charts as inline SVG, and no script or external resource', async () => {
  const built = await fullReport();
  assert.equal(built.sections, [
    'op-counts',
    'matmul-speed',
    'softmax',
    'training',
    'op-latency',
    'deviations',
    'failures',
    'records',
    'metadata',
  ]);
  // speed-up charts only for real (seal) setups: the simulator's times get a time chart alone
  assert.is(built.charts, 7);
  assert.is((built.html.match(/<svg /g) ?? []).length, built.charts);
  assert.not.match(built.html, /<script/i);
  assert.not.match(built.html, /(src|href)="https?:/i);
  assert.match(built.html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
});

test('sections are left out when the records hold nothing for them', async () => {
  const built = await renderReport([matmulRecord()]);
  assert.equal(built.sections, ['op-counts', 'matmul-speed', 'deviations', 'records', 'metadata']);
  const html = await buildReport([]);
  assert.match(html, /There are no records to report/);
  assert.not.match(html, /<section/);
});

test('op counts equal to the paper are marked equal, others different, and missing figures said so', async () => {
  assert.equal(opCountVerdict(matmulRecord()).differing, []);
  assert.equal(opCountVerdict(matmulRecord({ ops: { cmult: 4, mult: 4, rot: 40 } })).differing, ['mult', 'rot']);
  assert.is(opCountVerdict(matmulRecord({ paper: undefined })).differing, null);
  const html = await buildReport([
    matmulRecord(),
    matmulRecord({
      cell: 'x',
      algorithm: 'diag-atb',
      family: 'atb',
      ops: { cmult: 4, mult: 2, rot: 20 },
      paper: { cmult: 4, mult: 2, rot: 18 },
    }),
  ]);
  const section = sectionOf(html, 'op-counts');
  assert.match(section, /<strong>1 of 2<\/strong> cells with a paper figure match all three counts exactly/);
  assert.match(section, /= paper/);
  assert.match(section, /differs<\/span><br><span class="note">paper 4 \/ 2 \/ 18/);
  assert.match(section, /different: Rot/);
});

test('the fixture: one Table 7 cell differs from the paper, eleven are equal', async () => {
  const section = sectionOf((await fullReport()).html, 'op-counts');
  assert.match(section, /<strong>11 of 12<\/strong>/);
  assert.match(section, /different: Rot/);
});

test('shards merge: a cell recorded twice keeps its latest completed record', async () => {
  const recs = fixtureRecords();
  const dup = 'matmul|algo=diag-abt|backend=seal|preset=n13|repeat=3|shape=64x64x8';
  assert.equal(
    recs.filter((r) => r.cell === dup).map((r) => r.state),
    ['failed', 'completed'],
  );
  const built = await fullReport();
  assert.is(built.duplicates, 1);
  assert.not.match(sectionOf(built.html, 'failures'), /killed by SIGTERM/);
  // the later of two completed records wins, whatever the file order
  const older = matmulRecord({ timeMs: { median: 111, min: 1, max: 1, n: 1 } });
  const newer = matmulRecord({
    timeMs: { median: 222, min: 1, max: 1, n: 1 },
    meta: { ...older.meta, timestamp: '2026-02-01T00:00:00.000Z' },
  });
  const failedLater = failedRecord({ message: 'boom', meta: { ...older.meta, timestamp: '2026-03-01T00:00:00.000Z' } });
  for (const order of [
    [older, newer, failedLater],
    [failedLater, newer, older],
  ]) {
    const b = await renderReport(order);
    assert.is(b.duplicates, 2);
    assert.match(sectionOf(b.html, 'records'), /<td class="num">222<\/td>/);
    assert.not.match(b.html, /boom/);
  }
});

test('speed-ups pair HETAL with each prior algorithm within one backend and preset', () => {
  const sp = speedups(fixtureRecords().filter((r): r is never => r.kind === 'matmul' && r.state === 'completed'));
  const seal = sp.filter((s) => s.setup === 'seal/n13' && s.shape === '(32, 32, 4)');
  assert.equal(
    seal.map((s) => s.comparison),
    ['DiagABT vs ColMajor', 'DiagABT vs Jin A·Bᵀ', 'DiagATB vs RowMajor', 'DiagATB vs Jin Aᵀ·B'],
  );
  assert.ok(Math.abs(seal[0]!.speedup - 282 / 161) < 1e-9);
  assert.ok(sp.every((s) => s.setup === 'seal/n13' || s.setup === 'sim/fgb'));
});

test('the training section shows the gap, the paper claim, and per-step parts that add up', async () => {
  const train = fixtureRecords().find((r): r is TrainRecord => r.kind === 'train' && r.backend === 'seal' && r.state === 'completed')!;
  const parts = stepBreakdown(train)!;
  const sum = Object.values(parts).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - train.timeMs.perStep) < 1e-6 * train.timeMs.perStep);
  // a record with the step/validation split: perStep is a step alone, the parts share the schedule
  // (steps and validation passes) over the 12 steps
  const split = { ...train, timeMs: { ...train.timeMs, step: 12 * 100_000, validation: 286_000, perStep: 100_000 } };
  const splitParts = stepBreakdown(split)!;
  const splitSum = Object.values(splitParts).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(splitSum - train.timeMs.total / 12) < 1e-6 * splitSum);
  const section = sectionOf((await fullReport()).html, 'training');
  assert.match(section, /within 0\.5 percentage points/);
  assert.match(section, /<td class="num">-0\.4<\/td>/);
});

test("deviations: the standing ones with refresh figures, and the union of the records' own", async () => {
  const section = sectionOf((await fullReport()).html, 'deviations');
  assert.match(section, /Client-aided refresh instead of bootstrapping/);
  assert.match(section, /<strong>1153<\/strong> refresh\(es\) moving <strong>504\.0 MB<\/strong>/);
  assert.match(section, /CPU WebAssembly instead of HEaaN on GPU/);
  assert.match(section, /sim\/fgb: 32768 slots, 12 levels \(the paper's setting\)/);
  assert.match(section, /seal\/n13: 4096 slots, 2 levels/);
  assert.match(section, /mnist with mobilenet features/);
  for (const d of [
    'features: MobileNetV2 (nsfwjs) instead of ViT-Base',
    'training limited to 3000 samples',
    'client-aided refresh instead of bootstrapping',
  ]) {
    assert.ok(section.includes(d), d);
  }
});

test('record text is escaped everywhere', async () => {
  const evil = '<img src=x onerror=alert(1)>"\'&';
  const html = await buildReport([
    matmulRecord({ algorithm: evil, cell: evil, deviations: [evil] }),
    { ...matmulRecord({ cell: 'f' }), state: 'failed', message: evil },
  ]);
  assert.not.ok(html.includes('<img'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;'));
});

test('records missing their figures (old or partial) do not break the report', async () => {
  const meta = matmulRecord().meta;
  const bare = (kind: string, cell: string) =>
    ({ kind, state: 'completed', cell, algorithm: 'a', backend: 'seal', preset: 'n13', slots: 4096, meta }) as unknown as ResultRecord;
  const built = await renderReport([
    bare('matmul', '1'),
    bare('softmax', '2'),
    bare('train', '3'),
    bare('ops', '4'),
    bare('newkind', '5'),
    { kind: 'matmul', state: 'failed', cell: '6', message: 'no meta at all' } as unknown as ResultRecord,
  ]);
  assert.equal(built.sections, ['deviations', 'failures', 'records', 'metadata']);
  assert.is(built.charts, 0);
});

test('simulator times are never turned into speed-ups, and come after the real ones', async () => {
  const section = sectionOf((await fullReport()).html, 'matmul-speed');
  const parts = section.split('<h3>').slice(1);
  const sim = parts.filter((p) => p.startsWith('sim/'));
  assert.ok(sim.length > 0 && parts.findIndex((p) => p.startsWith('sim/')) > parts.findIndex((p) => p.startsWith('seal/')));
  for (const p of sim) {
    assert.match(p, /never as speed-ups/);
    assert.not.match(p, /Measured speed-ups|speed-up \(x\)/);
  }
});

test('a diverged error is drawn clipped and marked, not stretching the axis', async () => {
  const base = fixtureRecords().find((r): r is SoftmaxRecord => r.kind === 'softmax' && r.state === 'completed')!;
  const at = (algorithm: string, range: number, max: number): SoftmaxRecord => ({
    ...base,
    cell: `${algorithm}|${range}`,
    algorithm,
    range,
    error: { max, mean: max / 3 },
  });
  const records = [at('hetal', 4, 3e-3), at('hetal', 8, 4e-3), at('jin', 4, 0.2), at('jin', 8, 6.6e35)];
  const section = sectionOf(await buildReport(records), 'softmax');
  assert.match(section, /2 value\(s\) above 10 \(a diverged approximation\) are drawn clipped at 10 and marked with a red triangle/);
  assert.match(section, /fill="#b42318"/);
  assert.not.match(section, /1e\+3[0-9]/, 'the axis stops at the ceiling');
  assert.match(section, /6\.60e\+35/, 'the table keeps the true value');
});

test('a suspect record is left out of the figures and listed with its reason', async () => {
  const suspect = matmulRecord({ cell: 'sus', state: 'suspect', reason: 'max error 1e-2 exceeds the CKKS bound' } as never);
  const built = await renderReport([suspect, matmulRecord({ cell: 'ok' })]);
  const failures = sectionOf(built.html, 'failures');
  assert.match(failures, /suspect/);
  assert.match(failures, /max error 1e-2 exceeds the CKKS bound/);
});

test.run();
