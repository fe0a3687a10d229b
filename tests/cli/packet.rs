//! `qbank packet` and `qbank export`: selection rules, determinism, the two sheets, the
//! manifest, and the Anki and Moodle exports parsed back.

use std::path::{Path, PathBuf};

use crate::common::{qbank, root};

fn shipped() -> PathBuf {
    root().join("content/performance-engineering")
}

/// Runs `qbank packet BANK ARGS -o OUT` and returns (exit code, stdout, stderr).
fn packet(bank: &Path, out: &Path, args: &[&str]) -> (i32, String, String) {
    let o = qbank()
        .arg("packet")
        .arg(bank)
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .expect("qbank runs");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "qbank panicked:\n{stderr}");
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr,
    )
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&dir.join("packet.json"))).expect("packet.json is JSON")
}

#[test]
fn same_seed_same_bytes_and_every_file_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let args = ["--role", "sre", "--minutes", "60", "--seed", "7"];
    assert_eq!(packet(&shipped(), &a, &args).0, 0);
    assert_eq!(packet(&shipped(), &b, &args).0, 0);
    for name in [
        "candidate.md",
        "candidate.html",
        "interviewer.md",
        "interviewer.html",
        "packet.json",
        "anki.tsv",
        "moodle.xml",
    ] {
        assert_eq!(
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
            "{name} differs between two runs with the same seed"
        );
    }
}

#[test]
fn the_packet_fits_the_budget_keeps_the_mix_and_serves_the_role() {
    let tmp = tempfile::tempdir().unwrap();
    for (role, minutes, mix, want) in [
        ("sre", "60", "1:2:2", [1, 2, 1]),
        ("sre", "90", "1:2:2", [1, 3, 3]),
        ("sre", "45", "0:0:1", [0, 0, 3]),
        ("performance-engineer", "36", "1:1:0", [2, 1, 0]),
    ] {
        let out = tmp
            .path()
            .join(format!("{minutes}-{}", mix.replace(':', "")));
        let (code, _, err) = packet(
            &shipped(),
            &out,
            &[
                "--role",
                role,
                "--minutes",
                minutes,
                "--difficulty-mix",
                mix,
            ],
        );
        assert_eq!(code, 0, "{minutes} min {mix}: {err}");
        let m = manifest(&out);
        let chosen = &m["difficulty"]["chosen"];
        let got = [
            chosen["foundational"].as_u64().unwrap(),
            chosen["intermediate"].as_u64().unwrap(),
            chosen["advanced"].as_u64().unwrap(),
        ];
        assert_eq!(got, want.map(|x: u64| x), "{minutes} min {mix}");
        let total = m["minutes"]["total"].as_u64().unwrap();
        assert!(total <= minutes.parse().unwrap());
        let qs = m["questions"].as_array().unwrap();
        let sum: u64 = qs.iter().map(|q| q["minutes"].as_u64().unwrap()).sum();
        assert_eq!(sum, total);
        for q in qs {
            assert!(
                q["roles"].as_array().unwrap().iter().any(|r| r == role),
                "{q}"
            );
            assert!(q["why"].as_str().unwrap().contains(&format!("role {role}")));
        }
    }
}

#[test]
fn the_sre_hour_covers_every_dimension_and_phase() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, _) = packet(
        &shipped(),
        tmp.path(),
        &["--role", "sre", "--minutes", "60"],
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("packet for sre: 4 questions"), "{stdout}");
    let m = manifest(tmp.path());
    assert_eq!(
        m["coverage"]["dimensions"]["missing"],
        serde_json::json!([])
    );
    assert_eq!(m["coverage"]["phases"]["missing"], serde_json::json!([]));
    assert_eq!(
        m["coverage"]["clusters"]["covered"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(m["request"]["difficulty_mix"], "1:2:2");
    assert_eq!(m["minutes"]["budget"], 60);
}

#[test]
fn clusters_and_exclusions_are_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = packet(
        &shipped(),
        tmp.path(),
        &[
            "--role",
            "sre",
            "--minutes",
            "30",
            "--cluster",
            "database,caching",
            "--exclude",
            "Q14,cache-stampede-50k-rps",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let m = manifest(tmp.path());
    for q in m["questions"].as_array().unwrap() {
        let c = q["cluster"].as_str().unwrap();
        assert!(c == "database" || c == "caching", "{q}");
        assert_ne!(q["bank_number"], "Q14");
        assert_ne!(q["id"], "cache-stampede-50k-rps");
    }
}

#[test]
fn a_request_the_bank_cannot_meet_exits_2_and_says_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("p");
    let (code, _, err) = packet(&shipped(), &out, &["--role", "devops", "--minutes", "200"]);
    assert_eq!(code, 2);
    assert!(err.contains("not enough questions"), "{err}");
    assert!(err.contains("foundational (the bank has 2)"), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert!(!out.exists(), "nothing is written for a failed packet");

    let (code, _, err) = packet(&shipped(), &out, &["--role", "sre", "--minutes", "5"]);
    assert_eq!(code, 2);
    assert!(err.contains("takes 12 minutes"), "{err}");

    let (code, _, err) = packet(&shipped(), &out, &["--role", "dev", "--minutes", "60"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `devops`"), "{err}");

    let (code, _, err) = packet(&shipped(), &out, &["--role", "sre", "--cluster", "latncy"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `latency`"), "{err}");

    let (code, _, err) = packet(&shipped(), &out, &["--role", "sre", "--exclude", "Q99"]);
    assert_eq!(code, 2);
    assert!(err.contains("Q99"), "{err}");

    let (code, _, err) = packet(
        &shipped(),
        &out,
        &["--role", "sre", "--difficulty-mix", "1:2"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("F:I:A"), "{err}");
}

/// Sentences of at least 40 characters from a markdown text, whitespace folded.
fn long_sentences(text: &str) -> Vec<String> {
    text.split(['.', '\n'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.len() >= 40)
        .collect()
}

#[test]
fn the_candidate_sheet_holds_no_answers_and_the_interviewer_sheet_does() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        packet(
            &shipped(),
            tmp.path(),
            &["--role", "performance-engineer", "--minutes", "90"]
        )
        .0,
        0
    );
    let m = manifest(tmp.path());
    let candidate = read(&tmp.path().join("candidate.md"));
    let folded = candidate.split_whitespace().collect::<Vec<_>>().join(" ");
    let interviewer = read(&tmp.path().join("interviewer.md"));
    for q in m["questions"].as_array().unwrap() {
        let file = shipped().join(q["file"].as_str().unwrap());
        let yaml = read(&file);
        let question: serde_json::Value = {
            // The bank's own JSON rendering holds the answer text exactly.
            let o = qbank()
                .args(["render", "--format", "json"])
                .arg(shipped())
                .output()
                .unwrap();
            let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            doc["questions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == q["id"])
                .cloned()
                .unwrap()
        };
        assert!(yaml.contains("answer:"));
        let answer = question["answer"].as_str().unwrap();
        let insight = question["key_insight"].as_str().unwrap();
        for s in long_sentences(answer)
            .iter()
            .chain(&long_sentences(insight))
        {
            assert!(
                !folded.contains(s.as_str()),
                "candidate sheet leaks answer text of {}: {s}",
                q["id"]
            );
        }
        let first = &long_sentences(answer)[0];
        let interviewer_folded = interviewer.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(interviewer_folded.contains(first.as_str()), "{first}");
    }
    for banned in ["[Ref:", "Key insight", "Model answer", "[G:"] {
        assert!(!candidate.contains(banned), "candidate sheet has {banned}");
    }
    for wanted in [
        "### Key insight",
        "### A strong answer contains",
        "### Model answer",
        "### Follow-up questions",
        "### Scoring guide",
        "| 4 |",
        "| 1 |",
        "**Plan**:",
    ] {
        assert!(
            interviewer.contains(wanted),
            "interviewer sheet lacks {wanted}"
        );
    }
    let n = m["questions"].as_array().unwrap().len();
    assert_eq!(candidate.matches("\n## Question ").count(), n);
    assert_eq!(interviewer.matches("\n## Question ").count(), n);
    for html in ["candidate.html", "interviewer.html"] {
        let page = read(&tmp.path().join(html));
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("main > h2 { break-before: page;"), "{html}");
        assert_eq!(page.matches("<h2 id=\"question-").count(), n, "{html}");
    }
}

#[test]
fn anki_tsv_parses_back_to_one_note_per_question() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        packet(
            &shipped(),
            tmp.path(),
            &["--role", "sre", "--minutes", "60"]
        )
        .0,
        0
    );
    let m = manifest(tmp.path());
    let tsv = read(&tmp.path().join("anki.tsv"));
    let headers: Vec<&str> = tsv.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(headers.contains(&"#separator:tab"));
    assert!(headers.contains(&"#html:true"));
    assert!(headers.contains(&"#guid column:1"));
    assert!(headers.contains(&"#tags column:4"));
    let notes: Vec<Vec<&str>> = tsv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    let qs = m["questions"].as_array().unwrap();
    assert_eq!(notes.len(), qs.len());
    for (note, q) in notes.iter().zip(qs) {
        assert_eq!(note.len(), 4, "guid, front, back, tags: {note:?}");
        // A stable GUID from the bank slug and the question id: a re-import updates.
        assert!(note[0].starts_with("qbank-"), "{note:?}");
        assert!(note[0].ends_with(q["id"].as_str().unwrap()), "{note:?}");
        let note = &note[1..];
        assert!(note[0].starts_with("<p>"));
        assert!(note[1].contains("Key insight"));
        assert!(!note[0].contains('"') || note[0].contains("&quot;"));
        let tags: Vec<&str> = note[2].split(' ').collect();
        assert!(tags.contains(&"role::sre"), "{tags:?}");
        assert!(tags.contains(&format!("cluster::{}", q["cluster"].as_str().unwrap()).as_str()));
        assert!(
            tags.iter()
                .all(|t| !t.is_empty() && !t.contains(char::is_whitespace))
        );
    }
}

#[test]
fn moodle_xml_parses_back_to_essay_questions_with_grader_info() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bank.xml");
    let o = qbank()
        .arg("export")
        .arg(shipped())
        .args(["--format", "moodle", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let xml = read(&out);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let quiz = doc.root_element();
    assert_eq!(quiz.tag_name().name(), "quiz");
    let essays: Vec<_> = quiz
        .children()
        .filter(|n| n.has_tag_name("question") && n.attribute("type") == Some("essay"))
        .collect();
    assert_eq!(essays.len(), 28);
    let text_of = |q: roxmltree::Node<'_, '_>, tag: &str| -> String {
        q.children()
            .find(|n| n.has_tag_name(tag))
            .and_then(|n| n.children().find(|c| c.has_tag_name("text")))
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_owned()
    };
    // A category per cluster below the bank's.
    let categories = quiz
        .children()
        .filter(|n| n.attribute("type") == Some("category"))
        .count();
    assert!(categories > 1, "{categories}");
    for q in &essays {
        let name = text_of(*q, "name");
        assert!(name.chars().count() <= 84, "{name}");
        assert!(
            !name.ends_with(|c: char| c.is_alphanumeric()) || !name.contains('…'),
            "{name}"
        );
        assert!(text_of(*q, "questiontext").starts_with("<p>"));
        let info = text_of(*q, "graderinfo");
        assert!(info.contains("<strong>SLO</strong>"), "{info}");
        assert!(q.children().any(|n| n.has_tag_name("idnumber")));
    }
    // Anki through `export` too, filtered by role.
    let o = qbank()
        .arg("export")
        .arg(shipped())
        .args(["--format", "anki", "--role", "devops"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let tsv = String::from_utf8(o.stdout).unwrap();
    assert_eq!(tsv.lines().filter(|l| !l.starts_with('#')).count(), 7);
}

#[test]
fn the_sheets_as_the_interviewer_sees_them() {
    let tmp = tempfile::tempdir().unwrap();
    let args = ["--role", "sre", "--minutes", "60", "--seed", "7"];
    assert_eq!(packet(&shipped(), tmp.path(), &args).0, 0);
    insta::assert_snapshot!("packet_candidate", read(&tmp.path().join("candidate.md")));
    insta::assert_snapshot!("packet_manifest", read(&tmp.path().join("packet.json")));
}

#[test]
fn templates_can_be_overridden() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tpl");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("packet-candidate.md.j2"),
        "# Custom {{ p.role }}\n{% for q in p.questions %}\n## Question {{ q.number }}\n\n{{ q.task }}\n{% endfor %}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, _, err) = packet(
        &shipped(),
        &out,
        &["--role", "sre", "--templates", dir.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(read(&out.join("candidate.md")).starts_with("# Custom SREs\n"));
    assert!(read(&out.join("interviewer.md")).contains("### Scoring guide"));

    std::fs::write(dir.join("packet-interviewer.md.j2"), "{{ p.nope }}\n").unwrap();
    let (code, _, err) = packet(
        &shipped(),
        &tmp.path().join("out2"),
        &["--role", "sre", "--templates", dir.to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(err.contains("packet-interviewer.md.j2:1"), "{err}");
}

#[test]
fn the_interviewer_sheet_lists_every_reference_it_cites() {
    let tmp = tempfile::tempdir().unwrap();
    let o = qbank()
        .args(["packet", "--role", "sre", "--minutes", "60", "-o"])
        .arg(tmp.path())
        .arg(shipped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let md = read(&tmp.path().join("interviewer.md"));
    let (body, refs) = md
        .split_once("\n## References cited\n")
        .expect("a references section");
    let ids = regex::Regex::new(r"\[Ref: ([^\]]+)\]").unwrap();
    let mut cited: Vec<String> = ids
        .captures_iter(body)
        .flat_map(|c| {
            c[1].split(',')
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    cited.sort();
    cited.dedup();
    assert!(!cited.is_empty());
    for id in &cited {
        assert!(
            refs.contains(&format!("**{id}.")),
            "{id} is not listed:\n{refs}"
        );
    }
    // `[G: Hot Path]` resolves to its glossary entry too, and the page links each mark.
    let html = read(&tmp.path().join("interviewer.html"));
    for id in &cited {
        let anchor = format!("id=\"ref-{}\"", id.to_ascii_lowercase());
        assert!(html.contains(&anchor), "{anchor}");
        assert!(
            html.contains(&format!("href=\"#ref-{}\"", id.to_ascii_lowercase())),
            "{id}"
        );
    }
    if body.contains("[G: Hot Path]") {
        assert!(refs.contains(". Hot Path**"), "{refs}");
    }
}

#[test]
fn candidate_sheets_get_ruled_lines_by_minutes_or_none() {
    let lines = tempfile::tempdir().unwrap();
    let none = tempfile::tempdir().unwrap();
    let args = ["--role", "sre", "--minutes", "60"];
    assert_eq!(packet(&shipped(), lines.path(), &args).0, 0);
    let mut compact = args.to_vec();
    compact.extend(["--answer-space", "none"]);
    assert_eq!(packet(&shipped(), none.path(), &compact).0, 0);
    let m = manifest(lines.path());
    let minutes: Vec<u64> = m["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["minutes"].as_u64().unwrap())
        .collect();
    let sheet = read(&lines.path().join("candidate.md"));
    // Each question's block of lines: one per planned minute (6 to 16).
    let blocks: Vec<usize> = sheet
        .split("<div class=\"answer-space\">")
        .skip(1)
        .map(|b| {
            b[..b.find("</div>\n\n").unwrap_or(b.len())]
                .matches("answer-line")
                .count()
        })
        .collect();
    let wanted: Vec<usize> = minutes.iter().map(|m| (*m).clamp(6, 16) as usize).collect();
    assert_eq!(blocks, wanted);
    assert!(
        read(&lines.path().join("candidate.html")).contains("<div class=\"answer-line\"></div>")
    );
    let compact = read(&none.path().join("candidate.md"));
    assert!(!compact.contains("answer-space") && !compact.contains("**Your answer**"));
    // The same questions either way: only the space differs.
    assert_eq!(manifest(none.path())["questions"], m["questions"]);
    let out = qbank()
        .args(["packet", "--role", "sre", "--answer-space", "boxes"])
        .arg(shipped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_strong_answer_is_the_chain_steps_shortened_and_the_metric_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let args = ["--role", "sre", "--minutes", "60", "--seed", "7"];
    assert_eq!(packet(&shipped(), tmp.path(), &args).0, 0);
    let sheet = read(&tmp.path().join("interviewer.md"));
    let doc: serde_json::Value = serde_json::from_slice(
        &qbank()
            .args(["render", "--format", "json"])
            .arg(shipped())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for q in manifest(tmp.path())["questions"].as_array().unwrap() {
        let question = doc["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == q["id"])
            .unwrap();
        let id = q["id"].as_str().unwrap();
        let section = &sheet[sheet.find(&format!("`{id}` | **Cluster**")).unwrap()..];
        let strong = &section[section.find("### A strong answer contains").unwrap()..];
        let strong = &strong[..strong.find("### Model answer").unwrap()];
        let items: Vec<&str> = strong.lines().filter(|l| l.starts_with("- **")).collect();
        // Every chain step, in order, each at most a short line.
        for (item, step) in items.iter().zip([
            "SLO",
            "Measure",
            "Bottleneck",
            "Optimize",
            "Validate",
            "Impact",
        ]) {
            assert!(item.starts_with(&format!("- **{step}**: ")), "{id}: {item}");
            let text = &item[step.len() + 8..];
            assert!(text.chars().count() <= 110, "{id}: {text}");
        }
        // Then every metric by name with its target.
        let metrics = question["metrics"].as_array().unwrap();
        assert_eq!(items.len(), 6 + metrics.len(), "{id}");
        for (item, m) in items[6..].iter().zip(metrics) {
            let name = m["metric"].as_str().unwrap();
            assert!(
                item.contains(name) && item.contains("target "),
                "{id}: {item}"
            );
        }
    }
}
