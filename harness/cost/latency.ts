/**
 * Latency tables for the cost model: the median of every op at every level of a preset on this
 * machine (what `hetal-bench ops` measures), cached per machine under `.cache/latency/` so that
 * predictions reuse one measurement until it is older than the freshness limit or re-measured
 * on request. A machine is its CPU model, core count, Node and node-seal versions: a table
 * measured with another of these is never used.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { sealVersion } from '../../algorithms/ckks/seal';
import { InputError } from '../../algorithms/errors';
import { createSession, type Session } from '../../algorithms/ckks/session';
import type { Ct } from '../../algorithms/ckks/types';
import { uniformArray, uniformRng } from '../../algorithms/random';
import type { OpsRecord, TimeStats } from '../records';
import { timeSync } from '../timing';
import { median } from 'simple-statistics';
import type { LatencyMedians, MeasuredOp } from './model';

/** The measured operations: name and the call on a ciphertext at the level under test (`atZero`: at level 0 only). */
const OPS: readonly {
  op: string;
  needsLevel: boolean;
  atZero?: boolean;
  run: (s: Session, x: Ct, y: Ct, v: Float64Array, level: number) => unknown;
}[] = [
  { op: 'encode', needsLevel: false, run: (s, _x, _y, v, level) => s.ev.free(s.ev.encode(v, level)) },
  { op: 'encrypt', needsLevel: false, run: (s, _x, _y, v, level) => s.ev.free(s.client.encrypt(v, level)) },
  { op: 'decrypt', needsLevel: false, run: (s, x) => s.client.decrypt(x) },
  { op: 'add', needsLevel: false, run: (s, x, y) => s.ev.free(s.ev.add(x, y)) },
  { op: 'cmult', needsLevel: true, run: (s, x, _y, v) => s.ev.free(s.ev.mulPlain(x, v)) },
  { op: 'mult', needsLevel: true, run: (s, x, y) => s.ev.free(s.ev.mul(x, y)) },
  { op: 'rescale', needsLevel: true, run: (s, x) => s.ev.free(s.ev.rescaleForTiming(x)) },
  { op: 'rot', needsLevel: false, run: (s, x) => s.ev.free(s.ev.rotate(x, 1)) },
  { op: 'rot7', needsLevel: false, run: (s, x) => s.ev.free(s.ev.rotate(x, 7)) },
  { op: 'conjugate', needsLevel: false, run: (s, x) => s.ev.free(s.ev.conjugate(x)) },
  { op: 'muli', needsLevel: false, run: (s, x) => s.ev.free(s.ev.mulI(x)) },
  { op: 'refresh', needsLevel: false, run: (s, x) => s.ev.free(s.rf.refresh(x)) },
  // a ciphertext's trip to or from a worker thread: serialized, and serialized then loaded
  { op: 'serialize', needsLevel: false, run: (s, x) => s.ev.serialize(x) },
  { op: 'wire', needsLevel: false, run: (s, x) => s.ev.free(s.ev.deserialize(s.ev.serialize(x), x.complex)) },
  // the bootstrap's ModRaise (level 0 to the top; no key), where the backend has one
  { op: 'modraise', needsLevel: false, atZero: true, run: (s, x) => s.ev.free(s.ev.modRaise(x)) },
];

/**
 * Times every op at every level of `be` (top level first), calling `emit` with each op's
 * wall-time statistics and the median CPU time of its measured calls (the process's user +
 * system time: on a shared machine, wall time measures the other jobs as well). Ops that consume
 * a level are skipped at level 0.
 */
export function measureOps(
  session: Session,
  opts: { iterations: number; seed: number; log?: (line: string) => void },
  emit: (op: string, level: number, timeMs: TimeStats, cpuMs: number) => void,
): void {
  const be = session.ev;
  const rng = uniformRng(opts.seed);
  const v = uniformArray(rng, be.slots, -1, 1);
  const w = uniformArray(rng, be.slots, -1, 1);
  // rot7 is two key switches (8 and -1) without a key of its own, as with the power-of-two keys
  session.ensureRotationKeys([1, 8, -1]);
  for (let level = be.maxLevel; level >= 0; level--) {
    (opts.log ?? ((line) => process.stderr.write(line + '\n')))(`ops: level ${level}`);
    be.scope(() => {
      const x = session.client.encrypt(v, level),
        y = session.client.encrypt(w, level);
      for (const { op, needsLevel, atZero, run: call } of OPS) {
        if (needsLevel && level === 0) continue;
        if (atZero && (level !== 0 || !be.bootstrapSupport.modRaise)) continue;
        const cpu: number[] = [];
        const timeMs = timeSync(
          op,
          () => {
            const c0 = process.cpuUsage();
            call(session, x, y, v, level);
            const c = process.cpuUsage(c0);
            cpu.push((c.user + c.system) / 1000);
          },
          { iterations: opts.iterations, warmup: 2 },
        );
        emit(op, level, timeMs, median(cpu.slice(-opts.iterations)));
      }
    });
  }
}

/** Default cache folder: `.cache/latency` at the repository root (git-ignored), or $HETAL_BENCH_LATENCY_DIR. */
export const DEFAULT_LATENCY_DIR = process.env.HETAL_BENCH_LATENCY_DIR ?? path.resolve(__dirname, '..', '..', '.cache', 'latency');

/** What a table's latencies depend on besides the preset. */
export interface MachineId {
  cpu: string;
  cores: number;
  node: string;
  nodeSeal: string;
}

/** One measured table. */
export interface LatencyTable {
  machine: MachineId;
  backend: string;
  preset: string;
  /** ISO date and time of the measurement */
  measuredAt: string;
  /** measured calls per op and level */
  iterations: number;
  /** wall time, median per call */
  medians: LatencyMedians;
  /** CPU time (user + system), median per call */
  cpuMedians?: LatencyMedians;
}

function put(table: LatencyMedians, op: string, level: number, value: number): void {
  const row = (table[op as MeasuredOp] ??= []);
  while (row.length <= level) row.push(null);
  row[level] = value;
}

/** This machine. */
export function machineId(): MachineId {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, node: process.version, nodeSeal: sealVersion() };
}

/** A file-name-safe key of a machine. */
export function machineKey(m: MachineId): string {
  const slug = m.cpu
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${slug}-${m.cores}c-node${m.node.replace(/^v/, '')}-seal${m.nodeSeal}`;
}

/** Where the table of a machine, backend and preset is cached. */
export function tablePath(backend: string, preset: string, machine = machineId(), dir = DEFAULT_LATENCY_DIR): string {
  return path.join(dir, machineKey(machine), `${backend}-${preset.replace(/[^A-Za-z0-9_.=-]+/g, '_')}.json`);
}

/** The medians of `ops` records (one backend and preset) as a table measured now. */
export function tableFromRecords(backend: string, preset: string, iterations: number, records: readonly OpsRecord[]): LatencyTable {
  const medians: LatencyMedians = {},
    cpuMedians: LatencyMedians = {};
  for (const r of records) {
    if (r.state !== 'completed') continue;
    put(medians, r.op, r.level, r.timeMs.median);
    if (r.cpuMs !== undefined) put(cpuMedians, r.op, r.level, r.cpuMs);
  }
  return { machine: machineId(), backend, preset, measuredAt: new Date().toISOString(), iterations, medians, cpuMedians };
}

/** Writes a table to its cache file (atomically); returns the path. */
export function saveTable(table: LatencyTable, dir = DEFAULT_LATENCY_DIR): string {
  const file = tablePath(table.backend, table.preset, table.machine, dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(table, null, 1) + '\n');
  fs.renameSync(temporary, file);
  return file;
}

/** The cached table if present, of this machine and younger than `maxAgeDays`. */
export function loadTable(
  backend: string,
  preset: string,
  opts: { maxAgeDays?: number; dir?: string; now?: Date; machine?: MachineId } = {},
): LatencyTable | undefined {
  const machine = opts.machine ?? machineId();
  const file = tablePath(backend, preset, machine, opts.dir);
  if (!fs.existsSync(file)) return undefined;
  let table: LatencyTable;
  try {
    table = JSON.parse(fs.readFileSync(file, 'utf8')) as LatencyTable;
  } catch {
    return undefined; // a torn or foreign file is re-measured, not trusted
  }
  if (machineKey(table.machine) !== machineKey(machine) || table.backend !== backend || table.preset !== preset) return undefined;
  if (!table.cpuMedians) return undefined; // measured before CPU times were recorded
  // measured before an op the model prices was timed (e.g. the workers' traffic): measure again
  if (OPS.some(({ op, atZero }) => !atZero && !(op in table.medians))) return undefined;
  const ageDays = ((opts.now ?? new Date()).getTime() - Date.parse(table.measuredAt)) / 86_400_000;
  if (!(ageDays <= (opts.maxAgeDays ?? 30))) return undefined;
  return table;
}

/** Options of `latencyTable`. */
export interface LatencyOptions {
  /** measure even if a fresh table is cached */
  remeasure?: boolean;
  /** a cached table older than this is measured again (default 30 days) */
  maxAgeDays?: number;
  /** calls per op and level when measuring (default 5) */
  iterations?: number;
  dir?: string;
  seed?: number;
  log?: (line: string) => void;
}

/**
 * The latency table of `backend` and `preset` on this machine: the cached one when fresh,
 * otherwise measured now (minutes at n14 and n15: keys, then every op at every level) and cached.
 */
export async function latencyTable(backend: string, preset: string, opts: LatencyOptions = {}): Promise<LatencyTable> {
  if (backend !== 'seal' && backend !== 'sim') throw new InputError(`latency tables: unknown backend '${backend}' (sim or seal)`);
  const p = resolvePreset(preset);
  if (!opts.remeasure) {
    const cached = loadTable(backend, p.name, opts);
    if (cached) return cached;
  }
  const log = opts.log ?? (() => {});
  log(
    `latency table: measuring ${backend}/${p.name} on this machine (cached in ${path.dirname(tablePath(backend, p.name, undefined, opts.dir))})`,
  );
  // At N = 32768 all power-of-two keys take about 6 GB: only the steps the measurement uses.
  const session = await createSession(backend, p, {
    seed: opts.seed ?? 1,
    ...(p.ringDegree >= 32768 ? { rotationKeys: 'declared' as const } : {}),
  });
  const iterations = opts.iterations ?? 5;
  const medians: LatencyMedians = {},
    cpuMedians: LatencyMedians = {};
  try {
    measureOps(session, { iterations, seed: opts.seed ?? 1, log }, (op, level, t, cpuMs) => {
      put(medians, op, level, t.median);
      put(cpuMedians, op, level, cpuMs);
    });
  } finally {
    session.dispose();
  }
  const table: LatencyTable = {
    machine: machineId(),
    backend,
    preset: p.name,
    measuredAt: new Date().toISOString(),
    iterations,
    medians,
    cpuMedians,
  };
  saveTable(table, opts.dir);
  return table;
}
