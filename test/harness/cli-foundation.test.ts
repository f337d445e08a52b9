/** The foundation commands through the real CLI: list, ops, and bad input. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli, jsonLines } from '../helpers/cli';

test('list shows both CKKS backends, plain, and every preset', () => {
  const r = cli(['list', '--json']);
  assert.is(r.status, 0, r.stderr);
  const rows = jsonLines(r.stdout);
  const ids = (cat: string) => rows.filter((x) => x.category === cat).map((x) => x.id);
  assert.ok(['plain', 'sim', 'seal'].every((b) => ids('backend').includes(b)));
  assert.ok(['n13', 'n14', 'n15', 'fgb'].every((p) => ids('preset').includes(p)));
});

test('ops prints one record per op and level, JSON only on stdout', () => {
  const r = cli(['ops', '--backend', 'sim', '--preset', 'n13', '--iterations', '2', '--json']);
  assert.is(r.status, 0, r.stderr);
  const rows = jsonLines(r.stdout);
  for (const level of [2, 1, 0]) {
    const ops = rows.filter((x) => x.level === level).map((x) => x.op);
    assert.ok(ops.includes('rot') && ops.includes('add') && ops.includes('refresh'), `level ${level}: ${ops}`);
    assert.is(ops.includes('mult'), level > 0, 'no product at level 0');
  }
  for (const row of rows) {
    const t = row.timeMs as { median: number; n: number };
    assert.ok(t.median >= 0 && t.n >= 2);
    assert.is(row.kind, 'ops');
  }
});

test('bad input exits non-zero with a one-line message naming it', () => {
  const cases: [string[], RegExp][] = [
    [['ops', '--backend', 'gpu'], /--backend: unknown value 'gpu'/],
    [['ops', '--backend', 'sim', '--preset', 'n99'], /unknown preset 'n99'/],
    [['ops', '--backend', 'seal', '--preset', 'custom:N=8192:chain=60-60-60-60:scale=40'], /insecure chain/],
    [['ops', '--backend', 'seal', '--preset', 'fgb'], /fgb cannot run on backend seal/],
    [['ops', '--iterations', 'x'], /--iterations: 'x' is not an integer/],
    [['nope'], /unknown command 'nope'/],
  ];
  for (const [args, message] of cases) {
    const r = cli(args);
    assert.is.not(r.status, 0, args.join(' '));
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
});

test.run();
