/**
 * The Ablation section end to end: a small ablation sweep (softmax in float64, two factors, two
 * seeds) runs through the real CLI, and the report's tables are checked against effects computed
 * here by another route. With two seeds resampled in pairs, the bootstrap distribution has four
 * equally likely resamples; the two extremes (both draws the same seed) each carry a quarter of
 * the mass, so the 95% percentile interval is exactly [min, max] of the per-seed statistics.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderReport } from '../../harness/report';
import { loadResults } from '../../harness/report/load';
import type { ResultRecord } from '../../harness/records';
import { sectionOf, tempDir } from './_fixture';

const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');
const BASELINE = { algo: 'hetal', classes: 3 };
const CONFIG = {
  name: 'tiny-ablation',
  kind: 'softmax',
  grid: { algo: ['hetal', 'hetal-precise'], classes: [3, 5] },
  fixed: { backend: 'plain', samples: 300, range: 8 },
  ablation: { baseline: BASELINE },
  seeds: [1, 2],
};

type Rec = ResultRecord & {
  params: Record<string, string | number | boolean>;
  error: { max: number; mean: number };
  timeMs?: { median: number };
};

/** The metrics the table shows for softmax records, by label, read here independently. */
const METRICS: Record<string, { kind: 'ratio' | 'difference'; get: (r: Rec) => number }> = {
  'time (median ms)': { kind: 'ratio', get: (r) => r.timeMs!.median },
  'precision (bits, of the max error)': { kind: 'difference', get: (r) => -Math.log2(r.error.max) },
  'max error': { kind: 'ratio', get: (r) => r.error.max },
  'mean error': { kind: 'ratio', get: (r) => r.error.mean },
  'depth (levels)': { kind: 'difference', get: (r) => (r as unknown as { depth: number }).depth },
};

function cells(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/gs)]
    .map((m) =>
      [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) =>
        c[1]!
          .replace(/<[^>]+>/g, '')
          .replace(/&amp;/g, '&')
          .trim(),
      ),
    )
    .filter((row) => row.length > 0);
}

function tableAfter(section: string, caption: string): string[][] {
  const i = section.indexOf(`<caption>${caption}</caption>`);
  assert.ok(i >= 0, `no table "${caption}"`);
  return cells(section.slice(i, section.indexOf('</table>', i)));
}

/** "1.234×" / "+0.5 bits" / "-3 pp" -> number */
function parseEffect(s: string): number {
  return Number(s.replace(/[×]|bits|levels|pp/g, '').trim());
}

function close(got: number, want: number, what: string): void {
  // the table prints 4 significant digits
  assert.ok(Math.abs(got - want) <= 6e-4 * Math.max(Math.abs(want), 1e-9) + 1e-12, `${what}: table ${got}, computed ${want}`);
}

test('an ablation sweep of two factors over two seeds: the report table matches effects computed independently', async () => {
  const dir = tempDir('ablation');
  const config = path.join(dir, 'tiny-ablation.json');
  fs.writeFileSync(config, JSON.stringify(CONFIG));
  const out = path.join(dir, 'results');
  const run = spawnSync(process.execPath, [BIN, 'sweep', config, '--out', out], { encoding: 'utf8', timeout: 120_000 });
  assert.is(run.status, 0, run.stderr);
  const records = loadResults([out]).records as Rec[];
  assert.is(records.length, 8);
  assert.ok(records.every((r) => r.state === 'completed' && (r as { ablation?: unknown }).ablation !== undefined && r.params));

  const built = await renderReport(records);
  assert.ok(built.sections.includes('ablation'));
  const section = sectionOf(built.html, 'ablation');
  const at = (algo: string, classes: number, seed: number) =>
    records.find((r) => r.params.algo === algo && r.params.classes === classes && r.params.seed === seed)!;

  const factors: { factor: 'algo' | 'classes'; arm: string | number }[] = [
    { factor: 'algo', arm: 'hetal-precise' },
    { factor: 'classes', arm: 5 },
  ];
  let checked = 0;
  for (const { factor, arm } of factors) {
    const rows = tableAfter(section, `${factor}: each arm against the baseline ${factor}=${BASELINE[factor]}`);
    assert.ok(rows.length >= 3, `${factor}: ${rows.length} rows`);
    for (const row of rows) {
      const [label, armText, , , effectText, ciText, seedsText, verdict] = row;
      const m = METRICS[label!];
      assert.ok(m, `unexpected metric row "${label}"`);
      assert.is(armText, `${factor}=${arm}`);
      assert.is(seedsText, '2 / 2 paired');
      const armAt = (seed: number) => (factor === 'algo' ? at(String(arm), 3, seed) : at('hetal', Number(arm), seed));
      const b = [1, 2].map((s) => m.get(at('hetal', 3, s))),
        a = [1, 2].map((s) => m.get(armAt(s)));
      const mean = (xs: number[]) => (xs[0]! + xs[1]!) / 2;
      const estimate = m.kind === 'ratio' ? mean(a) / mean(b) : mean(a) - mean(b);
      const perSeed = [0, 1].map((i) => (m.kind === 'ratio' ? a[i]! / b[i]! : a[i]! - b[i]!));
      const lo = Math.min(...perSeed),
        hi = Math.max(...perSeed);
      close(parseEffect(effectText!), estimate, `${factor} ${label} effect`);
      const ci = /^\[(.+), (.+)\]$/.exec(ciText!);
      assert.ok(ci, `${factor} ${label}: no interval in "${ciText}"`);
      close(parseEffect(ci[1]!), lo, `${factor} ${label} lower bound`);
      close(parseEffect(ci[2]!), hi, `${factor} ${label} upper bound`);
      const none = m.kind === 'ratio' ? 1 : 0;
      const expected = lo === none && hi === none ? 'no change' : lo <= none && none <= hi ? 'within noise' : null;
      if (expected) assert.is(verdict, expected, `${factor} ${label}`);
      else assert.ok(verdict === 'better' || verdict === 'worse', `${factor} ${label}: ${verdict}`);
      checked += 1;
    }
  }
  assert.ok(checked >= 6, `${checked} effects checked`);
  // the interaction grid of the two factors is drawn, and its table matches the means
  assert.match(section, /Interaction: algo × classes/);
  const ix = tableAfter(section, 'Interaction of algo and classes: both changed at once against what the single changes predict');
  const row = ix.find((r) => r[0] === 'mean error');
  assert.ok(row, 'no interaction row for the mean error');
  assert.is(row[1], 'algo=hetal-precise, classes=5');
  const meanErr = (algo: string, classes: number) => (at(algo, classes, 1).error.mean + at(algo, classes, 2).error.mean) / 2;
  const joint = meanErr('hetal-precise', 5) / meanErr('hetal', 3);
  const single = (meanErr('hetal-precise', 3) / meanErr('hetal', 3)) * (meanErr('hetal', 5) / meanErr('hetal', 3));
  close(parseEffect(row[2]!), joint, 'joint effect');
  close(parseEffect(row[3]!), joint / single, 'interaction');
  assert.ok((section.match(/<figure class="chart">/g) ?? []).length >= 4);
});

test('records without an ablation tag leave the section out', async () => {
  const built = await renderReport([]);
  assert.not.ok(built.sections.includes('ablation'));
});

test.run();
