//! Accessibility of the EPUBs' documents: axe-core (the engine of DAISY's Ace) in headless
//! Chromium, WCAG 2.0–2.2 A and AA and axe's best practices, at phone and desktop widths, on every
//! XHTML document of this book's EPUB and of the fixture anthology and kitchen sink. The rules Ace
//! turns off for EPUB content documents (one `main` landmark, an `h1` per file, content in
//! landmarks, a bypass block) are off here too.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn axe_violations(epub: &Path, into: &Path) -> Vec<String> {
    let node_path = std::env::var("QUIRE_AXE_NODE_PATH").expect("axe-core is not installed: run ./scripts/test.sh");
    let chromium = std::env::var("QUIRE_CHROMIUM").expect("Chromium is not installed: run ./scripts/test.sh");
    let (_, files, _) = unzip(epub);
    let mut docs = Vec::new();
    for (name, bytes) in &files {
        let path = into.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        if name.ends_with(".xhtml") {
            docs.push(path.to_string_lossy().into_owned());
        }
    }
    assert!(!docs.is_empty());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/a11y/axe.js");
    let out = Command::new("node").arg(script).arg(&chromium).args(&docs).env("NODE_PATH", &node_path).output().expect("node");
    assert!(out.status.success(), "axe run failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut found = Vec::new();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut checked = 0;
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        checked += 1;
        for viol in v["violations"].as_array().unwrap() {
            found.push(format!("{} @{}px: {} ({}) {}", v["file"], v["width"], viol["id"], viol["impact"], viol["nodes"]));
        }
    }
    assert_eq!(checked, docs.len() * 3, "every document at three widths (320 px with 200 % text: no sideways overflow)");
    found
}

#[test]
fn every_epub_document_passes_axe_core() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for (name, dir) in [
        ("book", root.clone()),
        ("anthology", root.join("tests/fixtures/books/anthology")),
        ("sink", root.join("tests/fixtures/books/kitchen-sink")),
    ] {
        let out = temp_dir(&format!("a11y-{name}"));
        let r = quire(&["build", "--format", "epub", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let epub =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "epub")).unwrap();
        all.extend(axe_violations(&epub, &out.join("unzipped")));
    }
    assert!(all.is_empty(), "axe-core violations:\n{}", all.join("\n"));
}
