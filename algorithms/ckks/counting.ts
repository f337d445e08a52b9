/**
 * Operation counting: one layer around any evaluator, so both backends count the same way by
 * construction (the backends themselves count nothing). Everything a count depends on is visible
 * here: the levels and the `complex` flag of the operands, and the key switches a rotation costs
 * with the keys the evaluator holds (`rotationCost`). Counts are kept in total (`counts`) and by
 * the level of the ciphertext operated on (`levelCounts`, the cost model's input).
 */
import { beat } from './progress';
import { needsFixUp, type RawEvaluator, rotateConjugateNeedsConj } from './base';
import type { Preset } from './presets';
import {
  type BackendId,
  type BootstrapSupport,
  type Ct,
  type EncapsulationKey,
  type Evaluator,
  type LevelCounts,
  type LevelOp,
  type OpCounts,
  type Pt,
  type RelinPolicy,
  zeroCounts,
} from './types';

/** The counters of one session: the evaluator's operations and the refresher's and client's messages. */
export class OpCounter {
  private readonly total: OpCounts = zeroCounts();
  private readonly byLevel: Record<LevelOp, number[]> = {
    add: [],
    cmult: [],
    mult: [],
    relin: [],
    rescale: [],
    keyswitch: [],
    conj: [],
    muli: [],
    levelMatch: [],
    encode: [],
    modraise: [],
    switchKey: [],
    serialize: [],
    deserialize: [],
  };
  /** By-level counts merged from worker threads (a subset of byLevel). */
  private readonly merged: Partial<Record<LevelOp, number[]>> = {};

  /** Adds `n` to a total counter and, for operations with a level, to its level's count. */
  note(field: keyof OpCounts, n = 1, level?: number): void {
    beat();
    this.total[field] += n;
    if (level !== undefined && field in this.byLevel) {
      const arr = this.byLevel[field as LevelOp];
      arr[level] = (arr[level] ?? 0) + n;
    }
  }

  /** Adds to a by-level count only (e.g. encodes, which have no total counter). */
  noteLevel(op: LevelOp, level: number, n = 1): void {
    const arr = this.byLevel[op];
    arr[level] = (arr[level] ?? 0) + n;
  }

  counts(): OpCounts {
    return { ...this.total };
  }

  /** Adds the counts of operations done elsewhere (a worker thread's evaluator) as if done here. */
  merge(counts: OpCounts, byLevel: LevelCounts): void {
    for (const k of Object.keys(this.total) as (keyof OpCounts)[]) this.total[k] += counts[k];
    for (const op of Object.keys(byLevel) as LevelOp[]) {
      byLevel[op]!.forEach((n, level) => {
        if (n === 0) return;
        this.noteLevel(op, level, n);
        const arr = (this.merged[op] ??= []);
        arr[level] = (arr[level] ?? 0) + n;
      });
    }
  }

  /**
   * The part of `levelCounts` merged from worker threads: the work a pool ran in parallel, while
   * the rest ran on this thread (the cost model prices the two apart, harness/cost/predict.ts).
   */
  mergedLevelCounts(): LevelCounts {
    const out: LevelCounts = {};
    for (const op of Object.keys(this.merged) as LevelOp[]) out[op] = Array.from(this.merged[op]!, (v) => v ?? 0);
    return out;
  }

  levelCounts(): LevelCounts {
    const out: LevelCounts = {};
    for (const op of Object.keys(this.byLevel) as LevelOp[]) {
      const arr = this.byLevel[op];
      if (arr.length > 0) out[op] = Array.from(arr, (v) => v ?? 0);
    }
    return out;
  }
}

/** An evaluator that counts every operation of the evaluator it wraps. */
export class CountingEvaluator implements Evaluator {
  constructor(
    readonly inner: RawEvaluator,
    readonly counter: OpCounter = new OpCounter(),
  ) {}

  get id(): BackendId {
    return this.inner.id;
  }
  get preset(): Preset {
    return this.inner.preset;
  }
  get slots(): number {
    return this.inner.slots;
  }
  get ringSlots(): number {
    return this.inner.ringSlots;
  }
  atRingSlots<T>(fn: () => T): T {
    return this.inner.atRingSlots(fn);
  }
  get maxLevel(): number {
    return this.inner.maxLevel;
  }
  get supportsComplex(): boolean {
    return this.inner.supportsComplex;
  }
  get relin(): RelinPolicy {
    return this.inner.relin;
  }

  /** Counts a level match when two operands meet at different levels; returns the common level. */
  private matched(a: Ct, b: Ct): number {
    const level = Math.min(a.level, b.level);
    if (a.level !== b.level) this.counter.note('levelMatch', 1, Math.max(a.level, b.level));
    return level;
  }

  private addLike(a: Ct, b: Ct): number {
    const level = this.matched(a, b);
    this.counter.note('add', 1, level);
    return level;
  }

  encode(values: ArrayLike<number>, level?: number, imag?: ArrayLike<number>): Pt {
    // a complex vector is one encode, as in the paper (seal builds it from two, seal-complex.ts)
    const p = this.inner.encode(values, level, imag);
    this.counter.noteLevel('encode', level ?? this.maxLevel);
    return p;
  }

  add(a: Ct, b: Ct): Ct {
    const out = this.inner.add(a, b);
    this.addLike(a, b);
    return out;
  }
  sub(a: Ct, b: Ct): Ct {
    const out = this.inner.sub(a, b);
    this.addLike(a, b);
    return out;
  }
  addInPlace(a: Ct, b: Ct): void {
    const [la, lb] = [a.level, b.level];
    this.inner.addInPlace(a, b);
    if (la !== lb) this.counter.note('levelMatch', 1, Math.max(la, lb));
    this.counter.note('add', 1, Math.min(la, lb));
  }
  negate(a: Ct): Ct {
    const out = this.inner.negate(a);
    this.counter.note('add', 1, a.level);
    return out;
  }
  addPlain(a: Ct, p: Pt | ArrayLike<number>): Ct {
    const out = this.inner.addPlain(a, p);
    this.counter.note('add', 1, a.level);
    if (!isPt(p)) this.counter.noteLevel('encode', a.level);
    return out;
  }
  addConst(a: Ct, c: number): Ct {
    const out = this.inner.addConst(a, c);
    this.counter.note('add', 1, a.level);
    return out;
  }
  mulPlain(a: Ct, p: Pt | ArrayLike<number>): Ct {
    const out = this.inner.mulPlain(a, p);
    this.counter.note('cmult', 1, a.level);
    this.counter.note('rescale', 1, a.level);
    if (!isPt(p)) this.counter.noteLevel('encode', a.level);
    return out;
  }
  mulConst(a: Ct, c: number): Ct {
    const out = this.inner.mulConst(a, c);
    this.counter.note('cmult', 1, a.level);
    this.counter.note('rescale', 1, a.level);
    return out;
  }
  mul(a: Ct, b: Ct): Ct {
    const out = this.inner.mul(a, b);
    const level = this.matched(a, b);
    // Relinearization is a key switch in SEAL; it is counted as `relin`, not `keyswitch`.
    this.counter.note('mult', 1, level);
    this.counter.note('relin', 1, level);
    this.counter.note('rescale', 1, level);
    return out;
  }
  square(a: Ct): Ct {
    const out = this.inner.square(a);
    this.counter.note('mult', 1, a.level);
    this.counter.note('relin', 1, a.level);
    this.counter.note('rescale', 1, a.level);
    return out;
  }
  dot(a: readonly Ct[], b: readonly Ct[]): Ct {
    const levels = operandLevels(a, b);
    const out = this.inner.dot(a, b);
    this.countPartial(levels);
    if (this.inner.relin === 'lazy') this.countFinish(Math.min(...levels.flat()));
    return out;
  }
  dotPartial(a: readonly Ct[], b: readonly Ct[]): Ct {
    const levels = operandLevels(a, b);
    const out = this.inner.dotPartial(a, b);
    this.countPartial(levels);
    return out;
  }
  finishDot(x: Ct): Ct {
    const [pending, level] = [x.pending === true, x.level];
    const out = this.inner.finishDot(x);
    if (pending) this.countFinish(level);
    return out;
  }
  /** The products and additions of a dot product (its unfinished part). */
  private countPartial(levels: (readonly [number, number])[]): void {
    if (this.inner.relin === 'eager') {
      // as mul for each pair, then the running sum: mirrors EvaluatorBase.dotEager
      let accLevel = -1;
      for (const [la, lb] of levels) {
        const l = Math.min(la, lb);
        if (la !== lb) this.counter.note('levelMatch', 1, Math.max(la, lb));
        this.counter.note('mult', 1, l);
        this.counter.note('relin', 1, l);
        this.counter.note('rescale', 1, l);
        if (accLevel >= 0) {
          if (accLevel !== l - 1) this.counter.note('levelMatch', 1, Math.max(accLevel, l - 1));
          this.counter.note('add', 1, Math.min(accLevel, l - 1));
          accLevel = Math.min(accLevel, l - 1);
        } else accLevel = l - 1;
      }
    } else {
      // every operand brought to the common level, the size-3 products summed (finishDot: one relin and rescale)
      const common = Math.min(...levels.flat());
      for (const l of levels.flat()) if (l !== common) this.counter.note('levelMatch', 1, l);
      this.counter.note('mult', levels.length, common);
      if (levels.length > 1) this.counter.note('add', levels.length - 1, common);
    }
  }
  /** The one rescale and relinearization of a lazily accumulated sum: the rescale first, so the relinearization's key switch runs a level lower (seal.ts finishLazy). */
  private countFinish(level: number): void {
    this.counter.note('rescale', 1, level);
    this.counter.note('relin', 1, level - 1);
  }
  rotate(a: Ct, k: number): Ct {
    const cost = this.inner.rotationCost(k);
    const out = this.inner.rotate(a, k);
    if (cost === 0) return out;
    this.counter.note('rot', 1);
    this.counter.note('keyswitch', cost, a.level);
    // seal follows an odd rotation of a ciphertext that may hold imaginary parts with a
    // conjugation (seal.ts, the imaginary unit); the simulator needs none but counts it alike.
    if (needsFixUp(a.complex, k, this.slots)) {
      this.counter.note('conj', 1, a.level);
      this.counter.note('keyswitch', 1, a.level);
    }
    return out;
  }
  conjugate(a: Ct): Ct {
    const out = this.inner.conjugate(a);
    this.counter.note('conj', 1, a.level);
    this.counter.note('keyswitch', 1, a.level);
    return out;
  }
  rotateConjugate(a: Ct, k: number): Ct {
    const cost = this.inner.rotationCost(k);
    const out = this.inner.rotateConjugate(a, k);
    if (cost > 0) {
      this.counter.note('rot', 1);
      this.counter.note('keyswitch', cost, a.level);
    }
    // on seal an odd rotation of a complex ciphertext conjugates by itself; otherwise a conjugation
    if (rotateConjugateNeedsConj(a.complex, k, this.slots)) {
      this.counter.note('conj', 1, a.level);
      this.counter.note('keyswitch', 1, a.level);
    }
    return out;
  }
  mulI(a: Ct): Ct {
    const out = this.inner.mulI(a);
    this.counter.note('muli', 1, a.level);
    return out;
  }
  twiceRealPart(a: Ct): Ct {
    const out = this.inner.twiceRealPart(a);
    this.counter.note('conj', 1, a.level);
    this.counter.note('keyswitch', 1, a.level);
    this.counter.note('add', 1, a.level);
    return out;
  }
  dropTo(a: Ct, level: number): Ct {
    const out = this.inner.dropTo(a, level);
    if (level < a.level) this.counter.note('levelMatch', 1, a.level);
    return out;
  }
  copy(a: Ct): Ct {
    return this.inner.copy(a);
  }
  rescaleForTiming(a: Ct): Ct {
    const out = this.inner.rescaleForTiming(a);
    this.counter.note('rescale', 1, a.level);
    return out;
  }
  rotationCost(k: number): number {
    return this.inner.rotationCost(k);
  }
  get bootstrapSupport(): BootstrapSupport {
    return this.inner.bootstrapSupport;
  }
  modRaise(a: Ct): Ct {
    const out = this.inner.modRaise(a);
    this.counter.note('modraise', 1, a.level);
    return out;
  }
  switchKey(a: Ct, key: EncapsulationKey): Ct {
    const out = this.inner.switchKey(a, key);
    this.counter.note('switchKey', 1, a.level);
    return out;
  }
  counts(): OpCounts {
    return this.counter.counts();
  }
  levelCounts(): LevelCounts {
    return this.counter.levelCounts();
  }
  scope<T>(fn: () => T): T {
    return this.inner.scope(fn);
  }
  scopeAsync<T>(fn: () => Promise<T>): Promise<T> {
    return this.inner.scopeAsync(fn);
  }
  free(x: Ct | Pt): void {
    this.inner.free(x);
  }
  liveObjects(): number {
    return this.inner.liveObjects();
  }
  // by level only (the cost model prices the traffic to and from worker threads); the session's
  // own messages go through the raw evaluator and are priced as encryptions and decryptions
  serialize(ct: Ct): Uint8Array {
    this.counter.noteLevel('serialize', ct.level);
    return this.inner.serialize(ct);
  }
  deserialize(bytes: Uint8Array, complex?: boolean): Ct {
    const ct = this.inner.deserialize(bytes, complex);
    this.counter.noteLevel('deserialize', ct.level);
    return ct;
  }
  ciphertextBytes(level: number): number {
    return this.inner.ciphertextBytes(level);
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** The levels of the operand pairs of a dot product. */
function operandLevels(a: readonly Ct[], b: readonly Ct[]): (readonly [number, number])[] {
  return a.map((x, i) => [x.level, b[i]?.level ?? x.level] as const);
}

/** A plaintext handle (as opposed to a vector to encode on the fly). */
function isPt(p: Pt | ArrayLike<number>): p is Pt {
  return typeof (p as Pt).id === 'number' && !('length' in p);
}
