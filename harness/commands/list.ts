/** `hetal-bench list`: what can be run (backends, presets, algorithms from their registries, datasets, experiments). */
import type { Command } from 'commander';
import { emitTable } from '../output';
import { listPresets } from '../../algorithms/ckks/presets';
import { BACKENDS } from '../../algorithms/ckks/backends';
import { SOFTMAX_ALGORITHMS } from '../../algorithms/softmax/registry';
import { MATMUL_ALGORITHMS } from '../../algorithms/matmul/registry';
import { listDatasets } from '../../datasets';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

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
          category: 'preset',
          id: p.name,
          description: p.description,
          ringDegree: p.ringDegree,
          slots: p.slots,
          levels: p.levels,
          scaleBits: p.scaleBits,
          backends: p.backends.join('|'),
          ...(p.insecure ? { insecure: true } : {}),
          ...(p.bootstrap
            ? {
                bootstrap: `${p.bootstrap.packing} ${p.bootstrap.n} slots, ${p.bootstrap.outputLevel} levels left`,
                bootstrapDepth: p.bootstrap.depth,
              }
            : {}),
        });
      }
      for (const a of MATMUL_ALGORITHMS) {
        rows.push({
          category: 'matmul',
          id: a.id,
          description: a.title,
          name: a.name,
          family: a.family,
          citation: a.citation,
          baselines: a.baselines.join('|'),
          table7: (a.paper?.table7.length ?? 0) > 0,
        });
      }
      for (const a of SOFTMAX_ALGORITHMS) {
        rows.push({
          category: 'softmax',
          id: a.id,
          description: a.title,
          name: a.name,
          citation: a.citation,
          designRange: a.designRange,
          minLevels: a.minLevels,
          encryptable: a.encryptable,
        });
      }
      for (const d of listDatasets()) {
        rows.push({
          category: 'dataset',
          id: d.name,
          description: d.description,
          samples: d.samples,
          dims: d.dims,
          classes: d.classes,
          features: d.features.join('|'),
        });
      }
      const experiments = path.join(__dirname, '..', 'experiments');
      for (const f of readdirSync(experiments)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const config = JSON.parse(readFileSync(path.join(experiments, f), 'utf8')) as { description?: string };
        const summary = (config.description ?? '').split(/(?<=\.)\s/)[0] ?? '';
        rows.push({
          category: 'experiment',
          id: f.replace(/\.json$/, ''),
          description: summary,
          config: path.join('harness', 'experiments', f),
        });
      }
      emitTable(rows, { json: !!opts.json, columns: ['category', 'id', 'description'] });
    });
}
