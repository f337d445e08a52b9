/**
 * An error caused by a bad input (a flag, a file, a parameter), as opposed to a bug. The CLI
 * prints its message on one line and exits with status 2. The message names the input at fault.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(message: string) {
    super(message);
  }
}

/**
 * A computation whose values left the finite range (e.g. training at a learning rate that makes
 * the weights overflow): not a bad input and not a bug. A refresh finds it when the key owner
 * decrypts non-finite values; training ends the run there and records it as diverged.
 */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
  constructor(message: string) {
    super(message);
  }
}

/** Throws an InputError with `message` unless `condition` holds. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InputError(typeof message === 'function' ? message() : message);
}
