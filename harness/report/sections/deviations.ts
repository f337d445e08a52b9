/**
 * Deviations from the paper, stated plainly: the standing ones of this project (client-aided
 * refresh instead of bootstrapping, node-seal on CPU instead of HEaaN on GPU, SEAL parameters
 * instead of FGb, substitute features and data) with the figures the records carry, and the
 * union of the deviations the records themselves declare.
 */
import { resolvePreset } from '../../../algorithms/ckks/presets';
import type { ResultRecord } from '../../records';
import { escapeHtml, formatBytes, table } from '../html';
import type { ReportContext, ReportSection } from '../section';
import { distinct, num, setupLabel } from '../select';

/** The paper's CKKS setting (HEaaN FGb). */
const PAPER_SLOTS = 2 ** 15;
const PAPER_LEVELS = 12;

/** Refreshes (the bootstrapping stand-in) a record reports: count, bytes moved, time. */
export function refreshFigures(r: ResultRecord): { refreshes: number; bytes?: number; ms?: number } | null {
  const rec = r as ResultRecord & {
    refreshes?: unknown;
    bytesMoved?: unknown;
    ops?: { refresh?: unknown; refreshBytes?: unknown; refreshMs?: unknown };
    timeMs?: { refresh?: unknown };
  };
  const refreshes = num(rec.refreshes) ?? num(rec.ops?.refresh) ?? 0;
  if (refreshes <= 0) return null;
  return { refreshes, bytes: num(rec.bytesMoved) ?? num(rec.ops?.refreshBytes), ms: num(rec.timeMs?.refresh) ?? num(rec.ops?.refreshMs) };
}

/** The deviations section (always present when there are records: the standing ones apply). */
export const deviationsSection: ReportSection = {
  id: 'deviations',
  title: 'Deviations from the paper',
  async render(ctx) {
    if (ctx.records.length === 0) return null;
    const items = standing(ctx);
    const declared = new Map<string, number>();
    for (const r of ctx.records)
      for (const d of Array.isArray(r.deviations) ? r.deviations : []) declared.set(String(d), (declared.get(String(d)) ?? 0) + 1);
    const parts = [`<ul class="deviations">${items.map((i) => `<li>${i}</li>`).join('\n')}</ul>`];
    if (declared.size > 0) {
      parts.push('<h3>Declared by the records</h3>');
      parts.push(
        table(
          ['deviation', 'records'],
          [...declared].map(([d, n]) => [d, n]),
          { wrap: [0] },
        ),
      );
    }
    const refreshed = ctx.records
      .filter((r) => r.state === 'completed')
      .map((r) => ({ r, f: refreshFigures(r) }))
      .filter((x) => x.f !== null);
    if (refreshed.length > 0) {
      parts.push('<h3>Refreshes per record</h3>');
      parts.push(
        table(
          ['kind', 'cell', 'setup', 'refreshes', 'bytes moved', 'refresh time (s)'],
          refreshed.map(({ r, f }) => [
            r.kind,
            r.cell,
            setupLabel(r),
            f!.refreshes,
            f!.bytes === undefined ? '' : formatBytes(f!.bytes),
            f!.ms === undefined ? '' : f!.ms / 1000,
          ]),
        ),
      );
    }
    return parts.join('\n');
  },
};

/** The standing deviations, each with what the records say about it (HTML list items). */
function standing(ctx: ReportContext): string[] {
  const done = ctx.records.filter((r) => r.state === 'completed');
  const items: string[] = [];
  const e = escapeHtml;

  const refreshes = done.map(refreshFigures).filter((f) => f !== null);
  const count = refreshes.reduce((s, f) => s + f.refreshes, 0);
  const bytes = refreshes.reduce((s, f) => s + (f.bytes ?? 0), 0);
  items.push(
    '<strong>Client-aided refresh instead of bootstrapping, by default.</strong> SEAL (and so node-seal) has no bootstrapping; a ' +
      'ciphertext that runs out of levels is sent to the key owner, decrypted and re-encrypted at the level the next stage needs. It ' +
      "reveals nothing to the server but costs a round trip per refresh. This project's own CKKS bootstrap (--refresh bootstrap) " +
      'replaces it where a record says so; at 128-bit security it fits one SEAL heap only as a sparse packing of 8 slots with 1 level ' +
      'left (README). ' +
      (count > 0
        ? `These records did <strong>${count}</strong> refresh(es) moving <strong>${e(formatBytes(bytes))}</strong> (table below).`
        : 'These records did no refresh.'),
  );

  const seal = distinct(ctx.records.map((r) => r.meta?.nodeSeal).filter((v): v is string => typeof v === 'string' && v !== ''));
  const cpus = distinct(ctx.records.map((r) => r.meta?.cpu).filter((v): v is string => typeof v === 'string' && v !== ''));
  items.push(
    `<strong>CPU WebAssembly instead of HEaaN on GPU.</strong> Encrypted runs use node-seal${seal.length ? ' ' + e(seal.join(', ')) : ''} ` +
      '(Microsoft SEAL 4.1 compiled to WebAssembly, one SEAL instance per thread; a record says its worker threads)' +
      (cpus.length ? ` on ${e(cpus.join('; '))}` : '') +
      '; the paper used ' +
      'HEaaN on a GPU. Key switches take about 2.2x and multiplications about 3x as long in node-seal as in native SEAL on the same CPU.',
  );

  items.push(
    `<strong>Times are not comparable across hardware.</strong> Compare ratios between algorithms measured in one run on one ` +
      "machine (such as the matmul speed-ups) with the paper's ratios, never milliseconds with its seconds. Op counts and accuracy gaps are " +
      'hardware-independent and are compared directly.',
  );

  const presets = distinct(done.filter((r) => r.backend !== 'plain' && r.preset).map((r) => `${r.backend}|${r.preset}`));
  if (presets.length > 0) {
    const described = presets.map((bp) => {
      const [backend, id] = bp.split('|') as [string, string];
      try {
        const p = resolvePreset(id);
        const same = p.slots === PAPER_SLOTS && p.levels === PAPER_LEVELS;
        return `${e(backend)}/${e(id)}: ${p.slots} slots, ${p.levels} levels${same ? " (the paper's setting)" : ''}`;
      } catch {
        return `${e(backend)}/${e(id)}`;
      }
    });
    items.push(
      `<strong>CKKS parameters.</strong> The paper uses HEaaN's FGb parameters: 2^15 = ${PAPER_SLOTS} slots, ${PAPER_LEVELS} levels between ` +
        `bootstraps. Here: ${described.join('; ')}.` +
        (presets.some((bp) => bp.startsWith('seal|'))
          ? ' SEAL at 128-bit security gives at most 16384 slots (N = 32768), so fewer numbers per ciphertext and more refreshes on seal.'
          : ''),
    );
  }

  if (done.some((r) => r.backend === 'sim')) {
    items.push(
      '<strong>Simulator.</strong> Records on the <code>sim</code> backend ran the slot simulator: the same operations, level ' +
        "consumption and op counts as real CKKS, optionally with noise of SEAL's size, but no encryption; their times are not CKKS times.",
    );
  }

  const train = done.filter((r) => r.kind === 'train') as (ResultRecord & { dataset?: string; features?: string })[];
  if (train.length > 0) {
    const used = distinct(train.map((r) => `${r.dataset ?? '?'} with ${r.features ?? '?'} features`));
    items.push(
      '<strong>Features and data.</strong> The paper trains on ViT-Base (images) and MPNet-Base (text) features of MNIST, ' +
        'CIFAR-10, Face Mask Detection, DermaMNIST and SNIPS; those encoders and most of those datasets are not available offline. ' +
        `Here: ${e(used.join('; '))}. MobileNetV2 features (from nsfwjs), a random projection or raw pixels are weaker than ViT, ` +
        'so absolute accuracies are lower; the encrypted-vs-plaintext gap is the comparable figure.',
    );
  }

  const single = done.filter(
    (r) => r.kind === 'matmul' && (r as { complexPacking?: boolean }).complexPacking === false && /^diag-/.test(r.algorithm),
  );
  if (single.length > 0) {
    items.push(
      `<strong>One diagonal per product.</strong> ${single.length} DiagABT/DiagATB record(s) ran without the two-diagonals-per-` +
        "product complex packing, so their Mult counts are twice the paper's (reported as measured).",
    );
  }
  return items;
}
