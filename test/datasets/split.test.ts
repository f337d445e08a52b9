import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataset } from '../../datasets';

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

test('the same seed gives the same split, bit for bit', async () => {
  const a = await loadDataset('digits', { seed: 11 });
  const b = await loadDataset('digits', { seed: 11 });
  for (const name of ['train', 'val', 'test'] as const) {
    assert.ok(same(a[name].X, b[name].X), `${name} X`);
    assert.ok(same(a[name].y, b[name].y), `${name} y`);
  }
});

test('another seed gives another split', async () => {
  const a = await loadDataset('digits', { seed: 11 });
  const b = await loadDataset('digits', { seed: 12 });
  assert.is(a.train.n, b.train.n);
  assert.not.ok(same(a.train.y, b.train.y));
  assert.not.ok(same(a.test.X, b.test.X));
});

test('the split is stratified: class shares match within one row per class', async () => {
  const ds = await loadDataset('breast-cancer', { seed: 3 });
  const total = ds.train.n + ds.val.n + ds.test.n;
  const malignant = [ds.train, ds.val, ds.test].reduce((s, split) => s + split.y.filter((v) => v === 0).length, 0);
  for (const split of [ds.train, ds.val, ds.test]) {
    const expected = (split.n * malignant) / total;
    const got = split.y.filter((v) => v === 0).length;
    assert.ok(Math.abs(got - expected) <= 1.5, `${got} vs ${expected}`);
  }
});

test('limit caps the samples before splitting, seeded', async () => {
  const a = await loadDataset('digits', { seed: 1, limit: 200 });
  assert.equal([a.train.n, a.val.n, a.test.n], [140, 20, 40]);
  assert.is(new Set(a.train.y).size, 10);
  const b = await loadDataset('digits', { seed: 1, limit: 200 });
  assert.ok(same(a.train.X, b.train.X));
  const big = await loadDataset('digits', { limit: 100000 });
  assert.is(big.train.n + big.val.n + big.test.n, 1797);
});

test.run();
