/**
 * Sweeps through the real CLI: an interrupted sweep resumed records every cell exactly once,
 * and shards together equal the unsharded run (softmax cells in float64: fast and deterministic).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadResults } from '../../harness/report/load';
import { readJsonl } from '../../harness/output';

const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');
const CONFIG = {
  name: 'tiny',
  kind: 'softmax',
  grid: { algo: ['hong', 'jin'], classes: [3, 4] },
  fixed: { backend: 'plain', samples: 500, range: 8 },
};
const CELLS = 4;

function setup(): { dir: string; config: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-sweep-run-'));
  const config = path.join(dir, 'tiny.json');
  fs.writeFileSync(config, JSON.stringify(CONFIG));
  return { dir, config };
}

function sweep(args: string[]): { status: number; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'sweep', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, stderr: r.stderr };
}

function lines(file: string): number {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length
    : 0;
}

test('a sweep stopped with SIGINT and resumed records every cell exactly once', async () => {
  const { dir, config } = setup();
  const out = path.join(dir, 'results');
  const jsonl = path.join(out, 'results.jsonl');
  const child = spawn(process.execPath, [BIN, 'sweep', config, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // interrupt once two cells are recorded
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (lines(jsonl) >= 2) {
        clearInterval(poll);
        child.kill('SIGINT');
        resolve();
      } else if (Date.now() - started > 60_000) {
        clearInterval(poll);
        reject(new Error(`no records after 60 s: ${stderr}`));
      }
    }, 50);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(code, 130, `interrupted sweep exits 130: ${stderr}`);
  const partial = lines(jsonl);
  assert.ok(partial >= 2 && partial < CELLS, `partial run kept ${partial} cells`);
  assert.match(stderr, /--resume/);

  const again = sweep([config, '--out', out]);
  assert.is.not(again.status, 0, 'refuses to mix a new run into existing results without --resume');
  assert.match(again.stderr, /--resume/);

  const resumed = sweep([config, '--out', out, '--resume']);
  assert.is(resumed.status, 0, resumed.stderr);
  const keys = readJsonl(jsonl).map((r) => r.cell as string);
  assert.is(keys.length, CELLS, 'every cell recorded');
  assert.is(new Set(keys).size, CELLS, 'each exactly once');
  assert.ok(readJsonl(jsonl).every((r) => r.state === 'completed'));
  const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
  assert.is(csv.length, CELLS + 1, 'the CSV mirrors the records');
});

test('shards 0/2 and 1/2 together equal the unsharded run', () => {
  const { dir, config } = setup();
  const whole = path.join(dir, 'whole'),
    s0 = path.join(dir, 's0'),
    s1 = path.join(dir, 's1');
  for (const [o, extra] of [
    [whole, []],
    [s0, ['--shard', '0/2']],
    [s1, ['--shard', '1/2']],
  ] as const) {
    const r = sweep([config, '--out', o, ...extra]);
    assert.is(r.status, 0, r.stderr);
  }
  const a = readJsonl(path.join(s0, 'results.jsonl')).map((r) => r.cell as string);
  const b = readJsonl(path.join(s1, 'results.jsonl')).map((r) => r.cell as string);
  assert.is(a.length + b.length, CELLS);
  assert.is(new Set([...a, ...b]).size, CELLS, 'no cell in both shards');
  // the report's merged records carry the same (deterministic) figures as the unsharded run
  const figures = (inputs: string[]) =>
    Object.fromEntries(loadResults(inputs).records.map((r) => [r.cell, JSON.stringify((r as { error?: unknown }).error)]));
  assert.equal(figures([s0, s1]), figures([whole]));
});

test.run();
