// Every in-page link (#anchor) of a rendered document must reach a heading, with
// anchors computed by github-slugger: the algorithm GitHub uses.
// Usage: node check-anchors.mjs DOC.md [DOC.md ...]
import { readFileSync } from 'node:fs';
import GithubSlugger from 'github-slugger';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const slugger = new GithubSlugger();
  const anchors = new Set();
  let fence = null;
  for (const line of text.split('\n')) {
    const t = line.trimStart();
    const m = t.match(/^(`{3,}|~{3,})/);
    if (m) {
      if (fence === null) fence = m[1];
      else if (t.startsWith(fence) && t.trim() === t.trim().replace(/[^`~]/g, '')) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = line.match(/^#{1,6}\s+(.*?)\s*#*\s*$/);
    if (h) anchors.add(slugger.slug(h[1]));
  }
  const links = [...text.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]);
  if (links.length === 0) {
    console.error(`${file}: no in-page links found`);
    failed++;
  }
  for (const link of links) {
    if (anchors.has(decodeURIComponent(link))) {
      passed++;
    } else {
      failed++;
      console.error(`${file}: link #${link} does not resolve to a heading`);
    }
  }
}
console.log(`anchors: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
