//! The CommonMark spec's examples through the whole pipeline: each example is a chapter of one
//! book. `quire check` reports every problem at once without panicking and refuses none: every
//! example renders, with a warning (at its place) where something is left out. The book of all
//! examples builds to an EPUB that EPUBCheck passes and a PDF that qpdf passes, and every word
//! of its model reaches both.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (number, Markdown) of every example in the spec.
fn examples() -> Vec<(usize, String)> {
    let spec = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/commonmark/spec.txt")).unwrap();
    let fence = "`".repeat(32);
    let open = format!("{fence} example\n");
    let mut out = Vec::new();
    let mut rest = spec.as_str();
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let end = rest.find(&format!("\n{fence}")).unwrap();
        let block = &rest[..=end];
        let md = if block.starts_with(".\n") { "" } else { block.split("\n.\n").next().unwrap() };
        out.push((out.len() + 1, md.replace('→', "\t")));
        rest = &rest[end..];
    }
    out
}

fn write_book(name: &str, examples: &[(usize, String)]) -> PathBuf {
    let dir = temp_dir(name);
    let mut chapters = Vec::new();
    for (n, md) in examples {
        let file = format!("ex{n:03}.md");
        std::fs::write(dir.join(&file), format!("+++\ntitle = \"Example {n}\"\n+++\n{md}\n")).unwrap();
        chapters.push(format!("\"{file}\""));
    }
    let toml =
        format!("[metadata]\ntitle = \"CommonMark Examples\"\nlanguage = \"en\"\n[contents]\nchapters = [{}]\n", chapters.join(", "));
    std::fs::write(dir.join("book.toml"), toml).unwrap();
    dir
}

#[test]
fn every_commonmark_example_goes_through_the_whole_pipeline() {
    let all = examples();
    assert_eq!(all.len(), 655, "the spec 0.31.2 has 655 examples");
    let dir = write_book("commonmark-all", &all);
    let r = check(&dir);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    // No example is refused: what cannot be rendered is a warning with its place.
    assert_eq!(r.code, 0, "{}", r.stderr.lines().filter(|l| l.starts_with("error")).collect::<Vec<_>>().join("\n"));
    for (i, l) in r.stderr.lines().enumerate() {
        if l.starts_with("warning") {
            let at = r.stderr.lines().nth(i + 1).and_then(|n| n.trim().strip_prefix("--> "));
            assert!(at.is_some_and(|a| a.starts_with("ex")), "a warning without its example's place: {l}");
        }
    }
    let out = dir.join("out");
    let r = quire(&["build", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let epub = out.join("commonmark-examples.epub");
    assert_clean_epubcheck(&epub);
    let pdf = out.join("commonmark-examples.pdf");
    let q = Command::new("qpdf").args(["--check", pdf.to_str().unwrap()]).output().unwrap();
    assert!(q.status.success(), "qpdf: {}", String::from_utf8_lossy(&q.stdout));
    crate::accounting::account(&dir);
}
