/**
 * A progress beacon: every counted CKKS operation (and each key generation) increments a shared
 * counter, so a watchdog thread can tell a long computation that is advancing, one SEAL call
 * after another, from SEAL spinning inside one call after its heap ran out. Nothing is printed
 * here; the harness installs the counter (harness/watchdog.ts) and decides what a stall means.
 */
let beacon: Int32Array | null = null;

/** Installs (or removes) the shared counter the operations increment. */
export function setProgressBeacon(counter: Int32Array | null): void {
  beacon = counter;
}

/** The installed counter (null: none), so that worker threads can beat it too (parallel/pool.ts). */
export function progressBeacon(): Int32Array | null {
  return beacon;
}

/** One step of progress (a finished CKKS operation). */
export function beat(): void {
  if (beacon) Atomics.add(beacon, 0, 1);
}
