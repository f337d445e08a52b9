/**
 * `hetal-bench submit CONFIG.json --slurm`: run a sweep as a Slurm job array, one array task per
 * shard, each task appending to its own folder (never two writers on one file, which a shared file
 * system would corrupt). Makes the run folder (harness/cluster/run-folder.ts), submits its script
 * with sbatch, and with --wait follows the array with squeue and merges the shards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../algorithms/errors';
import { newRunId } from '../metadata';
import { complete, describeMerge, mergeRun } from '../cluster/merge';
import { type Manifest, readManifest, runPaths, writeManifest } from '../cluster/run-folder';
import {
  checkSlurmPath,
  parseArrayIndex,
  queuedTasks,
  sbatch,
  sbatchOptionName,
  sbatchScript,
  slurmTime,
  taskOutcomes,
  taskResources,
  waitForJob,
} from '../cluster/slurm';
import { expandCells, readConfig } from '../sweep/config';

const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');
/** Slurm's default MaxArraySize (1001) allows indices 0-1000. */
const MAX_TASKS = 1001;

interface SubmitOptions {
  slurm?: boolean;
  shards?: string;
  out?: string;
  sbatchArg?: string[];
  wait?: boolean;
  resume?: boolean;
  arrayIndex?: string;
}

/** Registers `submit`. */
export function registerSubmit(program: Command): void {
  program
    .command('submit')
    .description(
      'run a sweep as a Slurm job array (one task per shard, each writing DIR/shards/<I>/results.jsonl); ' +
        'prints the job id on stdout and how to follow it on stderr; --wait follows it and merges',
    )
    .argument('<config>', 'sweep config JSON (see harness/experiments/)')
    .option('--slurm', 'submit to Slurm with sbatch (the only scheduler supported; see deploy/k8s/ for Kubernetes)')
    .option('--shards <n>', 'number of array tasks, each running every N-th cell (default: one task per cell, at most 1001)')
    .option('--out <dir>', 'the run folder (default results/<config name>-<run id>)')
    .option(
      '--sbatch-arg <arg>',
      'an extra sbatch option for every task, repeatable (e.g. --sbatch-arg=--partition=cpu, --sbatch-arg=--time=2:00:00); replaces the default it names',
      (v: string, acc: string[] | undefined) => [...(acc ?? []), v],
    )
    .option('--wait', 'wait for every task to end (polling squeue), then merge the shards')
    .option('--resume', 'submit every task of the existing run in --out again; each reruns only its unrecorded cells')
    .option('--array-index <list>', 'resubmit only these tasks of the existing run in --out (e.g. 2, 1,3 or 0-2)')
    .action(async (file: string, options: SubmitOptions) => {
      const opts = { ...options, sbatchArg: options.sbatchArg ?? [] };
      if (!opts.slurm)
        throw new InputError(
          'submit: name the scheduler with --slurm (the only one supported; deploy/k8s/sweep-indexed-job.yaml runs the same shards on Kubernetes)',
        );
      const config = readConfig(file);
      const cells = expandCells(config);
      const dir = path.resolve(opts.out ?? path.join('results', `${config.name}-${newRunId()}`));
      checkSlurmPath(dir, '--out');
      checkSlurmPath(process.cwd(), 'the working directory');
      for (const a of opts.sbatchArg) sbatchOptionName(a);
      const paths = runPaths(dir);
      const again = opts.resume === true || opts.arrayIndex !== undefined;
      const existing = readManifest(dir);

      let manifest: Manifest;
      if (existing) {
        if (!again)
          throw new InputError(
            `--out ${dir}: already holds a submitted run; resubmit it with --resume (every task) or --array-index LIST, or choose another folder`,
          );
        const runGrid = expandCells(readConfig(paths.config)).map((c) => c.key);
        const grid = cells.map((c) => c.key);
        if (runGrid.length !== grid.length || runGrid.some((k, i) => k !== grid[i]))
          throw new InputError(`${file}: its grid differs from that of the run in ${dir} (${paths.config})`);
        if (opts.shards !== undefined && parseShards(opts.shards, cells.length) !== existing.shards)
          throw new InputError(`--shards ${opts.shards}: the run in ${dir} has ${existing.shards} tasks`);
        refuseIfQueued(existing);
        manifest = existing;
      } else {
        if (again) throw new InputError(`${opts.resume ? '--resume' : '--array-index'}: ${dir} holds no submitted run (no submit.json)`);
        if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new InputError(`--out ${dir}: not empty; choose a new folder`);
        manifest = {
          name: config.name,
          shards: opts.shards !== undefined ? parseShards(opts.shards, cells.length) : Math.min(cells.length, MAX_TASKS),
          cells: cells.length,
          submissions: [],
        };
      }
      const shards = manifest.shards;
      const indices = opts.arrayIndex !== undefined ? parseArrayIndex(opts.arrayIndex, shards) : null;
      const resources = taskResources(cells, shards);
      if (!existing || !fs.existsSync(paths.script)) {
        fs.mkdirSync(paths.logs, { recursive: true });
        fs.mkdirSync(paths.shards, { recursive: true });
        // the config as given, so that merge expands the same grid however the file changes later
        if (!existing) fs.copyFileSync(file, paths.config);
        const extra = existing ? [] : opts.sbatchArg;
        const script = sbatchScript({
          name: config.name,
          dir,
          shards,
          cwd: process.cwd(),
          node: process.execPath,
          bin: BIN,
          resources,
          extra,
        });
        fs.writeFileSync(paths.script, script, { mode: 0o755 });
        if (!existing) writeManifest(dir, manifest);
      }

      // A resubmission uses the folder's script as it is (it may have been edited by hand); its
      // --sbatch-arg options go on sbatch's command line, which overrides the script's #SBATCH lines.
      const array = indices ? compactList(indices) : `0-${shards - 1}`;
      const args = [...(indices ? [`--array=${array}`] : []), ...(existing ? opts.sbatchArg : [])];
      let jobId: string;
      try {
        jobId = sbatch(paths.script, args);
      } catch (err) {
        if (!existing && err instanceof InputError)
          throw new InputError(`${err.message} (the run folder ${dir} is written: submit it again with --out ${dir} --resume)`);
        throw err;
      }
      manifest.submissions.push({ jobId, array, time: new Date().toISOString() });
      writeManifest(dir, manifest);

      const tasks = indices ? indices.length : shards;
      const rel = shortPath(dir);
      process.stderr.write(
        [
          `submitted: Slurm job ${jobId}, array ${array} (${tasks} task(s) of ${shards}; ${cells.length} cells in all) of sweep ${config.name}`,
          `run folder: ${rel} (script ${path.join(rel, 'submit.sbatch')})`,
          existing
            ? `requests: those of the folder's script${opts.sbatchArg.length > 0 ? `, overridden by ${opts.sbatchArg.join(' ')}` : ''}`
            : `requests per task: --time=${slurmTime(resources.minutes)} --mem=${resources.memMiB}M --cpus-per-task=${resources.cpus} (coarse bounds per cell; --sbatch-arg overrides)`,
          `follow: squeue -j ${jobId}    tail -f ${path.join(rel, 'logs', `${jobId}_*.err`)}    scontrol show job ${jobId}`,
          `then: hetal-bench merge ${rel}    (a failed task again: hetal-bench submit ${path.join(rel, 'config.json')} --slurm --out ${rel} --array-index I)`,
          '',
        ].join('\n'),
      );
      process.stdout.write(`${jobId}\n`);
      if (!opts.wait) return;

      await waitForJob(jobId, { onChange: (s) => process.stderr.write(`job ${jobId}: ${s}\n`) });
      const outcomes = taskOutcomes(jobId);
      const bad = outcomes.filter((o) => o.state !== 'COMPLETED');
      process.stderr.write(
        outcomes.length === 0
          ? `job ${jobId}: ended (the controller no longer reports its tasks' exit codes)\n`
          : `job ${jobId}: ended; ${outcomes.length - bad.length} task(s) completed, ${bad.length} did not\n`,
      );
      for (const o of bad)
        process.stderr.write(`task ${o.task}: ${o.state} (exit ${o.exitCode}); log ${path.join(rel, 'logs', `${jobId}_${o.task}.err`)}\n`);
      const reported = new Set(outcomes.map((o) => o.task));
      const unreported = (indices ?? [...Array(shards).keys()]).filter((i) => !reported.has(i));
      if (outcomes.length > 0 && unreported.length > 0)
        process.stderr.write(`task(s) ${unreported.join(', ')}: no outcome reported (cancelled before they started?)\n`);
      const merged = mergeRun(dir);
      const resubmit = `hetal-bench submit ${path.join(rel, 'config.json')} --slurm --out ${rel}`;
      process.stderr.write(describeMerge(rel, merged, resubmit).join('\n') + '\n');
      if (!complete(merged)) process.exitCode = 1;
    });
}

/** A path relative to the working directory when it lies below it, else absolute. */
function shortPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

function parseShards(text: string, cells: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw new InputError(`--shards: '${text}' is not a positive integer`);
  if (n > cells) throw new InputError(`--shards ${n}: more tasks than the ${cells} cells of the sweep`);
  if (n > MAX_TASKS) throw new InputError(`--shards ${n}: more than Slurm's default array size of ${MAX_TASKS} tasks`);
  return n;
}

/** `0,1,2,5` -> `0-2,5` (Slurm's array list form). */
function compactList(indices: number[]): string {
  const parts: string[] = [];
  let start = indices[0]!,
    prev = start;
  for (const i of [...indices.slice(1), NaN]) {
    if (i === prev + 1) {
      prev = i;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = prev = i;
  }
  return parts.join(',');
}

/** Two tasks of one index at once would both append to its shard folder: refuse a resubmission while any is queued. */
function refuseIfQueued(m: Manifest): void {
  for (const s of m.submissions) {
    const queued = queuedTasks(s.jobId);
    if (queued.length > 0)
      throw new InputError(
        `--out: job ${s.jobId} of this run still has ${queued.length} task(s) queued or running; wait for them or scancel ${s.jobId}`,
      );
  }
}
