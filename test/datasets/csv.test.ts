import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataset } from '../../datasets';
import { assertWellFormed, clusterRows, tempDir, writeText } from './_helpers';

const dir = tempDir('csv');
const { rows, labels } = clusterRows(60, 3, 3);

test('csv with a header: label in the last column by default, labels mapped to 0..C-1', async () => {
  const lines = ['a,b,c,label', ...rows.map((r, i) => [...r, labels[i]! * 10 + 5].join(','))];
  const file = writeText(dir, 'header.csv', lines.join('\n') + '\n');
  const ds = await loadDataset(`csv:${file}`, { seed: 1 });
  assert.equal(ds.classNames, ['5', '15', '25']);
  assert.is(ds.classes, 3);
  assert.is(ds.features, 'raw');
  assert.equal([ds.train.n, ds.val.n, ds.test.n], [42, 6, 12]);
  for (const split of [ds.train, ds.val, ds.test]) {
    assert.is(split.d, 4);
    assertWellFormed(split, 3);
  }
  assert.match(ds.provenance, 'header row');
});

test('csv without a header: every line is data; labelColumn by 0-based index', async () => {
  const lines = rows.map((r, i) => [labels[i], ...r].join(','));
  const file = writeText(dir, 'plain.csv', lines.join('\n'));
  const ds = await loadDataset(`csv:${file}`, { labelColumn: '0' });
  assert.is(ds.train.n + ds.val.n + ds.test.n, 60);
  assert.is(ds.train.d, 4);
  assert.match(ds.provenance, 'no header');
});

test('csv: labelColumn by header name; blank lines are skipped', async () => {
  const lines = ['kind,x,y,z', ...rows.map((r, i) => [labels[i], ...r].join(',')), '', ''];
  lines.splice(5, 0, '');
  const file = writeText(dir, 'named.csv', lines.join('\n'));
  const ds = await loadDataset(`csv:${file}`, { labelColumn: 'kind' });
  assert.is(ds.train.n + ds.val.n + ds.test.n, 60);
  assert.is(ds.classes, 3);
});

test('csv: the label column is really the one named (features do not include it)', async () => {
  // Feature x separates the classes perfectly; if the label leaked in, d would be 3 + 1.
  const lines = ['x,label,y', ...rows.map((r, i) => [r[0], labels[i], r[1]].join(','))];
  const file = writeText(dir, 'middle.csv', lines.join('\n'));
  const ds = await loadDataset(`csv:${file}`, { labelColumn: 'label' });
  assert.is(ds.train.d, 3);
});

test.run();
