/** Shared test fixtures: backends made once per test file and reused (SEAL contexts are slow). */
import { createBackend } from '../../algorithms/ckks/backends';
import type { BackendOptions, Ckks } from '../../algorithms/ckks/types';

const cache = new Map<string, Promise<Ckks>>();

/** A backend for (id, preset, options), created once per process. Do not dispose it. */
export function sharedBackend(id: 'seal' | 'sim', preset: string, options: BackendOptions = {}): Promise<Ckks> {
  const key = `${id}|${preset}|${JSON.stringify(options)}`;
  let be = cache.get(key);
  if (!be) {
    be = createBackend(id, preset, options);
    cache.set(key, be);
  }
  return be;
}

/** Largest absolute difference over the first `n` entries. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = Math.min(a.length, b.length)): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
