/**
 * Ablation analysis, generic in the factors: records tagged by the sweep runner with their cell's
 * `params` and the experiment's `ablation.baseline` (harness/sweep/ablation.ts) are grouped into
 * studies (kind + baseline); within a study, a context is one setting of every parameter that is
 * neither a factor nor the seed. In each context, the baseline cell has every factor at its
 * baseline value, and a factor's arms are the cells that differ from it in that factor only. The
 * effect of an arm on each metric the records carry is a ratio or a difference of means over
 * seeds with a bootstrap interval (stats.ts). Pairs of factors give interaction grids.
 */
import type { ResultRecord } from '../records';
import { formatBytes, formatNumber } from './html';
import { num } from './select';
import { type Effect, type EffectKind, type SeedValue, bootstrapEffect } from './stats';

type Value = string | number | boolean;

/** A measured quantity of a record. */
export interface Metric {
  /** stable id, e.g. `timeMs.median`, `ops.keyswitch` */
  id: string;
  label: string;
  kind: EffectKind;
  better: 'lower' | 'higher';
  /** differences are shown multiplied by this (100: accuracy in percentage points) */
  scale: number;
  /** unit of a shown difference */
  unit: string;
  get(r: ResultRecord): number | undefined;
  /** a mean value for people */
  format(v: number): string;
}

const field =
  (...path: string[]) =>
  (r: ResultRecord): number | undefined => {
    let v: unknown = r;
    for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    return num(v);
  };
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

function metric(
  id: string,
  label: string,
  kind: EffectKind,
  better: 'lower' | 'higher',
  get: (r: ResultRecord) => number | undefined,
  extra: Partial<Pick<Metric, 'scale' | 'unit' | 'format'>> = {},
): Metric {
  return { id, label, kind, better, get, scale: extra.scale ?? 1, unit: extra.unit ?? '', format: extra.format ?? formatNumber };
}

/** The per-kind metrics other than op counts, in table order. */
const KIND_METRICS: Readonly<Record<string, readonly Metric[]>> = {
  matmul: [
    metric('timeMs.median', 'time (median ms)', 'ratio', 'lower', field('timeMs', 'median')),
    metric('error.bits', 'precision (bits)', 'difference', 'higher', field('error', 'bits'), { unit: 'bits' }),
    metric('error.maxAbs', 'max abs. error', 'ratio', 'lower', field('error', 'maxAbs')),
    metric('depth', 'depth (levels)', 'difference', 'lower', field('depth'), { unit: 'levels' }),
  ],
  softmax: [
    metric('timeMs.median', 'time (median ms)', 'ratio', 'lower', field('timeMs', 'median')),
    metric(
      'error.bits',
      'precision (bits, of the max error)',
      'difference',
      'higher',
      (r) => {
        const e = field('error', 'max')(r);
        return e !== undefined && e > 0 ? -Math.log2(e) : undefined;
      },
      { unit: 'bits' },
    ),
    metric('error.max', 'max error', 'ratio', 'lower', field('error', 'max')),
    metric('error.mean', 'mean error', 'ratio', 'lower', field('error', 'mean')),
    metric('depth', 'depth (levels)', 'difference', 'lower', field('depth'), { unit: 'levels' }),
    metric('refreshes', 'refreshes', 'ratio', 'lower', field('refreshes')),
  ],
  train: [
    metric('accuracy.test', 'test accuracy', 'difference', 'higher', field('accuracy', 'test'), { scale: 100, unit: 'pp', format: pct }),
    metric(
      'gap',
      'gap to the plaintext twin',
      'difference',
      'higher',
      (r) => {
        const t = field('accuracy', 'test')(r),
          p = field('plainAccuracy')(r);
        return t !== undefined && p !== undefined ? t - p : undefined;
      },
      { scale: 100, unit: 'pp', format: (v) => `${(v * 100).toFixed(2)} pp` },
    ),
    metric('approxAccuracy', 'float64 accuracy with the approximate softmax', 'difference', 'higher', field('approxAccuracy'), {
      scale: 100,
      unit: 'pp',
      format: pct,
    }),
    metric('timeMs.total', 'training time (ms)', 'ratio', 'lower', field('timeMs', 'total')),
    metric('timeMs.perStep', 'time per step (ms)', 'ratio', 'lower', field('timeMs', 'perStep')),
    metric('refreshes', 'refreshes', 'ratio', 'lower', field('refreshes')),
    metric('bytesMoved', 'bytes moved by refreshes', 'ratio', 'lower', field('bytesMoved'), { format: formatBytes }),
  ],
  ops: [metric('timeMs.median', 'time (median ms)', 'ratio', 'lower', field('timeMs', 'median'))],
};

/** Op counters that duplicate a top-level field of the kind (train: refreshes, bytesMoved). */
const DUPLICATE_OPS: Readonly<Record<string, readonly string[]>> = { train: ['refresh', 'refreshBytes'] };

/** Every metric the records of a kind carry: the kind's own, then each op counter present. */
export function metricsOf(kind: string, records: readonly ResultRecord[]): Metric[] {
  const own = (KIND_METRICS[kind] ?? []).filter((m) => records.some((r) => m.get(r) !== undefined));
  const opKeys = new Set<string>();
  for (const r of records) {
    const ops = (r as { ops?: unknown }).ops;
    if (ops && typeof ops === 'object') for (const [k, v] of Object.entries(ops)) if (num(v) !== undefined) opKeys.add(k);
  }
  const ops = [...opKeys]
    .filter((k) => !(DUPLICATE_OPS[kind] ?? []).includes(k))
    .map((k) =>
      k.endsWith('Ms')
        ? metric(`ops.${k}`, `ops.${k} (ms)`, 'ratio', 'lower', field('ops', k))
        : k.endsWith('Bytes')
          ? metric(`ops.${k}`, `ops.${k}`, 'ratio', 'lower', field('ops', k), { format: formatBytes })
          : metric(`ops.${k}`, `${k} (count)`, 'ratio', 'lower', field('ops', k)),
    );
  return [...own, ...ops];
}

/** A record of a study with what the analysis needs. */
export interface StudyRecord {
  record: ResultRecord;
  params: Record<string, Value>;
  seed: number | null;
  /** the parameters that are neither factors nor the seed, as a key */
  context: string;
}

/** One ablation: the records of one kind sharing one baseline declaration. */
export interface Study {
  kind: string;
  baseline: Record<string, Value>;
  factors: string[];
  records: StudyRecord[];
  /** records of the study that did not complete */
  incomplete: number;
  /** context key -> label (only the parameters that vary between contexts; '' when one context) */
  contexts: Map<string, string>;
  metrics: Metric[];
}

/** The effect of one arm on one metric in one context. */
export interface ArmEffect {
  factor: string;
  arm: Value;
  context: string;
  contextLabel: string;
  metric: Metric;
  effect: Effect;
}

/** One cell of an interaction grid: a setting of two factors (others at baseline) against the baseline. */
export interface InteractionCell {
  a: Value;
  b: Value;
  metric: Metric;
  /** mean of the cell relative to the baseline cell (ratio or difference of means) */
  effect: number;
  /** for a cell off baseline in both factors: observed effect / (product of the single effects), or minus their sum */
  interaction?: number;
}

/** An interaction grid of two factors in one context. */
export interface Interaction {
  factors: [string, string];
  values: [Value[], Value[]];
  context: string;
  contextLabel: string;
  cells: InteractionCell[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isValue(v: unknown): v is Value {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The baseline a record is tagged with, or null (records from plain runs, older files). */
function baselineOf(r: ResultRecord): Record<string, Value> | null {
  const a = (r as { ablation?: unknown }).ablation;
  if (!isObject(a) || !isObject(a.baseline)) return null;
  const entries = Object.entries(a.baseline);
  if (entries.length === 0 || !entries.every(([, v]) => isValue(v))) return null;
  return Object.fromEntries(entries) as Record<string, Value>;
}

function paramsOf(r: ResultRecord): Record<string, Value> | null {
  const p = (r as { params?: unknown }).params;
  if (!isObject(p)) return null;
  return Object.fromEntries(Object.entries(p).filter(([, v]) => isValue(v))) as Record<string, Value>;
}

/** A record's seed: its cell's `seed` parameter, else the seed its run metadata names. */
export function seedOf(r: ResultRecord, params?: Record<string, Value> | null): number | null {
  const s = params?.seed ?? (r.meta as { seed?: unknown } | undefined)?.seed;
  return typeof s === 'number' && Number.isFinite(s) ? s : null;
}

/**
 * A record's cell key without its seed, grouping the seeds of one cell: built from the `params`
 * the sweep runner tags records with, else the cell key with its `seed=` part removed.
 */
export function seedlessKey(r: ResultRecord): string | null {
  const params = paramsOf(r);
  if (params) {
    const rest = Object.keys(params)
      .filter((k) => k !== 'seed')
      .sort()
      .map((k) => `${k}=${String(params[k])}`);
    return [r.kind, ...rest].join('|');
  }
  return typeof r.cell === 'string' && r.cell !== '' ? r.cell.replace(/\|seed=[^|]*/g, '') : null;
}

function sortedJson(o: Record<string, Value>): string {
  return JSON.stringify(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

/** Groups tagged records into studies. Only completed records enter the figures. */
export function findStudies(records: readonly ResultRecord[]): Study[] {
  const studies = new Map<string, Study>();
  for (const r of records) {
    const baseline = baselineOf(r);
    const params = paramsOf(r);
    if (!baseline || !params) continue;
    const key = `${r.kind} ${sortedJson(baseline)}`;
    let s = studies.get(key);
    if (!s) {
      s = { kind: r.kind, baseline, factors: Object.keys(baseline), records: [], incomplete: 0, contexts: new Map(), metrics: [] };
      studies.set(key, s);
    }
    if (r.state !== 'completed') {
      s.incomplete += 1;
      continue;
    }
    const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'seed' && !(k in baseline)));
    s.records.push({ record: r, params, seed: seedOf(r, params), context: sortedJson(rest) });
  }
  for (const s of studies.values()) {
    const keys = [...new Set(s.records.map((x) => x.context))];
    const settings = keys.map((k) => Object.fromEntries(JSON.parse(k) as [string, Value][]) as Record<string, Value>);
    const names = [...new Set(settings.flatMap((o) => Object.keys(o)))].sort();
    const varying = names.filter((n) => new Set(settings.map((o) => JSON.stringify(o[n] ?? null))).size > 1);
    keys.forEach((k, i) =>
      s.contexts.set(
        k,
        varying
          .filter((n) => n in settings[i]!)
          .map((n) => `${n}=${String(settings[i]![n])}`)
          .join(' · '),
      ),
    );
    s.metrics = metricsOf(
      s.kind,
      s.records.map((x) => x.record),
    );
  }
  return [...studies.values()];
}

/** Whether `params` has every factor at its baseline except the ones in `except`. */
function atBaseline(params: Record<string, Value>, baseline: Record<string, Value>, except: string[] = []): boolean {
  return Object.keys(baseline).every((f) => except.includes(f) || params[f] === baseline[f]);
}

function values(rs: readonly StudyRecord[], m: Metric): SeedValue[] {
  return rs.flatMap((x) => {
    const v = m.get(x.record);
    return v === undefined ? [] : [{ seed: x.seed, value: v }];
  });
}

/** Distinct values of a factor in first-appearance order (the sweep's grid order). */
function factorValues(rs: readonly StudyRecord[], f: string): Value[] {
  return [...new Set(rs.map((x) => x.params[f]).filter(isValue))];
}

/** Every arm's effect on every metric, per factor and context (bootstrap seeded by `seed`). */
export function armEffects(study: Study, opts: { seed?: number; iterations?: number } = {}): ArmEffect[] {
  const out: ArmEffect[] = [];
  for (const factor of study.factors) {
    for (const [context, contextLabel] of study.contexts) {
      const inContext = study.records.filter((x) => x.context === context);
      const base = inContext.filter((x) => atBaseline(x.params, study.baseline));
      if (base.length === 0) continue;
      for (const arm of factorValues(inContext, factor)) {
        if (arm === study.baseline[factor]) continue;
        const armRecords = inContext.filter((x) => x.params[factor] === arm && atBaseline(x.params, study.baseline, [factor]));
        if (armRecords.length === 0) continue;
        for (const metric of study.metrics) {
          const b = values(base, metric),
            a = values(armRecords, metric);
          if (b.length === 0 || a.length === 0) continue;
          // a counter that is zero everywhere says nothing (and has no ratio)
          if (metric.kind === 'ratio' && b.every((x) => x.value === 0) && a.every((x) => x.value === 0)) continue;
          out.push({
            factor,
            arm,
            context,
            contextLabel,
            metric,
            effect: bootstrapEffect(metric.kind, b, a, { seed: opts.seed ?? 1, iterations: opts.iterations }),
          });
        }
      }
    }
  }
  return out;
}

function meanOf(xs: SeedValue[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((s, x) => s + x.value, 0) / xs.length;
}

function relative(kind: EffectKind, base: number, v: number): number | undefined {
  if (kind === 'difference') return v - base;
  if (base === 0) return v === 0 ? 1 : undefined;
  return v / base;
}

/** Interaction grids: for each pair of factors and context, the metric over both (others at baseline). */
export function interactions(study: Study): Interaction[] {
  const out: Interaction[] = [];
  const fs = study.factors;
  for (let i = 0; i < fs.length; i++)
    for (let j = i + 1; j < fs.length; j++) {
      const fa = fs[i]!,
        fb = fs[j]!;
      for (const [context, contextLabel] of study.contexts) {
        const rs = study.records.filter((x) => x.context === context && atBaseline(x.params, study.baseline, [fa, fb]));
        const va = factorValues(rs, fa),
          vb = factorValues(rs, fb);
        if (va.length < 2 || vb.length < 2) continue;
        const at = (a: Value, b: Value) => rs.filter((x) => x.params[fa] === a && x.params[fb] === b);
        const ba = study.baseline[fa]!,
          bb = study.baseline[fb]!;
        if (at(ba, bb).length === 0) continue;
        const cells: InteractionCell[] = [];
        for (const metric of study.metrics) {
          const base = meanOf(values(at(ba, bb), metric));
          if (base === undefined) continue;
          const rel = (a: Value, b: Value) => {
            const m = meanOf(values(at(a, b), metric));
            return m === undefined ? undefined : relative(metric.kind, base, m);
          };
          const grid: InteractionCell[] = [];
          for (const a of va)
            for (const b of vb) {
              const effect = rel(a, b);
              if (effect === undefined) continue;
              const cell: InteractionCell = { a, b, metric, effect };
              if (a !== ba && b !== bb) {
                const ea = rel(a, bb),
                  eb = rel(ba, b);
                if (ea !== undefined && eb !== undefined) {
                  const expected = metric.kind === 'ratio' ? ea * eb : ea + eb;
                  const ix = metric.kind === 'ratio' ? (expected === 0 ? undefined : effect / expected) : effect - expected;
                  if (ix !== undefined && Number.isFinite(ix)) cell.interaction = ix;
                }
              }
              grid.push(cell);
            }
          // a metric equal in every cell of the grid carries no information here
          if (grid.length > 0 && grid.some((c) => c.effect !== (metric.kind === 'ratio' ? 1 : 0))) cells.push(...grid);
        }
        if (cells.length > 0) out.push({ factors: [fa, fb], values: [va, vb], context, contextLabel, cells });
      }
    }
  return out;
}
