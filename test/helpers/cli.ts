/** Runs the real CLI (bin/hetal-bench.js) in a child process, as a user would, or in this process. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../harness/cli';

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

/**
 * `hetal-bench ...args` in this process (no start-up per case), stdout and stderr captured; the
 * exit status main() returns, and process.exitCode reset after.
 */
export async function inProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [],
    err: string[] = [];
  const write = (sink: string[]) =>
    ((chunk: string | Uint8Array) => {
      sink.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
  const [ow, ew] = [process.stdout.write, process.stderr.write];
  process.stdout.write = write(out);
  process.stderr.write = write(err);
  try {
    return { status: await main(args), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = undefined;
  }
}
