/**
 * On-disk cache of slow feature maps: one little-endian float32 file per split, named
 * `<dataset>-<features>-<split>-<n>-<seed>-<hash>.f32` where the hash is of the input rows, so
 * a changed source or split never reads stale features.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../algorithms/errors';
import { type Matrix } from '../source';

/** Default cache folder: `.cache/features` at the repository root (git-ignored). */
export const DEFAULT_CACHE_DIR = path.resolve(__dirname, '..', '..', '.cache', 'features');

/** The cache file for one split's features. */
export function cacheFile(dir: string, dataset: string, features: string, split: string, input: Matrix, seed: number): string {
  const bytes = input.values;
  const hash = createHash('sha256')
    .update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .update(`${input.n}x${input.d}`)
    .digest('hex')
    .slice(0, 12);
  const safeName = dataset.replace(/[^A-Za-z0-9_.]+/g, '_').slice(0, 60);
  return path.join(dir, `${safeName}-${features}-${split}-${input.n}-${seed}-${hash}.f32`);
}

/** The cached n x d features, or undefined when absent or of the wrong size. */
export function readCache(file: string, n: number, d: number): Matrix | undefined {
  if (!fs.existsSync(file)) return undefined;
  const bytes = fs.readFileSync(file);
  if (bytes.byteLength !== n * d * 4) return undefined;
  const values = new Float32Array(n * d);
  new Uint8Array(values.buffer).set(bytes);
  return { values, n, d };
}

/** Writes features atomically (temporary file, then rename). */
export function writeCache(file: string, features: Matrix): void {
  const values = features.values instanceof Float32Array ? features.values : Float32Array.from(features.values);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    fs.renameSync(temporary, file);
  } catch (err) {
    throw new InputError(`cacheDir: cannot write ${file} (${(err as Error).message})`);
  }
}
