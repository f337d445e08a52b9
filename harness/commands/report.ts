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
      const { charts } = await writeReport(results, opts.out);
      process.stderr.write(`report: ${charts} chart(s)\n`);
      process.stdout.write(`${opts.out}\n`);
    });
}
