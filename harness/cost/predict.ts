/**
 * Predictions beside measured seal records: each record's op counts by level priced with this
 * machine's latency table (CPU-time medians: the time the work takes on an idle core), and the
 * overheads measured / predicted, of wall time (which also counts other jobs sharing the cores)
 * and of CPU time (the model's own error).
 */
import { InputError } from '../../algorithms/errors';
import { type LatencyTable, latencyTable, loadTable } from './latency';
import { type LevelCounts, predictMs } from './model';

/** CPU time of this process so far (user + system), ms. */
export function cpuNowMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** Prices level counts with one latency table. */
export interface Predictor {
  table: LatencyTable;
  /** predicted ms of the counts on one idle core */
  price(counts: LevelCounts): number;
}

/** How a command gets its latency table: from the cache only, measured if absent, or none. */
export type PredictMode = 'cached' | 'measure' | 'off';

/** Parses --predict. */
export function parsePredictMode(value: string | undefined): PredictMode {
  const v = value ?? 'cached';
  if (v !== 'cached' && v !== 'measure' && v !== 'off')
    throw new InputError(`--predict: unknown value '${v}' (allowed: cached, measure, off)`);
  return v;
}

/** The predictor of a seal preset, or undefined (not seal, off, or no cached table in 'cached' mode). */
export async function predictorFor(
  backend: string,
  preset: string,
  mode: PredictMode,
  log: (line: string) => void,
): Promise<Predictor | undefined> {
  if (backend !== 'seal' || mode === 'off') return undefined;
  const table = mode === 'measure' ? await latencyTable('seal', preset, { log }) : loadTable('seal', preset);
  if (!table) {
    log(
      `no latency table of seal/${preset} cached on this machine: records carry no predictedMs (hetal-bench ops --backend seal --preset ${preset}, or --predict measure)`,
    );
    return undefined;
  }
  const medians = table.cpuMedians ?? table.medians;
  return { table, price: (counts) => predictMs(counts, medians).ms };
}

/** The fields a record gains: prediction, overheads, and the table's date. */
export interface PredictionFields {
  predictedMs: number;
  /** measured wall time / predicted */
  overhead: number;
  /** measured CPU time, ms */
  cpuMs?: number;
  /** measured CPU time / the predicted work of one thread (all threads' CPU counts) */
  cpuOverhead?: number;
  /** with workers: the speed-up the wall-time prediction assumed */
  predictedSpeedup?: number;
  latencyTable: string;
}

/**
 * The part of a measurement's counts that worker threads ran (the counter's merged counts), and the
 * speed-up assumed for it (harness/cost/estimate.ts speedup: the workers used times 0.9).
 */
export interface ParallelPart {
  counts: LevelCounts;
  speedup: number;
}

/** Predicted wall time of `counts`, of which `parallel.counts` ran on the workers (the rest on this thread). */
export function predictWallMs(p: Predictor, counts: LevelCounts, parallel?: ParallelPart): number {
  const workMs = p.price(counts);
  if (!parallel) return workMs;
  const parallelMs = p.price(parallel.counts);
  return workMs - parallelMs + parallelMs / parallel.speedup;
}

/**
 * Prediction fields for a measurement. Without workers the wall time is the work priced on one
 * thread. With workers, the work this thread did itself (the split of a product, its serial finish,
 * the key owner's round trips) is priced as it is, and only the work merged from the workers is
 * divided by their speed-up: a product whose main thread finishes serially is slower than its
 * work over the workers, and the model says by how much.
 */
export function predictionFields(
  p: Predictor,
  counts: LevelCounts,
  measuredMs: number,
  cpuMs?: number,
  parallel?: ParallelPart,
): PredictionFields {
  const workMs = p.price(counts);
  const predictedMs = predictWallMs(p, counts, parallel);
  return {
    predictedMs: Math.round(predictedMs * 10) / 10,
    overhead: measuredMs / predictedMs,
    // the speed-up over one thread that the prediction amounts to
    ...(parallel && p.price(parallel.counts) > 0 ? { predictedSpeedup: Math.round((workMs / predictedMs) * 1000) / 1000 } : {}),
    ...(cpuMs !== undefined ? { cpuMs: Math.round(cpuMs * 10) / 10, cpuOverhead: cpuMs / workMs } : {}),
    latencyTable: p.table.measuredAt,
  };
}
