/**
 * Counts by level on any backend of the `Ckks` interface, from the outside: every call of the
 * evaluator is wrapped, the backend's flat counters are read before and after it, and what they
 * grew by is recorded at the level of the call's input (its lowest ciphertext operand). Calls
 * made inside the backend (a square is a product) are not seen twice because the wrapper calls
 * the backend's own method. Plaintext encodes, which the flat counters do not count, are
 * counted as the SEAL backend does them: once per plaintext and level met, and once per call
 * with a bare vector.
 */
import type { Ckks, Ct, OpCounts, Pt } from '../../algorithms/ckks/types';
import type { LevelCounts, LevelOp } from './model';

/** The flat counters recorded per level (keyswitch without the conjugations, which have their own). */
const FLAT: readonly (keyof OpCounts & LevelOp)[] = [
  'add',
  'cmult',
  'mult',
  'rescale',
  'keyswitch',
  'conj',
  'muli',
  'levelMatch',
  'encrypt',
  'decrypt',
  'refresh',
];

/** Evaluator methods whose ciphertext arguments give the level. */
const WRAPPED = new Set<string>([
  'encrypt',
  'decrypt',
  'encode',
  'add',
  'sub',
  'addInPlace',
  'negate',
  'addPlain',
  'addConst',
  'mulPlain',
  'mulConst',
  'mul',
  'square',
  'rotate',
  'conjugate',
  'mulI',
  'dropTo',
  'refresh',
  'copy',
]);

/** A backend whose calls are counted by level. */
export interface LevelCounted {
  /** use this in place of the backend */
  readonly be: Ckks;
  /** counts so far, by op and level */
  levelCounts(): LevelCounts;
}

function isCt(x: unknown): x is Ct {
  return typeof x === 'object' && x !== null && typeof (x as { level?: unknown }).level === 'number';
}

/** Wraps `be` so that every call is also counted by level. */
export function countByLevel(be: Ckks): LevelCounted {
  const counts: LevelCounts = {};
  const encodedAt = new WeakMap<Pt, Set<number>>();
  const bump = (op: LevelOp, level: number, n: number) => {
    if (n === 0) return;
    const row = (counts[op] ??= []);
    while (row.length <= level) row.push(0);
    row[level]! += n;
  };
  const encodeSeen = (p: unknown, level: number) => {
    if (isCt(p)) return;
    if (typeof p === 'object' && p !== null && typeof (p as Pt).id === 'number' && !('length' in p)) {
      const levels = encodedAt.get(p as Pt) ?? new Set<number>();
      if (!levels.has(level)) {
        levels.add(level);
        encodedAt.set(p as Pt, levels);
        bump('encode', level, 1);
      }
    } else bump('encode', level, 1);
  };
  const target = be as unknown as Record<string, unknown>;
  const levelCounts = () => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, [...v]])) as LevelCounts;
  const proxy = new Proxy(be, {
    get(t, prop, receiver) {
      // the wrapped backend answers level counts too, as the counting layer does
      if (prop === 'levelCounts') return levelCounts;
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !WRAPPED.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const cts = args.filter(isCt);
        let level = cts.length > 0 ? Math.min(...cts.map((c) => c.level)) : typeof args[1] === 'number' ? (args[1] as number) : t.maxLevel;
        if (prop === 'dropTo' || prop === 'copy') level = cts[0]!.level;
        const before = t.counts();
        const out = (value as (...a: unknown[]) => unknown).apply(target, args);
        const after = t.counts();
        for (const op of FLAT) {
          let d = after[op] - before[op];
          if (op === 'keyswitch') d -= after.conj - before.conj;
          bump(op, level, d);
        }
        if (prop === 'encode') {
          const levels = new Set<number>([level]);
          encodedAt.set(out as Pt, levels);
          bump('encode', level, 1);
        } else if (prop === 'mulPlain' || prop === 'addPlain') encodeSeen(args[1], level);
        return out;
      };
    },
  });
  return { be: proxy, levelCounts };
}
