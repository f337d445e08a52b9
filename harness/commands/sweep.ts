/** `hetal-bench sweep CONFIG.json`: run a grid of experiments, resumable and shardable. */
import * as path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../algorithms/errors';
import { newRunId } from '../metadata';
import { parseInteger, parsePositive } from '../options';
import { EXIT_SUSPECT } from '../output';
import { expandCells, readConfig, shardCells } from '../sweep/config';
import { DEFAULT_CELL_MEMORY_MIB, DEFAULT_CELL_TIMEOUT_S, openSweepStore, runCells } from '../sweep/runner';

interface SweepOptions {
  out?: string;
  resume?: boolean;
  skipFailed?: boolean;
  cellTimeout?: number;
  cellMemory?: number;
  shard?: string;
  json?: boolean;
  dryRun?: boolean;
}

/** Registers `sweep`. */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a sweep config (a grid of matmul / softmax / train cells), appending one record per cell')
    .argument('<config>', 'sweep config JSON (see harness/experiments/)')
    .option('--out <dir>', 'results directory (default results/<config name>)')
    .option('--resume', 'skip cells already recorded in the results directory (failed cells run again)')
    .option('--skip-failed', 'with --resume: keep failed cells as they are instead of running them again')
    .option(
      '--cell-timeout <seconds>',
      `kill and record as failed a cell running longer (default: ${Object.entries(DEFAULT_CELL_TIMEOUT_S)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
      (v) => parsePositive('--cell-timeout', v),
    )
    .option(
      '--cell-memory <MiB>',
      `kill and record as failed a cell whose resident memory passes this (default ${DEFAULT_CELL_MEMORY_MIB}, plus 4096 per worker thread of a seal cell)`,
      (v) => parseInteger('--cell-memory', v, 64),
    )
    .option('--shard <I/N>', 'run only every N-th cell starting at I (spread a sweep over machines)')
    .option('--json', 'also print each record on stdout as JSON Lines')
    .option('--dry-run', 'list the cells and exit')
    .action(async (file: string, opts: SweepOptions) => {
      const config = readConfig(file);
      const cells = shardCells(expandCells(config), opts.shard);
      if (opts.dryRun) {
        for (const c of cells) process.stdout.write(`${c.key}\n`);
        return;
      }
      const dir = opts.out ?? path.join('results', config.name);
      if (opts.skipFailed && !opts.resume) throw new InputError('--skip-failed: only with --resume');
      const { store, done } = openSweepStore(dir, opts.resume, { skipFailed: opts.skipFailed });
      const outcome = await runCells(cells, store, {
        done,
        limits: { timeoutS: opts.cellTimeout, memoryMiB: opts.cellMemory },
        run: newRunId(),
        progress: process.stderr.isTTY === true,
        log: true,
        echo: opts.json ? (r) => process.stdout.write(JSON.stringify(r) + '\n') : undefined,
      });
      store.close();
      process.stderr.write(
        `sweep ${config.name}: ${outcome.ran} cells run, ${outcome.skipped} already recorded, ${outcome.failed} failed, ` +
          `${outcome.suspect} suspect; results in ${store.jsonl}\n`,
      );
      if (outcome.interrupted) {
        process.stderr.write('sweep interrupted: run again with --resume to finish it\n');
        process.exitCode = 130;
      } else if (outcome.failed > 0) {
        process.stderr.write('sweep: some cells failed (see their records); --resume runs them again\n');
        process.exitCode = 1;
      } else if (outcome.suspect > 0) process.exitCode = EXIT_SUSPECT;
    });
}
