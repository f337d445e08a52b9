/**
 * `hetal-bench compare A B`: match two result sets by cell and print the ratio B/A of each
 * common cell's main figure, flagging changes beyond --threshold; optionally an HTML page.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { parsePositive } from '../options';
import { emitTable, ensureDir, writeFileAtomic } from '../output';
import { buildComparisonReport, compareRecords, summarize } from '../report/compare';
import { loadResults } from '../report/load';

interface CompareOptions {
  threshold: number;
  out?: string;
  json?: boolean;
}

/** Registers `compare`. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two result sets cell by cell: ratio B/A of each main figure, changes beyond a threshold flagged')
    .argument('<a>', 'results.jsonl or a directory holding one (the baseline)')
    .argument('<b>', 'results.jsonl or a directory holding one (compared with A)')
    .option('--threshold <x>', 'flag |B/A - 1| above this (0.1 = 10%)', (v) => parsePositive('--threshold', v), 0.1)
    .option('--out <file>', 'also write the comparison as an HTML page')
    .option('--json', 'one JSON row per compared figure on stdout')
    .action(async (a: string, b: string, opts: CompareOptions) => {
      const ra = loadResults([a]),
        rb = loadResults([b]);
      const comparison = compareRecords(ra.records, rb.records, opts.threshold);
      const rows = comparison.rows.map((r) => ({
        kind: r.kind,
        cell: r.cell,
        metric: r.metric,
        a: r.a,
        b: r.b,
        ratio: r.ratio,
        // JSON keeps the boolean; the text table marks only what changed
        changed: opts.json ? r.changed : r.changed ? 'CHANGED' : '',
        ...(r.note ? { note: r.note } : {}),
        ...(opts.json && r.seeds ? { seeds: r.seeds } : {}),
      }));
      emitTable(rows, { json: !!opts.json, columns: ['kind', 'cell', 'metric', 'a', 'b', 'ratio', 'changed', 'note'] });
      if (opts.out) {
        ensureDir(path.dirname(path.resolve(opts.out)), '--out');
        writeFileAtomic(opts.out, await buildComparisonReport(comparison, { a, b }), '--out');
        process.stderr.write(`comparison written to ${opts.out}\n`);
      }
      process.stderr.write(`compare: ${summarize(comparison)}\n`);
    });
}
