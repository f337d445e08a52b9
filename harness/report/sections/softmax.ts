/**
 * Softmax error against the input range, per approximation, one panel per class count. Errors
 * measured in plain float64 are the approximation's own error (what the paper's script
 * reports); errors measured on sim or seal add CKKS noise and level effects, and are drawn
 * apart (dashed) so the two are never read as one.
 */
import type { ChartSpec } from '../charts';
import { type CellValue, para, raw, table } from '../html';
import type { ReportSection } from '../section';
import { distinct, groupBy, num, refreshTag } from '../select';

/**
 * The top of the error axis. A softmax error above 1 means the approximation left its domain
 * (the probabilities themselves are in [0, 1]); a diverged one reaches 1e35, which on a shared
 * log axis would flatten every other line. Such values are drawn at this ceiling and marked.
 */
export const ERROR_CLIP = 10;

/** What an error was measured with: the approximation alone, or under CKKS on a backend. */
export function evaluationLabel(r: { backend?: string; preset?: string; refresh?: string; insecure?: boolean }): string {
  if (r.backend === 'plain') return 'approximation (float64)';
  return `with CKKS (${r.backend ?? '?'}${r.preset ? '/' + r.preset : ''}${refreshTag(r)})`;
}

/** The softmax section. */
export const softmaxSection: ReportSection = {
  id: 'softmax',
  title: 'Softmax approximation error',
  async render(ctx) {
    const records = ctx.softmax.filter((r) => num(r.range) !== undefined && num(r.classes) !== undefined && r.error);
    if (records.length === 0) return null;
    const sorted = records
      .slice()
      .sort(
        (x, y) =>
          x.classes - y.classes ||
          x.algorithm.localeCompare(y.algorithm) ||
          x.range - y.range ||
          evaluationLabel(x).localeCompare(evaluationLabel(y)),
      );
    const points: {
      algorithm: string;
      evaluation: string;
      classes: string;
      range: string;
      statistic: string;
      error: number;
      shown: number;
      clipped: boolean;
    }[] = [];
    let omitted = 0;
    for (const r of sorted) {
      for (const statistic of ['max', 'mean'] as const) {
        const e = num(r.error[statistic]);
        if (e === undefined || e <= 0) {
          omitted += 1;
          continue;
        }
        points.push({
          algorithm: r.algorithm,
          evaluation: evaluationLabel(r),
          classes: `c = ${r.classes}`,
          range: String(r.range),
          statistic: `${statistic} error`,
          error: e,
          shown: Math.min(e, ERROR_CLIP),
          clipped: e > ERROR_CLIP,
        });
      }
    }
    const parts: string[] = [];
    parts.push(
      para(
        'Error of one sample = max over classes of |softmax − approximation|; max and mean over the samples. Inputs are uniform ' +
          'in [−r, r] for each r of the cumulative range (range 8 covers r = 4 and 8, and so on), as in the paper. Solid lines: the ' +
          "approximation alone in float64 (the paper's protocol); dashed: measured under CKKS.",
      ),
    );
    if (points.length > 0) {
      const ranges = distinct(sorted.map((r) => r.range))
        .sort((a, b) => a - b)
        .map(String);
      const classes = distinct(sorted.map((r) => r.classes))
        .sort((a, b) => a - b)
        .map((c) => `c = ${c}`);
      const evaluations = distinct(points.map((p) => p.evaluation)).sort((a, b) =>
        a.startsWith('approx') ? -1 : b.startsWith('approx') ? 1 : a.localeCompare(b),
      );
      const clipped = points.filter((p) => p.clipped).length;
      parts.push(
        await ctx.charts.figure(
          errorSpec(points, ranges, classes, evaluations),
          'Softmax error against the input range, per approximation; columns: class count, rows: max and mean error (log scale).' +
            (clipped > 0
              ? ` ${clipped} value(s) above ${ERROR_CLIP} (a diverged approximation) are drawn clipped at ${ERROR_CLIP} and marked with a red triangle; the table gives them.`
              : ''),
        ),
      );
    }
    if (omitted > 0)
      parts.push(
        para(
          `${omitted} error value(s) that are zero or not finite (the approximation diverged) are left out of the log-scale chart; the table shows them.`,
          'note',
        ),
      );
    // one row per approximation, class count and evaluation; max and mean error per range
    const ranges = distinct(sorted.map((r) => r.range)).sort((a, b) => a - b);
    const rows = [...groupBy(sorted, (r) => `${r.algorithm}|${r.classes}|${evaluationLabel(r)}`).values()].map((list) => {
      const r0 = list[0]!;
      const samples = distinct(list.map((r) => r.samples));
      return [
        r0.algorithm,
        r0.classes,
        evaluationLabel(r0),
        samples.length === 1 ? samples[0] : samples.join(', '),
        num(r0.depth),
        ...ranges.flatMap((range) => {
          const r = list.filter((x) => x.range === range).pop();
          return r ? [errorText(r.error.max), errorText(r.error.mean)] : ['', ''];
        }),
      ];
    });
    parts.push(
      table(['algorithm', 'classes', 'measured with', 'samples', 'depth', ...ranges.flatMap((r) => [`r ≤ ${r}: max`, 'mean'])], rows, {
        caption: 'Max and mean error per cumulative input range',
      }),
    );
    return parts.join('\n');
  },
};

function errorSpec(points: object[], ranges: string[], classes: string[], evaluations: string[]): ChartSpec {
  return {
    data: { values: points },
    facet: {
      column: { field: 'classes', type: 'nominal', sort: classes, title: null },
      row: { field: 'statistic', type: 'nominal', sort: ['max error', 'mean error'], title: null },
    },
    spec: {
      width: 190,
      height: 170,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'range', type: 'ordinal', sort: ranges, title: 'input range r', axis: { labelAngle: 0 } },
            // values past the ceiling are drawn at it (and marked below), so one diverged line cannot flatten the rest
            y: { field: 'shown', type: 'quantitative', scale: { type: 'log' }, title: null, axis: { format: '.0e' } },
            color: { field: 'algorithm', type: 'nominal', title: 'algorithm' },
            strokeDash: { field: 'evaluation', type: 'nominal', sort: evaluations, title: 'measured with' },
            shape: { field: 'evaluation', type: 'nominal', sort: evaluations, title: 'measured with' },
            detail: { field: 'evaluation' },
            tooltip: [{ field: 'algorithm' }, { field: 'error', format: '.2e', title: 'error' }],
          },
        },
        {
          transform: [{ filter: 'datum.clipped' }],
          mark: { type: 'point', shape: 'triangle-up', filled: true, size: 110, color: '#b42318', opacity: 1 },
          encoding: {
            x: { field: 'range', type: 'ordinal', sort: ranges },
            y: { field: 'shown', type: 'quantitative', scale: { type: 'log' } },
            tooltip: [{ field: 'algorithm' }, { field: 'error', format: '.2e', title: 'error (clipped)' }],
          },
        },
      ],
    },
  } as ChartSpec;
}

/** Errors span many orders of magnitude: always in exponent form, so columns read alike. */
function errorText(v: unknown): CellValue {
  // JSON has no Infinity or NaN: a diverged approximation's error arrives as null
  if (v === null) return raw('not finite', { numeric: true });
  if (typeof v !== 'number') return '';
  return raw(v === 0 ? '0' : v.toExponential(2), { numeric: true });
}
