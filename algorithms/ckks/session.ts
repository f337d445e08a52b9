/**
 * A protocol session: the key owner (client), the evaluator (server) built from the evaluation
 * keys the key owner serialized, the refresher, and the transcript of every message between
 * them. In one process the two parties share a heap, but nothing crosses the boundary except
 * bytes: the client encrypts to bytes that the server loads, the server serializes what the
 * client decrypts, and the client-aided refresh is a round trip of bytes. Each message is counted
 * by direction and purpose, so a run's record shows the protocol's cost.
 */
import { InputError, NonFiniteError } from '../errors';
import { beat } from './progress';
import { keySwitchKeyBytes, logicalSlotCount, normalizeSteps, type RawEvaluator } from './base';
import { CountingEvaluator, OpCounter } from './counting';
import { bootstrapRotationSteps } from './bootstrap/bootstrapper';
import { BootstrapRefresher } from './bootstrap/refresher';
import { checkInsecure, checkPresetBackend, listPresets, resolvePreset, type Preset } from './presets';
import { createSealEvaluator, createSealKeyOwner } from './seal';
import { SimEvaluator, SimKeyOwner } from './sim';
import {
  type BackendId,
  type BackendOptions,
  type Client,
  type Ct,
  type EvaluationKeys,
  type Evaluator,
  evaluationKeyBytes,
  type KeyOptions,
  type KeyOwner,
  type Purpose,
  type Refresher,
} from './types';

/** Messages and bytes in one direction. */
export interface Traffic {
  messages: number;
  bytes: number;
}

/** What crossed the boundary, each way, in total and by purpose. */
export interface TranscriptSummary {
  toServer: Traffic;
  toClient: Traffic;
  byPurpose: Partial<Record<Purpose, { toServer: Traffic; toClient: Traffic }>>;
}

/** Counts every message between the parties. */
export class Transcript {
  private readonly entries = new Map<Purpose, { toServer: Traffic; toClient: Traffic }>();

  /** Records one message of `bytes` bytes. */
  record(direction: 'toServer' | 'toClient', purpose: Purpose, bytes: number): void {
    let e = this.entries.get(purpose);
    if (!e) {
      e = { toServer: { messages: 0, bytes: 0 }, toClient: { messages: 0, bytes: 0 } };
      this.entries.set(purpose, e);
    }
    e[direction].messages += 1;
    e[direction].bytes += bytes;
  }

  summary(): TranscriptSummary {
    const toServer = { messages: 0, bytes: 0 };
    const toClient = { messages: 0, bytes: 0 };
    const byPurpose: TranscriptSummary['byPurpose'] = {};
    for (const [p, e] of this.entries) {
      byPurpose[p] = { toServer: { ...e.toServer }, toClient: { ...e.toClient } };
      toServer.messages += e.toServer.messages;
      toServer.bytes += e.toServer.bytes;
      toClient.messages += e.toClient.messages;
      toClient.bytes += e.toClient.bytes;
    }
    return { toServer, toClient, byPurpose };
  }
}

/** after - before (summaries of one transcript). */
export function diffTranscripts(after: TranscriptSummary, before: TranscriptSummary): TranscriptSummary {
  const sub = (a: Traffic, b: Traffic | undefined): Traffic => ({
    messages: a.messages - (b?.messages ?? 0),
    bytes: a.bytes - (b?.bytes ?? 0),
  });
  const byPurpose: TranscriptSummary['byPurpose'] = {};
  for (const [p, e] of Object.entries(after.byPurpose) as [Purpose, { toServer: Traffic; toClient: Traffic }][]) {
    const b = before.byPurpose[p];
    const d = { toServer: sub(e.toServer, b?.toServer), toClient: sub(e.toClient, b?.toClient) };
    if (d.toServer.messages || d.toClient.messages) byPurpose[p] = d;
  }
  return { toServer: sub(after.toServer, before.toServer), toClient: sub(after.toClient, before.toClient), byPurpose };
}

/**
 * The wire between the parties: every ciphertext that crosses it is serialized by one side and
 * loaded by the other, and recorded in the transcript. On seal the bytes counted are SEAL's own
 * serialization; on sim, the size a SEAL ciphertext at that level would have.
 */
class Wire {
  constructor(
    private readonly owner: KeyOwner,
    private readonly server: RawEvaluator,
    readonly transcript: Transcript,
  ) {}

  private size(bytes: Uint8Array, level: number): number {
    return this.server.id === 'seal' ? bytes.byteLength : this.server.ciphertextBytes(level);
  }

  /** Client -> server: a fresh encryption of reals (proven real). */
  upload(values: ArrayLike<number>, level: number, purpose: Purpose): Ct {
    const bytes = this.owner.encryptToBytes(values, level);
    this.transcript.record('toServer', purpose, this.size(bytes, level));
    return this.server.deserialize(bytes, false);
  }

  /** Server -> client: the key owner decrypts. */
  download(ct: Ct, purpose: Purpose): Float64Array {
    const bytes = this.server.serialize(ct);
    this.transcript.record('toClient', purpose, this.size(bytes, ct.level));
    return this.owner.decryptBytes(bytes);
  }
}

/** The client's side of a session, as algorithm code sees it. */
class SessionClient implements Client {
  constructor(
    private readonly wire: Wire,
    private readonly counter: OpCounter,
    readonly slots: number,
    readonly maxLevel: number,
  ) {}

  encrypt(values: ArrayLike<number>, level = this.maxLevel, purpose: Purpose = 'data'): Ct {
    this.counter.note('encrypt');
    return this.wire.upload(values, level, purpose);
  }

  decrypt(ct: Ct, purpose: Purpose = 'result'): Float64Array {
    this.counter.note('decrypt');
    return this.wire.download(ct, purpose);
  }
}

/**
 * The stand-in for bootstrapping: the server sends the ciphertext to the key owner, who decrypts
 * it and encrypts the values afresh at the level asked (the top by default). One round trip per
 * refresh, counted (refresh, refreshBytes, refreshMs) and in the transcript under 'refresh'.
 * The key owner decodes real parts only, so a ciphertext that may hold imaginary parts is
 * refused rather than silently losing them.
 */
export class ClientAidedRefresher implements Refresher {
  readonly kind = 'client-aided';
  readonly minInputLevel = 0;

  constructor(
    private readonly wire: Wire,
    private readonly counter: OpCounter,
    private readonly server: RawEvaluator,
    readonly outputLevel: number,
  ) {}

  refresh(ct: Ct, level = this.outputLevel): Ct {
    if (level < 0 || level > this.server.maxLevel || !Number.isInteger(level)) {
      throw new InputError(`refresh: level ${level} is outside 0..${this.server.maxLevel}`);
    }
    if (ct.complex) {
      throw new Error(
        `refresh: ciphertext #${ct.id} may hold imaginary parts, which the key owner's real decoding would drop; take its real part first (twiceRealPart)`,
      );
    }
    const t0 = performance.now();
    const before = this.wire.transcript.summary();
    const values = this.wire.download(ct, 'refresh');
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new NonFiniteError(`refresh: slot ${bad} decrypts to ${values[bad]} (the computation overflowed)`);
    const fresh = this.wire.upload(values, level, 'refresh');
    const after = this.wire.transcript.summary();
    const moved = after.toServer.bytes - before.toServer.bytes + (after.toClient.bytes - before.toClient.bytes);
    this.counter.note('refresh', 1);
    this.counter.note('refreshBytes', moved);
    this.counter.note('refreshMs', performance.now() - t0);
    return fresh;
  }
}

/** Options of a session. */
export interface SessionOptions extends BackendOptions {
  /** Rotation steps the server's algorithms declare (keys are made for these plus the fallback keys). */
  rotationSteps?: Iterable<number>;
  /** Level of a refreshed ciphertext (default: the top). */
  refreshLevel?: number;
  /** What the key owner makes besides rotation keys (the bootstrap's encapsulation keys). */
  keyOptions?: KeyOptions;
  /** How ciphertexts get their levels back: a round trip to the key owner (default) or the preset's bootstrap. */
  refresh?: RefreshKind;
  /** Allow a preset without a security claim (`insecure`; the CLI's --insecure). */
  insecure?: boolean;
  /**
   * Logical slots (BackendOptions.slots). Default: the ring's N/2, except with a sparse bootstrap
   * (`refresh` 'bootstrap' or 'bootstrap-model' at a preset whose bootstrap packs n slots): n.
   */
  slots?: number;
}

/** The refreshers a session can use (the CLI's --refresh): bootstrap-model is the simulator's model of the bootstrap (bootstrap/refresher.ts). */
export type RefreshKind = 'client' | 'bootstrap' | 'bootstrap-model';
export const REFRESH_KINDS: readonly RefreshKind[] = ['client', 'bootstrap', 'bootstrap-model'];

/**
 * The logical slots a session of `preset` has by default with refresher `refresh`: the ring's N/2,
 * except that a sparse bootstrap refreshes vectors of its period n only, so then n.
 */
export function sessionSlots(preset: Preset, refresh: RefreshKind | undefined): number {
  const bootstrapping = refresh === 'bootstrap' || refresh === 'bootstrap-model';
  return bootstrapping && preset.bootstrap?.packing === 'sparse' ? preset.bootstrap.n : preset.slots;
}

/** The two parties, the refresher and the transcript of one run. */
export class Session {
  /** The server's evaluator (counted). */
  readonly ev: CountingEvaluator;
  /** What client-side algorithm code uses. */
  readonly client: Client;
  /** The refresher: client-aided, or the preset's bootstrap (`SessionOptions.refresh`). */
  readonly rf: Refresher;
  readonly transcript = new Transcript();
  private keys: EvaluationKeys;
  private readonly keyOptions: KeyOptions;

  constructor(
    readonly keyOwner: KeyOwner,
    server: RawEvaluator,
    keys: EvaluationKeys,
    options: SessionOptions = {},
  ) {
    this.keyOptions = options.keyOptions ?? {};
    const counter = new OpCounter();
    this.ev = new CountingEvaluator(server, counter);
    this.keys = keys;
    this.transcript.record('toServer', 'keys', server.id === 'seal' ? evaluationKeyBytes(keys) : modelKeyBytes(server, keys));
    const wire = new Wire(keyOwner, server, this.transcript);
    this.client = new SessionClient(wire, counter, server.slots, server.maxLevel);
    if (options.refresh === 'bootstrap' || options.refresh === 'bootstrap-model') {
      if (!server.preset.bootstrap) throw new InputError(noBootstrapMessage(server.preset));
      this.rf = new BootstrapRefresher(this.ev, counter, server.preset.bootstrap, options.refresh === 'bootstrap-model');
    } else this.rf = new ClientAidedRefresher(wire, counter, server, options.refreshLevel ?? server.maxLevel);
  }

  /** The serialized evaluation keys the server holds (worker threads load the same bytes). */
  get evaluationKeys(): EvaluationKeys {
    return this.keys;
  }

  /**
   * Makes sure the server can rotate by these steps in one key switch each: if any is new, the
   * server asks and the key owner makes and sends the whole Galois key set again (SEAL makes them
   * in one call).
   */
  ensureRotationKeys(steps: Iterable<number>): void {
    const have = new Set(this.keys.steps);
    const want = normalizeSteps(steps, this.ev.slots).filter((k) => !have.has(k));
    if (want.length === 0) return;
    beat();
    this.keys = this.keyOwner.evaluationKeys([...this.keys.steps, ...want], this.keyOptions);
    beat();
    this.transcript.record(
      'toServer',
      'keys',
      this.ev.id === 'seal' ? evaluationKeyBytes(this.keys) : modelKeyBytes(this.ev.inner, this.keys),
    );
    this.ev.inner.loadKeys(this.keys);
    beat();
  }

  /** Frees both parties. */
  dispose(): void {
    this.ev.dispose();
    this.keyOwner.dispose();
  }
}

/**
 * On sim: the bytes SEAL's keys would have (relinearization + one Galois key per step and
 * conjugation; with bootstrap keys, the sparse -> dense key over the whole chain and the
 * dense -> sparse key in the [q0 | P] context).
 */
function modelKeyBytes(server: RawEvaluator, keys: EvaluationKeys): number {
  const oneKey = keySwitchKeyBytes(server.preset);
  const c = server.preset.chainBits;
  const boot = keys.bootstrap
    ? oneKey + keySwitchKeyBytes({ ringDegree: server.preset.ringDegree, chainBits: [c[0]!, c[c.length - 1]!] })
    : 0;
  return oneKey * (1 + keys.steps.length + (keys.conjugation ? 1 : 0)) + boot;
}

function noBootstrapMessage(p: Preset): string {
  const withOne = listPresets()
    .filter((q) => q.bootstrap)
    .map((q) => q.name);
  return `--refresh bootstrap: preset ${p.name} has no bootstrap (presets with one: ${withOne.join(', ')})`;
}

/** Creates a key owner of a backend. */
export async function createKeyOwner(id: BackendId, preset: Preset, options: BackendOptions = {}): Promise<KeyOwner> {
  return id === 'sim' ? new SimKeyOwner(preset, options) : createSealKeyOwner(preset, options);
}

/** Creates an evaluator (uncounted) from serialized evaluation keys: the server side, and worker threads. */
export async function createRawEvaluator(
  id: BackendId,
  preset: Preset,
  keys: EvaluationKeys,
  options: BackendOptions = {},
): Promise<RawEvaluator> {
  // the logical slots are the key owner's: they come with its keys (worker threads get them so too)
  if (keys.slots !== undefined && options.slots === undefined) options = { ...options, slots: keys.slots };
  if (id === 'sim') {
    const ev = new SimEvaluator(preset, options);
    ev.loadKeys(keys);
    return ev;
  }
  return createSealEvaluator(preset, keys, options);
}

/** Creates a counted evaluator from serialized evaluation keys. */
export async function createEvaluator(
  id: BackendId,
  preset: Preset,
  keys: EvaluationKeys,
  options: BackendOptions = {},
): Promise<Evaluator> {
  return new CountingEvaluator(await createRawEvaluator(id, preset, keys, options));
}

/**
 * Starts a session: the key owner makes its keys and serializes the evaluation keys for the
 * declared rotation steps, and the server's evaluator is built from those bytes alone.
 */
export async function createSession(id: string, preset: Preset | string, options: SessionOptions = {}): Promise<Session> {
  const p = typeof preset === 'string' ? resolvePreset(preset) : preset;
  if (id !== 'sim' && id !== 'seal') throw new InputError(`unknown CKKS backend '${id}' (known: sim, seal)`);
  checkPresetBackend(p, id);
  checkInsecure(p, options.insecure);
  if (options.refresh !== undefined && !REFRESH_KINDS.includes(options.refresh)) {
    throw new InputError(`--refresh ${String(options.refresh)} is not one of ${REFRESH_KINDS.join(', ')}`);
  }
  if (options.refresh === 'bootstrap-model' && id !== 'sim') {
    throw new InputError(`--refresh bootstrap-model: the model runs on the simulator only (backend ${id}; use --refresh bootstrap)`);
  }
  const bootstrapping = options.refresh === 'bootstrap' || options.refresh === 'bootstrap-model';
  if (bootstrapping && !p.bootstrap) throw new InputError(noBootstrapMessage(p));
  if (options.slots === undefined) options = { ...options, slots: sessionSlots(p, options.refresh) };
  const slots = logicalSlotCount(p, options.slots);
  if (bootstrapping && p.bootstrap!.n % slots !== 0) {
    throw new InputError(
      `--refresh ${options.refresh}: preset ${p.name} bootstraps vectors of period ${p.bootstrap!.n}, not of ${slots} logical slots (ask for at most ${p.bootstrap!.n})`,
    );
  }
  // the algorithms' steps are rotations of the logical slots; the key owner makes keys for ring steps
  let steps = normalizeSteps(options.rotationSteps ?? [], slots);
  let keyOptions = options.keyOptions;
  if (bootstrapping) {
    // the bootstrap's keys: encapsulation keys and the rotations of SubSum and the transforms (ring steps)
    steps = [...steps, ...bootstrapRotationSteps(p.bootstrap!)];
    keyOptions = { ...keyOptions, bootstrap: { sparseWeight: p.bootstrap!.sparseWeight } };
    options = { ...options, rotationSteps: steps, keyOptions };
  }
  const owner = await createKeyOwner(id, p, options);
  try {
    const keys = owner.evaluationKeys(steps, keyOptions);
    if (options.keyOptions?.bootstrap && !keys.bootstrap) {
      throw new InputError(`backend ${id} cannot make bootstrap keys yet (bootstrapping is not supported on ${id})`);
    }
    const server = await createRawEvaluator(id, p, keys, options);
    return new Session(owner, server, keys, options);
  } catch (err) {
    owner.dispose();
    throw err;
  }
}
