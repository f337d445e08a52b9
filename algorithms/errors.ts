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

/** Throws an InputError with `message` unless `condition` holds. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InputError(typeof message === 'function' ? message() : message);
}
