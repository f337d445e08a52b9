/** The report and compare commands as a user runs them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli, jsonLines } from '../helpers/cli';
import { FIXTURE, tempDir } from './_fixture';

test('report writes one HTML file from several result folders and prints its path', () => {
  const out = path.join(tempDir('cli'), 'sub', 'r.html');
  const r = cli(['report', FIXTURE.shard1, FIXTURE.shard2, FIXTURE.ops, '--out', out]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), out);
  assert.match(fs.readFileSync(out, 'utf8'), /<h1>HETAL benchmark report<\/h1>/);
});

test('report refuses a missing results file, naming it (malformed files: see load.test.ts)', () => {
  const dir = tempDir('cli');
  const missing = cli(['report', FIXTURE.shard1, path.join(dir, 'nope.jsonl'), '--out', path.join(dir, 'r.html')]);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /nope\.jsonl: no such file or directory/);
  assert.not.ok(fs.existsSync(path.join(dir, 'r.html')));
});

test('compare --json prints one row per compared figure; --out writes the page', () => {
  const out = path.join(tempDir('cli'), 'c.html');
  const r = cli(['compare', FIXTURE.shard1, FIXTURE.shard1, '--json', '--out', out, '--threshold', '0.05']);
  assert.is(r.status, 0, r.stderr);
  const rows = jsonLines(r.stdout);
  assert.ok(rows.length > 20);
  assert.ok(rows.every((x) => x.changed === false || x.note !== undefined));
  assert.ok(rows.filter((x) => x.ratio !== null).every((x) => x.ratio === 1));
  assert.ok(fs.existsSync(out));
  assert.match(r.stderr, /changed beyond ±5%/);
});

test.run();
