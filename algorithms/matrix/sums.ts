/**
 * Row sums, column sums and slot sums by rotate-and-add, and small accumulation helpers. A
 * rotation moves the whole slot vector, so a shift along a row spills into the next row: column
 * sums (steps of whole rows) are exact in every row, row sums are exact only in column 0.
 * The sums update their argument in place (pass a ciphertext you own) and free temporaries.
 */
import type { Evaluator, Ct } from '../ckks/types';

/** x += rot(x, step) for each step, in place. */
export function rotateAdd(be: Evaluator, x: Ct, steps: readonly number[]): Ct {
  for (const s of steps) {
    const r = be.rotate(x, s);
    be.addInPlace(x, r);
    be.free(r);
  }
  return x;
}

/** log2 of a power of two. */
export function log2(n: number): number {
  return Math.round(Math.log2(n));
}

/** 1, 2, 4, ..., n/2 (the rotate-and-add steps that sum n consecutive slots). */
export function powerSteps(n: number): number[] {
  const out: number[] = [];
  for (let p = 1; p < n; p *= 2) out.push(p);
  return out;
}

/** Row sums into column 0 of each row (log2 s1 rotations). Other columns hold sums that run into
 * the next row: mask column 0 before using them. */
export function rowSumsToFirstColumn(be: Evaluator, x: Ct, s1: number): Ct {
  return rotateAdd(be, x, powerSteps(s1));
}

/**
 * As rowSumsToFirstColumn, but the step 1 adds the conjugate of the neighbour (rotateConjugate: on
 * seal the bare rotation of a ciphertext with imaginary parts, no fix-up conjugation). Right for
 * values whose imaginary parts are negated in odd columns (DiagABT's signed form): column 0 then
 * holds the plain row sum.
 */
export function rowSumsToFirstColumnConjugatingOdd(be: Evaluator, x: Ct, s1: number): Ct {
  if (s1 < 2) return x;
  const r = be.rotateConjugate(x, 1);
  be.addInPlace(x, r);
  be.free(r);
  return rotateAdd(be, x, powerSteps(s1).slice(1));
}

/** Copies column 0 of each row across its row (log2 s1 rotations); other columns must be 0. */
export function spreadFirstColumn(be: Evaluator, x: Ct, s1: number): Ct {
  return rotateAdd(
    be,
    x,
    powerSteps(s1).map((p) => -p),
  );
}

/**
 * As spreadFirstColumn, but the copies in odd columns are conjugated: the step -1 (first, while
 * only column 0 is set) is a rotateConjugate, which on seal saves the fix-up conjugation an odd
 * rotation of a ciphertext with imaginary parts pays; the other steps are even. Mask the odd
 * columns with conjugated values to undo it.
 */
export function spreadFirstColumnConjugatingOdd(be: Evaluator, x: Ct, s1: number): Ct {
  if (s1 < 2) return x;
  const r = be.rotateConjugate(x, -1);
  be.addInPlace(x, r);
  be.free(r);
  return rotateAdd(
    be,
    x,
    powerSteps(s1)
      .slice(1)
      .map((p) => -p),
  );
}

/** Column sums of an s0 x s1 block, in every row (log2 s0 rotations by whole rows: exact,
 * since the block is the whole cyclic slot vector). */
export function columnSums(be: Evaluator, x: Ct, s0: number, s1: number): Ct {
  return rotateAdd(
    be,
    x,
    powerSteps(s0).map((p) => p * s1),
  );
}

/** The sum of all slots, in every slot (log2 slots rotations). */
export function slotSum(be: Evaluator, x: Ct): Ct {
  return rotateAdd(be, x, powerSteps(be.slots));
}

/**
 * Row sums repeated across each row: sum into column 0, keep column 0 (one CMult, times
 * `scale`), copy it back across the row. 2 log2 s1 rotations, one level.
 */
export function rowSumsFilled(be: Evaluator, x: Ct, s0: number, s1: number, scale = 1): Ct {
  rowSumsToFirstColumn(be, x, s1);
  const mask = new Float64Array(s0 * s1);
  for (let r = 0; r < s0; r++) mask[r * s1] = scale;
  const kept = be.mulPlain(x, mask);
  return spreadFirstColumn(be, kept, s1);
}

/** acc + term with `term` consumed (freed); starts the sum when `acc` is null. */
export function accumulate(be: Evaluator, acc: Ct | null, term: Ct): Ct {
  if (acc === null) return term;
  be.addInPlace(acc, term);
  be.free(term);
  return acc;
}

/** Σ a[i] * b[i] (ciphertext products), relinearized by the evaluator's policy (eager or lazy). */
export function dotProducts(be: Evaluator, a: readonly Ct[], b: readonly Ct[]): Ct {
  return be.dot(a, b);
}
