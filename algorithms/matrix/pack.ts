/**
 * Packing plain matrices into slot vectors for each layout and reading them back, plus the
 * encrypt / decrypt wrappers (client side). Zero padding everywhere outside the matrix.
 */
import type { Client, Purpose } from '../ckks/types';
import { check } from '../errors';
import type { Matrix } from '../interface';
import type { BlockLayout, BlockMatrix, LayoutSpec } from './types';

/** The grid of a layout: block rows x block columns ('entries': rows x cols). */
export function gridOf(spec: LayoutSpec): { blockRows: number; blockCols: number } {
  switch (spec.layout) {
    case 'blocks':
      return { blockRows: Math.ceil(spec.rows / spec.s0), blockCols: Math.ceil(spec.cols / spec.s1) };
    case 'rows-repeated':
      return { blockRows: 1, blockCols: Math.ceil(spec.cols / spec.s1) };
    case 'cols-repeated':
      return { blockRows: Math.ceil(spec.rows / spec.s0), blockCols: 1 };
    case 'entries':
      return { blockRows: spec.rows, blockCols: spec.cols };
  }
}

/** A layout spec, checked: the repeated layouts need the period to divide the block side. */
export function layoutSpec(layout: BlockLayout, rows: number, cols: number, s0: number, s1: number, period = 1): LayoutSpec {
  check(
    Number.isInteger(rows) && rows >= 1 && Number.isInteger(cols) && cols >= 1,
    `matrix shape ${rows} x ${cols} must be positive integers`,
  );
  if (layout === 'rows-repeated') {
    check(period >= rows && s0 % period === 0, `rows-repeated layout: period ${period} must be >= ${rows} rows and divide s0 = ${s0}`);
  } else if (layout === 'cols-repeated') {
    check(period >= cols && s1 % period === 0, `cols-repeated layout: period ${period} must be >= ${cols} columns and divide s1 = ${s1}`);
  }
  return { rows, cols, s0, s1, layout, period };
}

/** Writes block (bi, bj) of `m` in `spec` into `out` (s0·s1 slots, overwritten). */
export function packBlock(m: Matrix, spec: LayoutSpec, bi: number, bj: number, out: Float64Array): Float64Array {
  const { s0, s1, period } = spec;
  const at = (i: number, j: number) => (i < m.rows && j < m.cols ? m.data[i * m.cols + j]! : 0);
  if (spec.layout === 'entries') return out.fill(at(bi, bj));
  for (let r = 0; r < s0; r++) {
    for (let col = 0; col < s1; col++) {
      const i = spec.layout === 'rows-repeated' ? r % period : bi * s0 + r;
      const j = spec.layout === 'cols-repeated' ? col % period : bj * s1 + col;
      out[r * s1 + col] = at(i, j);
    }
  }
  return out;
}

/** The slot vectors of `m` in `spec`, by [block row][block column]. */
export function packMatrix(m: Matrix, spec: LayoutSpec): Float64Array[][] {
  checkFits(m, spec);
  const { blockRows, blockCols } = gridOf(spec);
  return Array.from({ length: blockRows }, (_r, bi) =>
    Array.from({ length: blockCols }, (_c, bj) => packBlock(m, spec, bi, bj, new Float64Array(spec.s0 * spec.s1))),
  );
}

function checkFits(m: Matrix, spec: LayoutSpec): void {
  check(m.rows === spec.rows && m.cols === spec.cols, `matrix is ${m.rows} x ${m.cols}, layout expects ${spec.rows} x ${spec.cols}`);
}

/** Reads the logical matrix back from decrypted slot vectors (the first copy of repeated entries). */
export function unpackMatrix(vectors: ArrayLike<number>[][], spec: LayoutSpec): Matrix {
  const { rows, cols, s0, s1 } = spec;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let v: number;
      switch (spec.layout) {
        case 'blocks':
          v = vectors[Math.floor(i / s0)]![Math.floor(j / s1)]![(i % s0) * s1 + (j % s1)]!;
          break;
        case 'rows-repeated':
          v = vectors[0]![Math.floor(j / s1)]![i * s1 + (j % s1)]!;
          break;
        case 'cols-repeated':
          v = vectors[Math.floor(i / s0)]![0]![(i % s0) * s1 + j]!;
          break;
        case 'entries':
          v = vectors[i]![j]![0]!;
          break;
      }
      data[i * cols + j] = v;
    }
  }
  return { rows, cols, data };
}

/** Client side: packs and encrypts `m` (at `level`, default the top), one block at a time. */
export function encryptMatrix(client: Client, m: Matrix, spec: LayoutSpec, level?: number, purpose?: Purpose): BlockMatrix {
  check(spec.s0 * spec.s1 === client.slots, `layout ${spec.s0} x ${spec.s1} does not match ${client.slots} slots`);
  checkFits(m, spec);
  const { blockRows, blockCols } = gridOf(spec);
  const scratch = new Float64Array(client.slots); // encrypt copies it: one buffer serves every block
  const cts = Array.from({ length: blockRows }, (_r, bi) =>
    Array.from({ length: blockCols }, (_c, bj) => client.encrypt(packBlock(m, spec, bi, bj, scratch), level, purpose)),
  );
  return { ...spec, cts };
}

/** Client side: decrypts and unpacks to the logical shape. */
export function decryptMatrix(client: Client, x: BlockMatrix, purpose?: Purpose): Matrix {
  const vectors = x.cts.map((row) => row.map((ct) => client.decrypt(ct, purpose)));
  return unpackMatrix(vectors, x);
}
