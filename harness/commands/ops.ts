/**
 * `hetal-bench ops`: per-operation latency at each level of a preset, measured with tinybench.
 * This table is the floor later algorithm timings are compared with: an algorithm's time is
 * roughly its op counts times these latencies.
 */
import { type Command, Option } from 'commander';
import { createBackend } from '../../algorithms/ckks/backends';
import { resolvePreset } from '../../algorithms/ckks/presets';
import type { Ckks, Ct } from '../../algorithms/ckks/types';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { cellKey, LIMITS } from '../cell';
import { refuseIfKeysTooBig } from '../memory';
import { newRunId, runMeta } from '../metadata';
import { type CommonOptions, parseChoice, parseInteger, withCommonOptions } from '../options';
import { RecordSink } from '../output';
import type { OpsRecord } from '../records';
import { timeSync } from '../timing';

interface OpsOptions extends CommonOptions {
  backend: string;
  preset: string;
  iterations: number;
}

/** The measured operations: name and the call on a ciphertext at the level under test. */
const OPS: readonly { op: string; needsLevel: boolean; run: (be: Ckks, x: Ct, y: Ct, v: Float64Array, level: number) => unknown }[] = [
  { op: 'encode', needsLevel: false, run: (be, _x, _y, v, level) => be.free(be.encode(v, level)) },
  { op: 'encrypt', needsLevel: false, run: (be, _x, _y, v, level) => be.free(be.encrypt(v, level)) },
  { op: 'decrypt', needsLevel: false, run: (be, x) => be.decrypt(x) },
  { op: 'add', needsLevel: false, run: (be, x, y) => be.free(be.add(x, y)) },
  { op: 'cmult', needsLevel: true, run: (be, x, _y, v) => be.free(be.mulPlain(x, v)) },
  { op: 'mult', needsLevel: true, run: (be, x, y) => be.free(be.mul(x, y)) },
  { op: 'rescale', needsLevel: true, run: (be, x) => be.free(be.rescaleForTiming(x)) },
  { op: 'rot', needsLevel: false, run: (be, x) => be.free(be.rotate(x, 1)) },
  { op: 'rot7', needsLevel: false, run: (be, x) => be.free(be.rotate(x, 7)) },
  { op: 'conjugate', needsLevel: false, run: (be, x) => be.free(be.conjugate(x)) },
  { op: 'muli', needsLevel: false, run: (be, x) => be.free(be.mulI(x)) },
  { op: 'refresh', needsLevel: false, run: (be, x) => be.free(be.refresh(x)) },
];

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
    if (opts.backend === 'seal')
      refuseIfKeysTooBig(resolvePreset(opts.preset), { declaredOnly: false, realOnly: false }, `--preset ${opts.preset}`);
    const be = await createBackend(opts.backend, opts.preset, { seed: opts.seed });
    const run = newRunId();
    const sink = new RecordSink({
      json: opts.json,
      out: opts.out,
      columns: ['op', 'level', 'timeMs.median', 'timeMs.p75', 'timeMs.p99', 'timeMs.rme', 'timeMs.n'],
    });
    try {
      const rng = uniformRng(opts.seed);
      const v = uniformArray(rng, be.slots, -1, 1);
      const w = uniformArray(rng, be.slots, -1, 1);
      for (let level = be.maxLevel; level >= 0; level--) {
        process.stderr.write(`ops: level ${level}\n`);
        be.scope(() => {
          const x = be.encrypt(v, level),
            y = be.encrypt(w, level);
          for (const { op, needsLevel, run: call } of OPS) {
            if (needsLevel && level === 0) continue;
            const timeMs = timeSync(op, () => call(be, x, y, v, level), { iterations: opts.iterations, warmup: 2 });
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
              meta: runMeta(run, opts.seed),
            };
            sink.push(record);
          }
        });
      }
    } finally {
      be.dispose();
    }
    sink.finish();
  });
}
