import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listDatasets, loadDataset } from '../../datasets';
import { assertWellFormed } from './_helpers';

const EXPECTED = [
  { name: 'digits', samples: 1797, dims: 64, classes: 10, features: 'pixels', firstClass: '0' },
  { name: 'wine', samples: 178, dims: 13, classes: 3, features: 'raw', firstClass: 'class_0' },
  { name: 'breast-cancer', samples: 569, dims: 30, classes: 2, features: 'raw', firstClass: 'malignant' },
];

for (const want of EXPECTED) {
  test(`${want.name}: shapes, labels, bias column, 70/10/20 split`, async () => {
    const ds = await loadDataset(want.name, { seed: 3 });
    assert.is(ds.classes, want.classes);
    assert.is(ds.classNames.length, want.classes);
    assert.is(ds.classNames[0], want.firstClass);
    assert.is(ds.features, want.features);
    assert.is(ds.pretrained, false);
    assert.is(ds.train.n + ds.val.n + ds.test.n, want.samples);
    assert.is(ds.train.n, Math.round(0.7 * want.samples));
    assert.is(ds.val.n, Math.round(0.1 * want.samples));
    for (const split of [ds.train, ds.val, ds.test]) {
      assert.is(split.d, want.dims + 1);
      assertWellFormed(split, want.classes);
    }
    // Every class appears in every split (stratified).
    for (const split of [ds.train, ds.val, ds.test]) assert.is(new Set(split.y).size, want.classes);
    assert.match(ds.provenance, 'scikit-learn');
    assert.match(ds.provenance, 'BSD-3');
    assert.match(ds.scaling, 'train');
  });
}

test('listDatasets: cheap listing agrees with the loaded data', () => {
  const listed = listDatasets();
  for (const want of EXPECTED) {
    const info = listed.find((d) => d.name === want.name)!;
    assert.ok(info, want.name);
    assert.is(info.samples, want.samples);
    assert.is(info.dims, want.dims);
    assert.is(info.classes, want.classes);
    assert.is(info.features[0], want.features);
  }
  const names = listed.map((d) => d.name);
  for (const name of ['mnist', 'csv:PATH', 'npy:DIR']) assert.ok(names.includes(name), name);
  assert.ok(names.some((n) => n.startsWith('synthetic:')));
});

test('breast_cancer is accepted as an alias', async () => {
  const ds = await loadDataset('breast_cancer');
  assert.is(ds.classes, 2);
});

test.run();
