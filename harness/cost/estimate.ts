/**
 * Predicted times of whole runs without encryption: the simulator counts every operation by
 * level (level-counting.ts), the cost model prices the counts with a latency table (model.ts).
 *
 * Training at the paper's scale is too slow to simulate whole, so a few steps, one validation
 * block and one test block are simulated on data of the run's shape (random values: op counts
 * and refreshes depend on the shapes and levels only, never on the values), and multiplied by
 * the run's number of steps and blocks. Assumed: every step of a run costs the mean of the
 * simulated steps (the last, partial batch of an epoch is priced as a full one), and the run
 * goes to its last epoch (no early stop).
 *
 * Workers: each phase's parallel part is divided by min(workers, its independent units) times
 * an efficiency of 0.9 (2 workers measured 1.74-1.85x faster than 1 on n14 products and
 * rotations; assumed to hold up to 16 workers on as many cores). The units: the products of a
 * matmul (block rows x block columns x diagonal pairs), the block rows of a softmax, the weight
 * ciphertexts of the update, the blocks of a validation or inference pass. Refreshes, encryption
 * and decryption are the key owner's and stay serial.
 */
import { resolvePreset, type Preset } from '../../algorithms/ckks/presets';
import { createSession, type Session } from '../../algorithms/ckks/session';
import { diffLevelCounts, type RelinPolicy } from '../../algorithms/ckks/types';
import type { MatmulAlgorithm, MatmulShape } from '../../algorithms/interface';
import { randomMatrix } from '../../algorithms/matmul/plain';
import { uniformRng } from '../../algorithms/random';
import type { SoftmaxAlgorithm } from '../../algorithms/interface';
import { type TrainingPhase, trainEncrypted, trainingLayout, type TrainingLayout } from '../../algorithms/training/encrypted';
import type { LabelledData, TrainingData } from '../../algorithms/training/types';
import { withInputLevels } from '../commands/matmul';
import type { Performance } from '../options';
import { type LatencyMedians, type LevelCounts, type LevelOp, addLevelCounts, predictMs, scaleLevelCounts, withClientOps } from './model';

/** Speed-up of 2 workers over 1 per worker (platform measurement 1.74-1.85x on 2). */
export const PARALLEL_EFFICIENCY = 0.9;

/** Ops done by the key owner (serial whatever the workers). */
const SERIAL_OPS: readonly LevelOp[] = ['refresh', 'encrypt', 'decrypt'];

/** Speed-up of `workers` on `units` independent pieces of work. */
export function speedup(workers: number, units: number, efficiency = PARALLEL_EFFICIENCY): number {
  const used = Math.max(1, Math.min(workers, Math.floor(units)));
  return used === 1 ? 1 : used * efficiency;
}

/** Predicted ms of counts run on `workers` with `units` independent pieces. */
export function predictParallel(counts: LevelCounts, medians: LatencyMedians, workers: number, units: number): number {
  const p = predictMs(counts, medians);
  const serial = SERIAL_OPS.reduce((s, op) => s + (p.byOp[op] ?? 0), 0);
  return serial + (p.ms - serial) / speedup(workers, units);
}

/** The simulator session a prediction for `preset` counts on (keys as the seal runs make them). */
async function simulator(preset: Preset, relin: RelinPolicy, rotationSteps: number[] = []): Promise<Session> {
  return createSession('sim', preset, {
    seed: 1,
    relin,
    rotationSteps,
    ...(preset.ringDegree >= 32768 ? { rotationKeys: 'declared' as const } : {}),
  });
}

/** One matmul call counted by level on the simulator, with its independent products. */
export async function simulateMatmul(
  algo: MatmulAlgorithm,
  shape: MatmulShape,
  presetName: string,
  perf: Performance,
): Promise<{ counts: LevelCounts; units: number; s0: number; s1: number }> {
  const preset = resolvePreset(presetName);
  const params = { slots: preset.slots, maxLevel: preset.levels, supportsComplex: true };
  const plan = withInputLevels(algo, algo.plan(shape, params), perf);
  const session = await simulator(preset, perf.relin, algo.rotationSteps(plan));
  try {
    const be = session.ev;
    const rng = uniformRng(1);
    const { a, b, c } = plan.shape;
    const [A, B] =
      algo.family === 'abt' ? [randomMatrix(rng, a, b), randomMatrix(rng, c, b)] : [randomMatrix(rng, a, c), randomMatrix(rng, a, b)];
    const counts = be.scope(() => {
      const inputs = algo.prepare(session.client, plan, A, B);
      const before = be.levelCounts();
      algo.run(be, plan, inputs);
      return diffLevelCounts(be.levelCounts(), before);
    });
    const units = Math.ceil(a / plan.s0) * Math.ceil(b / plan.s1) * (plan.complexPacking ? plan.cPad / 2 : plan.cPad);
    return { counts, units, s0: plan.s0, s1: plan.s1 };
  } finally {
    session.dispose();
  }
}

/** The shape of a training run. */
export interface TrainingSpec {
  train: number;
  val: number;
  test: number;
  /** features including the bias column */
  d: number;
  classes: number;
  batch: number;
  epochs: number;
  lr: number;
}

/** What the simulator measured of a run's parts, per unit. */
export interface TrainingProfile {
  layout: TrainingLayout;
  stepsSimulated: number;
  /** per step, by phase ('rest': P - Y, its mask, the update and the weights' refreshes) */
  step: Record<'abt' | 'atb' | 'softmax' | 'rest', LevelCounts>;
  /** per validation block (s0 rows) */
  valBlock: LevelCounts;
  /** per test block (s0 rows: encryption, DiagABT, decryption) */
  testBlock: LevelCounts;
}

function randomRows(rng: () => number, n: number, d: number, classes: number): LabelledData {
  const X = new Float64Array(n * d);
  // rows of norm about 1, as the project's scaling leaves them
  for (let i = 0; i < X.length; i++) X[i] = (2 * rng() - 1) / Math.sqrt(d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.floor(rng() * classes);
  return { X, y, n, d };
}

/** Simulates `steps` steps, one validation block and one test block of a run of this shape. */
export async function profileTraining(
  spec: TrainingSpec,
  presetName: string,
  softmax: SoftmaxAlgorithm,
  perf: Performance,
  steps = 3,
): Promise<TrainingProfile> {
  const preset = resolvePreset(presetName);
  const session = await simulator(preset, perf.relin);
  try {
    const be = session.ev;
    // counts by level, with the client's operations (refreshes, encryptions, decryptions) added
    const levelCounts = () => withClientOps(be.levelCounts(), be.counts(), be.maxLevel);
    const layout = trainingLayout(be, spec.classes, spec.d, spec.batch);
    const rng = uniformRng(7);
    const data: TrainingData = {
      train: randomRows(rng, steps * spec.batch, spec.d, spec.classes),
      val: randomRows(rng, layout.s0, spec.d, spec.classes),
      test: randomRows(rng, layout.s0, spec.d, spec.classes),
      classes: spec.classes,
    };
    const hyper = { lr: spec.lr, batch: spec.batch, epochs: 1, optimizer: 'nesterov' as const, earlyStopping: false, patience: 3, seed: 1 };
    const sums = new Map<TrainingPhase, LevelCounts>();
    const open = new Map<TrainingPhase, LevelCounts>();
    await trainEncrypted(session, data, hyper, softmax, {
      inputLevel: perf.inputLevel,
      atbSums: perf.atbSums,
      onPhase: (phase, edge) => {
        if (edge === 'start') open.set(phase, levelCounts());
        else sums.set(phase, addLevelCounts(sums.get(phase) ?? {}, addLevelCounts(levelCounts(), open.get(phase)!, -1)));
      },
    });
    const per = (phase: TrainingPhase) => scaleLevelCounts(sums.get(phase) ?? {}, 1 / steps);
    const abt = per('abt'),
      atb = per('atb'),
      sm = per('softmax');
    const rest = addLevelCounts(addLevelCounts(addLevelCounts(per('step'), abt, -1), atb, -1), sm, -1);
    return {
      layout,
      stepsSimulated: steps,
      step: { abt, atb, softmax: sm, rest },
      valBlock: sums.get('validation') ?? {},
      testBlock: sums.get('inference') ?? {},
    };
  } finally {
    session.dispose();
  }
}

/** A predicted training run. */
export interface TrainingPrediction {
  steps: number;
  stepMs: number;
  /** steps and validation passes: what the trainer reports as its training time */
  trainMs: number;
  validationMs: number;
  inferenceMs: number;
  /** by phase of one step */
  stepParts: Record<'abt' | 'atb' | 'softmax' | 'rest', number>;
}

/** Prices a profile for a run of `spec` on `workers`. */
export function predictTraining(
  profile: TrainingProfile,
  spec: TrainingSpec,
  medians: LatencyMedians,
  workers: number,
): TrainingPrediction {
  const { layout } = profile;
  const pairs = layout.complex ? layout.cPad / 2 : layout.cPad;
  const products = layout.rowBlocks * layout.colBlocks * pairs;
  const stepParts = {
    abt: predictParallel(profile.step.abt, medians, workers, products),
    atb: predictParallel(profile.step.atb, medians, workers, products),
    softmax: predictParallel(profile.step.softmax, medians, workers, layout.rowBlocks),
    rest: predictParallel(profile.step.rest, medians, workers, layout.colBlocks),
  };
  const stepMs = stepParts.abt + stepParts.atb + stepParts.softmax + stepParts.rest;
  const steps = Math.ceil(spec.train / spec.batch) * spec.epochs;
  const valBlocks = Math.ceil(spec.val / layout.s0),
    testBlocks = Math.ceil(spec.test / layout.s0);
  // A pass's blocks are independent; each block is also parallel inside (its products).
  const validationMs = predictParallel(profile.valBlock, medians, workers, valBlocks * products) * valBlocks * spec.epochs;
  const inferenceMs = predictParallel(profile.testBlock, medians, workers, testBlocks * products) * testBlocks;
  return { steps, stepMs, trainMs: steps * stepMs + validationMs, validationMs, inferenceMs, stepParts };
}
