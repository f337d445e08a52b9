/**
 * `hetal-bench cell` (hidden): runs one sweep cell whose spec arrives as JSON on stdin
 * (harness/sweep/cell-spec.ts), so a sweep never passes its values as command-line words.
 */
import type { Command } from 'commander';
import { cellArgv, decodeCellSpec } from '../sweep/cell-spec';
import { runsSeal, startMemoryWatchdog } from '../watchdog';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Registers the hidden `cell` command; `build` makes a fresh program to run the cell's command in. */
export function registerCell(program: Command, build: () => Command): void {
  program
    .command('cell', { hidden: true })
    .description('run one sweep cell given as JSON on stdin (used by sweep)')
    .action(async () => {
      const cell = decodeCellSpec(await readStdin(), 'cell spec (stdin)');
      const argv = cellArgv(cell);
      if (runsSeal(argv)) startMemoryWatchdog();
      await build().parseAsync(argv, { from: 'user' });
    });
}
