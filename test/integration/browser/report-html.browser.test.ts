// Renders the HTML security-group report in Debian's headless Chromium and checks what a user
// sees: title, sections, the unused and over-broad tables, charts with a size, no console error
// and no request beyond the page itself (the report must be self-contained).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_SECTIONS } from '../../../src/report/report-text.js';
import { generateAttributionGroundTruth } from '../../support/attribution-ground-truth.js';
import { groundTruthLogText, writeGroundTruthInventory } from '../../support/report-builders.js';
import { runCliWith, temporaryDirectory } from '../../unit/cli/cli-harness.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const BROWSER_TIMEOUT_MS = 90_000;
const HOSTILE_SOURCE = '<img src="https://example.invalid/x.png" onerror="document.title=1">';

const truth = generateAttributionGroundTruth({ seed: 21, interfacesPerTier: 12, flows: 2500 });

describe('HTML security-group report in Chromium', () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  let pageUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium is not at ${CHROMIUM_PATH}: install Debian's package ("sudo apt-get install chromium") or set CHROMIUM_PATH to a Chromium binary. This test renders the HTML report in it.`,
      );
    }
    directory = temporaryDirectory();
    writeGroundTruthInventory(truth, directory.path('inventory'));
    const hostile = JSON.stringify({ action: 'REJECT', srcaddr: HOSTILE_SOURCE, interface_id: 'eni-0hostile', rule_match: 'no_rule' });
    const logs = directory.write('flows.log', groundTruthLogText(truth));
    // Repeated so that it ranks first among the rejected sources.
    const enriched = directory.write('hostile.ndjson', `${hostile}\n`.repeat(100));
    const out = directory.path('report.html');
    const run = await runCliWith(['report', logs, enriched, '--inventory', directory.path('inventory'), '--format', 'html', '--out', out, '--min-window', '0']);
    if (run.status !== 0) throw new Error(`report failed (${run.status}): ${run.stderr}`);
    pageUrl = pathToFileURL(out).href;

    userDataDir = mkdtempSync(join(tmpdir(), 'report-chromium-'));
    // A persistent context is how Playwright takes a --user-data-dir of our choosing: a fresh one per run.
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: BROWSER_TIMEOUT_MS });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(pageUrl, { waitUntil: 'load', timeout: BROWSER_TIMEOUT_MS });
  }, BROWSER_TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
    directory?.remove();
  });

  /** The rule ids of a table as a user reads them (the unused table has the group first). */
  const ruleIdsOf = async (tableId: string): Promise<string[]> =>
    (await page.locator(`#${tableId} tbody tr td:nth-child(${tableId === 'unused-rules-table' ? 2 : 1})`).allInnerTexts()).sort();

  it('shows the report title and every section heading', async () => {
    // Act
    const title = await page.title();
    const headings = await page.locator('h2').allInnerTexts();
    // Assess
    expect(title).toBe(REPORT_SECTIONS.title);
    expect(await page.locator('h1').innerText()).toBe(REPORT_SECTIONS.title);
    expect(headings).toEqual(
      expect.arrayContaining([REPORT_SECTIONS.summary, REPORT_SECTIONS.unused, REPORT_SECTIONS.overBroad, REPORT_SECTIONS.exposures, REPORT_SECTIONS.rejected, REPORT_SECTIONS.talkers, REPORT_SECTIONS.usage, REPORT_SECTIONS.definitions]),
    );
  });

  it('lists exactly the unused rules of the ground truth in the unused table', async () => {
    // Act
    const shown = await ruleIdsOf('unused-rules-table');
    // Assess
    expect(await page.locator('#unused-rules-table').isVisible()).toBe(true);
    expect(shown).toEqual([...truth.unusedRuleIds].sort());
  });

  it('lists exactly the over-broad rules of the ground truth in the over-broad table', async () => {
    // Act
    const shown = await ruleIdsOf('over-broad-rules-table');
    // Assess
    expect(await page.locator('#over-broad-rules-table').isVisible()).toBe(true);
    expect(shown).toEqual([...truth.overBroadRuleIds].sort());
  });

  it('draws every chart visibly with a non-zero size and bars in it', async () => {
    // Prepare
    const charts = page.locator('svg.chart');
    // Act
    const count = await charts.count();
    const boxes = await Promise.all(Array.from({ length: count }, (_, index) => charts.nth(index).boundingBox()));
    const bars = await page.locator('svg.chart rect').count();
    // Assess
    expect(count).toBeGreaterThanOrEqual(3);
    for (const box of boxes) {
      expect(box?.width ?? 0).toBeGreaterThan(0);
      expect(box?.height ?? 0).toBeGreaterThan(0);
    }
    expect(bars).toBeGreaterThan(0);
  });

  it('shows a hostile value from the logs as text, without creating markup from it', async () => {
    // Act
    const images = await page.locator('img').count();
    const rejectedText = await page.locator('#top-rejected-sources-table').innerText();
    // Assess
    expect(images).toBe(0);
    expect(rejectedText).toContain(HOSTILE_SOURCE);
    expect(await page.title()).toBe(REPORT_SECTIONS.title);
  });

  it('never wraps a port, an id or a time inside its cell at 1280 px (a split port number is misread)', async () => {
    // Prepare
    await page.setViewportSize({ width: 1280, height: 900 });
    // Act: a token that wraps is laid out as more than one line box.
    // (A string, run in the page: the test's own compilation has no DOM types.)
    const wrapped = await page.evaluate<string[]>(`[...document.querySelectorAll('td code, td.token, td.num, th')]
      .filter((element) => { const range = document.createRange(); range.selectNodeContents(element); return range.getClientRects().length > 1; })
      .map((element) => element.textContent ?? '')`);
    // Assess
    expect(await page.locator('td code').count()).toBeGreaterThan(10);
    expect(wrapped).toEqual([]);
  });

  it('logs no console error and requests nothing beyond the page itself', () => {
    // Assess
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pageUrl]);
  });
});
