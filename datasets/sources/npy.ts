/**
 * `npy:DIR`: features saved as NumPy files the way the reference HETAL code saves them:
 * features_{train,val,test}.npy (float64 or float32, n x d) and labels_{train,val,test}.npy
 * (int64 or int32, n). The splits are kept; the val pair may be left out, and then val is
 * carved from train like MNIST's. Files are read with npyjs's parse() on the file bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, type NpyArray } from 'npyjs';
import { InputError } from '../../algorithms/errors';
import { encodeIntegerLabels } from '../labels';
import { type SourceData, type Table } from '../source';

type SplitName = 'train' | 'val' | 'test';

/** Reads the split files in `dir`. */
export function loadNpyDir(spec: string, dir: string): SourceData {
  if (dir === '') throw new InputError(`${spec}: no directory given (use npy:DIR)`);
  const fullDir = path.resolve(dir);
  if (!fs.existsSync(fullDir) || !fs.statSync(fullDir).isDirectory()) {
    throw new InputError(`${spec}: directory not found: ${fullDir}`);
  }
  const present = (split: SplitName) => ['features', 'labels'].map((kind) => fs.existsSync(npyPath(fullDir, kind, split)));
  for (const split of ['train', 'test'] as const) {
    present(split).forEach((exists, k) => {
      if (!exists) throw new InputError(`${spec}: file not found: ${npyPath(fullDir, k === 0 ? 'features' : 'labels', split)}`);
    });
  }
  const [valFeatures, valLabels] = present('val');
  if (valFeatures !== valLabels) {
    const missing = npyPath(fullDir, valFeatures ? 'labels' : 'features', 'val');
    throw new InputError(`${spec}: file not found: ${missing} (the val pair must be given together or left out)`);
  }
  const splits: SplitName[] = valFeatures ? ['train', 'val', 'test'] : ['train', 'test'];
  const train = readSplit(fullDir, 'train');
  const val = valFeatures ? readSplit(fullDir, 'val') : undefined;
  const test = readSplit(fullDir, 'test');
  const read = val ? [train, val, test] : [train, test];
  const d = train.d;
  for (const r of read) {
    if (r.d !== d) throw new InputError(`${r.featuresFile}: ${r.d} features per row, but ${train.featuresFile} has ${d}`);
  }
  // Classes are the distinct labels over all splits, so a class missing from train keeps its index.
  const allLabels = read.flatMap((r) => Array.from(r.labels));
  const { y, classNames } = encodeIntegerLabels(allLabels, path.join(fullDir, 'labels_*.npy'));
  // y holds the labels in `read` order, so the tables are taken in that order.
  let offset = 0;
  const toTable = (r: ReadSplit): Table => {
    const table = { values: r.values, n: r.n, d, y: y.slice(offset, offset + r.n) };
    offset += r.n;
    return table;
  };
  const trainTable = toTable(train);
  const valTable = val ? toTable(val) : undefined;
  const testTable = toTable(test);
  const counts = read.map((r) => r.n).join('/');
  const provenance = `user features ${fullDir}/features_{${splits.join(',')}}.npy (${counts} x ${d}, ${classNames.length} classes)`;
  const parts = { kind: 'given' as const, train: trainTable, val: valTable, test: testTable };
  return { classNames, provenance, parts };
}

function npyPath(dir: string, kind: string, split: SplitName): string {
  return path.join(dir, `${kind}_${split}.npy`);
}

interface ReadSplit {
  featuresFile: string;
  values: Float64Array;
  labels: number[];
  n: number;
  d: number;
}

function readSplit(dir: string, split: SplitName): ReadSplit {
  const featuresFile = npyPath(dir, 'features', split);
  const labelsFile = npyPath(dir, 'labels', split);
  const features = readNpy(featuresFile, ['f8', 'f4'], 'float64 or float32');
  const labels = readNpy(labelsFile, ['i8', 'i4'], 'int64 or int32');
  const [n, d] = features.shape;
  if (features.shape.length !== 2 || n === undefined || d === undefined) {
    throw new InputError(`${featuresFile}: expected a 2-D array (samples x features), shape is (${features.shape.join(', ')})`);
  }
  const labelsShapeOk = labels.shape.length === 1 || (labels.shape.length === 2 && labels.shape[1] === 1);
  if (!labelsShapeOk) {
    throw new InputError(`${labelsFile}: expected a 1-D array of labels, shape is (${labels.shape.join(', ')})`);
  }
  if (labels.shape[0] !== n) {
    throw new InputError(`${labelsFile}: ${labels.shape[0]} labels, but ${featuresFile} has ${n} rows`);
  }
  const values = new Float64Array(n * d);
  const data = features.data as Float64Array | Float32Array;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      // Fortran order stores column by column; readNpy checked that data holds n * d values.
      const v = data[features.fortranOrder ? j * n + i : i * d + j]!;
      if (!Number.isFinite(v)) throw new InputError(`${featuresFile}: row ${i}, column ${j}: value ${v} is not finite`);
      values[i * d + j] = v;
    }
  }
  const labelData = labels.data as BigInt64Array | Int32Array;
  const labelValues = Array.from({ length: n }, (_, i) => {
    const v = Number(labelData[i]);
    if (!Number.isSafeInteger(v)) throw new InputError(`${labelsFile}: row ${i}: label ${labelData[i]} is out of range`);
    return v;
  });
  return { featuresFile, values, labels: labelValues, n, d };
}

/** Parses one .npy file and checks its dtype and that the data is all there. */
function readNpy(file: string, dtypes: string[], expected: string): NpyArray {
  const bytes = fs.readFileSync(file);
  let array: NpyArray;
  try {
    // npyjs needs an ArrayBuffer of its own (8-byte aligned for float64 views).
    array = parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch (err) {
    const message = (err as Error).message;
    const dtype = /Unsupported dtype: (\S+)/.exec(message)?.[1];
    if (dtype) throw new InputError(`${file}: unsupported dtype '${dtype}', expected ${expected} (little-endian)`);
    throw new InputError(`${file}: not a readable .npy file (${message})`);
  }
  if (!dtypes.includes(array.dtype)) {
    throw new InputError(`${file}: unsupported dtype '${array.dtype}', expected ${expected} (little-endian)`);
  }
  const count = array.shape.reduce((a, b) => a * b, 1);
  const length = (array.data as unknown as ArrayLike<unknown>).length;
  if (length < count) throw new InputError(`${file}: truncated, holds ${length} values for shape (${array.shape.join(', ')})`);
  return array;
}
