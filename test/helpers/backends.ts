/** Shared test fixtures: sessions made once per test file and reused (SEAL contexts and keys are slow). */
import * as assert from 'uvu/assert';
import { createSession, type Session, type SessionOptions } from '../../algorithms/ckks/session';
import { InputError } from '../../algorithms/errors';

const cache = new Map<string, Promise<Session>>();

/** A session (key owner, evaluator, refresher) for (id, preset, options), created once per process. Do not dispose it. */
export function sharedSession(id: 'seal' | 'sim', preset: string, options: SessionOptions = {}): Promise<Session> {
  const key = `${id}|${preset}|${JSON.stringify(options)}`;
  let s = cache.get(key);
  if (!s) {
    s = createSession(id, preset, options);
    cache.set(key, s);
  }
  return s;
}

/** Largest absolute difference over the first `n` entries. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = Math.min(a.length, b.length)): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Asserts that `p` rejects with an InputError whose message matches `re`. */
export async function refused(p: Promise<unknown>, re: RegExp): Promise<void> {
  await p.then(
    () => assert.unreachable('accepted'),
    (e: Error) => {
      assert.instance(e, InputError);
      assert.match(e.message, re);
    },
  );
}
