"""Write every practical block of a bank, as qbank renders it to JSON, into one file each.

Usage: extract.py BANK.json OUTDIR. Prints one manifest line per block, tab-separated:
question id, block number (1-based), lang, checker kind, file. The checker kinds are the
ones tests/snippets/run.sh knows; "none" marks a block no tool here can check.
"""

import json
import re
import sys
from pathlib import Path

PLANNABLE = re.compile(r"^(select|with|insert|update|delete|values|table|merge)\b", re.I)


def kind_of(lang, code):
    lang = lang.lower()
    if lang in ("bash", "sh", "shell"):
        return "shellcheck"
    if lang in ("python", "py"):
        return "python"
    if lang in ("javascript", "js"):
        return "node"
    if lang == "sql":
        return "postgres"
    if lang == "promql":
        return "promql"
    if lang == "yaml":
        if re.search(r"^rule_files:", code, re.M) and re.search(r"^tests:", code, re.M):
            return "promtool-test"
        if re.search(r"^groups:", code, re.M) and re.search(r"^\s+rules:", code, re.M):
            return "promtool-rules"
        return "yamllint"
    return "none"


EXTENSIONS = {
    "shellcheck": "sh",
    "python": "py",
    "postgres": "sql",
    "promql": "promql",
    "promtool-test": "yaml",
    "promtool-rules": "yaml",
    "yamllint": "yaml",
}


def js_extension(code):
    # k6 scripts and other ES modules use import/export; the rest are CommonJS.
    return "mjs" if re.search(r"^(import|export)\b", code, re.M) else "cjs"


def split_sql(code):
    """Statements of a psql script: (text, terminator), where terminator is ';' or a
    backslash meta-command such as '\\gset'. Quotes, dollar quotes and comments are kept
    intact; comment-only text between statements is dropped."""
    out, buf, i, n = [], [], 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("--", i):
            j = code.find("\n", i)
            j = n if j < 0 else j
            buf.append(code[i:j])
            i = j
        elif code.startswith("/*", i):
            j = code.find("*/", i + 2)
            j = n if j < 0 else j + 2
            buf.append(code[i:j])
            i = j
        elif c in "'\"":
            j = i + 1
            while j < n:
                if code[j] == c and code.startswith(c * 2, j):
                    j += 2
                    continue
                if code[j] == c:
                    break
                j += 1
            buf.append(code[i : j + 1])
            i = j + 1
        elif c == "$" and (m := re.match(r"\$[A-Za-z_]*\$", code[i:])) and not (
            i > 0 and (code[i - 1].isalnum() or code[i - 1] == "_")
        ):
            tag = m.group(0)
            j = code.find(tag, i + len(tag))
            j = n if j < 0 else j + len(tag)
            buf.append(code[i:j])
            i = j
        elif c == ";":
            out.append(("".join(buf), ";"))
            buf, i = [], i + 1
        elif c == "\\" and not code.startswith("\\\\", i):
            j = code.find("\n", i)
            j = n if j < 0 else j
            out.append(("".join(buf), code[i:j].strip()))
            buf, i = [], j
        else:
            buf.append(c)
            i += 1
    out.append(("".join(buf), ";"))
    result = []
    for text, term in out:
        body = "\n".join(
            line for line in text.splitlines() if line.strip() and not line.strip().startswith("--")
        ).strip()
        if body or term != ";":
            result.append((body, term))
    return result


def explain_script(code):
    """The psql script run for one SQL block: every statement that can be planned is
    EXPLAINed (an existing EXPLAIN and its options are replaced, so nothing is executed
    by ANALYZE); a statement whose result feeds a psql variable (\\gset) and every other
    statement (DDL) is run as written against the throwaway database."""
    lines = []
    for body, term in split_sql(code):
        if term != ";":
            lines.append(f"{body} {term}" if body else term)
            continue
        stripped = re.sub(r"^explain\s*(\([^)]*\)|(analyze|verbose)\s)*\s*", "", body, flags=re.I)
        if PLANNABLE.match(stripped):
            lines.append(f"EXPLAIN {stripped};")
        else:
            lines.append(f"{body};")
    return "\n".join(lines) + "\n"


def main():
    bank = json.loads(Path(sys.argv[1]).read_text())
    outdir = Path(sys.argv[2])
    for q in bank["questions"]:
        qdir = outdir / q["id"]
        qdir.mkdir(parents=True, exist_ok=True)
        blocks = q.get("practical", [])
        rules = [b["code"] for b in blocks if kind_of(b["lang"], b["code"]) == "promtool-rules"]
        for k, block in enumerate(blocks, 1):
            lang, code = block["lang"], block["code"]
            kind = kind_of(lang, code)
            if kind == "node":
                path = qdir / f"{k}.{js_extension(code)}"
            elif kind == "none":
                path = qdir / f"{k}.{lang.lower()}"
            else:
                path = qdir / f"{k}.{EXTENSIONS[kind]}"
            if kind == "postgres":
                path.with_suffix(".psql").write_text(explain_script(code))
            if kind == "promtool-test":
                # A unit test names its rule files; they are the rule blocks of the same
                # question, in order, written under the names the test uses.
                tdir = qdir / f"{k}-test"
                tdir.mkdir(exist_ok=True)
                names = re.findall(r"^rule_files:\n((?:\s+- .+\n)+)", code, re.M)
                names = re.findall(r"- (\S+)", names[0]) if names else []
                if len(names) != len(rules):
                    sys.exit(f"{q['id']} block {k}: the test names {len(names)} rule files, "
                             f"the question has {len(rules)} rule blocks")
                for name, text in zip(names, rules):
                    (tdir / name.strip("'\"")).write_text(text)
                path = tdir / "test.yaml"
            path.write_text(code)
            print(f"{q['id']}\t{k}\t{lang}\t{kind}\t{path}")


if __name__ == "__main__":
    main()
