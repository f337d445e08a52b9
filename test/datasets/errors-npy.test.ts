import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import { loadDataset } from '../../datasets';
import { clusterRows, npyBytes, rejectsWith, tempDir, writeNpySplit } from './_helpers';

/** A valid npy:DIR with three splits, to be broken by each test. */
function validDir(label: string): string {
  const dir = tempDir(`npy-${label}`);
  for (const split of ['train', 'val', 'test']) {
    const { rows, labels } = clusterRows(12, 3, 3);
    writeNpySplit(dir, split, rows, labels);
  }
  return dir;
}

test('missing directory or file: names the path', async () => {
  await rejectsWith(() => loadDataset('npy:/no/such/dir'), 'directory not found', '/no/such/dir');
  const dir = validDir('missing');
  fs.rmSync(path.join(dir, 'labels_test.npy'));
  await rejectsWith(() => loadDataset(`npy:${dir}`), 'file not found', path.join(dir, 'labels_test.npy'));
  const half = validDir('half-val');
  fs.rmSync(path.join(half, 'features_val.npy'));
  await rejectsWith(() => loadDataset(`npy:${half}`), path.join(half, 'features_val.npy'), 'given together');
});

test('unsupported dtype: names the file and the dtype', async () => {
  const dir = validDir('dtype');
  const file = path.join(dir, 'features_train.npy');
  fs.writeFileSync(file, npyBytes('<i2', [12, 3], new Int16Array(36)));
  await rejectsWith(() => loadDataset(`npy:${dir}`), file, "unsupported dtype 'i2'", 'float64 or float32');
  fs.writeFileSync(file, npyBytes('>f8', [12, 3], new Float64Array(36)));
  await rejectsWith(() => loadDataset(`npy:${dir}`), file, "unsupported dtype '>f8'");
  const labels = path.join(dir, 'labels_val.npy');
  writeNpySplit(dir, 'train', clusterRows(12, 3, 3).rows, clusterRows(12, 3, 3).labels);
  fs.writeFileSync(labels, npyBytes('<f8', [12], new Float64Array(12)));
  await rejectsWith(() => loadDataset(`npy:${dir}`), labels, "unsupported dtype 'f8'", 'int64 or int32');
});

test('not an .npy file at all: names the file', async () => {
  const dir = validDir('garbage');
  const file = path.join(dir, 'features_test.npy');
  fs.writeFileSync(file, 'hello, world');
  await rejectsWith(() => loadDataset(`npy:${dir}`), file, 'not a readable .npy file');
});

test('mismatched row counts between features and labels: names both files', async () => {
  const dir = validDir('rows');
  const labels = path.join(dir, 'labels_val.npy');
  fs.writeFileSync(labels, npyBytes('<i8', [10], new BigInt64Array(10)));
  await rejectsWith(() => loadDataset(`npy:${dir}`), labels, '10 labels', 'features_val.npy has 12 rows');
});

test('feature widths that differ between splits: names the file', async () => {
  const dir = validDir('width');
  const { rows, labels } = clusterRows(12, 4, 3);
  writeNpySplit(dir, 'test', rows, labels);
  await rejectsWith(() => loadDataset(`npy:${dir}`), path.join(dir, 'features_test.npy'), '4 features per row');
});

test('NaN or Inf in features: names file, row and column', async () => {
  const dir = validDir('nan');
  const { rows, labels } = clusterRows(12, 3, 3);
  rows[5]![2] = NaN;
  writeNpySplit(dir, 'val', rows, labels);
  await rejectsWith(() => loadDataset(`npy:${dir}`), path.join(dir, 'features_val.npy'), 'row 5, column 2', 'not finite');
});

test('a truncated file: names the file', async () => {
  const dir = validDir('truncated');
  const file = path.join(dir, 'features_train.npy');
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 64));
  await rejectsWith(() => loadDataset(`npy:${dir}`), file, 'truncated');
});

test('fewer than 2 classes over all splits', async () => {
  const dir = tempDir('npy-one-class');
  for (const split of ['train', 'val', 'test']) writeNpySplit(dir, split, clusterRows(12, 3, 3).rows, new Array(12).fill(2));
  await rejectsWith(() => loadDataset(`npy:${dir}`), 'labels_*.npy', 'fewer than 2 classes');
});

test.run();
