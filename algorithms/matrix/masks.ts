/**
 * Plaintext masks over an s0 x s1 block: slot vectors built from a function of (row, column),
 * and a per-call set that encodes each mask once at the level where it is used.
 */
import type { Evaluator, Pt } from '../ckks/types';

/** The slot vector of an s0 x s1 block with f(row, col) in each slot. */
export function blockMask(s0: number, s1: number, f: (row: number, col: number) => number): Float64Array {
  const v = new Float64Array(s0 * s1);
  for (let r = 0; r < s0; r++) for (let c = 0; c < s1; c++) v[r * s1 + c] = f(r, c);
  return v;
}

/** `value` in column `col` of every row, 0 elsewhere. */
export function columnMask(s0: number, s1: number, col: number, value = 1): Float64Array {
  return blockMask(s0, s1, (_r, c) => (c === col ? value : 0));
}

/** `value` in row `row`, 0 elsewhere. */
export function rowMask(s0: number, s1: number, row: number, value = 1): Float64Array {
  return blockMask(s0, s1, (r) => (r === row ? value : 0));
}

/**
 * Masks made during one call, each encoded once at the level it is first needed. Create it (and
 * its masks) in the outermost scope of the call, never inside an inner scope that would free
 * them; nothing is kept between calls.
 */
export class MaskSet {
  private readonly made = new Map<string, Pt>();
  constructor(
    private readonly be: Evaluator,
    readonly s0: number,
    readonly s1: number,
  ) {}

  /** The mask `key`, built by `f` (and `imag`, the imaginary part of a complex mask) on first use and encoded at `level`. */
  get(key: string, level: number, f: (row: number, col: number) => number, imag?: (row: number, col: number) => number): Pt {
    let p = this.made.get(key);
    if (!p) {
      const at = Math.max(0, Math.min(level, this.be.maxLevel));
      p = this.be.encode(blockMask(this.s0, this.s1, f), at, imag ? blockMask(this.s0, this.s1, imag) : undefined);
      this.made.set(key, p);
    }
    return p;
  }
}
