/**
 * The block shape rule and the shape checks every matmul plan shares. Errors are InputErrors
 * that name the shape, so the CLI can refuse bad input before anything runs.
 */
import type { Evaluator } from '../ckks/types';
import { InputError, check } from '../errors';
import type { MatmulPlan, MatmulShape } from '../interface';

/** The smallest power of two >= n. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** `(a, b, c)` for messages. */
export function shapeText(s: MatmulShape): string {
  return `(${s.a}, ${s.b}, ${s.c})`;
}

/** Throws unless a, b, c are positive integers. */
export function checkShape(s: MatmulShape): void {
  for (const k of ['a', 'b', 'c'] as const) {
    const v = s[k];
    check(Number.isSafeInteger(v) && v >= 1, `shape ${shapeText(s)}: ${k} = ${v} is not a positive integer`);
  }
}

/**
 * The paper's block shape (reference run.py): s0 = min(max(a, cPad), slots / cPad), rounded up
 * to a power of two (rotations need power-of-two sides; the paper's a are powers of two), and
 * s1 = slots / s0; both must be >= cPad so a block holds a whole period of classes.
 */
export function blockShape(shape: MatmulShape, cPad: number, slots: number): { s0: number; s1: number } {
  if (cPad * cPad > slots) {
    throw new InputError(
      `shape ${shapeText(shape)}: c = ${shape.c} (padded to ${cPad}) is too large for ${slots} slots: ` +
        `blocks need s0 >= ${cPad} and s1 >= ${cPad}, so at most c = ${Math.floor(Math.sqrt(slots))}`,
    );
  }
  const s0 = Math.min(nextPow2(Math.max(shape.a, cPad)), slots / cPad);
  const s1 = slots / s0;
  return { s0, s1 };
}

/** A block plan for `shape` on a backend: the paper's rule, c padded to a power of two. */
export function blockPlan(shape: MatmulShape, be: Pick<Evaluator, 'slots' | 'supportsComplex'>, complexPacking: boolean): MatmulPlan {
  checkShape(shape);
  const cPad = nextPow2(shape.c);
  const { s0, s1 } = blockShape(shape, cPad, be.slots);
  return { shape, cPad, s0, s1, slots: be.slots, complexPacking };
}

/** Throws unless `depth` levels fit the backend's fresh ciphertexts. */
export function checkDepth(id: string, plan: MatmulPlan, depth: number, be: Pick<Evaluator, 'maxLevel'>): void {
  check(
    depth <= be.maxLevel,
    `${id} on shape ${shapeText(plan.shape)} needs ${depth} levels, the preset has ${be.maxLevel} (use a preset with more levels, e.g. n14 or fgb)`,
  );
}

/** The number of blocks along a side. */
export function blocksAlong(n: number, side: number): number {
  return Math.ceil(n / side);
}

/** Column packing (Jin et al.): one ciphertext per column of up to `slots` rows; c is not padded. */
export function columnPlan(id: string, shape: MatmulShape, be: Pick<Evaluator, 'slots' | 'maxLevel'>): MatmulPlan {
  checkShape(shape);
  check(
    shape.a <= be.slots,
    `${id} on shape ${shapeText(shape)}: a = ${shape.a} rows do not fit one ciphertext column of ${be.slots} slots`,
  );
  const plan: MatmulPlan = { shape, cPad: shape.c, s0: be.slots, s1: 1, slots: be.slots, complexPacking: false };
  checkDepth(id, plan, 1, be);
  return plan;
}
