/**
 * The one small CKKS interface every algorithm is written against (Lattigo's "evaluator"
 * idea). Two implementations: `seal` (node-seal, real encryption) and `sim` (a slot simulator).
 * All operations are synchronous. Rescaling, scale tracking and level matching happen inside the
 * backend: every ciphertext at level l carries the canonical scale of that level, and an operand
 * at a higher level is brought down to its partner's level automatically.
 */
import type { Preset } from './presets';

/** Opaque handle to a ciphertext owned by a backend. */
export interface Ct {
  /** Rescales left: a fresh ciphertext is at `backend.maxLevel`, 0 allows no more products. */
  readonly level: number;
  /** Backend-unique id (diagnostics). */
  readonly id: number;
  /**
   * May hold imaginary parts. False when known real: a fresh encryption (of reals), a real part
   * (`twiceRealPart`), and anything computed from real operands and real plaintexts only. On
   * seal, an odd rotation of a ciphertext that may hold imaginary parts costs a fix-up
   * conjugation (both backends count it), so marking real ciphertexts saves key switches.
   */
  readonly complex: boolean;
}

/** Opaque handle to an encoded plaintext vector, reusable at any level (e.g. a mask). */
export interface Pt {
  /** Backend-unique id (diagnostics). */
  readonly id: number;
  /** Has an imaginary part (encoded from complex values). */
  readonly complex: boolean;
}

/** Operation counters. Snapshot before and after a computation and subtract. */
export interface OpCounts {
  /** ciphertext + ciphertext / plaintext / constant, and subtraction, negation. */
  add: number;
  /** ciphertext x plaintext or constant (one level). */
  cmult: number;
  /** ciphertext x ciphertext with relinearization (one level). */
  mult: number;
  /** logical rotations. */
  rot: number;
  /** key switches performed by rotations and conjugations (SEAL splits steps without a key). */
  keyswitch: number;
  /** complex conjugations. */
  conj: number;
  /** multiplications by the imaginary unit (exact, no level). */
  muli: number;
  /** rescales. */
  rescale: number;
  /** automatic level drops to match an operand's partner. */
  levelMatch: number;
  /** client-aided refreshes (the stand-in for bootstrapping). */
  refresh: number;
  /** bytes a refresh round trip moves (ciphertext to the key owner and back). */
  refreshBytes: number;
  /** wall time spent in refreshes, ms (so experiments can separate it from compute). */
  refreshMs: number;
  /** encryptions and decryptions (client side). */
  encrypt: number;
  decrypt: number;
}

/** A zeroed counter record. */
export function zeroCounts(): OpCounts {
  return {
    add: 0,
    cmult: 0,
    mult: 0,
    rot: 0,
    keyswitch: 0,
    conj: 0,
    muli: 0,
    rescale: 0,
    levelMatch: 0,
    refresh: 0,
    refreshBytes: 0,
    refreshMs: 0,
    encrypt: 0,
    decrypt: 0,
  };
}

/** after - before, field by field. */
export function diffCounts(after: OpCounts, before: OpCounts): OpCounts {
  const out = zeroCounts();
  for (const k of Object.keys(out) as (keyof OpCounts)[]) out[k] = after[k] - before[k];
  return out;
}

/** Backend identifiers. */
export type BackendId = 'seal' | 'sim';

/** The CKKS evaluator interface. */
export interface Ckks {
  /** Which implementation this is. */
  readonly id: BackendId;
  /** The validated parameters. */
  readonly preset: Preset;
  /** Complex slots per ciphertext. */
  readonly slots: number;
  /** Level of a fresh ciphertext. */
  readonly maxLevel: number;
  /** Whether multiplication by i and conjugation are available (two diagonals per product). */
  readonly supportsComplex: boolean;

  /** Client side: encodes and encrypts up to `slots` reals (zero-padded) at `level` (default max). */
  encrypt(values: ArrayLike<number>, level?: number): Ct;
  /** Client side: decrypts and decodes the real parts of all slots. */
  decrypt(ct: Ct): Float64Array;
  /** Encodes a reusable plaintext vector (zero-padded to the slots), eagerly at `level`
   * (default: the top level) and lazily at any other level it meets. With `imag`, the complex
   * vector values + i·imag (one encode; needs complex slots): one mulPlain by it is one complex
   * product, e.g. HETAL's mask M_k - i·M_(k+c/2). */
  encode(values: ArrayLike<number>, level?: number, imag?: ArrayLike<number>): Pt;

  add(a: Ct, b: Ct): Ct;
  sub(a: Ct, b: Ct): Ct;
  /** a += b, in place (a must be owned by the caller; its level may drop to b's). */
  addInPlace(a: Ct, b: Ct): void;
  negate(a: Ct): Ct;
  addPlain(a: Ct, p: Pt | ArrayLike<number>): Ct;
  addConst(a: Ct, c: number): Ct;
  /** Ciphertext x plaintext vector, rescaled: one level. */
  mulPlain(a: Ct, p: Pt | ArrayLike<number>): Ct;
  /** Ciphertext x real constant, rescaled: one level. */
  mulConst(a: Ct, c: number): Ct;
  /** Ciphertext x ciphertext, relinearized and rescaled: one level. */
  mul(a: Ct, b: Ct): Ct;
  square(a: Ct): Ct;
  /** Cyclic left rotation: slot i of the result is slot (i + k) mod slots of `a`. */
  rotate(a: Ct, k: number): Ct;
  /** Complex conjugation of every slot (a key switch). */
  conjugate(a: Ct): Ct;
  /**
   * conj(rotate(a, k)). On seal, for an odd k and a ciphertext that may hold imaginary parts, this
   * is the bare rotation: the fix-up conjugation `rotate` pays there cancels the conjugation, so it
   * costs one key switch where rotate then conjugate cost three. Otherwise a rotation, plus a
   * conjugation if `a` may hold imaginary parts (a real ciphertext is its own conjugate). An
   * algorithm that can work on conjugated values (e.g. with conjugated masks) saves the fix-up.
   */
  rotateConjugate(a: Ct, k: number): Ct;
  /** Multiplication of every slot by the imaginary unit i: exact, no level, no key switch. */
  mulI(a: Ct): Ct;
  /** a + conj(a) = 2·Re(a), marked real (`complex` false): one conjugation and one addition. */
  twiceRealPart(a: Ct): Ct;
  /** A copy brought down to `level` (no-op copy if already there). */
  dropTo(a: Ct, level: number): Ct;
  /** Stand-in for bootstrapping: back to the top level (seal: the key owner decrypts and
   * re-encrypts); imaginary parts are kept (the result is as `complex` as the input). */
  refresh(a: Ct): Ct;
  /** A copy of `a`. */
  copy(a: Ct): Ct;
  /** Latency tables only: a bare rescale of a copy of `a` (its value is not meaningful). */
  rescaleForTiming(a: Ct): Ct;

  /** Makes rotation keys for these steps (plus the backend's fallback keys); idempotent. */
  ensureRotationKeys(steps: Iterable<number>): void;
  /** Key switches a rotation by k costs with the current keys (0 for k = 0 mod slots). */
  rotationCost(k: number): number;

  /** A snapshot of the counters. */
  counts(): OpCounts;
  /** Runs `fn`; frees every ciphertext and plaintext created inside it except those reachable
   * from its return value (arrays and plain objects are searched), which move to the outer scope. */
  scope<T>(fn: () => T): T;
  /** Frees a ciphertext or plaintext now (using it afterwards throws). */
  free(x: Ct | Pt): void;
  /** Live ciphertexts and plaintexts owned by this backend (leak checks). */
  liveObjects(): number;
  /** Serializes a ciphertext (worker threads, refresh byte counts). */
  serialize(ct: Ct): Uint8Array;
  /** Loads a ciphertext serialized by the same backend and parameters. */
  deserialize(bytes: Uint8Array): Ct;
  /** Bytes of a ciphertext at `level` (uncompressed, two polynomials). */
  ciphertextBytes(level: number): number;
  /** Frees everything (keys, context). The backend is unusable afterwards. */
  dispose(): void;
}

/** Options when creating a backend. */
export interface BackendOptions {
  /** Seed for the simulator's noise and for any randomness the backend owns. */
  seed?: number;
  /** sim only: add Gaussian noise of the size SEAL shows (off by default). */
  noise?: boolean;
  /** Rotation keys: declared steps plus all signed powers of two (default where it fits), or only declared steps. */
  rotationKeys?: 'declared+pow2' | 'declared';
  /** sim only: pretend complex slots are unavailable (to measure the one-diagonal fallback). */
  realOnly?: boolean;
}
