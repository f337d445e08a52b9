/** `hetal-bench softmax` as a user runs it: records, and one-line errors for bad input. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../harness/cli';
import { cli, jsonLines } from '../helpers/cli';
import { cumulativeRanges } from '../../harness/commands/softmax';

/** Runs the CLI in this process (a spawn costs ~3 s of ts-node start-up): status, stdout and stderr. */
async function inProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    const status = await main(args);
    return { status, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

test('cumulative ranges follow the paper: 4 -> {4}, 8 -> {4, 8}, 128 -> {4, 8, 32, 128}; others end with themselves', () => {
  assert.equal(cumulativeRanges(4), [4]);
  assert.equal(cumulativeRanges(8), [4, 8]);
  assert.equal(cumulativeRanges(128), [4, 8, 32, 128]);
  assert.equal(cumulativeRanges(16), [4, 8, 16]);
  assert.equal(cumulativeRanges(2), [2]);
});

test('plain: one record per algorithm, class count and range, with the contract fields', async () => {
  const r = await inProcess([
    'softmax',
    '--backend',
    'plain',
    '--algo',
    'hetal,jin',
    '--classes',
    '3,10',
    '--range',
    '8',
    '--samples',
    '2000',
    '--json',
  ]);
  assert.is(r.status, 0, r.stderr);
  const recs = jsonLines(r.stdout);
  assert.is(recs.length, 4);
  for (const rec of recs) {
    assert.is(rec.kind, 'softmax');
    assert.is(rec.state, 'completed');
    assert.is(rec.backend, 'plain');
    assert.is(rec.samples, 2000);
    assert.is(rec.samplesTotal, 4000);
    assert.equal(rec.ranges, [4, 8]);
    const err = rec.error as { max: number; mean: number };
    assert.ok(err.max >= err.mean && err.mean > 0);
    assert.type(rec.depth, 'number');
    assert.type(rec.cell, 'string');
    assert.type((rec.meta as { gitCommit: string }).gitCommit, 'string');
  }
  const hetal = recs.find((x) => x.algorithm === 'hetal' && x.classes === 3)!;
  assert.ok((hetal.error as { mean: number }).mean < 3e-3);
});

test('sim: error under CKKS beside the plain error and the agreement, depth, refreshes, time per block', async () => {
  const r = await inProcess([
    'softmax',
    '--backend',
    'sim',
    '--preset',
    'n14',
    '--algo',
    'hetal',
    '--classes',
    '3',
    '--range',
    '4',
    '--json',
  ]);
  assert.is(r.status, 0, r.stderr);
  const [rec] = jsonLines(r.stdout);
  assert.is(rec!.backend, 'sim');
  assert.is(rec!.blocks, 1);
  assert.is(rec!.depth, 58);
  assert.is(rec!.refreshes, 11);
  assert.ok((rec!.agreement as { max: number }).max < 1e-4);
  assert.ok((rec!.timeMs as { median: number }).median > 0);
});

const BAD: [string[], RegExp][] = [
  [['--algo', 'softermax'], /unknown softmax algorithm 'softermax' \(known: hetal, hetal-precise, lee, hong, jin, exact-exp/],
  [['--classes', '1'], /--classes: '1'/],
  [['--classes', '40000'], /--classes 40000: more than a block row holds/],
  [['--backend', 'sim', '--preset', 'n14', '--classes', '9000'], /--classes 9000: more than a block row holds/],
  [['--range', '0'], /--range: '0' is not a positive number/],
  [['--range', 'wide'], /--range: 'wide'/],
  [['--samples', '0'], /--samples: '0'/],
  [['--samples', '2.5'], /--samples: '2.5'/],
  [['--backend', 'sim', '--algo', 'hetal,exact-exp'], /--algo exact-exp: no encrypted form/],
  [['--backend', 'seal', '--algo', 'exact-exp'], /--algo exact-exp: no encrypted form/],
  [['--backend', 'sim', '--preset', 'n13'], /--preset n13: 2 levels between refreshes/],
  [['--backend', 'seal', '--preset', 'fgb'], /--preset fgb cannot run on backend seal/],
  [['--backend', 'tpu'], /--backend: unknown value 'tpu'/],
];

test('bad input exits 2 with one line naming it, before anything runs', async () => {
  for (const [args, message] of BAD) {
    const r = await inProcess(['softmax', ...args]);
    assert.is(r.status, 2, args.join(' '));
    assert.is(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, message);
  }
  // and as a process, once
  const r = cli(['softmax', '--algo', 'softermax']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /^hetal-bench: unknown softmax algorithm 'softermax'/);
});

test.run();
