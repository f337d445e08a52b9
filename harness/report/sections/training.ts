/**
 * Training: validation loss per epoch (the run beside its plaintext twin), test accuracy
 * encrypted against plaintext (the paper's main quality figure: the gap, comparable across
 * hardware), and where a training step's time goes (DiagABT, DiagATB, softmax, refresh, other).
 */
import type { TrainRecord } from '../../records';
import type { ChartSpec } from '../charts';
import { type CellValue, escapeHtml, formatBytes, para, raw, table } from '../html';
import type { ReportSection } from '../section';
import { num, setupLabel } from '../select';

/** The paper's training figures, quoted beside the measured ones. */
export const PAPER_TRAINING_CLAIM =
  'Accuracy within 0.5 percentage points of the same training without encryption; ' +
  '4.29 to 15.72 s per step and 567 to 3442 s in total per dataset (paper, HEaaN on GPU, ViT/MPNet features).';

const PARTS = ['abt', 'atb', 'softmax', 'refresh', 'other'] as const;
const PART_NAMES: Record<(typeof PARTS)[number], string> = {
  abt: 'DiagABT (X·Wᵀ)',
  atb: 'DiagATB (gradient)',
  softmax: 'softmax',
  refresh: 'refresh',
  other: 'other',
};

/**
 * Milliseconds of each part per step of the schedule (parts are recorded as totals over the run,
 * validation passes included, so they are divided by the number of steps).
 */
export function stepBreakdown(r: TrainRecord): Record<(typeof PARTS)[number], number> | null {
  const t = r.timeMs;
  const total = num(t?.total),
    perStep = num(t?.perStep);
  if (total === undefined || perStep === undefined || total <= 0 || perStep <= 0) return null;
  // records since the step/validation split carry the steps' own time; older ones: perStep = total / steps
  const stepMs = num(t.step);
  const steps = stepMs === undefined ? total / perStep : Math.max(1, Math.round(stepMs / perStep));
  const known = { abt: num(t.abt) ?? 0, atb: num(t.atb) ?? 0, softmax: num(t.softmax) ?? 0, refresh: num(t.refresh) ?? 0 };
  const other = num(t.other) ?? Math.max(0, total - known.abt - known.atb - known.softmax - known.refresh);
  return {
    abt: known.abt / steps,
    atb: known.atb / steps,
    softmax: known.softmax / steps,
    refresh: known.refresh / steps,
    other: other / steps,
  };
}

/** Series name of the run's own losses and accuracy. */
function runKind(r: TrainRecord): string {
  return r.backend === 'plain' ? 'float64 training' : `encrypted (${setupLabel(r)})`;
}

/** A readable, unique label per training record. */
function labels(records: readonly TrainRecord[]): string[] {
  const base = records.map((r) => `${r.dataset} · ${r.features} · ${setupLabel(r)}`);
  return base.map((b, i) => (base.filter((x) => x === b).length > 1 ? `${b} #${base.slice(0, i + 1).filter((x) => x === b).length}` : b));
}

/** The training section. */
export const trainingSection: ReportSection = {
  id: 'training',
  title: 'Training',
  async render(ctx) {
    const records = ctx.train.filter((r) => r.accuracy || Array.isArray(r.valLosses));
    if (records.length === 0) return null;
    const names = labels(records);
    const parts: string[] = [`<p class="claim"><strong>Paper:</strong> ${escapeHtml(PAPER_TRAINING_CLAIM)}</p>`];
    const figures: string[] = [];

    const losses = records
      .flatMap((r, i) => [
        ...(r.valLosses ?? []).map((loss, e) => ({ run: names[i], series: runKind(r), epoch: e + 1, loss })),
        ...(r.plainValLosses ?? []).map((loss, e) => ({ run: names[i], series: 'plaintext twin', epoch: e + 1, loss })),
      ])
      .filter((p) => num(p.loss) !== undefined);
    if (losses.length > 0) {
      figures.push(
        await ctx.charts.figure(
          lossSpec(losses, names),
          'Validation cross-entropy after each epoch: the run against its plaintext twin (same data, batches and hyperparameters).',
        ),
      );
    }

    const acc = records
      .flatMap((r, i) => [
        { run: names[i], measure: 'the run (backend as labelled)', order: 0, accuracy: num(r.accuracy?.test) },
        { run: names[i], measure: 'plaintext twin', order: 1, accuracy: num(r.plainAccuracy) },
        { run: names[i], measure: 'float64 with the approximate softmax', order: 2, accuracy: num(r.approxAccuracy) },
      ])
      .filter((a) => a.accuracy !== undefined);
    if (acc.length > 0)
      figures.push(
        await ctx.charts.figure(
          accuracySpec(acc),
          'Test accuracy of each run, its plaintext twin, and float64 training with the same softmax approximation.',
        ),
      );

    const steps = records.map((r, i) => ({ run: names[i]!, b: stepBreakdown(r) })).filter((s) => s.b !== null);
    if (steps.length > 0) {
      const rows = steps.flatMap((s) => PARTS.map((p, order) => ({ run: s.run, part: PART_NAMES[p], order, ms: s.b![p] })));
      figures.push(
        await ctx.charts.figure(
          stepSpec(rows),
          'Where the training time goes per step, as shares: steps and validation passes together (validation is part of "other"; the table gives seconds per step, a step alone).',
        ),
      );
    }
    if (figures.length > 0) parts.push(`<div class="charts">${figures.join('\n')}</div>`);

    parts.push(
      table(
        [
          'dataset',
          'features',
          'setup',
          'softmax',
          'epochs',
          'best epoch',
          'test acc.',
          'plaintext acc.',
          'gap (pp)',
          'approx-softmax acc.',
          'total s',
          's per step',
          'ABT+ATB share',
          'refreshes',
          'bytes moved',
        ],
        records.map((r) => {
          const test = num(r.accuracy?.test),
            plain = num(r.plainAccuracy);
          const t = r.timeMs;
          const total = num(t?.total);
          const share = total && total > 0 ? ((num(t.abt) ?? 0) + (num(t.atb) ?? 0)) / total : undefined;
          return [
            r.dataset,
            r.features,
            setupLabel(r),
            r.hyper?.softmax ?? r.algorithm,
            num(r.epochs),
            num(r.bestEpoch),
            pct(test),
            pct(plain),
            test !== undefined && plain !== undefined ? Number(((test - plain) * 100).toFixed(2)) : '',
            pct(num(r.approxAccuracy)),
            total === undefined ? '' : total / 1000,
            num(t?.perStep) === undefined ? '' : t.perStep / 1000,
            share === undefined ? '' : raw(`${(share * 100).toFixed(1)}%`, { numeric: true }),
            num(r.refreshes),
            num(r.bytesMoved) === undefined ? '' : formatBytes(r.bytesMoved),
          ];
        }),
      ),
    );
    parts.push(
      para(
        'Gap = test accuracy of the run minus that of its plaintext twin, in percentage points (the paper reports gaps within 0.5).',
        'note',
      ),
    );
    return parts.join('\n');
  },
};

function pct(v: number | undefined): CellValue {
  return v === undefined ? '' : raw(`${(v * 100).toFixed(2)}%`, { numeric: true });
}

function lossSpec(values: object[], runs: string[]): ChartSpec {
  return {
    data: { values },
    facet: { field: 'run', type: 'nominal', sort: runs, title: null },
    columns: 2,
    spec: {
      width: 260,
      height: 170,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'loss', type: 'quantitative', title: 'validation loss', scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2 } },
        strokeDash: { field: 'series', type: 'nominal', title: null },
      },
    },
  } as ChartSpec;
}

function accuracySpec(values: object[]): ChartSpec {
  // dots, not bars from zero: the figure that matters is a gap of a fraction of a point
  return {
    data: { values },
    width: 380,
    height: { step: 13 } as never,
    mark: { type: 'point', filled: true, size: 80, opacity: 0.9 },
    encoding: {
      x: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', axis: { format: '.1%' }, scale: { zero: false, padding: 12 } },
      y: { field: 'run', type: 'nominal', title: null, axis: { labelLimit: 0 } },
      yOffset: { field: 'measure', sort: { field: 'order' } },
      color: { field: 'measure', type: 'nominal', title: null, sort: { field: 'order' }, legend: { orient: 'bottom', columns: 1 } },
      shape: { field: 'measure', type: 'nominal', title: null, sort: { field: 'order' } },
      tooltip: [{ field: 'run' }, { field: 'measure' }, { field: 'accuracy', format: '.2%' }],
    },
  } as ChartSpec;
}

function stepSpec(values: object[]): ChartSpec {
  // shares, as the paper reports them: runs differ in absolute time by orders of magnitude
  return {
    data: { values },
    width: 380,
    height: { step: 26 } as never,
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'run', type: 'nominal', title: null, axis: { labelLimit: 0 } },
      x: { field: 'ms', type: 'quantitative', stack: 'normalize', title: 'share of a training step', axis: { format: '.0%' } },
      color: { field: 'part', type: 'nominal', title: 'part', sort: PARTS.map((p) => PART_NAMES[p]) },
      order: { field: 'order' },
      tooltip: [{ field: 'part' }, { field: 'ms', format: '.1f', title: 'ms per step' }],
    },
  } as ChartSpec;
}
