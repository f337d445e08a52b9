/** `hetal-bench train` through the real CLI: a plain run's record, and bad input. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli, jsonLines } from '../helpers/cli';

test('a plain run prints one train record with the twins and per-class figures', () => {
  const r = cli(['train', '--dataset', 'wine', '--backend', 'plain', '--epochs', '3', '--json']);
  assert.is(r.status, 0, r.stderr);
  const [rec] = jsonLines(r.stdout);
  assert.is(rec!.kind, 'train');
  assert.is(rec!.state, 'completed');
  assert.is(rec!.epochs, 3);
  assert.is((rec!.valLosses as number[]).length, 3);
  assert.ok((rec!.accuracy as { test: number }).test > 0.8);
  assert.is((rec!.perClass as unknown[]).length, 3);
  assert.ok(typeof rec!.approxAccuracy === 'number');
  assert.ok((rec!.deviations as string[]).some((d) => /not from a pretrained extractor/.test(d)));
});

test('bad input exits non-zero with a one-line message naming it', () => {
  const cases: [string[], RegExp][] = [
    [['--lr', '-1'], /--lr: '-1' is not a positive number/],
    [['--lr', 'abc'], /--lr: 'abc' is not a positive number/],
    [['--dataset', 'synthetic:n=600,d=4,c=100,sep=3', '--backend', 'sim', '--preset', 'n13'], /do not fit a block row/],
    [['--dataset', 'wine', '--backend', 'sim', '--preset', 'n13'], /n13 has 2 levels; encrypted training .* needs at least/],
    [['--dataset', 'synthetic:n=4,d=2,c=2,sep=3'], /too small|at least/],
    [['--dataset', 'nope'], /unknown dataset|nope/],
    [['--backend', 'gpu'], /--backend: unknown value 'gpu'/],
    [['--softmax', 'taylor'], /unknown softmax algorithm 'taylor'/],
  ];
  for (const [args, message] of cases) {
    const r = cli(['train', ...args]);
    assert.is.not(r.status, 0, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.is(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
});

test.run();
