/**
 * One cell key however a cell was run: a direct run with --out and a sweep of the same
 * parameters (defaults left out in one, spelled out in the other) record the same key, so
 * `compare` matches them and `sweep --resume` over a direct run's directory skips the cell.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readJsonl } from '../../harness/output';
import { cli, jsonLines } from '../helpers/cli';

const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');

test('a direct run and a sweep of the same cell share its key; compare matches them', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-cell-key-'));
  const direct = path.join(dir, 'direct'),
    swept = path.join(dir, 'swept');
  const d = cli(['softmax', '--algo', 'hong', '--classes', '3', '--range', '8', '--samples', '300', '--out', direct, '--json']);
  assert.is(d.status, 0, d.stderr);
  const config = path.join(dir, 'c.json');
  // the sweep spells out the defaults the direct run left out (backend plain, seed 1)
  fs.writeFileSync(
    config,
    JSON.stringify({ kind: 'softmax', grid: { algo: ['hong'] }, fixed: { classes: 3, range: 8, samples: 300, backend: 'plain', seed: 1 } }),
  );
  const s = spawnSync(process.execPath, [BIN, 'sweep', config, '--out', swept], { encoding: 'utf8' });
  assert.is(s.status, 0, s.stderr);
  const [a] = readJsonl(path.join(direct, 'results.jsonl'));
  const [b] = readJsonl(path.join(swept, 'results.jsonl'));
  assert.is(a!.cell, b!.cell);
  const c = cli(['compare', direct, swept, '--json']);
  assert.is(c.status, 0, c.stderr);
  const rows = jsonLines(c.stdout);
  assert.is(rows.length, 1);
  assert.is(rows[0]!.ratio, 1, 'deterministic float64 cells agree');
  // the sweep resumed over the direct run's directory finds the cell done
  const again = spawnSync(process.execPath, [BIN, 'sweep', config, '--out', direct, '--resume'], { encoding: 'utf8' });
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, /0 cells run, 1 already recorded/);
});

test.run();
