/** Runs the real CLI (bin/hetal-bench.js) in a child process, as a user would. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const BIN = path.join(__dirname, '..', '..', 'bin', 'hetal-bench.js');

/** Exit status, stdout and stderr of `hetal-bench ...args`. */
export function cli(
  args: string[],
  opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, ...opts.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Parses stdout as JSON Lines. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
