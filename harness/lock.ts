/**
 * The exclusive lock of a results directory (proper-lockfile: an atomic mkdir of DIR/.lock), so
 * two writers never append to one results.jsonl. The holder's pid, host and command are written
 * beside the lock (DIR/.lock.owner) for the refusal message; a lock left by a killed process on
 * this host (its pid no longer running) is broken, since nobody else can release it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import lockfile from 'proper-lockfile';
import { InputError } from '../algorithms/errors';

/**
 * proper-lockfile treats a lock whose mtime is older than `stale` as abandoned. Encrypted cells
 * run synchronously for many minutes, during which the holder cannot refresh the mtime, so the
 * staleness window is long and a dead holder is recognised by its pid instead.
 */
const STALE_MS = 24 * 3600 * 1000;

interface Owner {
  pid: number;
  host: string;
  command: string;
  started: string;
}

/** Locks held by this process, released by `releaseAllLocks` (and by proper-lockfile at exit). */
const held = new Map<string, () => void>();

function ownerFile(dir: string): string {
  return path.join(dir, '.lock.owner');
}

function readOwner(dir: string): Owner | null {
  try {
    return JSON.parse(fs.readFileSync(ownerFile(dir), 'utf8')) as Owner;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `dir` or throws an InputError naming the holder (`flag` names the input). */
export function lockResultsDir(dir: string, flag = '--out'): void {
  const key = path.resolve(dir);
  if (held.has(key)) throw new InputError(`${flag} ${dir}: this process already writes to it`);
  const opts = {
    lockfilePath: path.join(dir, '.lock'),
    realpath: false,
    stale: STALE_MS,
    onCompromised: (err: Error) => process.stderr.write(`hetal-bench: warning: the lock of ${dir} was lost (${err.message})\n`),
  };
  let release: () => void;
  try {
    release = lockfile.lockSync(dir, opts);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED')
      throw new InputError(`${flag} ${dir}: cannot lock it (${(err as Error).message})`);
    const owner = readOwner(dir);
    if (owner && owner.host === os.hostname() && !alive(owner.pid)) {
      // killed without releasing (SIGKILL, power loss): break it and take it
      fs.rmSync(path.join(dir, '.lock'), { recursive: true, force: true });
      fs.rmSync(ownerFile(dir), { force: true });
      process.stderr.write(`hetal-bench: warning: ${dir}: removed the lock of pid ${owner.pid}, which is no longer running\n`);
      release = lockfile.lockSync(dir, opts);
    } else {
      const who = owner
        ? `pid ${owner.pid} on ${owner.host}, started ${owner.started}: ${owner.command}`
        : `a process whose pid is not yet recorded in ${ownerFile(dir)}`;
      throw new InputError(
        `${flag} ${dir}: another hetal-bench is writing these results (${who}); wait for it, use another directory, or remove ${path.join(dir, '.lock')} if it is not running`,
      );
    }
  }
  const owner: Owner = {
    pid: process.pid,
    host: os.hostname(),
    command: process.argv.slice(2).join(' '),
    started: new Date().toISOString(),
  };
  fs.writeFileSync(ownerFile(dir), JSON.stringify(owner) + '\n');
  held.set(key, () => {
    fs.rmSync(ownerFile(dir), { force: true });
    release();
  });
}

/** Releases the lock of `dir` if this process holds it. */
export function unlockResultsDir(dir: string): void {
  const key = path.resolve(dir);
  const release = held.get(key);
  if (!release) return;
  held.delete(key);
  try {
    release();
  } catch {
    // already released or removed by hand: nothing left to do
  }
}

/** Releases every lock this process holds (the CLI calls it when a command ends). */
export function releaseAllLocks(): void {
  for (const dir of [...held.keys()]) unlockResultsDir(dir);
}
