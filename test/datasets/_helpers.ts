/** Shared helpers for the datasets tests (not a test file: uvu only runs *.test.ts here). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { InputError } from '../../algorithms/errors';
import { type Split } from '../../datasets/types';

/** A fresh temporary folder. */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hetal-datasets-${label}-`));
}

/** Writes `text` to `name` in `dir` and returns the path. */
export function writeText(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * The bytes of a .npy file (format 1.0), written by hand: the magic string, the version, the
 * header length, the header dict padded with spaces to a multiple of 64 bytes, then the data.
 */
export function npyBytes(descr: string, shape: number[], data: ArrayBufferView, fortranOrder = false): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const preamble = Buffer.alloc(10);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([preamble, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** Writes one split pair in the paper's format (float64 features, int64 labels). */
export function writeNpySplit(dir: string, split: string, features: number[][], labels: number[]): void {
  const d = features[0]?.length ?? 0;
  fs.writeFileSync(path.join(dir, `features_${split}.npy`), npyBytes('<f8', [features.length, d], Float64Array.from(features.flat())));
  fs.writeFileSync(path.join(dir, `labels_${split}.npy`), npyBytes('<i8', [labels.length], BigInt64Array.from(labels.map(BigInt))));
}

/** Seeded-free small cluster data: `n` rows of `d` features around class centres. */
export function clusterRows(n: number, d: number, classes: number): { rows: number[][]; labels: number[] } {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    rows.push(Array.from({ length: d }, (_, j) => label * 2 + ((i * 7 + j * 3) % 5) * 0.1));
    labels.push(label);
  }
  return { rows, labels };
}

/** Asserts that `run` rejects with an InputError whose message contains every fragment. */
export async function rejectsWith(run: () => Promise<unknown>, ...fragments: string[]): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected an InputError containing ${JSON.stringify(fragments)}, nothing was thrown`);
  assert.instance(caught, InputError, `expected an InputError, got ${String(caught)}`);
  const message = (caught as Error).message;
  for (const fragment of fragments)
    assert.ok(message.includes(fragment), `message ${JSON.stringify(message)} lacks ${JSON.stringify(fragment)}`);
}

/** Asserts the bias column is 1, every value is in [-1, 1], and labels lie in [0, classes). */
export function assertWellFormed(split: Split, classes: number): void {
  assert.is(split.X.length, split.n * split.d);
  assert.is(split.y.length, split.n);
  for (let i = 0; i < split.n; i++) {
    assert.is(split.X[i * split.d + split.d - 1], 1, `bias of row ${i}`);
    assert.ok(split.y[i]! >= 0 && split.y[i]! < classes, `label ${split.y[i]} of row ${i}`);
  }
  for (const v of split.X) assert.ok(v >= -1 && v <= 1 && Number.isFinite(v), `value ${v} out of [-1, 1]`);
}
