/**
 * The softmax block layout on ciphertexts (see `SoftmaxLayout`): masks, row sums over a class
 * period, broadcasts from period starts, rotations within a period, and the refresh policy.
 *
 * Rotations: `rotate(k)` is a cyclic LEFT rotation of the whole block, so for k > 0 the last k
 * columns of a row read the next row. Rows repeat their logits with period cPad (s1 a multiple
 * of cPad, possibly s1 = cPad, as in training where s0 = slots / cPad). The approach used here
 * works for any s1 >= cPad: a left rotate-and-add over steps 1, 2, ..., cPad/2 is exact at
 * every period START (column t*cPad reads columns t*cPad .. t*cPad + cPad - 1, all in its row)
 * and wrong only at the last cPad - 1 columns of a row; the result is then masked to the period
 * starts (a CMult that also carries a needed constant, so it costs no extra level) and spread
 * back over each period by RIGHT rotations -1, -2, ..., -cPad/2, which never leave the period.
 * Cost: 2 log2(cPad) rotations per reduction, with steps +-2^i.
 */
import { InputError } from '../errors';
import type { Ct, Evaluator, Refresher } from '../ckks/types';
import type { SoftmaxLayout } from '../interface';

/** Checks a layout against a backend; throws an InputError naming the bad field. */
export function checkLayout(be: Pick<Evaluator, 'slots'>, layout: SoftmaxLayout): void {
  const { s0, s1, classes, cPad } = layout;
  if (!Number.isInteger(classes) || classes < 2) throw new InputError(`softmax layout: classes ${classes} must be an integer >= 2`);
  if (cPad !== padClasses(classes))
    throw new InputError(`softmax layout: cPad ${cPad} is not ${classes} classes padded to a power of two (${padClasses(classes)})`);
  if (s0 * s1 !== be.slots) throw new InputError(`softmax layout: s0 x s1 = ${s0} x ${s1} is not the backend's ${be.slots} slots`);
  if (s1 < cPad || s1 % cPad !== 0)
    throw new InputError(`softmax layout: a row of s1 = ${s1} columns cannot hold periods of ${cPad} classes`);
}

/** c padded to a power of two. */
export function padClasses(c: number): number {
  return 2 ** Math.ceil(Math.log2(c));
}

/** log2(cPad): tournament rounds and rotate-and-add steps. */
export function log2Pad(layout: SoftmaxLayout): number {
  return Math.round(Math.log2(layout.cPad));
}

/** A slot vector from a function of the class index (column mod cPad), the same in every row. */
export function classVector(be: Pick<Evaluator, 'slots'>, layout: SoftmaxLayout, f: (cls: number) => number): Float64Array {
  const out = new Float64Array(be.slots);
  for (let i = 0; i < out.length; i++) out[i] = f((i % layout.s1) % layout.cPad);
  return out;
}

/** v at real classes, 0 at padded ones. */
export function validVector(be: Pick<Evaluator, 'slots'>, layout: SoftmaxLayout, v = 1): Float64Array {
  return classVector(be, layout, (k) => (k < layout.classes ? v : 0));
}

/** v at period starts (class 0), 0 elsewhere. */
export function startVector(be: Pick<Evaluator, 'slots'>, layout: SoftmaxLayout, v = 1): Float64Array {
  return classVector(be, layout, (k) => (k === 0 ? v : 0));
}

/** Left rotate-and-add over a period: exact at period starts (sum over the cPad classes). */
export function periodSum(be: Evaluator, x: Ct, layout: SoftmaxLayout): Ct {
  return be.scope(() => {
    let acc = x;
    for (let k = 1; k < layout.cPad; k *= 2) acc = be.add(acc, be.rotate(acc, k));
    return acc;
  });
}

/** Spreads values held at period starts (zero elsewhere) over each period (right rotations). */
export function broadcastFromStarts(be: Evaluator, x: Ct, layout: SoftmaxLayout): Ct {
  return be.scope(() => {
    let acc = x;
    for (let k = 1; k < layout.cPad; k *= 2) acc = be.add(acc, be.rotate(acc, -k));
    return acc;
  });
}

/** Rotation steps of periodSum + broadcastFromStarts. */
export function reductionSteps(layout: SoftmaxLayout): number[] {
  const out: number[] = [];
  for (let k = 1; k < layout.cPad; k *= 2) out.push(k, -k);
  return out;
}

/**
 * Cyclic rotation by k within every period: class j reads class (j + k) mod cPad of the same
 * row, for any s1 >= cPad. A left rotation by k where j + k < cPad, a right rotation by
 * cPad - k elsewhere, merged with two masks (one level, two rotations).
 */
export function rotateWithinPeriod(be: Evaluator, x: Ct, k: number, layout: SoftmaxLayout, scale = 1): Ct {
  const { cPad } = layout;
  return be.scope(() => {
    const left = be.mulPlain(
      be.rotate(x, k),
      classVector(be, layout, (j) => (j + k < cPad ? scale : 0)),
    );
    const right = be.mulPlain(
      be.rotate(x, k - cPad),
      classVector(be, layout, (j) => (j + k < cPad ? 0 : scale)),
    );
    return be.add(left, right);
  });
}

/**
 * The refresh policy (the one policy of the project: softmax stages and training steps alike): a
 * stage that needs `need` levels refreshes its input first when the input has fewer. Greedy, so a
 * chain of stages refreshes only where it must; a stage is never split across a refresh. The
 * refresher decides how (client-aided round trip, or a bootstrap).
 */
export function ensureLevel(ev: Evaluator, rf: Refresher, x: Ct, need: number, to?: number): Ct {
  if (need > rf.outputLevel) {
    throw new InputError(`preset ${ev.preset.name} has ${rf.outputLevel} levels after a refresh; this stage needs ${need}`);
  }
  // `to`: refresh only to that level (level-aware execution), else where the refresher's target says
  if (x.level >= need) return x;
  if (to !== undefined) return rf.refresh(x, Math.max(need, Math.min(to, rf.outputLevel)));
  return rf.refresh(x, rf.target === 'need' ? Math.min(Math.max(need, NEED_FLOOR), rf.outputLevel) : rf.outputLevel);
}

/**
 * The least level a refresh to the need lands at. Below it a product saves less than a round trip
 * costs: with n14's measured latencies (`hetal-bench estimate`), refreshing to exactly the need
 * predicts the same digits run (184 s) with 4160 round trips where this floor has 2900, and the
 * MNIST step 13.6 s with 289 where it has 226 and 13.4 s; a floor of 4 is slower (199 s).
 */
export const NEED_FLOOR = 3;

/**
 * `rf` with its refreshes landing at the level each stage needs (Refresher.target 'need', at
 * least NEED_FLOOR): for level-aware execution with a cheap refresher (the client-aided round
 * trip). A chain of products then runs at the lowest levels instead of descending from the top,
 * where a key switch costs ~(l+1)(l+2): the MNIST step's softmax is predicted 31% faster at n14
 * (4.06 s to 2.80 s), for 226 round trips instead of 145 (digits: 183 s instead of 257 s of
 * training, 2900 round trips instead of 1280).
 */
export function refreshingToNeed(rf: Refresher): Refresher {
  return {
    kind: rf.kind,
    minInputLevel: rf.minInputLevel,
    outputLevel: rf.outputLevel,
    target: 'need',
    refresh: (ct, level) => rf.refresh(ct, level),
  };
}
