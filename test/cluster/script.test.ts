/**
 * The job-array script and its resource requests, without Slurm: what the script asks for, that
 * --sbatch-arg replaces the defaults it names, task-index parsing, and that the script itself runs
 * one shard when started by hand with SLURM_ARRAY_TASK_ID set (its #SBATCH lines are comments).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readJsonl } from '../../harness/output';
import { cellResources, parseArrayIndex, sbatchOptionName, sbatchScript, slurmTime, taskResources } from '../../harness/cluster/slurm';
import { expandCells, shardCells, validateConfig } from '../../harness/sweep/config';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'hetal-bench.js');
const resources = { minutes: 70, memMiB: 2048, cpus: 1 };

function script(extra: string[] = [], dir = '/runs/r1'): string {
  return sbatchScript({ name: 'tiny grid', dir, shards: 4, cwd: '/work/x', node: '/usr/bin/node', bin: BIN, resources, extra });
}

test('the script is a 4-task array, each task one shard into its own folder, resumable', () => {
  const s = script();
  assert.ok(s.startsWith('#!/bin/bash\n'));
  assert.match(s, /^#SBATCH --array=0-3$/m);
  assert.match(s, /^#SBATCH --output=\/runs\/r1\/logs\/%A_%a\.out$/m);
  assert.match(s, /^#SBATCH --error=\/runs\/r1\/logs\/%A_%a\.err$/m);
  assert.match(s, /^#SBATCH --chdir=\/work\/x$/m);
  assert.match(s, /^#SBATCH --time=0-01:10:00$/m);
  assert.match(s, /^#SBATCH --mem=2048M$/m);
  assert.match(s, /^#SBATCH --cpus-per-task=1$/m);
  assert.match(s, /^#SBATCH --job-name=hetal-tiny_grid$/m);
  const exec = s.split('\n').find((l) => l.startsWith('exec '))!;
  assert.is(
    exec,
    `exec '/usr/bin/node' '${BIN}' sweep '/runs/r1/config.json' --shard "$shard/4" --out '/runs/r1/shards'/"$shard" --resume`,
  );
  // every #SBATCH line comes before the first command, or sbatch ignores it
  const lines = s.split('\n');
  const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
  assert.ok(lines.slice(firstCommand).every((l) => !l.startsWith('#SBATCH')));
});

test('--sbatch-arg replaces the defaults it names and adds the others', () => {
  const s = script(['--time=5', '-c4', '--partition=cpu', '--mem-per-cpu=1G']);
  assert.not.match(s, /--time=0-/);
  assert.match(s, /^#SBATCH --time=5$/m);
  assert.not.match(s, /--cpus-per-task/);
  assert.match(s, /^#SBATCH -c4$/m);
  assert.match(s, /^#SBATCH --partition=cpu$/m);
  assert.not.match(s, /--mem=/, '--mem-per-cpu excludes --mem');
  assert.throws(() => script(['--array=0-9']), /--array-index/);
  assert.throws(() => script(['--comment=a b']), /whitespace/);
  assert.throws(() => script(['partition=cpu']), /not an sbatch option/);
  assert.is(sbatchOptionName('--mem=8G'), 'mem');
  assert.is(sbatchOptionName('-t10'), 'time');
  assert.is(sbatchOptionName('--exclusive'), 'exclusive');
});

test('resources: seal cells get the 4 GiB heap plus margin and 2 CPUs; time is the longest shard', () => {
  const config = validateConfig(
    {
      experiments: [
        {
          kind: 'matmul',
          grid: { algo: ['diag-abt', 'colmajor'], shape: ['16x16x4', '32x16x4'] },
          fixed: { backend: 'sim', preset: 'n14' },
        },
        { kind: 'matmul', grid: { algo: ['diag-abt'] }, fixed: { backend: 'seal', preset: 'n14', shape: '64x64x4' } },
      ],
    },
    'r.json',
  );
  const cells = expandCells(config);
  assert.is(cells.length, 5);
  const seal = cellResources(cells[4]!);
  assert.ok(seal.memMiB >= 4096 + 1024, `seal memory ${seal.memMiB} MiB`);
  assert.is(seal.cpus, 2);
  const sim = cellResources(cells[0]!);
  assert.ok(sim.memMiB < seal.memMiB && sim.cpus === 1 && sim.minutes < seal.minutes);
  // 2 shards: shard 0 holds cells 0, 2, 4 (the seal cell), shard 1 cells 1, 3
  const r = taskResources(cells, 2);
  const shard0 = shardCells(cells, '0/2').reduce((s, c) => s + cellResources(c).minutes, 0);
  assert.ok(r.minutes > shard0 && r.minutes <= shard0 + 30, `${r.minutes} min for a ${shard0}-min shard`);
  assert.is(r.memMiB, seal.memMiB);
  assert.is(r.cpus, 2);
  const simOnly = taskResources(cells.slice(0, 4), 4);
  assert.is(simOnly.memMiB, sim.memMiB);
  assert.is(simOnly.cpus, 1);
  assert.is(slurmTime(1500), '1-01:00:00');
  assert.is(slurmTime(59.5), '0-01:00:00');
});

test('--array-index takes Slurm list forms within the run and refuses the rest', () => {
  assert.equal(parseArrayIndex('2', 4), [2]);
  assert.equal(parseArrayIndex('3,0-1,1', 4), [0, 1, 3]);
  assert.throws(() => parseArrayIndex('4', 4), /task 4 does not exist/);
  assert.throws(() => parseArrayIndex('2-1', 4), /empty range/);
  assert.throws(() => parseArrayIndex('x', 4), /not a list/);
});

test('the script runs its shard when started by hand with SLURM_ARRAY_TASK_ID', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-script-'));
  const config = {
    name: 'by-hand',
    kind: 'softmax',
    grid: { algo: ['hong', 'jin'], classes: [3, 4] },
    fixed: { backend: 'plain', samples: 50 },
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const file = path.join(dir, 'submit.sbatch');
  fs.writeFileSync(
    file,
    sbatchScript({ name: 'by-hand', dir, shards: 2, cwd: ROOT, node: process.execPath, bin: BIN, resources, extra: [] }),
  );
  const r = spawnSync('bash', [file], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' }, timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const keys = readJsonl(path.join(dir, 'shards', '1', 'results.jsonl')).map((x) => x.cell);
  const expected = shardCells(expandCells(validateConfig(config, 'c')), '1/2').map((c) => c.key);
  assert.equal(keys, expected);
  assert.not.ok(fs.existsSync(path.join(dir, 'shards', '0')), 'only its own shard folder is written');
});

test.run();
