/**
 * Encrypted matrices: a grid of ciphertexts, the logical shape, and how entries sit in slots.
 * Every layout cuts slots into an s0 x s1 block read row-major (slot = row * s1 + col).
 */
import type { Ct } from '../ckks/types';

/** How a matrix's entries sit in the slots of its ciphertexts. */
export type BlockLayout =
  /** ceil(rows/s0) x ceil(cols/s1) blocks of s0 x s1, zero-padded. With s0 = slots and s1 = 1
   * this is column packing (one ciphertext per column, Jin et al.). */
  | 'blocks'
  /** The weights layout (c x b, for A·Bᵀ and as DiagATB's output): one block row; row r of every
   * block holds matrix row r mod period (rows >= `rows` of the period are 0). */
  | 'rows-repeated'
  /** The small operand of Aᵀ·B and the softmax layout (a x c): one block column; column j of
   * every block holds matrix column j mod period (columns >= `cols` of the period are 0). */
  | 'cols-repeated'
  /** One ciphertext per entry holding the entry in every slot (Jin et al.'s replicate packing). */
  | 'entries';

/** A matrix encrypted over a grid of ciphertexts. */
export interface BlockMatrix {
  /** logical shape */
  readonly rows: number;
  readonly cols: number;
  readonly s0: number;
  readonly s1: number;
  readonly layout: BlockLayout;
  /** the repetition period (cPad) of the repeated layouts; 1 for the others */
  readonly period: number;
  /** ciphertexts by [block row][block column] ('entries': by [row][column]) */
  readonly cts: Ct[][];
}

/** Everything about a layout except the ciphertexts (what packing and unpacking need). */
export type LayoutSpec = Omit<BlockMatrix, 'cts'>;

/** The lowest level among a matrix's ciphertexts (what an algorithm can still consume). */
export function levelOf(m: BlockMatrix): number {
  let level = Infinity;
  for (const row of m.cts) for (const ct of row) level = Math.min(level, ct.level);
  return level;
}
