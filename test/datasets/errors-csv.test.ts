import path from 'node:path';
import { test } from 'uvu';
import { loadDataset } from '../../datasets';
import { rejectsWith, tempDir, writeText } from './_helpers';

const dir = tempDir('csv-errors');
const good = (n: number) => Array.from({ length: n }, (_, i) => `${i % 7}.5,${i},${i % 2}`);

test('missing file: names the path', async () => {
  const missing = path.join(dir, 'nope.csv');
  await rejectsWith(() => loadDataset(`csv:${missing}`), 'file not found', missing);
  await rejectsWith(() => loadDataset('csv:'), 'no file given');
});

test('ragged row: names the file and the line', async () => {
  const lines = ['a,b,label', ...good(12)];
  lines[7] = '1,2';
  const file = writeText(dir, 'ragged.csv', lines.join('\n'));
  await rejectsWith(() => loadDataset(`csv:${file}`), `${file}:8`, 'ragged', '2 fields, expected 3');
});

test('non-numeric value: names file, line and column', async () => {
  const lines = ['a,b,label', ...good(12)];
  lines[4] = '1,abc,0';
  const file = writeText(dir, 'text.csv', lines.join('\n'));
  await rejectsWith(() => loadDataset(`csv:${file}`), `${file}:5`, "column 2 ('b')", "'abc'");
});

test('NaN, Infinity and empty cells are rejected with their position', async () => {
  for (const [bad, name] of [
    ['NaN', 'nan'],
    ['Infinity', 'inf'],
    ['', 'empty'],
  ]) {
    const lines = good(12);
    lines[2] = `${bad},1,0`;
    const file = writeText(dir, `${name}.csv`, lines.join('\n'));
    await rejectsWith(() => loadDataset(`csv:${file}`), `${file}:3`, 'column 1', 'not a finite number');
  }
});

test('missing label column: names the column and lists the header', async () => {
  const file = writeText(dir, 'nolabel.csv', ['a,b,c', ...good(12)].join('\n'));
  await rejectsWith(() => loadDataset(`csv:${file}`, { labelColumn: 'species' }), file, "'species' not found", 'a, b, c');
  await rejectsWith(() => loadDataset(`csv:${file}`, { labelColumn: '7' }), file, 'index 7 is out of range');
  const plain = writeText(dir, 'plain.csv', good(12).join('\n'));
  await rejectsWith(() => loadDataset(`csv:${plain}`, { labelColumn: 'species' }), 'no header row');
});

test('labels that are not integers: names file, line and column', async () => {
  const lines = ['a,b,label', ...good(12)];
  lines[6] = '1,2,0.5';
  const file = writeText(dir, 'float-label.csv', lines.join('\n'));
  await rejectsWith(() => loadDataset(`csv:${file}`), `${file}:7`, "label column 3 ('label')", 'not an integer');
  lines[6] = '1,2,cat';
  const words = writeText(dir, 'word-label.csv', lines.join('\n'));
  await rejectsWith(() => loadDataset(`csv:${words}`), `${words}:7`, "'cat' is not an integer");
});

test('fewer than 2 classes: names the file', async () => {
  const file = writeText(dir, 'one-class.csv', Array.from({ length: 20 }, (_, i) => `${i},${i * 2},4`).join('\n'));
  await rejectsWith(() => loadDataset(`csv:${file}`), file, 'fewer than 2 classes', 'label 4');
});

test('too small for the split: says how many samples there are and need to be', async () => {
  const file = writeText(dir, 'tiny.csv', good(6).join('\n'));
  await rejectsWith(() => loadDataset(`csv:${file}`), 'too small', '6 samples', 'at least 10');
  const enough = writeText(dir, 'enough.csv', good(30).join('\n'));
  await rejectsWith(() => loadDataset(`csv:${enough}`, { limit: 5 }), 'too small', 'limit 5');
});

test('a file with a single column: needs features and a label', async () => {
  const file = writeText(dir, 'single.csv', Array.from({ length: 20 }, (_, i) => `${i % 2}`).join('\n'));
  await rejectsWith(() => loadDataset(`csv:${file}`), file, 'at least 2 columns');
});

test.run();
