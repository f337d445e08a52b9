/**
 * Charts: vega-lite specs compiled and rendered to SVG in Node, so the report needs no browser
 * JavaScript and no network. vega and vega-lite are ESM with a top-level await, so they are
 * loaded with a dynamic import (a static import fails under CommonJS with ERR_REQUIRE_ASYNC_MODULE).
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { escapeHtml } from './html';

/** A vega-lite spec as the sections write it. */
export type ChartSpec = TopLevelSpec;

// vega and vega-lite are ESM: only an import() type can name their modules from CommonJS.
/* eslint-disable @typescript-eslint/consistent-type-imports */
type Modules = {
  vl: typeof import('vega-lite', { with: { 'resolution-mode': 'import' } });
  vega: typeof import('vega', { with: { 'resolution-mode': 'import' } });
};
/* eslint-enable @typescript-eslint/consistent-type-imports */
let modules: Promise<Modules> | null = null;

function load(): Promise<Modules> {
  modules ??= Promise.all([import('vega-lite'), import('vega')]).then(([vl, vega]) => ({ vl, vega }));
  return modules;
}

/** Shared look: one font, white background, quiet axes. */
const CONFIG = {
  background: 'white',
  font: 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
  // no label truncation: without a canvas, vega over-estimates text widths and would cut labels short
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#ddd' },
};

/** Renders charts to inline SVG and counts them (the report says how many it drew). */
export class ChartRenderer {
  /** charts rendered so far */
  count = 0;

  /** The chart as a <figure> holding its SVG, with a caption (also the SVG's accessible name). */
  async figure(spec: ChartSpec, caption: string): Promise<string> {
    const svg = await this.svg(spec, caption);
    return `<figure class="chart">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  }

  /** The chart as an SVG string. */
  async svg(spec: ChartSpec, title: string): Promise<string> {
    const { vl, vega } = await load();
    const full = { ...spec, config: { ...CONFIG, ...(spec as { config?: object }).config } } as TopLevelSpec;
    const view = new vega.View(vega.parse(vl.compile(full).spec), { renderer: 'none' });
    try {
      const svg = await view.toSVG();
      this.count += 1;
      // role and label so screen readers announce the chart by its caption
      return svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(title)}" `);
    } finally {
      view.finalize();
    }
  }
}
