/**
 * A counting-only CKKS backend for tests: ciphertexts carry a level and nothing else, and every
 * operation is counted exactly as the simulator counts it (same base class, same rotation-key
 * bookkeeping). It lets the paper's 2^15-slot cells with hundreds of thousands of rotations be
 * counted in milliseconds; table7.test.ts checks it against the simulator on cheaper cells.
 */
import { BackendBase, Handle } from '../../algorithms/ckks/base';
import { resolvePreset } from '../../algorithms/ckks/presets';
import type { BackendOptions, Ct, Pt } from '../../algorithms/ckks/types';

class CountCt extends Handle implements Ct {
  /** may hold imaginary parts (as the simulator's non-null imaginary array, seal's flag) */
  constructor(
    id: number,
    public level: number,
    public complex = false,
  ) {
    super(id);
  }
  release(): void {}
}

class CountPt extends Handle implements Pt {
  constructor(
    id: number,
    readonly complex: boolean,
  ) {
    super(id);
  }
  release(): void {}
}

/** Counts like the simulator, computes nothing (decrypt returns zeros). */
export class CountingBackend extends BackendBase<CountCt, CountPt> {
  readonly id = 'sim' as const;
  readonly supportsComplex: boolean;

  constructor(preset: string, options: BackendOptions = {}) {
    super(resolvePreset(preset), options);
    this.supportsComplex = !options.realOnly;
    this.addRotationKeys(this.fallbackSteps());
  }

  private make(level: number, complex = false): CountCt {
    return this.track(new CountCt(this.newId(), level, complex));
  }

  private matched(a: Ct, b: Ct): number {
    if (a.level !== b.level) this.ops.levelMatch += 1;
    return Math.min(a.level, b.level);
  }

  encrypt(values: ArrayLike<number>, level = this.maxLevel): Ct {
    this.checkLength(values, 'encrypt');
    this.checkLevel(level);
    this.ops.encrypt += 1;
    return this.make(level);
  }
  decrypt(x: Ct): Float64Array {
    this.ct(x);
    this.ops.decrypt += 1;
    return new Float64Array(this.slots);
  }
  encode(values: ArrayLike<number>, level = this.maxLevel, imag?: ArrayLike<number>): Pt {
    this.checkLength(values, 'encode');
    this.checkLevel(level);
    if (imag && !this.supportsComplex) throw new Error('encode: complex values need complex slots (this backend was created real-only)');
    // complex when an imaginary part is given and not all zero (as the simulator decides)
    return this.track(new CountPt(this.newId(), imag !== undefined && Array.from(imag).some((v) => v !== 0)));
  }
  add(a: Ct, b: Ct): Ct {
    const x = this.ct(a),
      y = this.ct(b);
    this.ops.add += 1;
    return this.make(this.matched(x, y), x.complex || y.complex);
  }
  sub(a: Ct, b: Ct): Ct {
    return this.add(a, b);
  }
  addInPlace(a: Ct, b: Ct): void {
    const x = this.ct(a);
    const y = this.ct(b);
    x.level = this.matched(x, y);
    x.complex ||= y.complex;
    this.ops.add += 1;
  }
  negate(a: Ct): Ct {
    const x = this.ct(a);
    this.ops.add += 1;
    return this.make(x.level, x.complex);
  }
  addPlain(a: Ct, p: Pt | ArrayLike<number>): Ct {
    const x = this.ct(a);
    this.ops.add += 1;
    return this.make(x.level, x.complex || (p instanceof CountPt && p.complex));
  }
  addConst(a: Ct): Ct {
    return this.negate(a);
  }
  mulPlain(a: Ct, p?: Pt | ArrayLike<number>): Ct {
    const x = this.ct(a);
    this.needLevel(x, 'mulPlain');
    this.ops.cmult += 1;
    this.ops.rescale += 1;
    return this.make(x.level - 1, x.complex || (p instanceof CountPt && p.complex));
  }
  mulConst(a: Ct): Ct {
    return this.mulPlain(a);
  }
  mul(a: Ct, b: Ct): Ct {
    const x = this.ct(a),
      y = this.ct(b);
    this.needLevel(x, 'mul');
    this.needLevel(y, 'mul');
    this.ops.mult += 1;
    this.ops.rescale += 1;
    return this.make(this.matched(x, y) - 1, x.complex || y.complex);
  }
  rotate(a: Ct, k: number): Ct {
    const x = this.ct(a);
    const plan = this.rotationPlan(k);
    if (plan.length > 0) {
      this.countRotation(plan);
      this.oddRotationOfComplex(x.complex, k);
    }
    return this.make(x.level, x.complex);
  }
  conjugate(a: Ct): Ct {
    if (!this.supportsComplex) throw new Error('conjugate: this backend was created real-only');
    const x = this.ct(a);
    this.ops.conj += 1;
    this.ops.keyswitch += 1;
    return this.make(x.level, x.complex);
  }
  rotateConjugate(a: Ct, k: number): Ct {
    if (!this.supportsComplex) throw new Error('rotateConjugate: this backend was created real-only');
    const x = this.ct(a);
    this.countRotateConjugate(x.complex, k, this.rotationPlan(k));
    return this.make(x.level, x.complex);
  }
  mulI(a: Ct): Ct {
    if (!this.supportsComplex) throw new Error('mulI: this backend was created real-only');
    this.ops.muli += 1;
    return this.make(this.ct(a).level, true);
  }
  twiceRealPart(a: Ct): Ct {
    if (!this.supportsComplex) throw new Error('twiceRealPart: this backend was created real-only');
    const x = this.ct(a);
    this.ops.conj += 1;
    this.ops.keyswitch += 1;
    this.ops.add += 1;
    return this.make(x.level, false);
  }
  dropTo(a: Ct, level: number): Ct {
    const x = this.ct(a);
    if (level < x.level) this.ops.levelMatch += 1;
    return this.make(level, x.complex);
  }
  protected refreshNow(a: Ct): Ct {
    const x = this.ct(a);
    this.countRefresh(x.level);
    return this.make(this.maxLevel, x.complex);
  }
  copy(a: Ct): Ct {
    const x = this.ct(a);
    return this.make(x.level, x.complex);
  }
  rescaleForTiming(a: Ct): Ct {
    return this.mulPlain(a);
  }
  ensureRotationKeys(steps: Iterable<number>): void {
    this.addRotationKeys(steps);
  }
  serialize(): Uint8Array {
    throw new Error('not supported by the counting backend');
  }
  deserialize(): Ct {
    throw new Error('not supported by the counting backend');
  }
  dispose(): void {
    this.releaseAll();
  }
}
