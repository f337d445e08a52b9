/**
 * The slot simulator: each ciphertext is its complex slot vector plus its level. Same
 * operations, level consumption, errors and counters as the SEAL backend, without encryption,
 * so the paper's configurations (2^15 slots, 12 levels) run in milliseconds. Optional Gaussian
 * noise approximates what SEAL adds (see NOISE below for where the sizes come from).
 */
import { InputError } from '../errors';
import { normalRng, uniformRng } from '../random';
import { BackendBase, Handle } from './base';
import type { Preset } from './presets';
import type { BackendOptions, Ct, Pt } from './types';

/**
 * Noise standard deviations in units of 1/scale, measured on the seal backend (N=8192 and
 * 16384, scale 2^40, uniform [-1, 1] values; .cache-free probe reproduced by
 * test/ckks/differential.test.ts): a fresh encryption 210-290, a rescale 1400-2700, a key
 * switch (rotation, conjugation) 11000-15000. Key-switch errors are heavy-tailed in SEAL (max
 * about 40 sd); the simulator draws Gaussian noise of the same standard deviation.
 */
export const NOISE = { fresh: 250, rescale: 2000, keyswitch: 13000 } as const;

class SimCt extends Handle implements Ct {
  constructor(
    id: number,
    public re: Float64Array,
    public im: Float64Array | null,
    public level: number,
  ) {
    super(id);
  }
  /** may hold imaginary parts: exactly when the imaginary array exists */
  get complex(): boolean {
    return this.im !== null;
  }
  release(): void {
    // Nothing native to free; drop the arrays so a use after free fails loudly.
    this.re = undefined as unknown as Float64Array;
    this.im = null;
  }
}

class SimPt extends Handle implements Pt {
  constructor(
    id: number,
    public values: Float64Array,
    public imag: Float64Array | null,
  ) {
    super(id);
  }
  get complex(): boolean {
    return this.imag !== null;
  }
  release(): void {
    this.values = undefined as unknown as Float64Array;
    this.imag = null;
  }
}

export class SimBackend extends BackendBase<SimCt, SimPt> {
  readonly id = 'sim' as const;
  readonly supportsComplex: boolean;
  private readonly gauss: (() => number) | null;
  private readonly unit: number;

  constructor(preset: Preset, options: BackendOptions = {}) {
    super(preset, options);
    this.supportsComplex = !options.realOnly;
    this.gauss = options.noise ? normalRng(uniformRng(options.seed ?? 1)) : null;
    this.unit = 2 ** -preset.scaleBits;
    this.addRotationKeys(this.fallbackSteps());
  }

  private make(re: Float64Array, im: Float64Array | null, level: number): SimCt {
    return this.track(new SimCt(this.newId(), re, im, level));
  }

  private noisy(c: SimCt, sd: number): SimCt {
    if (this.gauss) {
      const s = sd * this.unit;
      for (let i = 0; i < c.re.length; i++) c.re[i]! += s * this.gauss();
      if (c.im) for (let i = 0; i < c.im.length; i++) c.im[i]! += s * this.gauss();
    }
    return c;
  }

  private vec(p: Pt | ArrayLike<number>, what: string): Float64Array {
    return p instanceof SimPt ? this.pt(p).values : this.padded(p as ArrayLike<number>, what);
  }

  /** Brings the higher of two operands down (a level match, as SEAL needs). */
  private matched(a: SimCt, b: SimCt): number {
    if (a.level !== b.level) this.ops.levelMatch += 1;
    return Math.min(a.level, b.level);
  }

  encrypt(values: ArrayLike<number>, level = this.maxLevel): Ct {
    this.checkLevel(level);
    const re = this.padded(values, 'encrypt');
    this.ops.encrypt += 1;
    return this.noisy(this.make(re, null, level), NOISE.fresh);
  }

  decrypt(x: Ct): Float64Array {
    const c = this.ct(x);
    this.ops.decrypt += 1;
    return Float64Array.from(c.re);
  }

  encode(values: ArrayLike<number>, level = this.maxLevel, imag?: ArrayLike<number>): Pt {
    this.checkLevel(level);
    return this.track(new SimPt(this.newId(), this.padded(values, 'encode'), this.imaginary(imag, 'encode')));
  }

  add(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    const level = this.matched(a, b);
    this.ops.add += 1;
    return this.make(addArrays(a.re, b.re, 1), addImag(a.im, b.im, 1), level);
  }

  sub(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    const level = this.matched(a, b);
    this.ops.add += 1;
    return this.make(addArrays(a.re, b.re, -1), addImag(a.im, b.im, -1), level);
  }

  addInPlace(x: Ct, y: Ct): void {
    const a = this.ct(x),
      b = this.ct(y);
    a.level = this.matched(a, b);
    this.ops.add += 1;
    for (let i = 0; i < a.re.length; i++) a.re[i]! += b.re[i]!;
    if (b.im) {
      if (!a.im) a.im = new Float64Array(this.slots);
      for (let i = 0; i < a.im.length; i++) a.im[i]! += b.im[i]!;
    }
  }

  negate(x: Ct): Ct {
    const a = this.ct(x);
    this.ops.add += 1;
    return this.make(
      a.re.map((v) => -v),
      a.im ? a.im.map((v) => -v) : null,
      a.level,
    );
  }

  addPlain(x: Ct, p: Pt | ArrayLike<number>): Ct {
    const a = this.ct(x);
    this.ops.add += 1;
    const pim = p instanceof SimPt ? this.pt(p).imag : null;
    return this.make(addArrays(a.re, this.vec(p, 'addPlain'), 1), addImag(a.im, pim, 1), a.level);
  }

  addConst(x: Ct, c: number): Ct {
    const a = this.ct(x);
    this.ops.add += 1;
    return this.make(
      a.re.map((v) => v + c),
      a.im ? Float64Array.from(a.im) : null,
      a.level,
    );
  }

  mulPlain(x: Ct, p: Pt | ArrayLike<number>): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'mulPlain');
    const v = this.vec(p, 'mulPlain');
    const w = p instanceof SimPt ? this.pt(p).imag : null;
    this.ops.cmult += 1;
    this.ops.rescale += 1;
    const { re, im } = complexProduct(a.re, a.im, v, w);
    return this.noisy(this.make(re, im, a.level - 1), NOISE.rescale);
  }

  mulConst(x: Ct, c: number): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'mulConst');
    if (!Number.isFinite(c)) throw new InputError(`mulConst: constant ${c} is not finite`);
    this.ops.cmult += 1;
    this.ops.rescale += 1;
    return this.noisy(
      this.make(
        a.re.map((r) => r * c),
        a.im ? a.im.map((r) => r * c) : null,
        a.level - 1,
      ),
      NOISE.rescale,
    );
  }

  mul(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    this.needLevel(a, 'mul');
    this.needLevel(b, 'mul');
    const level = this.matched(a, b) - 1;
    this.ops.mult += 1;
    this.ops.rescale += 1;
    const { re, im } = complexProduct(a.re, a.im, b.re, b.im);
    // Relinearization is a key switch in SEAL; it is counted under `mult`, not `keyswitch`.
    return this.noisy(this.make(re, im, level), NOISE.rescale);
  }

  rotate(x: Ct, k: number): Ct {
    const a = this.ct(x);
    const plan = this.rotationPlan(k);
    if (plan.length === 0) return this.copy(a);
    this.countRotation(plan);
    // Counted as on seal (a fix-up conjugation there); the simulator's slots need none.
    const fixUp = this.oddRotationOfComplex(a.im !== null, k);
    const s = ((k % this.slots) + this.slots) % this.slots;
    const out = this.make(rotateArray(a.re, s), a.im ? rotateArray(a.im, s) : null, a.level);
    return this.noisy(out, NOISE.keyswitch * Math.sqrt(plan.length + (fixUp ? 1 : 0)));
  }

  conjugate(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('conjugate: this backend was created real-only');
    this.ops.conj += 1;
    this.ops.keyswitch += 1;
    const out = this.make(Float64Array.from(a.re), a.im ? a.im.map((v) => -v) : null, a.level);
    return this.noisy(out, NOISE.keyswitch);
  }

  rotateConjugate(x: Ct, k: number): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('rotateConjugate: this backend was created real-only');
    const plan = this.rotationPlan(k);
    // Counted as on seal, where an odd rotation of a complex ciphertext conjugates by itself.
    const conj = this.countRotateConjugate(a.im !== null, k, plan);
    const s = ((k % this.slots) + this.slots) % this.slots;
    const out = this.make(rotateArray(a.re, s), a.im ? rotateArray(a.im, s).map((v) => -v) : null, a.level);
    return this.noisy(out, NOISE.keyswitch * Math.sqrt(plan.length + (conj ? 1 : 0)));
  }

  mulI(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('mulI: this backend was created real-only');
    this.ops.muli += 1;
    const re = a.im ? a.im.map((v) => -v) : new Float64Array(this.slots);
    return this.make(re, Float64Array.from(a.re), a.level);
  }

  twiceRealPart(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('twiceRealPart: this backend was created real-only');
    this.ops.conj += 1;
    this.ops.keyswitch += 1;
    this.ops.add += 1;
    // the conjugation's key-switch noise lands in both terms of the sum
    return this.noisy(
      this.make(
        a.re.map((v) => 2 * v),
        null,
        a.level,
      ),
      NOISE.keyswitch,
    );
  }

  dropTo(x: Ct, level: number): Ct {
    const a = this.ct(x);
    this.checkLevel(level);
    if (level > a.level) throw new Error(`dropTo: ciphertext #${a.id} is at level ${a.level}, below ${level}`);
    if (level < a.level) this.ops.levelMatch += 1;
    return this.make(Float64Array.from(a.re), a.im ? Float64Array.from(a.im) : null, level);
  }

  protected refreshNow(x: Ct): Ct {
    const a = this.ct(x);
    this.countRefresh(a.level);
    // The key owner decrypts (imaginary parts too, if any) and encrypts afresh.
    return this.noisy(this.make(Float64Array.from(a.re), a.im ? Float64Array.from(a.im) : null, this.maxLevel), NOISE.fresh);
  }

  copy(x: Ct): Ct {
    const a = this.ct(x);
    return this.make(Float64Array.from(a.re), a.im ? Float64Array.from(a.im) : null, a.level);
  }

  rescaleForTiming(x: Ct): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'rescale');
    this.ops.rescale += 1;
    return this.make(Float64Array.from(a.re), a.im ? Float64Array.from(a.im) : null, a.level - 1);
  }

  ensureRotationKeys(steps: Iterable<number>): void {
    this.addRotationKeys(steps);
  }

  serialize(x: Ct): Uint8Array {
    const a = this.ct(x);
    const n = this.slots;
    const buf = new Float64Array(2 + 2 * n);
    buf[0] = a.level;
    buf[1] = a.im ? 1 : 0;
    buf.set(a.re, 2);
    if (a.im) buf.set(a.im, 2 + n);
    return new Uint8Array(buf.buffer);
  }

  deserialize(bytes: Uint8Array): Ct {
    const n = this.slots;
    if (bytes.byteLength !== 8 * (2 + 2 * n))
      throw new InputError(`deserialize: ${bytes.byteLength} bytes is not a sim ciphertext of ${n} slots`);
    const buf = new Float64Array(bytes.slice().buffer);
    const re = buf.slice(2, 2 + n);
    const im = buf[1] ? buf.slice(2 + n) : null;
    return this.make(re, im, buf[0]!);
  }

  dispose(): void {
    this.releaseAll();
  }
}

function addArrays(a: Float64Array, b: Float64Array, sign: 1 | -1): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + sign * b[i]!;
  return out;
}

function addImag(a: Float64Array | null, b: Float64Array | null, sign: 1 | -1): Float64Array | null {
  if (!a && !b) return null;
  const n = (a ?? b)!.length;
  return addArrays(a ?? new Float64Array(n), b ?? new Float64Array(n), sign);
}

/** (ar + i·ai)(br + i·bi) slot by slot; a null imaginary part is zero (and a real product stays real). */
function complexProduct(
  ar: Float64Array,
  ai: Float64Array | null,
  br: Float64Array,
  bi: Float64Array | null,
): { re: Float64Array; im: Float64Array | null } {
  const n = ar.length;
  const re = new Float64Array(n);
  if (!ai && !bi) {
    for (let i = 0; i < n; i++) re[i] = ar[i]! * br[i]!;
    return { re, im: null };
  }
  const im = new Float64Array(n);
  const x = ai ?? new Float64Array(n),
    y = bi ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = ar[i]! * br[i]! - x[i]! * y[i]!;
    im[i] = ar[i]! * y[i]! + x[i]! * br[i]!;
  }
  return { re, im };
}

/** Left rotation by s in [0, n): out[i] = v[(i + s) mod n]. */
function rotateArray(v: Float64Array, s: number): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  out.set(v.subarray(s), 0);
  out.set(v.subarray(0, s), n - s);
  return out;
}
