/**
 * `hetal-bench estimate`: predicted times of runs on real encryption, without encrypting
 * anything: the simulator counts the operations by level, a latency table of this machine
 * (cached, or measured now with `ops`) prices them (harness/cost/). Three modes: matmul calls
 * (--shape), a training run (--dataset), and the paper's five training runs (--paper) beside the
 * paper's times. One 'estimate' record per prediction.
 */
import { type Command, Option } from 'commander';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { InputError } from '../../algorithms/errors';
import { getSoftmax } from '../../algorithms/softmax/registry';
import { resolveHyper } from '../../algorithms/training/hyper';
import { loadDataset } from '../../datasets';
import { predictParallel, predictTraining, profileTraining, simulateMatmul, type TrainingSpec } from '../cost/estimate';
import { latencyTable, type LatencyTable } from '../cost/latency';
import { totalOf } from '../cost/model';
import { newRunId, runMeta } from '../metadata';
import {
  type CommonOptions,
  parseChoice,
  parseInteger,
  parseList,
  parsePerformance,
  parsePositive,
  type PerformanceOptions,
  withCommonOptions,
  withPerformanceOptions,
} from '../options';
import { RecordSink } from '../output';
import { PAPER_TRAINING, PAPER_TRAINING_TIMES } from '../paper';
import type { EstimateRecord } from '../records';
import { parseAlgos, parseShape } from './matmul';

interface EstimateOptions extends CommonOptions, PerformanceOptions {
  paper?: boolean;
  shape?: string;
  algo: string;
  dataset?: string;
  features?: string;
  limit?: number;
  batch?: number;
  epochs?: number;
  lr?: number;
  softmax: string;
  preset?: string;
  workers?: string;
  steps: number;
  remeasure?: boolean;
  maxAgeDays: number;
  iterations: number;
  clock: string;
}

/** x rounded to `digits` decimals (printed tables stay readable). */
function round(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

/** Registers `estimate`. */
export function registerEstimate(program: Command): void {
  withCommonOptions(
    withPerformanceOptions(program.command('estimate'))
      .description("predict run times on seal from simulator op counts by level x this machine's latency table (no encryption)")
      .option('--paper', "the paper's five training runs (MNIST, CIFAR-10, Face Mask, DermaMNIST, SNIPS) beside the paper's times")
      .option('--shape <AxBxC,...>', 'matmul calls of these shapes (with --algo)')
      .addOption(new Option('--algo <ids>', 'matmul algorithms (with --shape)').default('diag-abt,diag-atb'))
      .option('--dataset <spec>', 'a training run on this dataset (as train --dataset)')
      .option('--features <id>', 'feature map of the dataset (as train --features)')
      .addOption(new Option('--limit <n>', 'use at most N samples (as train --limit)').argParser((v) => parseInteger('--limit', v)))
      .addOption(new Option('--batch <n>', 'mini-batch rows (default: per dataset)').argParser((v) => parseInteger('--batch', v)))
      .addOption(
        new Option('--epochs <n>', 'epochs (default: per dataset; estimates run them all)').argParser((v) => parseInteger('--epochs', v)),
      )
      .addOption(new Option('--lr <x>', 'learning rate (no effect on the time)').argParser((v) => parsePositive('--lr', v)))
      .addOption(new Option('--softmax <id>', 'softmax approximation').default('hetal'))
      .option('--preset <ids>', 'seal presets, comma list (default: n14; --paper: n14,n15)')
      .option('--workers <n,...>', 'worker threads to predict for, comma list (default: 1; --paper: 1,2,16)')
      .addOption(
        new Option('--steps <n>', 'training steps simulated (their mean prices every step)')
          .default(3)
          .argParser((v) => parseInteger('--steps', v)),
      )
      .addOption(
        new Option(
          '--clock <cpu|wall>',
          'price ops with their CPU-time medians (the time on an idle core; default) or wall-time medians (as measured, other jobs included)',
        ).default('cpu'),
      )
      .option('--remeasure', 'measure the latency table again even if a fresh one is cached')
      .addOption(
        new Option('--max-age-days <n>', 'a cached latency table older than this is measured again')
          .default(30)
          .argParser((v) => parsePositive('--max-age-days', v)),
      )
      .addOption(
        new Option('--iterations <n>', 'calls per op and level when measuring a latency table')
          .default(5)
          .argParser((v) => parseInteger('--iterations', v)),
      ),
  ).action(async (opts: EstimateOptions) => {
    const modes = [opts.paper, opts.shape !== undefined, opts.dataset !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new InputError('estimate: give exactly one of --paper, --shape (matmul) or --dataset (training)');
    const presets = parseList('--preset', opts.preset ?? (opts.paper ? 'n14,n15' : 'n14'), (p) => resolvePreset(p).name);
    const workers = parseList('--workers', opts.workers ?? (opts.paper ? '1,2,16' : '1'), (w) => parseInteger('--workers', w));
    const softmax = getSoftmax(opts.softmax);
    const perf = parsePerformance(opts);
    const clock = parseChoice('--clock', opts.clock, ['cpu', 'wall'] as const);
    const medians = (t: LatencyTable) => (clock === 'wall' ? t.medians : (t.cpuMedians ?? t.medians));
    const run = newRunId();
    const tables = new Map<string, LatencyTable>();
    const table = async (preset: string) => {
      let t = tables.get(preset);
      if (!t) {
        t = await latencyTable('seal', preset, {
          remeasure: opts.remeasure,
          maxAgeDays: opts.maxAgeDays,
          iterations: opts.iterations,
          seed: opts.seed,
          log: (line) => process.stderr.write(line + '\n'),
        });
        tables.set(preset, t);
      }
      return t;
    };
    const base = (t: LatencyTable) => ({
      kind: 'estimate' as const,
      state: 'completed' as const,
      backend: 'seal',
      slots: resolvePreset(t.preset).slots,
      preset: t.preset,
      latencyTable: { measuredAt: t.measuredAt, iterations: t.iterations, clock },
      meta: runMeta(run, opts.seed),
    });

    if (opts.shape !== undefined) {
      const sink = new RecordSink({
        json: opts.json,
        out: opts.out,
        columns: ['algorithm', 'shape', 'preset', 'workers', 'predictedMs', 'keyswitches', 'products'],
      });
      const algos = parseAlgos(opts.algo);
      const shapes = parseList('--shape', opts.shape, parseShape);
      for (const preset of presets) {
        const t = await table(preset);
        for (const shape of shapes) {
          for (const algo of algos) {
            process.stderr.write(`estimate: ${algo.id} ${shape.a}x${shape.b}x${shape.c} on ${preset} (simulating)\n`);
            const sim = await simulateMatmul(algo, shape, preset, perf);
            for (const w of workers) {
              const record: EstimateRecord = {
                ...base(t),
                cell: `estimate|matmul|${preset}|${algo.id}|${shape.a}x${shape.b}x${shape.c}|w${w}`,
                algorithm: algo.id,
                target: 'matmul',
                shape: `${shape.a}x${shape.b}x${shape.c}`,
                workers: w,
                predictedMs: Math.round(predictParallel(sim.counts, medians(t), w, sim.units)),
                keyswitches: totalOf(sim.counts, 'keyswitch') + totalOf(sim.counts, 'conj'),
                products: sim.units,
                levelCounts: sim.counts,
              };
              sink.push(record);
            }
          }
        }
      }
      sink.finish();
      return;
    }

    // Training: the paper's five runs, or one dataset.
    const runs: { name: string; spec: TrainingSpec; paper: boolean }[] = [];
    if (opts.paper) {
      for (const r of PAPER_TRAINING) runs.push({ name: r.dataset, spec: { ...r }, paper: true });
    } else {
      const data = await loadDataset(opts.dataset!, { seed: opts.seed, limit: opts.limit, features: opts.features });
      const hyper = resolveHyper(opts.dataset!, { batch: opts.batch, epochs: opts.epochs, lr: opts.lr, seed: opts.seed });
      runs.push({
        name: `${opts.dataset}${opts.features ? `/${opts.features}` : ''}`,
        spec: {
          train: data.train.n,
          val: data.val.n,
          test: data.test.n,
          d: data.train.d,
          classes: data.classes,
          batch: hyper.batch,
          epochs: hyper.epochs,
          lr: hyper.lr,
        },
        paper: false,
      });
    }
    const sink = new RecordSink({
      json: opts.json,
      out: opts.out,
      columns: [
        'dataset',
        'preset',
        'workers',
        'batch',
        'blocks',
        'steps',
        'predicted.stepS',
        'predicted.trainS',
        'paper.stepS',
        'paper.totalS',
      ],
    });
    for (const preset of presets) {
      const t = await table(preset);
      for (const r of runs) {
        process.stderr.write(
          `estimate: ${r.name} on ${preset}: simulating ${opts.steps} steps of ${r.spec.batch} rows, one validation and one test block\n`,
        );
        const profile = await profileTraining(r.spec, preset, softmax, perf, opts.steps);
        const l = profile.layout;
        for (const w of workers) {
          const p = predictTraining(profile, r.spec, medians(t), w);
          const record: EstimateRecord = {
            ...base(t),
            cell: `estimate|train|${preset}|${r.name}|b${r.spec.batch}|e${r.spec.epochs}|w${w}`,
            algorithm: opts.softmax,
            target: 'train',
            dataset: r.name,
            workers: w,
            batch: r.spec.batch,
            blocks: `${l.rowBlocks}x${l.colBlocks} of ${l.s0}x${l.s1}`,
            steps: p.steps,
            predictedMs: Math.round(p.trainMs),
            predicted: {
              stepS: round(p.stepMs / 1000, 2),
              trainS: Math.round(p.trainMs / 1000),
              validationS: Math.round(p.validationMs / 1000),
              inferenceS: Math.round(p.inferenceMs / 1000),
              stepPartsS: Object.fromEntries(Object.entries(p.stepParts).map(([k, v]) => [k, round(v / 1000, 2)])),
            },
            spec: { ...r.spec },
            assumptions: `mean of ${opts.steps} simulated steps x ${p.steps} steps (every epoch to the last, partial batches as full); validation and inference from one simulated block each`,
            ...(r.paper
              ? {
                  paper: {
                    stepS: `${PAPER_TRAINING_TIMES.perStep[0]}-${PAPER_TRAINING_TIMES.perStep[1]}`,
                    totalS: `${PAPER_TRAINING_TIMES.total[0]}-${PAPER_TRAINING_TIMES.total[1]}`,
                    note: 'range over the five runs, HEaaN on a GPU',
                  },
                }
              : {}),
          };
          sink.push(record);
        }
      }
    }
    sink.finish();
  });
}
