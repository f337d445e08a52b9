/** Complex ciphertexts for the bootstrap tests: the client encrypts and decrypts real parts only. */
import { replicate } from '../../algorithms/ckks/bootstrap/linear-transform';
import type { Client, Ct, Evaluator } from '../../algorithms/ckks/types';

/** Encrypts re + i·im (period d over the slots): two encryptions and an exact mulI. */
export function encryptComplex(ev: Evaluator, client: Client, re: ArrayLike<number>, im: ArrayLike<number>, d: number): Ct {
  const a = client.encrypt(replicate(re, d, ev.slots));
  const b = client.encrypt(replicate(im, d, ev.slots));
  const out = ev.add(a, ev.mulI(b));
  ev.free(a);
  ev.free(b);
  return out;
}

/** Decrypts the complex slots (the client decrypts real parts: the imaginary part is Re(-i·ct)). */
export function decryptComplex(ev: Evaluator, client: Client, ct: Ct): { re: Float64Array; im: Float64Array } {
  const re = client.decrypt(ct);
  const t = ev.negate(ev.mulI(ct));
  const im = client.decrypt(t);
  ev.free(t);
  return { re, im };
}
