/** `hetal-bench matmul` through the real CLI, its records, bad input, and failed cells. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MatmulAlgorithm } from '../../algorithms/interface';
import { matmulAlgorithm } from '../../algorithms/matmul/registry';
import { runCells } from '../../harness/commands/matmul';
import type { FailedRecord, MatmulRecord } from '../../harness/records';
import { sharedSession } from '../helpers/backends';
import { cli, jsonLines, inProcess } from '../helpers/cli';

test('records: counts, block, depth, times (tinybench), errors, Table 7 where it has the cell', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'matmul-'));
  const r = cli([
    'matmul',
    '--backend',
    'sim',
    '--preset',
    'fgb',
    '--algo',
    'colmajor,diag-abt,diag-atb',
    '--shape',
    '128x128x4,100x50x3',
    '--repeat',
    '2',
    '--no-noise',
    '--json',
    '--out',
    out,
  ]);
  assert.is(r.status, 0, r.stderr);
  const rows = jsonLines(r.stdout) as unknown as MatmulRecord[];
  assert.is(rows.length, 6);
  for (const row of rows) {
    assert.is(row.kind, 'matmul');
    assert.is(row.state, 'completed');
    assert.is(row.backend, 'sim');
    assert.is(row.slots, 32768);
    for (const k of ['cmult', 'mult', 'rot', 'keyswitch', 'add', 'rescale', 'refresh'] as const) assert.type(row.ops[k], 'number', k);
    assert.is(row.timeMs.n, 2);
    assert.ok(row.timeMs.min <= row.timeMs.median && row.timeMs.median <= row.timeMs.max);
    // exact simulation: float64 rounding only, and no precision figure claimed for it
    assert.is(row.errorKind, 'exact-sim');
    assert.ok(row.error.maxAbs < 1e-9 && row.error.bits === undefined);
    assert.ok(row.depth >= 3 && row.block.s0 * row.block.s1 === 32768);
    assert.type(row.meta.gitCommit, 'string');
    assert.match(
      row.cell,
      /^matmul\|algo=[a-z-]+\|(atb-sums=shared\|)?backend=sim\|input-level=auto\|noise=false\|preset=fgb\|real-only=false\|relin=lazy\|repeat=2\|seed=1\|shape=\d+x\d+x\d+$/,
    );
  }
  const cell = (algo: string, a: number) => rows.find((x) => x.algorithm === algo && x.shape.a === a)!;
  assert.equal(cell('colmajor', 128).paper, { cmult: 8, mult: 4, rot: 63 });
  assert.equal(cell('colmajor', 128).ops.rot, 63);
  assert.equal(cell('diag-abt', 128).paper, { cmult: 4, mult: 2, rot: 34 });
  assert.is(cell('diag-abt', 128).complexPacking, true);
  assert.ok(cell('diag-abt', 128).deviations!.some((d) => /row-sum conjugations/.test(d)));
  assert.is(cell('diag-atb', 100).paper, undefined, 'Table 7 has no (100, 50, 3)');
  assert.is(cell('diag-atb', 100).cPadded, 4);
  assert.is(fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').length, 6);
  assert.ok(fs.existsSync(path.join(out, 'results.csv')));
  assert.not.match(r.stdout, /matmul: /, 'progress goes to stderr');
});

test('bad input: one line naming it, non-zero, before anything runs', async () => {
  const cases: [string[], RegExp][] = [
    [['--shape', '128x0x4'], /--shape: '128x0x4': b = 0 is not a positive integer/],
    [['--shape', '128x128'], /--shape: '128x128' is not AxBxC/],
    [
      ['--algo', 'diag-abt,fast'],
      /--algo: unknown matmul algorithm 'fast' \(known: jin-abt, colmajor, diag-abt, jin-atb, rowmajor, diag-atb/,
    ],
    [['--preset', 'n14', '--shape', '64x64x100'], /c = 100 \(padded to 128\) is too large for 8192 slots/],
  ];
  for (const [args, message] of cases) {
    const r = await inProcess(['matmul', '--backend', 'sim', ...args, '--json']);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.is(r.stdout, '');
  }
});

test('a cell that fails while running is recorded as failed and the others still run', async () => {
  const s = await sharedSession('sim', 'n14');
  const be = s.ev;
  const diag = matmulAlgorithm('diag-abt');
  const broken: MatmulAlgorithm = {
    ...diag,
    id: 'broken',
    run: () => {
      throw new Error('out of wasm memory');
    },
  };
  const records: (MatmulRecord | FailedRecord)[] = [];
  const base = {
    backend: 'sim',
    preset: 'n14',
    realOnly: false,
    perf: { inputLevel: 'auto', relin: 'lazy', atbSums: 'shared' } as const,
    run: 'test',
    seed: 1,
  };
  const ew = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write; // progress lines
  const failed = await runCells(
    s,
    [
      { ...base, algo: broken, shape: { a: 16, b: 16, c: 4 } },
      { ...base, algo: diag, shape: { a: 16, b: 16, c: 4 } },
    ],
    1,
    (rec) => records.push(rec),
  );
  process.stderr.write = ew;
  assert.is(failed, 1);
  assert.equal(
    records.map((x) => x.state),
    ['failed', 'completed'],
  );
  const first = records[0]!;
  assert.ok(first.state === 'failed' && first.message === 'out of wasm memory');
  assert.not.ok('timeMs' in first || 'error' in first, 'a failed record carries no statistics');
  assert.is(records[0]!.algorithm, 'broken');
  assert.is(be.liveObjects(), 0, 'the failed cell freed its ciphertexts');
});

test('sim adds CKKS-sized noise by default and says so', () => {
  const r = cli(['matmul', '--backend', 'sim', '--preset', 'n14', '--algo', 'diag-abt', '--shape', '16x16x4', '--json']);
  assert.is(r.status, 0, r.stderr);
  const [row] = jsonLines(r.stdout) as unknown as MatmulRecord[];
  assert.is(row!.errorKind, 'sim-noise');
  assert.ok(row!.error.maxAbs > 1e-12 && row!.error.maxAbs <= row!.error.bound!, `noise on, within the bound: ${row!.error.maxAbs}`);
  assert.ok(row!.error.bits! < 40, 'precision reflects CKKS noise, not float64');
});

test('list shows the six matmul algorithms', async () => {
  const r = await inProcess(['list', '--json']);
  assert.is(r.status, 0, r.stderr);
  const ids = jsonLines(r.stdout)
    .filter((x) => x.category === 'matmul')
    .map((x) => x.id);
  assert.equal(ids, ['jin-abt', 'colmajor', 'diag-abt', 'jin-atb', 'rowmajor', 'diag-atb']);
});

test.run();
