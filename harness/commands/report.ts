/** `hetal-bench report RESULTS... --out FILE.html`: one static HTML report from result files. */
import type { Command } from 'commander';
import { writeReport } from '../report';

interface ReportOptions {
  out: string;
}

/** Registers `report`. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('build a static HTML report (inline SVG charts, opens offline) from result files')
    .argument('<results...>', 'results.jsonl files, or directories holding one (or holding run folders that do)')
    .option('--out <file>', 'the HTML file to write', 'reports/report.html')
    .action(async (results: string[], opts: ReportOptions) => {
      const { charts, records } = await writeReport(results, opts.out);
      process.stderr.write(`report: ${charts} chart(s)\n`);
      process.stdout.write(`${opts.out}\n`);
      if (records === 0) {
        // an empty report is not a result: say so, and fail the command
        process.stderr.write(`hetal-bench: warning: ${results.join(', ')}: no records; ${opts.out} says only that\n`);
        process.exitCode = 2;
      }
    });
}
