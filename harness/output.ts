/**
 * Everything a command prints or writes: JSON Lines on stdout (--json), a text table otherwise,
 * and the results files (--out DIR: results.jsonl appended per record, whole lines or nothing,
 * results.csv regenerated from it so its columns stay the union of all records).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Papa from 'papaparse';
import { InputError } from '../algorithms/errors';
import { lockResultsDir, unlockResultsDir } from './lock';

/** Exit status of a run that finished but recorded a suspect result (1: a failure, 2: bad input). */
export const EXIT_SUSPECT = 3;

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

/** The file operations of the store, replaceable by tests (a disk that fills up mid-write). */
export const storeIo = {
  openSync: fs.openSync,
  writeSync: fs.writeSync,
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  ftruncateSync: fs.ftruncateSync,
  writeFileSync: fs.writeFileSync,
  renameSync: fs.renameSync,
};

/**
 * Makes `dir` (and missing parents) one level at a time, or throws an InputError naming `flag`.
 * Not `mkdirSync(recursive)`, which loops for ever under /proc; every failure names the cause.
 */
export function ensureDir(dir: string, flag: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new InputError(`${flag} ${dir}: cannot use ${at} (${describeFsError(err)})`);
    }
    if (st) {
      if (!st.isDirectory()) throw new InputError(`${flag} ${dir}: ${at} is a file, not a directory`);
      break;
    }
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new InputError(`${flag} ${dir}: cannot create ${d} (${describeFsError(err)})`);
    }
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new InputError(`${flag} ${dir}: not writable (${describeFsError(err)})`);
  }
}

/** An fs error in words (its code first, as users search for it). */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    EISDIR: 'is a directory',
    ENOTDIR: 'a parent is not a directory',
    ENOENT: 'no such file or directory',
  };
  return e?.code ? `${e.code}: ${words[e.code] ?? e.message}` : String((err as Error)?.message ?? err);
}

/** Writes `text` to `file` through a temporary file and a rename: the old file or the new, never half. */
export function writeFileAtomic(file: string, text: string, flag: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    storeIo.writeFileSync(tmp, text);
    storeIo.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new InputError(`${flag} ${file}: cannot write (${describeFsError(err)})`);
  }
}

/**
 * The results of one directory: DIR/results.jsonl, the truth, appended one whole line at a time
 * (a failed write is truncated back, so the file is as it was), and DIR/results.csv, regenerated
 * from it after every append. Opening takes the directory's exclusive lock (harness/lock.ts) and
 * moves a torn last line (a run killed mid-write) aside to results.jsonl.torn with a warning, so
 * nothing is ever glued to it and the cell it belonged to counts as not done.
 */
export class ResultStore {
  readonly jsonl: string;
  readonly csv: string;
  readonly torn: string;

  constructor(
    readonly dir: string,
    private readonly flag = '--out',
  ) {
    ensureDir(dir, flag);
    this.jsonl = path.join(dir, 'results.jsonl');
    this.csv = path.join(dir, 'results.csv');
    this.torn = `${this.jsonl}.torn`;
    for (const f of [this.jsonl, this.csv]) {
      if (fs.existsSync(f) && fs.statSync(f).isDirectory()) throw new InputError(`${flag} ${dir}: ${f} is a directory, not a results file`);
    }
    lockResultsDir(dir, flag);
    try {
      this.repairTornTail();
      // the CSV follows the JSON Lines, never the other way round
      if (fs.existsSync(this.jsonl)) this.writeCsv();
    } catch (err) {
      unlockResultsDir(dir);
      throw err;
    }
  }

  /** Moves an unterminated last line to results.jsonl.torn and cuts the file after its last newline. */
  private repairTornTail(): void {
    if (!fs.existsSync(this.jsonl)) return;
    const bytes = fs.readFileSync(this.jsonl);
    if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
    const cut = bytes.lastIndexOf(0x0a) + 1;
    const fragment = bytes.subarray(cut);
    fs.appendFileSync(this.torn, Buffer.concat([fragment, Buffer.from('\n')]));
    fs.truncateSync(this.jsonl, cut);
    process.stderr.write(
      `hetal-bench: warning: ${this.jsonl}: its last line was cut off (${fragment.length} bytes: a run stopped while writing it); ` +
        `moved to ${this.torn}; that cell is not recorded (sweep --resume runs it again)\n`,
    );
  }

  /**
   * Appends one record as one whole line, synchronously (an interrupted run keeps every finished
   * cell). On any write error the file is cut back to its previous size and the error names the
   * directory; the record itself is then printed on stderr so the result is not lost.
   */
  append(record: object): void {
    const line = Buffer.from(JSON.stringify(record) + '\n');
    let fd: number | null = null;
    let before = 0;
    try {
      fd = storeIo.openSync(this.jsonl, 'a');
      before = fs.fstatSync(fd).size;
      let done = 0;
      while (done < line.length) done += storeIo.writeSync(fd, line, done, line.length - done);
      storeIo.fsyncSync(fd);
    } catch (err) {
      if (fd !== null) {
        try {
          storeIo.ftruncateSync(fd, before);
        } catch {
          // the truncation failed too: the next open moves the torn line aside
        }
      }
      process.stderr.write(`hetal-bench: the record that could not be saved: ${line.toString()}`);
      throw new InputError(
        `${this.flag} ${this.dir}: cannot append to results.jsonl (${describeFsError(err)}); the file is as it was before this record`,
      );
    } finally {
      if (fd !== null) storeIo.closeSync(fd);
    }
    try {
      this.writeCsv();
    } catch (err) {
      // the record is safe in results.jsonl, the truth; the CSV follows it on the next open
      process.stderr.write(`hetal-bench: warning: ${(err as Error).message}; it is regenerated from results.jsonl on the next run\n`);
    }
  }

  /** Every record in the store. */
  read(): Record<string, unknown>[] {
    return readJsonl(this.jsonl);
  }

  /** Releases the directory's lock. */
  close(): void {
    unlockResultsDir(this.dir);
  }

  private writeCsv(): void {
    const rows = this.read().map((r) => flatten(r));
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    writeFileAtomic(this.csv, Papa.unparse(rows, { columns }) + '\n', this.flag);
  }
}

/** Reads a JSON Lines file; an unterminated unparsable last line (a run killed mid-write) is skipped. */
export function readJsonl(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const out: Record<string, unknown>[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      const torn = i === lines.length - 1 && !text.endsWith('\n');
      if (!torn) throw new InputError(`${file}: line ${i + 1} is not valid JSON`);
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
    const r = record as { state?: string; reason?: string; cell?: string };
    if (r.state === 'suspect') {
      this.suspect += 1;
      process.stderr.write(`hetal-bench: suspect result (${r.cell ?? ''}): ${r.reason ?? ''}\n`);
    }
    // stdout first: should the store fail (disk full), the record has still been printed
    if (this.opts.json) process.stdout.write(JSON.stringify(record) + '\n');
    else this.rows.push(record as Record<string, unknown>);
    this.store?.append(record);
  }

  /** Records pushed with state `suspect`. */
  suspect = 0;

  /** Prints the text table (without --json), says where the files are and releases the lock. */
  finish(): void {
    if (!this.opts.json && this.rows.length > 0) process.stdout.write(formatTable(this.rows, this.opts.columns) + '\n');
    if (this.store) {
      this.store.close();
      process.stderr.write(`results appended to ${this.store.jsonl} and ${this.store.csv}\n`);
    }
    // finished, but a figure failed a sanity check: not the exit status of a clean run
    if (this.suspect > 0 && !process.exitCode) process.exitCode = EXIT_SUSPECT;
  }
}
