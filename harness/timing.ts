/**
 * Timing with tinybench: warm-up, then repeats until both a minimum count and a minimum time
 * are reached; statistics as TimeStats (median, min, max, p75, p99, relative margin of error).
 */
import { max, mean, median, min, quantile } from 'simple-statistics';
import { Bench } from 'tinybench';
import type { TimeStats } from './records';

/** How long to measure one task. */
export interface TimingOptions {
  /** minimum measured calls (default 10) */
  iterations?: number;
  /** minimum measuring time in ms (default 0: the count decides) */
  timeMs?: number;
  /** warm-up calls, not measured (default 1, as the paper's benchmark) */
  warmup?: number;
}

/** Times `fn` (synchronous) and returns its statistics in milliseconds. */
export function timeSync(name: string, fn: () => void, opts: TimingOptions = {}): TimeStats {
  const bench = makeBench(opts);
  bench.add(name, fn);
  return stats(name, bench.runSync());
}

/** Times `fn` (asynchronous: work awaited on worker threads), one call at a time. */
export async function timeAsync(name: string, fn: () => Promise<void>, opts: TimingOptions = {}): Promise<TimeStats> {
  const bench = makeBench(opts);
  bench.add(name, fn);
  return stats(name, await bench.run());
}

function makeBench(opts: TimingOptions): Bench {
  const warmup = opts.warmup ?? 1;
  return new Bench({
    iterations: opts.iterations ?? 10,
    time: opts.timeMs ?? 0,
    warmup: warmup > 0,
    warmupIterations: warmup,
    warmupTime: 0,
    throws: true,
  });
}

function stats(name: string, tasks: Bench['tasks']): TimeStats {
  const [task] = tasks;
  const r = task!.result;
  if (r.state !== 'completed') throw new Error(`timing ${name}: ${r.state}${'error' in r ? `: ${String(r.error)}` : ''}`);
  const l = r.latency;
  return { median: l.p50, min: l.min, max: l.max, mean: l.mean, p75: l.p75, p99: l.p99, rme: l.rme, n: l.samplesCount };
}

/** Statistics of times measured one by one (e.g. one per block), in the same shape as timeSync's. */
export function sampleStats(xs: readonly number[]): TimeStats {
  if (xs.length === 0) throw new Error('sampleStats: no samples');
  const v = [...xs];
  return { median: median(v), min: min(v), max: max(v), mean: mean(v), p75: quantile(v, 0.75), p99: quantile(v, 0.99), n: v.length };
}

/** A single measurement (for calls too slow to repeat), in the same shape. */
export function timeOnce(fn: () => void): TimeStats {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  return { median: ms, min: ms, max: ms, mean: ms, n: 1 };
}
