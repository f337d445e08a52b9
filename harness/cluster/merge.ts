/**
 * Gathering a submitted run's shards into one results file, checked against the grid of the run's
 * config: every cell must be recorded exactly once. Missing cells (a task killed, timed out or
 * never run), duplicated cells (two tasks or two submissions ran the same cell) and records of
 * cells outside the grid are named; what was found is written either way.
 */
import * as fs from 'node:fs';
import Papa from 'papaparse';
import { InputError } from '../../algorithms/errors';
import type { ResultRecord } from '../records';
import { flatten } from '../output';
import { mergeRecords } from '../report/load';
import { type Cell, expandCells, readConfig, shardCells } from '../sweep/config';
import { readManifest, readShards, runPaths, type ShardRecords } from './run-folder';

/** The result of checking shards against the grid. */
export interface Coverage {
  /** one record per cell, in grid order, then records of cells outside the grid */
  records: Record<string, unknown>[];
  gridCells: number;
  /** grid cells with no record */
  missing: string[];
  /** cells recorded by more than one shard folder, or completed more than once */
  duplicated: { cell: string; shards: string[] }[];
  /** recorded cells that are not in the grid (another config's shards?) */
  unexpected: string[];
  /** grid cells whose kept record is not `completed` */
  failed: string[];
}

/** True when the grid is covered exactly once and nothing else is there. */
export function complete(c: Coverage): boolean {
  return c.missing.length === 0 && c.duplicated.length === 0 && c.unexpected.length === 0;
}

/**
 * Checks the shards' records against the grid. A cell's retries inside one shard (a failed record,
 * then a resumed run's completed one) are its history, not duplicates; the kept record is chosen
 * as the report does (completed over failed, then the latest).
 */
export function checkCoverage(grid: Cell[], shards: ShardRecords[]): Coverage {
  const where = new Map<string, Set<string>>();
  const completedCount = new Map<string, number>();
  let keyless = 0;
  for (const s of shards) {
    for (const r of s.records) {
      const cell = typeof r.cell === 'string' && r.cell !== '' ? r.cell : null;
      if (cell === null) {
        keyless += 1;
        continue;
      }
      if (!where.has(cell)) where.set(cell, new Set());
      where.get(cell)!.add(s.shard);
      if (r.state === 'completed') completedCount.set(cell, (completedCount.get(cell) ?? 0) + 1);
    }
  }
  const merged = mergeRecords(shards.map((s) => s.records as unknown as ResultRecord[])).records as unknown as Record<string, unknown>[];
  const byCell = new Map<string, Record<string, unknown>>();
  const others: Record<string, unknown>[] = [];
  const gridKeys = new Set(grid.map((c) => c.key));
  for (const r of merged) {
    if (typeof r.cell === 'string' && gridKeys.has(r.cell)) byCell.set(r.cell, r);
    else others.push(r);
  }
  const records: Record<string, unknown>[] = [];
  const missing: string[] = [];
  const failed: string[] = [];
  for (const c of grid) {
    const r = byCell.get(c.key);
    if (!r) missing.push(c.key);
    else {
      records.push(r);
      if (r.state !== 'completed') failed.push(c.key);
    }
  }
  records.push(...others);
  const duplicated = [...where.entries()]
    .filter(([cell, set]) => set.size > 1 || (completedCount.get(cell) ?? 0) > 1)
    .map(([cell, set]) => ({ cell, shards: [...set] }));
  const unexpected = [...where.keys()].filter((k) => !gridKeys.has(k));
  if (keyless > 0) unexpected.push(`${keyless} record(s) without a cell key`);
  return { records, gridCells: grid.length, missing, duplicated, unexpected, failed };
}

/** The array task that runs each cell of the grid (sweep's --shard I/N keeps every N-th cell from I). */
export function taskOfCells(grid: Cell[], shards: number): Map<string, number> {
  const task = new Map<string, number>();
  for (let i = 0; i < shards; i += 1) for (const c of shardCells(grid, `${i}/${shards}`)) task.set(c.key, i);
  return task;
}

/** Outcome of merging a run folder. */
export interface MergeOutcome extends Coverage {
  shardFolders: number;
  /** task index -> its missing cells (when the run's task count is known) */
  missingByTask: Map<number, string[]>;
  jsonl: string;
  csv: string;
}

/** Merges DIR/shards/* into DIR/results.jsonl and DIR/results.csv (rewritten whole, atomically). */
export function mergeRun(dir: string): MergeOutcome {
  const paths = runPaths(dir);
  if (!fs.existsSync(paths.config))
    throw new InputError(`${dir}: not a submitted run folder (no config.json; \`hetal-bench submit\` makes one)`);
  const grid = expandCells(readConfig(paths.config));
  const shards = readShards(dir);
  const coverage = checkCoverage(grid, shards);
  const manifest = readManifest(dir);
  const missingByTask = new Map<number, string[]>();
  if (manifest) {
    const task = taskOfCells(grid, manifest.shards);
    for (const cell of coverage.missing) {
      const t = task.get(cell)!;
      missingByTask.set(t, [...(missingByTask.get(t) ?? []), cell]);
    }
  }
  writeAtomically(paths.jsonl, coverage.records.map((r) => JSON.stringify(r) + '\n').join(''));
  const rows = coverage.records.map((r) => flatten(r));
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  writeAtomically(paths.csv, rows.length > 0 ? Papa.unparse(rows, { columns }) + '\n' : '');
  return { ...coverage, shardFolders: shards.length, missingByTask, jsonl: paths.jsonl, csv: paths.csv };
}

function writeAtomically(file: string, text: string): void {
  fs.writeFileSync(file + '.tmp', text);
  fs.renameSync(file + '.tmp', file);
}

/** The merge's verdict as lines for stderr; `resubmit` is the command prefix that resubmits tasks. */
export function describeMerge(dir: string, m: MergeOutcome, resubmit: string): string[] {
  const lines: string[] = [];
  const found = m.gridCells - m.missing.length;
  if (complete(m)) {
    lines.push(`merge ${dir}: all ${m.gridCells} cells, each once, from ${m.shardFolders} shard folder(s)`);
  } else {
    lines.push(
      `merge ${dir}: INCOMPLETE: ${found} of ${m.gridCells} cells; ${m.missing.length} missing, ${m.duplicated.length} duplicated, ${m.unexpected.length} not in the grid`,
    );
    if (m.missingByTask.size > 0) {
      for (const [task, cells] of [...m.missingByTask.entries()].sort((a, b) => a[0] - b[0]))
        for (const c of cells) lines.push(`missing (task ${task}): ${c}`);
    } else for (const c of m.missing) lines.push(`missing: ${c}`);
    for (const d of m.duplicated) lines.push(`duplicated: ${d.cell} (in shards/${d.shards.join(', shards/')})`);
    for (const u of m.unexpected) lines.push(`not in the grid: ${u}`);
    if (m.missingByTask.size > 0)
      lines.push(
        `resubmit the tasks with missing cells: ${resubmit} --array-index ${[...m.missingByTask.keys()].sort((a, b) => a - b).join(',')}`,
      );
  }
  if (m.failed.length > 0) {
    lines.push(`${m.failed.length} cell(s) recorded as failed (their records say why):`);
    for (const c of m.failed) lines.push(`failed: ${c}`);
  }
  lines.push(`results: ${m.jsonl}`, `results: ${m.csv}`);
  return lines;
}
