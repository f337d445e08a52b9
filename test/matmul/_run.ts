/** Runs one matmul algorithm once on seeded inputs: its counts, its result and the reference. */
import type { Session } from '../../algorithms/ckks/session';
import type { OpCounts, Params } from '../../algorithms/ckks/types';
import { diffCounts } from '../../algorithms/ckks/types';
import type { MatmulAlgorithm, MatmulPlan, MatmulShape, Matrix } from '../../algorithms/interface';
import { randomMatrix } from '../../algorithms/matmul/plain';
import { InputError } from '../../algorithms/errors';
import { uniformRng } from '../../algorithms/random';

export interface OneRun {
  plan: MatmulPlan;
  ops: OpCounts;
  got: Matrix;
  want: Matrix;
  /** largest absolute error */
  maxAbs: number;
  /** leaks: live objects after the run minus before */
  leaked: number;
}

/** The algorithm's two operands for a shape, seeded. */
export function operands(algo: MatmulAlgorithm, shape: MatmulShape, seed = 7): [Matrix, Matrix] {
  const rng = uniformRng(seed);
  return algo.family === 'abt'
    ? [randomMatrix(rng, shape.a, shape.b), randomMatrix(rng, shape.c, shape.b)]
    : [randomMatrix(rng, shape.a, shape.c), randomMatrix(rng, shape.a, shape.b)];
}

/** Plans (then `tweak`s the plan, e.g. a policy), declares keys, encrypts, runs once (counted), decodes and compares. */
export function runOnce(s: Session, algo: MatmulAlgorithm, shape: MatmulShape, tweak: (p: MatmulPlan) => MatmulPlan = (p) => p): OneRun {
  const be = s.ev;
  const plan = tweak(algo.plan(shape, be));
  s.ensureRotationKeys(algo.rotationSteps(plan));
  const [A, B] = operands(algo, shape);
  const live = be.liveObjects();
  const r = be.scope(() => {
    const inputs = algo.prepare(s.client, plan, A, B);
    const before = be.counts();
    const out = algo.run(be, plan, inputs);
    const ops = diffCounts(be.counts(), before);
    return { ops, got: algo.decode(s.client, plan, out) };
  });
  const want = algo.reference(A, B);
  let maxAbs = 0;
  for (let i = 0; i < want.data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(want.data[i]! - r.got.data[i]!));
  return { plan, ops: r.ops, got: r.got, want, maxAbs, leaked: be.liveObjects() - live };
}

/**
 * The algorithm's plan for a shape, or undefined when it refuses the shape with an InputError
 * saying why (e.g. a layout that does not fit the slots): generic tests skip such cells.
 */
export function planIfFits(
  be: Pick<Params, 'slots' | 'maxLevel' | 'supportsComplex'>,
  algo: MatmulAlgorithm,
  shape: MatmulShape,
): MatmulPlan | undefined {
  try {
    return algo.plan(shape, be);
  } catch (err) {
    if (err instanceof InputError) return undefined;
    throw err;
  }
}
