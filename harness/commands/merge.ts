/** `hetal-bench merge DIR`: gather a submitted run's shards into one results file, checked against its grid. */
import type { Command } from 'commander';
import { complete, describeMerge, mergeRun } from '../cluster/merge';
import { runPaths } from '../cluster/run-folder';

/** Registers `merge`. */
export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      "gather a submitted run's shards (DIR/shards/*/results.jsonl) into DIR/results.jsonl and DIR/results.csv; " +
        'exits 1 naming every missing or duplicated cell if the grid of DIR/config.json is not covered exactly once',
    )
    .argument('<dir>', 'the run folder made by `hetal-bench submit`')
    .action((dir: string) => {
      const outcome = mergeRun(dir);
      const resubmit = `hetal-bench submit ${runPaths(dir).config} --slurm --out ${dir}`;
      process.stderr.write(describeMerge(dir, outcome, resubmit).join('\n') + '\n');
      process.stdout.write(`${outcome.jsonl}\n`);
      if (!complete(outcome)) process.exitCode = 1;
    });
}
