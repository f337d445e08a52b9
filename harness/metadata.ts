/** Run metadata: what ran where, attached to every record. */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { sealVersion } from '../algorithms/ckks/seal';
import type { RunMeta } from './records';

let commit: string | null = null;

/** The checkout's commit (with `+dirty` when the tree has changes), or `unknown`. */
export function gitCommit(): string {
  if (commit === null) {
    const cwd = path.join(__dirname, '..');
    try {
      const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
      commit = dirty ? `${head}+dirty` : head;
    } catch {
      commit = 'unknown';
    }
  }
  return commit;
}

/** A run id from the current time, e.g. 20261124-143012. */
export function newRunId(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

/** Metadata for a record written now. */
export function runMeta(run: string, seed: number): RunMeta {
  const cpus = os.cpus();
  return {
    timestamp: new Date().toISOString(),
    run,
    gitCommit: gitCommit(),
    node: process.version,
    nodeSeal: sealVersion(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    seed,
  };
}
