/**
 * `hetal-bench train`: train the softmax classifier on a dataset, encrypted (sim, seal) or not
 * (plain), beside its plaintext twins, and test it. One TrainRecord per run.
 */
import { type Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { presetFor, resolvePreset } from '../../algorithms/ckks/presets';
import { createSession, type RefreshKind, type TranscriptSummary } from '../../algorithms/ckks/session';
import { InputError } from '../../algorithms/errors';
import { getSoftmax } from '../../algorithms/softmax/registry';
import { EvaluatorPool } from '../../algorithms/parallel/pool';
import { prepareTraining, trainEncrypted, type EncryptedOutcome, type TrainingPhase } from '../../algorithms/training/encrypted';
import { diffCounts, diffLevelCounts, type OpCounts } from '../../algorithms/ckks/types';
import type { CountingEvaluator } from '../../algorithms/ckks/counting';
import { addLevelCounts, type LevelCounts, withClientOps } from '../cost/model';
import { cpuNowMs, parsePredictMode, type Predictor, predictionFields, predictorFor, predictWallMs } from '../cost/predict';
import { speedup } from '../cost/estimate';
import { resolveHyper } from '../../algorithms/training/hyper';
import { accuracy, exactSoftmax, perClassReport } from '../../algorithms/training/metrics';
import { predict, trainPlain } from '../../algorithms/training/plain';
import { type Dataset, loadDataset } from '../../datasets';
import { newRunId, runMeta } from '../metadata';
import {
  type CommonOptions,
  parseChoice,
  parseInteger,
  parsePositive,
  withCommonOptions,
  type PerformanceOptions,
  parsePerformance,
  parseWorkers,
  withPerformanceOptions,
  withWorkersOption,
  parseRefresh,
  type RefreshOptions,
  withRefreshOptions,
} from '../options';
import { RecordSink } from '../output';
import { cellKey, LIMITS } from '../cell';
import { refuseIfBootstrapKeysTooBig, refuseIfKeysTooBig } from '../memory';
import { bootstrapRotationSteps } from '../../algorithms/ckks/bootstrap/bootstrapper';
import { trainVerdict } from '../verdict';
import type { TrainRecord } from '../records';

interface TrainOptions extends CommonOptions, PerformanceOptions, RefreshOptions {
  workers?: string;
  dataset: string;
  features?: string;
  backend: string;
  preset?: string;
  noise?: boolean;
  epochs?: number;
  batch?: number;
  lr?: number;
  optimizer: string;
  earlyStopping?: boolean;
  patience: number;
  limit?: number;
  softmax: string;
  labelColumn?: string;
  predict?: string;
}

/** Registers `train`. */
export function registerTrain(program: Command): void {
  withCommonOptions(
    withRefreshOptions(withWorkersOption(withPerformanceOptions(program.command('train'))))
      .description('train the softmax classifier (encrypted or plain) beside its plaintext twins, and test it')
      .addOption(
        new Option('--dataset <spec>', 'digits, wine, breast-cancer, mnist, csv:PATH, npy:DIR, synthetic:n=..,d=..,c=..,sep=..').default(
          'digits',
        ),
      )
      .option('--features <id>', 'feature map (mnist: pixels, random768, mobilenet)')
      .addOption(new Option('--backend <id>', 'plain, sim or seal').default('sim'))
      .option('--preset <id>', 'CKKS preset (default: n14 on seal, fgb on sim)')
      .option('--noise', 'sim: add CKKS-sized noise to every operation (as seal has), instead of exact slot arithmetic')
      .addOption(
        new Option('--epochs <n>', 'maximum epochs (default: per dataset)').argParser((v) => parseInteger('--epochs', v, 1, LIMITS.epochs)),
      )
      .addOption(
        new Option('--batch <n>', 'mini-batch rows (default: per dataset)').argParser((v) => parseInteger('--batch', v, 1, LIMITS.batch)),
      )
      .addOption(new Option('--lr <x>', 'learning rate (default: per dataset)').argParser((v) => parsePositive('--lr', v)))
      .addOption(new Option('--optimizer <id>', 'nesterov or sgd').default('nesterov'))
      .option('--early-stopping', 'stop on validation loss (patience epochs without improvement) and keep the best weights')
      .addOption(
        new Option('--patience <n>', 'early-stopping patience')
          .default(3)
          .argParser((v) => parseInteger('--patience', v, 1, LIMITS.patience)),
      )
      .addOption(
        new Option('--limit <n>', 'use at most N samples (seeded, before splitting)').argParser((v) =>
          parseInteger('--limit', v, 1, LIMITS.limit),
        ),
      )
      .addOption(new Option('--softmax <id>', 'softmax approximation of the encrypted run and the approximate twin').default('hetal'))
      .option('--label-column <name>', 'csv: label column by header name or 0-based index (default: last)')
      .option(
        '--predict <mode>',
        "seal: predictedMs from this machine's latency table: cached (if one is), measure (if none is cached), off",
        'cached',
      ),
  ).action(async (opts: TrainOptions) => {
    const backend = parseChoice('--backend', opts.backend, ['plain', 'sim', 'seal'] as const);
    const predictMode = parsePredictMode(opts.predict);
    const perf = parsePerformance(opts);
    // the one default-preset rule and compatibility check of every command (algorithms/ckks/presets.ts)
    const presetName = backend === 'plain' ? 'none' : presetFor(backend, opts.preset, { insecure: opts.insecure }).name;
    const refresh = parseRefresh(opts.refresh);
    if (refresh !== 'client') {
      if (backend === 'plain')
        throw new InputError(`--refresh ${refresh}: the plain backend has no ciphertexts to refresh (use --backend sim or seal)`);
      if (!resolvePreset(presetName).bootstrap)
        throw new InputError(`--refresh ${refresh}: preset ${presetName} has no bootstrap (see hetal-bench list)`);
    }
    const insecure = backend !== 'plain' && resolvePreset(presetName).insecure === true;
    const workers = parseWorkers(opts.workers, backend);
    // keys that cannot fit the SEAL heap would fill it and then spin: refuse before loading anything
    if (backend === 'seal')
      refuseIfKeysTooBig(resolvePreset(presetName), { declaredOnly: false, realOnly: false }, `--preset ${presetName}`);
    // and the bootstrap's own keys, which sit in the same heap
    if (backend === 'seal' && refresh === 'bootstrap') {
      const bootstrapParams = resolvePreset(presetName).bootstrap;
      if (bootstrapParams) refuseIfBootstrapKeysTooBig(resolvePreset(presetName), bootstrapRotationSteps(bootstrapParams));
    }
    const optimizer = parseChoice('--optimizer', opts.optimizer, ['nesterov', 'sgd'] as const);
    const softmax = getSoftmax(opts.softmax);
    const hyper = resolveHyper(opts.dataset, {
      lr: opts.lr,
      batch: opts.batch,
      epochs: opts.epochs,
      optimizer,
      earlyStopping: !!opts.earlyStopping,
      patience: opts.patience,
      seed: opts.seed,
    });
    const data = await loadWithProgress(opts);
    checkFinite(data, opts.dataset);
    if (data.train.n < 1 || data.val.n < 1 || data.test.n < 1) {
      throw new InputError(
        `--dataset ${opts.dataset}: too small for a train/validation/test split (${data.train.n}/${data.val.n}/${data.test.n})`,
      );
    }
    const run = newRunId();
    const sink = new RecordSink({
      json: opts.json,
      out: opts.out,
      columns: [
        'dataset',
        'backend',
        'preset',
        'accuracy.test',
        'plainAccuracy',
        'approxAccuracy',
        'epochs',
        'bestEpoch',
        'timeMs.total',
        'timeMs.perStep',
        'refreshes',
      ],
    });

    // The twins: exact softmax (the baseline) and the approximation in float64.
    const t0 = performance.now();
    const exact = trainPlain(data, hyper, exactSoftmax);
    const plainMs = performance.now() - t0;
    const approx = trainPlain(data, hyper, (z, rows, classes) => softmax.plain(z, rows, classes));
    const plainAccuracy = accuracy(predict(exact.weights, data.test), data.test.y);
    const approxAccuracy = accuracy(predict(approx.weights, data.test), data.test.y);

    let record: TrainRecord;
    const base = {
      kind: 'train' as const,
      state: 'completed' as const,
      cell: cellKey('train', {
        dataset: opts.dataset,
        features: data.features,
        backend,
        preset: presetName,
        epochs: hyper.epochs,
        batch: hyper.batch,
        lr: hyper.lr,
        optimizer: hyper.optimizer,
        'early-stopping': hyper.earlyStopping,
        patience: hyper.patience,
        softmax: opts.softmax,
        seed: opts.seed,
        refresh,
        ...(backend === 'plain' ? {} : { 'input-level': perf.inputLevel, relin: perf.relin, 'atb-sums': perf.atbSums, workers }),
        ...(backend === 'sim' ? { noise: !!opts.noise } : {}),
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        ...(opts.labelColumn !== undefined ? { 'label-column': opts.labelColumn } : {}),
      }),
      ...(backend === 'plain' ? {} : { inputLevel: perf.inputLevel, relin: perf.relin, atbSums: perf.atbSums, refresh }),
      ...(backend === 'sim' ? { noise: !!opts.noise } : {}),
      ...(insecure ? { insecure: true } : {}),
      algorithm: opts.softmax,
      backend,
      dataset: opts.dataset,
      features: data.features,
      hyper: { ...hyper, softmax: opts.softmax },
      plainAccuracy,
      approxAccuracy,
      plainValLosses: exact.valLosses,
      deviations: deviationsOf(data, backend, refresh, insecure ? presetName : null),
      provenance: data.provenance,
      scaling: data.scaling,
      split: { train: data.train.n, val: data.val.n, test: data.test.n },
      classes: data.classes,
    };
    if (backend === 'plain') {
      const pred = predict(exact.weights, data.test);
      record = {
        ...base,
        preset: '-',
        slots: 0,
        accuracy: { test: plainAccuracy, val: accuracy(predict(exact.weights, data.val), data.val.y) },
        epochs: exact.epochs,
        bestEpoch: exact.bestEpoch,
        valLosses: exact.valLosses,
        timeMs: { total: plainMs, perStep: plainMs / Math.max(1, exact.steps), abt: 0, atb: 0, softmax: 0 },
        ops: {},
        refreshes: 0,
        bytesMoved: 0,
        perClass: perClassReport(pred, data.test.y, data.classes),
        meta: runMeta(run, opts.seed),
      };
    } else {
      const predictor = await predictorFor(backend, presetName, predictMode, (line) => process.stderr.write(`train: ${line}\n`));
      const session = await createSession(backend, presetName, {
        seed: opts.seed,
        relin: perf.relin,
        noise: backend === 'sim' && !!opts.noise,
        refresh,
        insecure: opts.insecure,
      });
      const be = session.ev;
      const probe = predictor ? new PhaseProbe(be, refresh !== 'client') : undefined;
      let enc: EncryptedOutcome;
      let transcript: TranscriptSummary;
      let pool: EvaluatorPool | null = null;
      try {
        // the keys first: the workers' evaluators load them once
        prepareTraining(session, data, hyper, softmax);
        pool = workers > 1 ? await EvaluatorPool.start(session, workers, { seed: opts.seed }) : null;
        enc = await trainEncrypted(session, data, hyper, softmax, {
          inputLevel: perf.inputLevel,
          atbSums: perf.atbSums,
          onEpoch: (epoch, loss) => process.stderr.write(`train: epoch ${epoch}: validation loss ${loss.toFixed(4)}\n`),
          ...(probe ? { onPhase: probe.observe } : {}),
          pool,
        });
        // keys, data, refreshes, validation, inference and the final model: the whole protocol
        transcript = session.transcript.summary();
      } finally {
        await pool?.destroy();
        session.dispose();
      }
      record = {
        ...base,
        preset: presetName,
        slots: be.slots,
        accuracy: { test: enc.testAccuracyDecrypted, testEncrypted: enc.testAccuracyEncrypted, val: enc.valAccuracy },
        epochs: enc.epochs,
        bestEpoch: enc.bestEpoch,
        valLosses: enc.valLosses,
        // ops.refreshMs also counts the refreshes of validation and inference, outside the steps
        timeMs: { ...enc.timeMs, refreshOutsideSteps: enc.ops.refreshMs - (enc.timeMs.refresh ?? 0) },
        ops: enc.ops,
        refreshes: enc.ops.refresh,
        bytesMoved: enc.ops.refreshBytes,
        perClass: perClassReport(enc.testPredictions, data.test.y, data.classes),
        block: enc.block,
        workers: pool ? workers : 1,
        // the whole process so far (keys, workers' heaps): a cell is one process in a sweep
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        transcript,
        meta: runMeta(run, opts.seed),
        ...(predictor && probe ? trainingPrediction(predictor, probe, enc, pool ? workers : 1) : {}),
      } as TrainRecord;
    }
    sink.push(trainVerdict(record));
    sink.finish();
  });
}

async function loadWithProgress(opts: TrainOptions): Promise<Dataset> {
  let bar: SingleBar | null = null;
  try {
    return await loadDataset(opts.dataset, {
      seed: opts.seed,
      limit: opts.limit,
      features: opts.features,
      labelColumn: opts.labelColumn,
      progress: (done, total) => {
        // Only slow feature maps report progress often enough to be worth a bar.
        if (!bar && total > 0 && done < total && opts.features === 'mobilenet') {
          bar = new SingleBar(
            { format: 'features [{bar}] {value}/{total} | eta {eta_formatted}', stream: process.stderr },
            Presets.shades_classic,
          );
          bar.start(total, 0);
        }
        bar?.update(done);
      },
    });
  } finally {
    (bar as SingleBar | null)?.stop();
  }
}

/**
 * Counts by level and CPU time of the parts of a training run (the trainer's phases), so that
 * its record can carry the cost model's prediction beside the measured times.
 */
class PhaseProbe {
  readonly counts = new Map<TrainingPhase, LevelCounts>();
  /** the part of `counts` that worker threads ran */
  readonly merged = new Map<TrainingPhase, LevelCounts>();
  readonly cpuMs = new Map<TrainingPhase, number>();
  private readonly open = new Map<TrainingPhase, { counts: LevelCounts; merged: LevelCounts; flat: OpCounts; cpu: number }>();

  constructor(
    private readonly ev: CountingEvaluator,
    /** refreshes are bootstraps (their operations counted by level) rather than round trips */
    private readonly bootstraps = false,
  ) {}

  readonly observe = (phase: TrainingPhase, edge: 'start' | 'end'): void => {
    if (edge === 'start') {
      this.open.set(phase, {
        counts: this.ev.levelCounts(),
        merged: this.ev.counter.mergedLevelCounts(),
        flat: this.ev.counts(),
        cpu: cpuNowMs(),
      });
      return;
    }
    const o = this.open.get(phase)!;
    const flat = diffCounts(this.ev.counts(), o.flat);
    // a bootstrap's operations are in the level counts already: only a client-aided refresh is priced as one
    const client = this.bootstraps ? { ...flat, refresh: 0 } : flat;
    const part = withClientOps(diffLevelCounts(this.ev.levelCounts(), o.counts), client, this.ev.maxLevel);
    this.counts.set(phase, addLevelCounts(this.counts.get(phase) ?? {}, part));
    this.merged.set(phase, addLevelCounts(this.merged.get(phase) ?? {}, diffLevelCounts(this.ev.counter.mergedLevelCounts(), o.merged)));
    this.cpuMs.set(phase, (this.cpuMs.get(phase) ?? 0) + cpuNowMs() - o.cpu);
  };
}

/**
 * Prediction fields of a training record: the training time (steps and validation passes) and its
 * products and softmax. With workers, the part they ran is divided by their speed-up on the
 * products' block columns (predict.ts predictionFields).
 */
function trainingPrediction(p: Predictor, probe: PhaseProbe, enc: EncryptedOutcome, workers: number): Record<string, unknown> {
  const part = (phase: TrainingPhase) => probe.counts.get(phase) ?? {};
  const merged = (phase: TrainingPhase) => probe.merged.get(phase) ?? {};
  const training = addLevelCounts(part('step'), part('validation'));
  const parallel =
    workers > 1
      ? { counts: addLevelCounts(merged('step'), merged('validation')), speedup: speedup(workers, enc.block.colBlocks) }
      : undefined;
  const phaseMs = (phase: TrainingPhase) =>
    Math.round(predictWallMs(p, part(phase), parallel && { counts: merged(phase), speedup: parallel.speedup }));
  const cpu = (probe.cpuMs.get('step') ?? 0) + (probe.cpuMs.get('validation') ?? 0);
  return {
    ...predictionFields(p, training, enc.timeMs.total, cpu, parallel),
    predictedPhasesMs: { abt: phaseMs('abt'), atb: phaseMs('atb'), softmax: phaseMs('softmax') },
  };
}

/**
 * Refuses features that are not finite after scaling (a file holding NaN or values near 1e308,
 * which overflow the standardization): training on them can only produce NaN.
 */
function checkFinite(data: Dataset, spec: string): void {
  for (const [name, split] of [
    ['training', data.train],
    ['validation', data.val],
    ['test', data.test],
  ] as const) {
    const i = split.X.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) {
      throw new InputError(
        `--dataset ${spec}: feature ${i % split.d} of ${name} sample ${Math.floor(i / split.d)} is ${split.X[i]} after scaling ` +
          '(the file holds a non-finite value, or values so large that standardizing them overflows); fix or rescale the data',
      );
    }
  }
}

/** The protocol deviations a training record carries. */
function deviationsOf(data: Dataset, backend: string, refresh: RefreshKind, insecurePreset: string | null): string[] {
  const out: string[] = [];
  if (!data.pretrained) out.push(`features '${data.features}' are not from a pretrained extractor (the paper: ViT-Base / MPNet-Base)`);
  else out.push(`features '${data.features}' come from MobileNetV2 (nsfwjs), not the paper's ViT-Base`);
  if (backend !== 'plain' && refresh === 'client') {
    out.push('client-aided refresh (decrypt and re-encrypt by the key owner) instead of CKKS bootstrapping');
  }
  if (backend === 'sim' && refresh === 'bootstrap') out.push('bootstraps run on the simulator: ModRaise and noise modelled, not encrypted');
  if (refresh === 'bootstrap-model') {
    out.push('bootstraps modelled on the simulator: the first run, every later one its op counts and Gaussian noise of its measured error');
  }
  if (insecurePreset) out.push(`preset ${insecurePreset} has no security claim (a test preset, run with --insecure)`);
  if (backend === 'seal') out.push('CPU WebAssembly (node-seal, one SEAL instance per worker thread) instead of HEaaN on GPU');
  if (backend === 'sim') out.push('slot simulator: no encryption; levels, op counts and refreshes as in CKKS');
  return out;
}
