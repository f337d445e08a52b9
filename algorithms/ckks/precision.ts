/**
 * Error bounds derived from CKKS precision, for checking encrypted results against plaintext.
 *
 * Measured on the seal backend at scale 2^40 (N = 8192 and 16384, values in [-1, 1]): a fresh
 * encryption errs by at most ~1e-9, a rescaled product by ~2e-8, a key switch (rotation or
 * conjugation) by up to ~2e-6 in the worst slot (2^-19; heavy-tailed). So one operation adds
 * at most 2^(22 - scaleBits) times the magnitude of the values it touches, with a margin of
 * about 2 over the worst slot measured. Errors add up at most linearly in the operation count.
 */
import type { Preset } from './presets';

/** Worst-case absolute error after `ops` operations on values of size `magnitude`. */
export function errorBound(preset: Pick<Preset, 'scaleBits'>, ops: number, magnitude = 1): number {
  return Math.max(1, ops) * magnitude * 2 ** (22 - preset.scaleBits);
}

/** Bits of precision of an absolute error (Lattigo's way to report it): -log2(err). */
export function precisionBits(absError: number): number {
  return absError > 0 ? -Math.log2(absError) : Infinity;
}
