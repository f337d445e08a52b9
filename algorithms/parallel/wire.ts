/** Moving ciphertexts to and from worker threads, and splitting work into contiguous parts. */
import type { Ct, Evaluator } from '../ckks/types';
import type { WireCt } from './protocol';

/** A ciphertext as it travels (SEAL's uncompressed serialization; pending sums of size 3 too). */
export function toWire(be: Evaluator, ct: Ct): WireCt {
  return { bytes: be.serialize(ct), complex: ct.complex };
}

/** Loads a ciphertext that travelled. */
export function fromWire(be: Evaluator, w: WireCt): Ct {
  return be.deserialize(w.bytes, w.complex);
}

/** 0..n-1 in at most `parts` contiguous ranges of near-equal length (none empty), in order. */
export function splitRange(n: number, parts: number): number[][] {
  const k = Math.max(1, Math.min(parts, n));
  const out: number[][] = [];
  let start = 0;
  for (let p = 0; p < k; p++) {
    const len = Math.floor(n / k) + (p < n % k ? 1 : 0);
    out.push(Array.from({ length: len }, (_, i) => start + i));
    start += len;
  }
  return out;
}

/** The buffers that can be moved (not copied) to another thread: whole, non-shared buffers. */
export function transferables(ws: Iterable<WireCt>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const w of ws) {
    const buf = w.bytes.buffer;
    if (buf instanceof ArrayBuffer && w.bytes.byteOffset === 0 && w.bytes.byteLength === buf.byteLength) out.add(buf);
  }
  return [...out];
}
