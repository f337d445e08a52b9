/**
 * The cost model: a run's predicted time is the sum, over operations and levels, of how many
 * times the operation ran at that level (the counting layer's level counts) times its median
 * latency at that level on this machine (a latency table measured by `ops`, see latency.ts).
 *
 * The `ops` command times whole backend calls, which bundle several counted operations: its
 * `mult` is multiply + relinearize + rescale, its `cmult` is encode + multiplyPlain + rescale,
 * and the counters count the rescale of every product as a `rescale` of its own. Each counted
 * operation is therefore priced by a recipe, a signed sum of measured ops at the same level
 * (`mult` = measured mult - rescale), so that nothing is paid twice. A cmult with an on-the-fly
 * encode is priced as multiplyPlain alone when the counts carry encodes (each encode then pays
 * its own latency), and with its encode when they do not (every cmult assumed to encode: an
 * upper bound, as masks are encoded once per level and reused).
 */

/** The operations counted per level by the counting layer (plus the client's, for whole runs). */
export const LEVEL_OPS = [
  'add',
  'cmult',
  'mult',
  'relin',
  'rescale',
  'keyswitch',
  'conj',
  'muli',
  'levelMatch',
  'encode',
  'encrypt',
  'decrypt',
  'refresh',
  'modraise',
  'switchKey',
  'serialize',
  'deserialize',
] as const;

/** Flat counters of the client's operations (the counting layer's OpCounts fields). */
export interface ClientCounts {
  encrypt?: number;
  decrypt?: number;
  refresh?: number;
}

/**
 * Level counts with the client's operations added, which the counters keep without a level:
 * encryptions at the top level, decryptions and refreshes at level 0 (a refresh happens when
 * levels run out; it decrypts at the ciphertext's level and encrypts at the top).
 */
export function withClientOps(counts: LevelCounts, client: ClientCounts, maxLevel: number): LevelCounts {
  const out: LevelCounts = { ...counts };
  const put = (op: 'encrypt' | 'decrypt' | 'refresh', level: number, n: number | undefined) => {
    if (!n) return;
    const row = Array.from({ length: Math.max(level + 1, out[op]?.length ?? 0) }, (_, l) => out[op]?.[l] ?? 0);
    row[level]! += n;
    out[op] = row;
  };
  put('encrypt', maxLevel, client.encrypt);
  put('decrypt', 0, client.decrypt);
  put('refresh', 0, client.refresh);
  return out;
}
export type LevelOp = (typeof LEVEL_OPS)[number];

/**
 * Counts by level: op -> count at each level (index = level of the operation's input). The
 * counting layer's LevelCounts (algorithms/ckks/types.ts) plus the client's operations, which
 * the cost model prices too (encrypt, decrypt, refresh).
 */
export type LevelCounts = Partial<Record<LevelOp, number[]>>;

/** The operations the `ops` command measures (harness/commands/ops.ts). */
export type MeasuredOp =
  | 'encode'
  | 'encrypt'
  | 'decrypt'
  | 'add'
  | 'cmult'
  | 'mult'
  | 'rescale'
  | 'rot'
  | 'rot7'
  | 'conjugate'
  | 'muli'
  | 'refresh'
  | 'modraise'
  | 'serialize'
  | 'wire';

/** Median ms per measured op at each level (index = level); null or missing where not measured. */
export type LatencyMedians = Partial<Record<MeasuredOp, (number | null)[]>>;

/** A recipe: measured ops and their signs. */
type Recipe = readonly (readonly [MeasuredOp, 1 | -1])[];

/**
 * How each counted operation is priced. A relinearization is one key switch with the
 * relinearization key, priced as a rotation by a keyed step (one key switch of the same size);
 * when the counts carry relinearizations apart, a product is priced without its own.
 * A level match (mod switch, x 1, rescale) is priced as a multiplyPlain and rescale at the
 * input's level: an upper bound when several levels are dropped at once.
 */
export function recipes(opts: { encodesCounted: boolean; relinCounted: boolean }): Record<LevelOp, Recipe> {
  return {
    add: [['add', 1]],
    cmult: opts.encodesCounted
      ? [
          ['cmult', 1],
          ['rescale', -1],
          ['encode', -1],
        ]
      : [
          ['cmult', 1],
          ['rescale', -1],
        ],
    mult: opts.relinCounted
      ? [
          ['mult', 1],
          ['rescale', -1],
          ['rot', -1],
        ]
      : [
          ['mult', 1],
          ['rescale', -1],
        ],
    relin: [['rot', 1]],
    rescale: [['rescale', 1]],
    // `rot` rotates by 1, a step with its own key: exactly one key switch. The counting layer's
    // keyswitch counts every key switch, conjugations included; a conjugation pays only what it
    // costs beyond a rotation's key switch.
    keyswitch: [['rot', 1]],
    conj: [
      ['conjugate', 1],
      ['rot', -1],
    ],
    muli: [['muli', 1]],
    levelMatch: [
      ['cmult', 1],
      ['encode', -1],
    ],
    encode: [['encode', 1]],
    encrypt: [['encrypt', 1]],
    decrypt: [['decrypt', 1]],
    refresh: [['refresh', 1]],
    // the bootstrap's ModRaise: no latency is measured for it yet (unpriced until `ops` times it)
    modraise: [['modraise', 1]],
    // an encapsulation key switch is one key switch, priced as a keyed rotation at its level
    switchKey: [['rot', 1]],
    // a ciphertext to or from a worker thread: `wire` times serialize + load
    serialize: [['serialize', 1]],
    deserialize: [
      ['wire', 1],
      ['serialize', -1],
    ],
  };
}

/**
 * The latency of a measured op at `level`: the measured median; between two measured levels,
 * linear interpolation; outside them, the nearest measured value scaled by the number of primes
 * (level + 1), as NTT-domain work grows linearly with them. Undefined if never measured.
 */
export function latencyAt(medians: LatencyMedians, op: MeasuredOp, level: number): number | undefined {
  const row = medians[op];
  if (!row) return undefined;
  const known: [number, number][] = [];
  row.forEach((v, l) => {
    if (v !== null && v !== undefined && Number.isFinite(v)) known.push([l, v]);
  });
  if (known.length === 0) return undefined;
  const exact = known.find(([l]) => l === level);
  if (exact) return exact[1];
  const below = known.filter(([l]) => l < level).pop();
  const above = known.find(([l]) => l > level);
  if (below && above) {
    const t = (level - below[0]) / (above[0] - below[0]);
    return below[1] + t * (above[1] - below[1]);
  }
  const [l0, v0] = (below ?? above)!;
  return (v0 * (level + 1)) / (l0 + 1);
}

/** The price of one counted op at `level`; never negative (medians of noisy parts may cross). */
export function priceAt(medians: LatencyMedians, recipe: Recipe, level: number): number | undefined {
  let sum = 0;
  for (const [op, sign] of recipe) {
    const v = latencyAt(medians, op, level);
    if (v === undefined) return undefined;
    sum += sign * v;
  }
  return Math.max(0, sum);
}

/** A prediction: the total and its parts by counted op. */
export interface Prediction {
  /** predicted ms */
  ms: number;
  /** predicted ms per counted op */
  byOp: Partial<Record<LevelOp, number>>;
  /** counted ops the table could not price (counted but never measured): left out of `ms` */
  unpriced: LevelOp[];
}

/** Predicted ms of `counts` with a latency table's medians. */
export function predictMs(counts: LevelCounts, medians: LatencyMedians): Prediction {
  const opts = { encodesCounted: counts.encode !== undefined, relinCounted: counts.relin !== undefined };
  const book = recipes(opts);
  const byOp: Partial<Record<LevelOp, number>> = {};
  const unpriced: LevelOp[] = [];
  let ms = 0;
  for (const op of LEVEL_OPS) {
    const perLevel = counts[op];
    if (!perLevel) continue;
    let part = 0;
    let missing = false;
    perLevel.forEach((n, level) => {
      if (!n) return;
      const p = priceAt(medians, book[op], level);
      if (p === undefined) missing = true;
      else part += n * p;
    });
    if (missing) unpriced.push(op);
    byOp[op] = part;
    ms += part;
  }
  return { ms, byOp, unpriced };
}

/** a + k·b, level by level (k = -1: a difference; k = n: n repetitions of b added to a). */
export function addLevelCounts(a: LevelCounts, b: LevelCounts, k = 1): LevelCounts {
  const out: LevelCounts = {};
  for (const op of LEVEL_OPS) {
    const x = a[op],
      y = b[op];
    if (!x && !y) continue;
    const n = Math.max(x?.length ?? 0, y?.length ?? 0);
    out[op] = Array.from({ length: n }, (_, l) => (x?.[l] ?? 0) + k * (y?.[l] ?? 0));
  }
  return out;
}

/** Every count multiplied by k. */
export function scaleLevelCounts(a: LevelCounts, k: number): LevelCounts {
  return addLevelCounts({}, a, k);
}

/** Total count of one op over all levels. */
export function totalOf(counts: LevelCounts, op: LevelOp): number {
  return (counts[op] ?? []).reduce((s, n) => s + n, 0);
}
