/**
 * What both evaluators share: handle ownership with scopes, rotation-key bookkeeping and the
 * key-switch plan of a rotation, the argument checks; and the pure helpers both parties and the
 * counting layer use. Subclasses implement the arithmetic; counting.ts counts it.
 */
import { InputError } from '../errors';
import type { Preset } from './presets';
import type {
  BackendId,
  BackendOptions,
  BootstrapSupport,
  Ct,
  EncapsulationKey,
  EvaluationKeys,
  Evaluator,
  Pt,
  RelinPolicy,
} from './types';

/** Thrown when a product is asked of a ciphertext with no level left (both backends alike). */
export class LevelExhaustedError extends Error {
  override readonly name = 'LevelExhaustedError';
}

/** Thrown by `modRaise` and `switchKey` on an evaluator that cannot do them (see `bootstrapSupport`). */
export class BootstrapUnsupportedError extends Error {
  override readonly name = 'BootstrapUnsupportedError';
}

/** The capability of an evaluator without any bootstrap primitive. */
export const NO_BOOTSTRAP: BootstrapSupport = { modRaise: false, encapsulation: false, sparseWeight: 0, raiseUnit: 0, raiseGain: 0 };

/** A ciphertext or plaintext owned by a backend; `release` frees its native memory. */
export abstract class Handle {
  freed = false;
  constructor(readonly id: number) {}
  /** Frees native resources (idempotent through `freed`). */
  abstract release(): void;
}

/** Non-adjacent form of k: signed powers of two summing to k, fewest terms (SEAL's split). */
export function naf(k: number): number[] {
  const out: number[] = [];
  let n = Math.abs(k);
  const sign = Math.sign(k);
  let bit = 1;
  while (n > 0) {
    if (n % 2 === 1) {
      const digit = 2 - (n % 4); // +1 or -1
      out.push(sign * digit * bit);
      n -= digit;
    }
    n /= 2;
    bit *= 2;
  }
  return out;
}

/** What a backend's evaluator implements: the Evaluator without the counters (counting.ts adds them). */
export type RawEvaluator = Omit<Evaluator, 'counts' | 'levelCounts'> & {
  /** Loads (or replaces) the serialized evaluation keys the key owner sent. */
  loadKeys(keys: EvaluationKeys): void;
};

/** Shared machinery of both evaluators; subclasses provide the arithmetic on their own handle types. */
export abstract class EvaluatorBase<C extends Handle & Ct & { pending?: boolean }, P extends Handle & Pt> implements RawEvaluator {
  abstract readonly id: BackendId;
  abstract readonly supportsComplex: boolean;
  /** The ring's slots N/2: the length of every vector a ciphertext or plaintext holds. */
  readonly ringSlots: number;
  /** The logical slots (`BackendOptions.slots`): vectors of this period, read in their first `logicalSlots` slots. */
  readonly logicalSlots: number;
  readonly maxLevel: number;
  /** Rotation steps with a key of their own, as ring steps (normalized in (-ringSlots/2, ringSlots/2]). */
  protected readonly rotationKeys = new Set<number>();
  private readonly scopes: Set<Handle>[] = [new Set()];
  private nextId = 1;
  /** depth of `atRingSlots` calls in progress */
  private ringView = 0;

  constructor(
    readonly preset: Preset,
    protected readonly options: BackendOptions,
  ) {
    this.ringSlots = preset.slots;
    this.logicalSlots = logicalSlotCount(preset, options.slots);
    this.maxLevel = preset.levels;
  }

  /** The slots algorithms see: the logical count, or all the ring's inside `atRingSlots`. */
  get slots(): number {
    return this.ringView > 0 ? this.ringSlots : this.logicalSlots;
  }

  atRingSlots<T>(fn: () => T): T {
    this.ringView += 1;
    try {
      return fn();
    } finally {
      this.ringView -= 1;
    }
  }

  // ---- ownership -------------------------------------------------------------------------

  /** Registers a new handle in the innermost scope. */
  protected track<H extends Handle>(h: H): H {
    this.scopes[this.scopes.length - 1]!.add(h);
    return h;
  }

  protected newId(): number {
    return this.nextId++;
  }

  scope<T>(fn: () => T): T {
    const mine = new Set<Handle>();
    this.scopes.push(mine);
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.closeScope(mine, undefined, false);
      throw err;
    }
    this.closeScope(mine, result, true);
    return result;
  }

  async scopeAsync<T>(fn: () => Promise<T>): Promise<T> {
    const mine = new Set<Handle>();
    this.scopes.push(mine);
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      this.closeScope(mine, undefined, false);
      throw err;
    }
    this.closeScope(mine, result, true);
    return result;
  }

  /** Pops `mine` (it must be the innermost scope), frees its handles and moves those reachable from `result` out. */
  private closeScope(mine: Set<Handle>, result: unknown, keep: boolean): void {
    const top = this.scopes.pop();
    if (top !== mine) {
      // an asynchronous scope interleaved with another: put things back as they were and refuse
      if (top) this.scopes.push(top);
      const at = this.scopes.indexOf(mine);
      if (at >= 0) this.scopes.splice(at, 1);
      for (const h of mine) this.release(h);
      throw new Error('scope: asynchronous scopes of one evaluator interleaved (run one asynchronous computation at a time)');
    }
    const kept = new Set<Handle>();
    if (keep) collectHandles(result, kept);
    const outer = this.scopes[this.scopes.length - 1]!;
    for (const h of mine) {
      if (kept.has(h)) outer.add(h);
      else this.release(h);
    }
  }

  free(x: Ct | Pt): void {
    const h = x as unknown as Handle;
    for (const s of this.scopes) s.delete(h);
    this.release(h);
  }

  private release(h: Handle): void {
    if (!h.freed) {
      h.release();
      h.freed = true;
    }
  }

  liveObjects(): number {
    let n = 0;
    for (const s of this.scopes) for (const h of s) if (!h.freed) n++;
    return n;
  }

  /** Frees every handle still alive (all scopes). */
  protected releaseAll(): void {
    for (const s of this.scopes) {
      for (const h of s) this.release(h);
      s.clear();
    }
  }

  /** Checks that `x` is a live, finished handle of this evaluator. */
  protected ct(x: Ct): C {
    const h = this.anyCt(x);
    if (h.pending) throw new Error(`ciphertext #${h.id} is an unfinished sum of products (dotPartial): finishDot it first`);
    return h;
  }

  /** Checks that `x` is a live handle of this evaluator, finished or pending. */
  protected anyCt(x: Ct): C {
    const h = x as unknown as C;
    if (!(h instanceof Handle)) throw new TypeError('not a ciphertext of this backend');
    if (h.freed) throw new Error(`ciphertext #${h.id} used after it was freed`);
    return h;
  }

  /** Checks two operands of addInPlace: both finished, or both pending at one level (size-3 sums add exactly). */
  protected addOperands(x: Ct, y: Ct): [C, C] {
    const a = this.anyCt(x),
      b = this.anyCt(y);
    if (!a.pending && !b.pending) return [a, b];
    if (!a.pending || !b.pending || a.level !== b.level) {
      throw new Error(
        `addInPlace: an unfinished sum (#${a.pending ? a.id : b.id}) adds only to another at its level (got levels ${a.level}, ${b.level})`,
      );
    }
    return [a, b];
  }

  protected pt(x: Pt): P {
    const h = x as unknown as P;
    if (h.freed) throw new Error(`plaintext #${h.id} used after it was freed`);
    return h;
  }

  // ---- argument checks ----------------------------------------------------------------------

  /** The values zero-padded to the slots, repeated over the ring's slots (period `slots`). */
  protected padded(values: ArrayLike<number>, what: string): Float64Array {
    return replicated(paddedVector(values, this.slots, this.preset.name, what), this.ringSlots);
  }

  protected checkLevel(level: number): void {
    checkLevel(level, this.maxLevel, this.preset.name);
  }

  /** The imaginary part of a plaintext, padded, or null if absent or all zero (a real plaintext). */
  protected imaginary(imag: ArrayLike<number> | undefined, what: string): Float64Array | null {
    if (imag === undefined) return null;
    if (!this.supportsComplex) throw new Error(`${what}: complex values need complex slots (this backend was created real-only)`);
    const v = this.padded(imag, what);
    return v.some((x) => x !== 0) ? v : null;
  }

  /** Throws LevelExhaustedError unless a product is possible at this level. */
  protected needLevel(c: Ct, op: string): void {
    if (c.level < 1) {
      throw new LevelExhaustedError(
        `${op}: ciphertext #${c.id} is at level 0 and has no level left (preset ${this.preset.name}; refresh it first)`,
      );
    }
  }

  // ---- rotations ----------------------------------------------------------------------------

  /**
   * The step as SEAL is asked for it: in (-slots/2, slots/2]. With logical slots it is also the
   * ring rotation performed: on a vector of period `slots`, a rotation of the ring's slots by it
   * is the cyclic rotation of the logical vector by k.
   */
  protected normalizeStep(k: number): number {
    return normalizeStep(k, this.slots);
  }

  /** Records the steps the loaded keys cover (ring steps). */
  protected setRotationKeys(steps: readonly number[]): void {
    this.rotationKeys.clear();
    for (const s of steps) this.rotationKeys.add(normalizeStep(s, this.ringSlots));
  }

  rotationCost(k: number): number {
    return this.rotationPlan(k).length;
  }

  /** The key-switch steps a rotation by k takes: itself if it has a key, else its NAF pieces. */
  protected rotationPlan(k: number): number[] {
    return rotationPlan(k, this.slots, this.rotationKeys);
  }

  /** Whether a rotation by k of `c` needs the fix-up conjugation of the SEAL backend (odd steps of complex ciphertexts). */
  protected oddRotationOfComplex(complex: boolean, k: number): boolean {
    return needsFixUp(complex, k, this.slots);
  }

  ciphertextBytes(level: number): number {
    return ciphertextBytes(this.preset, level);
  }

  // ---- derived operations (same on both backends) -------------------------------------------

  square(a: Ct): Ct {
    return this.mul(a, a);
  }

  get relin(): RelinPolicy {
    return this.options.relin ?? 'lazy';
  }

  dot(a: readonly Ct[], b: readonly Ct[]): Ct {
    return this.finishDot(this.dotPartial(a, b));
  }

  dotPartial(a: readonly Ct[], b: readonly Ct[]): Ct {
    if (a.length !== b.length || a.length === 0) throw new Error(`dot: ${a.length} and ${b.length} operands (need equal, non-zero)`);
    return this.relin === 'eager' ? this.dotEager(a, b) : this.dotPartialLazy(a, b);
  }

  finishDot(x: Ct): Ct {
    const h = this.anyCt(x);
    if (h.pending) this.finishLazy(h);
    return h;
  }

  /** Each product relinearized and rescaled, then summed in order (the counting layer mirrors this). */
  protected dotEager(a: readonly Ct[], b: readonly Ct[]): Ct {
    const acc = this.mul(a[0]!, b[0]!);
    for (let i = 1; i < a.length; i++) {
      const t = this.mul(a[i]!, b[i]!);
      this.addInPlace(acc, t);
      this.free(t);
    }
    return acc;
  }

  /** Σ a[i]·b[i] at the operands' common level, the size-3 products summed: a pending ciphertext. */
  protected abstract dotPartialLazy(a: readonly Ct[], b: readonly Ct[]): C;

  /** Relinearizes and rescales the pending sum `x` in place: it becomes a finished ciphertext one level down. */
  protected abstract finishLazy(x: C): void;

  // ---- bootstrap primitives: none unless a backend provides them -----------------------------

  get bootstrapSupport(): BootstrapSupport {
    return NO_BOOTSTRAP;
  }

  modRaise(a: Ct): Ct {
    throw new BootstrapUnsupportedError(
      `modRaise: the ${this.id} evaluator cannot raise ciphertext #${a.id} (bootstrapping is not supported here)`,
    );
  }

  switchKey(a: Ct, key: EncapsulationKey): Ct {
    throw new BootstrapUnsupportedError(
      `switchKey ${key}: the ${this.id} evaluator has no encapsulation keys for ciphertext #${a.id} (bootstrapping is not supported here)`,
    );
  }

  // ---- the arithmetic, per backend ----------------------------------------------------------
  abstract loadKeys(keys: EvaluationKeys): void;
  abstract encode(values: ArrayLike<number>, level?: number, imag?: ArrayLike<number>): Pt;
  abstract add(a: Ct, b: Ct): Ct;
  abstract sub(a: Ct, b: Ct): Ct;
  abstract addInPlace(a: Ct, b: Ct): void;
  abstract negate(a: Ct): Ct;
  abstract addPlain(a: Ct, p: Pt | ArrayLike<number>): Ct;
  abstract addConst(a: Ct, c: number): Ct;
  abstract mulPlain(a: Ct, p: Pt | ArrayLike<number>): Ct;
  abstract mulConst(a: Ct, c: number): Ct;
  abstract mul(a: Ct, b: Ct): Ct;
  abstract rotate(a: Ct, k: number): Ct;
  abstract conjugate(a: Ct): Ct;
  abstract mulI(a: Ct): Ct;
  abstract rotateConjugate(a: Ct, k: number): Ct;
  abstract twiceRealPart(a: Ct): Ct;
  abstract dropTo(a: Ct, level: number): Ct;
  abstract copy(a: Ct): Ct;
  abstract rescaleForTiming(a: Ct): Ct;
  abstract serialize(ct: Ct): Uint8Array;
  abstract deserialize(bytes: Uint8Array, complex?: boolean): Ct;
  abstract dispose(): void;
}

// ---- shared pure helpers (both parties, both backends, the counting layer) ---------------------

/** The step as SEAL is asked for it: in (-slots/2, slots/2]. */
export function normalizeStep(k: number, slots: number): number {
  const m = ((k % slots) + slots) % slots;
  return m > slots / 2 ? m - slots : m;
}

/** Normalized steps of the fallback keys (signed powers of two), unless only declared keys are made. */
export function fallbackSteps(slots: number, options: BackendOptions): number[] {
  if (options.rotationKeys === 'declared') return [];
  const out: number[] = [];
  for (let p = 1; p < slots; p *= 2) out.push(normalizeStep(p, slots), normalizeStep(-p, slots));
  return [...new Set(out)];
}

/** The normalized, deduplicated, non-zero steps of a request; refuses non-integers. */
export function normalizeSteps(steps: Iterable<number>, slots: number): number[] {
  const out = new Set<number>();
  for (const k of steps) {
    if (!Number.isInteger(k)) throw new InputError(`rotation step ${k} is not an integer`);
    const s = normalizeStep(k, slots);
    if (s !== 0) out.add(s);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The key-switch steps a rotation by k takes with these keys: itself if it has a key, else its NAF
 * pieces (SEAL's own split), else, with only the positive powers of two (the smallest key set
 * that reaches every step: what a bootstrap's keys fit the heap with at N=32768), the binary
 * digits of the left rotation k mod slots.
 */
export function rotationPlan(k: number, slots: number, keys: ReadonlySet<number>): number[] {
  const s = normalizeStep(k, slots);
  if (s === 0) return [];
  if (keys.has(s)) return [s];
  const pieces = naf(s).map((p) => normalizeStep(p, slots));
  const missing = pieces.find((p) => !keys.has(p));
  if (missing === undefined) return pieces;
  const left = ((k % slots) + slots) % slots;
  const digits: number[] = [];
  for (let bit = 1; bit < slots; bit *= 2) if (left & bit) digits.push(normalizeStep(bit, slots));
  if (digits.every((p) => keys.has(p))) return digits;
  throw new Error(`no rotation key for step ${s} (nor for its piece ${missing}); declare it in the algorithm's rotation steps`);
}

/**
 * Whether a rotation by k of a ciphertext that may hold imaginary parts needs the fix-up
 * conjugation of the SEAL backend: odd steps (see seal.ts, the imaginary unit). Both the seal
 * evaluator (which performs it) and the counting layer (which counts it) use this rule.
 */
export function needsFixUp(complex: boolean, k: number, slots: number): boolean {
  return complex && Math.abs(normalizeStep(k, slots)) % 2 === 1;
}

/**
 * Whether conj(rotate(a, k)) needs a conjugation on seal: for a ciphertext that may hold imaginary
 * parts, an even step (an odd one conjugates by itself, see needsFixUp); a real one needs none.
 */
export function rotateConjugateNeedsConj(complex: boolean, k: number, slots: number): boolean {
  return complex && Math.abs(normalizeStep(k, slots)) % 2 === 0;
}

/** SEAL's serialization header of an uncompressed ciphertext (measured: 113 bytes before the data). */
export const SEAL_CIPHERTEXT_HEADER = 113;

/** Bytes of a ciphertext at `level` as SEAL serializes it uncompressed: the header, then two polynomials of N
 * coefficients, one 64-bit word per coefficient and prime. */
export function ciphertextBytes(preset: Pick<Preset, 'ringDegree'>, level: number): number {
  return SEAL_CIPHERTEXT_HEADER + 2 * preset.ringDegree * (level + 1) * 8;
}

/** Bytes of one key-switching key (relinearization or one Galois step): a pair of polynomials over the
 * whole chain (special prime included) for each data prime (1.6 MB at N = 8192, 19 MB at 16384, 220 MB at 32768). */
export function keySwitchKeyBytes(preset: Pick<Preset, 'ringDegree' | 'chainBits'>): number {
  const all = preset.chainBits.length;
  return (all - 1) * 2 * all * preset.ringDegree * 8;
}

/** The values zero-padded to the slots; refuses a longer vector or a non-finite value. */
export function paddedVector(values: ArrayLike<number>, slots: number, presetName: string, what: string): Float64Array {
  if (values.length > slots) {
    throw new InputError(`${what}: a vector of length ${values.length} does not fit in ${slots} slots (preset ${presetName})`);
  }
  const out = new Float64Array(slots);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new InputError(`${what}: value ${v} at index ${i} is not finite`);
    out[i] = v;
  }
  return out;
}

/** `v` (its length dividing `ringSlots`) repeated to `ringSlots` values (itself if already that long). */
export function replicated(v: Float64Array, ringSlots: number): Float64Array {
  if (v.length === ringSlots) return v;
  const out = new Float64Array(ringSlots);
  for (let at = 0; at < ringSlots; at += v.length) out.set(v, at);
  return out;
}

/**
 * The logical slot count of a backend: `slots` if given (a power of two from 2 to the ring's N/2
 * slots), else N/2. With fewer slots than the ring has, every vector is repeated with period
 * `slots` over the ring's slots, so that a ring rotation is the logical cyclic rotation.
 */
export function logicalSlotCount(preset: Pick<Preset, 'name' | 'slots'>, slots: number | undefined): number {
  if (slots === undefined) return preset.slots;
  if (!(Number.isInteger(slots) && slots >= 2 && slots <= preset.slots && (slots & (slots - 1)) === 0)) {
    throw new InputError(`slots ${slots}: the logical slots must be a power of two in 2..${preset.slots} (preset ${preset.name})`);
  }
  return slots;
}

/** Refuses evaluation keys made for another logical slot count than the evaluator's. */
export function checkKeySlots(keys: EvaluationKeys, preset: Pick<Preset, 'name' | 'slots'>, slots: number): void {
  const keySlots = keys.slots ?? preset.slots;
  if (keySlots !== slots) {
    throw new InputError(
      `evaluation keys for ${keySlots} logical slots cannot be loaded by an evaluator of ${slots} (preset ${preset.name})`,
    );
  }
}

/** Refuses a level outside 0..maxLevel. */
export function checkLevel(level: number, maxLevel: number, presetName: string): void {
  if (!Number.isInteger(level) || level < 0 || level > maxLevel) {
    throw new InputError(`level ${level} is outside 0..${maxLevel} (preset ${presetName})`);
  }
}

/**
 * Collects the handles reachable from a scope's result: arrays, Maps, Sets and the own fields of
 * any object (so a class such as a block matrix that holds ciphertexts keeps them alive).
 */
function collectHandles(x: unknown, out: Set<Handle>, seen = new Set<object>()): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (x instanceof Handle) {
    out.add(x);
    return;
  }
  if (ArrayBuffer.isView(x)) return;
  const values: Iterable<unknown> = Array.isArray(x)
    ? x
    : x instanceof Map
      ? x.values()
      : x instanceof Set
        ? x.values()
        : Object.values(x as Record<string, unknown>);
  for (const v of values) collectHandles(v, out, seen);
}
