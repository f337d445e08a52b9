/** Ablation declarations in sweep configs: seeds expand every cell, and bad declarations are refused naming the file and field. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../../algorithms/errors';
import { cellKey } from '../../harness/cell';
import { expandCells, validateConfig } from '../../harness/sweep/config';

const base = {
  kind: 'train',
  grid: { softmax: ['hetal', 'hetal-precise'], optimizer: ['nesterov', 'sgd'] },
  fixed: { dataset: 'digits', backend: 'sim' },
};

function refused(config: object, pattern: RegExp): void {
  try {
    validateConfig(config, 'abl.json');
  } catch (err) {
    assert.instance(err, InputError);
    assert.match((err as Error).message, /^abl\.json: /);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`accepted: ${JSON.stringify(config)}`);
}

test('seeds repeat every cell (whole replicates first) and cells carry the ablation', () => {
  const config = validateConfig(
    { ...base, ablation: { baseline: { softmax: 'hetal', optimizer: 'nesterov' } }, seeds: [7, 9] },
    'abl.json',
  );
  assert.equal(config.experiments[0]!.seeds, [7, 9]);
  const cells = expandCells(config);
  assert.is(cells.length, 8);
  assert.equal(
    cells.map((c) => c.params.seed),
    [7, 7, 7, 7, 9, 9, 9, 9],
  );
  assert.is(cells[0]!.key, cellKey('train', { backend: 'sim', dataset: 'digits', optimizer: 'nesterov', seed: 7, softmax: 'hetal' }));
  assert.equal(cells[5]!.ablation, { baseline: { softmax: 'hetal', optimizer: 'nesterov' } });
  assert.is(new Set(cells.map((c) => c.key)).size, 8);
  // a count means seeds 1..N
  assert.equal(
    expandCells(validateConfig({ ...base, seeds: 3 }, 'abl.json')).map((c) => c.params.seed),
    [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3],
  );
  // a top-level declaration applies to every experiment that has none
  const multi = validateConfig(
    {
      name: 'm',
      ablation: { baseline: { softmax: 'hetal' } },
      seeds: 2,
      experiments: [base, { ...base, seeds: [5], ablation: { baseline: { optimizer: 'sgd' } } }],
    },
    'abl.json',
  );
  assert.equal(multi.experiments[0]!.ablation, { baseline: { softmax: 'hetal' } });
  assert.equal(multi.experiments[0]!.seeds, [1, 2]);
  assert.equal(multi.experiments[1]!.ablation, { baseline: { optimizer: 'sgd' } });
  assert.equal(multi.experiments[1]!.seeds, [5]);
  // matmul's --real-only is a sweep parameter (the complex-packing ablation)
  const mm = expandCells(
    validateConfig(
      {
        kind: 'matmul',
        grid: { algo: ['diag-abt'], 'real-only': [false, true] },
        fixed: { backend: 'sim', preset: 'n13', shape: '8x8x2' },
        ablation: { baseline: { 'real-only': false } },
      },
      'abl.json',
    ),
  );
  assert.is(mm.length, 2);
});

test('bad ablation declarations are refused before any cell runs', () => {
  refused({ ...base, ablation: { baseline: { lr: 2 } } }, /experiments\[0\]\.ablation\.baseline\.lr: "lr" is not in .*grid/);
  refused({ ...base, ablation: { baseline: { colour: 'red' } } }, /ablation\.baseline\.colour: "colour" is not a parameter of train/);
  refused(
    { ...base, ablation: { baseline: { softmax: 'lee' } } },
    /ablation\.baseline\.softmax: baseline "lee" is not one of the grid's values \["hetal","hetal-precise"\]/,
  );
  refused({ ...base, ablation: { baseline: { optimizer: 1 } } }, /baseline 1 is not one of the grid's values/);
  refused({ ...base, ablation: { baseline: {} } }, /ablation\.baseline: must be a non-empty object/);
  refused({ ...base, ablation: { softmax: 'hetal' } }, /ablation: unknown field "softmax" \(only "baseline"\)/);
  refused({ ...base, ablation: ['softmax'] }, /ablation: must be an object/);
  refused({ ...base, ablation: { baseline: { seed: 1 } } }, /"seed" is not in|the seed is the repetition/);
  refused({ ...base, seeds: [] }, /seeds: must be a non-empty list/);
  refused({ ...base, seeds: [1, 1] }, /seeds: the same seed is listed twice/);
  refused({ ...base, seeds: [1.5] }, /seeds\[0\]: 1\.5 is not a seed/);
  refused({ ...base, seeds: 0 }, /seeds: a count of seeds must be an integer from 1/);
  refused({ ...base, fixed: { ...base.fixed, seed: 3 }, seeds: 2 }, /fixed\.seed: "seeds" already repeats every cell/);
  refused(
    { name: 'm', ablation: { baseline: { softmax: 'x' } }, experiments: [base] },
    /^abl\.json: ablation\.baseline\.softmax: baseline "x"/,
  );
});

test.run();
