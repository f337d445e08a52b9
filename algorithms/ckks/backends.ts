/** The backend registry: ids and descriptions (sessions are made by session.ts). */
import type { BackendId } from './types';

/** Backends as listed by the CLI; `plain` (float64, no CKKS) is handled by the experiments. */
export const BACKENDS: readonly { id: BackendId | 'plain'; description: string }[] = [
  { id: 'plain', description: 'float64 reference, no CKKS (softmax and train only)' },
  { id: 'sim', description: 'slot simulator: same levels, errors and op counts as seal, optional SEAL-sized noise' },
  { id: 'seal', description: 'real CKKS with node-seal 6.0.3 (Microsoft SEAL 4.1, WebAssembly, single thread)' },
];
