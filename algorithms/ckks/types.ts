/**
 * The CKKS layer's roles, as in Lattigo: the protocol has two parties and the types say so.
 * - `Evaluator` (the server): arithmetic, rotations, conjugation, levels and scales, plaintext
 *   encoding, scopes, serialization. It is built from the public parameters and the serialized
 *   evaluation keys only; it has no way to decrypt (a type-level test checks it).
 * - `KeyOwner` (the client): key generation, encryption and decryption. It hands the server the
 *   evaluation keys as bytes (`EvaluationKeys`).
 * - `Refresher` (the stand-in for bootstrapping, Lattigo's bootstrapper shape): gives a
 *   ciphertext its levels back. The shipped one is client-aided (session.ts).
 * - `Client`: what client-side algorithm code sees: encrypt a vector and send it to the server,
 *   receive a ciphertext from the server and decrypt it; every message goes into the transcript.
 * Bootstrapping's server-side primitives (`modRaise`, the sparse-secret encapsulation's
 * `switchKey`, and rotations by multiples of the sparse period with ordinary keys) are part of
 * the evaluator, behind capability flags (`bootstrapSupport`), so that one pipeline
 * (bootstrap/bootstrapper.ts) runs on either backend and counts the same operations.
 * Two implementations of the evaluator and key owner: `seal` (node-seal) and `sim` (a slot
 * simulator). Operations are counted by one layer around any evaluator (counting.ts).
 * All operations are synchronous. Rescaling, scale tracking and level matching happen inside the
 * evaluator: every ciphertext at level l carries the canonical scale of that level, and an
 * operand at a higher level is brought down to its partner's level automatically.
 */
import type { Preset } from './presets';

/** Opaque handle to a ciphertext owned by one evaluator or key owner. */
export interface Ct {
  /** Rescales left: a fresh ciphertext is at `maxLevel` unless encrypted lower, 0 allows no more products. */
  readonly level: number;
  /** Owner-unique id (diagnostics). */
  readonly id: number;
  /**
   * Whether the slots may hold imaginary parts (false: proven real: a fresh encryption of reals, a
   * real part taken by `twiceRealPart`, anything computed from real operands and real plaintexts
   * only). On seal an odd rotation of a ciphertext that may hold imaginary parts costs a fix-up
   * conjugation (counted as `conj`), so marking real ciphertexts saves key switches.
   */
  readonly complex: boolean;
  /** An unfinished sum of products (`dotPartial` with lazy relinearization): size 3, not yet
   * relinearized nor rescaled. Only `addInPlace` (with another at its level), `finishDot`,
   * `serialize` and `free` accept it. */
  readonly pending?: boolean;
}

/** Opaque handle to an encoded plaintext vector, reusable at any level (e.g. a mask). */
export interface Pt {
  /** Owner-unique id (diagnostics). */
  readonly id: number;
  /** Whether it has an imaginary part (encoded from complex values). */
  readonly complex: boolean;
}

/** Operation counters. Snapshot before and after a computation and subtract. */
export interface OpCounts {
  /** ciphertext + ciphertext / plaintext / constant, and subtraction, negation. */
  add: number;
  /** ciphertext x plaintext or constant (one level). */
  cmult: number;
  /** ciphertext x ciphertext products (one level each; relinearized apart, see `relin`). */
  mult: number;
  /** relinearizations (key switches of products: one per product eagerly, one per accumulated sum lazily). */
  relin: number;
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
  /** automatic level drops to match an operand's partner, and explicit drops. */
  levelMatch: number;
  /** refreshes (client-aided: round trips to the key owner; the stand-in for bootstrapping). */
  refresh: number;
  /** bytes a refresh round trip moves (ciphertext to the key owner and back). */
  refreshBytes: number;
  /** wall time spent in refreshes, ms (so experiments can separate it from compute). */
  refreshMs: number;
  /** encryptions and decryptions by the key owner (client side). */
  encrypt: number;
  decrypt: number;
  /** ModRaises (bootstrap: a level-0 ciphertext lifted to the top level; no key switch). */
  modraise: number;
  /** key switches of sparse-secret encapsulation (dense -> sparse at level 0, sparse -> dense after
   * the raise); counted apart from `keyswitch`, whose keys and contexts differ. */
  switchKey: number;
}

/** A zeroed counter record. */
export function zeroCounts(): OpCounts {
  return {
    add: 0,
    cmult: 0,
    mult: 0,
    relin: 0,
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
    modraise: 0,
    switchKey: 0,
  };
}

/** after - before, field by field. */
export function diffCounts(after: OpCounts, before: OpCounts): OpCounts {
  const out = zeroCounts();
  for (const k of Object.keys(out) as (keyof OpCounts)[]) out[k] = after[k] - before[k];
  return out;
}

/** a + b, field by field. */
export function addCounts(a: OpCounts, b: OpCounts): OpCounts {
  const out = zeroCounts();
  for (const k of Object.keys(out) as (keyof OpCounts)[]) out[k] = a[k] + b[k];
  return out;
}

/** a * f, field by field (e.g. per-block averages). */
export function scaleCounts(a: OpCounts, f: number): OpCounts {
  const out = zeroCounts();
  for (const k of Object.keys(out) as (keyof OpCounts)[]) out[k] = a[k] * f;
  return out;
}

/** Operations counted by level, for the cost model: index = level of the ciphertext operated on. */
export type LevelOp =
  | 'add'
  | 'cmult'
  | 'mult'
  | 'relin'
  | 'rescale'
  | 'keyswitch'
  | 'conj'
  | 'muli'
  | 'levelMatch'
  | 'encode'
  | 'modraise'
  | 'switchKey'
  // a ciphertext serialized or loaded by the algorithms: sent to or received from a worker thread
  | 'serialize'
  | 'deserialize';
export type LevelCounts = Partial<Record<LevelOp, number[]>>;

/** after - before, per op and level. */
export function diffLevelCounts(after: LevelCounts, before: LevelCounts): LevelCounts {
  const out: LevelCounts = {};
  for (const op of Object.keys(after) as LevelOp[]) {
    const a = after[op] ?? [];
    const b = before[op] ?? [];
    const d = a.map((v, l) => v - (b[l] ?? 0));
    if (d.some((v) => v !== 0)) out[op] = d;
  }
  return out;
}

/** Backend identifiers. */
export type BackendId = 'seal' | 'sim';

/** The public parameters both parties know. */
export interface Params {
  /** Which implementation. */
  readonly id: BackendId;
  /** The validated parameters. */
  readonly preset: Preset;
  /**
   * Complex slots per ciphertext as algorithms see them: the ring's N/2, or fewer logical slots
   * (`BackendOptions.slots`): every vector then repeats with period `slots` over the ring's slots
   * (encode and encrypt replicate, decrypt reads the first `slots`), and a rotation by k is the
   * cyclic rotation of the `slots` values (k mod slots).
   */
  readonly slots: number;
  /** The ring's slots N/2 (equal to `slots` unless logical slots were asked for). */
  readonly ringSlots: number;
  /** Level of a fresh top-level ciphertext. */
  readonly maxLevel: number;
  /** Whether multiplication by i and conjugation are available (two diagonals per product). */
  readonly supportsComplex: boolean;
}

/**
 * The evaluation keys, serialized by the key owner for the server: relinearization and Galois
 * keys, and what they cover. No secret key material.
 */
export interface EvaluationKeys {
  readonly backend: BackendId;
  /** preset name the keys were made for */
  readonly preset: string;
  /** rotation steps with a key of their own, as rotations of the ring's slots (normalized in (-N/4, N/4]) */
  readonly steps: readonly number[];
  /** the logical slots the key owner encodes with (absent: all N/2); an evaluator built from these keys uses them */
  readonly slots?: number;
  /** whether a conjugation key is included */
  readonly conjugation: boolean;
  /** serialized relinearization keys (empty on sim) */
  readonly relin: Uint8Array;
  /** serialized Galois keys (empty on sim) */
  readonly galois: Uint8Array;
  /** the bootstrap's keys, when asked for (`KeyOptions.bootstrap`) */
  readonly bootstrap?: BootstrapKeys;
}

/**
 * The keys of sparse-secret encapsulation, made by the key owner: a sparse secret with h nonzero
 * (+-1) coefficients and the two switching keys between it and the dense secret. The sparse
 * secret itself never leaves the key owner.
 */
export interface BootstrapKeys {
  /** h, the nonzero coefficients of the sparse secret. */
  readonly sparseWeight: number;
  /** serialized dense -> sparse switching key, in the small [q0 | P] context (empty on sim) */
  readonly toSparse: Uint8Array;
  /** serialized sparse -> dense switching key at the top level (empty on sim) */
  readonly toDense: Uint8Array;
}

/** What a key owner is asked to make besides the rotation keys. */
export interface KeyOptions {
  /** the bootstrap's encapsulation keys, for a sparse secret of `sparseWeight` nonzero coefficients */
  readonly bootstrap?: { readonly sparseWeight: number };
}

/** Bytes of serialized evaluation keys (what the server receives). */
export function evaluationKeyBytes(k: EvaluationKeys): number {
  const b = k.bootstrap;
  return k.relin.byteLength + k.galois.byteLength + (b ? b.toSparse.byteLength + b.toDense.byteLength : 0);
}

/** The two key switches of sparse-secret encapsulation. */
export type EncapsulationKey = 'toSparse' | 'toDense';

/**
 * What of a bootstrap an evaluator can do (capability flags, so code can refuse with a clear
 * error), and the two numbers a raised ciphertext is read with.
 */
export interface BootstrapSupport {
  /** `modRaise` is implemented by this backend. */
  readonly modRaise: boolean;
  /** `switchKey` is available: the loaded evaluation keys include the encapsulation keys. */
  readonly encapsulation: boolean;
  /** h of the sparse secret the encapsulation keys were made for (0 without them). */
  readonly sparseWeight: number;
  /**
   * q0 / D_top: ModRaise turns the level-0 plaintext m into m + q0*I and labels it with the top
   * level's canonical scale D_top, so the raised slots are `raiseGain * a + raiseUnit * slots(I)`.
   */
  readonly raiseUnit: number;
  /** D_0 / D_top (the canonical scales of level 0 and of the top level). */
  readonly raiseGain: number;
  /**
   * The root generator g of the evaluator's slot order: slot j of a period-n vector holds the
   * polynomial's value at zeta^(g^j mod 4n) (bootstrap/embedding.ts). 5 when absent (the
   * simulator, Lattigo); -3 on seal (SEAL's powers of 3, read with the odd slots conjugated).
   */
  readonly slotGenerator?: number;
}

/** The server's CKKS evaluator: everything but encryption and decryption. */
export interface Evaluator extends Params {
  /** Relinearization policy of `dot`: 'eager' (one per product) or 'lazy' (one per sum). */
  readonly relin: RelinPolicy;
  /** Encodes a reusable plaintext vector (zero-padded to the slots), eagerly at `level`
   * (default: the top level) and lazily at any other level it meets. Public: no key involved.
   * With `imag`, the complex vector values + i·imag (one encode; needs complex slots; an all-zero
   * `imag` gives a real plaintext): one mulPlain by it is one complex product, e.g. HETAL's mask
   * M_k - i·M_(k+c/2). */
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
  /**
   * Σ a[i]·b[i] (ciphertext products), one level. Eager relinearization: each product is
   * relinearized and rescaled on its own. Lazy: the size-3 products are summed at a common level
   * and relinearized and rescaled once (SEAL allows adding unrelinearized ciphertexts).
   */
  dot(a: readonly Ct[], b: readonly Ct[]): Ct;
  /**
   * `dot` without its last step, so that sums over disjoint parts of one dot product (worker
   * threads) combine exactly: lazy, the size-3 products summed at the common level and flagged
   * `pending` (add such parts with `addInPlace`, then `finishDot` once: bit-identical to `dot`,
   * modular addition being exact); eager, the same as `dot`.
   */
  dotPartial(a: readonly Ct[], b: readonly Ct[]): Ct;
  /** Relinearizes and rescales a pending sum in place (it becomes finished, one level down) and returns it; any other ciphertext is returned as it is. */
  finishDot(x: Ct): Ct;
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
  /** A copy of `a`. */
  copy(a: Ct): Ct;
  /** Latency tables only: a bare rescale of a copy of `a` (its value is not meaningful). */
  rescaleForTiming(a: Ct): Ct;

  /** Key switches a rotation by k costs with the keys this evaluator holds (0 for k = 0 mod slots). */
  rotationCost(k: number): number;

  /**
   * Runs `fn` with this evaluator addressing all the ring's slots (`slots` = `ringSlots`: vectors
   * encoded at full length, rotations of the ring): for the bootstrap, whose intermediate values
   * do not have the logical period. Ciphertexts are the same handles inside and out; the
   * identity when there are no logical slots.
   */
  atRingSlots<T>(fn: () => T): T;

  /** What of a bootstrap this evaluator can do (`modRaise` and `switchKey` throw where it cannot). */
  readonly bootstrapSupport: BootstrapSupport;
  /**
   * ModRaise: a level-0 ciphertext lifted to the top level. Its plaintext m becomes m + q0*I for a
   * small integer polynomial I (|I| about 7 with encapsulation, about sqrt(N/18) rms without),
   * read at the top level's canonical scale (see `BootstrapSupport.raiseUnit`). May hold imaginary
   * parts afterwards (the slots of I are complex). Exact on seal; no key switch.
   */
  modRaise(a: Ct): Ct;
  /**
   * A key switch of sparse-secret encapsulation: 'toSparse' (dense -> sparse secret, at level 0,
   * before `modRaise`) or 'toDense' (back, after it). The message is unchanged up to key-switch
   * noise. Only arithmetic without a key switch is meaningful on a ciphertext under the sparse
   * secret. Needs `bootstrapSupport.encapsulation`.
   */
  switchKey(a: Ct, key: EncapsulationKey): Ct;

  /** A snapshot of the counters. */
  counts(): OpCounts;
  /** A snapshot of the counters by level (the cost model's input). */
  levelCounts(): LevelCounts;
  /** Runs `fn`; frees every ciphertext and plaintext created inside it except those reachable
   * from its return value (arrays and plain objects are searched), which move to the outer scope. */
  scope<T>(fn: () => T): T;
  /** `scope` for an asynchronous `fn` (work awaited on worker threads). Scopes are a stack: run
   * one asynchronous computation at a time on an evaluator (an interleaved scope throws). */
  scopeAsync<T>(fn: () => Promise<T>): Promise<T>;
  /** Frees a ciphertext or plaintext now (using it afterwards throws). */
  free(x: Ct | Pt): void;
  /** Live ciphertexts and plaintexts owned by this evaluator (leak checks). */
  liveObjects(): number;
  /** Serializes a ciphertext (a message to the key owner, or to a worker). */
  serialize(ct: Ct): Uint8Array;
  /** Loads a ciphertext serialized by either party with the same parameters. */
  deserialize(bytes: Uint8Array, complex?: boolean): Ct;
  /** Bytes of a ciphertext at `level` as it travels (SEAL's uncompressed size: two polynomials). */
  ciphertextBytes(level: number): number;
  /** Frees everything (keys, context). The evaluator is unusable afterwards. */
  dispose(): void;
}

/** The client: owns the secret key. Its ciphertexts are its own; they reach the server as bytes. */
export interface KeyOwner extends Params {
  /** Makes and serializes the evaluation keys for these rotation steps (rotations of the ring's slots:
   * normalize logical steps by `slots` first; plus the fallback keys of the logical slots) and, if
   * asked, the bootstrap's keys (a backend that cannot make them leaves `bootstrap` out). */
  evaluationKeys(steps: Iterable<number>, options?: KeyOptions): EvaluationKeys;
  /** Encodes and encrypts up to `slots` reals (zero-padded, repeated over the ring) at `level` (default max), serialized. */
  encryptToBytes(values: ArrayLike<number>, level?: number): Uint8Array;
  /** Decrypts a serialized ciphertext and decodes the real parts of the (first `slots`) slots. */
  decryptBytes(bytes: Uint8Array): Float64Array;
  /** Bytes of a ciphertext at `level` as it travels. */
  ciphertextBytes(level: number): number;
  dispose(): void;
}

/** Why a message crossed the boundary (the transcript's purposes). */
export type Purpose = 'keys' | 'data' | 'refresh' | 'validation' | 'inference' | 'model' | 'result';

/** Client-side code's view of the protocol: encrypt for the server, decrypt what the server sends. */
export interface Client {
  readonly slots: number;
  readonly maxLevel: number;
  /** The key owner encrypts `values` at `level` (default top) and sends it: the server's handle. */
  encrypt(values: ArrayLike<number>, level?: number, purpose?: Purpose): Ct;
  /** The server sends `ct` to the key owner, who decrypts the real parts of all slots. */
  decrypt(ct: Ct, purpose?: Purpose): Float64Array;
}

/**
 * Gives a ciphertext its levels back (Lattigo's Bootstrapper shape). The client-aided one sends
 * the ciphertext to the key owner, who decrypts it and encrypts it afresh.
 */
export interface Refresher {
  /** 'client-aided' (a round trip to the key owner) or a bootstrap. */
  readonly kind: string;
  /** The least level an input may have. */
  readonly minInputLevel: number;
  /** The level of a refreshed ciphertext (the default). */
  readonly outputLevel: number;
  /**
   * Where a refresh asked for by a stage's need alone lands (softmax/layout.ts ensureLevel):
   * 'need', the least level the stage needs, but not below softmax/layout.ts NEED_FLOOR
   * (level-aware execution, where a refresh is cheap: its later products run at low levels), or
   * 'output' (absent: outputLevel).
   */
  readonly target?: 'need' | 'output';
  /** A fresh copy of `ct` at `level` (default `outputLevel`); `ct` is left as it was. */
  refresh(ct: Ct, level?: number): Ct;
}

/** When products are relinearized (the `--relin` ablation switch). */
export type RelinPolicy = 'eager' | 'lazy';

/** Options when creating a backend. */
export interface BackendOptions {
  /** Seed for the simulator's noise and for any randomness the backend owns. */
  seed?: number;
  /** sim only: add Gaussian noise of the size SEAL shows (off by default). */
  noise?: boolean;
  /** Rotation keys: declared steps plus all signed powers of two (default where it fits), or only declared steps. */
  rotationKeys?: 'declared+pow2' | 'declared';
  /** Pretend complex slots are unavailable (to measure the one-diagonal fallback). */
  realOnly?: boolean;
  /** Relinearization of accumulated products (default lazy). */
  relin?: RelinPolicy;
  /**
   * Logical slots (a power of two dividing N/2; default N/2): vectors of this many values, repeated
   * over the ring's slots. A sparse bootstrap refreshes only vectors of its period (bootstrapper.ts).
   */
  slots?: number;
}
