/** `hetal-bench list`: what can be run (backends, presets, and later algorithms and datasets). */
import type { Command } from 'commander';
import { emitTable } from '../output';
import { listPresets } from '../../algorithms/ckks/presets';
import { BACKENDS } from '../../algorithms/ckks/backends';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list backends, presets, algorithms, datasets and experiments')
    .option('--json', 'one JSON record per line on stdout')
    .action((opts: { json?: boolean }) => {
      const rows: Record<string, unknown>[] = [];
      for (const b of BACKENDS) rows.push({ category: 'backend', id: b.id, description: b.description });
      for (const p of listPresets()) {
        rows.push({
          category: 'preset', id: p.name, description: p.description,
          ringDegree: p.ringDegree, slots: p.slots, levels: p.levels, scaleBits: p.scaleBits,
          backends: p.backends.join('|'),
        });
      }
      emitTable(rows, { json: !!opts.json, columns: ['category', 'id', 'description'] });
    });
}
