/**
 * The node-seal backend (Microsoft SEAL 4.1 as WebAssembly, node-seal 6.0.3): real CKKS.
 *
 * Scale management: every ciphertext at level l carries the canonical scale D[l], with
 * D[top] = 2^scaleBits and D[l-1] = D[l]^2 / q_l (q_l the prime a rescale at level l drops), so
 * the product of two level-l operands, or of a level-l operand and a plaintext encoded at D[l],
 * lands exactly on D[l-1] after the rescale and additions never meet different scales. An
 * operand is brought down to a lower partner by a mod switch to one level above it and a
 * multiplication by 1 encoded at the scale that lands on the partner's canonical scale.
 *
 * Every SEAL object this backend creates is freed deterministically (scopes, free, dispose).
 */
import { InputError } from '../errors';
import { BackendBase, Handle } from './base';
import type { Preset } from './presets';
import { ComplexPlaintextBuilder, type ComplexTools, checkComplexPlaintexts, encodeComplex } from './seal-complex';
import type { BackendOptions, Ct, Pt } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any -- node-seal's objects are typed loosely here */
type Seal = any;
type Native = any;

let sealLibrary: Promise<Seal> | null = null;

/** Loads the SEAL WebAssembly once per process (30-60 ms). */
export function loadSeal(): Promise<Seal> {
  if (!sealLibrary) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require('node-seal') as () => Promise<Seal>;
    sealLibrary = factory();
  }
  return sealLibrary;
}

/** The installed node-seal version (run metadata). */
export function sealVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node-seal/package.json') as { version: string }).version;
}

class SealCt extends Handle implements Ct {
  /** may hold imaginary parts (set by mulI and complex plaintexts, kept by arithmetic, cleared by twiceRealPart) */
  constructor(
    id: number,
    public native: Native,
    public level: number,
    public complex: boolean,
  ) {
    super(id);
  }
  release(): void {
    this.native.delete();
  }
}

class SealPt extends Handle implements Pt {
  /** Native plaintexts by level, encoded on first use at that level. */
  readonly byLevel = new Map<number, Native>();
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
    for (const p of this.byLevel.values()) p.delete();
    this.byLevel.clear();
  }
}

export class SealBackend extends BackendBase<SealCt, SealPt> {
  readonly id = 'seal' as const;
  readonly supportsComplex: boolean;
  private readonly seal: Seal;
  private readonly context: Native;
  private readonly encoder: Native;
  private readonly encryptor: Native;
  private readonly decryptor: Native;
  private readonly evaluator: Native;
  private readonly keygen: Native;
  private readonly secretKey: Native;
  private readonly relinKeys: Native;
  private galoisKeys: Native | null = null;
  /** parms ids by level (index = level). */
  private readonly parmsIds: Native[] = [];
  /** primes by level: primes[l] is the prime a rescale at level l drops. */
  private readonly primes: number[] = [];
  /** the primes of the top level, exactly. */
  private topPrimes: bigint[] = [];
  /** canonical scale by level. */
  private readonly scales: number[] = [];
  /** constant plaintexts by `${level}|${scale}|${value}` (masks of one value, level matching). */
  private readonly constants = new Map<string, Native>();
  /** the plaintext X^(N/2) (i in every slot) by level. */
  private readonly imaginaryUnit = new Map<number, Native>();
  private readonly conjugationKey: boolean;
  /** builds complex plaintexts (seal-complex.ts); null on a real-only backend */
  private readonly complexTools: ComplexTools | null = null;

  /** Use `createSealBackend` (SEAL must be loaded first). */
  constructor(seal: Seal, preset: Preset, options: BackendOptions = {}) {
    super(preset, options);
    if (!preset.backends.includes('seal')) {
      throw new InputError(`preset ${preset.name} cannot run on seal (backends: ${preset.backends.join(', ')})`);
    }
    this.seal = seal;
    const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
    parms.setPolyModulusDegree(preset.ringDegree);
    const chain = seal.CoeffModulus.Create(preset.ringDegree, Int32Array.from(preset.chainBits));
    parms.setCoeffModulus(chain);
    this.context = seal.Context(parms, true, seal.SecurityLevel.tc128);
    chain.delete();
    parms.delete();
    if (!this.context.parametersSet()) {
      const why = this.context.parameterErrorMessage();
      this.context.delete();
      throw new InputError(`preset ${preset.name}: SEAL refuses the parameters: ${why}`);
    }
    this.readChain();
    this.encoder = seal.CKKSEncoder(this.context);
    this.keygen = seal.KeyGenerator(this.context);
    this.secretKey = this.keygen.secretKey();
    const publicKey = this.keygen.createPublicKey();
    this.encryptor = seal.Encryptor(this.context, publicKey, this.secretKey);
    publicKey.delete();
    this.decryptor = seal.Decryptor(this.context, this.secretKey);
    this.evaluator = seal.Evaluator(this.context);
    this.relinKeys = this.keygen.createRelinKeys();
    this.conjugationKey = !options.realOnly;
    if (!options.realOnly) {
      const builder = new ComplexPlaintextBuilder(preset.ringDegree, this.topPrimes);
      this.complexTools = { seal, context: this.context, encoder: this.encoder, evaluator: this.evaluator, builder };
      checkComplexPlaintextsOnce(this.complexTools, preset);
    }
    this.supportsComplex = !options.realOnly && this.buildImaginaryUnit();
    this.ensureRotationKeys(this.fallbackSteps());
  }

  /** Reads parms ids, primes and canonical scales for every data level. */
  private readChain(): void {
    let data = this.context.firstContextData;
    const byLevel: { id: Native; primes: BigUint64Array }[] = [];
    // chainIndex counts down to 0 at the last data level.
    for (;;) {
      byLevel.push({ id: data.parmsId, primes: data.parms.coeffModulus as BigUint64Array });
      if (data.chainIndex === 0) break;
      data = data.nextContextData;
    }
    this.topPrimes = [...byLevel[0]!.primes];
    byLevel.reverse(); // index = level = primes - 1
    for (let l = 0; l < byLevel.length; l++) {
      this.parmsIds[l] = byLevel[l]!.id;
      const p = byLevel[l]!.primes;
      this.primes[l] = Number(p[p.length - 1]!);
    }
    if (byLevel.length - 1 !== this.maxLevel)
      throw new Error(`SEAL chain has ${byLevel.length} data levels, expected ${this.maxLevel + 1}`);
    this.scales[this.maxLevel] = 2 ** this.preset.scaleBits;
    for (let l = this.maxLevel; l > 0; l--) this.scales[l - 1] = (this.scales[l]! * this.scales[l]!) / this.primes[l]!;
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private wrap(native: Native, level: number, complex: boolean): SealCt {
    return this.track(new SealCt(this.newId(), native, level, complex));
  }

  private emptyCt(): Native {
    return this.seal.CipherText();
  }

  /** Encodes values (+ i·imag) at level l with scale `scale` (default: the level's canonical scale). */
  private encodeNative(values: Float64Array, level: number, scale = this.scales[level]!, imag: Float64Array | null = null): Native {
    if (imag) {
      // the form of the imaginary unit (X^(N/2)) in which this backend's ciphertexts carry imaginary parts
      const at = level < this.maxLevel ? this.parmsIds[level] : undefined;
      return encodeComplex(this.complexTools!, values, imag, scale, at, 'monomial');
    }
    const pt = this.seal.PlainText();
    this.encoder.encode(values, scale, pt);
    if (level < this.maxLevel) this.evaluator.plainModSwitchTo(pt, this.parmsIds[level], pt);
    return pt;
  }

  /** A plaintext for p at `level`; `dispose` says whether the caller must delete it. */
  private plainAt(p: Pt | ArrayLike<number>, level: number, what: string): { native: Native; temporary: boolean } {
    if (p instanceof SealPt) {
      const h = this.pt(p);
      let native = h.byLevel.get(level);
      if (!native) {
        native = this.encodeNative(h.values, level, this.scales[level], h.imag);
        h.byLevel.set(level, native);
      }
      return { native, temporary: false };
    }
    return { native: this.encodeNative(this.padded(p as ArrayLike<number>, what), level), temporary: true };
  }

  private constantAt(value: number, level: number, scale = this.scales[level]!): Native {
    const key = `${level}|${scale}|${value}`;
    let native = this.constants.get(key);
    if (!native) {
      if (this.constants.size >= 512) this.clearConstants();
      native = this.encodeNative(new Float64Array(this.slots).fill(value), level, scale);
      this.constants.set(key, native);
    }
    return native;
  }

  private clearConstants(): void {
    for (const p of this.constants.values()) p.delete();
    this.constants.clear();
  }

  private rescaled(native: Native, level: number, complex: boolean): SealCt {
    this.evaluator.rescaleToNext(native, native);
    native.setScale(this.scales[level - 1]!);
    this.ops.rescale += 1;
    return this.wrap(native, level - 1, complex);
  }

  /** A new native ciphertext holding `c` brought down to `level` with its canonical scale. */
  private nativeAt(c: SealCt, level: number): Native {
    const out = this.emptyCt();
    if (c.level === level) {
      out.copy(c.native);
      return out;
    }
    this.ops.levelMatch += 1;
    // Mod switch to one level above the target, then x 1 at the scale that lands on D[level].
    this.evaluator.cipherModSwitchTo(c.native, this.parmsIds[level + 1], out);
    const oneScale = (this.scales[level]! * this.primes[level + 1]!) / this.scales[c.level]!;
    this.evaluator.multiplyPlain(out, this.constantAt(1, level + 1, oneScale), out);
    this.evaluator.rescaleToNext(out, out);
    out.setScale(this.scales[level]!);
    return out;
  }

  /** Runs a binary op on two operands brought to a common level; returns the native result. */
  private binary(a: SealCt, b: SealCt, op: (x: Native, y: Native, dst: Native) => void): { native: Native; level: number } {
    const level = Math.min(a.level, b.level);
    const x = a.level === level ? a.native : this.nativeAt(a, level);
    const y = b.level === level ? b.native : this.nativeAt(b, level);
    const dst = this.emptyCt();
    try {
      op(x, y, dst);
    } finally {
      if (x !== a.native) x.delete();
      if (y !== b.native) y.delete();
    }
    return { native: dst, level };
  }

  // ---- client side ---------------------------------------------------------------------------

  encrypt(values: ArrayLike<number>, level = this.maxLevel): Ct {
    this.checkLevel(level);
    const pt = this.encodeNative(this.padded(values, 'encrypt'), level);
    const ct = this.emptyCt();
    this.encryptor.encryptSymmetric(pt, ct);
    pt.delete();
    this.ops.encrypt += 1;
    return this.wrap(ct, level, false);
  }

  decrypt(x: Ct): Float64Array {
    const c = this.ct(x);
    const pt = this.seal.PlainText();
    this.decryptor.decrypt(c.native, pt);
    const out = this.encoder.decode(pt) as Float64Array;
    pt.delete();
    this.ops.decrypt += 1;
    return Float64Array.from(out);
  }

  encode(values: ArrayLike<number>, level = this.maxLevel, imag?: ArrayLike<number>): Pt {
    this.checkLevel(level);
    const pt = this.track(new SealPt(this.newId(), this.padded(values, 'encode'), this.imaginary(imag, 'encode')));
    pt.byLevel.set(level, this.encodeNative(pt.values, level, this.scales[level], pt.imag));
    return pt;
  }

  // ---- server side ---------------------------------------------------------------------------

  add(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    const r = this.binary(a, b, (u, v, d) => this.evaluator.add(u, v, d));
    this.ops.add += 1;
    return this.wrap(r.native, r.level, a.complex || b.complex);
  }

  sub(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    const r = this.binary(a, b, (u, v, d) => this.evaluator.sub(u, v, d));
    this.ops.add += 1;
    return this.wrap(r.native, r.level, a.complex || b.complex);
  }

  addInPlace(x: Ct, y: Ct): void {
    const a = this.ct(x),
      b = this.ct(y);
    if (a.level > b.level) {
      const lowered = this.nativeAt(a, b.level);
      a.native.delete();
      a.native = lowered;
      a.level = b.level;
    }
    const other = b.level === a.level ? b.native : this.nativeAt(b, a.level);
    this.evaluator.add(a.native, other, a.native);
    if (other !== b.native) other.delete();
    a.complex ||= b.complex;
    this.ops.add += 1;
  }

  negate(x: Ct): Ct {
    const a = this.ct(x);
    const dst = this.emptyCt();
    this.evaluator.negate(a.native, dst);
    this.ops.add += 1;
    return this.wrap(dst, a.level, a.complex);
  }

  addPlain(x: Ct, p: Pt | ArrayLike<number>): Ct {
    const a = this.ct(x);
    const { native, temporary } = this.plainAt(p, a.level, 'addPlain');
    const dst = this.emptyCt();
    this.evaluator.addPlain(a.native, native, dst);
    if (temporary) native.delete();
    this.ops.add += 1;
    return this.wrap(dst, a.level, a.complex || (p instanceof SealPt && p.complex));
  }

  addConst(x: Ct, c: number): Ct {
    const a = this.ct(x);
    if (!Number.isFinite(c)) throw new InputError(`addConst: constant ${c} is not finite`);
    const dst = this.emptyCt();
    this.evaluator.addPlain(a.native, this.constantAt(c, a.level), dst);
    this.ops.add += 1;
    return this.wrap(dst, a.level, a.complex);
  }

  mulPlain(x: Ct, p: Pt | ArrayLike<number>): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'mulPlain');
    const { native, temporary } = this.plainAt(p, a.level, 'mulPlain');
    const dst = this.emptyCt();
    this.evaluator.multiplyPlain(a.native, native, dst);
    if (temporary) native.delete();
    this.ops.cmult += 1;
    return this.rescaled(dst, a.level, a.complex || (p instanceof SealPt && p.complex));
  }

  mulConst(x: Ct, c: number): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'mulConst');
    if (!Number.isFinite(c)) throw new InputError(`mulConst: constant ${c} is not finite`);
    const dst = this.emptyCt();
    this.evaluator.multiplyPlain(a.native, this.constantAt(c, a.level), dst);
    this.ops.cmult += 1;
    return this.rescaled(dst, a.level, a.complex);
  }

  mul(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    this.needLevel(a, 'mul');
    this.needLevel(b, 'mul');
    const r = this.binary(a, b, (u, v, d) => {
      if (u === v) this.evaluator.square(u, d);
      else this.evaluator.multiply(u, v, d);
      this.evaluator.relinearize(d, this.relinKeys, d);
    });
    this.ops.mult += 1;
    return this.rescaled(r.native, r.level, a.complex || b.complex);
  }

  rotate(x: Ct, k: number): Ct {
    const a = this.ct(x);
    const plan = this.rotationPlan(k);
    if (plan.length === 0) return this.copy(a);
    this.countRotation(plan);
    const dst = this.emptyCt();
    // One call: SEAL applies the step's own key, or splits it into the same NAF pieces.
    this.evaluator.rotateVector(a.native, this.normalizeStep(k), this.galoisKeys, dst);
    if (this.oddRotationOfComplex(a.complex, k)) {
      // See imaginaryUnit: an odd rotation conjugates the imaginary parts; conjugating restores them.
      this.evaluator.complexConjugate(dst, this.galoisKeys, dst);
    }
    return this.wrap(dst, a.level, a.complex);
  }

  conjugate(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.conjugationKey) throw new Error('conjugate: this backend was created real-only');
    const dst = this.emptyCt();
    this.evaluator.complexConjugate(a.native, this.galoisKeys, dst);
    this.ops.conj += 1;
    this.ops.keyswitch += 1;
    return this.wrap(dst, a.level, a.complex);
  }

  rotateConjugate(x: Ct, k: number): Ct {
    const a = this.ct(x);
    if (!this.conjugationKey) throw new Error('rotateConjugate: this backend was created real-only');
    const plan = this.rotationPlan(k);
    const conj = this.countRotateConjugate(a.complex, k, plan);
    const dst = this.emptyCt();
    if (plan.length > 0) this.evaluator.rotateVector(a.native, this.normalizeStep(k), this.galoisKeys, dst);
    else dst.copy(a.native);
    // An odd rotation of a complex ciphertext needs no conjugation here: see imaginaryUnit.
    if (conj) this.evaluator.complexConjugate(dst, this.galoisKeys, dst);
    return this.wrap(dst, a.level, a.complex);
  }

  mulI(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('mulI: the imaginary-unit plaintext is not available on this backend');
    const dst = this.nativeTimesUnit(a);
    this.ops.muli += 1;
    return this.wrap(dst, a.level, true);
  }

  /** A new native ciphertext: a times X^(N/2) (see imaginaryUnit), same level and scale. */
  private nativeTimesUnit(a: SealCt): Native {
    let unit = this.imaginaryUnit.get(a.level);
    if (!unit) {
      unit = this.seal.PlainText();
      this.evaluator.plainModSwitchTo(this.imaginaryUnit.get(this.maxLevel), this.parmsIds[a.level], unit);
      this.imaginaryUnit.set(a.level, unit);
    }
    const dst = this.emptyCt();
    this.evaluator.multiplyPlain(a.native, unit, dst);
    dst.setScale(this.scales[a.level]!);
    return dst;
  }

  twiceRealPart(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.conjugationKey) throw new Error('twiceRealPart: this backend was created real-only');
    const dst = this.emptyCt();
    this.evaluator.complexConjugate(a.native, this.galoisKeys, dst);
    this.evaluator.add(dst, a.native, dst);
    this.ops.conj += 1;
    this.ops.keyswitch += 1;
    this.ops.add += 1;
    return this.wrap(dst, a.level, false);
  }

  dropTo(x: Ct, level: number): Ct {
    const a = this.ct(x);
    this.checkLevel(level);
    if (level > a.level) throw new Error(`dropTo: ciphertext #${a.id} is at level ${a.level}, below ${level}`);
    return this.wrap(this.nativeAt(a, level), level, a.complex);
  }

  protected refreshNow(x: Ct): Ct {
    const a = this.ct(x);
    this.countRefresh(a.level);
    // Client-aided: the key owner decrypts and encrypts afresh at the top level.
    const decode = (c: Native): Float64Array => {
      const pt = this.seal.PlainText();
      this.decryptor.decrypt(c, pt);
      const out = Float64Array.from(this.encoder.decode(pt) as Float64Array);
      pt.delete();
      return out;
    };
    const values = decode(a.native);
    let imag: Float64Array | null = null;
    if (a.complex) {
      // The imaginary parts too: times X^(N/2) (i·sigma_k), the real part of slot k is -Im (in
      // the form the backend keeps imaginary parts, see imaginaryUnit).
      const turned = this.nativeTimesUnit(a);
      imag = decode(turned).map((v) => -v);
      turned.delete();
    }
    const fresh = this.encodeNative(values, this.maxLevel, this.scales[this.maxLevel], imag);
    const ct = this.emptyCt();
    this.encryptor.encryptSymmetric(fresh, ct);
    fresh.delete();
    return this.wrap(ct, this.maxLevel, a.complex);
  }

  copy(x: Ct): Ct {
    const a = this.ct(x);
    const dst = this.emptyCt();
    dst.copy(a.native);
    return this.wrap(dst, a.level, a.complex);
  }

  rescaleForTiming(x: Ct): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'rescale');
    const dst = this.emptyCt();
    dst.copy(a.native);
    return this.rescaled(dst, a.level, a.complex);
  }

  ensureRotationKeys(steps: Iterable<number>): void {
    const fresh = this.addRotationKeys(steps);
    if (fresh.length === 0 && this.galoisKeys) return;
    // SEAL makes Galois keys in one call: regenerate the whole set (step 0 = conjugation).
    const all = [...this.rotationKeys];
    if (this.conjugationKey) all.push(0);
    if (this.galoisKeys) this.galoisKeys.delete();
    this.galoisKeys = this.keygen.createGaloisKeys(Int32Array.from(all));
  }

  serialize(x: Ct): Uint8Array {
    return this.ct(x).native.saveArray(this.seal.ComprModeType.none);
  }

  deserialize(bytes: Uint8Array): Ct {
    const ct = this.emptyCt();
    try {
      ct.loadArray(this.context, bytes);
    } catch (err) {
      ct.delete();
      throw new InputError(`deserialize: not a ciphertext for preset ${this.preset.name} (${(err as Error).message})`);
    }
    // The flag is not serialized: assume imaginary parts (correct, at worst one extra key switch).
    return this.wrap(ct, ct.coeffModulusSize - 1, true);
  }

  dispose(): void {
    this.releaseAll();
    this.clearConstants();
    for (const p of this.imaginaryUnit.values()) p.delete();
    this.imaginaryUnit.clear();
    for (const o of [
      this.galoisKeys,
      this.relinKeys,
      this.encryptor,
      this.decryptor,
      this.evaluator,
      this.encoder,
      this.secretKey,
      this.keygen,
      this.context,
    ])
      o?.delete();
  }

  // ---- the imaginary unit --------------------------------------------------------------------

  /**
   * Builds the plaintext of the monomial X^(N/2) at the top level. Multiplying by it is exact,
   * uses no level and keeps the scale, but it is not "i in every slot": SEAL orders slots by
   * powers of 3 (slot j is the root zeta^(3^j)), and zeta^(3^j N/2) = i^(3^j) is +i in even slots
   * and -i in odd ones. That sign pattern is invisible to every operation but one: a rotation by
   * an odd step moves a value into a slot of the other sign, which conjugates its imaginary part.
   * So the backend tracks which ciphertexts may hold imaginary parts and follows an odd rotation
   * of such a ciphertext with a conjugation (one more key switch, counted as `conj`; the
   * simulator counts it too). An exact uniform i needs the coefficients 1/sqrt(2) at X^(N/4)
   * and X^(3N/4), which costs a level at any scale: this form is cheaper for the algorithms here.
   * Its NTT form is written into a serialized plaintext: for prime q the value t = psi^(N/2) mod
   * q (psi the smallest primitive 2N-th root of unity mod q, as SEAL's NTT uses) in the first N/2
   * coefficients and q - t in the last N/2 (seal-complex.ts). Complex plaintexts (`encode` with an
   * imaginary part) are built in the same form, encode(m1) + X^(N/2)·encode(m2), so that one
   * multiplyPlain multiplies such a ciphertext's complex values by m1 + i·m2. Returns false if
   * SEAL rejects the result.
   */
  private buildImaginaryUnit(): boolean {
    const template = this.seal.PlainText();
    this.encoder.encode(new Float64Array(this.slots), 2 ** 20, template);
    const bytes = template.saveArray(this.seal.ComprModeType.none) as Uint8Array;
    template.delete();
    const unit = this.seal.PlainText();
    try {
      unit.loadArray(this.context, this.complexTools!.builder.halfMonomialBytes(bytes));
    } catch {
      unit.delete();
      return false;
    }
    this.imaginaryUnit.set(this.maxLevel, unit);
    return true;
  }
}

/** Chains whose complex plaintexts passed the start-up check in this process. */
const checkedChains = new Set<string>();

/** Runs the complex-plaintext self-check once per process and chain (seal-complex.ts); throws if this SEAL build differs. */
function checkComplexPlaintextsOnce(tools: ComplexTools, preset: Preset): void {
  const key = `${preset.ringDegree}|${preset.chainBits.join(',')}`;
  if (checkedChains.has(key)) return;
  checkComplexPlaintexts(tools);
  checkedChains.add(key);
}

/** Creates a SEAL backend for a preset (loads SEAL if needed). */
export async function createSealBackend(preset: Preset, options: BackendOptions = {}): Promise<SealBackend> {
  return new SealBackend(await loadSeal(), preset, options);
}
