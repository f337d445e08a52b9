/** Sweep configs: grid expansion order, stable keys, shards, and refusals before any cell runs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cellKey } from '../../harness/cell';
import { cellArgv, decodeCellSpec, encodeCellSpec } from '../../harness/sweep/cell-spec';
import { expandCells, readConfig, shardCells, validateConfig } from '../../harness/sweep/config';

const grid = {
  name: 'g',
  experiments: [
    {
      kind: 'matmul',
      grid: { algo: ['diag-abt', 'colmajor'], shape: ['8x8x2', '16x16x4', '32x32x4'] },
      fixed: { backend: 'sim', preset: 'n13' },
    },
    { kind: 'softmax', grid: { algo: ['hetal'], classes: [3, 10] }, fixed: { backend: 'plain', samples: 100 } },
  ],
};

test('the grid expands in a deterministic order with stable keys', () => {
  const cells = expandCells(validateConfig(grid, 'g.json'));
  assert.is(cells.length, 2 * 3 + 2);
  // every default filled, names sorted: the key a direct run of the same cell makes too
  assert.is(
    cells[0]!.key,
    'matmul|algo=diag-abt|backend=sim|input-level=auto|noise=true|preset=n13|real-only=false|relin=lazy|repeat=0|seed=1|shape=8x8x2',
  );
  assert.is(
    cells[1]!.key,
    'matmul|algo=diag-abt|backend=sim|input-level=auto|noise=true|preset=n13|real-only=false|relin=lazy|repeat=0|seed=1|shape=16x16x4',
  );
  assert.is(cells[6]!.key, 'softmax|algo=hetal|backend=plain|classes=3|preset=none|range=128|samples=100|seed=1');
  assert.equal(
    expandCells(validateConfig(grid, 'g.json')).map((c) => c.key),
    cells.map((c) => c.key),
  );
  // values travel as one --name=value word each, never as a word of their own
  assert.equal(cellArgv(cells[0]!), ['matmul', '--json', '--backend=sim', '--preset=n13', '--algo=diag-abt', '--shape=8x8x2']);
  const train = expandCells(
    validateConfig({ kind: 'train', grid: { dataset: ['digits'] }, fixed: { 'early-stopping': true, lr: 2 } }, 'c.json'),
  );
  assert.equal(cellArgv(train[0]!), ['train', '--json', '--early-stopping', '--lr=2', '--dataset=digits']);
  assert.equal(decodeCellSpec(encodeCellSpec(train[0]!), 'spec'), train[0]);
  assert.throws(() => decodeCellSpec('{"kind":"train","params":{"early-stopping":"--out=/tmp/x"}}', 'spec'), /not true or false/);
});

test('one cell key for direct runs and sweeps: defaults filled, order and spelling irrelevant', () => {
  const explicit = cellKey('matmul', { shape: '8x8x2', algo: 'diag-abt', backend: 'sim', preset: 'fgb', repeat: 0, seed: 1 });
  assert.is(cellKey('matmul', { algo: 'diag-abt', shape: '8x8x2' }), explicit);
  assert.is(cellKey('matmul', { algo: 'diag-abt', shape: '08x8x2', 'real-only': false, noise: true }), explicit);
  assert.is.not(cellKey('matmul', { algo: 'diag-abt', shape: '8x8x2', noise: false }), explicit);
  assert.is(cellKey('train', { dataset: 'wine' }), cellKey('train', { dataset: 'wine', lr: 4, batch: 64, epochs: 10, features: 'raw' }));
  assert.is(
    cellKey('train', { dataset: 'wine', backend: 'plain', preset: 'n13' }),
    cellKey('train', { dataset: 'wine', backend: 'plain' }),
  );
});

test('shards cover the grid exactly once', () => {
  const cells = expandCells(validateConfig(grid, 'g.json'));
  for (const n of [1, 2, 3, 5]) {
    const keys = Array.from({ length: n }, (_, i) => shardCells(cells, `${i}/${n}`).map((c) => c.key)).flat();
    assert.is(keys.length, cells.length, `${n} shards`);
    assert.is(new Set(keys).size, cells.length);
  }
  assert.throws(() => shardCells(cells, '2/2'), /needs 0 <= I < N/);
  assert.throws(() => shardCells(cells, 'a/b'), /is not I\/N/);
});

test('bad configs are refused with the field at fault', () => {
  const bad: [unknown, RegExp][] = [
    [{ kind: 'matmul', grid: { algo: ['diag-abt'], colour: ['red'] } }, /unknown parameter "colour" for matmul/],
    [{ kind: 'matmul', grid: {} }, /empty grid/],
    [{ kind: 'matmul', grid: { algo: [] } }, /grid\.algo: must be a non-empty list/],
    [{ kind: 'matmul', grid: { shape: [null] } }, /grid\.shape\[0\]: null is not a shape AxBxC/],
    [{ kind: 'matmul', grid: { shape: ['8x8x2,16x16x4'] } }, /is not a shape AxBxC/],
    [{ kind: 'train', grid: { 'early-stopping': ['--out=/tmp/x'] } }, /"--out=\/tmp\/x" is not true or false/],
    [{ kind: 'train', grid: { epochs: ['10'] } }, /"10" is not an integer >= 1/],
    [{ kind: 'train', grid: { epochs: [1e9] } }, /above the limit of 1000 for "epochs"/],
    [{ kind: 'train', grid: { features: ['--out=/tmp/x'] } }, /no leading '-'/],
    [{ kind: 'dance', grid: { algo: ['x'] } }, /unknown experiment kind "dance"/],
    [{ experiments: [] }, /non-empty list/],
    [{ kind: 'train', grid: { dataset: ['digits'] }, fixed: { dataset: 'wine' } }, /also in the grid/],
    [{ kind: 'train', grid: { dataset: ['digits'] }, extra: 1 }, /unknown field "extra"/],
    [[1, 2], /must be a JSON object/],
  ];
  for (const [raw, message] of bad) assert.throws(() => validateConfig(raw, 'c.json'), message, JSON.stringify(raw));
  // a synthetic dataset spec may contain commas
  assert.is(expandCells(validateConfig({ kind: 'train', grid: { dataset: ['synthetic:n=100,d=4,c=3'] } }, 'c.json')).length, 1);
});

test('unreadable and malformed files name the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-sweep-'));
  const file = path.join(dir, 'broken.json');
  fs.writeFileSync(file, '{ "kind": ');
  assert.throws(() => readConfig(file), /broken\.json: not valid JSON/);
  assert.throws(() => readConfig(path.join(dir, 'missing.json')), /missing\.json: cannot read/);
});

test.run();
