/**
 * `hetal-bench matmul`: runs matmul algorithms on seeded uniform [0, 1) inputs (the paper's
 * benchmark protocol), checks each product against float64 and records op counts (one call),
 * depth, block shape, times (tinybench) and errors, one record per algorithm and shape, beside
 * the paper's Table 7 counts where it has them. Input errors stop before anything runs; a cell
 * that fails while running is recorded as failed and the exit status is 1 at the end.
 */
import { type Command, Option } from 'commander';
import { errorBound, precisionBits } from '../../algorithms/ckks/precision';
import { presetFor } from '../../algorithms/ckks/presets';
import { createSession, diffTranscripts, type Session } from '../../algorithms/ckks/session';
import { type BackendOptions, diffCounts, diffLevelCounts, type Params } from '../../algorithms/ckks/types';
import { InputError } from '../../algorithms/errors';
import type { MatmulAlgorithm, MatmulPlan, MatmulShape, Matrix } from '../../algorithms/interface';
import { randomMatrix } from '../../algorithms/matmul/plain';
import { MATMUL_ALGORITHMS, matmulAlgorithm } from '../../algorithms/matmul/registry';
import { uniformRng } from '../../algorithms/random';
import { newRunId, runMeta } from '../metadata';
import {
  type CommonOptions,
  type Performance,
  type PerformanceOptions,
  parseChoice,
  parseInteger,
  parseList,
  parsePerformance,
  parseWorkers,
  withCommonOptions,
  withPerformanceOptions,
  withWorkersOption,
} from '../options';
import { RecordSink } from '../output';
import { PAPER_SHAPES, table6Counts, table7Counts } from '../paper';
import { cellKey as makeCellKey, LIMITS } from '../cell';
import { estimateMatmulMemory, refuseIfTooBig } from '../memory';
import { endAfterHeapExhaustion, isHeapExhausted } from '../watchdog';
import type { ErrorKind, FailedRecord, MatmulRecord, TimeStats } from '../records';
import { timeAsync, timeSync } from '../timing';
import { EvaluatorPool } from '../../algorithms/parallel/pool';
import type { Parallel } from '../../algorithms/parallel/protocol';
import { median } from 'simple-statistics';
import { speedup } from '../cost/estimate';
import { cpuNowMs, parsePredictMode, type Predictor, predictionFields, predictorFor } from '../cost/predict';

interface MatmulOptions extends CommonOptions, PerformanceOptions {
  algo: string;
  shape: string;
  backend: string;
  preset?: string;
  repeat?: number;
  realOnly?: boolean;
  noise: boolean;
  predict?: string;
  workers?: string;
}

/** The matmul algorithms of an `--algo` list, or an InputError naming the flag and the known ids. */
export function parseAlgos(text: string): MatmulAlgorithm[] {
  return parseList('--algo', text, (id) => {
    try {
      return matmulAlgorithm(id);
    } catch (err) {
      throw new InputError(`--algo: ${(err as Error).message}`);
    }
  });
}

/** Parses `AxBxC` into the paper's (a, b, c), or an InputError naming it. */
export function parseShape(text: string): MatmulShape {
  const m = /^\s*(-?\d+)\s*[x×]\s*(-?\d+)\s*[x×]\s*(-?\d+)\s*$/i.exec(text);
  if (!m) throw new InputError(`--shape: '${text}' is not AxBxC (e.g. 128x128x4: a rows, b features, c classes)`);
  const [a, b, c] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  for (const [name, v] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new InputError(`--shape: '${text}': ${name} = ${v} is not a positive integer`);
  }
  return { a, b, c };
}

/** Registers `matmul`. */
export function registerMatmul(program: Command): void {
  withCommonOptions(
    withWorkersOption(withPerformanceOptions(program.command('matmul')))
      .description('run matmul algorithms on random inputs: op counts (vs Table 7), time, error against float64')
      .addOption(
        new Option('--algo <ids>', `comma list of: ${MATMUL_ALGORITHMS.map((a) => a.id).join(', ')}`).default(
          MATMUL_ALGORITHMS.map((a) => a.id).join(','),
        ),
      )
      .addOption(new Option('--shape <AxBxC,...>', "the paper's (a, b, c), comma-separated").default(PAPER_SHAPES.join(',')))
      .addOption(new Option('--backend <id>', 'sim or seal').default('sim'))
      .option('--preset <id>', 'parameter preset (default: fgb on sim, n14 on seal)')
      .addOption(
        new Option(
          '--repeat <n>',
          'timed calls (tinybench) after the first call, which is counted, checked and the warm-up; ' +
            "0: record the first call's own time (default: 1 on seal, 0 on sim, whose times are slot arithmetic, not CKKS cost)",
        ).argParser((v) => parseInteger('--repeat', v, 0, LIMITS.repeat)),
      )
      .option('--real-only', 'no complex slots: one diagonal per product (measures the fallback)')
      .option('--no-noise', 'sim: exact slot arithmetic (algorithmic error only; no precision is reported) instead of CKKS-sized noise')
      .option(
        '--predict <mode>',
        "seal: predictedMs from this machine's latency table: cached (if one is), measure (if none is cached), off",
        'cached',
      ),
  ).action(async (opts: MatmulOptions) => {
    // Everything the user typed is checked before a backend exists.
    const backendId = parseChoice('--backend', opts.backend, ['sim', 'seal'] as const);
    const perf: Performance = { ...parsePerformance(opts), workers: parseWorkers(opts.workers, backendId) };
    const preset = presetFor(backendId, opts.preset);
    const algos = parseAlgos(opts.algo);
    const shapes = parseList('--shape', opts.shape, parseShape);
    const predictMode = parsePredictMode(opts.predict);
    const predicted = { slots: preset.slots, maxLevel: preset.levels, supportsComplex: !opts.realOnly };
    const cells = shapes.flatMap((shape) => algos.map((algo) => ({ algo, shape, plan: algo.plan(shape, predicted) })));
    const declaredOnly = preset.ringDegree >= 32768;
    if (backendId === 'seal') {
      // a plan past the 4 GiB SEAL heap would grow it and then spin: refuse it before it starts
      refuseIfTooBig(preset, estimateMatmulMemory(preset, cells, { declaredOnly, realOnly: !!opts.realOnly }), `--algo/--shape`);
    }
    const noise = backendId === 'sim' && opts.noise !== false;

    const predictor = await predictorFor(backendId, preset.name, predictMode, (line) => process.stderr.write(`matmul: ${line}\n`));
    const be = await createSession(backendId, preset, {
      seed: opts.seed,
      realOnly: !!opts.realOnly,
      relin: perf.relin,
      noise,
      // at N = 32768 all power-of-two keys take ~6 GB: only the steps the algorithms declare
      ...(declaredOnly ? { rotationKeys: 'declared' as const } : {}),
      // one key generation for every cell (SEAL makes the whole Galois key set per call)
      rotationSteps: cells.flatMap((c) => c.algo.rotationSteps(c.plan)),
    });
    const repeat = opts.repeat ?? (backendId === 'sim' ? 0 : 1);
    const run = newRunId();
    const sink = new RecordSink({
      json: opts.json,
      out: opts.out,
      columns: [
        'algorithm',
        'shape.a',
        'shape.b',
        'shape.c',
        'block.s0',
        'block.s1',
        'ops.cmult',
        'ops.mult',
        'ops.rot',
        'paper.cmult',
        'paper.mult',
        'paper.rot',
        'depth',
        'timeMs.median',
        'error.maxAbs',
        'state',
      ],
    });
    let failed: number;
    try {
      const bases = cells.map(({ algo, shape }) => ({
        algo,
        shape,
        backend: backendId,
        preset: preset.name,
        realOnly: !!opts.realOnly,
        perf,
        noise,
        repeat,
        run,
        seed: opts.seed,
        ...(predictor ? { predictor } : {}),
      }));
      failed = await runCells(be, bases, repeat, (r) => sink.push(r), {
        workers: perf.workers ?? 1,
        backendOptions: { seed: opts.seed, realOnly: !!opts.realOnly, noise },
      });
    } finally {
      be.dispose();
    }
    sink.finish();
    if (failed > 0) {
      process.stderr.write(`hetal-bench: ${failed} of ${cells.length} matmul cells failed (see their records)\n`);
      process.exitCode = 1;
    }
  });
}

/** What identifies a cell besides its plan. */
export interface CellBase {
  algo: MatmulAlgorithm;
  shape: MatmulShape;
  backend: string;
  preset: string;
  realOnly: boolean;
  /** input levels and relinearization policy */
  perf: Performance;
  /** sim: CKKS-sized noise on (the error is then a precision figure) */
  noise?: boolean;
  /** timed calls after the first (part of the cell's key) */
  repeat?: number;
  run: string;
  seed: number;
  /** prices the call's counts by level (seal records carry predictedMs and overhead) */
  predictor?: Predictor;
  /** worker threads the cell runs on (set by runCells: 1 unless the algorithm has a parallel form) */
  workers?: number;
}

/** Worker threads for the cells (the pool starts once, after the keys are final, if any cell can use it). */
export interface PoolOptions {
  workers: number;
  /** the options the session was created with (the workers' evaluators get the same) */
  backendOptions?: BackendOptions;
}

/**
 * Runs cells in order, emitting one record each; a cell that throws gets a failed record and
 * the rest still run. Returns the number of failed cells. With `pool.workers` > 1, one pool of
 * evaluators on worker threads serves every cell whose algorithm has a parallel form, and is
 * destroyed at the end.
 */
export async function runCells(
  be: Session,
  cells: readonly CellBase[],
  repeat: number,
  emit: (r: MatmulRecord | FailedRecord) => void,
  pool: PoolOptions = { workers: 1 },
): Promise<number> {
  // One key generation for every cell (SEAL regenerates the whole Galois key set per call).
  const steps: number[] = [];
  for (const c of cells) {
    try {
      steps.push(...c.algo.rotationSteps(c.algo.plan(c.shape, be.ev)));
    } catch {
      // its own cell reports the error
    }
  }
  be.ensureRotationKeys(steps);
  const parallel =
    pool.workers > 1 && cells.some((c) => c.algo.runParallel) ? await EvaluatorPool.start(be, pool.workers, pool.backendOptions) : null;
  let failed = 0;
  try {
    for (const c of cells) {
      const label = `${c.algo.id} ${c.shape.a}x${c.shape.b}x${c.shape.c}`;
      process.stderr.write(`matmul: ${label} on ${c.backend}/${c.preset}\n`);
      const cell = { ...c, workers: parallel && c.algo.runParallel ? parallel.workers : 1 };
      let record: MatmulRecord | FailedRecord;
      try {
        const plan = withInputLevels(c.algo, c.algo.plan(c.shape, be.ev), c.perf);
        record = await measureCell(be, c.algo, plan, repeat, cell, cell.workers > 1 ? parallel : null);
      } catch (err) {
        failed += 1;
        record = failedRecord(be.ev, cell, err);
        process.stderr.write(`matmul: ${label} failed: ${record.message}\n`);
        if (isHeapExhausted(err)) {
          // the record is kept; disposing the backend now could spin for ever
          emit(record);
          endAfterHeapExhaustion();
        }
      }
      emit(record);
    }
  } finally {
    await parallel?.destroy();
  }
  return failed;
}

/** The cell's key (harness/cell.ts), the same as a sweep's for the same parameters. */
function cellKey(c: CellBase, repeat?: number): string {
  return makeCellKey('matmul', {
    algo: c.algo.id,
    shape: `${c.shape.a}x${c.shape.b}x${c.shape.c}`,
    backend: c.backend,
    preset: c.preset,
    seed: c.seed,
    'real-only': c.realOnly,
    'input-level': c.perf.inputLevel,
    relin: c.perf.relin,
    ...(c.algo.id === 'diag-atb' ? { 'atb-sums': c.perf.atbSums } : {}),
    ...(c.noise !== undefined && c.backend === 'sim' ? { noise: c.noise } : {}),
    ...((c.repeat ?? repeat) !== undefined ? { repeat: (c.repeat ?? repeat)! } : {}),
    ...((c.workers ?? 1) !== 1 ? { workers: c.workers! } : {}),
  });
}

/** What a cell's error figure measures. */
function errorKindOf(c: CellBase): ErrorKind {
  if (c.backend === 'seal') return 'ckks';
  return c.noise ? 'sim-noise' : 'exact-sim';
}

/** The plan with the performance policies: its inputs' levels (the least the algorithm accepts
 * ('auto'), or the top) and shared sums. */
export function withInputLevels(algo: MatmulAlgorithm, plan: MatmulPlan, perf: Pick<Performance, 'inputLevel' | 'atbSums'>): MatmulPlan {
  const shared = { ...plan, sharedSums: perf.atbSums === 'shared' };
  if (perf.inputLevel === 'top') return shared;
  const depth = algo.depth(plan);
  return { ...shared, inputLevels: algo.minInputLevels?.(plan) ?? { a: depth, b: depth } };
}

/** Prepares, runs once counted and checked (the warm-up), then times `repeat` more calls; with a
 * pool, the algorithm's parallel form. */
export async function measureCell(
  session: Session,
  algo: MatmulAlgorithm,
  plan: MatmulPlan,
  repeat: number,
  c: CellBase,
  pool: Parallel | null = null,
): Promise<MatmulRecord> {
  const { a, b, c: classes } = plan.shape;
  const rng = uniformRng(c.seed);
  const [A, B]: [Matrix, Matrix] =
    algo.family === 'abt'
      ? [randomMatrix(rng, a, b), randomMatrix(rng, classes, b)]
      : [randomMatrix(rng, a, classes), randomMatrix(rng, a, b)];
  const expected = algo.reference(A, B);
  const be = session.ev;
  const transcript0 = session.transcript.summary();
  const parallel = pool && algo.runParallel ? { pool, run: algo.runParallel.bind(algo) } : null;
  return be.scopeAsync(async () => {
    let t0 = performance.now();
    const inputs = algo.prepare(session.client, plan, A, B);
    const encryptMs = performance.now() - t0;
    const checked = await be.scopeAsync(async () => {
      const before = be.counts();
      const levelsBefore = be.levelCounts();
      const mergedBefore = be.counter.mergedLevelCounts();
      const cpu0 = cpuNowMs();
      t0 = performance.now();
      const out = parallel ? await parallel.run(be, plan, inputs, parallel.pool) : algo.run(be, plan, inputs);
      const firstMs = performance.now() - t0;
      const firstCpuMs = cpuNowMs() - cpu0;
      const ops = diffCounts(be.counts(), before);
      const levelCounts = diffLevelCounts(be.levelCounts(), levelsBefore);
      // the part the worker threads ran
      const parallelCounts = diffLevelCounts(be.counter.mergedLevelCounts(), mergedBefore);
      t0 = performance.now();
      const got = algo.decode(session.client, plan, out);
      return { ops, levelCounts, parallelCounts, got, firstMs, firstCpuMs, decryptMs: performance.now() - t0 };
    });
    // CPU time per call, as wall time: the median of the measured calls (tinybench makes one more);
    // with worker threads, the process's CPU time (every thread's)
    const cpuCalls: number[] = [];
    const timeMs: TimeStats =
      repeat === 0
        ? { median: checked.firstMs, min: checked.firstMs, max: checked.firstMs, mean: checked.firstMs, n: 1 }
        : parallel
          ? await timeAsync(
              algo.id,
              async () => {
                const cpu0 = cpuNowMs();
                await be.scopeAsync(async () => {
                  await parallel.run(be, plan, inputs, parallel.pool);
                });
                cpuCalls.push(cpuNowMs() - cpu0);
              },
              { iterations: repeat, warmup: 0 },
            )
          : timeSync(
              algo.id,
              () => {
                const cpu0 = cpuNowMs();
                be.scope(() => {
                  algo.run(be, plan, inputs);
                });
                cpuCalls.push(cpuNowMs() - cpu0);
              },
              { iterations: repeat, warmup: 0 },
            );
    const cpuMs = repeat > 0 ? median(cpuCalls.slice(-timeMs.n)) : checked.firstCpuMs;
    let maxAbs = 0,
      sum = 0;
    for (let i = 0; i < expected.data.length; i++) {
      const e = Math.abs(expected.data[i]! - checked.got.data[i]!);
      maxAbs = Math.max(maxAbs, e);
      sum += e;
    }
    const paper = table7Counts(algo, plan.shape, plan.slots, plan.s0);
    const table6 = table6Counts(algo, plan);
    const errorKind = errorKindOf(c);
    // A generous CKKS bound: every operation of the longest path the algorithm declares, on
    // results as large as a or b. Beyond it the result is wrong, not imprecise.
    const bound = errorBound(be.preset, algo.errorOps(plan), Math.max(a, b));
    const within = maxAbs <= bound;
    const record: MatmulRecord = {
      kind: 'matmul',
      ...(within
        ? { state: 'completed' as const }
        : {
            state: 'suspect' as const,
            reason: `max error ${Number.isFinite(maxAbs) ? maxAbs.toExponential(2) : String(maxAbs)} exceeds the CKKS bound ${bound.toExponential(2)} of preset ${c.preset}`,
          }),
      cell: cellKey(c, repeat),
      algorithm: algo.id,
      backend: c.backend,
      preset: c.preset,
      slots: be.slots,
      meta: runMeta(c.run, c.seed),
      family: algo.family,
      shape: plan.shape,
      cPadded: plan.cPad,
      block: { s0: plan.s0, s1: plan.s1 },
      ops: checked.ops,
      depth: algo.depth(plan),
      timeMs,
      phases: { encryptMs, decryptMs: checked.decryptMs },
      errorKind,
      // bits of precision only where the error is a CKKS figure (exact simulation has none)
      error: { maxAbs, meanAbs: sum / expected.data.length, bound, ...(errorKind === 'exact-sim' ? {} : { bits: precisionBits(maxAbs) }) },
      complexPacking: plan.complexPacking,
      inputLevel: c.perf.inputLevel,
      inputLevels: plan.inputLevels ?? { a: be.maxLevel, b: be.maxLevel },
      relin: c.perf.relin,
      ...(c.algo.id === 'diag-atb' ? { atbSums: c.perf.atbSums } : {}),
      workers: c.workers ?? 1,
      ...(paper ? { paper } : {}),
      ...(table6 ? { table6 } : {}),
      deviations: algo.deviations(plan),
      // inputs up, the product back: the protocol of one checked call
      transcript: diffTranscripts(session.transcript.summary(), transcript0),
      ...(c.predictor
        ? predictionFields(
            c.predictor,
            checked.levelCounts,
            timeMs.median,
            cpuMs,
            // the parallel algorithms split their block columns over the workers
            parallel ? { counts: checked.parallelCounts, speedup: speedup(pool!.workers, Math.ceil(plan.shape.b / plan.s1)) } : undefined,
          )
        : {}),
    };
    return record;
  });
}

/** The record of a cell that threw while running: its parameters and error, no statistics. */
export function failedRecord(be: Params, c: CellBase, err: unknown): FailedRecord {
  return {
    kind: 'matmul',
    state: 'failed',
    message: (err as Error)?.message ?? String(err),
    cell: cellKey(c),
    algorithm: c.algo.id,
    backend: c.backend,
    preset: c.preset,
    slots: be.slots,
    params: { algo: c.algo.id, shape: `${c.shape.a}x${c.shape.b}x${c.shape.c}`, 'real-only': c.realOnly },
    meta: runMeta(c.run, c.seed),
  };
}
