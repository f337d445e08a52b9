import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataset } from '../../datasets';
import { assertWellFormed, clusterRows, npyBytes, tempDir, writeNpySplit } from './_helpers';

test('npy (float64 / int64, the paper format): splits kept as given, bias appended', async () => {
  const dir = tempDir('npy');
  const sizes = { train: 40, val: 8, test: 12 };
  for (const [split, n] of Object.entries(sizes)) {
    const { rows, labels } = clusterRows(n, 5, 4);
    writeNpySplit(dir, split, rows, labels);
  }
  const ds = await loadDataset(`npy:${dir}`);
  assert.equal([ds.train.n, ds.val.n, ds.test.n], [40, 8, 12]);
  assert.is(ds.classes, 4);
  for (const split of [ds.train, ds.val, ds.test]) {
    assert.is(split.d, 6);
    assertWellFormed(split, 4);
  }
  // File order is kept: clusterRows labels cycle 0, 1, 2, 3.
  assert.equal(Array.from(ds.test.y.subarray(0, 4)), [0, 1, 2, 3]);
});

test('npy float32 / int32 files and Fortran order are read too', async () => {
  const dir = tempDir('npy32');
  for (const split of ['train', 'val', 'test']) {
    const { rows, labels } = clusterRows(20, 3, 2);
    const n = rows.length;
    // Fortran order: column by column.
    const columnMajor = Float32Array.from({ length: n * 3 }, (_, k) => rows[k % n]![Math.floor(k / n)]!);
    fs.writeFileSync(path.join(dir, `features_${split}.npy`), npyBytes('<f4', [n, 3], columnMajor, true));
    fs.writeFileSync(path.join(dir, `labels_${split}.npy`), npyBytes('<i4', [n], Int32Array.from(labels)));
  }
  const ds = await loadDataset(`npy:${dir}`);
  assert.equal([ds.train.n, ds.val.n, ds.test.n], [20, 20, 20]);
  // Column 0 grows with the label in clusterRows; after the same scaling, class 1 > class 0.
  const x0 = (i: number) => ds.test.X[i * ds.test.d]!;
  assert.ok(x0(1) > x0(0));
});

test('npy without the val pair: val is 12.5% of train', async () => {
  const dir = tempDir('npy-noval');
  for (const [split, n] of [
    ['train', 80],
    ['test', 20],
  ] as const) {
    const { rows, labels } = clusterRows(n, 2, 2);
    writeNpySplit(dir, split, rows, labels);
  }
  const ds = await loadDataset(`npy:${dir}`, { seed: 4 });
  assert.equal([ds.train.n, ds.val.n, ds.test.n], [70, 10, 20]);
  assert.match(ds.provenance, '12.5%');
});

test.run();
