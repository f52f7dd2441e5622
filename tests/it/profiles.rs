//! PDF profiles: screen, trade paperback, classroom (Letter and A4). Every profile builds, passes
//! qpdf and the typography targets; page boxes and sizes are right; trade opens chapters on
//! rectos with truly blank versos and a page count divisible by 4; classroom numbers every fifth
//! line, restarting per letter.

use crate::common::*;
use quire::layout::{Artifact, Placed};
use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn out(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}; run ./scripts/test.sh"));
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn boxes(pdf: &str) -> (String, String, String) {
    let info = out("pdfinfo", &["-box", "-f", "1", "-l", "1", pdf]);
    let get = |k: &str| {
        info.lines()
            .find(|l| l.contains(k))
            .map(|l| l.split(':').nth(1).unwrap().split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    (get("MediaBox"), get("TrimBox"), get("BleedBox"))
}

#[test]
fn every_profile_builds_with_the_right_pages() {
    let dir = temp_dir("profiles");
    let r = quire(&["build", "--format", "pdf", "--out", dir.to_str().unwrap(), "--book", repo().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expect = [
        ("screen", "0.00 0.00 419.53 595.28", "0.00 0.00 419.53 595.28"),
        ("trade", "0.00 0.00 449.01 665.01", "8.50 8.50 440.50 656.50"),
        ("classroom-letter", "0.00 0.00 612.00 792.00", "0.00 0.00 612.00 792.00"),
        ("classroom-a4", "0.00 0.00 595.28 841.89", "0.00 0.00 595.28 841.89"),
    ];
    for (name, media, trim) in expect {
        let pdf = dir.join(format!("kennedy-khrushchov-{name}.pdf"));
        let p = pdf.to_str().unwrap();
        let q = Command::new("qpdf").args(["--check", p]).status().unwrap();
        assert!(q.success(), "qpdf --check {name}");
        let (m, t, b) = boxes(p);
        assert_eq!(m, media, "{name} MediaBox");
        assert_eq!(t, trim, "{name} TrimBox");
        if name == "trade" {
            assert_eq!(b, "0.00 0.00 449.01 665.01", "trade BleedBox is 3 mm around the trim");
        }
        let summary =
            r.stderr.lines().find(|l| l.starts_with(&format!("layout[{name}]:"))).unwrap_or_else(|| panic!("no report for {name}"));
        for clean in [">2× 0.0%", "overfull 0", "widows 0", "orphans 0", "stranded headings 0"] {
            assert!(summary.contains(clean), "{name}: {summary}");
        }
        assert!(r.stderr.contains(&format!("pdf[{name}]: PDF/A-2b")), "{name} validated");
    }
    // Screen: no blank pages.
    let screen = dir.join("kennedy-khrushchov-screen.pdf");
    let pages: usize = out("pdfinfo", &[screen.to_str().unwrap()])
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    for p in 1..=pages {
        let t = out("pdftotext", &["-f", &p.to_string(), "-l", &p.to_string(), screen.to_str().unwrap(), "-"]);
        assert!(!t.trim().is_empty(), "screen page {p} is blank");
    }
}

fn layout_of(profile: &str) -> quire::layout::Layout {
    let loaded = quire::load(&repo()).unwrap_or_else(|d| panic!("{:?}", d));
    let fonts = loaded.fonts.clone();
    let p = loaded.config.profiles.iter().find(|p| p.name == profile).unwrap().clone();
    quire::typeset_profile(&loaded, &fonts, &p).unwrap()
}

#[test]
fn trade_opens_on_rectos_with_blank_versos_and_pads_to_four() {
    let l = layout_of("trade");
    assert_eq!(l.pages.len() % 4, 0, "page count {} is a multiple of 4", l.pages.len());
    let loaded = quire::load(&repo()).unwrap();
    let mut ids: Vec<String> = loaded.book.chapters().map(|c| c.id.clone()).collect();
    ids.extend(loaded.book.parts.iter().filter(|p| p.title.is_some()).map(|p| p.id.clone()));
    for id in ids {
        let (page, _) = l.anchors[&id];
        assert_eq!(page % 2, 0, "{id} opens on page index {page}, a verso");
    }
    // At least one blank verso was needed, and blank pages are truly blank.
    let blanks: Vec<usize> = (0..l.pages.len()).filter(|&i| l.pages[i].items.is_empty()).collect();
    assert!(!blanks.is_empty());
    for b in blanks {
        assert!(l.pages[b].items.is_empty());
    }
}

#[test]
fn classroom_numbers_every_fifth_line_restarting_per_letter() {
    let l = layout_of("classroom-letter");
    let loaded = quire::load(&repo()).unwrap();
    let mut numbers: Vec<(usize, u32)> = Vec::new();
    for (i, p) in l.pages.iter().enumerate() {
        for it in &p.items {
            if let Placed::Text { run, artifact: Some(Artifact::LineNumber), .. } = it {
                numbers.push((i, run.text.parse().expect("a number")));
            }
        }
    }
    assert!(numbers.len() > 20, "line numbers present");
    assert!(numbers.iter().all(|(_, n)| n % 5 == 0));
    for ch in loaded.book.chapters().filter(|c| c.letter.is_some()) {
        let (page, _) = l.anchors[&ch.id];
        let first = numbers.iter().find(|(p, _)| *p >= page).unwrap();
        assert_eq!(first.1, 5, "{}: numbering restarts", ch.id);
    }
    // The teacher page is there.
    assert!(l.anchors.contains_key("about-this-edition"));
}

#[test]
fn crop_marks_enlarge_the_media_box_beyond_the_bleed() {
    let toml = format!("{MINIMAL_TOML}[profiles.print]\npage-size = \"6x9in\"\nbleed = \"3mm\"\ncrop-marks = true\n");
    let dir = book("crop", &[("book.toml", toml.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    let o = dir.join("out");
    let r = quire(&["build", "--format", "pdf", "--book", dir.to_str().unwrap(), "--out", o.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (m, t, b) = boxes(o.join("a-book-print.pdf").to_str().unwrap());
    assert_eq!(t, "38.50 38.50 470.50 686.50", "trim inside bleed and slug");
    assert_eq!(b, "30.00 30.00 479.01 695.01");
    assert_eq!(m, "0.00 0.00 509.01 725.01");
}

#[test]
fn unknown_profile_is_an_error() {
    let r = quire(&[
        "build",
        "--format",
        "pdf",
        "--profile",
        "poster",
        "--book",
        repo().to_str().unwrap(),
        "--out",
        temp_dir("noprof").to_str().unwrap(),
    ]);
    assert_error(&r, &["no PDF profile `poster`", "classroom-a4, classroom-letter, screen, trade"]);
}
