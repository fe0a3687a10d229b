#!/usr/bin/env bash
# The PDF tests: `qbank pdf`, `build --pdf` and `packet --pdf` in headless Chromium,
# offline, checked with poppler's pdftotext and pdfinfo.
#
#   tests/pdf/run.sh
#
# 1. the shipped bank's PDF (from the bank, from `build --pdf`, and from its rendered
#    markdown as a plain file) holds every question title and the labels drawn inside its
#    diagrams, and no mermaid source keyword (those appear only when a diagram was
#    printed as source);
# 2. each packet sheet has one page per question, on A4;
# 3. a markdown file with a broken diagram gives a PDF that shows the diagram's source
#    and mermaid's message, exit 1 and a warning at the diagram's line; so does a bank
#    (the warning at the question file and line);
# 4. a plain markdown file prints (CJK text extracted, links kept, letter paper), and a
#    table wider than the page does not shrink the other text;
# 5. the HTML page of that broken file fails the browser check (a diagram is missing);
# 6. when ../shared/corpus exists, each of its documents prints with every diagram drawn.
#
# Needs Chromium (/usr/bin/chromium or $QBANK_CHROMIUM), poppler-utils and node >= 20.
# Output goes to $QBANK_PDF_OUT (default target/pdf/). Exit 0 passed, 1 failed, 2 could not run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${QBANK_PDF_OUT:-$root/target/pdf}"
rm -rf "$out"
mkdir -p "$out"
cd "$root"

for tool in pdftotext pdfinfo node; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install poppler-utils nodejs)" >&2; exit 2; }
done

cargo build --quiet --locked
qbank="$root/target/debug/qbank"
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }

# Text of a PDF with every run of whitespace removed, so a title wrapped over two lines
# still matches.
flat() { pdftotext -enc UTF-8 "$1" - | tr -d ' \t\n\r\f'; }
pages() { pdfinfo "$1" | awk '/^Pages:/ {print $2}'; }
paper() { pdfinfo "$1" | awk -F': *' '/^Page size:/ {print $2}'; }
# Pages, other than the last, holding at most 3 lines besides the running header and
# footer: a heading or a line or two stranded on a page of its own.
near_empty() {
  local n i lines bad=""
  n=$(pages "$1")
  for ((i = 1; i < n; i++)); do
    lines=$(pdftotext -f "$i" -l "$i" -layout "$1" - | grep -cv '^[[:space:]]*$' || true)
    if [ "$((lines - 2))" -le 3 ]; then bad="$bad $i"; fi
  done
  echo "${bad# }"
}
check_pages() {
  local bad
  bad="$(near_empty "$1")"
  if [ -z "$bad" ]; then ok "$(basename "$1"): no near-empty page"
  else fail "$1: near-empty pages: $bad"; fi
}

echo "== 1. the shipped bank"
bank=content/performance-engineering
start=$(date +%s.%N)
"$qbank" pdf "$bank" -o "$out/bank.pdf"
end=$(date +%s.%N)
ok "bank.pdf: $(pages "$out/bank.pdf") pages, $(stat -c %s "$out/bank.pdf") bytes, $(awk "BEGIN {printf \"%.1f\", $end - $start}") s ($(paper "$out/bank.pdf"))"
"$qbank" render "$bank" --format json > "$out/bank.json"
"$qbank" render "$bank" --format md > "$out/bank.md"
flat "$out/bank.pdf" > "$out/bank.txt"
node "$here/expect.mjs" "$out/bank.json" "$out/bank.md" "$out/bank.txt" || failures=$((failures + 1))
case "$(paper "$out/bank.pdf")" in *"(A4)"*) ok "bank.pdf is A4" ;; *) fail "bank.pdf is not A4: $(paper "$out/bank.pdf")" ;; esac
check_pages "$out/bank.pdf"

echo "== 1b. build --pdf, and the bank's rendered markdown as a plain file"
"$qbank" build --pdf -o "$out/dist" "$bank" > "$out/build.log" 2>&1 || { cat "$out/build.log"; fail "build --pdf failed"; }
slug="$(basename "$bank")"
if [ -f "$out/dist/$slug.pdf" ]; then ok "build --pdf wrote dist/$slug.pdf ($(pages "$out/dist/$slug.pdf") pages)"
else fail "build --pdf wrote no dist/$slug.pdf"; fi
"$qbank" pdf "$out/dist/$slug.md" -o "$out/render.pdf"
flat "$out/render.pdf" > "$out/render.txt"
node "$here/expect.mjs" "$out/bank.json" "$out/dist/$slug.md" "$out/render.txt" || failures=$((failures + 1))

echo "== 2. packet sheets"
for spec in "sre 60" "backend-developer 45"; do
  set -- $spec
  dir="$out/packet-$1-$2"
  if ! "$qbank" packet "$bank" --role "$1" --minutes "$2" --pdf -o "$dir" > "$dir.log" 2>&1; then
    cat "$dir.log"
    fail "packet --role $1 --minutes $2 --pdf failed"
    continue
  fi
  count=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).questions.length)' "$dir/packet.json")
  for sheet in candidate interviewer; do
    n=$(pages "$dir/$sheet.pdf")
    case "$(paper "$dir/$sheet.pdf")" in *"(A4)"*) ;; *) fail "$sheet.pdf ($1) is not A4" ;; esac
    if [ "$sheet" = candidate ]; then
      # One page per question (each starts a page; none runs over).
      if [ "$n" -eq "$count" ]; then ok "$1 $2 min: $sheet.pdf has $n pages for $count questions"
      else fail "$1 $2 min: $sheet.pdf has $n pages for $count questions (want $count)"; fi
    else
      # Each question starts a page and may run over several.
      if [ "$n" -ge "$count" ]; then ok "$1 $2 min: $sheet.pdf has $n pages for $count questions"
      else fail "$1 $2 min: $sheet.pdf has $n pages for $count questions (want at least $count)"; fi
    fi
    check_pages "$dir/$sheet.pdf"
  done
done

echo "== 3. a markdown file with a broken diagram"
rc=0
"$qbank" pdf "$here/broken-diagram.md" -o "$out/broken.pdf" 2> "$out/broken.log" || rc=$?
cat "$out/broken.log"
[ "$rc" -eq 1 ] && ok "exit 1 for a diagram that did not draw" || fail "exit $rc, want 1"
grep -q 'broken-diagram.md:15:1' "$out/broken.log" && ok "the warning names the diagram's line" || fail "no broken-diagram.md:15:1 in the warning"
grep -q 'diagram 2 of 2' "$out/broken.log" && ok "the warning names diagram 2 of 2" || fail "no 'diagram 2 of 2' in the warning"
if [ -f "$out/broken.pdf" ]; then
  text="$(flat "$out/broken.pdf")"
  case "$text" in *"Thisdiagramcouldnotbedrawn"*"Parseerror"*) ok "the PDF shows mermaid's message" ;; *) fail "the PDF lacks mermaid's message" ;; esac
  case "$text" in *"A[unclosedlabel-->B"*) ok "the PDF shows the broken diagram's source" ;; *) fail "the PDF lacks the broken source" ;; esac
  case "$text" in *"Browserclient"*"Edgeproxy"*) ok "the good diagram is drawn" ;; *) fail "the good diagram's labels are missing" ;; esac
  case "$text" in *"flowchartTD"*) fail "the good diagram was printed as source" ;; *) ok "the good diagram is not printed as source" ;; esac
  case "$text" in *"Syntaxerrorintext"*) fail "mermaid's error diagram was printed" ;; *) ok "no mermaid error diagram in the PDF" ;; esac
else
  fail "no broken.pdf written"
fi

echo "== 3b. a bank with a broken diagram"
bank="$out/broken-bank"
rm -rf "$bank" && cp -r "$root/tests/fixtures/valid/minimal" "$bank"
printf 'diagram:\n  kind: flowchart\n  mermaid: |\n    flowchart TD\n      A[unclosed label --> B\n' >> "$bank/questions/q.yaml"
line=$(grep -n '    flowchart TD' "$bank/questions/q.yaml" | cut -d: -f1)
rc=0
"$qbank" pdf "$bank" -o "$out/broken-bank.pdf" 2> "$out/broken-bank.log" || rc=$?
cat "$out/broken-bank.log"
[ "$rc" -eq 1 ] && ok "exit 1 for a bank's diagram that did not draw" || fail "exit $rc, want 1"
[ -f "$out/broken-bank.pdf" ] && ok "the bank's PDF is written" || fail "no broken-bank.pdf written"
grep -q "questions/q.yaml:$line:" "$out/broken-bank.log" && ok "the warning names the question file and the diagram's line" || fail "no questions/q.yaml:$line: in the warning"

echo "== 4. a plain markdown file, letter paper"
"$qbank" pdf "$here/plain.md" -o "$out/plain.pdf" --paper letter --margin "0.75in 0.6in"
text="$(flat "$out/plain.pdf")"
case "$(paper "$out/plain.pdf")" in *"(letter)"*) ok "plain.pdf is letter" ;; *) fail "plain.pdf is not letter: $(paper "$out/plain.pdf")" ;; esac
for want in "性能工程与延迟分析" "Browsertab" "Orderservice" "submitorder" "page1of1" "Plainmarkdownwithadiagram图表"; do
  case "$text" in *"$want"*) ok "plain.pdf holds \"$want\"" ;; *) fail "plain.pdf lacks \"$want\"" ;; esac
done
case "$text" in *"sequenceDiagram"*) fail "plain.pdf printed the diagram as source" ;; *) ok "plain.pdf diagram drawn" ;; esac
if grep -aq 'https://mermaid.js.org/' "$out/plain.pdf"; then ok "the link stays a link (URI in the PDF)"; else fail "no link annotation for https://mermaid.js.org/"; fi
# Every font embedded (CJK included), so the text extracts and prints the same anywhere.
if command -v pdffonts >/dev/null; then
  if pdffonts "$out/plain.pdf" | awk 'NR > 2 && $(NF-4) != "yes" {bad = 1} END {exit bad}'; then ok "every font is embedded"
  else pdffonts "$out/plain.pdf"; fail "a font is not embedded"; fi
fi

echo "== 4b. a table wider than the page does not shrink the pages"
# Chromium shrinks every page to fit the widest element; the body text of a file with a
# wide table must print at the size of a file without one (word heights within 3%).
"$qbank" pdf "$here/wide-table.md" -o "$out/wide.pdf" 2>/dev/null
grep -v '^|' "$here/wide-table.md" > "$out/no-table.md"
"$qbank" pdf "$out/no-table.md" -o "$out/sized.pdf" 2>/dev/null
# (awk reads to the end: an early exit would stop pdftotext with SIGPIPE under pipefail)
height() { pdftotext -bbox "$1" - | awk -F'"' '/<word / && />paragraph</ && !seen {print $8 - $4; seen = 1}'; }
hw="$(height "$out/wide.pdf")"; hs="$(height "$out/sized.pdf")"
if awk -v a="$hw" -v b="$hs" 'BEGIN {exit !(a > 0 && b > 0 && a / b > 0.97 && a / b < 1.03)}'; then
  ok "wide-table.pdf body text at full size ($hw pt words, $hs pt without the table)"
else fail "wide-table.pdf body text shrunk: $hw pt words against $hs pt"; fi
case "$(flat "$out/wide.pdf")" in *"1,234,567"*) ok "numbers in the wide table stay whole" ;; *) fail "a number in the wide table was broken" ;; esac

# Chromium's helpers (zygote, renderers, crash handler) go with it.
if pgrep -f 'user-data-dir=.*/profile-(draw|print)' >/dev/null; then
  pgrep -af 'user-data-dir=.*/profile-(draw|print)' | head -5; fail "a Chromium process outlived qbank pdf"
else ok "no Chromium process outlives qbank pdf"; fi

echo "== 5. the broken file's HTML page fails the browser check"
if [ -d "$root/tests/browser/node_modules/playwright-core" ]; then
  cargo run --quiet --locked --example html_page -- "$out/broken.html" "$here/broken-diagram.md"
  rc=0
  node "$root/tests/browser/check.mjs" "$out/broken.html" --screenshot "$out/broken.png" > "$out/broken-browser.log" 2>&1 || rc=$?
  if [ "$rc" -eq 1 ] && grep -q 'FAIL diagram 2 was not drawn' "$out/broken-browser.log"; then ok "browser check fails: diagram 2 was not drawn"
  else cat "$out/broken-browser.log"; fail "browser check gave exit $rc on a page with a missing diagram"; fi
else
  fail "tests/browser/node_modules is missing (run npm ci in tests/browser)"
fi

echo "== 6. the shared corpus documents"
corpus="${QBANK_CORPUS:-$root/../shared/corpus}"
if [ -d "$corpus" ]; then
  for doc in "$corpus"/*.md; do
    [ "$(basename "$doc")" = README.md ] && continue
    name="$(basename "$doc" .md)"
    rc=0
    "$qbank" pdf "$doc" -o "$out/$name.pdf" 2> "$out/$name.log" || rc=$?
    if [ "$rc" -eq 0 ]; then ok "$name.pdf: $(pages "$out/$name.pdf") pages, every diagram drawn"
    else cat "$out/$name.log"; fail "$name: exit $rc"; fi
  done
else
  echo "skip: no $corpus"
fi

if [ "$failures" -gt 0 ]; then
  echo "pdf tests FAILED: $failures problem(s)"
  exit 1
fi
echo "pdf tests passed"
