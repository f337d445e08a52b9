/**
 * `hetal-bench bench`: the main job. Runs the `quick` sweep (all three experiments on the
 * embedded default data) into results/<run>/, then writes reports/<run>.html, and prints where.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { newRunId } from '../metadata';
import { writeReport } from '../report';
import { expandCells, readConfig } from '../sweep/config';
import { EXIT_SUSPECT } from '../output';
import { openSweepStore, runCells } from '../sweep/runner';

const EXPERIMENTS = path.join(__dirname, '..', 'experiments');

interface BenchOptions {
  out?: string;
  report?: string;
  experiment: string;
  resume?: boolean;
}

/** Registers `bench`. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('the main job: the quick sweep of all three experiments, then its HTML report')
    .option('--out <dir>', 'results directory (default results/<run>)')
    .option('--report <file>', 'report file (default reports/<run>.html)')
    .option('--experiment <name>', 'a shipped experiment (hetal-bench list) or a config path', 'quick')
    .option('--resume', 'continue an interrupted bench in --out')
    .action(async (opts: BenchOptions) => {
      const file = opts.experiment.endsWith('.json') ? opts.experiment : path.join(EXPERIMENTS, `${opts.experiment}.json`);
      const config = readConfig(file);
      const cells = expandCells(config);
      const run = opts.out ? path.basename(path.resolve(opts.out)) : newRunId();
      const dir = opts.out ?? path.join('results', run);
      const { store, done } = openSweepStore(dir, opts.resume);
      process.stderr.write(`bench: ${config.name}: ${cells.length} cells -> ${dir}\n`);
      const t0 = performance.now();
      const outcome = await runCells(cells, store, { done, run, progress: process.stderr.isTTY === true, log: true });
      store.close();
      const reportFile = opts.report ?? path.join('reports', `${run}.html`);
      const { charts } = await writeReport([store.jsonl], reportFile);
      const minutes = (performance.now() - t0) / 60000;
      process.stdout.write(`results: ${store.jsonl}\nresults: ${store.csv}\nreport:  ${reportFile} (${charts} charts)\n`);
      process.stdout.write(
        `${outcome.ran} cells run, ${outcome.failed} failed, ${outcome.suspect} suspect, ${outcome.skipped} resumed, in ${minutes.toFixed(1)} min\n`,
      );
      if (outcome.interrupted) process.exitCode = 130;
      else if (outcome.failed > 0) process.exitCode = 1;
      else if (outcome.suspect > 0) process.exitCode = EXIT_SUSPECT;
    });
}
