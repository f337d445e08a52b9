/**
 * Sweeps on a real single-node Slurm (scripts/slurm-local.sh): a submitted 4-task array merges into
 * exactly the records of the unsharded sweep, cell for cell; a task killed while it runs leaves its
 * cells missing, `merge` names them and exits 1, and resubmitting that one task completes the run
 * without rerunning what was recorded. Skipped, with a printed reason, only when Slurm cannot be
 * started here (binaries missing, not root); with CI=true that is a failure instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readJsonl } from '../../harness/output';
import { waitForJob } from '../../harness/cluster/slurm';
import { expandCells, shardCells, validateConfig } from '../../harness/sweep/config';
import { cli } from '../helpers/cli';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'slurm-local.sh');
const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');
// 8 cheap cells (matmul on the simulator: op counts, depth and errors are deterministic), 2 per task
const CONFIG = {
  name: 'slurm-tiny',
  kind: 'matmul',
  grid: { algo: ['diag-abt', 'colmajor', 'diag-atb', 'rowmajor'], shape: ['16x16x4', '32x16x4'] },
  fixed: { backend: 'sim', preset: 'n14' },
};
const GRID = expandCells(validateConfig(CONFIG, 'slurm-tiny.json'));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-slurm-'));
const clusterDir = path.join(tmp, 'cluster');
const configFile = path.join(tmp, 'slurm-tiny.json');
fs.writeFileSync(configFile, JSON.stringify(CONFIG));
/** why the cluster is not there (null once it runs) */
let unavailable: string | null = 'not started';
let started = false;

test.before(() => {
  const r = spawnSync('bash', [SCRIPT, 'start', clusterDir], { encoding: 'utf8', timeout: 60_000 });
  started = true;
  if (r.status === 0) {
    process.env.SLURM_CONF = r.stdout.trim();
    unavailable = null;
    return;
  }
  unavailable = (r.stderr || r.error?.message || `exit status ${r.status}`).trim().split('\n').pop()!;
  if (process.env.CI !== 'true') console.log(`\nSKIPPED the Slurm tests: a local Slurm cannot be started here (${unavailable})`);
});

test.after(() => {
  if (started) spawnSync('bash', [SCRIPT, 'stop', clusterDir], { encoding: 'utf8', timeout: 60_000 });
  delete process.env.SLURM_CONF;
});

/** False (after printing why) when the test must be skipped; in CI a missing Slurm fails instead. */
function slurmReady(): boolean {
  if (unavailable === null) return true;
  if (process.env.CI === 'true') assert.unreachable(`CI=true: the local Slurm must start (${unavailable})`);
  return false;
}

/** What must agree between a sharded and an unsharded run of one cell. */
function essence(r: Record<string, unknown>) {
  return { cell: r.cell, state: r.state, ops: r.ops, depth: r.depth, error: r.error, shape: r.shape, block: r.block };
}

/** `hetal-bench ...args` in a child process, without blocking: the unsharded sweep runs while Slurm schedules. */
function cliAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('a sweep submitted as a 4-task array merges into the unsharded sweep, cell for cell', async () => {
  if (!slurmReady()) return;
  const run = path.join(tmp, 'run1');
  const plain = path.join(tmp, 'plain');
  const [sub, sweep] = await Promise.all([
    cliAsync(['submit', configFile, '--slurm', '--shards', '4', '--out', run, '--wait']),
    cliAsync(['sweep', configFile, '--out', plain]),
  ]);
  assert.is(sub.status, 0, sub.stderr);
  assert.match(sub.stdout, /^\d+\n$/, 'the job id on stdout');
  assert.match(sub.stderr, /4 task\(s\) completed, 0 did not/);
  assert.match(sub.stderr, /all 8 cells, each once, from 4 shard folder/);
  for (let i = 0; i < 4; i += 1) {
    assert.equal(
      readJsonl(path.join(run, 'shards', String(i), 'results.jsonl')).map((r) => r.cell),
      shardCells(GRID, `${i}/4`).map((c) => c.key),
      `task ${i} ran its shard`,
    );
  }
  const jobId = sub.stdout.trim();
  assert.ok(fs.existsSync(path.join(run, 'logs', `${jobId}_3.err`)), 'task logs in the run folder');

  assert.is(sweep.status, 0, sweep.stderr);
  const merged = readJsonl(path.join(run, 'results.jsonl'));
  const unsharded = readJsonl(path.join(plain, 'results.jsonl'));
  assert.is(merged.length, 8);
  assert.equal(merged.map(essence), unsharded.map(essence));
  for (const r of merged) {
    assert.is(r.state, 'completed', String(r.message));
    assert.ok(typeof (r.ops as { rot?: unknown }).rot === 'number', 'op counts present');
  }
});

test('a killed task leaves its cells missing; merge names them; resubmitting that task completes the run', async () => {
  if (!slurmReady()) return;
  const run = path.join(tmp, 'run2');
  const sub = cli(['submit', configFile, '--slurm', '--shards', '4', '--out', run]);
  assert.is(sub.status, 0, sub.stderr);
  const jobId = sub.stdout.trim();
  // kill task 2 as soon as it runs (its 2 cells take seconds; polling every 0.1 s)
  const deadline = Date.now() + 90_000;
  while (true) {
    const q = spawnSync('squeue', ['-h', '-r', '-j', jobId, '-o', '%i %T'], { encoding: 'utf8' });
    if (q.stdout.split('\n').some((l) => l.trim() === `${jobId}_2 RUNNING`)) break;
    assert.ok(Date.now() < deadline, `task 2 never ran: ${q.stdout}${q.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const cancel = spawnSync('scancel', [`${jobId}_2`], { encoding: 'utf8' });
  assert.is(cancel.status, 0, cancel.stderr);
  await waitForJob(jobId);

  const task2 = shardCells(GRID, '2/4').map((c) => c.key);
  const kept = readJsonl(path.join(run, 'shards', '2', 'results.jsonl'));
  const missing = task2.filter((k) => !kept.some((r) => r.cell === k));
  assert.ok(missing.length > 0, 'the kill came before task 2 finished');
  const merge = cli(['merge', run]);
  assert.is(merge.status, 1, merge.stderr);
  for (const k of missing) assert.ok(merge.stderr.includes(`missing (task 2): ${k}`), merge.stderr);
  assert.is((merge.stderr.match(/^missing/gm) ?? []).length, missing.length, 'only task 2 is short');
  assert.match(merge.stderr, /--array-index 2\n/);
  assert.is(readJsonl(path.join(run, 'results.jsonl')).length, 8 - missing.length, 'the merge keeps what it has');

  const again = cli(['submit', path.join(run, 'config.json'), '--slurm', '--out', run, '--array-index', '2', '--wait'], {
    timeoutMs: 180_000,
  });
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, /array 2 \(1 task\(s\) of 4/);
  assert.match(again.stderr, /all 8 cells, each once/);
  const after = readJsonl(path.join(run, 'shards', '2', 'results.jsonl'));
  assert.equal(after.slice(0, kept.length), kept, 'cells recorded before the kill are not run again');
  assert.equal(after.map((r) => r.cell).sort(), [...task2].sort());
  const final = cli(['merge', run]);
  assert.is(final.status, 0, final.stderr);
  assert.is(readJsonl(path.join(run, 'results.jsonl')).length, 8);
});

test.run();
