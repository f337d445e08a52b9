/**
 * `hetal-bench softmax`: error and cost of the softmax approximations under the paper's protocol
 * (hetal.md section 5): logits uniform in [-r, r] for each r of a cumulative list of ranges,
 * error of a sample = max over classes of |softmax - approx|, max and mean over samples.
 *
 * `--backend plain` measures the approximation error (float64, as the reference script);
 * `sim` / `seal` run the encrypted evaluation on ciphertext blocks in the SoftmaxLayout and
 * measure the total error under CKKS, beside the plain error on the same samples and the
 * agreement between the two (what CKKS adds). One record per algorithm, class count and range.
 */
import { type Command, Option } from 'commander';
import { createSession, diffTranscripts, type RefreshKind, type Session, sessionSlots } from '../../algorithms/ckks/session';
import { type Preset, presetFor } from '../../algorithms/ckks/presets';
import { addCounts, diffCounts, diffLevelCounts, type OpCounts, scaleCounts, zeroCounts } from '../../algorithms/ckks/types';
import type { Matrix } from '../../algorithms/interface';
import { layoutSpec, packBlock as packLayoutBlock } from '../../algorithms/matrix/pack';
import { median } from 'simple-statistics';
import { addLevelCounts, type LevelCounts, scaleLevelCounts, withClientOps } from '../cost/model';
import { cpuNowMs, parsePredictMode, type PredictMode, type Predictor, predictionFields, predictorFor } from '../cost/predict';
import { InputError } from '../../algorithms/errors';
import type { SoftmaxAlgorithm, SoftmaxLayout } from '../../algorithms/interface';
import { uniformRng } from '../../algorithms/random';
import { padClasses } from '../../algorithms/softmax/layout';
import { ErrorStats, exactSoftmax } from '../../algorithms/softmax/reference';
import { getSoftmax, SOFTMAX_ALGORITHMS } from '../../algorithms/softmax/registry';
import { newRunId, runMeta } from '../metadata';
import {
  type CommonOptions,
  parseChoice,
  parseInteger,
  parseList,
  parsePositive,
  parseRefresh,
  type RefreshOptions,
  withCommonOptions,
  withRefreshOptions,
} from '../options';
import { RecordSink } from '../output';
import type { Measured, SoftmaxRecord } from '../records';
import { sampleStats } from '../timing';
import { cellKey, cumulativeRanges, LIMITS, PAPER_RANGES } from '../cell';
import { errorBound } from '../../algorithms/ckks/precision';
import { bootstrapErrorBound } from '../../algorithms/ckks/bootstrap/bootstrapper';

export { cumulativeRanges, PAPER_RANGES };

/** Rows generated and evaluated at once in plain mode. */
const PLAIN_CHUNK = 1 << 16;

/** The largest block row of any preset (2^15 slots): the most classes a layout can hold. */
const MAX_ROW = 1 << 15;

interface SoftmaxOptions extends CommonOptions, RefreshOptions {
  algo: string;
  classes: string;
  range: string;
  samples?: number;
  backend: string;
  preset?: string;
  s1?: number;
  predict?: string;
}

/** A validated run: everything checked before anything runs. */
export interface SoftmaxRun {
  algorithms: SoftmaxAlgorithm[];
  classes: number[];
  ranges: number[];
  /** samples per sub-range (undefined: the backend's default) */
  samples?: number;
  backend: 'plain' | 'sim' | 'seal';
  preset: Preset | null;
  /** block columns (default cPad) */
  s1?: number;
  seed: number;
  /** seal: where the cost model's latency table comes from */
  predict?: PredictMode;
  /** the refresher: client-aided (default) or the preset's bootstrap */
  refresh: RefreshKind;
  /** a preset without a security claim was allowed (--insecure) */
  insecure: boolean;
}

/** Validates the options; throws an InputError naming the first bad input. */
export function resolveSoftmaxRun(opts: SoftmaxOptions): SoftmaxRun {
  const algorithms = parseList('--algo', opts.algo, (id) => getSoftmax(id));
  const classes = parseList('--classes', opts.classes, (v) => parseInteger('--classes', v, 2));
  const ranges = parseList('--range', opts.range, (v) => parsePositive('--range', v));
  const backend = parseChoice('--backend', opts.backend, ['plain', 'sim', 'seal'] as const);
  if (opts.samples !== undefined && !(Number.isSafeInteger(opts.samples) && opts.samples >= 1)) {
    throw new InputError(`--samples: '${opts.samples}' is not an integer >= 1`);
  }
  const refresh = parseRefresh(opts.refresh);
  let preset: Preset | null = null;
  if (backend !== 'plain') {
    preset = presetFor(backend, opts.preset, { insecure: opts.insecure });
    if (refresh !== 'client' && !preset.bootstrap) {
      throw new InputError(`--refresh ${refresh}: preset ${preset.name} has no bootstrap (see hetal-bench list)`);
    }
    const between = refresh !== 'client' ? preset.bootstrap!.outputLevel : preset.levels;
    for (const alg of algorithms) {
      if (!alg.encryptable) throw new InputError(`--algo ${alg.id}: no encrypted form; it runs on --backend plain only`);
      if (alg.minLevels > between) {
        throw new InputError(
          `--preset ${preset.name}: ${between} levels between refreshes${refresh !== 'client' ? ' (after a bootstrap)' : ''}, but ${alg.id} has a stage that needs ${alg.minLevels}`,
        );
      }
    }
  } else if (opts.preset !== undefined) {
    throw new InputError(`--preset ${opts.preset}: the plain backend has no CKKS preset (use --backend sim or seal)`);
  } else if (refresh !== 'client') {
    throw new InputError(`--refresh ${refresh}: the plain backend has no ciphertexts to refresh (use --backend sim or seal)`);
  }
  const row = preset ? sessionSlots(preset, refresh) : MAX_ROW;
  for (const c of classes) {
    const cPad = padClasses(c);
    const s1 = opts.s1 ?? cPad;
    if (s1 > row || cPad > row)
      throw new InputError(`--classes ${c}: more than a block row holds (${c} classes pad to ${cPad}; a row has at most ${row} slots)`);
    if (opts.s1 !== undefined && (s1 % cPad !== 0 || (s1 & (s1 - 1)) !== 0)) {
      throw new InputError(`--s1 ${s1}: not a power-of-two multiple of ${cPad} (${c} classes padded)`);
    }
  }
  if (opts.s1 !== undefined && backend === 'plain') throw new InputError('--s1: the plain backend has no block layout');
  const predict = parsePredictMode(opts.predict);
  return {
    algorithms,
    classes,
    ranges,
    samples: opts.samples,
    backend,
    preset,
    s1: opts.s1,
    seed: opts.seed,
    predict,
    refresh,
    insecure: !!opts.insecure,
  };
}

/** Registers `softmax`. */
export function registerSoftmax(program: Command): void {
  withCommonOptions(
    withRefreshOptions(program.command('softmax'))
      .description("error and cost of softmax approximations (the paper's protocol; plain = approximation error, sim/seal = under CKKS)")
      .addOption(new Option('--algo <ids>', `comma list of: ${SOFTMAX_ALGORITHMS.map((a) => a.id).join(', ')}`).default('hetal'))
      .addOption(new Option('--classes <list>', 'comma list of class counts (>= 2)').default('10'))
      .addOption(
        new Option(
          '--range <list>',
          'comma list of ranges R: logits uniform in [-r, r] for each paper range r < R and for R (8 means {4, 8})',
        ).default('128'),
      )
      .addOption(
        new Option('--samples <n>', 'samples per sub-range (default: 100000 plain; one ciphertext block on sim/seal)').argParser((v) =>
          parseInteger('--samples', v, 1, LIMITS.samples),
        ),
      )
      .addOption(new Option('--backend <id>', 'plain, sim or seal').default('plain'))
      .option('--preset <id>', 'CKKS preset (default: fgb on sim, n14 on seal)')
      .addOption(
        new Option('--s1 <n>', 'block columns (a power-of-two multiple of the padded classes; default: the padded classes)').argParser(
          (v) => parseInteger('--s1', v, 2),
        ),
      )
      .option(
        '--predict <mode>',
        "seal: predictedMs from this machine's latency table: cached (if one is), measure (if none is cached), off",
        'cached',
      ),
  ).action(async (opts: SoftmaxOptions) => {
    const run = resolveSoftmaxRun(opts);
    const sink = new RecordSink({
      json: opts.json,
      out: opts.out,
      columns: [
        'algorithm',
        'backend',
        'preset',
        'classes',
        'range',
        'samplesTotal',
        'error.max',
        'error.mean',
        'agreement.max',
        'depth',
        'refreshes',
        'timeMs.median',
      ],
    });
    const id = newRunId();
    if (run.backend === 'plain') runPlain(run, id, sink);
    else await runEncrypted(run, id, sink);
    sink.finish();
  });
}

// ---- samples ---------------------------------------------------------------------------------

/** FNV-1a of a string: independent, reproducible generators per (seed, classes, sub-range). */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A stream of rows x classes logits uniform in [-r, r]; the same rows for the same (seed, classes, r). */
function logitStream(seed: number, classes: number, r: number): (rows: number) => Float64Array {
  const rng = uniformRng(hash32(`softmax|${seed}|${classes}|${r}`));
  return (rows) => {
    const z = new Float64Array(rows * classes);
    for (let i = 0; i < z.length; i++) z[i] = (2 * rng() - 1) * r;
    return z;
  };
}

function baseRecord(run: SoftmaxRun, alg: SoftmaxAlgorithm, c: number, range: number, samples: number, id: string) {
  const preset = run.preset?.name ?? 'none';
  return {
    kind: 'softmax' as const,
    state: 'completed' as const,
    cell: cellKey('softmax', {
      algo: alg.id,
      classes: c,
      range,
      samples,
      backend: run.backend,
      preset,
      seed: run.seed,
      refresh: run.refresh,
    }),
    algorithm: alg.id,
    backend: run.backend,
    preset,
    ...(run.backend !== 'plain' ? { refresh: run.refresh } : {}),
    ...(run.preset?.insecure ? { insecure: true } : {}),
    slots: run.preset ? sessionSlots(run.preset, run.refresh) : 0,
    classes: c,
    cPad: padClasses(c),
    range,
    ranges: cumulativeRanges(range),
    samples,
    samplesTotal: samples * cumulativeRanges(range).length,
    meta: runMeta(id, run.seed),
  };
}

// ---- plain -----------------------------------------------------------------------------------

function runPlain(run: SoftmaxRun, id: string, sink: RecordSink): void {
  const samples = run.samples ?? 100_000;
  for (const c of run.classes) {
    for (const range of run.ranges) {
      const t0 = performance.now();
      const stats = run.algorithms.map(() => new ErrorStats());
      const ms = run.algorithms.map(() => 0);
      for (const r of cumulativeRanges(range)) {
        const next = logitStream(run.seed, c, r);
        for (let done = 0; done < samples; done += PLAIN_CHUNK) {
          const rows = Math.min(PLAIN_CHUNK, samples - done);
          const z = next(rows);
          const exact = exactSoftmax(z, rows, c);
          run.algorithms.forEach((alg, a) => {
            const s = performance.now();
            const approx = alg.plain(z, rows, c);
            ms[a]! += performance.now() - s;
            stats[a]!.add(exact, approx, rows, c);
          });
        }
      }
      process.stderr.write(`softmax plain: classes ${c}, range ${range}: ${(performance.now() - t0).toFixed(0)} ms\n`);
      run.algorithms.forEach((alg, a) => {
        const st = stats[a]!;
        const t = ms[a]!;
        const record: SoftmaxRecord & Record<string, unknown> = {
          ...baseRecord(run, alg, c, range, samples, id),
          errorKind: 'approximation',
          error: { max: st.max, mean: st.mean, nonFinite: st.nonFinite } as SoftmaxRecord['error'],
          depth: alg.depth({ s0: 1, s1: padClasses(c), classes: c, cPad: padClasses(c) }),
          timeMs: { median: t, min: t, max: t, mean: t, n: 1 },
          samplesPerSecond: st.count / (t / 1000),
        };
        sink.push(record);
      });
    }
  }
}

// ---- sim / seal ------------------------------------------------------------------------------

async function runEncrypted(run: SoftmaxRun, id: string, sink: RecordSink): Promise<void> {
  const preset = run.preset!;
  // Only the declared steps get keys (seal: one key-switching key each, 19 MB at n14), so
  // every logical rotation is one key switch, on both backends alike.
  const layouts = run.classes.map((c): SoftmaxLayout => {
    const cPad = padClasses(c);
    const s1 = run.s1 ?? cPad;
    return { s0: sessionSlots(preset, run.refresh) / s1, s1, classes: c, cPad };
  });
  const predictor = await predictorFor(run.backend, preset.name, run.predict ?? 'cached', (line) =>
    process.stderr.write(`softmax: ${line}\n`),
  );
  const session = await createSession(run.backend, preset, {
    seed: run.seed,
    noise: true,
    rotationKeys: 'declared',
    rotationSteps: layouts.flatMap((layout) => run.algorithms.flatMap((a) => a.rotationSteps(layout))),
    refresh: run.refresh,
    insecure: run.insecure,
  });
  try {
    for (const layout of layouts) {
      for (const range of run.ranges) runEncryptedCell(session, run, layout, range, id, sink, predictor);
    }
  } finally {
    session.dispose();
  }
}

function runEncryptedCell(
  session: Session,
  run: SoftmaxRun,
  layout: SoftmaxLayout,
  range: number,
  id: string,
  sink: RecordSink,
  predictor?: Predictor,
): void {
  const be = session.ev;
  const { s0, s1, classes: c, cPad } = layout;
  const subRanges = cumulativeRanges(range);
  const samples = run.samples ?? Math.ceil(s0 / subRanges.length);
  const parts = subRanges.map((r) => logitStream(run.seed, c, r)(samples));
  const rows = samples * subRanges.length;
  const z = new Float64Array(rows * c);
  parts.forEach((p, i) => z.set(p, i * samples * c));
  const exact = exactSoftmax(z, rows, c);
  const blocks = Math.ceil(rows / s0);
  for (const alg of run.algorithms) {
    const plain = alg.plain(z, rows, c);
    const err = new ErrorStats();
    const plainErr = new ErrorStats();
    plainErr.add(exact, plain, rows, c);
    const agree = new ErrorStats();
    let padded = 0;
    let copies = 0;
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let ops: OpCounts = zeroCounts();
    let levelCounts: LevelCounts = {};
    const transcript0 = session.transcript.summary();
    for (let b = 0; b < blocks; b++) {
      const first = b * s0;
      const n = Math.min(s0, rows - first);
      process.stderr.write(`softmax ${run.backend} ${be.preset.name}: ${alg.id}, classes ${c}, range ${range}, block ${b + 1}/${blocks}\n`);
      const out = be.scope(() => {
        const ct = session.client.encrypt(packBlock(z, first, n, layout, be.slots));
        const before = be.counts();
        const levelsBefore = be.levelCounts();
        const cpu0 = cpuNowMs();
        const t0 = performance.now();
        const res = alg.encrypted(be, session.rf, ct, layout);
        times.push(performance.now() - t0);
        cpuTimes.push(cpuNowMs() - cpu0);
        const d = diffCounts(be.counts(), before);
        // client-aided refreshes are the client's, counted without a level
        levelCounts = addLevelCounts(
          levelCounts,
          // a bootstrap's operations are in the level counts already: only a client-aided refresh is priced as one
          withClientOps(
            diffLevelCounts(be.levelCounts(), levelsBefore),
            { refresh: run.refresh === 'client' ? d.refresh : 0 },
            be.maxLevel,
          ),
        );
        ops = addCounts(ops, d);
        return session.client.decrypt(res);
      });
      // every period of a row must hold the row's probabilities; padded classes ~0
      const got = new Float64Array(n * c);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < s1; j++) {
          const k = j % cPad;
          const v = out[r * s1 + j]!;
          if (k >= c) padded = Math.max(padded, Math.abs(v));
          else if (j < cPad) got[r * c + k] = v;
          else copies = Math.max(copies, Math.abs(v - out[r * s1 + k]!));
        }
      }
      err.add(exact.subarray(first * c), got, n, c);
      agree.add(plain.subarray(first * c), got, n, c);
    }
    const perBlock = scaleCounts(ops, 1 / blocks);
    const timeMs = sampleStats(times);
    // What CKKS adds (agreement with the same approximation in float64) must stay within the
    // precision bound of the preset over every operation of a block; beyond it the figure is
    // not an approximation error but a broken (or numerically unstable) evaluation.
    // a bootstrap adds its own error per refresh (bootstrapper.ts), the ops inside it counted too
    const bound =
      errorBound(be.preset, perBlock.mult + perBlock.cmult + perBlock.keyswitch + perBlock.rescale + perBlock.refresh, 1) +
      (run.refresh !== 'client' ? perBlock.refresh * bootstrapErrorBound(be.preset.bootstrap!, be.preset) : 0);
    const within = agree.max <= bound && agree.nonFinite === 0;
    const verdict: Measured = within
      ? { state: 'completed' }
      : {
          state: 'suspect',
          reason: `CKKS result differs from the float64 approximation by ${agree.max.toExponential(2)} (${agree.nonFinite} non-finite), above the preset's precision bound ${bound.toExponential(2)}`,
        };
    const record: SoftmaxRecord & Record<string, unknown> = {
      ...baseRecord(run, alg, c, range, samples, id),
      ...verdict,
      // CKKS error on top of the approximation's own: simulated noise on sim, real on seal
      errorKind: run.backend === 'seal' ? 'ckks' : 'sim-noise',
      errorBound: bound,
      error: { max: err.max, mean: err.mean, nonFinite: err.nonFinite } as SoftmaxRecord['error'],
      plainError: { max: plainErr.max, mean: plainErr.mean },
      agreement: { max: agree.max, mean: agree.mean },
      paddedMaxAbs: padded,
      copiesMaxAbs: copies,
      layout: { s0, s1 },
      blocks,
      depth: alg.depth(layout),
      ops: perBlock,
      refreshes: perBlock.refresh,
      timeMs,
      ...(predictor ? predictionFields(predictor, scaleLevelCounts(levelCounts, 1 / blocks), timeMs.median, median(cpuTimes)) : {}),
      transcript: diffTranscripts(session.transcript.summary(), transcript0),
      deviations: [
        run.refresh !== 'client'
          ? `refresh: CKKS bootstrap on the server${run.refresh === 'bootstrap-model' ? ' (simulator model: the first run, the others its counts and noise)' : ''} (${perBlock.refresh} per block, ${perBlock.refreshMs.toFixed(0)} ms of the block time, no bytes moved)`
          : `refresh: client-aided re-encryption stands in for bootstrapping (${perBlock.refresh} per block, ${(perBlock.refreshBytes / 2 ** 20).toFixed(1)} MiB moved, ${perBlock.refreshMs.toFixed(0)} ms of the block time)`,
        ...(be.preset.insecure ? [`preset ${be.preset.name} has no security claim (a test preset, run with --insecure)`] : []),
      ],
    };
    sink.push(record);
  }
}

/** Rows first..first+n-1 of z in the SoftmaxLayout ('cols-repeated', period cPad: the shared packing). */
function packBlock(z: Float64Array, first: number, n: number, layout: SoftmaxLayout, slots: number): Float64Array {
  const { s0, s1, classes: c, cPad } = layout;
  const rows: Matrix = { rows: n, cols: c, data: z.subarray(first * c, (first + n) * c) };
  return packLayoutBlock(rows, layoutSpec('cols-repeated', n, c, s0, s1, cPad), 0, 0, new Float64Array(slots));
}
