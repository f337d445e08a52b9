/**
 * Reading result records for reports: results.jsonl files or directories holding them, checked
 * line by line (errors name the file and line), merged, and de-duplicated by cell so that the
 * shards of one sweep, or a sweep and its resumed re-runs, read as one set of results.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../algorithms/errors';
import type { ResultRecord } from '../records';

/** The outcome states of the record contract (harness/records.ts). */
const STATES = ['completed', 'suspect', 'failed', 'skipped'];

/** The results files named by `inputs`: a file as is, a directory's results.jsonl (or its
 * shards' files, for a submitted run), or else those of each of its subdirectories (results/
 * holding one folder per run). */
export function resolveResultFiles(inputs: string[]): string[] {
  if (inputs.length === 0) throw new InputError('no results given (name results.jsonl files or directories holding one)');
  const files: string[] = [];
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      throw new InputError(`${input}: no such file or directory`);
    }
    if (stat.isFile()) {
      files.push(input);
      continue;
    }
    const direct = runFiles(input);
    if (direct.length > 0) {
      files.push(...direct);
      continue;
    }
    const nested = fs
      .readdirSync(input, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
      .flatMap((name) => runFiles(path.join(input, name)));
    if (nested.length === 0) throw new InputError(`${input}: holds no results.jsonl (nor do its subdirectories)`);
    files.push(...nested);
  }
  return files;
}

/**
 * The results files of one run folder: its results.jsonl, or for a run of `hetal-bench submit` the
 * results.jsonl of each array task (shards/<I>/), read directly so that a report shows what the
 * tasks have recorded so far even before `hetal-bench merge`; merging below keeps one record per cell.
 */
function runFiles(dir: string): string[] {
  const shards = path.join(dir, 'shards');
  if (fs.existsSync(shards) && fs.statSync(shards).isDirectory()) {
    const files = fs
      .readdirSync(shards, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)) // task order: 2 before 10
      .map((name) => path.join(shards, name, 'results.jsonl'))
      .filter((f) => fs.existsSync(f));
    if (files.length > 0) return files;
  }
  const direct = path.join(dir, 'results.jsonl');
  return fs.existsSync(direct) ? [direct] : [];
}

/**
 * The records of one results.jsonl. Every line must be a JSON object with a `kind` and a
 * `state`; the one exception is a torn last line without its newline (a run killed while
 * appending), which is dropped as the result store itself does.
 */
export function readResultFile(file: string): ResultRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines = text.split('\n');
  const out: ResultRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const torn = i === lines.length - 1 && !text.endsWith('\n') && out.length > 0;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (torn) return;
      throw new InputError(`${file}: line ${i + 1} is not valid JSON`);
    }
    const problem = recordProblem(value);
    if (problem) throw new InputError(`${file}: line ${i + 1} is not a result record (${problem})`);
    out.push(value as ResultRecord);
  });
  return out;
}

function recordProblem(v: unknown): string | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const r = v as Record<string, unknown>;
  if (typeof r.kind !== 'string' || r.kind === '') return 'no "kind"';
  if (typeof r.state !== 'string' || !STATES.includes(r.state)) return `"state" is not one of ${STATES.join(', ')}`;
  return null;
}

/** Result of merging record lists. */
export interface Merged {
  records: ResultRecord[];
  /** records dropped because a better record of the same cell exists */
  duplicates: number;
}

/**
 * Concatenates record lists and keeps one record per `cell`: a completed one over a suspect one
 * over a failed or skipped one (a resumed sweep's retry supersedes the failure), then the latest by its
 * timestamp (file order breaks ties). Records without a cell key are all kept. The kept record
 * takes the place of the cell's first appearance, so the order stays that of the sweep.
 */
export function mergeRecords(lists: ResultRecord[][]): Merged {
  const all = lists.flat();
  const best = new Map<string, { record: ResultRecord; index: number }>();
  all.forEach((record, index) => {
    const key = cellKey(record);
    if (key === null) return;
    const held = best.get(key);
    if (!held || better(record, index, held.record, held.index)) best.set(key, { record, index });
  });
  const records: ResultRecord[] = [];
  const placed = new Set<string>();
  for (const record of all) {
    const key = cellKey(record);
    if (key === null) records.push(record);
    else if (!placed.has(key)) {
      placed.add(key);
      records.push(best.get(key)!.record);
    }
  }
  return { records, duplicates: all.length - records.length };
}

function cellKey(r: ResultRecord): string | null {
  return typeof r.cell === 'string' && r.cell !== '' ? r.cell : null;
}

/** completed over suspect (a retry that passed its checks) over failed or skipped */
const RANK: Readonly<Record<string, number>> = { completed: 2, suspect: 1, failed: 0, skipped: 0 };

function better(a: ResultRecord, ai: number, b: ResultRecord, bi: number): boolean {
  const ar = RANK[a.state] ?? 0,
    br = RANK[b.state] ?? 0;
  if (ar !== br) return ar > br;
  const at = time(a),
    bt = time(b);
  if (at !== bt) return at > bt;
  return ai > bi;
}

function time(r: ResultRecord): number {
  const t = Date.parse(String((r.meta as { timestamp?: unknown } | undefined)?.timestamp ?? ''));
  return Number.isFinite(t) ? t : -Infinity;
}

/** Reads, checks and merges the records of `inputs` (files or directories). */
export function loadResults(inputs: string[]): Merged & { files: { file: string; records: number }[] } {
  const files = resolveResultFiles(inputs);
  const lists = files.map((f) => readResultFile(f));
  return { ...mergeRecords(lists), files: files.map((file, i) => ({ file, records: lists[i]!.length })) };
}
