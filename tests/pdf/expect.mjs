#!/usr/bin/env node
// Checks a PDF's extracted text against the markdown it was printed from:
//   - every question heading (`#### Q<n>: title`) is in the text;
//   - the labels drawn inside each mermaid diagram (node labels, edge labels, sequence
//     participants and messages) are in the text (a wrapped label may come back in up
//     to three pieces);
//   - no mermaid source keyword is (`sequenceDiagram`, `flowchart`, `graph TD`,
//     `participant X as Y`): those only appear when a diagram was printed as source.
//
// usage: node expect.mjs DOC.json DOC.md TEXT.txt
//   DOC.json is unused but kept for the caller's record; TEXT.txt is pdftotext's output
//   with all whitespace removed (tests/pdf/run.sh writes it so).
// exit: 0 all found, 1 something missing.

import { readFileSync } from 'node:fs';

const [, , , mdPath, textPath] = process.argv;
if (!mdPath || !textPath) {
  console.error('usage: node expect.mjs DOC.json DOC.md TEXT.txt');
  process.exit(2);
}
const md = readFileSync(mdPath, 'utf8');
// pdftotext joins a word that the page broke after its hyphen ("hit-" / "rate") without
// the hyphen, so hyphens are left out on both sides of the comparison.
const dehyphen = (s) => s.replace(/[-\u2010\u2011]/g, '');
const text = dehyphen(readFileSync(textPath, 'utf8'));
const flat = (s) => dehyphen(s.replace(/\s+/g, ''));
const entities = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };
const decode = (s) => s.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (m) => entities[m]).replace(/#quot;/g, '"');
// Inline markdown a heading may carry, as the page shows it.
const inline = (s) => s.replace(/`/g, '').replace(/\*\*|__/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');

let failures = 0;
const fail = (m) => {
  failures++;
  console.log(`FAIL ${m}`);
};

const titles = [...md.matchAll(/^#{2,4} (Q\d+: .+)$/gm)].map((m) => inline(m[1]).trim());
const missingTitles = titles.filter((t) => !text.includes(flat(t)));
missingTitles.forEach((t) => fail(`question title not in the PDF: ${t}`));
if (titles.length === 0) fail('no question headings found in the markdown');
else if (missingTitles.length === 0) console.log(`ok   all ${titles.length} question titles are in the PDF`);

/** Labels a reader sees in a drawn diagram, from its mermaid source. */
function labels(source) {
  const out = [];
  const lines = source.split('\n').map((l) => l.trim());
  const kind = lines.find((l) => l && !l.startsWith('%%')) ?? '';
  const push = (s) => {
    for (const part of decode(s).split(/<br\s*\/?>/i)) {
      const t = part.replace(/^["']|["']$/g, '').replace(/[*`]/g, '').trim();
      if (t.length >= 3 && !/^[-=.>|]+$/.test(t)) out.push(t);
    }
  };
  if (/^sequenceDiagram/.test(kind)) {
    for (const l of lines) {
      let m = l.match(/^(?:participant|actor)\s+\S+\s+as\s+(.+)$/);
      if (m) push(m[1]);
      m = l.match(/^[^:]+?(?:-{1,2}>>|-{1,2}\)|-{1,2}x|-{1,2}>)[+-]?[^:]+:\s*(.+)$/);
      if (m) push(m[1]);
      m = l.match(/^Note\s+(?:over|left of|right of)\s+[^:]+:\s*(.+)$/i);
      if (m) push(m[1]);
    }
  } else if (/^(flowchart|graph)\b/.test(kind)) {
    for (const l of lines.slice(1)) {
      if (/^(classDef|class|style|linkStyle|click)\b/.test(l)) continue;
      for (const m of l.matchAll(/\w+\s*(?:\[\[|\[\(|\(\(|\[\/|\[\\|\{\{|\[|\(|\{|>)\s*("[^"]*"|[^\]\)\}]*?)\s*(?:\]\]|\)\]|\)\)|\/\]|\\\]|\}\}|\]|\)|\})/g)) push(m[1]);
      for (const m of l.matchAll(/\|([^|]+)\|/g)) push(m[1]);
      const sub = l.match(/^subgraph\s+\S+\s*\[(.+)\]$/);
      if (sub) push(sub[1]);
    }
  }
  return out;
}

/**
 * Whether a drawn label is in the text. Mermaid wraps long labels over lines, and
 * pdftotext may read two lines of neighbouring shapes interleaved, so a label also
 * counts when it splits at word boundaries into at most three pieces that each are.
 */
function drawn(label) {
  if (text.includes(flat(label))) return true;
  const words = label.split(/\s+/).filter(Boolean);
  const has = (ws) => ws.length > 0 && text.includes(flat(ws.join(' ')));
  for (let i = 1; i < words.length; i++) {
    if (has(words.slice(0, i)) && has(words.slice(i))) return true;
    for (let j = i + 1; j < words.length; j++) {
      if (has(words.slice(0, i)) && has(words.slice(i, j)) && has(words.slice(j))) return true;
    }
  }
  return false;
}

const diagrams = [...md.matchAll(/^```mermaid[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
let checked = 0;
diagrams.forEach((source, i) => {
  const want = labels(source);
  const missing = want.filter((l) => !drawn(l));
  checked += want.length;
  missing.forEach((l) => fail(`diagram ${i + 1}: label not in the PDF: ${l}`));
});
if (diagrams.length === 0) fail('no mermaid diagrams in the markdown');
else console.log(`ok   ${diagrams.length} diagrams: ${checked} drawn labels looked for`);

const keywords = [
  ['sequenceDiagram', /sequenceDiagram/],
  ['flowchart', /flowchart(LR|TD|TB|RL|BT)/],
  ['graph TD/LR', /graph(LR|TD|TB|RL|BT)\w*(-->|\[)/],
  ['participant ... as', /participant\w+as/],
];
for (const [name, re] of keywords) {
  if (re.test(text)) fail(`mermaid source keyword in the PDF: ${name} (a diagram was printed as source)`);
  else console.log(`ok   no "${name}" in the PDF`);
}
process.exit(failures > 0 ? 1 : 0);
