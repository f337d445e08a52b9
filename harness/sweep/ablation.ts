/**
 * Ablation declarations in sweep configs: `"ablation": { "baseline": { factor: value, ... } }`
 * names the factors under study and each one's baseline value; `"seeds": [1, 2, 3]` (or a count
 * N, meaning seeds 1..N) repeats every cell with the `seed` parameter. Both may sit on an
 * experiment or at the top of the config (then they apply to every experiment that declares
 * none). Cells that differ from the baseline in exactly one factor are that factor's arms; the
 * report's Ablation section (harness/report/sections/ablation.ts) reads the baseline from the
 * records, which the sweep runner tags with their cell's parameters and this declaration.
 */
import { InputError } from '../../algorithms/errors';

type Value = string | number | boolean;

/** An experiment's ablation: factor -> baseline value. */
export interface Ablation {
  baseline: Record<string, Value>;
}

/** What an experiment gains from an ablation declaration. */
export interface AblationFields {
  ablation?: Ablation;
  /** every cell runs once per seed (the `seed` parameter) */
  seeds?: number[];
}

/** The config fields this module reads (at the top level and on an experiment). */
export const ABLATION_FIELDS = ['ablation', 'seeds'] as const;

/**
 * Validates an experiment's `ablation` and `seeds` (its own, else the config's top-level ones)
 * against its grid and returns the experiment with them attached. `allowed` are the parameters
 * of the experiment's kind.
 */
export function withAblation<E extends { kind: string; grid: Record<string, Value[]>; fixed?: Record<string, Value> }>(
  experiment: E,
  raw: Record<string, unknown>,
  top: Record<string, unknown>,
  where: string,
  allowed: readonly string[],
): E & AblationFields {
  // a top-level declaration is the default of every experiment (a single-experiment config is its own top)
  const own = (f: string) =>
    raw[f] !== undefined ? { value: raw[f], at: `${where}.${f}` } : { value: top[f], at: `${topWhere(where)}: ${f}` };
  const a = own('ablation'),
    s = own('seeds');
  const out: E & AblationFields = { ...experiment };
  if (s.value !== undefined) {
    out.seeds = parseSeeds(s.value, s.at);
    for (const part of ['grid', 'fixed'] as const)
      if (experiment[part] && 'seed' in experiment[part])
        throw new InputError(`${where}.${part}.seed: "seeds" already repeats every cell over seeds; give the seeds in one place`);
  }
  if (a.value !== undefined) out.ablation = parseAblation(a.value, a.at, experiment, allowed, where);
  return out;
}

/** `file: experiments[i]` -> `file` (the top level of the same config). */
function topWhere(where: string): string {
  return where.replace(/: experiments\[\d+\]$/, '');
}

/** A list of distinct non-negative integers, or a count N (seeds 1..N). */
export function parseSeeds(raw: unknown, where: string): number[] {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 1 || raw > 1000)
      throw new InputError(`${where}: a count of seeds must be an integer from 1 to 1000`);
    return Array.from({ length: raw }, (_, i) => i + 1);
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new InputError(`${where}: must be a non-empty list of integer seeds or a count`);
  raw.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new InputError(`${where}[${i}]: ${JSON.stringify(v)} is not a seed (an integer from 0 to 2^32-1)`);
  });
  if (new Set(raw).size !== raw.length) throw new InputError(`${where}: the same seed is listed twice`);
  return raw as number[];
}

function parseAblation(
  raw: unknown,
  where: string,
  e: { kind: string; grid: Record<string, Value[]>; fixed?: Record<string, Value> },
  allowed: readonly string[],
  experimentWhere: string,
): Ablation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new InputError(`${where}: must be an object { "baseline": { factor: value, ... } }`);
  for (const k of Object.keys(raw)) if (k !== 'baseline') throw new InputError(`${where}: unknown field "${k}" (only "baseline")`);
  const baseline = (raw as { baseline?: unknown }).baseline;
  if (baseline === null || typeof baseline !== 'object' || Array.isArray(baseline) || Object.keys(baseline).length === 0)
    throw new InputError(`${where}.baseline: must be a non-empty object of factor -> baseline value`);
  const out: Record<string, Value> = {};
  for (const [factor, value] of Object.entries(baseline as Record<string, unknown>)) {
    const at = `${where}.baseline.${factor}`;
    if (!allowed.includes(factor))
      throw new InputError(`${at}: "${factor}" is not a parameter of ${e.kind} (known: ${allowed.join(', ')})`);
    if (factor === 'seed') throw new InputError(`${at}: the seed is the repetition, not a factor (use "seeds")`);
    const values = e.grid[factor];
    // an experiment of a multi-factor study may hold a factor fixed at its baseline while its
    // grid varies another one: its cells are then that other factor's arms
    if (!values && e.fixed && factor in e.fixed) {
      if (e.fixed[factor] !== value)
        throw new InputError(
          `${at}: ${experimentWhere}.fixed holds "${factor}" at ${JSON.stringify(e.fixed[factor])}, not at its baseline ${JSON.stringify(value)}`,
        );
      out[factor] = value as Value;
      continue;
    }
    if (!values)
      throw new InputError(
        `${at}: "${factor}" is not in ${experimentWhere}.grid nor fixed at its baseline (a factor takes its baseline and its arms from the grid's values)`,
      );
    if (!values.some((v) => v === value))
      throw new InputError(`${at}: baseline ${JSON.stringify(value)} is not one of the grid's values ${JSON.stringify(values)}`);
    out[factor] = value as Value;
  }
  return { baseline: out };
}

/**
 * The parameter sets of one experiment's combos, repeated over its seeds. Seeds are the outer
 * loop: an interrupted sweep then holds whole replicates, every cell once, before any repeats.
 */
export function expandSeeds(params: Record<string, Value>[], e: AblationFields): Record<string, Value>[] {
  if (!e.seeds) return params;
  return e.seeds.flatMap((seed) => params.map((p) => ({ ...p, seed })));
}
