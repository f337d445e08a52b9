/** `hetal-bench sweep CONFIG.json`: run a grid of experiments, resumable and shardable. */
import * as path from 'node:path';
import type { Command } from 'commander';
import { newRunId } from '../metadata';
import { expandCells, readConfig, shardCells } from '../sweep/config';
import { openSweepStore, runCells } from '../sweep/runner';

interface SweepOptions {
  out?: string;
  resume?: boolean;
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
    .option('--resume', 'skip cells already recorded in the results directory')
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
      const { store, done } = openSweepStore(dir, opts.resume);
      const outcome = await runCells(cells, store, {
        done,
        run: newRunId(),
        progress: process.stderr.isTTY === true,
        log: true,
        echo: opts.json ? (r) => process.stdout.write(JSON.stringify(r) + '\n') : undefined,
      });
      process.stderr.write(
        `sweep ${config.name}: ${outcome.ran} cells run, ${outcome.skipped} already recorded, ${outcome.failed} failed; results in ${store.jsonl}\n`,
      );
      if (outcome.interrupted) {
        process.stderr.write('sweep interrupted: run again with --resume to finish it\n');
        process.exitCode = 130;
      }
    });
}
