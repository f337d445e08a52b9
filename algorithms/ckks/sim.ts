/**
 * The slot simulator: each ciphertext is its complex slot vector plus its level. Same
 * operations, level consumption and errors as the SEAL backend, without encryption (counted by
 * the same layer, counting.ts), and a key owner whose "keys" are only the list of steps,
 * so the paper's configurations (2^15 slots, 12 levels) run in milliseconds. Optional Gaussian
 * noise approximates what SEAL adds (see NOISE below for where the sizes come from). With logical
 * slots (types.ts) a ciphertext still holds all N/2 ring slots, the vector repeated with its
 * period, and a rotation shifts the ring's slots by the step seal performs: the noise (independent
 * in every ring slot, as seal's) and the bootstrap's ring-wide stages are modelled as seal does them.
 *
 * Bootstrapping's primitives are modelled on what seal does to the polynomial. ModRaise adds
 * q0/D * (the slots of a random integer polynomial I of all N coefficients, through the
 * embedding), I distributed as SEAL's is: (c0 + c1*s)/q0 rounded, a sum of h + 1 uniforms on
 * [-1/2, 1/2] for a secret of h nonzero coefficients (max |I| about 7 at h = 32; rms about
 * sqrt(N/18) for SEAL's dense ternary secret, h about 2N/3). So the slots lose their sparse
 * period until the pipeline's SubSum projects I onto the subring, as on seal. The encapsulation
 * key switches keep the message and add a key switch's noise; a ciphertext under the sparse
 * secret accepts only ModRaise, the switch back, copies, level drops and serialization (on seal
 * key switches under the wrong key would return garbage; here they throw).
 */
import { InputError } from '../errors';
import { normalRng, uniformRng } from '../random';
import { decodeCoeffsFast } from './bootstrap/embedding';
import {
  BootstrapUnsupportedError,
  checkLevel,
  ciphertextBytes,
  EvaluatorBase,
  fallbackSteps,
  Handle,
  normalizeSteps,
  checkKeySlots,
  logicalSlotCount,
  paddedVector,
  replicated,
  rotateConjugateNeedsConj,
} from './base';
import type { Preset } from './presets';
import type {
  BackendOptions,
  BootstrapKeys,
  BootstrapSupport,
  Ct,
  EncapsulationKey,
  EvaluationKeys,
  KeyOptions,
  KeyOwner,
  Pt,
} from './types';

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
    /** may hold imaginary parts: tracked by the same rules as seal.ts, so both count alike */
    public complex: boolean,
    /** an unfinished sum of products (dotPartial): not yet "relinearized and rescaled" */
    public pending = false,
    /** under the bootstrap's sparse secret (between switchKey 'toSparse' and 'toDense') */
    public sparse = false,
  ) {
    super(id);
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

export class SimEvaluator extends EvaluatorBase<SimCt, SimPt> {
  readonly id = 'sim' as const;
  readonly supportsComplex: boolean;
  private readonly gauss: (() => number) | null;
  private readonly unit: number;
  /** draws ModRaise's overflow I: part of the ciphertext, not noise, so drawn with noise off too */
  private readonly raiseUniform: () => number;
  private readonly raiseGauss: () => number;
  private bootKeys: BootstrapKeys | null = null;

  constructor(preset: Preset, options: BackendOptions = {}) {
    super(preset, options);
    this.supportsComplex = !options.realOnly;
    this.gauss = options.noise ? normalRng(uniformRng(options.seed ?? 1)) : null;
    this.unit = 2 ** -preset.scaleBits;
    this.raiseUniform = uniformRng((options.seed ?? 1) + 0xb007);
    this.raiseGauss = normalRng(this.raiseUniform);
    this.setRotationKeys(fallbackSteps(this.slots, options));
  }

  loadKeys(keys: EvaluationKeys): void {
    checkKeys(keys, this.preset, this.logicalSlots);
    this.setRotationKeys(keys.steps);
    this.bootKeys = keys.bootstrap ?? null;
  }

  private make(re: Float64Array, im: Float64Array | null, level: number, complex: boolean, pending = false, sparse = false): SimCt {
    return this.track(new SimCt(this.newId(), re, im, level, complex, pending, sparse));
  }

  /** A live, finished ciphertext under the dense secret (every operation but those of `anySecret`). */
  protected override ct(x: Ct): SimCt {
    const c = super.ct(x);
    if (c.sparse) {
      throw new Error(
        `ciphertext #${c.id} is under the bootstrap's sparse secret: only modRaise, switchKey, copy, dropTo and serialize apply (switch it back toDense first)`,
      );
    }
    return c;
  }

  /** A live, finished ciphertext under either secret. */
  private anySecret(x: Ct): SimCt {
    return super.ct(x);
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
    return Math.min(a.level, b.level);
  }

  encode(values: ArrayLike<number>, level = this.maxLevel, imag?: ArrayLike<number>): Pt {
    this.checkLevel(level);
    return this.track(new SimPt(this.newId(), this.padded(values, 'encode'), this.imaginary(imag, 'encode')));
  }

  /** The imaginary part of a plaintext argument (null: real). */
  private imagOf(p: Pt | ArrayLike<number>): Float64Array | null {
    return p instanceof SimPt ? this.pt(p).imag : null;
  }

  add(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    const level = this.matched(a, b);
    return this.make(addArrays(a.re, b.re, 1), addImag(a.im, b.im, 1), level, a.complex || b.complex);
  }

  sub(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    const level = this.matched(a, b);
    return this.make(addArrays(a.re, b.re, -1), addImag(a.im, b.im, -1), level, a.complex || b.complex);
  }

  addInPlace(x: Ct, y: Ct): void {
    const [a, b] = this.addOperands(x, y);
    if (a.sparse || b.sparse) this.ct(a.sparse ? a : b);
    a.level = this.matched(a, b);
    a.complex ||= b.complex;
    for (let i = 0; i < a.re.length; i++) a.re[i]! += b.re[i]!;
    if (b.im) {
      if (!a.im) a.im = new Float64Array(this.ringSlots);
      for (let i = 0; i < a.im.length; i++) a.im[i]! += b.im[i]!;
    }
  }

  negate(x: Ct): Ct {
    const a = this.ct(x);
    return this.make(
      a.re.map((v) => -v),
      a.im ? a.im.map((v) => -v) : null,
      a.level,
      a.complex,
    );
  }

  addPlain(x: Ct, p: Pt | ArrayLike<number>): Ct {
    const a = this.ct(x);
    const w = this.imagOf(p);
    return this.make(addArrays(a.re, this.vec(p, 'addPlain'), 1), addImag(a.im, w, 1), a.level, a.complex || w !== null);
  }

  addConst(x: Ct, c: number): Ct {
    const a = this.ct(x);
    return this.make(
      a.re.map((v) => v + c),
      a.im ? Float64Array.from(a.im) : null,
      a.level,
      a.complex,
    );
  }

  mulPlain(x: Ct, p: Pt | ArrayLike<number>): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'mulPlain');
    const v = this.vec(p, 'mulPlain');
    const w = this.imagOf(p);
    const { re, im } = complexProduct(a.re, a.im, v, w);
    return this.noisy(this.make(re, im, a.level - 1, a.complex || w !== null), NOISE.rescale);
  }

  mulConst(x: Ct, c: number): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'mulConst');
    if (!Number.isFinite(c)) throw new InputError(`mulConst: constant ${c} is not finite`);
    return this.noisy(
      this.make(
        a.re.map((r) => r * c),
        a.im ? a.im.map((r) => r * c) : null,
        a.level - 1,
        a.complex,
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
    const { re, im } = complexProduct(a.re, a.im, b.re, b.im);
    // Relinearization is a key switch in SEAL; it is counted under `mult`, not `keyswitch`.
    return this.noisy(this.make(re, im, level, a.complex || b.complex), NOISE.rescale);
  }

  protected dotPartialLazy(as: readonly Ct[], bs: readonly Ct[]): SimCt {
    const pairs = as.map((x, i) => [this.ct(x), this.ct(bs[i]!)] as const);
    for (const [a, b] of pairs) {
      this.needLevel(a, 'dot');
      this.needLevel(b, 'dot');
    }
    const level = Math.min(...pairs.map(([a, b]) => Math.min(a.level, b.level)));
    const n = this.ringSlots;
    const re = new Float64Array(n);
    let im: Float64Array | null = null;
    let complex = false;
    for (const [a, b] of pairs) {
      complex ||= a.complex || b.complex;
      if (!a.im && !b.im) {
        for (let i = 0; i < n; i++) re[i]! += a.re[i]! * b.re[i]!;
        continue;
      }
      im ??= new Float64Array(n);
      const ai = a.im ?? new Float64Array(n),
        bi = b.im ?? new Float64Array(n);
      for (let i = 0; i < n; i++) {
        re[i]! += a.re[i]! * b.re[i]! - ai[i]! * bi[i]!;
        im[i]! += a.re[i]! * bi[i]! + ai[i]! * b.re[i]!;
      }
    }
    // one relinearization and one rescale for the whole sum, in finishLazy
    return this.make(re, im, level, complex, true);
  }

  protected finishLazy(x: SimCt): void {
    x.level -= 1;
    x.pending = false;
    this.noisy(x, NOISE.rescale);
  }

  rotate(x: Ct, k: number): Ct {
    const a = this.ct(x);
    const plan = this.rotationPlan(k);
    if (plan.length === 0) return this.copy(a);
    // seal adds a fix-up conjugation here (a key switch's noise); the simulator's slots need none.
    const fixUp = this.oddRotationOfComplex(a.im !== null, k);
    const s = this.ringShift(k);
    const out = this.make(rotateArray(a.re, s), a.im ? rotateArray(a.im, s) : null, a.level, a.complex);
    return this.noisy(out, NOISE.keyswitch * Math.sqrt(plan.length + (fixUp ? 1 : 0)));
  }

  /** The left shift of the ring's slots a rotation by k performs (seal's: the step normalized by the slots, see base.ts). */
  private ringShift(k: number): number {
    const r = this.ringSlots;
    return ((this.normalizeStep(k) % r) + r) % r;
  }

  conjugate(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('conjugate: this backend was created real-only');
    const out = this.make(Float64Array.from(a.re), a.im ? a.im.map((v) => -v) : null, a.level, a.complex);
    return this.noisy(out, NOISE.keyswitch);
  }

  rotateConjugate(x: Ct, k: number): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('rotateConjugate: this backend was created real-only');
    const plan = this.rotationPlan(k);
    // seal needs a conjugation here only for an even step (an odd one conjugates by itself)
    const conj = rotateConjugateNeedsConj(a.complex, k, this.slots);
    const s = this.ringShift(k);
    const out = this.make(rotateArray(a.re, s), a.im ? rotateArray(a.im, s).map((v) => -v) : null, a.level, a.complex);
    return this.noisy(out, NOISE.keyswitch * Math.sqrt(plan.length + (conj ? 1 : 0)));
  }

  twiceRealPart(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('twiceRealPart: this backend was created real-only');
    // the conjugation's key-switch noise lands in the sum
    const out = this.make(
      a.re.map((v) => 2 * v),
      null,
      a.level,
      false,
    );
    return this.noisy(out, NOISE.keyswitch);
  }

  mulI(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('mulI: this backend was created real-only');
    const re = a.im ? a.im.map((v) => -v) : new Float64Array(this.ringSlots);
    return this.make(re, Float64Array.from(a.re), a.level, true);
  }

  dropTo(x: Ct, level: number): Ct {
    const a = this.anySecret(x);
    this.checkLevel(level);
    if (level > a.level) throw new Error(`dropTo: ciphertext #${a.id} is at level ${a.level}, below ${level}`);
    return this.make(Float64Array.from(a.re), a.im ? Float64Array.from(a.im) : null, level, a.complex, false, a.sparse);
  }

  copy(x: Ct): Ct {
    const a = this.anySecret(x);
    return this.make(Float64Array.from(a.re), a.im ? Float64Array.from(a.im) : null, a.level, a.complex, false, a.sparse);
  }

  override get bootstrapSupport(): BootstrapSupport {
    const k = this.bootKeys;
    // power-of-two primes: the canonical scale is 2^scaleBits at every level, q0 = 2^chainBits[0]
    const raiseUnit = 2 ** (this.preset.chainBits[0]! - this.preset.scaleBits);
    return { modRaise: true, encapsulation: k !== null, sparseWeight: k?.sparseWeight ?? 0, raiseUnit, raiseGain: 1 };
  }

  override modRaise(x: Ct): Ct {
    const a = this.anySecret(x);
    if (a.level !== 0) throw new Error(`modRaise: ciphertext #${a.id} is at level ${a.level}; ModRaise takes level 0 (drop it first)`);
    // SEAL's dense secret is uniform ternary: about 2N/3 nonzero coefficients
    const h = a.sparse ? this.bootKeys!.sparseWeight : Math.round((2 * this.preset.ringDegree) / 3);
    const z = decodeCoeffsFast(this.overflow(h), this.ringSlots);
    const u = this.bootstrapSupport.raiseUnit;
    const re = a.re.map((v, i) => v + u * z.re[i]!);
    const im = (a.im ?? new Float64Array(this.ringSlots)).map((v, i) => v + u * z.im[i]!);
    return this.make(re, im, this.maxLevel, true, false, a.sparse);
  }

  /** Simulator only (the bootstrap model of bootstrap/refresher.ts): a copy of the slots of `x`. */
  slotsOf(x: Ct): { re: Float64Array; im: Float64Array | null } {
    const a = this.ct(x);
    return { re: Float64Array.from(a.re), im: a.im ? Float64Array.from(a.im) : null };
  }

  /**
   * Simulator only (the bootstrap model): a copy of `x` at `level` (above its own: what a bootstrap
   * gives) with Gaussian noise of standard deviation `sd` (absolute) on every slot's real part.
   */
  modelRefresh(x: Ct, level: number, sd: number): Ct {
    const a = this.ct(x);
    this.checkLevel(level);
    const re = Float64Array.from(a.re, (v) => v + sd * this.raiseGauss());
    return this.make(re, null, level, false);
  }

  /** The N coefficients of I = round((c0 + c1*s)/q0): h + 1 uniforms on [-1/2, 1/2] summed (Gaussian of that variance for large h). */
  private overflow(h: number): Float64Array {
    const out = new Float64Array(this.preset.ringDegree);
    const exact = h <= 256;
    const sd = Math.sqrt((h + 1) / 12);
    for (let k = 0; k < out.length; k++) {
      let t = 0;
      if (exact) for (let j = 0; j <= h; j++) t += this.raiseUniform() - 0.5;
      else t = sd * this.raiseGauss();
      out[k] = Math.round(t);
    }
    return out;
  }

  override switchKey(x: Ct, key: EncapsulationKey): Ct {
    const a = this.anySecret(x);
    if (!this.bootKeys) {
      throw new BootstrapUnsupportedError(
        `switchKey ${key}: the evaluation keys have no encapsulation keys (ask the key owner for bootstrap keys)`,
      );
    }
    if (key === 'toSparse') {
      if (a.sparse) throw new Error(`switchKey toSparse: ciphertext #${a.id} is already under the sparse secret`);
      // the dense -> sparse key lives in the small [q0 | P] context, as on seal
      if (a.level !== 0) throw new Error(`switchKey toSparse: ciphertext #${a.id} is at level ${a.level}; the key is for level 0`);
    } else if (!a.sparse) throw new Error(`switchKey toDense: ciphertext #${a.id} is not under the sparse secret`);
    const out = this.make(Float64Array.from(a.re), a.im ? Float64Array.from(a.im) : null, a.level, a.complex, false, key === 'toSparse');
    return this.noisy(out, NOISE.keyswitch);
  }

  rescaleForTiming(x: Ct): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'rescale');
    return this.make(Float64Array.from(a.re), a.im ? Float64Array.from(a.im) : null, a.level - 1, a.complex);
  }

  serialize(x: Ct): Uint8Array {
    const a = this.anyCt(x);
    return simBytes(a.re, a.im, a.level, a.pending, a.sparse);
  }

  deserialize(bytes: Uint8Array, complex?: boolean): Ct {
    const { re, im, level, pending, sparse } = parseSimBytes(bytes, this.ringSlots, this.maxLevel);
    return this.make(re, im, level, complex ?? true, pending, sparse);
  }

  dispose(): void {
    this.releaseAll();
  }
}

/**
 * The simulator's client: encrypts by adding fresh-encryption noise (when noise is on) and
 * decrypts by reading the real parts. Its "evaluation keys" are the list of steps: there is no
 * key material to simulate, only which rotations the server can do in one key switch.
 */
export class SimKeyOwner implements KeyOwner {
  readonly id = 'sim' as const;
  readonly slots: number;
  readonly ringSlots: number;
  readonly maxLevel: number;
  readonly supportsComplex: boolean;
  private readonly gauss: (() => number) | null;
  private readonly unit: number;

  constructor(
    readonly preset: Preset,
    private readonly options: BackendOptions = {},
  ) {
    this.slots = logicalSlotCount(preset, options.slots);
    this.ringSlots = preset.slots;
    this.maxLevel = preset.levels;
    this.supportsComplex = !options.realOnly;
    // a stream of its own, apart from the evaluator's (seed + 1)
    this.gauss = options.noise ? normalRng(uniformRng((options.seed ?? 1) + 0x5eed)) : null;
    this.unit = 2 ** -preset.scaleBits;
  }

  evaluationKeys(steps: Iterable<number>, options: KeyOptions = {}): EvaluationKeys {
    const all = normalizeSteps([...steps, ...fallbackSteps(this.slots, this.options)], this.ringSlots);
    const h = options.bootstrap?.sparseWeight;
    if (h !== undefined && !(Number.isInteger(h) && h >= 1 && h <= this.preset.ringDegree)) {
      throw new InputError(`bootstrap keys: sparse secret weight ${h} is outside 1..${this.preset.ringDegree}`);
    }
    const empty = new Uint8Array(0);
    return {
      backend: 'sim',
      preset: this.preset.name,
      steps: all,
      ...(this.slots !== this.ringSlots ? { slots: this.slots } : {}),
      conjugation: this.supportsComplex,
      relin: empty,
      galois: empty,
      ...(h === undefined ? {} : { bootstrap: { sparseWeight: h, toSparse: empty, toDense: empty } }),
    };
  }

  encryptToBytes(values: ArrayLike<number>, level = this.maxLevel): Uint8Array {
    checkLevel(level, this.maxLevel, this.preset.name);
    const re = replicated(paddedVector(values, this.slots, this.preset.name, 'encrypt'), this.ringSlots);
    if (this.gauss) {
      const s = NOISE.fresh * this.unit;
      for (let i = 0; i < re.length; i++) re[i]! += s * this.gauss();
    }
    return simBytes(re, null, level);
  }

  decryptBytes(bytes: Uint8Array): Float64Array {
    const c = parseSimBytes(bytes, this.ringSlots, this.maxLevel);
    // seal would decrypt it with the wrong secret: garbage; the simulator refuses
    if (c.sparse) throw new Error('decrypt: the ciphertext is under the bootstrap sparse secret (switch it back toDense first)');
    return c.re.length === this.slots ? c.re : c.re.slice(0, this.slots);
  }

  ciphertextBytes(level: number): number {
    return ciphertextBytes(this.preset, level);
  }

  dispose(): void {
    // nothing native
  }
}

/** Refuses keys made for another backend, preset or logical slot count. */
function checkKeys(keys: EvaluationKeys, preset: Preset, slots: number): void {
  if (keys.backend !== 'sim' || keys.preset !== preset.name) {
    throw new InputError(`evaluation keys for ${keys.backend}/${keys.preset} cannot be loaded by a sim evaluator of preset ${preset.name}`);
  }
  checkKeySlots(keys, preset, slots);
}

/** The simulator's wire format: [level, flags (1: has an imaginary part, 2: pending, 4: under the sparse secret), re..., im...] as float64. */
function simBytes(re: Float64Array, im: Float64Array | null, level: number, pending = false, sparse = false): Uint8Array {
  const n = re.length;
  const buf = new Float64Array(2 + (im ? 2 : 1) * n);
  buf[0] = level;
  buf[1] = (im ? 1 : 0) + (pending ? 2 : 0) + (sparse ? 4 : 0);
  buf.set(re, 2);
  if (im) buf.set(im, 2 + n);
  return new Uint8Array(buf.buffer);
}

function parseSimBytes(
  bytes: Uint8Array,
  n: number,
  maxLevel: number,
): { re: Float64Array; im: Float64Array | null; level: number; pending: boolean; sparse: boolean } {
  const len = bytes.byteLength / 8;
  if (bytes.byteLength % 8 !== 0 || (len !== 2 + n && len !== 2 + 2 * n)) {
    throw new InputError(`deserialize: ${bytes.byteLength} bytes is not a sim ciphertext of ${n} slots`);
  }
  const buf = new Float64Array(bytes.slice().buffer);
  const level = buf[0]!;
  if (!Number.isInteger(level) || level < 0 || level > maxLevel)
    throw new InputError(`deserialize: level ${level} is outside 0..${maxLevel}`);
  const re = buf.slice(2, 2 + n);
  const flags = buf[1]!;
  const im = flags & 1 ? buf.slice(2 + n, 2 + 2 * n) : null;
  return { re, im, level, pending: (flags & 2) !== 0, sparse: (flags & 4) !== 0 };
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
