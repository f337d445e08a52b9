/**
 * Runs sweep cells, each as its own CLI process (`hetal-bench <kind> --json ...`): a cell that
 * crashes or runs out of wasm memory cannot take the sweep down, and each starts with a clean
 * SEAL heap. Each cell's record is appended to the store as soon as it finishes; a cell with
 * no record gets a `failed` one with the child's message. SIGINT stops after killing the
 * running child; what finished is kept, and `--resume` skips it next time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { InputError } from '../../algorithms/errors';
import { ResultStore } from '../output';
import { type Cell, cellArgs } from './config';

const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');

/**
 * Opens the results directory of a sweep: with `resume`, the cells it already records are done;
 * without, a directory that already holds results is refused (runs are never mixed silently).
 */
export function openSweepStore(dir: string, resume: boolean | undefined): { store: ResultStore; done: Set<string> } {
  const store = new ResultStore(dir);
  const done = new Set<string>();
  const existing = store.read();
  if (resume) {
    for (const r of existing) if (typeof r.cell === 'string') done.add(r.cell);
  } else if (existing.length > 0) {
    throw new InputError(`--out ${dir}: already holds results; use --resume to continue it or choose another directory`);
  }
  return { store, done };
}

/** Outcome of a sweep run. */
export interface SweepOutcome {
  ran: number;
  skipped: number;
  failed: number;
  interrupted: boolean;
}

/** Runs `cells` (skipping keys in `done`), appending each cell's record to `store`. */
export async function runCells(
  cells: Cell[],
  store: ResultStore,
  opts: { done?: Set<string>; progress?: boolean; log?: boolean; run: string; echo?: (record: object) => void },
): Promise<SweepOutcome> {
  const todo = cells.filter((c) => !opts.done?.has(c.key));
  const outcome: SweepOutcome = { ran: 0, skipped: cells.length - todo.length, failed: 0, interrupted: false };
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
      const result = await runOne(cell, (c) => {
        child = c;
      });
      child = null;
      if (outcome.interrupted) break; // the killed cell is not recorded: it runs again on --resume
      const records = result.records.length > 0 ? result.records : [failedRecord(cell, result.message, opts.run)];
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
        if ((r as { state?: string }).state !== 'completed') outcome.failed += 1;
      }
      outcome.ran += 1;
      bar?.increment();
      if (opts.log && !bar) {
        const state = records.map((r) => (r as { state?: string }).state).join(',');
        process.stderr.write(`[${outcome.ran}/${todo.length}] ${cell.key}: ${state} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    bar?.stop();
  }
  return outcome;
}

function runOne(cell: Cell, started: (c: ChildProcess) => void): Promise<{ records: object[]; message: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...cellArgs(cell)], { stdio: ['ignore', 'pipe', 'pipe'] });
    started(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code, signal) => {
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
      const message = signal ? `killed by ${signal}` : code === 0 ? 'the cell produced no record' : lastLine || `exit status ${code}`;
      resolve({ records, message });
    });
  });
}

function failedRecord(cell: Cell, message: string, run: string): object {
  const p = cell.params;
  return {
    kind: cell.kind,
    state: 'failed',
    message,
    cell: cell.key,
    algorithm: String(p.algo ?? p.softmax ?? 'hetal'),
    backend: String(p.backend ?? ''),
    preset: String(p.preset ?? ''),
    params: p,
    meta: { timestamp: new Date().toISOString(), run },
  };
}
