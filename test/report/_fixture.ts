/** The report tests' fixture: two shards of one sweep plus an ops run (not a test file). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readResultFile } from '../../harness/report/load';
import type { FailedRecord, MatmulRecord, ResultRecord } from '../../harness/records';

/** The fixture folders: two shards of a sweep (one cell in both) and an `ops` run. */
export const FIXTURE = {
  shard1: path.join(__dirname, 'fixtures', 'shard-1'),
  shard2: path.join(__dirname, 'fixtures', 'shard-2'),
  ops: path.join(__dirname, 'fixtures', 'ops'),
};

/** All fixture records, in file order (duplicates included). */
export function fixtureRecords(): ResultRecord[] {
  return [FIXTURE.shard1, FIXTURE.shard2, FIXTURE.ops].flatMap((d) => readResultFile(path.join(d, 'results.jsonl')));
}

/** A completed matmul record with the given counts and paper figure. */
export function matmulRecord(over: Partial<MatmulRecord> = {}): MatmulRecord {
  const record: MatmulRecord = {
    kind: 'matmul',
    state: 'completed',
    cell: 'matmul|algo=diag-abt|shape=128x128x4',
    algorithm: 'diag-abt',
    backend: 'sim',
    preset: 'fgb',
    slots: 32768,
    family: 'abt',
    shape: { a: 128, b: 128, c: 4 },
    cPadded: 4,
    block: { s0: 128, s1: 256 },
    ops: { cmult: 4, mult: 2, rot: 34 },
    depth: 2,
    timeMs: { median: 1, min: 1, max: 1, n: 1 },
    errorKind: 'exact-sim',
    error: { maxAbs: 0, meanAbs: 0 },
    paper: { cmult: 4, mult: 2, rot: 34 },
    meta: {
      timestamp: '2026-01-12T09:00:00.000Z',
      run: 'r1',
      gitCommit: 'abc',
      node: 'v20.20.2',
      nodeSeal: '6.0.3',
      cpu: 'cpu',
      cores: 2,
      seed: 1,
    },
  };
  return { ...record, ...over } as MatmulRecord;
}

/** A failed matmul record (no statistics) of the same cell as `matmulRecord()`. */
export function failedRecord(over: Partial<FailedRecord> = {}): FailedRecord {
  const { cell, algorithm, backend, preset, meta } = matmulRecord();
  return { kind: 'matmul', state: 'failed', message: 'boom', cell, algorithm, backend, preset, meta, ...over };
}

/** A fresh temporary folder. */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hetal-report-${label}-`));
}

/** Writes records as JSON Lines to dir/name and returns the path. */
export function writeJsonl(dir: string, name: string, records: object[]): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

/** The text of the section with this id ('' when absent). */
export function sectionOf(html: string, id: string): string {
  const m = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html);
  return m ? m[1]! : '';
}
