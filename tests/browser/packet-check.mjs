#!/usr/bin/env node
// Opens an interview packet's two HTML sheets from disk in headless Chromium, offline,
// and checks what an interviewer relies on when printing them:
//   - the candidate sheet holds no answer text: no sentence of any key insight, model
//     answer or "strong answer" point from the interviewer sheet, and no [Ref: ...];
//   - both sheets have the same questions, and under print media each question (an h2
//     "Question ...") after the first has `break-before: page`, while the first shares
//     page 1 with the sheet's heading (no page holding only a title);
//   - printed to PDF, each sheet has at least one page per question;
//   - neither page made a request that left file:// or logged an error.
//
// usage: node packet-check.mjs PACKET_DIR        (holding candidate.html, interviewer.html)
// exit: 0 all checks passed, 1 a check failed, 2 could not run.
// CHROMIUM overrides the browser path (default /usr/bin/chromium).
//
// The browser runs with the same flags as check.mjs, from chromium.mjs.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './chromium.mjs';

// Shorter fragments are too likely to recur by chance ("p99 < 100 ms").
const MIN_SENTENCE = 40;

function usage(message) {
  console.error(`error: ${message}`);
  console.error('usage: node packet-check.mjs PACKET_DIR');
  process.exit(2);
}

/** Whitespace folded, reference markers gone: `[Ref: A1]` dropped, `[G: p99]` as `p99`
 * (the candidate sheet writes terms without their markers). */
const fold = (s) =>
  s
    .replace(/\[(Ref|G)\s*:\s*([^\]]*)\]/g, (_, kind, x) => (kind === 'G' ? x : ''))
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;:])/g, '$1')
    .trim();

/** Clauses (split at sentence ends, semicolons and colons, and lines) of at least
 * MIN_SENTENCE characters. */
function sentences(text) {
  return fold(text.replace(/\n+/g, ' \u0000 '))
    .split(/(?<=[.!?;:])\s+|\s*\u0000\s*/)
    .map((s) => s.trim())
    .filter((s) => s.length >= MIN_SENTENCE);
}

async function main() {
  const dir = resolve(process.argv[2] ?? usage('no packet folder given'));
  const candidatePath = join(dir, 'candidate.html');
  const interviewerPath = join(dir, 'interviewer.html');
  for (const p of [candidatePath, interviewerPath]) if (!existsSync(p)) usage(`${p} does not exist`);
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) usage(`no browser at ${executablePath} (apt-get install chromium)`);

  const failures = [];
  const fail = (msg) => {
    failures.push(msg);
    console.log(`FAIL ${msg}`);
  };
  const ok = (msg) => console.log(`ok   ${msg}`);

  const { context, external, close } = await launch(executablePath, { viewport: { width: 1280, height: 900 } });

  try {
    const errors = [];
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
    });

    /** Opens a sheet; returns its questions, text, print breaks and PDF page count. */
    const open = async (path) => {
      await page.emulateMedia({ media: 'screen' });
      await page.goto(pathToFileURL(path).href, { waitUntil: 'load', timeout: 60_000 });
      const info = await page.evaluate(() => {
        const questions = [...document.querySelectorAll('main > h2')]
          .filter((h) => h.textContent.trim().startsWith('Question'))
          .map((h) => h.textContent.trim());
        // Text under the answer-bearing h3s, up to the next heading.
        const answers = [];
        for (const h of document.querySelectorAll('main > h3')) {
          const title = h.textContent.trim();
          if (!['Key insight', 'Model answer', 'A strong answer contains'].includes(title)) continue;
          for (let el = h.nextElementSibling; el && !/^H[1-3]$/.test(el.tagName); el = el.nextElementSibling) {
            if (el.tagName === 'UL') for (const li of el.querySelectorAll('li')) answers.push(li.innerText);
            else answers.push(el.innerText);
          }
        }
        return { questions, answers, text: document.body.innerText };
      });
      await page.emulateMedia({ media: 'print' });
      info.breaks = await page.$$eval('main > h2', (hs) =>
        hs
          .filter((h) => h.textContent.trim().startsWith('Question'))
          .map((h) => ({ text: h.textContent.trim(), page: getComputedStyle(h).breakBefore === 'page' })),
      );
      const pdf = await page.pdf({ format: 'A4', printBackground: false });
      info.pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
      return info;
    };

    const interviewer = await open(interviewerPath);
    const candidate = await open(candidatePath);
    const n = interviewer.questions.length;

    if (n === 0) fail('the interviewer sheet has no "Question" headings');
    else if (candidate.questions.length !== n)
      fail(`${candidate.questions.length} questions on the candidate sheet, ${n} on the interviewer sheet`);
    else ok(`${n} questions on both sheets`);

    const answerSentences = [...new Set(interviewer.answers.flatMap(sentences))];
    if (answerSentences.length < n) fail(`only ${answerSentences.length} answer clauses found on the interviewer sheet`);
    const candidateText = fold(candidate.text);
    const leaked = answerSentences.filter((s) => candidateText.includes(s));
    if (leaked.length > 0) leaked.forEach((s) => fail(`candidate sheet shows answer text: "${s.slice(0, 100)}"`));
    else ok(`candidate sheet holds none of ${answerSentences.length} answer clauses`);
    for (const banned of ['[Ref:', 'Key insight', 'Model answer', 'Scoring guide']) {
      if (candidateText.includes(banned)) fail(`candidate sheet contains "${banned}"`);
    }
    // And the check itself can see answers: the interviewer sheet shows them.
    const interviewerText = fold(interviewer.text);
    if (!answerSentences.every((s) => interviewerText.includes(s))) fail('interviewer sheet text lost answer sentences');

    for (const [name, sheet] of [['candidate', candidate], ['interviewer', interviewer]]) {
      const wrong = sheet.breaks.filter((b, i) => b.page !== i > 0);
      if (wrong.length > 0)
        wrong.forEach((b) => fail(`${name}: "${b.text}" ${b.page ? 'starts a new printed page (the first question should share page 1)' : 'does not start a new printed page'}`));
      else ok(`${name}: the first question shares page 1; each of the other ${sheet.breaks.length - 1} starts a new printed page`);
      if (sheet.pages >= sheet.breaks.length) ok(`${name}: ${sheet.pages} PDF pages for ${sheet.breaks.length} questions`);
      else fail(`${name}: ${sheet.pages} PDF pages for ${sheet.breaks.length} questions (want at least ${sheet.breaks.length})`);
    }

    if (external.size > 0) external.forEach((u) => fail(`a sheet requested ${u}`));
    else ok('no request left file://');
    if (errors.length > 0) errors.forEach((e) => fail(e));
    else ok('no page or console errors');
  } finally {
    await close();
  }

  if (failures.length > 0) {
    console.log(`packet browser check FAILED: ${failures.length} problem(s)`);
    process.exit(1);
  }
  console.log('packet browser check passed');
}

main().catch((e) => {
  console.error(`error: ${e.stack ?? e}`);
  process.exit(2);
});
