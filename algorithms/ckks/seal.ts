/**
 * The node-seal backend (Microsoft SEAL 4.1 as WebAssembly, node-seal 6.0.3): real CKKS, as the
 * two parties of the protocol.
 * - `SealKeyOwner` (client): key generator, secret key, encryptor, decryptor. It serializes the
 *   evaluation keys for the server and encrypts/decrypts only through bytes.
 * - `SealEvaluator` (server): built from the public parameters and the serialized evaluation
 *   keys; it never holds a SecretKey, KeyGenerator, Encryptor or Decryptor.
 * Both load the same SEAL module and share one `Context` per preset (public parameters: the
 * NTT tables and prime chain; 2 s to build at N=16384, so it is built once per process).
 *
 * Scale management: every ciphertext at level l carries the canonical scale D[l], with
 * D[top] = 2^scaleBits and D[l-1] = D[l]^2 / q_l (q_l the prime a rescale at level l drops), so
 * the product of two level-l operands, or of a level-l operand and a plaintext encoded at D[l],
 * lands exactly on D[l-1] after the rescale and additions never meet different scales. An
 * operand is brought down to a lower partner by a mod switch to one level above it and a
 * multiplication by 1 encoded at the scale that lands on the partner's canonical scale.
 *
 * Logical slots (types.ts): the key owner encodes a vector of `slots` values repeated over SEAL's
 * N/2 slots and decodes the first `slots`; the evaluator encodes plaintexts and constants the same
 * way and rotates by the step normalized in (-slots/2, slots/2], which on such a vector is the
 * cyclic rotation of its `slots` values (Galois keys are made for these ring steps).
 *
 * Every SEAL object this backend creates is freed deterministically (scopes, free, dispose).
 */
import type { CipherText } from 'node-seal/implementation/cipher-text';
import type { CKKSEncoder } from 'node-seal/implementation/ckks-encoder';
import type { Context } from 'node-seal/implementation/context';
import type { Decryptor } from 'node-seal/implementation/decryptor';
import type { Encryptor } from 'node-seal/implementation/encryptor';
import type { Evaluator as NativeEvaluator } from 'node-seal/implementation/evaluator';
import type { GaloisKeys } from 'node-seal/implementation/galois-keys';
import type { KeyGenerator } from 'node-seal/implementation/key-generator';
import type { ParmsIdType } from 'node-seal/implementation/parms-id-type';
import type { PlainText } from 'node-seal/implementation/plain-text';
import type { RelinKeys } from 'node-seal/implementation/relin-keys';
import type { SEALLibrary } from 'node-seal/implementation/seal';
import type { SecretKey } from 'node-seal/implementation/secret-key';
import type { SecurityLevel } from 'node-seal/implementation/security-level';
import { InputError } from '../errors';
import { beat } from './progress';
import {
  checkKeySlots,
  checkLevel,
  ciphertextBytes,
  EvaluatorBase,
  fallbackSteps,
  Handle,
  keySwitchKeyBytes,
  logicalSlotCount,
  normalizeSteps,
  paddedVector,
  replicated,
  rotateConjugateNeedsConj,
} from './base';
import type { Preset } from './presets';
import { Encapsulation, ModRaiser, SPARSE_HAMMING_WEIGHT, chainFacts, makeEncapsulationKeys } from './seal-bootstrap';
import { ComplexPlaintextBuilder, type ComplexTools, checkComplexPlaintexts, encodeComplex, modPow } from './seal-complex';
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

let sealLibrary: Promise<SEALLibrary> | null = null;

/** Loads the SEAL WebAssembly once per process (30-60 ms). */
export function loadSeal(): Promise<SEALLibrary> {
  if (!sealLibrary) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require('node-seal') as () => Promise<SEALLibrary>;
    sealLibrary = factory();
  }
  return sealLibrary;
}

/** The installed node-seal version (run metadata). */
export function sealVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node-seal/package.json') as { version: string }).version;
}

/** The public parameters of a preset as SEAL objects: context, parms ids, primes, canonical scales. */
class Chain {
  readonly context: Context;
  /** parms ids by level (index = level). */
  readonly parmsIds: ParmsIdType[] = [];
  /** primes[l] is the prime a rescale at level l drops. */
  readonly primes: number[] = [];
  /** the primes of the top level, exactly, in chain order. */
  readonly topPrimes: bigint[];
  /** canonical scale by level. */
  readonly scales: number[] = [];
  /** SEAL's security check: 128-bit, or none for a preset marked insecure (the bootstrap's test preset) */
  readonly security: SecurityLevel;
  users = 0;

  constructor(seal: SEALLibrary, preset: Preset) {
    const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
    parms.setPolyModulusDegree(preset.ringDegree);
    const chain = seal.CoeffModulus.Create(preset.ringDegree, Int32Array.from(preset.chainBits));
    parms.setCoeffModulus(chain);
    this.security = presetInsecure(preset) ? seal.SecurityLevel.none : seal.SecurityLevel.tc128;
    this.context = seal.Context(parms, true, this.security);
    chain.delete();
    parms.delete();
    if (!this.context.parametersSet()) {
      // present at run time, missing from node-seal's declarations
      const why = (this.context as unknown as { parameterErrorMessage?: () => string }).parameterErrorMessage?.() ?? 'invalid parameters';
      this.context.delete();
      throw new InputError(`preset ${preset.name}: SEAL refuses the parameters: ${why}`);
    }
    let data = this.context.firstContextData;
    const byLevel: { id: ParmsIdType; primes: BigUint64Array }[] = [];
    // chainIndex counts down to 0 at the last data level.
    for (;;) {
      byLevel.push({ id: data.parmsId, primes: data.parms.coeffModulus });
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
    if (byLevel.length - 1 !== preset.levels) {
      throw new Error(`SEAL chain has ${byLevel.length} data levels, expected ${preset.levels + 1}`);
    }
    this.scales[preset.levels] = 2 ** preset.scaleBits;
    for (let l = preset.levels; l > 0; l--) this.scales[l - 1] = (this.scales[l]! * this.scales[l]!) / this.primes[l]!;
  }
}

/** Whether a preset opts out of SEAL's 128-bit check (only a preset marked insecure, refused unless asked for). */
function presetInsecure(preset: Preset): boolean {
  return (preset as { insecure?: boolean }).insecure === true;
}

/** One chain per preset per process, shared by the parties (public data), freed with its last user. */
const chains = new Map<string, Chain>();

function acquireChain(seal: SEALLibrary, preset: Preset): Chain {
  const key = `${preset.ringDegree}|${preset.chainBits.join(',')}|${preset.scaleBits}|${presetInsecure(preset)}`;
  let c = chains.get(key);
  if (!c) {
    c = new Chain(seal, preset);
    chains.set(key, c);
  }
  c.users += 1;
  return c;
}

function releaseChain(c: Chain): void {
  c.users -= 1;
  if (c.users === 0) {
    for (const [k, v] of chains) if (v === c) chains.delete(k);
    c.context.delete();
  }
}

/** Encodes values at level l with scale `scale` (default: the level's canonical scale). */
function encodeAt(
  seal: SEALLibrary,
  encoder: CKKSEncoder,
  ev: NativeEvaluator | null,
  chain: Chain,
  values: Float64Array,
  level: number,
  top: number,
  scale = chain.scales[level]!,
): PlainText {
  const pt = seal.PlainText();
  encoder.encode(values, scale, pt);
  if (level < top) {
    if (!ev) throw new Error('encodeAt: a lower level needs an evaluator');
    ev.plainModSwitchTo(pt, chain.parmsIds[level]!, pt);
  }
  return pt;
}

/**
 * The root generator of the seal evaluator's slot order (bootstrap/embedding.ts): SEAL puts the root
 * zeta^(3^j) in slot j, and this backend's slots read conjugated on odd j (X^(N/2) is -i there), so
 * slot j holds zeta^(-3^j) for odd j: zeta^((-3)^j) for every j.
 */
export const SEAL_SLOT_GENERATOR = -3;

/** Largest total size of the evaluator's cached constant plaintexts. */
const CONSTANT_CACHE_BYTES = 256 * 2 ** 20;

/** Largest serialized Galois key chunk (see SealKeyOwner.evaluationKeys). */
const GALOIS_CHUNK_BYTES = 256 * 2 ** 20;

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Splits concatenated SEAL serializations by the total size in each one's header (bytes 8-15). */
function splitSealBlobs(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.byteLength;) {
    const size = at + 16 <= bytes.byteLength ? Number(view.getBigUint64(at + 8, true)) : 0;
    if (view.getUint16(at, true) !== 0xa15e || size < 16 || at + size > bytes.byteLength) {
      throw new InputError('evaluation keys: the Galois keys are not a sequence of SEAL serializations');
    }
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** SEAL's Galois element of a rotation by `step` slots (3^step mod 2N; step 0: conjugation, 2N - 1). */
function galoisElement(step: number, ringDegree: number): number {
  if (step === 0) return 2 * ringDegree - 1;
  const slots = ringDegree / 2;
  const e = BigInt(((step % slots) + slots) % slots);
  return Number(modPow(3n, e, BigInt(2 * ringDegree)));
}

/**
 * The client: makes the keys, encrypts and decrypts. Every ciphertext it makes or reads travels
 * as bytes (uncompressed SEAL serialization), as it would between two machines.
 */
export class SealKeyOwner implements KeyOwner {
  readonly id = 'seal' as const;
  readonly slots: number;
  readonly ringSlots: number;
  readonly maxLevel: number;
  readonly supportsComplex: boolean;
  private readonly chain: Chain;
  private readonly encoder: CKKSEncoder;
  private readonly keygen: KeyGenerator;
  private readonly secretKey: SecretKey;
  private readonly encryptor: Encryptor;
  private readonly decryptor: Decryptor;
  /** a SEAL evaluator for mod-switching plaintexts to the level asked (no keys) */
  private readonly switcher: NativeEvaluator;

  constructor(
    private readonly seal: SEALLibrary,
    readonly preset: Preset,
    private readonly options: BackendOptions = {},
  ) {
    if (!preset.backends.includes('seal')) {
      throw new InputError(`preset ${preset.name} cannot run on seal (backends: ${preset.backends.join(', ')})`);
    }
    this.slots = logicalSlotCount(preset, options.slots);
    this.ringSlots = preset.slots;
    this.maxLevel = preset.levels;
    this.supportsComplex = !options.realOnly;
    this.chain = acquireChain(seal, preset);
    const ctx = this.chain.context;
    this.encoder = seal.CKKSEncoder(ctx);
    this.keygen = seal.KeyGenerator(ctx);
    this.secretKey = this.keygen.secretKey();
    const publicKey = this.keygen.createPublicKey();
    this.encryptor = seal.Encryptor(ctx, publicKey, this.secretKey);
    publicKey.delete();
    this.decryptor = seal.Decryptor(ctx, this.secretKey);
    this.switcher = seal.Evaluator(ctx);
  }

  evaluationKeys(steps: Iterable<number>, options: KeyOptions = {}): EvaluationKeys {
    const all = normalizeSteps([...steps, ...fallbackSteps(this.slots, this.options)], this.ringSlots);
    const none = this.seal.ComprModeType.none;
    const relinKeys = this.keygen.createRelinKeys();
    const relin = relinKeys.saveArray(none);
    relinKeys.delete();
    beat();
    // Galois keys (step 0 = conjugation), serialized, then dropped: the client keeps none. Made in
    // chunks of at most GALOIS_CHUNK_BYTES, each its own serialized GaloisKeys, concatenated: a key
    // set and its serialization side by side would need twice its size in the 4 GiB heap.
    const conjugation = this.supportsComplex;
    const list = conjugation ? [0, ...all] : all;
    const perChunk = Math.max(1, Math.floor(GALOIS_CHUNK_BYTES / keySwitchKeyBytes(this.preset)));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < list.length || i === 0; i += perChunk) {
      const galoisKeys = this.keygen.createGaloisKeys(Int32Array.from(list.slice(i, i + perChunk)));
      chunks.push(galoisKeys.saveArray(none));
      galoisKeys.delete();
      // progress for the memory watchdog (progress.ts): a key set of 2 GB takes 20 s to make
      beat();
    }
    const galois = chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
    const bootstrap = options.bootstrap ? this.encapsulationKeys(options.bootstrap.sparseWeight) : undefined;
    beat();
    return {
      backend: 'seal',
      preset: this.preset.name,
      steps: all,
      ...(this.slots !== this.ringSlots ? { slots: this.slots } : {}),
      conjugation,
      relin,
      galois,
      ...(bootstrap ? { bootstrap } : {}),
    };
  }

  /**
   * The bootstrap's encapsulation keys (seal-bootstrap.ts): a fresh sparse secret with h nonzero
   * coefficients and the switching keys between it and this owner's secret, as bytes. The sparse
   * secret itself is not kept: only the server's key switches ever use it.
   */
  encapsulationKeys(hammingWeight = SPARSE_HAMMING_WEIGHT): BootstrapKeys {
    const none = this.seal.ComprModeType.none;
    const relin = this.keygen.createRelinKeys();
    try {
      const facts = chainFacts(this.chain.context, this.chain.security);
      return makeEncapsulationKeys(
        this.seal,
        this.chain.context,
        facts,
        this.secretKey.saveArray(none),
        relin.saveArray(none),
        hammingWeight,
      ).bytes;
    } finally {
      relin.delete();
    }
  }

  encryptToBytes(values: ArrayLike<number>, level = this.maxLevel): Uint8Array {
    checkLevel(level, this.maxLevel, this.preset.name);
    const v = replicated(paddedVector(values, this.slots, this.preset.name, 'encrypt'), this.ringSlots);
    const pt = encodeAt(this.seal, this.encoder, this.switcher, this.chain, v, level, this.maxLevel);
    const ct = this.seal.CipherText();
    try {
      this.encryptor.encryptSymmetric(pt, ct);
      return ct.saveArray(this.seal.ComprModeType.none);
    } finally {
      pt.delete();
      ct.delete();
    }
  }

  decryptBytes(bytes: Uint8Array): Float64Array {
    const ct = this.seal.CipherText();
    const pt = this.seal.PlainText();
    try {
      try {
        ct.loadArray(this.chain.context, bytes);
      } catch (err) {
        throw new InputError(`decrypt: not a ciphertext for preset ${this.preset.name} (${(err as Error).message})`);
      }
      this.decryptor.decrypt(ct, pt);
      const all = this.encoder.decode(pt) as Float64Array;
      return Float64Array.from(this.slots === this.ringSlots ? all : all.subarray(0, this.slots));
    } finally {
      ct.delete();
      pt.delete();
    }
  }

  ciphertextBytes(level: number): number {
    return ciphertextBytes(this.preset, level);
  }

  dispose(): void {
    for (const o of [this.encryptor, this.decryptor, this.switcher, this.encoder, this.secretKey, this.keygen]) o.delete();
    releaseChain(this.chain);
  }
}

class SealCt extends Handle implements Ct {
  /** complex: may hold imaginary parts (set by mulI and complex plaintexts, kept by arithmetic,
   * cleared by twiceRealPart and in a fresh encryption); pending: an unfinished sum of products
   * (size 3, scale D[level]^2) */
  constructor(
    id: number,
    public native: CipherText,
    public level: number,
    public complex: boolean,
    public pending = false,
  ) {
    super(id);
  }
  release(): void {
    this.native.delete();
  }
}

class SealPt extends Handle implements Pt {
  /** Native plaintexts by level, encoded on first use at that level. */
  readonly byLevel = new Map<number, PlainText>();
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

/** The server: arithmetic on ciphertexts with the evaluation keys it was sent, and nothing secret. */
export class SealEvaluator extends EvaluatorBase<SealCt, SealPt> {
  readonly id = 'seal' as const;
  readonly supportsComplex: boolean;
  private readonly chain: Chain;
  private readonly encoder: CKKSEncoder;
  private readonly evaluator: NativeEvaluator;
  private relinKeys: RelinKeys | null = null;
  /** the Galois keys, in the key owner's chunks (see SealKeyOwner.evaluationKeys) */
  private galoisKeys: GaloisKeys[] = [];
  /** the chunk holding each Galois element's key */
  private readonly galoisChunk = new Map<number, GaloisKeys>();
  private conjugationKey = false;
  /** constant plaintexts by `${level}|${scale}|${value}` (masks of one value, level matching). */
  private readonly constants = new Map<string, PlainText>();
  /** bytes of the cached constants (N·8 per prime each) */
  private constantBytes = 0;
  /** the plaintext X^(N/2) (+i in even slots, -i in odd ones) by level. */
  private readonly imaginaryUnit = new Map<number, PlainText>();
  /** builds complex plaintexts (seal-complex.ts); null on a real-only evaluator */
  private readonly complexTools: ComplexTools | null = null;
  /** ModRaise (seal-bootstrap.ts), made on first use */
  private raiser: ModRaiser | null = null;
  /** the encapsulation key switches, when the evaluation keys include them */
  private encapsulation: Encapsulation | null = null;

  /** Use `createSealEvaluator` (SEAL must be loaded first). */
  constructor(
    private readonly seal: SEALLibrary,
    preset: Preset,
    keys: EvaluationKeys,
    options: BackendOptions = {},
  ) {
    super(preset, options);
    if (!preset.backends.includes('seal')) {
      throw new InputError(`preset ${preset.name} cannot run on seal (backends: ${preset.backends.join(', ')})`);
    }
    this.chain = acquireChain(seal, preset);
    this.encoder = seal.CKKSEncoder(this.chain.context);
    this.evaluator = seal.Evaluator(this.chain.context);
    if (!options.realOnly) {
      const builder = new ComplexPlaintextBuilder(preset.ringDegree, this.chain.topPrimes);
      this.complexTools = { seal, context: this.chain.context, encoder: this.encoder, evaluator: this.evaluator, builder };
      checkComplexPlaintextsOnce(this.complexTools, preset);
    }
    this.supportsComplex = !options.realOnly && this.buildImaginaryUnit();
    this.loadKeys(keys);
  }

  private get parmsIds(): ParmsIdType[] {
    return this.chain.parmsIds;
  }
  private get primes(): number[] {
    return this.chain.primes;
  }
  private get scales(): number[] {
    return this.chain.scales;
  }

  /** Loads (or replaces) the relinearization and Galois keys from the key owner's bytes. */
  loadKeys(keys: EvaluationKeys): void {
    if (keys.backend !== 'seal' || keys.preset !== this.preset.name) {
      throw new InputError(
        `evaluation keys for ${keys.backend}/${keys.preset} cannot be loaded by a seal evaluator of preset ${this.preset.name}`,
      );
    }
    checkKeySlots(keys, this.preset, this.logicalSlots);
    const relin = this.seal.RelinKeys();
    const galois: GaloisKeys[] = [];
    try {
      relin.loadArray(this.chain.context, keys.relin);
      for (const blob of splitSealBlobs(keys.galois)) {
        const g = this.seal.GaloisKeys();
        galois.push(g);
        g.loadArray(this.chain.context, blob);
        beat();
      }
    } catch (err) {
      relin.delete();
      for (const g of galois) g.delete();
      throw new InputError(`evaluation keys: SEAL cannot load them for preset ${this.preset.name} (${(err as Error).message})`);
    }
    this.relinKeys?.delete();
    for (const g of this.galoisKeys) g.delete();
    this.relinKeys = relin;
    this.galoisKeys = galois;
    this.galoisChunk.clear();
    for (const step of keys.conjugation ? [0, ...keys.steps] : keys.steps) {
      const elt = galoisElement(step, this.preset.ringDegree);
      const chunk = galois.find((g) => g.hasKey(elt));
      if (!chunk) throw new InputError(`evaluation keys: no Galois key for step ${step} although it is listed`);
      this.galoisChunk.set(elt, chunk);
    }
    this.encapsulation?.dispose();
    this.encapsulation = null;
    const boot = keys.bootstrap;
    if (boot) {
      this.encapsulation = new Encapsulation(
        this.seal,
        this.chain.context,
        this.evaluator,
        chainFacts(this.chain.context, this.chain.security),
        boot,
      );
    }
    this.conjugationKey = keys.conjugation;
    this.setRotationKeys(keys.steps);
  }

  /** The SEAL objects this evaluator holds (a test checks that none is secret). */
  nativeObjects(): { name: string; object: { instance: unknown } }[] {
    const out: { name: string; object: { instance: unknown } }[] = [
      { name: 'context', object: this.chain.context },
      { name: 'encoder', object: this.encoder },
      { name: 'evaluator', object: this.evaluator },
    ];
    if (this.relinKeys) out.push({ name: 'relinKeys', object: this.relinKeys });
    this.galoisKeys.forEach((g, i) => out.push({ name: `galoisKeys[${i}]`, object: g }));
    if (this.encapsulation) out.push(...this.encapsulation.nativeObjects());
    for (const [l, p] of this.imaginaryUnit) out.push({ name: `imaginaryUnit@${l}`, object: p });
    for (const [k, p] of this.constants) out.push({ name: `constant ${k}`, object: p });
    return out;
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private wrap(native: CipherText, level: number, complex: boolean, pending = false): SealCt {
    return this.track(new SealCt(this.newId(), native, level, complex, pending));
  }

  private emptyCt(): CipherText {
    return this.seal.CipherText();
  }

  /** Encodes values (+ i·imag) at level l with scale `scale` (default: the level's canonical scale). */
  private encodeNative(values: Float64Array, level: number, scale = this.scales[level]!, imag: Float64Array | null = null): PlainText {
    if (imag) {
      // in the form of the imaginary unit X^(N/2), in which this backend's ciphertexts carry imaginary parts
      const at = level < this.maxLevel ? this.parmsIds[level] : undefined;
      return encodeComplex(this.complexTools!, values, imag, scale, at, 'monomial') as PlainText;
    }
    return encodeAt(this.seal, this.encoder, this.evaluator, this.chain, values, level, this.maxLevel, scale);
  }

  /** A plaintext for p at `level`; `dispose` says whether the caller must delete it. */
  private plainAt(p: Pt | ArrayLike<number>, level: number, what: string): { native: PlainText; temporary: boolean } {
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

  private constantAt(value: number, level: number, scale = this.scales[level]!): PlainText {
    const key = `${level}|${scale}|${value}`;
    let native = this.constants.get(key);
    if (!native) {
      // bounded by count and by bytes: at N=32768 with 16 primes one constant is 4 MB, and EvalMod's
      // many coefficients filled a 512-entry cache to 2 GB (std::bad_alloc in the 4 GiB heap)
      const bytes = 8 * this.preset.ringDegree * (level + 1);
      if (this.constants.size >= 512 || this.constantBytes + bytes > CONSTANT_CACHE_BYTES) this.clearConstants();
      this.constantBytes += bytes;
      native = this.encodeNative(new Float64Array(this.ringSlots).fill(value), level, scale);
      this.constants.set(key, native);
    }
    return native;
  }

  private clearConstants(): void {
    for (const p of this.constants.values()) p.delete();
    this.constants.clear();
    this.constantBytes = 0;
  }

  private rescaled(native: CipherText, level: number, complex: boolean): SealCt {
    this.evaluator.rescaleToNext(native, native);
    native.setScale(this.scales[level - 1]!);
    return this.wrap(native, level - 1, complex);
  }

  /** A new native ciphertext holding `c` brought down to `level` with its canonical scale. */
  private nativeAt(c: SealCt, level: number): CipherText {
    const out = this.emptyCt();
    if (c.level === level) {
      out.copy(c.native);
      return out;
    }
    // Mod switch to one level above the target, then x 1 at the scale that lands on D[level].
    this.evaluator.cipherModSwitchTo(c.native, this.parmsIds[level + 1]!, out);
    const oneScale = (this.scales[level]! * this.primes[level + 1]!) / this.scales[c.level]!;
    this.evaluator.multiplyPlain(out, this.constantAt(1, level + 1, oneScale), out);
    this.evaluator.rescaleToNext(out, out);
    out.setScale(this.scales[level]!);
    return out;
  }

  /** Runs a binary op on two operands brought to a common level; returns the native result. */
  private binary(a: SealCt, b: SealCt, op: (x: CipherText, y: CipherText, dst: CipherText) => void): { native: CipherText; level: number } {
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

  // ---- plaintexts (public) ---------------------------------------------------------------

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
    return this.wrap(r.native, r.level, a.complex || b.complex);
  }

  sub(x: Ct, y: Ct): Ct {
    const a = this.ct(x),
      b = this.ct(y);
    const r = this.binary(a, b, (u, v, d) => this.evaluator.sub(u, v, d));
    return this.wrap(r.native, r.level, a.complex || b.complex);
  }

  addInPlace(x: Ct, y: Ct): void {
    const [a, b] = this.addOperands(x, y);
    if (a.pending) {
      // two unfinished sums at one level and scale: size-3 ciphertexts add exactly
      this.evaluator.add(a.native, b.native, a.native);
      a.complex ||= b.complex;
      return;
    }
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
  }

  negate(x: Ct): Ct {
    const a = this.ct(x);
    const dst = this.emptyCt();
    this.evaluator.negate(a.native, dst);
    return this.wrap(dst, a.level, a.complex);
  }

  addPlain(x: Ct, p: Pt | ArrayLike<number>): Ct {
    const a = this.ct(x);
    const { native, temporary } = this.plainAt(p, a.level, 'addPlain');
    const dst = this.emptyCt();
    this.evaluator.addPlain(a.native, native, dst);
    if (temporary) native.delete();
    return this.wrap(dst, a.level, a.complex || (p instanceof SealPt && p.complex));
  }

  addConst(x: Ct, c: number): Ct {
    const a = this.ct(x);
    if (!Number.isFinite(c)) throw new InputError(`addConst: constant ${c} is not finite`);
    const dst = this.emptyCt();
    this.evaluator.addPlain(a.native, this.constantAt(c, a.level), dst);
    return this.wrap(dst, a.level, a.complex);
  }

  mulPlain(x: Ct, p: Pt | ArrayLike<number>): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'mulPlain');
    const { native, temporary } = this.plainAt(p, a.level, 'mulPlain');
    const dst = this.emptyCt();
    this.evaluator.multiplyPlain(a.native, native, dst);
    if (temporary) native.delete();
    return this.rescaled(dst, a.level, a.complex || (p instanceof SealPt && p.complex));
  }

  mulConst(x: Ct, c: number): Ct {
    const a = this.ct(x);
    this.needLevel(a, 'mulConst');
    if (!Number.isFinite(c)) throw new InputError(`mulConst: constant ${c} is not finite`);
    const dst = this.emptyCt();
    this.evaluator.multiplyPlain(a.native, this.constantAt(c, a.level), dst);
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
      this.evaluator.relinearize(d, this.keys().relin, d);
    });
    return this.rescaled(r.native, r.level, a.complex || b.complex);
  }

  protected dotPartialLazy(as: readonly Ct[], bs: readonly Ct[]): SealCt {
    const pairs = as.map((x, i) => [this.ct(x), this.ct(bs[i]!)] as const);
    for (const [a, b] of pairs) {
      this.needLevel(a, 'dot');
      this.needLevel(b, 'dot');
    }
    const level = Math.min(...pairs.map(([a, b]) => Math.min(a.level, b.level)));
    const acc = this.emptyCt();
    const tmp = this.emptyCt();
    let complex = false;
    try {
      pairs.forEach(([a, b], i) => {
        const x = a.level === level ? a.native : this.nativeAt(a, level);
        const y = b.level === level ? b.native : this.nativeAt(b, level);
        const dst = i === 0 ? acc : tmp;
        try {
          if (a === b) this.evaluator.square(x, dst);
          else this.evaluator.multiply(x, y, dst);
        } finally {
          if (x !== a.native) x.delete();
          if (y !== b.native) y.delete();
        }
        // size-3 ciphertexts at one scale add exactly; one relinearization for the whole sum (finishLazy)
        if (i > 0) this.evaluator.add(acc, tmp, acc);
        complex ||= a.complex || b.complex;
      });
    } catch (err) {
      acc.delete();
      throw err;
    } finally {
      tmp.delete();
    }
    return this.wrap(acc, level, complex, true);
  }

  protected finishLazy(x: SealCt): void {
    // rescale first (SEAL rescales any size), then relinearize one level lower: the key switch
    // costs ~(l+1)(l+2), so a third less at level 1 than at 2; its noise lands at the new scale,
    // far below it (the special prime divides it)
    this.evaluator.rescaleToNext(x.native, x.native);
    this.evaluator.relinearize(x.native, this.keys().relin, x.native);
    x.native.setScale(this.scales[x.level - 1]!);
    x.level -= 1;
    x.pending = false;
  }

  rotate(x: Ct, k: number): Ct {
    const a = this.ct(x);
    const plan = this.rotationPlan(k);
    if (plan.length === 0) return this.copy(a);
    const dst = this.emptyCt();
    this.rotateNative(a.native, k, plan, dst);
    if (this.oddRotationOfComplex(a.complex, k)) {
      // See imaginaryUnit: an odd rotation conjugates the imaginary parts; conjugating restores them.
      this.evaluator.complexConjugate(dst, this.galoisFor(0), dst);
    }
    return this.wrap(dst, a.level, a.complex);
  }

  conjugate(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.conjugationKey) throw new Error('conjugate: the evaluation keys have no conjugation key (real-only)');
    const dst = this.emptyCt();
    this.evaluator.complexConjugate(a.native, this.galoisFor(0), dst);
    return this.wrap(dst, a.level, a.complex);
  }

  rotateConjugate(x: Ct, k: number): Ct {
    const a = this.ct(x);
    if (!this.conjugationKey) throw new Error('rotateConjugate: the evaluation keys have no conjugation key (real-only)');
    const plan = this.rotationPlan(k);
    const dst = this.emptyCt();
    if (plan.length > 0) this.rotateNative(a.native, k, plan, dst);
    else dst.copy(a.native);
    // An odd rotation of a complex ciphertext conjugates by itself (see imaginaryUnit): no conjugation then.
    if (rotateConjugateNeedsConj(a.complex, k, this.slots)) this.evaluator.complexConjugate(dst, this.galoisFor(0), dst);
    return this.wrap(dst, a.level, a.complex);
  }

  twiceRealPart(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.conjugationKey) throw new Error('twiceRealPart: the evaluation keys have no conjugation key (real-only)');
    const dst = this.emptyCt();
    this.evaluator.complexConjugate(a.native, this.galoisFor(0), dst);
    this.evaluator.add(dst, a.native, dst);
    return this.wrap(dst, a.level, false);
  }

  mulI(x: Ct): Ct {
    const a = this.ct(x);
    if (!this.supportsComplex) throw new Error('mulI: the imaginary-unit plaintext is not available on this backend');
    let unit = this.imaginaryUnit.get(a.level);
    if (!unit) {
      unit = this.seal.PlainText();
      this.evaluator.plainModSwitchTo(this.imaginaryUnit.get(this.maxLevel)!, this.parmsIds[a.level]!, unit);
      this.imaginaryUnit.set(a.level, unit);
    }
    const dst = this.emptyCt();
    this.evaluator.multiplyPlain(a.native, unit, dst);
    dst.setScale(this.scales[a.level]!);
    return this.wrap(dst, a.level, true);
  }

  /**
   * ModRaise is exact here; the raised plaintext m + q0·I is read at the top level's canonical
   * scale, so a raised slot is (D0/Dtop)·(its value) + (q0/Dtop)·(slot of I). The slot order is
   * SEAL's powers of 3 with the odd slots conjugated (the imaginary unit, below): the roots
   * zeta^((-3)^j), generator -3.
   */
  override get bootstrapSupport(): BootstrapSupport {
    const top = this.scales[this.maxLevel]!;
    return {
      modRaise: true,
      encapsulation: this.encapsulation !== null,
      sparseWeight: this.encapsulation?.sparseWeight ?? 0,
      raiseUnit: Number(this.chain.topPrimes[0]!) / top,
      raiseGain: this.scales[0]! / top,
      slotGenerator: SEAL_SLOT_GENERATOR,
    };
  }

  /**
   * ModRaise (seal-bootstrap.ts): a level-0 ciphertext to the top level, exactly: its plaintext
   * becomes m + q0·I for a small integer polynomial I. The result carries the top level's
   * canonical scale, so its slots read (m + q0·I) / D[top], and may hold imaginary parts.
   */
  override modRaise(x: Ct): Ct {
    const a = this.ct(x);
    if (a.pending) throw new Error('modRaise: an unfinished sum of products (finishDot first)');
    if (a.level !== 0) throw new Error(`modRaise: ciphertext #${a.id} is at level ${a.level}, not 0`);
    this.raiser ??= new ModRaiser(this.seal, this.chain.context, this.evaluator, this.parmsIds[this.maxLevel]!, this.chain.topPrimes);
    const native = this.raiser.raise(a.native);
    native.setScale(this.scales[this.maxLevel]!);
    return this.wrap(native, this.maxLevel, true);
  }

  /**
   * Sparse-secret encapsulation's key switches: 'toSparse' (dense -> sparse secret, level 0 only,
   * before modRaise) and 'toDense' (back, after it). Needs the encapsulation keys.
   */
  override switchKey(x: Ct, key: EncapsulationKey): Ct {
    const a = this.ct(x);
    if (!this.encapsulation) throw new Error('switchKey: the evaluation keys have no bootstrap (encapsulation) keys');
    if (a.pending) throw new Error('switchKey: an unfinished sum of products (finishDot first)');
    const native = key === 'toSparse' ? this.encapsulation.toSparse(a.native) : this.encapsulation.toDense(a.native);
    native.setScale(this.scales[a.level]!);
    return this.wrap(native, a.level, a.complex);
  }

  dropTo(x: Ct, level: number): Ct {
    const a = this.ct(x);
    this.checkLevel(level);
    if (level > a.level) throw new Error(`dropTo: ciphertext #${a.id} is at level ${a.level}, below ${level}`);
    return this.wrap(this.nativeAt(a, level), level, a.complex);
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

  /** The loaded keys (the constructor loads them, so they are always there). */
  private keys(): { relin: RelinKeys } {
    if (!this.relinKeys) throw new Error('seal evaluator: no evaluation keys loaded');
    return { relin: this.relinKeys };
  }

  /** The Galois key chunk holding the key of `step` (0: conjugation). */
  private galoisFor(step: number): GaloisKeys {
    const g = this.galoisChunk.get(galoisElement(step, this.preset.ringDegree));
    if (!g) throw new Error(`seal evaluator: no Galois key for step ${step}`);
    return g;
  }

  /**
   * Rotation by k into `dst` along `plan` (rotationPlan: k itself, its NAF pieces, or its binary
   * digits with only positive power-of-two keys). With one key chunk and one piece, one call. With
   * several pieces, piece by piece, each with its chunk's key (SEAL's own split is NAF, which the
   * binary plan's keys do not cover).
   */
  private rotateNative(src: CipherText, k: number, plan: readonly number[], dst: CipherText): void {
    if (this.galoisKeys.length === 1 && plan.length === 1) {
      this.evaluator.rotateVector(src, this.normalizeStep(k), this.galoisKeys[0]!, dst);
      return;
    }
    let from = src;
    for (const piece of plan) {
      this.evaluator.rotateVector(from, piece, this.galoisFor(piece), dst);
      from = dst;
    }
  }

  serialize(x: Ct): Uint8Array {
    return this.anyCt(x).native.saveArray(this.seal.ComprModeType.none);
  }

  deserialize(bytes: Uint8Array, complex = true): Ct {
    const ct = this.emptyCt();
    try {
      ct.loadArray(this.chain.context, bytes);
    } catch (err) {
      ct.delete();
      throw new InputError(`deserialize: not a ciphertext for preset ${this.preset.name} (${(err as Error).message})`);
    }
    // The flag is not serialized: unless the sender says the values are real, assume imaginary
    // parts (correct, at worst one extra key switch per odd rotation).
    const level = ct.coeffModulusSize - 1;
    if (level > this.maxLevel) {
      ct.delete();
      throw new InputError(`deserialize: level ${level} is above the preset's ${this.maxLevel}`);
    }
    // size 3: an unfinished sum of products (dotPartial), whose serialized scale D[level]^2 is kept
    const pending = ct.size === 3;
    if (!pending) ct.setScale(this.scales[level]!);
    return this.wrap(ct, level, complex, pending);
  }

  dispose(): void {
    this.releaseAll();
    this.clearConstants();
    for (const p of this.imaginaryUnit.values()) p.delete();
    this.imaginaryUnit.clear();
    this.encapsulation?.dispose();
    this.encapsulation = null;
    for (const o of [...this.galoisKeys, this.relinKeys, this.evaluator, this.encoder]) o?.delete();
    this.relinKeys = null;
    this.galoisKeys = [];
    this.galoisChunk.clear();
    releaseChain(this.chain);
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
    this.encoder.encode(new Float64Array(this.ringSlots), 2 ** 20, template);
    const bytes = template.saveArray(this.seal.ComprModeType.none);
    template.delete();
    const unit = this.seal.PlainText();
    try {
      unit.loadArray(this.chain.context, this.complexTools!.builder.halfMonomialBytes(bytes));
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

/**
 * Runs the complex-plaintext self-check (seal-complex.ts) once per process and chain: it proves on
 * a known vector that this SEAL build lays plaintexts out as the recipe assumes, with throw-away
 * keys of its own (the evaluator keeps none), and throws if not.
 */
function checkComplexPlaintextsOnce(tools: ComplexTools, preset: Preset): void {
  const key = `${preset.ringDegree}|${preset.chainBits.join(',')}`;
  if (checkedChains.has(key)) return;
  checkComplexPlaintexts(tools);
  checkedChains.add(key);
}

/** Creates a SEAL key owner for a preset (loads SEAL if needed). */
export async function createSealKeyOwner(preset: Preset, options: BackendOptions = {}): Promise<SealKeyOwner> {
  return new SealKeyOwner(await loadSeal(), preset, options);
}

/** Creates a SEAL evaluator from the key owner's serialized evaluation keys (loads SEAL if needed). */
export async function createSealEvaluator(preset: Preset, keys: EvaluationKeys, options: BackendOptions = {}): Promise<SealEvaluator> {
  return new SealEvaluator(await loadSeal(), preset, keys, options);
}
