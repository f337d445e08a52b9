import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataset } from '../../datasets';
import { parseSyntheticSpec } from '../../datasets/sources/synthetic';
import { assertWellFormed } from './_helpers';

test('synthetic: any size, seeded, balanced classes', async () => {
  const ds = await loadDataset('synthetic:n=300,d=5,c=4,sep=6', { seed: 9 });
  assert.equal([ds.train.n, ds.val.n, ds.test.n], [210, 30, 60]);
  assert.is(ds.classes, 4);
  assert.is(ds.train.d, 6);
  for (const split of [ds.train, ds.val, ds.test]) assertWellFormed(split, 4);
  const again = await loadDataset('synthetic:n=300,d=5,c=4,sep=6', { seed: 9 });
  assert.equal(Array.from(again.train.X), Array.from(ds.train.X));
});

test('synthetic: well separated clusters sit apart (nearest class mean classifies the test split)', async () => {
  const ds = await loadDataset('synthetic:n=400,d=8,c=3,sep=8', { seed: 1 });
  const { d } = ds.train;
  const means = Array.from({ length: 3 }, () => new Float64Array(d));
  const counts = [0, 0, 0];
  for (let i = 0; i < ds.train.n; i++) {
    const k = ds.train.y[i]!;
    counts[k]!++;
    for (let j = 0; j < d; j++) means[k]![j]! += ds.train.X[i * d + j]!;
  }
  means.forEach((m, k) => m.forEach((v, j) => (m[j] = v / counts[k]!)));
  let correct = 0;
  for (let i = 0; i < ds.test.n; i++) {
    const dist = means.map((m) => m.reduce((s, v, j) => s + (v - ds.test.X[i * d + j]!) ** 2, 0));
    if (dist.indexOf(Math.min(...dist)) === ds.test.y[i]) correct++;
  }
  assert.ok(correct / ds.test.n > 0.95, `accuracy ${correct / ds.test.n}`);
});

test('synthetic spec: missing keys take the defaults', () => {
  assert.equal(parseSyntheticSpec('synthetic:', ''), { n: 1000, d: 16, c: 3, sep: 3 });
  assert.equal(parseSyntheticSpec('synthetic:n=50', 'n=50'), { n: 50, d: 16, c: 3, sep: 3 });
});

test.run();
