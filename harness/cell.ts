/**
 * Cells: the parameters of one measured unit (a matmul algorithm on one shape, a softmax at one
 * class count and range, one training run, one op at one level) and the ONE function that makes
 * a cell's key. Direct runs (`matmul --out`, `train --out` ...) and sweeps both key their records
 * with `cellKey`, which fills every parameter's default first and sorts the names, so `compare`,
 * the report and `sweep --resume` match the same cell however it was run.
 *
 * The parameter table also types every parameter (and bounds the ones whose size is a cost), so
 * a sweep config is validated value by value before any cell runs.
 */
import os from 'node:os';
import { defaultPreset, resolvePreset } from '../algorithms/ckks/presets';
import { InputError } from '../algorithms/errors';
import { DEFAULT_HYPER } from '../algorithms/training/hyper';
import { findSource } from '../datasets/registry';
import { featureIdsFor } from '../datasets/features';

export type CellKind = 'matmul' | 'softmax' | 'train' | 'ops' | 'bootstrap';
export type CellValue = string | number | boolean;
export type CellParams = Record<string, CellValue>;

/** The paper's softmax ranges; `--range R` means every one below R, then R (range 8: {4, 8}). */
export const PAPER_RANGES: readonly number[] = [4, 8, 32, 128];

/** The cumulative list of sub-ranges for `--range R`. */
export function cumulativeRanges(range: number): number[] {
  return [...PAPER_RANGES.filter((r) => r < range), range];
}

/**
 * Upper bounds on the sizes a user types, each with the reason it exists. They stop a typo
 * (an extra zero or three) from starting a run that would take years or exhaust memory.
 */
export const LIMITS = {
  epochs: { max: 1000, why: 'the paper trains at most 23 epochs; one encrypted epoch of MNIST takes hours' },
  samples: { max: 100_000_000, why: '10^8 samples per sub-range take minutes in float64 and hours under CKKS' },
  limit: { max: 10_000_000, why: 'larger than any supported dataset (MNIST has 70000 samples)' },
  repeat: { max: 1000, why: 'each repeat re-runs the encrypted product; 1000 seal calls take hours' },
  iterations: { max: 100_000, why: 'each iteration is one timed CKKS operation' },
  patience: { max: 1000, why: 'never more than the epoch limit' },
  batch: { max: 1_000_000, why: 'a batch larger than any supported training split' },
} as const;

/** How one parameter's value is typed. */
export type ParamType =
  | { type: 'int'; min: number; max?: number; why?: string }
  | { type: 'number'; positive: true }
  | { type: 'bool' }
  | { type: 'choice'; values: readonly string[] }
  /** a word: non-empty, no leading '-', no comma unless `commas` */
  | { type: 'word'; commas?: boolean }
  | { type: 'shape' };

const int = (min: number, limit?: { max: number; why: string }): ParamType =>
  limit ? { type: 'int', min, max: limit.max, why: limit.why } : { type: 'int', min };

/** Where seal records get their latency table (harness/cost/predict.ts): how a cell is reported, not what it measures. */
const PREDICT: ParamType = { type: 'choice', values: ['cached', 'measure', 'off'] };

/** The refresher (--refresh): in a cell's key only when not the default 'client'. */
const REFRESH: ParamType = { type: 'choice', values: ['client', 'bootstrap', 'bootstrap-model'] };

/** DiagATB's column sums (--atb-sums). */
const ATB_SUMS: ParamType = { type: 'choice', values: ['per-pair', 'shared'] };

/** The parameters each kind accepts: its command's flags, single-valued per cell. */
export const PARAMETERS: Readonly<Record<CellKind, Readonly<Record<string, ParamType>>>> = {
  matmul: {
    algo: { type: 'word' },
    shape: { type: 'shape' },
    backend: { type: 'choice', values: ['sim', 'seal'] },
    preset: { type: 'word' },
    repeat: int(0, LIMITS.repeat),
    seed: int(0),
    'real-only': { type: 'bool' },
    noise: { type: 'bool' },
    'input-level': { type: 'choice', values: ['top', 'auto'] },
    relin: { type: 'choice', values: ['eager', 'lazy'] },
    'atb-sums': ATB_SUMS,
    workers: int(1),
    predict: PREDICT,
  },
  softmax: {
    algo: { type: 'word' },
    classes: int(2),
    range: { type: 'number', positive: true },
    samples: int(1, LIMITS.samples),
    backend: { type: 'choice', values: ['plain', 'sim', 'seal'] },
    preset: { type: 'word' },
    s1: int(2),
    seed: int(0),
    predict: PREDICT,
    refresh: REFRESH,
    insecure: { type: 'bool' },
  },
  train: {
    dataset: { type: 'word', commas: true },
    features: { type: 'word' },
    backend: { type: 'choice', values: ['plain', 'sim', 'seal'] },
    preset: { type: 'word' },
    epochs: int(1, LIMITS.epochs),
    batch: int(1, LIMITS.batch),
    lr: { type: 'number', positive: true },
    optimizer: { type: 'choice', values: ['nesterov', 'sgd'] },
    'early-stopping': { type: 'bool' },
    patience: int(1, LIMITS.patience),
    limit: int(1, LIMITS.limit),
    softmax: { type: 'word' },
    'label-column': { type: 'word' },
    noise: { type: 'bool' },
    'input-level': { type: 'choice', values: ['top', 'auto'] },
    relin: { type: 'choice', values: ['eager', 'lazy'] },
    'atb-sums': ATB_SUMS,
    workers: int(1),
    seed: int(0),
    predict: PREDICT,
    refresh: REFRESH,
    insecure: { type: 'bool' },
  },
  ops: {
    backend: { type: 'choice', values: ['sim', 'seal'] },
    preset: { type: 'word' },
    iterations: int(1, LIMITS.iterations),
    seed: int(0),
    op: { type: 'word' },
    level: int(0),
  },
  bootstrap: {
    backend: { type: 'choice', values: ['sim', 'seal'] },
    preset: { type: 'word' },
    samples: int(1, LIMITS.samples),
    noise: { type: 'bool' },
    seed: int(0),
    insecure: { type: 'bool' },
  },
};

/** Throws an InputError (naming `where`) unless `v` has parameter `param`'s type. */
export function checkParam(kind: CellKind, param: string, v: unknown, where: string): CellValue {
  const spec = PARAMETERS[kind][param];
  if (!spec)
    throw new InputError(`${where}: unknown parameter "${param}" for ${kind} (known: ${Object.keys(PARAMETERS[kind]).join(', ')})`);
  const bad = (want: string): never => {
    throw new InputError(`${where}: ${JSON.stringify(v)} is not ${want} (parameter "${param}" of ${kind})`);
  };
  switch (spec.type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < spec.min) bad(`an integer >= ${spec.min}`);
      if (spec.max !== undefined && (v as number) > spec.max)
        throw new InputError(`${where}: ${String(v)} is above the limit of ${spec.max} for "${param}" (${spec.why})`);
      return v as number;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) bad('a positive number');
      return v as number;
    case 'bool':
      if (typeof v !== 'boolean') bad('true or false');
      return v as boolean;
    case 'choice':
      if (typeof v !== 'string' || !spec.values.includes(v)) bad(`one of ${spec.values.join(', ')}`);
      return v as string;
    case 'shape':
      if (typeof v !== 'string' || !/^\d+x\d+x\d+$/.test(v)) bad('a shape AxBxC (e.g. "128x128x4")');
      return v as string;
    case 'word':
      if (typeof v !== 'string' || v.trim() === '' || v.trim() !== v || v.startsWith('-') || (!spec.commas && v.includes(',')))
        bad(`a non-empty name (no leading '-', no spaces around${spec.commas ? '' : ', no commas'})`);
      return v as string;
  }
}

/** The default preset of a backend, the same rule in every command (algorithms/ckks/presets.ts). */
export { defaultPreset };

/**
 * The parameters with every default filled: what the command will actually run. Unknown
 * datasets or presets leave their dependent defaults out (the cell then fails with its own
 * message, under a key that is still stable).
 */
export function canonicalParams(kind: CellKind, given: CellParams): CellParams {
  const p: CellParams = { ...given };
  // where the cost model's latency table comes from changes no figure measured: not in the key
  delete p.predict;
  // permission to run a preset without a security claim changes no figure either (records carry `insecure`)
  delete p.insecure;
  // the default refresher keeps the keys cells had before the bootstrap existed
  if (p.refresh === 'client') delete p.refresh;
  const fill = (k: string, v: CellValue | undefined) => {
    if (p[k] === undefined && v !== undefined) p[k] = v;
  };
  switch (kind) {
    case 'matmul':
      fill('backend', 'sim');
      fill('preset', defaultPreset(String(p.backend)));
      fill('repeat', p.backend === 'seal' ? 1 : 0);
      fill('seed', 1);
      fill('real-only', false);
      fill('input-level', 'auto');
      fill('relin', 'lazy');
      // only DiagATB has shared sums
      if (p.algo === 'diag-atb') fill('atb-sums', 'shared');
      else delete p['atb-sums'];
      workersInKey(p);
      // the simulator's CKKS-sized noise (on by default); seal has real noise, no such choice
      if (p.backend === 'sim') fill('noise', true);
      else delete p.noise;
      if (typeof p.shape === 'string' && /^\d+x\d+x\d+$/.test(p.shape)) p.shape = p.shape.split('x').map(Number).join('x');
      break;
    case 'softmax': {
      fill('algo', 'hetal');
      fill('classes', 10);
      fill('range', 128);
      fill('backend', 'plain');
      fill('preset', defaultPreset(String(p.backend)));
      fill('seed', 1);
      fill('samples', defaultSoftmaxSamples(p));
      break;
    }
    case 'train': {
      fill('dataset', 'digits');
      fill('backend', 'sim');
      // the plain backend has no CKKS preset, whatever was typed
      if (p.backend === 'plain') p.preset = 'none';
      fill('preset', defaultPreset(String(p.backend)));
      const hyper = DEFAULT_HYPER[String(p.dataset).split(':')[0]!] ?? DEFAULT_HYPER.default!;
      fill('epochs', hyper.epochs);
      fill('batch', hyper.batch);
      fill('lr', hyper.lr);
      fill('optimizer', 'nesterov');
      fill('early-stopping', false);
      fill('patience', 3);
      fill('softmax', 'hetal');
      fill('seed', 1);
      fill('features', defaultFeatures(String(p.dataset)));
      // the simulator's CKKS-sized noise (off by default in training); seal has real noise
      if (p.backend === 'sim') fill('noise', false);
      else delete p.noise;
      // the performance policies of the encrypted run (the plain backend has none)
      if (p.backend === 'plain') {
        delete p['input-level'];
        delete p.relin;
        delete p['atb-sums'];
        delete p.workers;
      } else {
        fill('input-level', 'auto');
        fill('relin', 'lazy');
        fill('atb-sums', 'shared');
        workersInKey(p);
      }
      break;
    }
    case 'bootstrap':
      fill('backend', 'sim');
      fill('preset', 'boot14-test');
      fill('samples', 4);
      fill('seed', 1);
      if (p.backend === 'sim') fill('noise', true);
      else delete p.noise;
      break;
    case 'ops':
      fill('backend', 'seal');
      fill('preset', 'n13');
      fill('iterations', 10);
      fill('seed', 1);
      break;
  }
  return p;
}

/**
 * --workers as the key has it: its default (the machine's cores on seal, 1 on sim, as
 * harness/options.ts parseWorkers) filled, and left out when 1, so one-thread cells keep the keys
 * they had before worker threads.
 */
function workersInKey(p: CellParams): void {
  if (p.workers === undefined) p.workers = p.backend === 'seal' ? os.availableParallelism() : 1;
  if (p.workers === 1) delete p.workers;
}

/** Samples per sub-range when not given: 100000 in float64; one ciphertext block under CKKS. */
function defaultSoftmaxSamples(p: CellParams): number | undefined {
  if (p.backend === 'plain') return 100_000;
  if (typeof p.classes !== 'number' || typeof p.range !== 'number') return undefined;
  try {
    const slots = resolvePreset(String(p.preset)).slots;
    let cPad = 1;
    while (cPad < p.classes) cPad *= 2;
    const s1 = typeof p.s1 === 'number' ? p.s1 : cPad;
    return Math.ceil(slots / s1 / cumulativeRanges(p.range).length);
  } catch {
    return undefined;
  }
}

function defaultFeatures(dataset: string): string | undefined {
  try {
    return featureIdsFor(findSource(dataset).source.isImage)[0];
  } catch {
    return undefined;
  }
}

/**
 * The key of a cell: `kind|k1=v1|k2=v2` over the canonical parameters, names sorted. The same
 * cell always has the same key, whether typed on the command line or expanded from a sweep.
 */
export function cellKey(kind: CellKind, params: CellParams): string {
  const p = canonicalParams(kind, params);
  return [
    kind,
    ...Object.keys(p)
      .filter((k) => p[k] !== undefined)
      .sort()
      .map((k) => `${k}=${String(p[k])}`),
  ].join('|');
}
