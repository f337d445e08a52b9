/**
 * `hetal-bench ops`: per-operation latency at each level of a preset, measured with tinybench.
 * This table is the floor later algorithm timings are compared with: an algorithm's time is
 * roughly its op counts times these latencies. The medians (wall and CPU time) are also cached
 * per machine for the cost model (harness/cost/latency.ts): estimates and predictedMs use them.
 */
import { type Command, Option } from 'commander';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { createSession } from '../../algorithms/ckks/session';
import { measureOps, saveTable, tableFromRecords } from '../cost/latency';
import { cellKey, LIMITS } from '../cell';
import { refuseIfKeysTooBig } from '../memory';
import { newRunId, runMeta } from '../metadata';
import { type CommonOptions, parseChoice, parseInteger, withCommonOptions } from '../options';
import { RecordSink } from '../output';
import type { OpsRecord } from '../records';

interface OpsOptions extends CommonOptions {
  backend: string;
  preset: string;
  iterations: number;
}

/** Registers `ops`. */
export function registerOps(program: Command): void {
  withCommonOptions(
    program
      .command('ops')
      .description('per-operation latency at each level (tinybench: median, p75, p99, rme)')
      .addOption(new Option('--backend <id>', 'sim or seal').default('seal'))
      .addOption(new Option('--preset <id>', 'parameter preset').default('n13'))
      .addOption(
        new Option('--iterations <n>', 'measured calls per op and level')
          .default(10)
          .argParser((v) => parseInteger('--iterations', v, 1, LIMITS.iterations)),
      ),
  ).action(async (opts: OpsOptions) => {
    parseChoice('--backend', opts.backend, ['sim', 'seal'] as const);
    const preset = resolvePreset(opts.preset);
    if (opts.backend === 'seal') refuseIfKeysTooBig(preset, { declaredOnly: false, realOnly: false }, `--preset ${opts.preset}`);
    const session = await createSession(opts.backend, preset, { seed: opts.seed });
    const be = session.ev;
    const run = newRunId();
    const sink = new RecordSink({
      json: opts.json,
      out: opts.out,
      columns: ['op', 'level', 'timeMs.median', 'timeMs.p75', 'timeMs.p99', 'timeMs.rme', 'timeMs.n'],
    });
    const records: OpsRecord[] = [];
    try {
      measureOps(session, { iterations: opts.iterations, seed: opts.seed }, (op, level, timeMs, cpuMs) => {
        const record: OpsRecord = {
          kind: 'ops',
          state: 'completed',
          cell: cellKey('ops', { backend: opts.backend, preset: opts.preset, iterations: opts.iterations, seed: opts.seed, op, level }),
          algorithm: op,
          op,
          level,
          backend: opts.backend,
          preset: opts.preset,
          slots: be.slots,
          timeMs,
          cpuMs,
          meta: runMeta(run, opts.seed),
        };
        records.push(record);
        sink.push(record);
      });
    } finally {
      session.dispose();
    }
    sink.finish();
    // The same medians serve the cost model (estimate, predictedMs) until re-measured.
    const file = saveTable(tableFromRecords(opts.backend, preset.name, opts.iterations, records));
    process.stderr.write(`ops: latency table cached in ${file}\n`);
  });
}
