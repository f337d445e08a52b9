/**
 * Seeded randomness for the data layer (splits, synthetic data, random projections). The
 * generator itself is the project's one mulberry32 in algorithms/random.ts, so that every layer
 * draws from the same, reviewed PRNG.
 */
import { uniformRng } from '../algorithms/random';

/** A deterministic uniform [0, 1) generator for `seed` (only its low 32 bits count). */
export function makeRng(seed: number): () => number {
  return uniformRng(seed);
}

/** One standard normal draw from `rng` (Box-Muller; uses two uniforms, keeps no state). */
export function gaussian(rng: () => number): number {
  // 1 - u lies in (0, 1], so the logarithm is finite.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Shuffles `items` in place (Fisher-Yates) and returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(items: T, rng: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}
