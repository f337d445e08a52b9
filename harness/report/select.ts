/** Small helpers the sections share: safe field access, grouping and labels. */
import { MATMUL_ALGORITHMS } from '../../algorithms/matmul/registry';
import type { MatmulRecord } from '../records';

/** `v` when it is a finite number, else undefined (records from older or failed runs lack fields). */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Groups items by a key, keeping first-appearance order of keys and items. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/** `backend/preset` (the unit within which times may be compared). */
export function setupLabel(r: { backend?: string; preset?: string; refresh?: string; insecure?: boolean }): string {
  // float64 runs use no CKKS parameters, whatever preset a sweep passed along
  if (!r.preset || r.backend === 'plain') return String(r.backend ?? '?');
  return `${r.backend ?? '?'}/${r.preset}${refreshTag(r)}`;
}

/** ' +bootstrap' for a bootstrapped run and ' [insecure]' for a preset without a security claim (every table that labels a setup shows both). */
export function refreshTag(r: { refresh?: string; insecure?: boolean }): string {
  const boot = r.refresh === 'bootstrap' ? ' +bootstrap' : r.refresh === 'bootstrap-model' ? ' +bootstrap (modelled)' : '';
  return `${boot}${r.insecure ? ' [insecure]' : ''}`;
}

/** The paper's (a, b, c) notation. */
export function shapeLabel(s: MatmulRecord['shape'] | undefined): string {
  return s ? `(${s.a}, ${s.b}, ${s.c})` : '?';
}

/** Shapes in the paper's order: by a, then b, then c. */
export function compareShapes(x: MatmulRecord['shape'], y: MatmulRecord['shape']): number {
  return x.a - y.a || x.b - y.b || x.c - y.c;
}

/** Display name of a matmul algorithm id (the id itself for one no longer registered). */
export function algorithmName(id: string): string {
  return MATMUL_ALGORITHMS.find((a) => a.id === id)?.name ?? id;
}

/** Sort rank of a matmul algorithm id: registry order (Table 7's columns), unregistered ids last. */
export function algorithmRank(id: string): number {
  const i = MATMUL_ALGORITHMS.findIndex((a) => a.id === id);
  return i < 0 ? MATMUL_ALGORITHMS.length : i;
}

/** Distinct values in first-appearance order. */
export function distinct<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** A matmul record's family (the field, or the algorithm's when an older record lacks it). */
export function familyOf(r: MatmulRecord): 'abt' | 'atb' {
  return r.family ?? MATMUL_ALGORITHMS.find((a) => a.id === r.algorithm)?.family ?? 'abt';
}

/** Display name of a family. */
export function familyName(f: 'abt' | 'atb'): string {
  return f === 'atb' ? 'Aᵀ·B' : 'A·Bᵀ';
}
