/**
 * Worker threads: DiagABT and DiagATB split over a pool of evaluators (each built from the
 * serialized evaluation keys), and a softmax's blocks (their refreshes served by the main
 * thread), give the same ciphertexts, bit for bit, as on the main thread alone, with the same
 * op counts; every task frees what it made (no ciphertext or plaintext left in any worker); the
 * matmul command's cells record their worker count; and a training run with its products and
 * softmax on workers ends with the same weights and counts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { NonFiniteError } from '../../algorithms/errors';
import { createSession, type Session } from '../../algorithms/ckks/session';
import {
  type Ct,
  diffCounts,
  diffLevelCounts,
  type Evaluator,
  type LevelCounts,
  type OpCounts,
  type Refresher,
  type RelinPolicy,
} from '../../algorithms/ckks/types';
import type { MatmulAlgorithm, MatmulShape, SoftmaxLayout } from '../../algorithms/interface';
import { matmulAlgorithm } from '../../algorithms/matmul/registry';
import type { BlockMatrix } from '../../algorithms/matrix/types';
import { EvaluatorPool } from '../../algorithms/parallel/pool';
import { splitRange } from '../../algorithms/parallel/wire';
import { runCells, withInputLevels } from '../../harness/commands/matmul';
import type { FailedRecord, MatmulRecord } from '../../harness/records';
import { uniformRng } from '../../algorithms/random';
import { softmaxBlocks } from '../../algorithms/softmax/blocks';
import { getSoftmax } from '../../algorithms/softmax/registry';
import { type EncryptedOutcome, prepareTraining, trainEncrypted } from '../../algorithms/training/encrypted';
import { loadDataset } from '../../datasets';
import { maxAbsDiff } from '../helpers/backends';
import { operands } from '../matmul/_run';

// 512 rows make s0 = 512 and s1 = 16 at n14: 40 features span 3 block columns, so the columns
// split unevenly over 2 workers (2 + 1); the diagonal algorithms need 3-4 levels (n13 has 2).
const SHAPE: MatmulShape = { a: 512, b: 40, c: 4 };
const ALGOS = ['diag-abt', 'diag-atb'].map(matmulAlgorithm);

interface Outcome {
  bytes: Uint8Array[];
  values: Float64Array[];
  ops: OpCounts;
  levels: ReturnType<Session['ev']['levelCounts']>;
}

/** Counted calls on the same encrypted inputs (encryption is randomized): on the main thread, then split over the pool. */
async function onBoth(s: Session, algo: MatmulAlgorithm, pool: EvaluatorPool): Promise<[Outcome, Outcome]> {
  const be = s.ev;
  const plan = withInputLevels(algo, algo.plan(SHAPE, be), { inputLevel: 'auto', atbSums: 'shared' });
  const [A, B] = operands(algo, SHAPE);
  return be.scopeAsync(async () => {
    const inputs = algo.prepare(s.client, plan, A, B);
    const outcomes: Outcome[] = [];
    for (const parallel of [false, true]) {
      outcomes.push(
        await be.scopeAsync(async () => {
          const [c0, l0] = [be.counts(), be.levelCounts()];
          const out = (parallel ? await algo.runParallel!(be, plan, inputs, pool) : algo.run(be, plan, inputs)) as BlockMatrix;
          const [ops, levels] = [diffCounts(be.counts(), c0), diffLevelCounts(be.levelCounts(), l0)];
          const cts = out.cts.flat();
          return { bytes: cts.map((c) => be.serialize(c)), values: cts.map((c) => s.client.decrypt(c)), ops, levels };
        }),
      );
    }
    return [outcomes[0]!, outcomes[1]!];
  });
}

// the softmax's blocks: 2 block rows of 4 classes in the training layout at n14 (s0 = 512, s1 = 16)
const SOFTMAX = getSoftmax('hetal');
const SOFTMAX_LAYOUT: SoftmaxLayout = { s0: 512, s1: 16, classes: 4, cPad: 4 };

/**
 * A refresher that remembers what it made: a ciphertext (by its bytes) and level it has seen get
 * the same fresh ciphertext again. Encryption is randomized, so two runs of a computation that
 * refreshes can be bit-identical only with it; and a run whose every refresh is a `hit` had
 * every refresh input bit-identical to the first run's.
 */
class ReplayRefresher implements Refresher {
  readonly made = new Map<string, Uint8Array>();
  hits = 0;
  misses = 0;
  constructor(
    private readonly be: Evaluator,
    private readonly rf: Refresher,
  ) {}
  get kind(): string {
    return this.rf.kind;
  }
  get minInputLevel(): number {
    return this.rf.minInputLevel;
  }
  get outputLevel(): number {
    return this.rf.outputLevel;
  }
  refresh(ct: Ct, level = this.outputLevel): Ct {
    const key = `${level}:${createHash('sha256').update(this.be.serialize(ct)).digest('hex')}`;
    const known = this.made.get(key);
    if (known) {
      this.hits++;
      return this.be.deserialize(known, false);
    }
    this.misses++;
    const fresh = this.rf.refresh(ct, level);
    this.made.set(key, this.be.serialize(fresh));
    return fresh;
  }
}

/** The softmax of 2 blocks on the main thread, then on 2 workers (refreshes served here): bit-identical, counted alike. */
async function compareSoftmax(s: Session, pool: EvaluatorPool, what: string): Promise<void> {
  const be = s.ev;
  const { s0, s1, classes, cPad } = SOFTMAX_LAYOUT;
  const rng = uniformRng(5);
  const blocks = [0, 1].map(() => {
    const v = new Float64Array(be.slots);
    for (let r = 0; r < s0; r++) for (let j = 0; j < s1; j++) if (j % cPad < classes) v[r * s1 + j] = 8 * (2 * rng() - 1);
    return v;
  });
  // seal's refreshes encrypt afresh (randomized): replayed in the second run; the simulator's are deterministic
  const rf = be.id === 'seal' ? new ReplayRefresher(be, s.rf) : s.rf;
  await be.scopeAsync(async () => {
    const zs = blocks.map((v) => s.client.encrypt(v));
    const runs: Outcome[] = [];
    for (const parallel of [false, true]) {
      runs.push(
        await be.scopeAsync(async () => {
          const [c0, l0] = [be.counts(), be.levelCounts()];
          const out = await softmaxBlocks(be, rf, SOFTMAX, zs, SOFTMAX_LAYOUT, parallel ? pool : null);
          const [ops, levels] = [diffCounts(be.counts(), c0), diffLevelCounts(be.levelCounts(), l0)];
          return { bytes: out.map((c) => be.serialize(c)), values: out.map((c) => s.client.decrypt(c)), ops, levels };
        }),
      );
    }
    const [one, two] = runs as [Outcome, Outcome];
    assert.ok(one.ops.refresh > 0 || rf instanceof ReplayRefresher, `${what}: the softmax refreshed`);
    if (rf instanceof ReplayRefresher) {
      assert.ok(rf.misses > 0, `${what}: the softmax refreshed`);
      assert.is(rf.hits, rf.misses, `${what}: every refresh on the workers had the same input as on the main thread`);
    }
    // refreshes are counted by the main thread's refresher (the replayed ones not at all)
    const noRefresh = (o: OpCounts) => ({ ...o, refresh: 0, refreshBytes: 0, refreshMs: 0 });
    if (rf === s.rf) assert.equal({ ...two.ops, refreshMs: 0 }, { ...one.ops, refreshMs: 0 }, `${what}: the same counts, refreshes too`);
    else assert.equal(noRefresh(two.ops), noRefresh(one.ops), `${what}: the same counts`);
    assert.equal(computation(two.levels), computation(one.levels), `${what}: the same counts by level`);
    one.bytes.forEach((b, i) => assert.ok(Buffer.from(b).equals(Buffer.from(two.bytes[i]!)), `${what}: block ${i} bit-identical`));
    one.values.forEach((v, i) => assert.equal(Array.from(two.values[i]!), Array.from(v), `${what}: block ${i} decrypts alike`));
    if (be.id === 'sim') {
      // a refresh the main thread refuses fails the call with the refresher's own error (and the workers free what they made)
      const refusing: Refresher = {
        kind: 'refusing',
        minInputLevel: 0,
        outputLevel: s.rf.outputLevel,
        refresh: () => {
          throw new NonFiniteError('refresh: slot 0 decrypts to NaN');
        },
      };
      const err = await softmaxBlocks(be, refusing, SOFTMAX, zs, SOFTMAX_LAYOUT, pool).then(
        () => null,
        (e: unknown) => e,
      );
      assert.instance(err, NonFiniteError, `${what}: the refresher's error`);
    }
  });
}

/** Runs both algorithms and the softmax on one thread and on 2 workers and compares. */
async function compare(backend: 'seal' | 'sim', relin: RelinPolicy): Promise<void> {
  const params = { slots: 8192, maxLevel: 7, supportsComplex: true };
  const s = await createSession(backend, 'n14', {
    relin,
    rotationKeys: 'declared',
    rotationSteps: [...ALGOS.flatMap((a) => a.rotationSteps(a.plan(SHAPE, params))), ...SOFTMAX.rotationSteps(SOFTMAX_LAYOUT)],
  });
  const pool = await EvaluatorPool.start(s, 2);
  try {
    const live = s.ev.liveObjects();
    for (const algo of ALGOS) {
      const [one, two] = await onBoth(s, algo, pool);
      const what = `${backend} ${relin} ${algo.id}`;
      assert.ok(one.ops.rot > 0 && one.ops.mult > 0, `${what}: it computed`);
      assert.equal(two.ops, one.ops, `${what}: the same op counts on 2 workers as on 1`);
      assert.equal(computation(two.levels), computation(one.levels), `${what}: the same op counts by level`);
      const moved = (l: LevelCounts) => [...(l.serialize ?? []), ...(l.deserialize ?? [])].reduce((a, b) => a + b, 0);
      assert.ok(moved(two.levels) > 0 && moved(one.levels) === 0, `${what}: the workers' traffic is counted, and only theirs`);
      assert.is(two.bytes.length, one.bytes.length);
      one.bytes.forEach((b, i) => assert.ok(Buffer.from(b).equals(Buffer.from(two.bytes[i]!)), `${what}: output ${i} bit-identical`));
      one.values.forEach((v, i) => assert.equal(Array.from(two.values[i]!), Array.from(v), `${what}: output ${i} decrypts alike`));
    }
    await compareSoftmax(s, pool, `${backend} softmax`);
    const reports = await pool.probe();
    assert.is(new Set(reports.map((r) => r.threadId)).size, 2, 'both workers answered');
    for (const r of reports) assert.is(r.liveObjects, 0, `worker ${r.threadId} freed every ciphertext and plaintext`);
    assert.is(s.ev.liveObjects(), live, 'the main evaluator freed what it made');
  } finally {
    await pool.destroy();
    s.dispose();
  }
}

/** Counts by level of the computation itself: without the encodes (each worker encodes the masks
 * it uses once more) and the traffic to and from the workers (serialize, deserialize). */
function computation(levels: LevelCounts): LevelCounts {
  const { encode: _e, serialize: _s, deserialize: _d, ...rest } = levels;
  return rest;
}

test('seal n14: DiagABT, DiagATB and the softmax on 2 workers are bit-identical to 1 (lazy relinearization), counted alike, nothing left in the workers', async () => {
  await compare('seal', 'lazy');
});

test('sim: the same with eager relinearization', async () => {
  await compare('sim', 'eager');
});

test('splitRange: contiguous, near-equal, none empty', () => {
  assert.equal(splitRange(3, 2), [[0, 1], [2]]);
  assert.equal(splitRange(2, 4), [[0], [1]]);
  assert.equal(splitRange(5, 1), [[0, 1, 2, 3, 4]]);
});

test('matmul cells: one pool for the command, records carry workers (in the cell key), counts as on 1 worker', async () => {
  const s = await createSession('sim', 'n14', {});
  const base = { shape: SHAPE, backend: 'sim', preset: 'n14', realOnly: false, run: 'test', seed: 1 };
  const cells = [...ALGOS, matmulAlgorithm('colmajor')].map((algo) => ({
    ...base,
    algo,
    perf: { inputLevel: 'auto', relin: 'lazy', atbSums: 'shared' } as const,
  }));
  const records: Record<number, (MatmulRecord | FailedRecord)[]> = { 1: [], 2: [] };
  const ew = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write; // progress lines
  try {
    for (const workers of [1, 2]) assert.is(await runCells(s, cells, 0, (r) => records[workers]!.push(r), { workers }), 0);
  } finally {
    process.stderr.write = ew;
  }
  assert.equal(
    records[2]!.map((r) => (r as MatmulRecord).workers),
    [2, 2, 1],
    'colmajor has no parallel form',
  );
  assert.ok(records[2]![0]!.cell.includes('|workers=2'), records[2]![0]!.cell);
  assert.ok(!records[1]![0]!.cell.includes('workers'));
  records[1]!.forEach((r, i) => assert.equal((records[2]![i] as MatmulRecord).ops, (r as MatmulRecord).ops, `${r.algorithm}: same counts`));
  assert.is(s.ev.liveObjects(), 0);
  s.dispose();
});

test('sim training: the products and the softmax on 2 workers: the same weights and counts as on 1', async () => {
  // batch 256 at n14 makes s1 = 32: 69 features + bias span 3 column blocks; 2 batches, one epoch
  const data = await loadDataset('synthetic:n=400,d=69,c=3,sep=3', { seed: 3 });
  const hyper = { lr: 2, batch: 256, epochs: 1, optimizer: 'nesterov', earlyStopping: false, patience: 3, seed: 1 } as const;
  const softmax = getSoftmax('hetal');
  const runs: EncryptedOutcome[] = [];
  for (const workers of [1, 2]) {
    const s = await createSession('sim', 'n14');
    prepareTraining(s, data, hyper, softmax);
    const pool = workers > 1 ? await EvaluatorPool.start(s, workers) : null;
    try {
      runs.push(await trainEncrypted(s, data, hyper, softmax, { pool }));
      if (pool) for (const r of await pool.probe()) assert.is(r.liveObjects, 0, `worker ${r.threadId} freed everything`);
    } finally {
      await pool?.destroy();
      s.dispose();
    }
  }
  const [one, two] = runs as [EncryptedOutcome, EncryptedOutcome];
  assert.is(one.block.colBlocks, 3);
  assert.is(one.steps, 2);
  assert.equal({ ...two.ops, refreshMs: 0 }, { ...one.ops, refreshMs: 0 }, 'the same counts (refreshMs is a time)');
  // the simulator sums floats: a split sum may round differently in the last bits (seal's modular sums do not)
  const d = maxAbsDiff(one.weights, two.weights);
  assert.ok(d < 1e-12, `|W_1 - W_2| = ${d}`);
});

test.run();
