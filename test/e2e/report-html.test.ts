import {existsSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {chromium, type Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {paraplan} from '../helpers/cli.js';
import {runMixedPlanTwice, type MixedRuns} from '../report/mixed-run.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Never skipped: without Chromium this fails and says how to get it (.ci/run installs it).
describe('the HTML report in headless Chromium', () => {
  let runs: MixedRuns;
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    runs = runMixedPlanTwice();
    const r = paraplan(['report', '--format', 'html', '-o', 'report.html', '--state', runs.stateDir], {cwd: runs.dir});
    expect(r.code).toBe(0);
    file = join(runs.dir, 'report.html');
    browser = await chromium.launch({executablePath: CHROMIUM, args: ARGS});
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the summary, the Gantt chart and the failed task\'s evidence, offline, with task text as text', async () => {
    const page = await browser.newPage({viewport: {width: 1200, height: 900}});
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(file).href);

    // Summary: the run status and the task counts.
    const summary = page.locator('#summary');
    await expect(summary.isVisible()).resolves.toBe(true);
    const summaryText = await summary.innerText();
    expect(summaryText).toContain('run status');
    expect(summaryText).toMatch(/3 \/ 7\s*tasks succeeded/);
    expect(summaryText).toContain('upstream_failed (not run: a dependency failed)');

    // Gantt: one bar per attempt (setup, lint, slow, flaky ×2, build), a failed one among them.
    const chart = page.locator('#gantt svg.gantt');
    await expect(chart.isVisible()).resolves.toBe(true);
    expect(await page.locator('#gantt g.bar').count()).toBe(6);
    expect(await page.locator('#gantt g.bar[data-outcome="verify_failed"]').count()).toBe(1);
    expect(await page.locator('#gantt g.bar[data-outcome="timeout"]').count()).toBe(1);
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(500);

    // The failed task's evidence: outcome, verify command with its exit code, and its output.
    const lint = page.locator('#failures .failure[data-task="lint"]');
    await expect(lint.isVisible()).resolves.toBe(true);
    const lintText = await lint.innerText();
    expect(lintText).toContain('verification failed');
    expect(lintText).toContain('eslint');
    expect(lintText).toContain('3 problems');
    expect(await page.locator('#failures .failure[data-task="slow"]').innerText()).toContain('timed out');

    // Titles and logs holding <script> render as text and run nothing.
    expect(lintText).toContain('Lint <script>window.pwned=1</script>');
    expect(lintText).toContain('<script>window.pwned=2</script> 3 problems');
    await expect(page.getByText('<script>window.pwned=1</script>').first().isVisible()).resolves.toBe(true);
    // Expressions as strings: the tests are type-checked without the DOM library.
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await page.evaluate('document.scripts.length')).toBe(0);

    // Self-contained: the only request is the file itself.
    expect(requests).toEqual([pathToFileURL(file).href]);

    const shot = join(runs.dir, 'report.png');
    writeFileSync(shot, await page.screenshot({fullPage: true}));
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    // Kept for a look: the path is printed when PARAPLAN_SHOW_SCREENSHOT is set.
    if (process.env['PARAPLAN_SHOW_SCREENSHOT']) console.log(`screenshot: ${shot}`);
    await page.close();
  });
});
