/**
 * The folder of a submitted sweep (`hetal-bench submit`): the config it expands (config.json), the
 * job-array script (submit.sbatch), what was submitted (submit.json), one results folder per array
 * task (shards/<I>/results.jsonl, each written by one task only) and the tasks' logs (logs/).
 * `hetal-bench merge` gathers the shards into results.jsonl and results.csv beside them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../algorithms/errors';
import { readJsonl } from '../output';

/** The files and folders of a run folder. */
export function runPaths(dir: string) {
  return {
    config: path.join(dir, 'config.json'),
    script: path.join(dir, 'submit.sbatch'),
    manifest: path.join(dir, 'submit.json'),
    shards: path.join(dir, 'shards'),
    logs: path.join(dir, 'logs'),
    jsonl: path.join(dir, 'results.jsonl'),
    csv: path.join(dir, 'results.csv'),
  };
}

/** One submission of the array (the first, or a resubmission of some tasks). */
export interface Submission {
  jobId: string;
  /** the array indices submitted, Slurm's list form */
  array: string;
  time: string;
}

/** submit.json: what a run folder was made for. */
export interface Manifest {
  name: string;
  /** number of array tasks = shards of the grid */
  shards: number;
  cells: number;
  submissions: Submission[];
}

export function readManifest(dir: string): Manifest | null {
  const file = runPaths(dir).manifest;
  if (!fs.existsSync(file)) return null;
  let m: unknown;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const x = m as Partial<Manifest>;
  if (typeof x.shards !== 'number' || !Number.isInteger(x.shards) || x.shards < 1 || !Array.isArray(x.submissions))
    throw new InputError(`${file}: not a submit manifest (needs "shards" and "submissions")`);
  return x as Manifest;
}

export function writeManifest(dir: string, m: Manifest): void {
  const file = runPaths(dir).manifest;
  fs.writeFileSync(file + '.tmp', JSON.stringify(m, null, 2) + '\n');
  fs.renameSync(file + '.tmp', file);
}

/** The records of one array task's folder. */
export interface ShardRecords {
  /** the folder's name under shards/ (the task index) */
  shard: string;
  records: Record<string, unknown>[];
}

/** Every shards/<I>/results.jsonl of the run folder, in task order. */
export function readShards(dir: string): ShardRecords[] {
  const root = runPaths(dir).shards;
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))
    .map((shard) => ({ shard, records: readJsonl(path.join(root, shard, 'results.jsonl')) }));
}
