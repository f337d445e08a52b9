/**
 * How a family's registry is typed: one object literal whose keys are the algorithms' ids. A key
 * must equal its value's literal `id` (a mismatch is a type error), a duplicate key is a type
 * error (TS1117), and the family's id union is `keyof` the registry, so code naming an id that
 * is not registered does not compile.
 */
import { InputError } from './errors';

/** Each key K of R maps to something whose `id` is K. */
export type KeyedById<R> = { readonly [K in keyof R]: { readonly id: K } };

/**
 * Checks a registry literal against `T` and against its own keys: `byId<T>()({ 'x': xAlgorithm })`.
 * (Two calls so that T is given and the literal's own type R is inferred.)
 */
export function byId<T extends { readonly id: string }>() {
  return <const R extends Record<string, T>>(registry: R & KeyedById<R>): R => registry;
}

/** The entry with this id, or an InputError naming the family and listing the known ids. */
export function lookup<T extends { readonly id: string }>(registry: Readonly<Record<string, T>>, id: string, family: string): T {
  const found = Object.prototype.hasOwnProperty.call(registry, id) ? registry[id] : undefined;
  if (!found) throw new InputError(`unknown ${family} algorithm '${id}' (known: ${Object.keys(registry).join(', ')})`);
  return found;
}
