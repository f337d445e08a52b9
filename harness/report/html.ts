/** HTML building blocks: escaping, number formatting, tables and the page shell with its CSS. */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Already-built HTML, kept apart from text so that only text is escaped. */
export interface Html {
  html: string;
  /** right-align it in a table, as a number */
  numeric?: boolean;
}

/** Marks a string as HTML (the caller escaped what it interpolated). */
export function raw(html: string, opts: { numeric?: boolean } = {}): Html {
  return { html, numeric: opts.numeric };
}

/** A table cell: text or a number (escaped and formatted here) or built HTML. */
export type CellValue = string | number | boolean | null | undefined | Html;

/** A number for people: integers as they are, others to 4 significant digits. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** Bytes as B / kB / MB / GB (decimal units, like the record's counts). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function cell(v: CellValue): { html: string; cls: string } {
  if (v === null || v === undefined) return { html: '', cls: '' };
  if (typeof v === 'object') return { html: v.html, cls: v.numeric ? 'num' : '' };
  if (typeof v === 'number') return { html: escapeHtml(formatNumber(v)), cls: 'num' };
  return { html: escapeHtml(v), cls: '' };
}

/**
 * A table with a header row; numbers are right-aligned. Cells stay on one line (the table
 * scrolls sideways) except in the `wrap` columns, meant for prose such as messages.
 */
export function table(head: string[], rows: CellValue[][], opts: { caption?: string; cls?: string; wrap?: number[] } = {}): string {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        '<tr>' +
        r
          .map((v, i) => {
            const c = cell(v);
            const cls = [c.cls, opts.wrap?.includes(i) ? 'wrap' : ''].filter(Boolean).join(' ');
            return cls ? `<td class="${cls}">${c.html}</td>` : `<td>${c.html}</td>`;
          })
          .join('') +
        '</tr>',
    )
    .join('\n');
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  return `<div class="table-wrap"><table${opts.cls ? ` class="${escapeHtml(opts.cls)}"` : ''}>${caption}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A small coloured label that also says its meaning in words (never colour alone). */
export function badge(text: string, tone: 'good' | 'bad' | 'neutral'): Html {
  return raw(`<span class="badge ${tone}">${escapeHtml(text)}</span>`);
}

/** A section with an anchor id and a heading. */
export function sectionHtml(id: string, title: string, body: string): string {
  return `<section id="${escapeHtml(id)}">\n<h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

/** A paragraph of text (escaped). */
export function para(text: string, cls?: string): string {
  return `<p${cls ? ` class="${escapeHtml(cls)}"` : ''}>${escapeHtml(text)}</p>`;
}

const CSS = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d9dde3; --bg-alt: #f6f7f9; --good: #1f7a3d; --bad: #b42318; --accent: #2a5db0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1260px; margin: 0 auto; padding: 24px 28px 64px; }
header.top { border-bottom: 2px solid var(--ink); margin-bottom: 8px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 10px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 8px; }
p { margin: 6px 0 10px; max-width: 78ch; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: 0.9rem; }
.claim { border-left: 4px solid var(--accent); background: #f1f5fc; padding: 8px 12px; max-width: 78ch; }
.warn { border-left: 4px solid #b7791f; background: #fdf8ec; padding: 8px 12px; max-width: 78ch; }
nav.toc ol { columns: 2; margin: 6px 0; padding-left: 22px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-size: 0.86rem; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 3px 8px; vertical-align: top; white-space: nowrap; }
td.wrap { white-space: normal; min-width: 24ch; max-width: 60ch; overflow-wrap: anywhere; }
th { background: var(--bg-alt); text-align: left; font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fbfbfc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data td { max-width: 40ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.diff { color: var(--bad); }
.counts { font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
.badge.good { background: #e3f4e8; color: var(--good); }
.badge.bad { background: #fde8e6; color: var(--bad); }
.badge.neutral { background: #eceef2; color: var(--muted); }
figure.chart { margin: 12px 0 20px; width: min-content; max-width: 100%; overflow-x: auto; }
figure.chart figcaption { min-width: 36ch; }
figure.chart svg { display: block; max-width: none; }
figcaption { color: var(--muted); font-size: 0.88rem; margin-top: 4px; max-width: 78ch; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
details { margin: 8px 0 14px; }
summary { cursor: pointer; font-weight: 600; }
ul.deviations li { margin: 6px 0; max-width: 90ch; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { figure.chart, table { break-inside: avoid; } }
`;

/** The whole page: head with inline CSS (no scripts, no external resources) and the body. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
