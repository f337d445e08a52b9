/**
 * Everything a command prints or writes: JSON Lines on stdout (--json), a text table otherwise,
 * and the results files (--out DIR: results.jsonl appended per record, results.csv rewritten
 * from it so its columns stay the union of all records).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Papa from 'papaparse';
import { InputError } from '../algorithms/errors';

/** Prints rows as JSON Lines or as an aligned text table of `columns`. */
export function emitTable(rows: Record<string, unknown>[], opts: { json: boolean; columns?: string[] }): void {
  if (opts.json) {
    for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  process.stdout.write(formatTable(rows, opts.columns) + '\n');
}

/** An aligned plain-text table (nested values flattened with dots). */
export function formatTable(rows: Record<string, unknown>[], columns?: string[]): string {
  const flat = rows.map((r) => flatten(r));
  const cols = columns ?? [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const cells = flat.map((r) => cols.map((c) => formatCell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function formatCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toPrecision(4);
  }
  if (Array.isArray(v)) return v.map((x) => formatCell(x)).join(' ');
  return String(v);
}

/** Flattens nested plain objects to dotted keys; arrays become JSON text. */
export function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = Array.isArray(v) ? JSON.stringify(v) : v;
  }
  return out;
}

/** Appends records to DIR/results.jsonl and mirrors the whole file to DIR/results.csv. */
export class ResultStore {
  readonly jsonl: string;
  readonly csv: string;

  constructor(readonly dir: string) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new InputError(`--out ${dir}: cannot create the directory (${(err as Error).message})`);
    }
    this.jsonl = path.join(dir, 'results.jsonl');
    this.csv = path.join(dir, 'results.csv');
  }

  /** Appends one record (synchronously, so an interrupted run keeps every finished cell). */
  append(record: object): void {
    fs.appendFileSync(this.jsonl, JSON.stringify(record) + '\n');
    this.writeCsv();
  }

  /** Every record in the store (a torn last line from a killed run is ignored). */
  read(): Record<string, unknown>[] {
    return readJsonl(this.jsonl);
  }

  private writeCsv(): void {
    const rows = this.read().map((r) => flatten(r));
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    fs.writeFileSync(this.csv, Papa.unparse(rows, { columns }) + '\n');
  }
}

/** Reads a JSON Lines file; an unparsable last line (a run killed mid-write) is skipped. */
export function readJsonl(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const out: Record<string, unknown>[] = [];
  lines.forEach((line, i) => {
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      if (i !== lines.length - 1) throw new InputError(`${file}: line ${i + 1} is not valid JSON`);
    }
  });
  return out;
}

/**
 * Where a command's records go: stdout (JSON Lines with --json, a table at the end otherwise)
 * and, with --out, the result store, appended as each record arrives.
 */
export class RecordSink {
  private readonly rows: Record<string, unknown>[] = [];
  private readonly store: ResultStore | null;

  constructor(private readonly opts: { json?: boolean; out?: string; columns?: string[] }) {
    this.store = opts.out ? new ResultStore(opts.out) : null;
  }

  /** Emits one record now. */
  push(record: object): void {
    this.store?.append(record);
    if (this.opts.json) process.stdout.write(JSON.stringify(record) + '\n');
    else this.rows.push(record as Record<string, unknown>);
  }

  /** Prints the text table (without --json) and says where the files are. */
  finish(): void {
    if (!this.opts.json && this.rows.length > 0) process.stdout.write(formatTable(this.rows, this.opts.columns) + '\n');
    if (this.store) process.stderr.write(`results appended to ${this.store.jsonl} and ${this.store.csv}\n`);
  }
}
