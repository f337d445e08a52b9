/**
 * Runs sweep cells, each as its own CLI process (`hetal-bench cell`, the cell given as JSON on
 * stdin): a cell that crashes or runs out of wasm memory cannot take the sweep down, and each
 * starts with a clean SEAL heap. Every cell runs under a time limit and a memory watchdog (the
 * child's resident memory, read from /proc); a cell past either is killed and recorded as
 * `failed` with the reason, and the sweep goes on. Each cell's record is appended to the store
 * as soon as it finishes; a cell with no record gets a `failed` one with the child's message.
 * SIGINT stops after killing the running child; what finished is kept, and `--resume` runs the
 * rest (and, unless --skip-failed, the failed cells again).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { InputError } from '../../algorithms/errors';
import { canonicalParams } from '../cell';
import { runMeta } from '../metadata';
import { ResultStore } from '../output';
import type { FailedRecord } from '../records';
import type { Cell, Kind } from './config';
import { encodeCellSpec } from './cell-spec';

const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');

/**
 * Default time limit of one cell, seconds, per kind: the slowest measured cells take 6 min
 * (Jin's Aᵀ·B at 128x128x4 on n14) and 42 min (digits training on n14); the limits leave room
 * for a loaded machine and stop only what is stuck.
 */
export const DEFAULT_CELL_TIMEOUT_S: Readonly<Record<Kind, number>> = { matmul: 3600, softmax: 3600, train: 6 * 3600 };

/**
 * Default resident-memory limit of one cell, MiB: above the 4 GiB SEAL heap plus Node's own
 * (a seal cell cannot legitimately pass it); a simulator cell growing past it is runaway. A seal
 * cell with worker threads holds one more SEAL heap per worker: 4 GiB more each (cellMemoryMiB).
 */
export const DEFAULT_CELL_MEMORY_MIB = 6144;

/** The default memory limit of a cell: one SEAL heap per worker thread on top of the main one. */
export function cellMemoryMiB(cell: Cell): number {
  const p = cell.params;
  if (p.backend !== 'seal') return DEFAULT_CELL_MEMORY_MIB;
  const workers = typeof p.workers === 'number' ? p.workers : os.availableParallelism();
  return DEFAULT_CELL_MEMORY_MIB + 4096 * Math.max(0, workers);
}

/** How often the watchdog reads a child's memory. */
const WATCH_MS = 250;

/**
 * Opens the results directory of a sweep (locked: a second sweep on it is refused). With
 * `resume`, the cells it already records as completed or suspect are done, and so are failed ones
 * when `skipFailed`; without, a directory that already holds results is refused.
 */
export function openSweepStore(
  dir: string,
  resume: boolean | undefined,
  opts: { skipFailed?: boolean } = {},
): { store: ResultStore; done: Set<string> } {
  const store = new ResultStore(dir);
  try {
    const done = new Set<string>();
    const existing = store.read();
    if (resume) {
      for (const r of existing) {
        if (typeof r.cell !== 'string') continue;
        if (r.state === 'completed' || r.state === 'suspect' || (opts.skipFailed && (r.state === 'failed' || r.state === 'skipped')))
          done.add(r.cell);
      }
    } else if (existing.length > 0) {
      throw new InputError(`--out ${dir}: already holds results; use --resume to continue it or choose another directory`);
    }
    return { store, done };
  } catch (err) {
    store.close();
    throw err;
  }
}

/** Outcome of a sweep run. */
export interface SweepOutcome {
  ran: number;
  skipped: number;
  failed: number;
  suspect: number;
  interrupted: boolean;
}

/** Limits of each cell. */
export interface CellLimits {
  /** seconds; default per kind */
  timeoutS?: number;
  /** MiB of resident memory */
  memoryMiB?: number;
}

/** Runs `cells` (skipping keys in `done`), appending each cell's record to `store`. */
export async function runCells(
  cells: Cell[],
  store: ResultStore,
  opts: { done?: Set<string>; progress?: boolean; log?: boolean; run: string; echo?: (record: object) => void; limits?: CellLimits },
): Promise<SweepOutcome> {
  const todo = cells.filter((c) => !opts.done?.has(c.key));
  const outcome: SweepOutcome = { ran: 0, skipped: cells.length - todo.length, failed: 0, suspect: 0, interrupted: false };
  const bar =
    opts.progress === false
      ? null
      : new SingleBar(
          {
            format: 'sweep [{bar}] {value}/{total} cells | eta {eta_formatted} | {cell}',
            stream: process.stderr,
            hideCursor: false,
            etaBuffer: 5,
            fps: 4,
          },
          Presets.shades_classic,
        );
  bar?.start(todo.length, 0, { cell: '' });
  let child: ChildProcess | null = null;
  const onSigint = () => {
    outcome.interrupted = true;
    child?.kill('SIGTERM');
  };
  process.on('SIGINT', onSigint);
  try {
    for (const cell of todo) {
      if (outcome.interrupted) break;
      bar?.update({ cell: cell.key });
      const t0 = performance.now();
      const limits = {
        timeoutS: opts.limits?.timeoutS ?? DEFAULT_CELL_TIMEOUT_S[cell.kind],
        memoryMiB: opts.limits?.memoryMiB ?? cellMemoryMiB(cell),
      };
      const result = await runOne(cell, limits, (c) => {
        child = c;
      });
      child = null;
      if (outcome.interrupted) break; // the killed cell is not recorded: it runs again on --resume
      const records = result.records.length > 0 && !result.killed ? result.records : [failedRecord(cell, result.message, opts.run)];
      for (const r of records) {
        // params and the ablation let reports group records by what varied (harness/report/sections/ablation.ts)
        const tagged = {
          ...r,
          cell: cell.key,
          sweepRun: opts.run,
          params: cell.params,
          ...(cell.ablation ? { ablation: cell.ablation } : {}),
        };
        store.append(tagged);
        opts.echo?.(tagged);
        const state = (r as { state?: string }).state;
        if (state === 'suspect') outcome.suspect += 1;
        else if (state !== 'completed') outcome.failed += 1;
      }
      outcome.ran += 1;
      bar?.increment();
      if (opts.log && !bar) {
        const state = records.map((r) => (r as { state?: string }).state).join(',');
        const why = records[0] && (records[0] as { state?: string }).state === 'failed' ? `: ${(records[0] as FailedRecord).message}` : '';
        process.stderr.write(
          `[${outcome.ran}/${todo.length}] ${cell.key}: ${state} (${((performance.now() - t0) / 1000).toFixed(1)} s)${why}\n`,
        );
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    bar?.stop();
  }
  return outcome;
}

/** Resident memory of a process in MiB (Linux /proc), or null where it cannot be read. */
export function residentMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function runOne(
  cell: Cell,
  limits: { timeoutS: number; memoryMiB: number },
  started: (c: ChildProcess) => void,
): Promise<{ records: object[]; message: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'cell'], { stdio: ['pipe', 'pipe', 'pipe'] });
    started(child);
    child.stdin.on('error', () => {
      // a child that died before reading its spec: its exit says why
    });
    child.stdin.end(encodeCellSpec(cell));
    let out = '';
    let err = '';
    let killedFor: string | null = null;
    const kill = (why: string) => {
      if (killedFor) return;
      killedFor = why;
      // SIGKILL: a SEAL heap at its ceiling can spin where no signal handler would run
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => kill(`killed after the time limit of ${limits.timeoutS} s (sweep --cell-timeout)`),
      limits.timeoutS * 1000,
    );
    const watch = setInterval(() => {
      const rss = child.pid !== undefined ? residentMiB(child.pid) : null;
      if (rss !== null && rss > limits.memoryMiB) {
        kill(
          `killed by the memory watchdog: ${rss.toFixed(0)} MiB resident, above the limit of ${limits.memoryMiB} MiB (sweep --cell-memory)`,
        );
      }
    }, WATCH_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      const records: object[] = [];
      for (const line of out.split('\n')) {
        if (!line.trim()) continue;
        try {
          records.push(JSON.parse(line) as object);
        } catch {
          // a torn line from a killed child: ignored
        }
      }
      const lastLine =
        err
          .trim()
          .split('\n')
          .filter((l) => /\S/.test(l))
          .pop() ?? '';
      const message =
        killedFor ??
        (signal
          ? `killed by ${signal}${lastLine ? `: ${lastLine}` : ''}` // e.g. the SEAL heap watchdog's message
          : code === 0 || code === 3
            ? 'the cell produced no record'
            : lastLine || `exit status ${code}`);
      resolve({ records, message, killed: killedFor !== null });
    });
  });
}

function failedRecord(cell: Cell, message: string, run: string): FailedRecord {
  const p = canonicalParams(cell.kind, cell.params);
  return {
    kind: cell.kind,
    state: 'failed',
    message,
    cell: cell.key,
    algorithm: String(p.algo ?? p.softmax ?? 'hetal'),
    backend: String(p.backend ?? ''),
    preset: String(p.preset ?? ''),
    params: p,
    meta: runMeta(run, typeof p.seed === 'number' ? p.seed : 1),
  };
}
