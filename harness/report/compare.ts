/**
 * Comparing two result sets cell by cell (e.g. before and after a change, or two machines):
 * the ratio B/A of each common cell's main figure, flagged when it moved beyond a threshold.
 * Where both sides ran a cell with several seeds (sweeps with `seeds`), the seeds of a cell are
 * compared together: the ratio of means with a 95% bootstrap interval (stats.ts, as the report's
 * Ablation section), flagged only when it is beyond the threshold and outside the noise.
 */
import type { MeasuredRecord, ResultRecord } from '../records';
import { ChartRenderer } from './charts';
import type { ChartSpec } from './charts';
import { type CellValue, badge, escapeHtml, formatNumber, page, para, table } from './html';
import { num } from './select';
import { seedOf, seedlessKey } from './ablation';
import { bootstrapEffect, formatInterval } from './stats';

/** The figures compared per kind: the main one of each experiment (read from a record with statistics). */
export const MAIN_FIGURES: Readonly<Record<string, readonly { metric: string; get: (r: MeasuredRecord) => number | undefined }[]>> = {
  matmul: [{ metric: 'timeMs.median', get: (r) => (r.kind === 'matmul' ? num(r.timeMs.median) : undefined) }],
  softmax: [{ metric: 'error.mean', get: (r) => (r.kind === 'softmax' ? num(r.error.mean) : undefined) }],
  train: [
    { metric: 'timeMs.total', get: (r) => (r.kind === 'train' ? num(r.timeMs.total) : undefined) },
    { metric: 'accuracy.test', get: (r) => (r.kind === 'train' ? num(r.accuracy.test) : undefined) },
  ],
  ops: [{ metric: 'timeMs.median', get: (r) => (r.kind === 'ops' ? num(r.timeMs.median) : undefined) }],
};

/** One compared figure of one cell. */
export interface ComparisonRow {
  cell: string;
  kind: string;
  metric: string;
  a: number | null;
  b: number | null;
  /** b / a (null when either is missing or the cell did not complete on both sides) */
  ratio: number | null;
  /** |ratio - 1| > threshold, or the cell completed on one side only */
  changed: boolean;
  /** why there is no ratio, when there is none */
  note?: string;
  /** several seeds on both sides: a and b are means over seeds, ratio their ratio, [lo, hi] its 95% bootstrap interval */
  seeds?: { a: number; b: number; lo: number | null; hi: number | null; verdict: string };
}

/** The comparison of two record sets. */
export interface Comparison {
  threshold: number;
  rows: ComparisonRow[];
  /** cells recorded only in A, only in B */
  onlyA: string[];
  onlyB: string[];
}

/** Matches A and B by cell (each already de-duplicated) and compares their main figures. */
export function compareRecords(a: readonly ResultRecord[], b: readonly ResultRecord[], threshold = 0.1): Comparison {
  const byCell = (rs: readonly ResultRecord[]) => new Map(rs.filter((r) => typeof r.cell === 'string').map((r) => [r.cell, r]));
  const ma = byCell(a),
    mb = byCell(b);
  const rows: ComparisonRow[] = [];
  // cells run with several seeds on both sides are compared as one group per seedless key
  const grouped = new Set<string>();
  const ga = bySeedless(ma.values()),
    gb = bySeedless(mb.values());
  for (const [key, ra] of ga) {
    const rb = gb.get(key);
    if (!rb || ra.length < 2 || rb.length < 2) continue;
    for (const r of [...ra, ...rb]) grouped.add(r.cell);
    rows.push(...seededRows(key, ra, rb, threshold));
  }
  for (const [cell, ra] of ma) {
    const rb = mb.get(cell);
    if (!rb || grouped.has(cell)) continue;
    for (const { metric, get } of MAIN_FIGURES[ra.kind] ?? []) {
      const done = ra.state === 'completed' && rb.state === 'completed';
      const va = ra.state === 'completed' ? (get(ra) ?? null) : null;
      const vb = rb.state === 'completed' ? (get(rb) ?? null) : null;
      if (!done) {
        rows.push({
          cell,
          kind: ra.kind,
          metric,
          a: va,
          b: vb,
          ratio: null,
          changed: ra.state !== rb.state,
          note: `A ${ra.state}, B ${rb.state}`,
        });
      } else if (va === null || vb === null) {
        rows.push({ cell, kind: ra.kind, metric, a: va, b: vb, ratio: null, changed: false, note: 'figure missing' });
      } else {
        const ratio = va === 0 ? (vb === 0 ? 1 : Infinity) : vb / va;
        rows.push({ cell, kind: ra.kind, metric, a: va, b: vb, ratio, changed: Math.abs(ratio - 1) > threshold });
      }
    }
  }
  return { threshold, rows, onlyA: [...ma.keys()].filter((c) => !mb.has(c)), onlyB: [...mb.keys()].filter((c) => !ma.has(c)) };
}

/** Records by their cell key without the seed, in first-appearance order. */
function bySeedless(records: Iterable<ResultRecord>): Map<string, ResultRecord[]> {
  const out = new Map<string, ResultRecord[]>();
  for (const r of records) {
    const k = seedlessKey(r);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** The rows of a cell run with several seeds on both sides: ratio of means with its bootstrap interval. */
function seededRows(key: string, ra: ResultRecord[], rb: ResultRecord[], threshold: number): ComparisonRow[] {
  const kind = ra[0]!.kind;
  const rows: ComparisonRow[] = [];
  for (const { metric, get } of MAIN_FIGURES[kind] ?? []) {
    const values = (rs: ResultRecord[]) =>
      rs.flatMap((r) => {
        const v = r.state === 'completed' ? get(r) : undefined;
        return v === undefined ? [] : [{ seed: seedOf(r, (r as { params?: Record<string, string | number | boolean> }).params), value: v }];
      });
    const va = values(ra),
      vb = values(rb);
    const incomplete = [...ra, ...rb].filter((r) => r.state !== 'completed').length;
    if (va.length === 0 || vb.length === 0) {
      rows.push({ cell: key, kind, metric, a: null, b: null, ratio: null, changed: false, note: 'figure missing on a side' });
      continue;
    }
    const e = bootstrapEffect('ratio', va, vb);
    const beyond = Number.isFinite(e.estimate) && Math.abs(e.estimate - 1) > threshold;
    rows.push({
      cell: key,
      kind,
      metric,
      a: e.baseMean,
      b: e.armMean,
      ratio: e.estimate,
      changed: e.verdict === 'changed' && beyond,
      note:
        `mean of ${va.length} / ${vb.length} seeds${e.paired ? ' (paired)' : ''}, 95% CI ${formatInterval(e) || 'none'}: ${e.verdict}` +
        (incomplete ? `; ${incomplete} seed(s) did not complete` : ''),
      seeds: { a: va.length, b: vb.length, lo: e.lo, hi: e.hi, verdict: e.verdict },
    });
  }
  return rows;
}

/** A one-line summary of a comparison. */
export function summarize(c: Comparison): string {
  const ratios = c.rows.filter((r) => r.ratio !== null).length;
  const changed = c.rows.filter((r) => r.changed).length;
  return (
    `${ratios} figure(s) compared, ${changed} changed beyond ±${formatNumber(c.threshold * 100)}%; ` +
    `${c.onlyA.length} cell(s) only in A, ${c.onlyB.length} only in B`
  );
}

/** The comparison as a static HTML page (a ratio chart per metric, then the tables). */
export async function buildComparisonReport(c: Comparison, names: { a: string; b: string }): Promise<string> {
  const charts = new ChartRenderer();
  const parts: string[] = [
    `<header class="top"><h1>Comparison of two result sets</h1>` +
      `<p class="muted">A: <code>${escapeHtml(names.a)}</code><br>B: <code>${escapeHtml(names.b)}</code></p>` +
      `<p>${escapeHtml(summarize(c))}. Ratio = B / A; a change is flagged beyond ±${escapeHtml(formatNumber(c.threshold * 100))}%. ` +
      'For times, a ratio below 1 means B is faster; for errors, lower is better; for accuracy, higher is better.</p></header>',
  ];
  const metrics = [...new Set(c.rows.map((r) => `${r.kind} ${r.metric}`))];
  for (const m of metrics) {
    const rows = c.rows.filter((r) => `${r.kind} ${r.metric}` === m);
    const finite = rows.filter((r) => r.ratio !== null && Number.isFinite(r.ratio) && r.ratio > 0);
    parts.push(`<section id="${escapeHtml(m.replace(/[^a-z0-9]+/gi, '-'))}"><h2>${escapeHtml(m)}</h2>`);
    if (finite.length > 0)
      parts.push(await charts.figure(ratioSpec(finite, c.threshold), `B / A of ${m} per cell (log scale; the band is the threshold).`));
    parts.push(
      table(
        ['cell', 'A', 'B', 'B / A', '95% CI (seeds)', 'verdict'],
        rows.map((r): CellValue[] => [
          r.cell,
          r.a,
          r.b,
          r.ratio === null ? (r.note ?? '') : r.ratio,
          r.seeds ? `${formatInterval({ kind: 'ratio', lo: r.seeds.lo, hi: r.seeds.hi })} (${r.seeds.a} / ${r.seeds.b})` : '',
          r.changed
            ? badge('changed', 'bad')
            : r.ratio === null
              ? badge('not compared', 'neutral')
              : r.seeds && r.seeds.verdict === 'within noise'
                ? badge('within noise', 'good')
                : badge('within threshold', 'good'),
        ]),
      ),
    );
    parts.push('</section>');
  }
  if (c.onlyA.length + c.onlyB.length > 0) {
    parts.push('<section id="unmatched"><h2>Cells in one set only</h2>');
    parts.push(table(['cell', 'only in'], [...c.onlyA.map((x) => [x, 'A']), ...c.onlyB.map((x) => [x, 'B'])]));
    parts.push('</section>');
  }
  if (c.rows.length === 0) parts.push(para('The two sets have no cell in common.', 'warn'));
  return page('hetal-bench comparison', parts.join('\n'));
}

function ratioSpec(rows: ComparisonRow[], threshold: number): ChartSpec {
  return {
    width: 420,
    height: { step: 16 } as never,
    layer: [
      {
        data: { values: [{ lo: Math.max(1 - threshold, 1e-9), hi: 1 + threshold }] },
        mark: { type: 'rect', color: '#e8eef9' },
        encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
      },
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', color: '#777' }, encoding: { x: { field: 'one', type: 'quantitative' } } },
      {
        data: { values: rows.map((r) => ({ cell: r.cell, ratio: r.ratio, verdict: r.changed ? 'changed' : 'within threshold' })) },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y: { field: 'cell', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } },
          x: { field: 'ratio', type: 'quantitative', scale: { type: 'log' }, title: 'B / A' },
          color: {
            field: 'verdict',
            type: 'nominal',
            title: null,
            scale: { domain: ['within threshold', 'changed'], range: ['#1f7a3d', '#b42318'] },
          },
          shape: {
            field: 'verdict',
            type: 'nominal',
            title: null,
            scale: { domain: ['within threshold', 'changed'], range: ['circle', 'diamond'] },
          },
        },
      },
    ],
  } as ChartSpec;
}
