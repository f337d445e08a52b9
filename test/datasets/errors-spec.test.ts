import { test } from 'uvu';
import { loadDataset } from '../../datasets';
import { rejectsWith } from './_helpers';

test('unknown dataset: lists the known ones', async () => {
  await rejectsWith(() => loadDataset('cifar10'), "unknown dataset 'cifar10'", 'digits', 'mnist', 'csv:PATH');
});

test('unknown feature map, or one that does not apply: lists what the dataset accepts', async () => {
  await rejectsWith(() => loadDataset('mnist', { features: 'vit' }), "unknown feature map 'vit'", 'pixels, random768, mobilenet');
  await rejectsWith(() => loadDataset('wine', { features: 'mobilenet' }), "'mobilenet' does not apply", 'accepts: raw');
  await rejectsWith(() => loadDataset('digits', { features: 'raw' }), "'raw' does not apply");
});

test('malformed synthetic spec: names the field', async () => {
  await rejectsWith(() => loadDataset('synthetic:n=abc'), "field 'n'", 'positive integer', "'abc'");
  await rejectsWith(() => loadDataset('synthetic:n=10.5'), "field 'n'");
  await rejectsWith(() => loadDataset('synthetic:k=3'), "unknown field 'k'");
  await rejectsWith(() => loadDataset('synthetic:n=100,n=200'), "'n' given twice");
  await rejectsWith(() => loadDataset('synthetic:sep=-1'), "field 'sep'");
  await rejectsWith(() => loadDataset('synthetic:c=1'), "field 'c'", 'fewer than 2 classes');
  await rejectsWith(() => loadDataset('synthetic:n100'), "malformed field 'n100'");
  await rejectsWith(() => loadDataset('synthetic:n=8,c=2'), 'too small', '8 samples');
});

test('bad limit or seed: names the option', async () => {
  await rejectsWith(() => loadDataset('digits', { limit: 0 }), 'limit', 'positive integer');
  await rejectsWith(() => loadDataset('digits', { limit: 2.5 }), 'limit');
  await rejectsWith(() => loadDataset('digits', { seed: 0.5 }), 'seed');
});

test.run();
