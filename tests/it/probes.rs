//! The probes of issue 11, each a regression test: hostile books that once crashed quire,
//! produced invalid or unsafe EPUBs, took quadratic time, or passed `check` but failed `build`.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn png() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/books/kitchen-sink/images/plate.png")).unwrap()
}

fn build(dir: &Path, extra: &[&str]) -> Run {
    let out = dir.join("out");
    let mut a = vec!["build", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()];
    a.extend(extra);
    quire(&a)
}

/// Every `id="…"` of every XHTML document, with the documents where an id occurs twice.
fn duplicate_ids(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut dups = Vec::new();
    for (name, data) in files.iter().filter(|(n, _)| n.ends_with(".xhtml")) {
        let text = String::from_utf8_lossy(data);
        let opts = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
        let doc = roxmltree::Document::parse_with_options(&text, opts).unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
        let mut seen = BTreeSet::new();
        for n in doc.descendants() {
            if let Some(id) = n.attribute("id")
                && !seen.insert(id.to_string())
            {
                dups.push(format!("{name}: {id}"));
            }
        }
    }
    dups
}

#[test]
fn p1_an_image_ten_quotes_deep_builds_with_a_warning() {
    let md = format!("# T\n\n{} ![a picture](pic.png)\n\nText after.\n", "> ".repeat(10));
    let dir = book("p1-deep-image", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes()), ("pic.png", &png())]);
    let r = build(&dir, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stderr.contains("too narrow") && r.stderr.contains("ch1.md:3"), "the clamped measure is reported:\n{}", r.stderr);
    let pdf = dir.join("out/a-book.pdf");
    let q = std::process::Command::new("qpdf").arg("--check").arg(&pdf).output().unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stdout));
}

#[test]
fn p2_verify_reads_a_sums_file_with_non_ascii_text() {
    let dir = book("p2-verify", &[("book.toml", CITABLE_TOML.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    assert_eq!(build(&dir, &["--format", "epub"]).code, 0);
    let sums = dir.join("out/SHA256SUMS");
    let mut text = std::fs::read_to_string(&sums).unwrap();
    text.push_str(&format!("a{}\n", "é".repeat(40)));
    text.push_str(&format!("{}  ../../etc/passwd\n", "0".repeat(64)));
    std::fs::write(&sums, text).unwrap();
    let r = quire(&["verify", "--book", dir.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stderr.contains("SHA256SUMS:") && r.stderr.contains("help:"), "bad lines are named with their line:\n{}", r.stderr);
}

#[test]
fn p4_colliding_slugs_non_ascii_note_labels_give_unique_ids() {
    let md = "# T\n\n## Title\n\nText.[^ä] More.[^ü]\n\n## P2\n\n## Intro\n\n## Intro\n\n[^ä]: One.\n\n[^ü]: Two.\n";
    let dir = book("p4-ids", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes())]);
    let r = build(&dir, &["--format", "epub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let epub = dir.join("out/a-book.epub");
    let (_, files, _) = unzip(&epub);
    assert_eq!(duplicate_ids(&files), Vec::<String>::new());
    assert_clean_epubcheck(&epub);
}

#[test]
fn p4_a_figure_id_with_a_quote_is_refused() {
    let md = "# T\n\n```figure\nimage = \"pic.png\"\nalt = \"A\"\nid = 'x\" onclick=\"alert(1)'\n```\n";
    let dir = book("p4-inject", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes()), ("pic.png", &png())]);
    assert_error(&build(&dir, &["--format", "epub"]), &["figure id `x\" onclick=\"alert(1)` is not usable as an anchor", "ch1.md:3:1"]);
}

#[test]
fn p4_script_links_never_reach_an_output() {
    let md = "# T\n\nClick [here](javascript:alert(1)) or [there](data:text/html,x) or [mail](mailto:a@b.org).\n";
    let dir = book("p4-js", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes())]);
    let r = build(&dir, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("`javascript:alert(1)`") && r.stderr.contains("ch1.md:3:7"), "{}", r.stderr);
    assert!(r.stderr.contains("`data:text/html,x`"), "{}", r.stderr);
    let (_, files, _) = unzip(&dir.join("out/a-book.epub"));
    let all: String = files.values().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
    assert!(!all.contains("javascript:") && !all.contains("data:text"), "a script URL reached the EPUB");
    assert!(all.contains("mailto:a@b.org"));
    let pdf = std::fs::read(dir.join("out/a-book.pdf")).unwrap();
    let raw = String::from_utf8_lossy(&pdf);
    assert!(!raw.contains("javascript"), "a script URL reached the PDF");
    // --deny-warnings makes it an error.
    assert_error(&build(&dir, &["--deny-warnings"]), &["javascript:alert(1)"]);
}

#[test]
fn p5_p6_check_rejects_what_build_rejects() {
    let dir = book("p6-glyph", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", "# T\n\nA character 漢.\n".as_bytes())]);
    let strict = quire(&["check", "--deny-warnings", "--book", dir.to_str().unwrap()]);
    assert_error(&strict, &["the character `漢` (U+6F22) is missing from the book's fonts", "ch1.md:3:1"]);
    // An EPUB-only build reports the same load warning, not a PDF layout error.
    assert_error(&build(&dir, &["--format", "epub", "--deny-warnings"]), &["missing from the book's fonts", "ch1.md:3:1"]);
    let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let md = "# T\n\n```figure\nimage = \"pic.png\"\nalt = \"A\"\n```\n";
    let dir = book("p6-bomb", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes()), ("pic.png", &bomb)]);
    assert_error(&check(&dir), &["claims 100000 × 100000 pixels", "ch1.md:3:1"]);
    assert_error(&build(&dir, &["--format", "epub"]), &["claims 100000 × 100000 pixels"]);
}

#[test]
fn svg_references_are_found_by_parsing_not_by_substring() {
    for svg in [
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><image href = \"https://example.org/x.png\"/></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><image xlink:href='http://example.org/x.png'/></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><style>@import url(http://e.org/a.css);</style></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect style=\"fill:url('http://e.org/a.svg#p')\"/></svg>",
    ] {
        let md = "# T\n\n```figure\nimage = \"pic.svg\"\nalt = \"A\"\n```\n";
        let dir = book("svg-ref", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes()), ("pic.svg", svg.as_bytes())]);
        assert_error(&check(&dir), &["image `pic.svg` refers to", "ch1.md:3:1"]);
    }
}
