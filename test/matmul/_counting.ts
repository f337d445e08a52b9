/**
 * A level-only CKKS backend for tests: ciphertexts carry a level and a `complex` flag and nothing
 * else, wrapped by the same counting layer as the real backends (so it counts exactly as they
 * do). It lets the paper's 2^15-slot cells with hundreds of thousands of rotations be counted in
 * milliseconds; table7.test.ts checks it against the simulator on cheaper cells.
 */
import { checkLevel, EvaluatorBase, fallbackSteps, Handle, paddedVector } from '../../algorithms/ckks/base';
import { resolvePreset, type Preset } from '../../algorithms/ckks/presets';
import { Session } from '../../algorithms/ckks/session';
import { SimKeyOwner } from '../../algorithms/ckks/sim';
import type { BackendOptions, Ct, EvaluationKeys, Pt } from '../../algorithms/ckks/types';

class LevelCt extends Handle implements Ct {
  constructor(
    id: number,
    public level: number,
    public complex = false,
    public pending = false,
  ) {
    super(id);
  }
  release(): void {}
}

class LevelPt extends Handle implements Pt {
  constructor(
    id: number,
    readonly complex: boolean,
  ) {
    super(id);
  }
  release(): void {}
}

/** Tracks levels and flags, computes nothing. */
class LevelEvaluator extends EvaluatorBase<LevelCt, LevelPt> {
  readonly id = 'sim' as const;
  readonly supportsComplex: boolean;

  constructor(preset: Preset, options: BackendOptions = {}) {
    super(preset, options);
    this.supportsComplex = !options.realOnly;
    this.setRotationKeys(fallbackSteps(this.slots, options));
  }
  loadKeys(keys: EvaluationKeys): void {
    this.setRotationKeys(keys.steps);
  }
  private make(level: number, complex = false): LevelCt {
    return this.track(new LevelCt(this.newId(), level, complex));
  }
  encode(values: ArrayLike<number>, level = this.maxLevel, imag?: ArrayLike<number>): Pt {
    this.padded(values, 'encode');
    this.checkLevel(level);
    return this.track(new LevelPt(this.newId(), this.imaginary(imag, 'encode') !== null));
  }
  add(a: Ct, b: Ct): Ct {
    const x = this.ct(a),
      y = this.ct(b);
    return this.make(Math.min(x.level, y.level), x.complex || y.complex);
  }
  sub(a: Ct, b: Ct): Ct {
    return this.add(a, b);
  }
  addInPlace(a: Ct, b: Ct): void {
    const [x, y] = this.addOperands(a, b);
    x.level = Math.min(x.level, y.level);
    x.complex ||= y.complex;
  }
  negate(a: Ct): Ct {
    const x = this.ct(a);
    return this.make(x.level, x.complex);
  }
  addPlain(a: Ct, p: Pt | ArrayLike<number>): Ct {
    const x = this.ct(a);
    return this.make(x.level, x.complex || (p instanceof LevelPt && p.complex));
  }
  addConst(a: Ct): Ct {
    return this.negate(a);
  }
  mulPlain(a: Ct, p?: Pt | ArrayLike<number>): Ct {
    const x = this.ct(a);
    this.needLevel(x, 'mulPlain');
    return this.make(x.level - 1, x.complex || (p instanceof LevelPt && p.complex));
  }
  mulConst(a: Ct): Ct {
    return this.mulPlain(a);
  }
  mul(a: Ct, b: Ct): Ct {
    const x = this.ct(a),
      y = this.ct(b);
    this.needLevel(x, 'mul');
    this.needLevel(y, 'mul');
    return this.make(Math.min(x.level, y.level) - 1, x.complex || y.complex);
  }
  protected dotPartialLazy(as: readonly Ct[], bs: readonly Ct[]): LevelCt {
    const all = [...as, ...bs].map((x) => this.ct(x));
    for (const x of all) this.needLevel(x, 'dot');
    const out = this.make(
      Math.min(...all.map((x) => x.level)),
      all.some((x) => x.complex),
    );
    out.pending = true;
    return out;
  }
  protected finishLazy(x: LevelCt): void {
    x.level -= 1;
    x.pending = false;
  }
  rotate(a: Ct, k: number): Ct {
    const x = this.ct(a);
    this.rotationPlan(k); // throws without keys, as the real backends do
    return this.make(x.level, x.complex);
  }
  conjugate(a: Ct): Ct {
    if (!this.supportsComplex) throw new Error('conjugate: this backend was created real-only');
    const x = this.ct(a);
    return this.make(x.level, x.complex);
  }
  rotateConjugate(a: Ct, k: number): Ct {
    if (!this.supportsComplex) throw new Error('rotateConjugate: this backend was created real-only');
    const x = this.ct(a);
    this.rotationPlan(k);
    return this.make(x.level, x.complex);
  }
  twiceRealPart(a: Ct): Ct {
    if (!this.supportsComplex) throw new Error('twiceRealPart: this backend was created real-only');
    return this.make(this.ct(a).level, false);
  }
  mulI(a: Ct): Ct {
    if (!this.supportsComplex) throw new Error('mulI: this backend was created real-only');
    return this.make(this.ct(a).level, true);
  }
  dropTo(a: Ct, level: number): Ct {
    const x = this.ct(a);
    return this.make(level, x.complex);
  }
  copy(a: Ct): Ct {
    const x = this.ct(a);
    return this.make(x.level, x.complex);
  }
  rescaleForTiming(a: Ct): Ct {
    return this.mulPlain(a);
  }
  serialize(a: Ct): Uint8Array {
    return Uint8Array.of(this.ct(a).level);
  }
  deserialize(bytes: Uint8Array, complex = true): Ct {
    return this.make(bytes[0]!, complex);
  }
  dispose(): void {
    this.releaseAll();
  }
}

/** A key owner whose ciphertexts are their level (one byte). */
/** The simulator's key owner (same keys: the steps), whose ciphertexts are their level (one byte). */
class LevelKeyOwner extends SimKeyOwner {
  override encryptToBytes(values: ArrayLike<number>, level = this.maxLevel): Uint8Array {
    paddedVector(values, this.slots, this.preset.name, 'encrypt');
    checkLevel(level, this.maxLevel, this.preset.name);
    return Uint8Array.of(level);
  }
  override decryptBytes(): Float64Array {
    return new Float64Array(this.slots);
  }
}

/** A session of the level-only backend: counts like the simulator, computes nothing (decrypt returns zeros). */
export function countingSession(preset: string, options: BackendOptions = {}): Session {
  const p = resolvePreset(preset);
  const owner = new LevelKeyOwner(p, options);
  const keys = owner.evaluationKeys([]);
  const ev = new LevelEvaluator(p, options);
  ev.loadKeys(keys);
  return new Session(owner, ev, keys);
}
