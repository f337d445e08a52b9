/**
 * Crash safety of the result store and of sweeps: a torn last line, a disk that fills up
 * mid-write (a stubbed ENOSPC), a second writer refused by the lock, a sweep killed with
 * SIGKILL and resumed, a cell past its time limit. Each ends with every cell recorded exactly
 * once and results.csv equal to results.jsonl. Cells are float64 softmax runs (fast).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Papa from 'papaparse';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flatten, readJsonl, ResultStore, storeIo } from '../../harness/output';

const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');
const CONFIG = {
  name: 'tiny',
  kind: 'softmax',
  grid: { algo: ['hong', 'jin'], classes: [3, 4] },
  fixed: { backend: 'plain', samples: 300, range: 8 },
};
const CELLS = 4;

function setup(config: object = CONFIG): { dir: string; config: string; out: string; jsonl: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-store-'));
  const file = path.join(dir, 'tiny.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const out = path.join(dir, 'results');
  return { dir, config: file, out, jsonl: path.join(out, 'results.jsonl') };
}

function sweep(args: string[], timeout = 120_000): { status: number; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'sweep', ...args], { encoding: 'utf8', timeout });
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

/** Every cell exactly once, and the CSV holding the same records as the JSON Lines. */
function assertConsistent(out: string, cells: number): void {
  const records = readJsonl(path.join(out, 'results.jsonl'));
  const keys = records.map((r) => r.cell as string);
  assert.is(keys.length, cells, `records: ${keys.join(', ')}`);
  assert.is(new Set(keys).size, cells, 'each cell exactly once');
  const csv = Papa.parse<Record<string, unknown>>(fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim(), { header: true });
  assert.is(csv.data.length, records.length, 'the CSV has a row per record');
  csv.data.forEach((row, i) => {
    const flat = flatten(records[i]!);
    assert.is(row.cell, flat.cell);
    assert.is(row.state, flat.state);
    assert.is(String(row['error.mean'] ?? ''), String(flat['error.mean'] ?? ''));
  });
}

test('a torn last line is moved aside with a warning, never glued to; --resume reruns its cell', () => {
  const { config, out, jsonl } = setup();
  assert.is(sweep([config, '--out', out]).status, 0);
  // a crash while writing the last record: cut it in the middle
  const text = fs.readFileSync(jsonl, 'utf8');
  const cut = text.lastIndexOf('\n', text.length - 2) + 40;
  const lost = JSON.parse(text.slice(text.lastIndexOf('\n', text.length - 2) + 1)) as { cell: string };
  fs.writeFileSync(jsonl, text.slice(0, cut));
  const r = sweep([config, '--out', out, '--resume']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /last line was cut off .* moved to .*results\.jsonl\.torn/);
  assert.match(r.stderr, /1 cells run, 3 already recorded/);
  assert.is(fs.readFileSync(`${jsonl}.torn`, 'utf8'), text.slice(text.lastIndexOf('\n', text.length - 2) + 1, cut) + '\n');
  assert.ok(
    readJsonl(jsonl).some((x) => x.cell === lost.cell),
    'the torn cell ran again',
  );
  assertConsistent(out, CELLS);
});

test('ENOSPC mid-write leaves results.jsonl as it was, names the directory, keeps the record on stderr', () => {
  const { out, jsonl } = setup();
  const store = new ResultStore(out);
  store.append({ kind: 'ops', state: 'completed', cell: 'a', n: 1 });
  const before = fs.readFileSync(jsonl, 'utf8');
  const real = storeIo.writeSync;
  let stderr = '';
  const ew = process.stderr.write;
  process.stderr.write = ((c: string) => ((stderr += c), true)) as typeof process.stderr.write;
  // the disk fills up after half the line: a partial write, then ENOSPC
  let calls = 0;
  storeIo.writeSync = ((fd: number, buf: Buffer, off: number, len: number) => {
    if (calls++ === 0) return real(fd, buf, off, Math.floor(len / 2));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }) as typeof storeIo.writeSync;
  try {
    assert.throws(
      () => store.append({ kind: 'ops', state: 'completed', cell: 'b', n: 2 }),
      (e: Error) => {
        return e.message.includes(`--out ${out}`) && /ENOSPC: no space left on the device/.test(e.message) && /as it was/.test(e.message);
      },
    );
  } finally {
    storeIo.writeSync = real;
    process.stderr.write = ew;
  }
  assert.is(fs.readFileSync(jsonl, 'utf8'), before, 'no partial line left');
  assert.match(stderr, /the record that could not be saved: \{"kind":"ops","state":"completed","cell":"b"/);
  // space again: the next append is whole
  store.append({ kind: 'ops', state: 'completed', cell: 'b', n: 2 });
  // the disk fills up while the CSV is rewritten: the record is kept, the CSV follows on the next open
  const rename = storeIo.renameSync;
  storeIo.renameSync = (() => {
    throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
  }) as typeof storeIo.renameSync;
  stderr = '';
  process.stderr.write = ((c: string) => ((stderr += c), true)) as typeof process.stderr.write;
  try {
    store.append({ kind: 'ops', state: 'completed', cell: 'c', n: 3 });
  } finally {
    storeIo.renameSync = rename;
    process.stderr.write = ew;
  }
  assert.match(stderr, /warning: --out .*results\.csv: cannot write \(ENOSPC.*regenerated from results\.jsonl/);
  assert.is(lines(jsonl), 3);
  store.close();
  new ResultStore(out).close();
  assertConsistent(out, 3);
});

test('a second writer on the same directory is refused with the holder pid; a dead holder lock is broken', async () => {
  const { config, out } = setup({ ...CONFIG, grid: { ...CONFIG.grid, classes: [3, 4, 5] } });
  const first = spawn(process.execPath, [BIN, 'sweep', config, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let firstErr = '';
  first.stderr.on('data', (d: Buffer) => (firstErr += d.toString()));
  // wait until it holds the lock
  const owner = path.join(out, '.lock.owner');
  for (let i = 0; i < 200 && !fs.existsSync(owner); i++) await new Promise((r) => setTimeout(r, 50));
  const second = sweep([config, '--out', out, '--resume']);
  assert.is(second.status, 2);
  assert.match(second.stderr, new RegExp(`--out ${out}: another hetal-bench is writing these results \\(pid ${first.pid} `));
  const code = await new Promise<number | null>((resolve) => first.on('close', resolve));
  assert.is(code, 0, firstErr);
  assert.not.ok(fs.existsSync(path.join(out, '.lock')), 'released at the end');
  assertConsistent(out, 6);
});

test('a sweep killed with SIGKILL and resumed records every cell exactly once', async () => {
  const { config, out, jsonl } = setup();
  const child = spawn(process.execPath, [BIN, 'sweep', config, '--out', out], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (lines(jsonl) >= 1) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      } else if (Date.now() - t0 > 60_000) {
        clearInterval(poll);
        reject(new Error('no record after 60 s'));
      }
    }, 20);
  });
  await new Promise((resolve) => child.on('close', resolve));
  assert.ok(fs.existsSync(path.join(out, '.lock')), 'SIGKILL left its lock behind');
  const r = sweep([config, '--out', out, '--resume']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /removed the lock of pid \d+, which is no longer running/);
  assertConsistent(out, CELLS);
});

test('a cell past its time limit is recorded as failed and the sweep goes on; --resume retries it, --skip-failed keeps it', () => {
  // 2 fast cells and one with 10^8 samples (minutes): killed after the limit
  const { config, out, jsonl } = setup({
    name: 'timeout',
    kind: 'softmax',
    grid: { samples: [200, 100_000_000, 300] },
    fixed: { backend: 'plain', algo: 'hetal', classes: 3, range: 4 },
  });
  const t0 = Date.now();
  const r = sweep([config, '--out', out, '--cell-timeout', '3']);
  assert.is(r.status, 1, 'a failed cell makes the sweep exit non-zero');
  assert.ok(Date.now() - t0 < 60_000);
  const records = readJsonl(jsonl);
  assert.equal(
    records.map((x) => x.state),
    ['completed', 'failed', 'completed'],
  );
  assert.match(String(records[1]!.message), /killed after the time limit of 3 s \(sweep --cell-timeout\)/);
  assert.not.ok('error' in records[1]!, 'no statistics in a failed record');
  assertConsistent(out, 3);
  const kept = sweep([config, '--out', out, '--resume', '--skip-failed']);
  assert.match(kept.stderr, /0 cells run, 3 already recorded/);
  const retried = sweep([config, '--out', out, '--resume', '--cell-timeout', '2']);
  assert.is(retried.status, 1);
  assert.match(retried.stderr, /1 cells run, 2 already recorded, 1 failed/);
});

test('a cell past the memory limit is killed by the watchdog, recorded as failed, and the sweep goes on', () => {
  const { config, out, jsonl } = setup({
    name: 'memory-watchdog',
    experiments: [
      // 10^6 x 100 features: 800 MB of float64 before any copy
      { kind: 'train', grid: { dataset: ['synthetic:n=1000000,d=100'] }, fixed: { backend: 'plain', epochs: 1 } },
      { kind: 'softmax', grid: { classes: [3] }, fixed: { backend: 'plain', samples: 100 } },
    ],
  });
  const r = sweep([config, '--out', out, '--cell-memory', '600']);
  assert.is(r.status, 1, r.stderr);
  const records = readJsonl(jsonl);
  assert.equal(
    records.map((x) => `${x.kind} ${x.state}`),
    ['train failed', 'softmax completed'],
  );
  assert.match(
    String(records[0]!.message),
    /killed by the memory watchdog: \d+ MiB resident, above the limit of 600 MiB \(sweep --cell-memory\)/,
  );
  assertConsistent(out, 2);
});

test('a sweep holding a seal cell past the SEAL heap records it as failed (refused) and completes the others', () => {
  const { config, out, jsonl } = setup({
    name: 'memory',
    experiments: [
      { kind: 'matmul', grid: { shape: ['256x256x8'] }, fixed: { algo: 'jin-abt', backend: 'seal', preset: 'n14' } },
      { kind: 'softmax', grid: { classes: [3] }, fixed: { backend: 'plain', samples: 100 } },
    ],
  });
  const t0 = Date.now();
  const r = sweep([config, '--out', out], 60_000);
  assert.ok(Date.now() - t0 < 60_000);
  assert.is(r.status, 1, r.stderr);
  const records = readJsonl(jsonl);
  assert.equal(
    records.map((x) => `${x.kind} ${x.state}`),
    ['matmul failed', 'softmax completed'],
  );
  assert.match(String(records[0]!.message), /needs about 5\.\d GiB of SEAL memory .* more than the 4\.0 GiB WebAssembly heap/);
});

test.run();
