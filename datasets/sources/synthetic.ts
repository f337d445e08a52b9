/**
 * `synthetic:n=..,d=..,c=..,sep=..`: seeded Gaussian class clusters of any size. Class means
 * are at pairwise distance sep: the scaled unit vectors sep/sqrt(2) * e_k when c <= d, else
 * seeded random directions at radius sep/sqrt(2) (pairwise distance about sep). Each sample is
 * its class mean plus N(0, I) noise; classes are balanced. Keys may be left out: defaults
 * n=1000, d=16, c=3, sep=3. The data is drawn from the load seed.
 */
import { InputError } from '../../algorithms/errors';
import { gaussian, makeRng } from '../random';
import { type SourceData } from '../source';

/** Parameters of a synthetic dataset. */
export interface SyntheticParams {
  /** Number of samples. */
  n: number;
  /** Number of features. */
  d: number;
  /** Number of classes. */
  c: number;
  /** Distance between class means, in noise standard deviations. */
  sep: number;
}

const DEFAULTS: SyntheticParams = { n: 1000, d: 16, c: 3, sep: 3 };

/** The most feature values a synthetic dataset may have (n x d). */
export const MAX_VALUES = 100_000_000;

/** Parses the part after `synthetic:`. */
export function parseSyntheticSpec(spec: string, body: string): SyntheticParams {
  const params = { ...DEFAULTS };
  const seen = new Set<string>();
  for (const field of body.split(',').filter((f) => f.trim() !== '')) {
    const match = /^\s*(\w+)\s*=\s*(\S+)\s*$/.exec(field);
    if (!match) throw new InputError(`${spec}: malformed field '${field}' (expected key=value, keys n, d, c, sep)`);
    // Both groups are mandatory, so a match sets them.
    const key = match[1]!;
    const text = match[2]!;
    if (!(key in DEFAULTS)) throw new InputError(`${spec}: unknown field '${key}' (keys: n, d, c, sep)`);
    if (seen.has(key)) throw new InputError(`${spec}: field '${key}' given twice`);
    seen.add(key);
    const value = Number(text);
    const isCount = key !== 'sep';
    const ok = Number.isFinite(value) && (isCount ? Number.isInteger(value) && value >= 1 : value >= 0);
    if (!ok) {
      const want = isCount ? 'a positive integer' : 'a finite number >= 0';
      throw new InputError(`${spec}: field '${key}' must be ${want}, got '${text}'`);
    }
    params[key as keyof SyntheticParams] = value;
  }
  if (params.c < 2) throw new InputError(`${spec}: field 'c' must be at least 2 (fewer than 2 classes)`);
  if (params.n < params.c) throw new InputError(`${spec}: field 'n' (${params.n}) must be at least c (${params.c})`);
  if (params.n * params.d > MAX_VALUES) {
    throw new InputError(
      `${spec}: n x d = ${params.n * params.d} values is above the limit of ${MAX_VALUES} (800 MB of float64, before the copies of ` +
        'splitting and scaling; larger data does not fit in memory here)',
    );
  }
  return params;
}

/** Draws the clusters as a pool to split. */
export function loadSynthetic(spec: string, body: string, seed: number): SourceData {
  const { n, d, c, sep } = parseSyntheticSpec(spec, body);
  const rng = makeRng(seed ^ 0x5eed);
  const radius = sep / Math.SQRT2;
  const means = new Float64Array(c * d);
  for (let k = 0; k < c; k++) {
    if (c <= d) {
      means[k * d + k] = radius;
      continue;
    }
    const direction = Array.from({ length: d }, () => gaussian(rng));
    const norm = Math.sqrt(direction.reduce((sum, v) => sum + v * v, 0)) || 1;
    direction.forEach((v, j) => (means[k * d + j] = (radius * v) / norm));
  }
  const values = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % c;
    y[i] = k;
    for (let j = 0; j < d; j++) values[i * d + j] = means[k * d + j]! + gaussian(rng);
  }
  return {
    classNames: Array.from({ length: c }, (_, k) => `class_${k}`),
    provenance: `synthetic Gaussian clusters n=${n}, d=${d}, c=${c}, sep=${sep} (unit noise, seed ${seed})`,
    parts: { kind: 'pool', pool: { values, n, d, y } },
  };
}
