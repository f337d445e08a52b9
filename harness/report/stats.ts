/**
 * Effects with bootstrap confidence intervals over seeds, shared by the report's Ablation section
 * and `compare`: the ratio of means (times, counts) or the difference of means (accuracy, bits)
 * of an arm against a baseline, with a 95% percentile bootstrap interval (simple-statistics'
 * sampleWithReplacement and quantile, driven by a seeded generator so reports are reproducible).
 * When both sides hold the same seeds, seeds are resampled in pairs: a seed fixes the data split
 * and batch order (training) or the inputs (matmul), so pairing removes that variation from the
 * comparison; otherwise each side is resampled on its own.
 */
import { mean, quantile, sampleWithReplacement } from 'simple-statistics';
import { uniformRng } from '../../algorithms/random';

/** How an effect is measured: B / A, or B - A. */
export type EffectKind = 'ratio' | 'difference';

/** One value of a seed. */
export interface SeedValue {
  seed: number | null;
  value: number;
}

/** An effect of an arm (or of B) against a baseline (or A). */
export interface Effect {
  kind: EffectKind;
  /** mean(arm) / mean(base), or mean(arm) - mean(base) */
  estimate: number;
  /** the 95% interval (null with a single value on a side) */
  lo: number | null;
  hi: number | null;
  /** seeds resampled in pairs */
  paired: boolean;
  nBase: number;
  nArm: number;
  baseMean: number;
  armMean: number;
  /**
   * `no change`: every resample gives exactly no change (e.g. identical op counts);
   * `within noise`: the interval covers no change; `changed`: it does not;
   * `one seed`: no interval (a side has a single value).
   */
  verdict: 'no change' | 'within noise' | 'changed' | 'one seed';
}

/** Bootstrap options. */
export interface BootstrapOptions {
  /** resamples (default 2000) */
  iterations?: number;
  /** seed of the resampling (default 1) */
  seed?: number;
  /** confidence level (default 0.95) */
  level?: number;
}

/** The value that means "no change" for an effect kind. */
export function noChange(kind: EffectKind): number {
  return kind === 'ratio' ? 1 : 0;
}

function statistic(kind: EffectKind, base: number[], arm: number[]): number {
  const a = mean(base),
    b = mean(arm);
  if (kind === 'difference') return b - a;
  if (a === 0) return b === 0 ? 1 : b > 0 ? Infinity : -Infinity;
  return b / a;
}

/** Whether the two sides hold the same distinct seeds (then they are resampled in pairs). */
export function pairable(base: readonly SeedValue[], arm: readonly SeedValue[]): boolean {
  const seeds = (xs: readonly SeedValue[]) => xs.map((x) => x.seed);
  const sb = seeds(base),
    sa = seeds(arm);
  if (sb.some((s) => s === null) || new Set(sb).size !== sb.length || new Set(sa).size !== sa.length) return false;
  return sb.length === sa.length && sb.every((s) => sa.includes(s));
}

/** The effect of `arm` against `base` with its bootstrap interval. Both sides must be non-empty. */
export function bootstrapEffect(
  kind: EffectKind,
  base: readonly SeedValue[],
  arm: readonly SeedValue[],
  opts: BootstrapOptions = {},
): Effect {
  if (base.length === 0 || arm.length === 0) throw new Error('bootstrapEffect: a side has no values');
  const paired = pairable(base, arm);
  const b = base.map((x) => x.value);
  // in pairs, arm[i] belongs to the same seed as base[i]
  const a = paired ? base.map((x) => arm.find((y) => y.seed === x.seed)!.value) : arm.map((x) => x.value);
  const estimate = statistic(kind, b, a);
  const common = { kind, estimate, paired, nBase: b.length, nArm: a.length, baseMean: mean(b), armMean: mean(a) };
  if (b.length < 2 || a.length < 2) return { ...common, lo: null, hi: null, verdict: 'one seed' };
  const iterations = opts.iterations ?? 2000;
  const level = opts.level ?? 0.95;
  const rng = uniformRng(opts.seed ?? 1);
  const stats: number[] = new Array<number>(iterations);
  const idxB = b.map((_, i) => i),
    idxA = a.map((_, i) => i);
  for (let k = 0; k < iterations; k++) {
    if (paired) {
      const pick = sampleWithReplacement(idxB, idxB.length, rng);
      stats[k] = statistic(
        kind,
        pick.map((i) => b[i]!),
        pick.map((i) => a[i]!),
      );
    } else {
      const pb = sampleWithReplacement(idxB, idxB.length, rng);
      const pa = sampleWithReplacement(idxA, idxA.length, rng);
      stats[k] = statistic(
        kind,
        pb.map((i) => b[i]!),
        pa.map((i) => a[i]!),
      );
    }
  }
  const tail = (1 - level) / 2;
  const [lo, hi] = quantile(stats, [tail, 1 - tail]) as [number, number];
  const none = noChange(kind);
  const verdict = lo === none && hi === none ? 'no change' : lo <= none && none <= hi ? 'within noise' : 'changed';
  return { ...common, lo, hi, verdict };
}

/** An effect as text: `1.23×` or `+0.45` (difference scaled by `scale`, e.g. 100 for points). */
export function formatEffect(kind: EffectKind, v: number, scale = 1): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  // a ratio that rounds to 1 but is not 1 keeps the digits that show it moved
  if (kind === 'ratio') return `${v !== 1 && sig(v) === '1' ? String(Number(v.toPrecision(7))) : sig(v)}×`;
  const d = v * scale;
  return `${d > 0 ? '+' : ''}${sig(d)}`;
}

/** 4 significant digits, no exponent for ordinary sizes. */
function sig(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e6 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** The interval as text: `[lo, hi]` in the effect's units, or '' without one. */
export function formatInterval(e: Pick<Effect, 'kind' | 'lo' | 'hi'>, scale = 1): string {
  if (e.lo === null || e.hi === null) return '';
  return `[${formatEffect(e.kind, e.lo, scale)}, ${formatEffect(e.kind, e.hi, scale)}]`;
}
