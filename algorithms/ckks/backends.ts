/** The backend registry: ids, descriptions and one factory for both CKKS implementations. */
import { InputError } from '../errors';
import { resolvePreset, type Preset } from './presets';
import { createSealBackend } from './seal';
import { SimBackend } from './sim';
import type { BackendId, BackendOptions, Ckks } from './types';

/** Backends as listed by the CLI; `plain` (float64, no CKKS) is handled by the experiments. */
export const BACKENDS: readonly { id: BackendId | 'plain'; description: string }[] = [
  { id: 'plain', description: 'float64 reference, no CKKS (softmax and train only)' },
  { id: 'sim', description: 'slot simulator: same levels, errors and op counts as seal, optional SEAL-sized noise' },
  { id: 'seal', description: 'real CKKS with node-seal 6.0.3 (Microsoft SEAL 4.1, WebAssembly, single thread)' },
];

/** Creates a CKKS backend; checks that the preset may run on it. */
export async function createBackend(id: string, preset: Preset | string, options: BackendOptions = {}): Promise<Ckks> {
  const p = typeof preset === 'string' ? resolvePreset(preset) : preset;
  if (id !== 'sim' && id !== 'seal') {
    throw new InputError(`unknown CKKS backend '${id}' (known: sim, seal)`);
  }
  if (!p.backends.includes(id)) {
    throw new InputError(`preset ${p.name} cannot run on backend ${id} (it runs on: ${p.backends.join(', ')})`);
  }
  return id === 'sim' ? new SimBackend(p, options) : createSealBackend(p, options);
}
