/**
 * The bad-input suite: flags, sweep configs, data files and output paths a hostile user might
 * give. Each case must exit 2 with a message naming the input at fault, before anything runs.
 * Cases run in this process through the CLI's main() (no start-up per case); nothing here loads
 * SEAL or computes, so the whole suite takes seconds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inProcess } from '../helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-bad-input-'));
const file = (name: string, text: string): string => {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
};
const config = (name: string, value: unknown): string => file(name, JSON.stringify(value));
const csvRows = (n: number, row: (i: number) => string) => ['a,b,label', ...Array.from({ length: n }, (_, i) => row(i))].join('\n');

const plainFile = file('plain.txt', 'not a directory');
const outWithDirJsonl = path.join(dir, 'jsonl-is-dir');
fs.mkdirSync(path.join(outWithDirJsonl, 'results.jsonl'), { recursive: true });
const garbage = file('garbage/results.jsonl', 'this is not json\n{"kind":"matmul","state":"completed","cell":"x"}\n');
const empty = file('empty/results.jsonl', '');
const good = file(
  'good/results.jsonl',
  '{"kind":"ops","state":"failed","cell":"x","message":"m","algorithm":"a","backend":"sim","preset":"n13"}\n',
);
const overflow = file(
  'overflow.csv',
  csvRows(40, (i) => `${i % 2 ? 1.5e308 : 1e308},${i},${i % 2}`),
);
const textCsv = file(
  'text.csv',
  csvRows(20, (i) => (i === 5 ? 'x,1,0' : `${i},${i},${i % 2}`)),
);
const emptyCsv = file('empty.csv', '');
const npyDir = path.join(dir, 'npy-empty');
fs.mkdirSync(npyDir);

/** [arguments, what the message must contain (the input at fault)] */
const CASES: [string[], RegExp][] = [
  // matmul flags
  [['matmul', '--shape', '128x0x4'], /--shape: '128x0x4'/],
  [['matmul', '--shape', 'abc'], /--shape: 'abc' is not AxBxC/],
  [['matmul', '--algo', 'nope'], /--algo: unknown matmul algorithm 'nope'/],
  [['matmul', '--backend', 'gpu'], /--backend: unknown value 'gpu'/],
  [['matmul', '--preset', 'n99'], /n99/],
  [['matmul', '--repeat', '-1'], /--repeat: '-1'/],
  [['matmul', '--repeat', '1000000'], /--repeat: 1000000 is above the limit of 1000/],
  [['matmul', '--backend', 'seal', '--preset', 'fgb'], /preset fgb cannot run on backend seal/],
  [['matmul', '--seed', 'x'], /--seed: 'x'/],
  [['matmul', '--bogus'], /--bogus/],
  [
    ['matmul', '--backend', 'seal', '--preset', 'n14', '--algo', 'jin-abt', '--shape', '256x256x8'],
    /--algo\/--shape: needs about 5\.\d GiB of SEAL memory on preset n14 .* use a smaller shape/,
  ],
  [['train', '--backend', 'seal', '--preset', 'n15'], /--preset n15: its 29 key-switching keys .* take 5\.9 GiB .* more than the 4\.0 GiB/],
  [['ops', '--preset', 'n15'], /--preset n15: its 29 key-switching keys/],
  // softmax flags
  [['softmax', '--classes', '1'], /--classes: '1'/],
  [['softmax', '--classes', '100000'], /--classes 100000: more than a block row holds/],
  [['softmax', '--range', '-3'], /--range: '-3'/],
  [['softmax', '--samples', '0'], /--samples: '0'/],
  [['softmax', '--samples', '1000000000'], /--samples: 1000000000 is above the limit of 100000000 \(/],
  [['softmax', '--algo', 'exact-exp', '--backend', 'sim'], /--algo exact-exp: no encrypted form/],
  [['softmax', '--backend', 'plain', '--preset', 'n13'], /--preset n13: the plain backend has no CKKS preset/],
  [['softmax', '--algo', 'hetal,,lee'], /--algo: 'hetal,,lee' has an empty item/],
  // train flags
  [['train', '--epochs', '1000000000'], /--epochs: 1000000000 is above the limit of 1000 \(the paper trains at most 23 epochs/],
  [['train', '--epochs', '0'], /--epochs: '0'/],
  [['train', '--lr', 'abc'], /--lr: 'abc'/],
  [['train', '--lr', '0'], /--lr: '0'/],
  [['train', '--batch', '0'], /--batch: '0'/],
  [['train', '--optimizer', 'adam'], /--optimizer: unknown value 'adam'/],
  [['train', '--backend', 'gpu'], /--backend: unknown value 'gpu'/],
  [['train', '--softmax', 'nope'], /softmax algorithm 'nope'/],
  [['train', '--limit', '0'], /--limit: '0'/],
  [['train', '--patience', '0'], /--patience: '0'/],
  [['train', '--backend', 'sim', '--preset', 'n13'], /--preset n13 has 2 levels/],
  // data files and dataset specs
  [['train', '--dataset', 'nope'], /nope/],
  [
    ['train', '--dataset', 'synthetic:n=100000000,d=100000'],
    /synthetic:n=100000000,d=100000: n x d = 10000000000000 values is above the limit/,
  ],
  [['train', '--dataset', 'synthetic:n=abc'], /field 'n' must be a positive integer/],
  [['train', '--dataset', `csv:${path.join(dir, 'missing.csv')}`], /missing\.csv/],
  [['train', '--dataset', `csv:${textCsv}`, '--backend', 'plain'], /text\.csv:7.*'x'/],
  [['train', '--dataset', `csv:${emptyCsv}`, '--backend', 'plain'], /empty\.csv/],
  [['train', '--dataset', `csv:${overflow}`, '--backend', 'plain'], /--dataset csv:.*overflow\.csv: feature .* after scaling/],
  [['train', '--dataset', `npy:${npyDir}`], /npy-empty/],
  [['train', '--dataset', 'digits', '--features', 'nope'], /feature map 'nope'/],
  // output paths
  [['softmax', '--samples', '10', '--out', plainFile], /--out .*plain\.txt: .*plain\.txt is a file, not a directory/],
  [['softmax', '--samples', '10', '--out', '/proc/hetal-x'], /--out \/proc\/hetal-x: cannot create/],
  [['softmax', '--samples', '10', '--out', outWithDirJsonl], /--out .*jsonl-is-dir: .*results\.jsonl is a directory/],
  // report and compare
  [['report', path.join(dir, 'nothing-here')], /nothing-here: no such file or directory/],
  [['report', garbage], /garbage\/results\.jsonl: line 1 is not valid JSON/],
  [['report', empty, '--out', path.join(dir, 'empty.html')], /empty\/results\.jsonl: no records/],
  [['report', good, '--out', dir], /--out .*: cannot write \(EISDIR/],
  [['report', good, '--out', '/proc/hetal-x/r.html'], /--out \/proc\/hetal-x: cannot create/],
  [['compare', good, path.join(dir, 'missing-b')], /missing-b: no such file or directory/],
  [['compare', good, good, '--threshold', '-1'], /--threshold: '-1'/],
  // sweep configs
  [['sweep', path.join(dir, 'missing.json')], /missing\.json: cannot read the sweep config/],
  [['sweep', file('broken.json', '{ "kind": ')], /broken\.json: not valid JSON/],
  [
    ['sweep', config('flag.json', { kind: 'train', grid: { dataset: ['wine'] }, fixed: { 'early-stopping': '--out=/tmp/x' } })],
    /flag\.json: experiments\[0\]\.fixed\.early-stopping: "--out=\/tmp\/x" is not true or false/,
  ],
  [
    ['sweep', config('epochs.json', { kind: 'train', grid: { epochs: [1e9] } })],
    /epochs\.json: experiments\[0\]\.grid\.epochs\[0\]: 1000000000 is above the limit of 1000 for "epochs"/,
  ],
  [['sweep', config('type.json', { kind: 'matmul', grid: { repeat: ['2'] } })], /type\.json: .*grid\.repeat\[0\]: "2" is not an integer/],
  [['sweep', config('kind.json', { kind: 'dance', grid: { a: [1] } })], /kind\.json: .*unknown experiment kind "dance"/],
  [['sweep', config('param.json', { kind: 'matmul', grid: { colour: ['red'] } })], /param\.json: .*unknown parameter "colour"/],
  [['sweep', config('ok.json', { kind: 'softmax', grid: { classes: [3] } }), '--shard', '3/2'], /--shard: '3\/2'/],
  [['sweep', config('ok2.json', { kind: 'softmax', grid: { classes: [3] } }), '--skip-failed'], /--skip-failed: only with --resume/],
  [['sweep', config('ok3.json', { kind: 'softmax', grid: { classes: [3] } }), '--cell-timeout', '0'], /--cell-timeout: '0'/],
  [['nonsense-command'], /nonsense-command/],
];

test(`bad input: ${CASES.length} cases, each exit 2 with a message naming the input`, async () => {
  assert.ok(CASES.length >= 40);
  const failures: string[] = [];
  for (const [args, message] of CASES) {
    const r = await inProcess(args);
    if (r.status !== 2 || !message.test(r.stderr)) failures.push(`${args.join(' ')}\n  -> exit ${r.status}: ${r.stderr.trim()}`);
  }
  assert.is(failures.length, 0, failures.join('\n'));
});

test('a refused --out leaves nothing behind and no lock', async () => {
  assert.not.ok(fs.existsSync('/proc/hetal-x'));
  assert.not.ok(fs.existsSync(path.join(outWithDirJsonl, '.lock')));
});

test.run();
