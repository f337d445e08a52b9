/**
 * The report in a real browser: headless Debian Chromium driven by playwright-core opens the
 * fixture's report from disk (offline), with no console errors, every chart drawn with a
 * size, and a screenshot saved to reports/test-screenshot.png for a person to look at; and the
 * shipped ablation examples (reports/examples/) with every ablation chart drawn.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderReport, writeReport } from '../../harness/report';
import { loadResults } from '../../harness/report/load';
import { FIXTURE, sectionOf, tempDir } from './_fixture';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.join(__dirname, '..', '..', 'reports', 'test-screenshot.png');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Context = Awaited<ReturnType<typeof chromium.launchPersistentContext>>;
type Page = Awaited<ReturnType<Context['newPage']>>;

/** Runs `fn` in a fresh offline headless Chromium, closed and its profile removed after. */
async function withBrowser(fn: (context: Context) => Promise<void>): Promise<void> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    offline: true,
  });
  try {
    await fn(context);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** The console errors, page errors and failed requests of `page`, collected as they happen. */
function problemsOf(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  return problems;
}

/** Size and mark count of every chart SVG matched by `selector`. */
function chartSizes(page: Page, selector: string): Promise<{ w: number; h: number; marks: number; label: string }[]> {
  return page.$$eval(selector, (svgs) =>
    svgs.map((s) => {
      const box = s.getBoundingClientRect();
      return {
        w: box.width,
        h: box.height,
        marks: s.querySelectorAll('path, rect, line, circle, text').length,
        label: s.getAttribute('aria-label') ?? '',
      };
    }),
  );
}

test('the report renders offline in Chromium: no console errors, every chart visible', async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  const file = path.join(tempDir('browser'), 'report.html');
  const { charts } = await writeReport([FIXTURE.shard1, FIXTURE.shard2, FIXTURE.ops], file);
  await withBrowser(async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = problemsOf(page);
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const sizes = await chartSizes(page, 'figure.chart svg');
    assert.is(sizes.length, charts);
    for (const s of sizes) assert.ok(s.w > 50 && s.h > 50 && s.marks > 10, `chart "${s.label}" is ${s.w} x ${s.h} with ${s.marks} marks`);
    const headings = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent));
    assert.ok(
      headings.includes("Op counts against the paper's Table 7") && headings.includes('Deviations from the paper'),
      String(headings),
    );
    // wide tables scroll inside their section: with every data table unfolded the page is no wider than the window
    // (a string: the test is type-checked without the DOM library)
    const widths = (await page.evaluate(
      "(() => { document.querySelectorAll('details').forEach((d) => { d.open = true; }); return { page: document.documentElement.scrollWidth, window: window.innerWidth }; })()",
    )) as { page: number; window: number };
    assert.ok(widths.page <= widths.window, `page ${widths.page} px wide in a ${widths.window} px window`);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.equal(problems, []);
  });
});

/** The shipped ablation examples (reports/examples/, built from the results beside them). */
const EXAMPLES = path.join(__dirname, '..', '..', 'reports', 'examples');

test('the shipped ablation reports open offline with every ablation chart drawn', async () => {
  await withBrowser(async (context) => {
    for (const name of ['ablation-training', 'ablation-matmul']) {
      const file = path.join(EXAMPLES, `${name}.html`);
      assert.ok(fs.existsSync(file), `${file} is missing`);
      // the current code draws as many ablation charts from the shipped results as the shipped page has
      const built = await renderReport(loadResults([path.join(EXAMPLES, name)]).records);
      const expected = (sectionOf(built.html, 'ablation').match(/<figure class="chart">/g) ?? []).length;
      assert.ok(expected >= 2, `${name}: ${expected} ablation charts`);
      const page = await context.newPage();
      const problems = problemsOf(page);
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      const sizes = await chartSizes(page, '#ablation figure.chart svg');
      assert.is(sizes.length, expected, `${name}: ablation charts on the page`);
      for (const s of sizes)
        assert.ok(s.w > 50 && s.h > 50 && s.marks > 10, `${name}: chart "${s.label}" is ${s.w} x ${s.h} with ${s.marks} marks`);
      const tables = await page.$$eval('#ablation table.ablation tbody tr', (rows) => rows.length);
      assert.ok(tables > 0, `${name}: no ablation table rows`);
      assert.equal(problems, [], name);
      await page.close();
    }
  });
});

test.run();
