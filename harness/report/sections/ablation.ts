/**
 * Ablation: for each study a sweep declared (harness/sweep/ablation.ts), the effect of each arm of
 * each factor against the baseline, everything else fixed, on every metric the records carry: a
 * table of ratios or differences with 95% bootstrap intervals over seeds and a verdict, a
 * small-multiples chart per metric (one panel per factor), and for two factors the grid of each
 * metric over both with the interaction. Nothing here knows any factor: the analysis is
 * harness/report/ablation.ts.
 */
import { type ArmEffect, type Interaction, type Metric, type Study, armEffects, findStudies, interactions } from '../ablation';
import type { ChartSpec } from '../charts';
import { type CellValue, badge, escapeHtml, para, raw, table } from '../html';
import type { ReportSection } from '../section';
import { formatEffect, formatInterval, noChange } from '../stats';

/** The page text on how to read the tables. */
const EXPLANATION =
  'Each arm differs from the baseline in one factor only; every other parameter is the same (its context). ' +
  'Effects are the ratio of means over seeds (times, counts, errors: arm / baseline) or the difference of means ' +
  '(accuracy in percentage points, precision in bits: arm − baseline), with a 95% percentile bootstrap interval ' +
  '(2000 resamples; seeds resampled in pairs when both sides ran the same seeds). "Within noise": the interval ' +
  'covers no change (ratio 1, difference 0); "no change": every seed gave identical values; "one seed": no interval.';

/** `factor=value` */
function setting(f: string, v: unknown): string {
  return `${f}=${String(v)}`;
}

function effectText(m: Metric, v: number): string {
  return formatEffect(m.kind, v, m.scale) + (m.kind === 'difference' && m.unit ? ` ${m.unit}` : '');
}

/** The verdict in words: a change is called better or worse by the metric's direction. */
function verdictOf(e: ArmEffect): 'better' | 'worse' | 'within noise' | 'no change' | 'one seed' {
  const v = e.effect.verdict;
  if (v !== 'changed') return v;
  const up = e.effect.estimate > noChange(e.metric.kind);
  return (e.metric.better === 'higher' ? up : !up) ? 'better' : 'worse';
}

function verdictBadge(e: ArmEffect): CellValue {
  const v = verdictOf(e);
  return badge(v === 'one seed' ? 'one seed: no interval' : v, v === 'better' ? 'good' : v === 'worse' ? 'bad' : 'neutral');
}

/** The table of one factor's arms. */
function factorTable(study: Study, factor: string, effects: ArmEffect[]): string {
  const contexts = study.contexts.size > 1;
  const head = ['metric', ...(contexts ? ['context'] : []), 'arm', 'baseline (mean)', 'arm (mean)', 'effect', '95% CI', 'seeds', 'verdict'];
  const rows = effects.map((e): CellValue[] => [
    e.metric.label,
    ...(contexts ? [e.contextLabel] : []),
    setting(factor, e.arm),
    raw(escapeHtml(e.metric.format(e.effect.baseMean)), { numeric: true }),
    raw(escapeHtml(e.metric.format(e.effect.armMean)), { numeric: true }),
    raw(escapeHtml(effectText(e.metric, e.effect.estimate)), { numeric: true }),
    raw(escapeHtml(formatInterval(e.effect, e.metric.scale)), { numeric: true }),
    raw(`${e.effect.nBase} / ${e.effect.nArm}${e.effect.paired ? ' paired' : ''}`, { numeric: true }),
    verdictBadge(e),
  ]);
  return table(head, rows, {
    caption: `${factor}: each arm against the baseline ${setting(factor, study.baseline[factor])}`,
    cls: 'ablation',
  });
}

/** The small multiples of one metric: a panel per factor, a row per arm (and context). */
function effectSpec(metric: Metric, effects: ArmEffect[], contexts: boolean): ChartSpec | null {
  const rows = effects
    .filter((e) => Number.isFinite(e.effect.estimate))
    .map((e) => {
      const s = metric.kind === 'difference' ? metric.scale : 1;
      const lo = e.effect.lo ?? e.effect.estimate,
        hi = e.effect.hi ?? e.effect.estimate;
      return {
        factor: e.factor,
        row: contexts ? `${e.contextLabel} · ${String(e.arm)}` : String(e.arm),
        effect: e.effect.estimate * s,
        lo: lo * s,
        hi: hi * s,
        verdict: verdictOf(e),
        none: noChange(metric.kind),
      };
    })
    .filter((r) => Number.isFinite(r.lo) && Number.isFinite(r.hi));
  if (rows.length === 0) return null;
  // a log axis only where ratios span a wide range (a narrow one gets too few tick labels)
  const positive = metric.kind === 'ratio' && rows.every((r) => r.lo > 0 && r.effect > 0);
  const log = positive && Math.max(...rows.map((r) => r.hi), 1) / Math.min(...rows.map((r) => r.lo), 1) > 4;
  const title =
    metric.kind === 'ratio'
      ? `${metric.label}: arm / baseline`
      : `${metric.label}: arm − baseline${metric.unit ? ` (${metric.unit})` : ''}`;
  const x = { type: 'quantitative', title, scale: log ? { type: 'log', nice: false, padding: 10 } : { zero: false, padding: 10 } };
  const verdicts = ['better', 'worse', 'within noise', 'no change', 'one seed'];
  const colours = ['#1f7a3d', '#b42318', '#2a5db0', '#777', '#b7791f'];
  const panel = (factor: string) => ({
    title: { text: factor, fontSize: 12 },
    data: { values: rows.filter((r) => r.factor === factor) },
    width: 260,
    height: { step: 20 },
    layer: [
      { mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { field: 'none', ...x } } },
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y: { field: 'row', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } },
          x: { field: 'lo', ...x },
          x2: { field: 'hi' },
          color: {
            field: 'verdict',
            type: 'nominal',
            title: null,
            scale: { domain: verdicts, range: colours },
          },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y: { field: 'row', type: 'nominal', sort: null },
          x: { field: 'effect', ...x },
          color: { field: 'verdict', type: 'nominal', title: null, legend: { orient: 'bottom' } },
          shape: {
            field: 'verdict',
            type: 'nominal',
            title: null,
            scale: { domain: verdicts, range: ['triangle-up', 'triangle-down', 'circle', 'square', 'diamond'] },
          },
          tooltip: [{ field: 'row', title: 'arm' }, { field: 'effect' }, { field: 'lo' }, { field: 'hi' }, { field: 'verdict' }],
        },
      },
    ],
  });
  // one panel per factor with its own rows and a shared effect axis (concat, not facet: each
  // panel lists only its own arms)
  return {
    concat: [...new Set(rows.map((r) => r.factor))].map(panel),
    columns: 3,
    resolve: { scale: { x: 'shared', y: 'independent' } },
  } as unknown as ChartSpec;
}

/** Heatmaps of each metric over two factors, coloured by better/worse than the baseline cell. */
function interactionSpec(ix: Interaction): ChartSpec {
  const [fa, fb] = ix.factors;
  const byMetric = new Map<string, number>();
  const signed = (c: Interaction['cells'][number]) => {
    const s = c.metric.kind === 'ratio' ? (c.effect > 0 ? Math.log2(c.effect) : 0) : c.effect;
    return c.metric.better === 'lower' ? -s : s;
  };
  for (const c of ix.cells) byMetric.set(c.metric.id, Math.max(byMetric.get(c.metric.id) ?? 0, Math.abs(signed(c))));
  const values = ix.cells.map((c) => {
    const max = byMetric.get(c.metric.id) ?? 0;
    return {
      metric: c.metric.label,
      a: String(c.a),
      b: String(c.b),
      score: max > 0 && Number.isFinite(signed(c)) ? signed(c) / max : 0,
      label: effectText(c.metric, c.effect),
    };
  });
  const metrics = [...new Set(values.map((v) => v.metric))];
  return {
    data: { values },
    facet: { field: 'metric', type: 'nominal', title: null, sort: metrics, header: { labelLimit: 200 } },
    columns: 4,
    spec: {
      width: { step: 84 },
      height: { step: 30 },
      layer: [
        {
          mark: { type: 'rect' },
          encoding: {
            x: { field: 'b', type: 'nominal', title: fb, sort: ix.values[1].map(String), axis: { labelAngle: 0 } },
            y: { field: 'a', type: 'nominal', title: fa, sort: ix.values[0].map(String) },
            color: {
              field: 'score',
              type: 'quantitative',
              title: 'against the baseline cell: worse (orange) to better (blue)',
              scale: { domain: [-1, 1], scheme: 'blueorange', reverse: true },
              legend: { orient: 'bottom', gradientLength: 200, titleLimit: 0, labels: false },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 11 },
          encoding: {
            x: { field: 'b', type: 'nominal', sort: ix.values[1].map(String) },
            y: { field: 'a', type: 'nominal', sort: ix.values[0].map(String) },
            text: { field: 'label' },
          },
        },
      ],
    },
  } as unknown as ChartSpec;
}

function interactionTable(ix: Interaction): string {
  const [fa, fb] = ix.factors;
  const rows = ix.cells
    .filter((c) => c.interaction !== undefined)
    .map((c): CellValue[] => [
      c.metric.label,
      `${setting(fa, c.a)}, ${setting(fb, c.b)}`,
      raw(escapeHtml(effectText(c.metric, c.effect)), { numeric: true }),
      raw(
        escapeHtml(
          c.metric.kind === 'ratio'
            ? `${formatEffect('ratio', c.interaction!)}`
            : `${formatEffect('difference', c.interaction!, c.metric.scale)}${c.metric.unit ? ` ${c.metric.unit}` : ''}`,
        ),
        { numeric: true },
      ),
    ]);
  if (rows.length === 0) return '';
  return table(['metric', 'setting', 'effect vs baseline', 'interaction'], rows, {
    caption: `Interaction of ${fa} and ${fb}${ix.contextLabel ? ` (${ix.contextLabel})` : ''}: both changed at once against what the single changes predict`,
    cls: 'ablation-interaction',
  });
}

async function renderStudy(study: Study, ctx: Parameters<ReportSection['render']>[0]): Promise<string> {
  const parts: string[] = [];
  const baseline = study.factors.map((f) => setting(f, study.baseline[f])).join(', ');
  const seeds = [...new Set(study.records.map((r) => r.seed))].filter((s) => s !== null);
  parts.push(
    `<h3>${escapeHtml(study.kind)}: ${escapeHtml(study.factors.join(' × '))}</h3>`,
    para(
      `Baseline ${baseline}. ${study.records.length} completed cell(s) in ${study.contexts.size} context(s)` +
        `${seeds.length ? `, seeds ${seeds.join(', ')}` : ''}` +
        (study.incomplete ? `; ${study.incomplete} cell(s) did not complete and are left out (see Failures).` : '.'),
      'note',
    ),
  );
  const effects = armEffects(study);
  if (effects.length === 0) {
    parts.push(para('No arm has a baseline cell to compare with in the same context.', 'warn'));
    return parts.join('\n');
  }
  // metrics identical on every seed of every arm are listed, not tabulated
  const informative = study.metrics.filter((m) => effects.some((e) => e.metric.id === m.id && e.effect.verdict !== 'no change'));
  const unchanged = study.metrics.filter((m) => effects.some((e) => e.metric.id === m.id) && !informative.includes(m));
  for (const f of study.factors) {
    const rows = effects.filter((e) => e.factor === f && informative.includes(e.metric));
    rows.sort((x, y) => informative.indexOf(x.metric) - informative.indexOf(y.metric));
    if (rows.length > 0) parts.push(factorTable(study, f, rows));
    else if (!effects.some((e) => e.factor === f)) parts.push(para(`${f}: no arm of this factor was run beside its baseline.`, 'note'));
  }
  if (unchanged.length > 0)
    parts.push(para(`The same in every arm, on every seed (no change): ${unchanged.map((m) => m.label).join(', ')}.`, 'note'));
  const figures: string[] = [];
  for (const m of informative) {
    const spec = effectSpec(
      m,
      effects.filter((e) => e.metric.id === m.id),
      study.contexts.size > 1,
    );
    if (spec)
      figures.push(
        await ctx.charts.figure(
          spec,
          `${m.label}: effect of each arm against the baseline (${baseline}), point = ${m.kind === 'ratio' ? 'ratio' : 'difference'} of means, bar = 95% bootstrap interval; one panel per factor.`,
        ),
      );
  }
  if (figures.length > 0) parts.push(`<div class="charts">${figures.join('\n')}</div>`);
  for (const ix of interactions(study)) {
    parts.push(
      `<h3>Interaction: ${escapeHtml(ix.factors.join(' × '))}${ix.contextLabel ? ` (${escapeHtml(ix.contextLabel)})` : ''}</h3>`,
      await ctx.charts.figure(
        interactionSpec(ix),
        `Each metric over ${ix.factors[0]} and ${ix.factors[1]} (other factors at baseline), relative to the baseline cell: ratio or difference of means; colour from worse (orange) to better (blue), scaled per metric.`,
      ),
      interactionTable(ix),
      para(
        'Interaction = the effect of changing both factors divided by the product of the two single effects (ratios), ' +
          'or minus their sum (differences): 1× or 0 when the factors act independently.',
        'note',
      ),
    );
  }
  return parts.join('\n');
}

/** The ablation section. */
export const ablationSection: ReportSection = {
  id: 'ablation',
  title: 'Ablation',
  async render(ctx) {
    const studies = findStudies(ctx.records);
    if (studies.length === 0) return null;
    const parts = [para(EXPLANATION, 'note')];
    for (const s of studies) parts.push(await renderStudy(s, ctx));
    return parts.join('\n');
  },
};
