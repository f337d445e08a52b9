/**
 * Matmul speed: the speed-ups of each algorithm over the baselines it declares (DiagABT over
 * ColMajor and Jin, DiagATB over RowMajor and Jin), per shape, and the time of every algorithm
 * against the shape. Times are only compared
 * within one backend and preset (one machine's run): absolute times are not comparable with the
 * paper's GPU, the ratios are.
 */
import { MATMUL_ALGORITHMS } from '../../../algorithms/matmul/registry';
import type { MatmulRecord } from '../../records';
import type { ChartSpec } from '../charts';
import { escapeHtml, para, table } from '../html';
import type { ReportSection } from '../section';
import {
  algorithmName,
  algorithmRank,
  compareShapes,
  distinct,
  familyName,
  familyOf,
  groupBy,
  num,
  setupLabel,
  shapeLabel,
} from '../select';

/**
 * The comparisons the paper headlines: each algorithm against the baselines it declares
 * (MatmulAlgorithm.baselines), e.g. DiagABT against ColMajor and Jin et al.
 */
function pairs(): { fast: string; slow: string }[] {
  return MATMUL_ALGORITHMS.flatMap((a) => a.baselines.map((slow) => ({ fast: a.id, slow })));
}

/** The paper's headline claim, quoted beside the measured ratios. */
export const PAPER_SPEEDUP_CLAIM = 'DiagABT and DiagATB are 1.8x to 323x faster than the prior methods (paper, HEaaN on GPU, 2^15 slots).';

/** One measured speed-up. */
export interface Speedup {
  setup: string;
  shape: string;
  comparison: string;
  /** time(slow) / time(fast) */
  speedup: number;
  fastMs: number;
  slowMs: number;
}

/** Speed-ups from the completed records of one setup (backend/preset), per shape and pair. */
export function speedups(records: readonly MatmulRecord[]): Speedup[] {
  const out: Speedup[] = [];
  for (const [setup, rs] of groupBy(records, setupLabel)) {
    const shapes = [...groupBy(rs, (r) => shapeLabel(r.shape)).values()].sort((x, y) => compareShapes(x[0]!.shape, y[0]!.shape));
    for (const list of shapes) {
      for (const { fast, slow } of pairs()) {
        const f = num(list.filter((r) => r.algorithm === fast).pop()?.timeMs?.median);
        const s = num(list.filter((r) => r.algorithm === slow).pop()?.timeMs?.median);
        if (f === undefined || s === undefined || f <= 0 || s <= 0) continue;
        out.push({
          setup,
          shape: shapeLabel(list[0]!.shape),
          comparison: `${algorithmName(fast)} vs ${algorithmName(slow)}`,
          speedup: s / f,
          fastMs: f,
          slowMs: s,
        });
      }
    }
  }
  return out;
}

/** The matmul speed section. */
export const matmulSpeedSection: ReportSection = {
  id: 'matmul-speed',
  title: 'Matmul speed-ups and times',
  async render(ctx) {
    const timed = ctx.matmul.filter((r) => r.shape && num(r.timeMs?.median) !== undefined && r.timeMs.median > 0);
    if (timed.length === 0) return null;
    const parts: string[] = [];
    parts.push(`<p class="claim"><strong>Paper:</strong> ${escapeHtml(PAPER_SPEEDUP_CLAIM)}</p>`);
    parts.push(
      para(
        'Ratios are taken only between records of the same backend and preset. Times on the simulator (sim) measure ' +
          'plain slot arithmetic, not CKKS cost; only seal times say how fast encrypted matmul runs here.',
        'note',
      ),
    );
    // Simulator times are slot arithmetic, not CKKS cost: no speed-up is ever computed from
    // them, and their setups come after the real ones so the two are never read side by side.
    const all = speedups(timed.filter((r) => r.backend !== 'sim'));
    const setups = [...groupBy(timed, setupLabel)].sort(
      ([, a], [, b]) => Number(a[0]!.backend === 'sim') - Number(b[0]!.backend === 'sim'),
    );
    for (const [setup, rs] of setups) {
      const sim = rs[0]!.backend === 'sim';
      parts.push(`<h3>${escapeHtml(setup)}${sim ? ' (simulator times)' : ''}</h3>`);
      if (sim) parts.push(para('Simulator times measure slot arithmetic, not CKKS cost: shown as times only, never as speed-ups.', 'note'));
      const sp = all.filter((s) => s.setup === setup);
      const shapeOrder = distinct(
        rs
          .slice()
          .sort((x, y) => compareShapes(x.shape, y.shape))
          .map((r) => shapeLabel(r.shape)),
      );
      const figures: string[] = [];
      if (sp.length > 0) {
        const lo = Math.min(...sp.map((s) => s.speedup)),
          hi = Math.max(...sp.map((s) => s.speedup));
        parts.push(
          `<p>Measured speed-ups here: <strong>${fmtX(lo)} to ${fmtX(hi)}</strong> over ${sp.length} comparisons ` +
            `(paper: 1.8x to 323x).</p>`,
        );
        figures.push(
          await ctx.charts.figure(
            speedupSpec(sp, shapeOrder),
            `Speed-up of HETAL's algorithms over the prior ones per shape, ${setup} (log scale; above 1 means HETAL's is faster).`,
          ),
        );
      }
      figures.push(
        await ctx.charts.figure(
          timeSpec(rs, shapeOrder),
          `Median time per call against the shape (a, b, c), ${setup} (log scale; bars show min to max).`,
        ),
      );
      parts.push(`<div class="charts">${figures.join('\n')}</div>`);
      if (sp.length > 0) {
        parts.push(
          table(
            ['(a, b, c)', 'comparison', 'HETAL ms', 'prior ms', 'speed-up'],
            sp.map((s) => [s.shape, s.comparison, s.fastMs, s.slowMs, fmtX(s.speedup)]),
          ),
        );
      }
    }
    return parts.join('\n');
  },
};

function fmtX(v: number): string {
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}x`;
}

function speedupSpec(sp: Speedup[], shapeOrder: string[]): ChartSpec {
  const comparisons = distinct(sp.map((s) => s.comparison));
  return {
    width: { step: 20 } as never,
    height: 240,
    data: { values: sp.map((s) => ({ shape: s.shape, comparison: s.comparison, speedup: s.speedup })) },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'shape', type: 'nominal', sort: shapeOrder, title: '(a, b, c)', axis: { labelAngle: 0 } },
          xOffset: { field: 'comparison', sort: comparisons },
          // bars grow from 1x (no speed-up), not from the log scale's arbitrary bottom
          y: { field: 'speedup', type: 'quantitative', stack: null, scale: { type: 'log' }, title: 'speed-up (x)' },
          y2: { datum: 1 },
          color: { field: 'comparison', type: 'nominal', sort: comparisons, title: null, legend: { orient: 'bottom', columns: 2 } },
          tooltip: [{ field: 'comparison' }, { field: 'speedup', format: '.2f' }],
        },
      },
      {
        data: { values: [{ one: 1 }] },
        mark: { type: 'rule', color: '#555', strokeDash: [4, 3] },
        encoding: { y: { field: 'one', type: 'quantitative' } },
      },
    ],
  } as ChartSpec;
}

function timeSpec(rs: MatmulRecord[], shapeOrder: string[]): ChartSpec {
  const rows = rs.map((r) => ({
    shape: shapeLabel(r.shape),
    algorithm: algorithmName(r.algorithm),
    rank: algorithmRank(r.algorithm),
    family: familyName(familyOf(r)),
    median: r.timeMs.median,
    min: num(r.timeMs.min) ?? r.timeMs.median,
    max: num(r.timeMs.max) ?? r.timeMs.median,
  }));
  const algos = distinct(
    rows
      .slice()
      .sort((a, b) => a.rank - b.rank)
      .map((r) => r.algorithm),
  );
  const x = {
    field: 'shape',
    type: 'nominal',
    sort: shapeOrder,
    title: '(a, b, c)',
    axis: { labelAngle: shapeOrder.length > 3 ? -35 : 0 },
  };
  const color = { field: 'algorithm', type: 'nominal', sort: algos, title: 'algorithm' };
  return {
    data: { values: rows },
    facet: { column: { field: 'family', type: 'nominal', title: null, sort: [familyName('abt'), familyName('atb')] } },
    spec: {
      width: { step: shapeOrder.length > 3 ? 56 : 84 },
      height: 240,
      layer: [
        {
          mark: { type: 'rule' },
          encoding: { x, y: { field: 'min', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'max' }, color },
        },
        {
          mark: { type: 'line', point: true },
          encoding: { x, y: { field: 'median', type: 'quantitative', scale: { type: 'log' }, title: 'median ms per call' }, color },
        },
      ],
    },
    resolve: { scale: { color: 'shared' } },
  } as ChartSpec;
}
