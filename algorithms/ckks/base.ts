/**
 * What both backends share: handle ownership with scopes, counters, rotation-key bookkeeping
 * and the key-switch cost model, and the argument checks. Subclasses implement the arithmetic.
 */
import { InputError } from '../errors';
import type { Preset } from './presets';
import { type BackendId, type BackendOptions, type Ct, type Ckks, type OpCounts, type Pt, zeroCounts } from './types';

/** Thrown when a product is asked of a ciphertext with no level left (both backends alike). */
export class LevelExhaustedError extends Error {
  override readonly name = 'LevelExhaustedError';
}

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

/** Shared machinery; subclasses provide the arithmetic on their own handle types. */
export abstract class BackendBase<C extends Handle & Ct, P extends Handle & Pt> implements Ckks {
  abstract readonly id: BackendId;
  abstract readonly supportsComplex: boolean;
  readonly slots: number;
  readonly maxLevel: number;
  protected readonly ops: OpCounts = zeroCounts();
  /** Normalized rotation steps with a key of their own. */
  protected readonly rotationKeys = new Set<number>();
  private readonly scopes: Set<Handle>[] = [new Set()];
  private nextId = 1;

  constructor(
    readonly preset: Preset,
    protected readonly options: BackendOptions,
  ) {
    this.slots = preset.slots;
    this.maxLevel = preset.levels;
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
      this.scopes.pop();
      for (const h of mine) this.release(h);
      throw err;
    }
    this.scopes.pop();
    const kept = new Set<Handle>();
    collectHandles(result, kept);
    const outer = this.scopes[this.scopes.length - 1]!;
    for (const h of mine) {
      if (kept.has(h)) outer.add(h);
      else this.release(h);
    }
    return result;
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

  /** Checks that `x` is a live handle of this backend. */
  protected ct(x: Ct): C {
    const h = x as unknown as C;
    if (!(h instanceof Handle)) throw new TypeError('not a ciphertext of this backend');
    if (h.freed) throw new Error(`ciphertext #${h.id} used after it was freed`);
    return h;
  }

  protected pt(x: Pt): P {
    const h = x as unknown as P;
    if (h.freed) throw new Error(`plaintext #${h.id} used after it was freed`);
    return h;
  }

  // ---- counters -----------------------------------------------------------------------------

  counts(): OpCounts {
    return { ...this.ops };
  }

  // ---- argument checks ----------------------------------------------------------------------

  protected checkLength(values: ArrayLike<number>, what: string): void {
    if (values.length > this.slots) {
      throw new InputError(`${what}: a vector of length ${values.length} does not fit in ${this.slots} slots (preset ${this.preset.name})`);
    }
  }

  /** The values zero-padded to the slots; refuses a longer vector or a non-finite value. */
  protected padded(values: ArrayLike<number>, what: string): Float64Array {
    this.checkLength(values, what);
    const out = new Float64Array(this.slots);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) throw new InputError(`${what}: value ${v} at index ${i} is not finite`);
      out[i] = v;
    }
    return out;
  }

  /** The imaginary part of a plaintext, padded, or null if absent or all zero (a real plaintext). */
  protected imaginary(imag: ArrayLike<number> | undefined, what: string): Float64Array | null {
    if (imag === undefined) return null;
    if (!this.supportsComplex) throw new Error(`${what}: complex values need complex slots (this backend was created real-only)`);
    const v = this.padded(imag, what);
    return v.some((x) => x !== 0) ? v : null;
  }

  protected checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < 0 || level > this.maxLevel) {
      throw new InputError(`level ${level} is outside 0..${this.maxLevel} (preset ${this.preset.name})`);
    }
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

  /** The step as SEAL is asked for it: in (-slots/2, slots/2]. */
  protected normalizeStep(k: number): number {
    const m = ((k % this.slots) + this.slots) % this.slots;
    return m > this.slots / 2 ? m - this.slots : m;
  }

  /** Normalized steps the fallback keys cover (signed powers of two), unless disabled. */
  protected fallbackSteps(): number[] {
    if (this.options.rotationKeys === 'declared') return [];
    const out: number[] = [];
    for (let p = 1; p < this.slots; p *= 2) out.push(this.normalizeStep(p), this.normalizeStep(-p));
    return [...new Set(out)];
  }

  /** Adds keys; subclasses create the native keys for the returned new steps. */
  protected addRotationKeys(steps: Iterable<number>): number[] {
    const fresh: number[] = [];
    for (const k of steps) {
      if (!Number.isInteger(k)) throw new InputError(`rotation step ${k} is not an integer`);
      const s = this.normalizeStep(k);
      if (s !== 0 && !this.rotationKeys.has(s)) {
        this.rotationKeys.add(s);
        fresh.push(s);
      }
    }
    return fresh;
  }

  abstract ensureRotationKeys(steps: Iterable<number>): void;

  rotationCost(k: number): number {
    return this.rotationPlan(k).length;
  }

  /** The key-switch steps a rotation by k takes: itself if it has a key, else its NAF pieces. */
  protected rotationPlan(k: number): number[] {
    const s = this.normalizeStep(k);
    if (s === 0) return [];
    if (this.rotationKeys.has(s)) return [s];
    const pieces = naf(s).map((p) => this.normalizeStep(p));
    for (const p of pieces) {
      if (!this.rotationKeys.has(p)) {
        throw new Error(`no rotation key for step ${s} (nor for its piece ${p}); declare it in the algorithm's rotation steps`);
      }
    }
    return pieces;
  }

  /** Counts one logical rotation costing `plan.length` key switches. */
  protected countRotation(plan: number[]): void {
    this.ops.rot += 1;
    this.ops.keyswitch += plan.length;
  }

  /**
   * Whether a rotation by k of a ciphertext that may hold imaginary parts needs the fix-up
   * conjugation of the SEAL backend (odd steps; see SealBackend's imaginary unit). Counted here
   * so that both backends report the same operations.
   */
  protected oddRotationOfComplex(complex: boolean, k: number): boolean {
    const odd = complex && Math.abs(this.normalizeStep(k)) % 2 === 1;
    if (odd) {
      this.ops.conj += 1;
      this.ops.keyswitch += 1;
    }
    return odd;
  }

  /**
   * Counts conj(rotate(a, k)) of a ciphertext (complex: may hold imaginary parts) with the
   * rotation plan `plan`; returns whether a conjugation is due: on seal an odd rotation of a
   * complex ciphertext conjugates by itself (see oddRotationOfComplex), a real one needs none.
   */
  protected countRotateConjugate(complex: boolean, k: number, plan: number[]): boolean {
    if (plan.length > 0) this.countRotation(plan);
    const conj = complex && Math.abs(this.normalizeStep(k)) % 2 === 0;
    if (conj) {
      this.ops.conj += 1;
      this.ops.keyswitch += 1;
    }
    return conj;
  }

  ciphertextBytes(level: number): number {
    // Two polynomials of N coefficients, one 64-bit word per coefficient and prime.
    return 2 * this.preset.ringDegree * (level + 1) * 8;
  }

  /** Counts a refresh of a ciphertext at `level`: it travels to the key owner and back at the top. */
  protected countRefresh(level: number): void {
    this.ops.refresh += 1;
    this.ops.refreshBytes += this.ciphertextBytes(level) + this.ciphertextBytes(this.maxLevel);
  }

  // ---- derived operations (same on both backends) -------------------------------------------

  square(a: Ct): Ct {
    return this.mul(a, a);
  }

  refresh(a: Ct): Ct {
    const t0 = performance.now();
    try {
      return this.refreshNow(a);
    } finally {
      this.ops.refreshMs += performance.now() - t0;
    }
  }

  // ---- the arithmetic, per backend ----------------------------------------------------------
  abstract encrypt(values: ArrayLike<number>, level?: number): Ct;
  abstract decrypt(ct: Ct): Float64Array;
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
  abstract rotateConjugate(a: Ct, k: number): Ct;
  abstract mulI(a: Ct): Ct;
  abstract twiceRealPart(a: Ct): Ct;
  abstract dropTo(a: Ct, level: number): Ct;
  /** The refresh itself; `refresh` times it (refreshMs) so experiments can separate it. */
  protected abstract refreshNow(a: Ct): Ct;
  abstract copy(a: Ct): Ct;
  abstract rescaleForTiming(a: Ct): Ct;
  abstract serialize(ct: Ct): Uint8Array;
  abstract deserialize(bytes: Uint8Array): Ct;
  abstract dispose(): void;
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
