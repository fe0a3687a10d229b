#!/usr/bin/env node
// Opens one of qbank's HTML pages from disk in headless Chromium with no network access
// and checks that it works offline:
//   - every <pre class="mermaid"> in the file became a drawn <svg> (not mermaid's error
//     diagram) within the time limit, and the counts match;
//   - the page made no request other than file: / data: / blob: URLs, and logged no errors;
//   - a screenshot of the page (its top 16,384 px when longer), and one of each
//     diagram, is not blank;
//   - under print media, exactly the "Cluster ..." h3s and the References and
//     Validation Results h2s start a new page (an h2 directly above a cluster h3 takes
//     that h3's break, so no printed page ends with a heading alone).
//
// usage: node check.mjs PAGE.html [--screenshot OUT.png] [--timeout-ms 30000]
// exit: 0 all checks passed, 1 a check failed, 2 could not run.
// CHROMIUM overrides the browser path (default /usr/bin/chromium).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { launch } from './chromium.mjs';

// A pixel is "ink" when one channel is clearly darker than paper white.
const INK_BELOW = 235;
// Share of ink pixels a screenshot needs: text and lines, far above a blank page's 0.
const MIN_PAGE_INK = 0.01;
const MIN_DIAGRAM_INK = 0.01;
const MIN_DIAGRAM_PX = 40;
const VIEWPORT = { width: 1280, height: 900 };
// Tallest page screenshot: Chromium's texture limit, and a size pngjs decodes quickly.
const MAX_SHOT_PX = 16_384;

function usage(message) {
  console.error(`error: ${message}`);
  console.error('usage: node check.mjs PAGE.html [--screenshot OUT.png] [--timeout-ms 30000]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { html: null, screenshot: null, timeoutMs: 30_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--screenshot') opts.screenshot = argv[++i] ?? usage('--screenshot needs a path');
    else if (a === '--timeout-ms') opts.timeoutMs = Number(argv[++i] ?? usage('--timeout-ms needs a number'));
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (opts.html === null) opts.html = a;
    else usage(`unexpected argument ${a}`);
  }
  if (opts.html === null) usage('no HTML file given');
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) usage('--timeout-ms must be a positive number');
  opts.html = resolve(opts.html);
  opts.screenshot = resolve(opts.screenshot ?? opts.html.replace(/\.html?$/i, '') + '.png');
  return opts;
}

/** Share of pixels in a PNG that are not (near) white, ignoring transparent ones. */
function inkShare(buffer) {
  const png = PNG.sync.read(buffer);
  let ink = 0;
  const total = png.width * png.height;
  for (let i = 0; i < png.data.length; i += 4) {
    const d = png.data;
    if (d[i + 3] > 0 && Math.min(d[i], d[i + 1], d[i + 2]) < INK_BELOW) ink++;
  }
  return { share: total === 0 ? 0 : ink / total, width: png.width, height: png.height };
}

const pct = (x) => `${(x * 100).toFixed(2)}%`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.html)) usage(`${opts.html} does not exist`);
  const source = readFileSync(opts.html, 'utf8');
  const expected = (source.match(/<pre class="mermaid">/g) ?? []).length;
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) usage(`no browser at ${executablePath} (apt-get install chromium)`);

  const failures = [];
  const fail = (msg) => {
    failures.push(msg);
    console.log(`FAIL ${msg}`);
  };
  const ok = (msg) => console.log(`ok   ${msg}`);

  const { context, external, close } = await launch(executablePath, { viewport: VIEWPORT, deviceScaleFactor: 1 });

  try {
    const errors = [];

    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
    });

    const url = pathToFileURL(opts.html).href;
    console.log(`page ${url}`);
    console.log(`browser ${executablePath} ${context.browser()?.version() ?? ''}`.trimEnd());
    const started = Date.now();
    await page.goto(url, { waitUntil: 'load', timeout: opts.timeoutMs });

    const inDom = await page.locator('pre.mermaid').count();
    if (expected === 0) fail('the page has no mermaid diagrams to check');
    else if (inDom !== expected) fail(`${expected} <pre class="mermaid"> in the file but ${inDom} in the page`);
    else ok(`${expected} mermaid blocks in the page`);

    const drawn = () => {
      const pres = [...document.querySelectorAll('pre.mermaid')];
      return pres.length > 0 && pres.every((p) => p.getAttribute('data-processed') === 'true' && p.querySelector(':scope > svg'));
    };
    let timedOut = false;
    try {
      await page.waitForFunction(drawn, null, { timeout: opts.timeoutMs, polling: 100 });
    } catch {
      timedOut = true;
    }
    const elapsed = Date.now() - started;

    const diagrams = await page.$$eval('pre.mermaid', (pres) =>
      pres.map((p) => {
        const svg = p.querySelector(':scope > svg');
        const box = svg?.getBoundingClientRect();
        return {
          svg: Boolean(svg),
          kind: svg?.getAttribute('aria-roledescription') ?? null,
          error: Boolean(svg && (svg.getAttribute('aria-roledescription') === 'error' || svg.querySelector('.error-icon'))),
          shapes: svg ? svg.querySelectorAll('path, rect, line, circle, ellipse, polygon').length : 0,
          width: box ? Math.round(box.width) : 0,
          height: box ? Math.round(box.height) : 0,
          unparsed: !svg && p.textContent.includes('Syntax error in text'),
          source: svg ? '' : p.textContent.trim().split('\n')[0].slice(0, 80),
        };
      }),
    );
    diagrams.forEach((d, i) => {
      const n = `diagram ${i + 1}`;
      if (d.unparsed) fail(`${n} was not drawn: mermaid could not parse its text`);
      else if (!d.svg) fail(`${n} was not drawn ("${d.source}")`);
      else if (d.error) fail(`${n} is mermaid's error diagram: its text did not parse`);
      else if (d.width < MIN_DIAGRAM_PX || d.height < MIN_DIAGRAM_PX || d.shapes === 0)
        fail(`${n} (${d.kind}) is an empty SVG: ${d.width}x${d.height} px, ${d.shapes} shapes`);
      else ok(`${n}: ${d.kind} SVG, ${d.width}x${d.height} px, ${d.shapes} shapes`);
    });
    const svgs = diagrams.filter((d) => d.svg && !d.error).length;
    if (timedOut) fail(`not every diagram was drawn within ${opts.timeoutMs} ms`);
    if (svgs === expected && expected > 0) ok(`${svgs}/${expected} diagrams rendered as SVG in ${elapsed} ms`);
    else fail(`${svgs} diagrams rendered as SVG, expected ${expected}`);

    mkdirSync(dirname(opts.screenshot), { recursive: true });
    // The whole page when it fits in one capture; a long page (the shipped bank is over
    // 100,000 px) makes Chromium time out, so then its top MAX_SHOT_PX, and every diagram
    // is captured on its own below.
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    const shotHeight = Math.min(pageHeight, MAX_SHOT_PX);
    await page.setViewportSize({ width: VIEWPORT.width, height: shotHeight });
    const shot = await page.screenshot({ timeout: 60_000 });
    await page.setViewportSize(VIEWPORT);
    writeFileSync(opts.screenshot, shot);
    const ink = inkShare(shot);
    const part = shotHeight < pageHeight ? `, top ${shotHeight} of ${pageHeight} px` : '';
    const where = `${opts.screenshot} (${ink.width}x${ink.height}${part})`;
    if (ink.share >= MIN_PAGE_INK) ok(`screenshot not blank: ${pct(ink.share)} ink, ${where}`);
    else fail(`screenshot is blank: ${pct(ink.share)} ink < ${pct(MIN_PAGE_INK)}, ${where}`);

    // Each diagram on its own: scrolled to, then a clip of the viewport. (Playwright's
    // element screenshot hung on a diagram taller than the viewport on a long page.)
    const stem = opts.screenshot.replace(/\.png$/i, '');
    const tallest = Math.max(0, ...diagrams.map((d) => d.height));
    await page.setViewportSize({ width: VIEWPORT.width, height: Math.max(VIEWPORT.height, Math.ceil(tallest) + 40) });
    for (let i = 0; i < diagrams.length; i++) {
      if (!diagrams[i].svg) continue;
      const path = `${stem}-diagram-${i + 1}.png`;
      const box = await page.evaluate((index) => {
        const el = document.querySelectorAll('pre.mermaid')[index];
        el.scrollIntoView({ block: 'start' });
        const r = el.getBoundingClientRect();
        const y = Math.max(0, r.top);
        return { x: Math.max(0, r.left), y, width: r.width, height: Math.min(r.bottom, innerHeight) - y };
      }, i);
      const buf = await page.screenshot({ clip: box, timeout: 30_000 });
      writeFileSync(path, buf);
      const d = inkShare(buf);
      if (d.share >= MIN_DIAGRAM_INK) ok(`diagram ${i + 1} screenshot not blank: ${pct(d.share)} ink, ${basename(path)}`);
      else fail(`diagram ${i + 1} screenshot is blank: ${pct(d.share)} ink, ${basename(path)}`);
    }

    await page.setViewportSize(VIEWPORT);

    await page.emulateMedia({ media: 'print' });
    const breaks = await page.$$eval('h2, h3', (hs) =>
      hs.map((h) => {
        const next = h.nextElementSibling;
        const prev = h.previousElementSibling;
        return {
          tag: h.tagName.toLowerCase(),
          text: h.textContent.trim(),
          page: getComputedStyle(h).breakBefore === 'page',
          // A cluster heading right below its h2 (no page may end with a heading alone).
          clusterBelow: h.tagName === 'H2' && next?.tagName === 'H3' && next.textContent.trim().startsWith('Cluster '),
          underHeading: /^H[1-6]$/.test(prev?.tagName ?? ''),
        };
      }),
    );
    await page.emulateMedia({ media: 'screen' });
    // Every cluster h3 and the References and Validation Results h2s start a page; when
    // a cluster sits directly below an h2, that h2 takes the break instead.
    const wanted = (h) =>
      (h.tag === 'h3' && h.text.startsWith('Cluster ') && !h.underHeading) ||
      (h.tag === 'h2' && (h.text === 'References' || h.text === 'Validation Results' || h.clusterBelow));
    const wrong = breaks.filter((h) => h.page !== wanted(h));
    if (wrong.length > 0) wrong.forEach((h) => fail(`print: ${h.tag} "${h.text}" ${h.page ? 'breaks' : 'does not break'} the page`));
    else ok(`print: a page break before ${breaks.filter((h) => h.page).length} headings (clusters, References, Validation Results)`);

    if (external.size > 0) external.forEach((u) => fail(`the page requested ${u}`));
    else ok('no request left file:// (network blocked and none attempted)');
    if (errors.length > 0) errors.forEach((e) => fail(e));
    else ok('no page or console errors');
  } finally {
    await close();
  }

  if (failures.length > 0) {
    console.log(`browser check FAILED: ${failures.length} problem(s)`);
    process.exit(1);
  }
  console.log('browser check passed');
}

main().catch((e) => {
  console.error(`error: ${e.stack ?? e}`);
  process.exit(2);
});
