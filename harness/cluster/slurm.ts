/**
 * Slurm job arrays for sweeps: the resource requests a sweep's cells need, the sbatch script that
 * runs one shard per array task, and the calls to sbatch, squeue and scontrol (synchronous child
 * processes; a missing binary or an unreachable controller is a one-line InputError).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { InputError } from '../../algorithms/errors';
import { type Cell, shardCells } from '../sweep/config';

/** What one array task asks Slurm for. */
export interface Resources {
  /** wall-clock limit in minutes */
  minutes: number;
  /** memory in MiB */
  memMiB: number;
  cpus: number;
}

/**
 * Coarse per-cell upper bounds (measured on 2 cores: a seal matmul at n14 takes seconds to minutes,
 * digits training on seal n14 42 minutes, MNIST training on the simulator at fgb 31 minutes).
 * Memory: a seal cell's SEAL heap may grow to wasm32's 4 GiB, plus Node and the sweep process
 * around it; the simulator's largest cells (MNIST at 2^15 slots) stay within 4 GiB. Seal cells
 * get 2 CPUs for their worker threads.
 */
export function cellResources(cell: Cell): Resources {
  const seal = cell.params.backend === 'seal';
  const minutes = seal ? { matmul: 30, softmax: 20, train: 480 }[cell.kind] : { matmul: 10, softmax: 5, train: 60 }[cell.kind];
  const memMiB = seal ? 4096 + 2048 : cell.kind === 'train' ? 4096 : 2048;
  return { minutes, memMiB, cpus: seal ? 2 : 1 };
}

/** Minutes added to every task for Node's start, the sweep's own process and file system delays. */
const TASK_MARGIN_MINUTES = 10;

/**
 * One request for every task of the array (Slurm gives all tasks the same): the time of the
 * longest shard (its cells run one after another), the memory and CPUs of its largest cell.
 */
export function taskResources(cells: Cell[], shards: number): Resources {
  let minutes = 0,
    memMiB = 0,
    cpus = 1;
  for (let i = 0; i < shards; i += 1) {
    const shard = shardCells(cells, `${i}/${shards}`).map(cellResources);
    minutes = Math.max(
      minutes,
      shard.reduce((s, r) => s + r.minutes, 0),
    );
    for (const r of shard) {
      memMiB = Math.max(memMiB, r.memMiB);
      cpus = Math.max(cpus, r.cpus);
    }
  }
  return { minutes: minutes + TASK_MARGIN_MINUTES, memMiB, cpus };
}

/** Slurm's `D-HH:MM:SS` form of a time limit. */
export function slurmTime(minutes: number): string {
  const m = Math.ceil(minutes);
  const days = Math.floor(m / 1440);
  const hh = String(Math.floor((m % 1440) / 60)).padStart(2, '0');
  const mm = String(m % 60).padStart(2, '0');
  return `${days}-${hh}:${mm}:00`;
}

/** sbatch's one-letter options that name the same settings as the long ones we write. */
const SHORT: Record<string, string> = { t: 'time', c: 'cpus-per-task', J: 'job-name', o: 'output', e: 'error', a: 'array', D: 'chdir' };

/** The long option an sbatch argument sets (`--mem=8G` -> mem, `-t10` -> time), or throws. */
export function sbatchOptionName(arg: string): string {
  if (/\s/.test(arg))
    throw new InputError(`--sbatch-arg: '${arg}' contains whitespace (give one option per --sbatch-arg, as --time=2:00:00)`);
  const long = /^--([A-Za-z][\w-]*)(=.*)?$/.exec(arg);
  if (long) return long[1]!;
  const short = /^-([A-Za-z])/.exec(arg);
  if (short) return SHORT[short[1]!] ?? short[1]!;
  throw new InputError(`--sbatch-arg: '${arg}' is not an sbatch option (write --sbatch-arg=--time=2:00:00)`);
}

/** What the script needs to know. */
export interface ScriptSpec {
  /** the sweep's name (job name) */
  name: string;
  /** the run folder, absolute */
  dir: string;
  shards: number;
  /** the job's working directory (relative dataset paths in the config resolve here) */
  cwd: string;
  /** absolute paths of node and bin/hetal-bench.js */
  node: string;
  bin: string;
  resources: Resources;
  /** extra sbatch options (--sbatch-arg); they replace the defaults they name */
  extra: string[];
}

/** Paths inside a run folder go into #SBATCH lines, which cannot quote. */
export function checkSlurmPath(p: string, flag: string): void {
  if (/[\s"'\\$`%]/.test(p))
    throw new InputError(`${flag} ${p}: the path holds whitespace, a quote, %, $ or \\, which Slurm's #SBATCH lines cannot carry`);
}

/** POSIX shell single-quoting. */
function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The sbatch job-array script: one task per shard, each appending to its own shard folder. */
export function sbatchScript(spec: ScriptSpec): string {
  const overridden = new Set(spec.extra.map(sbatchOptionName));
  if (overridden.has('array')) throw new InputError('--sbatch-arg: --array is set by --shards (resubmit single tasks with --array-index)');
  if (overridden.has('mem-per-cpu') || overridden.has('mem-per-gpu')) overridden.add('mem');
  const r = spec.resources;
  const defaults: [string, string][] = [
    ['job-name', `hetal-${spec.name.replace(/[^\w.-]/g, '_')}`],
    ['output', `${spec.dir}/logs/%A_%a.out`],
    ['error', `${spec.dir}/logs/%A_%a.err`],
    ['chdir', spec.cwd],
    ['time', slurmTime(r.minutes)],
    ['mem', `${r.memMiB}M`],
    ['cpus-per-task', String(r.cpus)],
  ];
  const lines = [
    '#!/bin/bash',
    `# Sweep "${spec.name}" as a Slurm job array: ${spec.shards} task(s), task I runs shard I/${spec.shards} of the sweep`,
    `# and appends its records to ${spec.dir}/shards/I/results.jsonl (one writer per file).`,
    '# Written by `hetal-bench submit`; edit it and submit it by hand if you like:',
    `#   sbatch ${spec.dir}/submit.sbatch               (all tasks)`,
    `#   sbatch --array=2 ${spec.dir}/submit.sbatch     (task 2 again: --resume runs only its unrecorded cells)`,
    `# then gather the shards: hetal-bench merge ${spec.dir}`,
    `#SBATCH --array=0-${spec.shards - 1}`,
    ...defaults.filter(([k]) => !overridden.has(k)).map(([k, v]) => `#SBATCH --${k}=${v}`),
    ...spec.extra.map((a) => `#SBATCH ${a}`),
    'set -euo pipefail',
    `shard="$SLURM_ARRAY_TASK_ID"`,
    `exec ${sh(spec.node)} ${sh(spec.bin)} sweep ${sh(`${spec.dir}/config.json`)} --shard "$shard/${spec.shards}" --out ${sh(`${spec.dir}/shards`)}/"$shard" --resume`,
    '',
  ];
  return lines.join('\n');
}

/**
 * Parses `--array-index`: Slurm's list form (`2`, `1,3`, `0-2,5`), each index below `shards`.
 * Returns the indices, sorted and unique.
 */
export function parseArrayIndex(list: string, shards: number): number[] {
  const out = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new InputError(`--array-index: '${list}' is not a list of task indices (as 2, 1,3 or 0-2)`);
    const a = Number(m[1]),
      b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new InputError(`--array-index: '${part}' is an empty range`);
    for (let i = a; i <= b; i += 1) {
      if (i >= shards) throw new InputError(`--array-index: task ${i} does not exist (the run has tasks 0-${shards - 1})`);
      out.add(i);
    }
  }
  return [...out].sort((x, y) => x - y);
}

/** Runs a Slurm client command; a missing binary or a failed call is an InputError. */
function slurmCommand(bin: string, args: string[], timeoutMs = 120_000): { status: number; stdout: string; stderr: string } {
  // the clients retry a missing config file for 60 s before failing: fail at once instead
  const conf = process.env.SLURM_CONF;
  if (conf && !fs.existsSync(conf)) throw new InputError(`SLURM_CONF=${conf}: no such file (the Slurm clients read their config there)`);
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: timeoutMs });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${bin}: not found on PATH (is Slurm's client installed? Debian: slurm-client)`);
    throw new InputError(`${bin}: ${code === 'ETIMEDOUT' ? `no answer within ${timeoutMs / 1000} s` : r.error.message}`);
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => /\S/.test(l))
      .pop() ?? ''
  );
}

/** `sbatch --parsable [args] script`: the job id. */
export function sbatch(script: string, args: string[]): string {
  const r = slurmCommand('sbatch', ['--parsable', ...args, script]);
  if (r.status !== 0) throw new InputError(`sbatch failed: ${lastLine(r.stderr) || `exit status ${r.status}`}`);
  // --parsable prints `jobid` or `jobid;cluster`
  const id = r.stdout.trim().split(';')[0] ?? '';
  if (!/^\d+$/.test(id)) throw new InputError(`sbatch: unexpected answer '${r.stdout.trim()}' (expected a job id)`);
  return id;
}

/** A task of an array job still in the queue (pending, running, completing...). */
export interface QueuedTask {
  id: string;
  state: string;
}

/** The job's tasks still in the queue; empty once every task has ended. */
export function queuedTasks(jobId: string): QueuedTask[] {
  // -r: one line per array task, pending ones included
  const r = slurmCommand('squeue', ['-h', '-r', '-j', jobId, '-o', '%i %T']);
  if (r.status !== 0) {
    // a job that ended long ago (past MinJobAge) is unknown to the controller: it has ended too
    if (/Invalid job id/i.test(r.stderr)) return [];
    throw new InputError(`squeue failed: ${lastLine(r.stderr) || `exit status ${r.status}`}`);
  }
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [id = '', state = ''] = l.trim().split(/\s+/);
      return { id, state };
    });
}

/** How an ended array task ended, as far as the controller still remembers (MinJobAge). */
export interface TaskOutcome {
  task: number;
  state: string;
  exitCode: string;
}

/** The outcomes of the job's tasks from `scontrol show job`; empty if the controller has forgotten them. */
export function taskOutcomes(jobId: string): TaskOutcome[] {
  let r: { status: number; stdout: string };
  try {
    r = slurmCommand('scontrol', ['show', 'job', '-o', jobId], 30_000);
  } catch {
    return [];
  }
  if (r.status !== 0) return [];
  const out: TaskOutcome[] = [];
  for (const line of r.stdout.split('\n')) {
    const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S+)`).exec(line)?.[1];
    const task = field('ArrayTaskId');
    if (task === undefined || !/^\d+$/.test(task)) continue;
    out.push({ task: Number(task), state: field('JobState') ?? '?', exitCode: field('ExitCode') ?? '?' });
  }
  return out.sort((a, b) => a.task - b.task);
}

/** Summary of a queue snapshot: `2 RUNNING, 1 PENDING`. */
export function summarize(tasks: QueuedTask[]): string {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  return [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
}

/**
 * Polls squeue until no task of the job is queued. sbatch --wait backs off to 32 s between polls;
 * this starts at 1 s and grows to `maxPollMs`, so short test arrays return promptly and long ones
 * do not load the controller. Transient squeue failures are retried; three in a row end the wait.
 */
export async function waitForJob(jobId: string, opts: { onChange?: (summary: string) => void; maxPollMs?: number } = {}): Promise<void> {
  let delay = 1000;
  let last = '';
  let failures = 0;
  while (true) {
    let tasks: QueuedTask[];
    try {
      tasks = queuedTasks(jobId);
      failures = 0;
    } catch (err) {
      failures += 1;
      if (failures >= 3) throw err;
      tasks = [{ id: jobId, state: 'UNKNOWN' }];
    }
    if (tasks.length === 0) return;
    const summary = summarize(tasks);
    if (summary !== last) opts.onChange?.(summary);
    last = summary;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(Math.round(delay * 1.5), opts.maxPollMs ?? 30_000);
  }
}
