//! PDF output: qpdf, poppler (pdftotext, pdffonts, pdfinfo), the layout report's targets,
//! fixture books, footnotes on their page, missing glyphs, determinism.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_pdf(book: &Path, out: &Path) -> (PathBuf, String) {
    build_pdf_profile(book, out, None)
}

fn build_pdf_profile(book: &Path, out: &Path, profile: Option<&str>) -> (PathBuf, String) {
    let mut args = vec!["build", "--format", "pdf", "--book", book.to_str().unwrap(), "--out", out.to_str().unwrap()];
    if let Some(p) = profile {
        args.extend(["--profile", p]);
    }
    let r = quire(&args);
    assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
    let line = r.stdout.lines().find(|l| l.ends_with(".pdf")).expect("wrote line");
    (PathBuf::from(line.split_once(' ').unwrap().1), r.stderr)
}

fn tool(cmd: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd} is not installed ({e}): run ./scripts/test.sh"));
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn text_of(pdf: &Path, page: Option<usize>) -> String {
    let mut args: Vec<String> = Vec::new();
    if let Some(p) = page {
        args.extend(["-f".into(), p.to_string(), "-l".into(), p.to_string()]);
    }
    args.push(pdf.to_str().unwrap().into());
    args.push("-".into());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    tool("pdftotext", &a).1
}

/// Words of the manuscript body text (letters and digits), lower-cased.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// A number from the layout summary, e.g. `>1.5× 1.0%`.
fn stat(summary: &str, key: &str) -> f32 {
    let i = summary.find(key).unwrap_or_else(|| panic!("no `{key}` in {summary}")) + key.len();
    let rest = summary[i..].trim_start();
    let num: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    num.parse().unwrap_or_else(|_| panic!("`{key}` not followed by a number in {summary}"))
}

#[test]
fn the_book_pdf_is_valid_and_meets_the_typography_targets() {
    // The A5 screen profile: the typography targets are stated for A5, 11 pt.
    let (pdf, stderr) = build_pdf_profile(&repo(), &temp_dir("book-pdf"), Some("screen"));
    let (code, out) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "qpdf --check:\n{out}");
    // Fonts: embedded, subset, with ToUnicode; only from fonts/.
    let (_, fonts) = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for r in &rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "font not embedded/subset/unicode: {r}");
        assert!(r.contains("EBGaramond") || r.contains("SourceCodePro"), "foreign font: {r}");
    }
    // Metadata, tagging, PDF/A and PDF/UA identification.
    let (_, info) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Title:           The Kennedy–Khrushchov Secret Correspondence"), "{info}");
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("Page size:       419.528 x 595.276 pts"), "A5: {info}");
    assert!(stderr.contains("pdf[screen]: PDF/A-2b and PDF/UA-1 validated by krilla"), "{stderr}");
    let (_, meta) = tool("pdfinfo", &["-meta", pdf.to_str().unwrap()]);
    assert!(meta.contains("pdfaid:part") && meta.contains("pdfuaid:part"), "XMP lacks PDF/A or PDF/UA ids");
    // Text: every word of the letters is recovered, across line-end hyphens.
    let text = text_of(&pdf, None).replace("\u{ad}\n", "").replace("-\n", "");
    let pdf_words = words(&text);
    let set: std::collections::BTreeSet<&String> = pdf_words.iter().collect();
    for f in ["manuscript/letters/07.md", "manuscript/letters/19.md", "manuscript/letters/22.md", "manuscript/essay-end.md"] {
        let body = std::fs::read_to_string(repo().join(f)).unwrap();
        let body = body.rsplit("+++").next().unwrap();
        // Figure blocks hold file names and alt text, which are not printed.
        let mut printed = String::new();
        let mut in_figure = false;
        for line in body.lines() {
            if line.starts_with("```") {
                in_figure = !in_figure;
                continue;
            }
            if !in_figure || line.starts_with("caption") || line.starts_with("credit") {
                printed.push_str(line);
                printed.push('\n');
            }
        }
        let mut missing = Vec::new();
        for w in words(&printed) {
            if !set.contains(&w) && w != "caption" && w != "credit" {
                missing.push(w);
            }
        }
        assert!(missing.is_empty(), "{f}: words not found in the PDF text: {missing:?}");
    }
    // The typography targets, from the layout report.
    let summary = stderr.lines().find(|l| l.starts_with("layout[screen]:")).expect("layout summary");
    assert_eq!(stat(summary, ">2×"), 0.0, "{summary}");
    assert!(stat(summary, ">1.5×") <= 3.0, "{summary}");
    assert!(stat(summary, "<0.8×") <= 3.0, "{summary}");
    assert!(stat(summary, "hyphenated line ends") > 0.0, "hyphenation is on: {summary}");
    let hyph_pct: f32 =
        summary.split("hyphenated line ends").nth(1).unwrap().split('(').nth(1).unwrap().split('%').next().unwrap().parse().unwrap();
    assert!(hyph_pct <= 10.0, "{summary}");
    assert!(stat(summary, "longest run") <= 2.0, "{summary}");
    assert_eq!(stat(summary, "overfull"), 0.0, "{summary}");
    assert_eq!(stat(summary, "widows"), 0.0, "{summary}");
    assert_eq!(stat(summary, "orphans"), 0.0, "{summary}");
    assert_eq!(stat(summary, "stranded headings"), 0.0, "{summary}");
    // Contents with page numbers, and the body starting at page 1 on a recto.
    let toc = (1..=8).map(|p| text_of(&pdf, Some(p))).find(|t| t.starts_with("Contents")).expect("a contents page");
    assert!(toc.contains("22. Letter From President Kennedy"), "{toc}");
    assert!(toc.lines().any(|l| l.contains(". . .") || l.contains("....")), "leaders: {toc}");
}

#[test]
fn running_heads_and_folios_are_in_the_margins() {
    let (pdf, _) = build_pdf_profile(&repo(), &temp_dir("heads"), Some("screen"));
    let (_, bbox) = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    // Pages are 595.276 pt tall with 17 mm (48.2 pt) top and 20 mm (56.7 pt) bottom margins:
    // every word is either in the text block or in the furniture bands just outside it.
    let mut folios = 0;
    for line in bbox.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let get = |k: &str| -> f32 {
            let i = line.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
            line[i..].split('"').next().unwrap().parse().unwrap()
        };
        let (y0, y1) = (get("yMin"), get("yMax"));
        assert!(y0 > 20.0 && y1 < 575.0, "word outside the page's furniture area: {line}");
        if y0 > 538.5 {
            folios += 1;
        }
    }
    assert!(folios > 3, "opening pages carry folios at the foot");
}

#[test]
fn two_pdf_builds_are_byte_identical() {
    let (a, _) = build_pdf_profile(&repo(), &temp_dir("pdf-a"), Some("trade"));
    let (b, _) = build_pdf_profile(&repo(), &temp_dir("pdf-b"), Some("trade"));
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn kitchen_sink_pdf_sets_every_block_and_puts_notes_on_their_page() {
    let (pdf, stderr) = build_pdf(&repo().join("tests/fixtures/books/kitchen-sink"), &temp_dir("sink-pdf"));
    let (code, out) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(!stderr.contains("placeholder") && !stderr.contains("warning"), "SVG figures are drawn: {stderr}");
    let all = text_of(&pdf, None);
    for needle in [
        "First ordered item",
        "nested unordered",
        "Centre",
        "println!",
        "A nested quote.",
        "A Level-Four Heading",
        "A figure with a caption and a credit.",
    ] {
        assert!(all.contains(needle), "PDF text lacks {needle}");
    }
    let (_, fonts) = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("SourceCodePro"), "code is set in the monospace face: {fonts}");
    // The image inside a paragraph is drawn at text scale, not replaced by its alt text.
    assert!(!all.contains("[small plate]"), "inline image printed as its alt text");
    let (_, images) = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    let sizes: Vec<&str> = images.lines().skip(2).collect();
    assert!(sizes.len() >= 3, "the figure, the lone image and the inline image: {images}");
    // The SVG figure is drawn as vector graphics: its circle is a path in the page's content.
    let (_, qdf) = tool("qpdf", &["--qdf", "--object-streams=disable", pdf.to_str().unwrap(), "-"]);
    assert!(qdf.matches(" c ").count() + qdf.matches(" c\n").count() >= 4, "the SVG's circle (Bézier curves) is drawn");
    // Each footnote is printed on the page that references it.
    let (_, info) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info.lines().find(|l| l.starts_with("Pages:")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut found = 0;
    for p in 1..=pages {
        let t = text_of(&pdf, Some(p));
        if t.contains("A first claim.") {
            assert!(t.contains("The first note, referenced twice."), "note 1 not on page {p}:\n{t}");
            assert!(t.contains("The second note, with emphasis."), "note 2 not on page {p}");
            found += 1;
        }
        if t.contains("A third claim") {
            assert!(t.contains("A note of two paragraphs."), "note 3 not on page {p}");
            found += 1;
        }
    }
    assert_eq!(found, 2);
}

#[test]
fn german_book_is_hyphenated_in_german() {
    let (pdf, _) = build_pdf(&repo().join("tests/fixtures/books/german"), &temp_dir("de-pdf"));
    let t = text_of(&pdf, None);
    assert!(t.contains("Berlin, 16. Oktober 1961."), "{t}");
    let (_, info) = tool("pdfinfo", &["-meta", pdf.to_str().unwrap()]);
    assert!(info.contains("xml:lang=\"de\"") || info.contains(">de<"), "document language: {info}");
}

#[test]
fn a_character_missing_from_every_font_is_a_warning_and_a_box() {
    let dir = book("nochar", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", "# T\n\nA character 字 and 漢字.\n".as_bytes())]);
    let out = dir.join("out");
    let b = dir.to_str().unwrap();
    let r = quire(&["build", "--format", "pdf", "--deny-warnings", "--book", b, "--out", out.to_str().unwrap()]);
    assert_error(&r, &["the character `漢` (U+6F22) is missing from the book's fonts", "ch1.md:3"]);
    assert!(!out.exists(), "no partial output");
    let r = quire(&["build", "--format", "pdf", "--book", b, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("U+5B57") && r.stderr.contains("U+6F22") && r.stderr.contains("ch1.md:3"), "{}", r.stderr);
    // Drawn as a box; its text is the real character, so copying recovers it.
    let text = text_of(&out.join("a-book.pdf"), None);
    assert!(text.contains("A character 字 and 漢字."), "{text}");
    let (code, log) = tool("qpdf", &["--check", out.join("a-book.pdf").to_str().unwrap()]);
    assert_eq!(code, 0, "{log}");
}

#[test]
fn symbols_the_text_face_lacks_come_from_the_fallback_fonts_in_both_formats() {
    let md = "# T\n\nA snowman ☃, a face 😀, a check ✓, a warning ⚠ and an integral ∲ in text.\n";
    let dir = book("fallback", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes())]);
    let out = dir.join("out");
    let r = quire(&["build", "--deny-warnings", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "no character is missing: {}", r.stderr);
    let pdf = out.join("a-book.pdf");
    let (_, fonts) = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("NotoSansSymbols2") && fonts.contains("NotoSansMath") && fonts.contains("NotoEmoji"), "{fonts}");
    assert!(!fonts.contains("NotoSansMono"), "a fallback the text does not use is not embedded: {fonts}");
    assert!(text_of(&pdf, None).contains("A snowman ☃, a face 😀, a check ✓, a warning ⚠ and an integral ∲ in text."));
    // The EPUB embeds the fallbacks it needs, subset, and names them in its font stack.
    let epub = out.join("a-book.epub");
    assert_clean_epubcheck(&epub);
    let (names, files, _) = unzip(&epub);
    for n in 0..3 {
        assert!(names.iter().any(|f| f.ends_with(&format!("fallback-{n}.ttf"))), "{names:?}");
    }
    assert!(!names.iter().any(|n| n.ends_with("fallback-3.ttf")), "the monospace fallback is not needed: {names:?}");
    let css = String::from_utf8_lossy(&files["EPUB/css/book.css"]);
    assert!(css.contains("\"Book Serif\", \"Book Fallback 0\", \"Book Fallback 1\", \"Book Fallback 2\", serif"), "{css}");
}

#[test]
fn missing_font_file_is_an_error() {
    let dir = book(
        "nofont",
        &[("book.toml", format!("{MINIMAL_TOML}[fonts]\nregular = \"fonts/None.ttf\"\n").as_bytes()), ("ch1.md", b"# T\n\nText.\n")],
    );
    let r = quire(&["build", "--format", "pdf", "--book", dir.to_str().unwrap()]);
    assert_error(&r, &["`fonts/None.ttf` does not exist", "book.toml:6:11"]);
}

#[test]
fn corrupt_and_enormous_images_are_errors() {
    // A PNG signature with a truncated header: its size cannot be read.
    let corrupt: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00";
    // A valid-looking PNG header claiming 100,000 x 100,000 pixels.
    let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    for (name, bytes, needle) in [("corrupt", corrupt, "is corrupt"), ("bomb", &bomb[..], "claims 100000 × 100000 pixels")] {
        let dir = book(
            name,
            &[
                ("book.toml", MINIMAL_TOML.as_bytes()),
                ("ch1.md", b"# T\n\nText.\n\n```figure\nimage = \"pic.png\"\nalt = \"A picture\"\n```\n"),
                ("pic.png", bytes),
            ],
        );
        let out = dir.join("out");
        let r = quire(&["build", "--format", "pdf", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_error(&r, &[needle, "ch1.md:5:1"]);
        assert!(!out.exists(), "no partial output");
    }
}

/// The structure type of every element that holds an object reference (a link annotation), from
/// `qpdf --json`.
fn annotation_parents(pdf: &Path) -> Vec<String> {
    let out = Command::new("qpdf").args(["--json=2", pdf.to_str().unwrap()]).output().expect("qpdf");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("qpdf json");
    let objects = json["qpdf"][1].as_object().expect("objects");
    let resolve = |v: &serde_json::Value| -> serde_json::Value {
        match v.as_str().filter(|s| s.ends_with(" R")) {
            Some(r) => objects.get(&format!("obj:{r}")).map(|o| o["value"].clone()).unwrap_or_default(),
            None => v.clone(),
        }
    };
    let mut parents = Vec::new();
    for o in objects.values() {
        let v = &o["value"];
        let (Some(s), Some(_)) = (v["/S"].as_str(), v.get("/P")) else { continue };
        let kids = match &v["/K"] {
            serde_json::Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        for k in kids.iter().map(resolve) {
            if k["/Type"] == "/OBJR" {
                parents.push(s.to_string());
            }
        }
    }
    parents
}

#[test]
fn every_link_annotation_sits_in_a_link_structure_element() {
    // PDF/UA-1 7.18.5: the contents' page-number links sat directly under their TOCI.
    let out = temp_dir("pdf-links-tagged");
    let r = quire(&["build", "--quiet", "--format", "pdf", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every PDF but the print cover (`cover-wrap`), which has no links.
    let pdfs = std::fs::read_dir(&out).unwrap().flatten().filter(|e| e.path().extension().is_some_and(|x| x == "pdf"));
    for e in pdfs.filter(|e| !e.path().to_string_lossy().ends_with("-cover.pdf")) {
        let parents = annotation_parents(&e.path());
        assert!(parents.len() >= 8, "{}: {parents:?}", e.path().display());
        assert!(parents.iter().all(|p| p == "/Link"), "{}: annotations under {parents:?}", e.path().display());
    }
}

#[test]
fn a_short_title_is_the_running_head() {
    let long = "A Very Long Chapter Title That Would Fill the Whole Running Head of Every Page and More";
    let body: String =
        (0..150).map(|i| format!("Paragraph {i} of a chapter long enough to run over several pages of the book.\n\n")).collect();
    let text = format!("+++\ntitle = \"{long}\"\nshort-title = \"The Short Head\"\n+++\n\n{body}");
    let dir = book("short-title", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", text.as_bytes())]);
    let (pdf, _) = build_pdf(&dir, &dir.join("out"));
    // Running heads on the chapter's pages after its first; the long title only where it is set
    // in full (contents, chapter opening), never cut short with an ellipsis.
    let all = text_of(&pdf, None);
    assert!(all.matches("The Short Head").count() >= 2, "{all}");
    assert!(!all.contains('…'), "{all}");
}

#[test]
fn a_fraction_slash_sets_a_fraction_and_the_text_still_reads_as_written() {
    // `1⁄2` is set with the font's numerator and denominator glyphs, not the figures of running
    // text; the PDF's text is still "1⁄2". A date with solidi is untouched.
    let root = repo().join("tests/fixtures/books/kitchen-sink");
    let loaded = quire::load(&root).unwrap_or_else(|d| panic!("{d:?}"));
    let p = loaded.config.profiles[0].clone();
    let l = quire::typeset_profile(&loaded, &loaded.fonts.clone(), &p).unwrap();
    let mut shaper = quire::text::shape::Shaper::new(&loaded.fonts);
    let face = quire::text::fonts::Face::Regular;
    let plain = |s: &mut quire::text::shape::Shaper, t: &str, onum: bool| {
        s.shape(face, quire::text::shape::Feats { smcp: false, onum }, t).iter().map(|g| g.id).collect::<Vec<_>>()
    };
    let mut found = 0;
    for page in &l.pages {
        for it in &page.items {
            let quire::layout::Placed::Text { run, .. } = it else { continue };
            if let Some(at) = run.text.find("1\u{2044}2") {
                let ids: Vec<u16> = run.glyphs.iter().filter(|g| g.range.start >= at && g.range.end <= at + 5).map(|g| g.id).collect();
                assert!(!ids.is_empty());
                for onum in [false, true] {
                    let figures = [plain(&mut shaper, "1", onum)[0], plain(&mut shaper, "2", onum)[0]];
                    assert!(!ids.contains(&figures[0]) && !ids.contains(&figures[1]), "the fraction is set in text figures: {ids:?}");
                }
                found += 1;
            }
            if let Some(at) = run.text.find("7/16") {
                let ids: Vec<u16> = run.glyphs.iter().filter(|g| g.range.start == at).map(|g| g.id).collect();
                assert_eq!(ids, plain(&mut shaper, "7", true), "the date's figures are running text's");
            }
        }
    }
    assert_eq!(found, 1);
    let (pdf, _) = build_pdf(&root, &temp_dir("frac"));
    assert!(text_of(&pdf, None).contains("1\u{2044}2"), "the fraction's text");
}
