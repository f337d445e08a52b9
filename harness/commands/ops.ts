/**
 * `hetal-bench ops`: per-operation latency at each level of a preset, measured with tinybench.
 * This table is the floor later algorithm timings are compared with: an algorithm's time is
 * roughly its op counts times these latencies.
 */
import { type Command, Option } from 'commander';
import { createSession, type Session } from '../../algorithms/ckks/session';
import type { Ct } from '../../algorithms/ckks/types';
import { uniformArray, uniformRng } from '../../algorithms/random';
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
const OPS: readonly { op: string; needsLevel: boolean; run: (s: Session, x: Ct, y: Ct, v: Float64Array, level: number) => unknown }[] = [
  { op: 'encode', needsLevel: false, run: (s, _x, _y, v, level) => s.ev.free(s.ev.encode(v, level)) },
  { op: 'encrypt', needsLevel: false, run: (s, _x, _y, v, level) => s.ev.free(s.client.encrypt(v, level)) },
  { op: 'decrypt', needsLevel: false, run: (s, x) => s.client.decrypt(x) },
  { op: 'add', needsLevel: false, run: (s, x, y) => s.ev.free(s.ev.add(x, y)) },
  { op: 'cmult', needsLevel: true, run: (s, x, _y, v) => s.ev.free(s.ev.mulPlain(x, v)) },
  { op: 'mult', needsLevel: true, run: (s, x, y) => s.ev.free(s.ev.mul(x, y)) },
  { op: 'rescale', needsLevel: true, run: (s, x) => s.ev.free(s.ev.rescaleForTiming(x)) },
  { op: 'rot', needsLevel: false, run: (s, x) => s.ev.free(s.ev.rotate(x, 1)) },
  { op: 'rot7', needsLevel: false, run: (s, x) => s.ev.free(s.ev.rotate(x, 7)) },
  { op: 'conjugate', needsLevel: false, run: (s, x) => s.ev.free(s.ev.conjugate(x)) },
  { op: 'muli', needsLevel: false, run: (s, x) => s.ev.free(s.ev.mulI(x)) },
  { op: 'refresh', needsLevel: false, run: (s, x) => s.ev.free(s.rf.refresh(x)) },
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
        new Option('--iterations <n>', 'measured calls per op and level').default(10).argParser((v) => parseInteger('--iterations', v)),
      ),
  ).action(async (opts: OpsOptions) => {
    parseChoice('--backend', opts.backend, ['sim', 'seal'] as const);
    const session = await createSession(opts.backend, opts.preset, { seed: opts.seed });
    const be = session.ev;
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
          const x = session.client.encrypt(v, level),
            y = session.client.encrypt(w, level);
          for (const { op, needsLevel, run: call } of OPS) {
            if (needsLevel && level === 0) continue;
            const timeMs = timeSync(op, () => call(session, x, y, v, level), { iterations: opts.iterations, warmup: 2 });
            const record: OpsRecord = {
              kind: 'ops',
              state: 'completed',
              cell: `ops|${opts.backend}|${opts.preset}|${op}|${level}`,
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
      session.dispose();
    }
    sink.finish();
  });
}
