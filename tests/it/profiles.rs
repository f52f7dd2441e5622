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
    boxes_of(pdf, 1)
}

fn boxes_of(pdf: &str, page: usize) -> (String, String, String) {
    let n = page.to_string();
    let info = out("pdfinfo", &["-box", "-f", &n, "-l", &n, pdf]);
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
        ("trade", "0.00 0.00 440.50 665.01", "0.00 8.50 432.00 656.50"),
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
            // Bleed on the three cut sides, none at the spine: a recto's is right, top and bottom;
            // a verso's left, top and bottom.
            assert_eq!(b, "0.00 0.00 440.50 665.01", "trade BleedBox is 3 mm beyond the cut sides");
            assert_eq!(boxes_of(p, 2), ("0.00 0.00 440.50 665.01".into(), "8.50 8.50 440.50 656.50".into(), b.clone()), "a verso");
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
fn trade_opens_parts_on_rectos_chapters_on_either_side_and_pads_to_four() {
    let l = layout_of("trade");
    assert_eq!(l.pages.len() % 4, 0, "page count {} is a multiple of 4", l.pages.len());
    // The outer margin is the wider: the gutter's two margins stand together across the spread.
    let loaded = quire::load(&repo()).unwrap();
    let trade = loaded.config.profiles.iter().find(|p| p.name == "trade").unwrap();
    assert!(trade.page.outer > trade.page.inner, "outer {} ≤ inner {}", trade.page.outer, trade.page.inner);
    // recto-openings = "parts": parts on rectos, and the chapter right after a part's title page.
    let mut verso_chapters = 0;
    for part in loaded.book.parts.iter().filter(|p| p.title.is_some()) {
        assert_eq!(l.anchors[&part.id].0 % 2, 0, "{} opens on a verso", part.id);
        let first = &part.chapters[0].id;
        assert_eq!(l.anchors[first].0, l.anchors[&part.id].0 + 2, "{first} follows its part's title page and blank verso");
        verso_chapters += part.chapters.iter().filter(|c| l.anchors[&c.id].0 % 2 == 1).count();
    }
    assert!(verso_chapters > 0, "some chapter opens on a verso, saving a blank page");
    // Blank pages are truly blank.
    let blanks: Vec<usize> = (0..l.pages.len()).filter(|&i| l.pages[i].items.is_empty()).collect();
    assert!(!blanks.is_empty());
}

#[test]
fn recto_openings_true_opens_every_chapter_on_a_recto() {
    let toml =
        "[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"a.md\", \"b.md\", \"c.md\"]\n[profiles.print]\nrecto-openings = true\n";
    let short = b"# Short\n\nOne paragraph.\n";
    let dir = book("rectos", &[("book.toml", toml.as_bytes()), ("a.md", short), ("b.md", short), ("c.md", short)]);
    let loaded = quire::load(&dir).unwrap();
    let fonts = loaded.fonts.clone();
    let l = quire::typeset_profile(&loaded, &fonts, &loaded.config.profiles[0]).unwrap();
    for ch in loaded.book.chapters() {
        assert_eq!(l.anchors[&ch.id].0 % 2, 0, "{} opens on a verso", ch.id);
    }
    // A choice quire does not know is an error at its place in book.toml.
    let bad = toml.replace("recto-openings = true", "recto-openings = \"sometimes\"");
    std::fs::write(dir.join("book.toml"), bad).unwrap();
    let r = quire(&["check", "--book", dir.to_str().unwrap()]);
    assert_error(&r, &["book.toml:6:18", "recto-openings = \"sometimes\" is not a choice", "\"parts\""]);
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
    assert_eq!(t, "30.00 38.50 462.00 686.50", "trim inside bleed and slug; a recto has no bleed at the spine");
    assert_eq!(b, "30.00 30.00 470.50 695.01");
    assert_eq!(m, "0.00 0.00 500.50 725.01");
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

/// Tagged text runs of a page at the body size: (baseline, text).
fn body_lines(p: &quire::layout::PageOut, body: f32) -> Vec<(f32, String)> {
    p.items
        .iter()
        .filter_map(|it| match it {
            Placed::Text { y, run, artifact: None, .. } if (run.style.size - body).abs() < 0.01 => Some((*y, run.text.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn figures_stand_at_a_page_top_or_foot_and_letter_ends_keep_together() {
    let loaded = quire::load(&repo()).unwrap();
    for profile in ["screen", "trade", "classroom-letter", "classroom-a4"] {
        let l = layout_of(profile);
        let body = loaded.config.profiles.iter().find(|p| p.name == profile).unwrap().text.body;
        let mut figures = 0;
        let mut sources = 0;
        for (i, p) in l.pages.iter().enumerate() {
            let text = body_lines(p, body);
            for it in &p.items {
                if let Placed::Image { y, h, .. } = it {
                    figures += 1;
                    assert!(!text.is_empty(), "{profile} page {i}: a figure alone on a page");
                    let above = text.iter().any(|(b, _)| b < y);
                    let below = text.iter().any(|(b, _)| *b > y + h);
                    assert!(!(above && below), "{profile} page {i}: a figure between two lines of text");
                }
            }
            // A letter's end: the rule, the source note, the signature and lines of the letter on one page.
            let Some(source_y) = p.items.iter().find_map(|it| match it {
                Placed::Text { y, run, artifact: None, .. } if run.style.smcp && run.text.starts_with("Source:") => Some(*y),
                _ => None,
            }) else {
                continue;
            };
            sources += 1;
            let rule = p.items.iter().any(|it| matches!(it, Placed::Rule { y, .. } if *y < source_y && source_y - *y < 30.0));
            assert!(rule, "{profile} page {i}: the source note's rule is not on its page");
            let signature = text.iter().find(|(_, t)| t == "John F. Kennedy").map(|(y, _)| *y);
            let signature = signature.unwrap_or_else(|| panic!("{profile} page {i}: the source note without the signature"));
            let lines_before =
                text.iter().filter(|(y, _)| *y < signature).map(|(y, _)| (y * 10.0) as i64).collect::<std::collections::BTreeSet<_>>();
            assert!(lines_before.len() >= 2, "{profile} page {i}: the signature without the letter's last lines");
        }
        assert_eq!(figures, 3, "{profile}: this book's three figures");
        assert_eq!(sources, 3, "{profile}: three letters end with a source note");
    }
}

#[test]
fn the_layout_report_covers_the_pages_quire_generates_and_the_notes() {
    let l = layout_of("classroom-letter");
    let pages_of = |pred: &dyn Fn(&quire::layout::LineStat) -> bool| -> std::collections::BTreeSet<usize> {
        l.report.lines.iter().filter(|s| pred(s)).map(|s| s.page).collect()
    };
    let generated = pages_of(&|s| s.source.1 == 0 && s.source.0 == "(generated page)");
    for anchor in ["how-to-cite", "about-this-edition"] {
        let page = l.anchors[anchor].0;
        assert!(generated.contains(&page), "{anchor} (page index {page}) is not in the report: {generated:?}");
    }
    // The copyright page's facts, set ragged, count as lines but not as justified lines.
    assert!(l.report.lines.iter().any(|s| s.source.0 == "(generated page)" && !s.justified));
    // Footnotes are in the report with their manuscript line.
    let note_pages = pages_of(&|s| s.source.0.ends_with("note-on-the-text.md") && s.justified);
    assert!(!note_pages.is_empty());
    // And no justified line of any page is set with spaces above twice their width.
    let loose: Vec<_> = l.report.lines.iter().filter(|s| s.justified && !s.last_of_para && s.spaces > 0 && s.space_ratio > 2.0).collect();
    assert!(loose.is_empty(), "{loose:?}");
}

/// The structure nodes' kinds by content id (which node each tagged run belongs to).
fn kinds_of_contents(l: &quire::layout::Layout) -> std::collections::BTreeMap<usize, quire::layout::SKind> {
    let mut out = std::collections::BTreeMap::new();
    for n in &l.nodes {
        for c in &n.children {
            if let quire::layout::SChild::Content(c) = c {
                out.insert(*c, n.kind.clone());
            }
        }
    }
    out
}

#[test]
fn marginal_numbers_line_numbers_outside_paragraph_numbers_labels_as_in_the_epub() {
    let toml = format!(
        "{MINIMAL_TOML}[edition]\nparagraph-numbers = true\n[profiles.class]\npage-size = \"A5\"\nline-numbers = 5\nmargins = {{ top = \"15mm\", bottom = \"15mm\", inner = \"20mm\", outer = \"30mm\" }}\n"
    );
    let mut text = String::from("# Numbers\n\n");
    for i in 0..12 {
        text.push_str(&format!("Paragraph {i} of the chapter, long enough to be set on a few lines of the page so that lines are numbered in the margin as a reader expects them to be.\n\n"));
        if i % 4 == 1 {
            text.push_str("> A quoted paragraph, which carries a number too.\n\n1. A list item's paragraph.\n2. Another item.\n\n");
        }
    }
    let dir = book("marginal", &[("book.toml", toml.as_bytes()), ("ch1.md", text.as_bytes())]);
    let o = dir.join("out");
    let r = quire(&["build", "--book", dir.to_str().unwrap(), "--out", o.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let loaded = quire::load(&dir).unwrap();
    let fonts = loaded.fonts.clone();
    let p = loaded.config.profiles.iter().find(|p| p.name == "class").unwrap().clone();
    let l = quire::typeset_profile(&loaded, &fonts, &p).unwrap();
    let kinds = kinds_of_contents(&l);
    let (w, measure) = (l.width, p.page.width - p.page.inner - p.page.outer);
    let mut pdf_numbers = Vec::new();
    let mut line_numbers = 0;
    for (i, page) in l.pages.iter().enumerate() {
        let recto = i % 2 == 0;
        let left = if recto { p.page.inner } else { p.page.outer };
        // Where both numbers stand on one line (versos), two clear ems at least between them.
        let mut marks: Vec<(f32, f32, f32, char)> = Vec::new();
        for it in &page.items {
            match it {
                Placed::Text { x, y, run, artifact: Some(Artifact::LineNumber), .. } => marks.push((*y, *x, *x + run.width(), 'l')),
                Placed::Text { x, y, run, content: Some(c), .. } if matches!(kinds.get(c), Some(quire::layout::SKind::Lbl)) => {
                    marks.push((*y, *x, *x + run.width(), 'p'))
                }
                _ => {}
            }
        }
        for a in marks.iter().filter(|m| m.3 == 'l') {
            for b in marks.iter().filter(|m| m.3 == 'p' && (m.0 - a.0).abs() < 0.1 && m.2 < left) {
                assert!(
                    a.2 + 2.0 * p.text.body <= b.1 || b.2 + 2.0 * p.text.body <= a.1,
                    "page {i}: line number and ¶ number side by side"
                );
            }
        }
        for it in &page.items {
            match it {
                Placed::Text { x, run, artifact: Some(Artifact::LineNumber), .. } => {
                    line_numbers += 1;
                    let outer = if recto { *x > left + measure } else { *x + run.width() < left };
                    assert!(outer, "page {i}: line number {} at x {x} is not in the outer margin", run.text);
                }
                Placed::Text { x, run, content: Some(c), .. }
                    if matches!(kinds.get(c), Some(quire::layout::SKind::Lbl)) && run.text.parse::<u32>().is_ok() =>
                {
                    pdf_numbers.push(run.text.clone());
                    assert!(*x + run.width() < left, "page {i}: ¶ {} at x {x} is not in the left margin", run.text);
                    assert!(*x > 0.0 && *x < w);
                }
                _ => {}
            }
        }
    }
    assert!(line_numbers >= 8, "lines numbered: {line_numbers}");
    // The same paragraphs carry the same numbers in the EPUB: quotations and list items included.
    let (_, docs, _) = unzip(&o.join("a-book.epub"));
    let ch = String::from_utf8_lossy(&docs["EPUB/text/ch1.xhtml"]).to_string();
    let epub_numbers: Vec<String> = ch.split("<span class=\"pnum\">").skip(1).map(|s| s[..s.find('<').unwrap()].to_string()).collect();
    assert_eq!(pdf_numbers, epub_numbers);
    assert_eq!(epub_numbers.len(), 12 + 3 * 3, "quotations and list items are numbered: {epub_numbers:?}");
}

#[test]
fn a_cover_wrap_has_back_spine_and_front_with_the_spine_from_the_page_count() {
    let toml = "[metadata]\ntitle = \"A Book of Spines\"\ncreators = [{ name = \"Ann Author\", role = \"author\" }]\ndescription = \"A short description for the back cover.\"\n[contents]\nchapters = [\"ch1.md\"]\n[profiles.print]\npage-size = \"6x9in\"\nbleed = \"0.125in\"\ncover-wrap = true\npage-thickness = \"0.01in\"\n";
    let mut text = String::from("# One\n\n");
    for i in 0..400 {
        text.push_str(&format!("Paragraph {i} with enough words to fill a few lines of the page, so that the book grows to many pages and its spine grows wide enough to carry its title.\n\n"));
    }
    let dir = book("wrap", &[("book.toml", toml.as_bytes()), ("ch1.md", text.as_bytes())]);
    let o = dir.join("out");
    let r = quire(&["build", "--format", "pdf", "--book", dir.to_str().unwrap(), "--out", o.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let interior = o.join("a-book-of-spines-print.pdf");
    let cover = o.join("a-book-of-spines-print-cover.pdf");
    let pages: f32 = out("pdfinfo", &[interior.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    assert!(pages > 20.0);
    let q = Command::new("qpdf").args(["--check", cover.to_str().unwrap()]).status().unwrap();
    assert!(q.success());
    let (media, trim, bleed) = boxes(cover.to_str().unwrap());
    // The cut inside the sheet's 1/8 in bleed; the bleed box is the sheet.
    assert_eq!(bleed, media);
    let t: Vec<f32> = trim.split_whitespace().map(|v| v.parse().unwrap()).collect();
    assert!((t[0] - 9.0).abs() < 0.02 && (t[1] - 9.0).abs() < 0.02, "TrimBox {trim}");
    // Two 6 × 9 in covers, the spine (pages × 0.01 in), 1/8 in bleed all round.
    let want_w = 2.0 * 432.0 + pages * 0.72 + 18.0;
    let got: Vec<f32> = media.split_whitespace().map(|v| v.parse().unwrap()).collect();
    assert!((got[2] - want_w).abs() < 0.02 && (got[3] - 666.0).abs() < 0.02, "MediaBox {media}, want {want_w} × 666");
    let t = out("pdftotext", &[cover.to_str().unwrap(), "-"]);
    for needle in ["A short description for the back cover.", "A Book of Spines · Ann Author", "Ann Author"] {
        assert!(t.contains(needle), "the cover lacks {needle}: {t}");
    }
    // A description longer than the back can hold is reported, not cut silently.
    // (Ten paragraphs: those past the back's room leave no empty structure element behind.)
    let paragraphs = format!("{}\\n\\n", "A description far too long for any back cover. ".repeat(40)).repeat(10);
    let long = toml.replace("A short description for the back cover.", &paragraphs);
    std::fs::write(dir.join("book.toml"), long).unwrap();
    let r = quire(&["build", "--format", "pdf", "--book", dir.to_str().unwrap(), "--out", o.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("the description does not fit on the back cover"), "{}", r.stderr);
    let loaded = quire::load(&dir).unwrap();
    let p = &loaded.config.profiles[0];
    let wrap = quire::layout::wrap::cover_wrap(&loaded.book, &loaded.dir, &loaded.fonts, p, 40, 0.72);
    assert!(wrap.nodes.iter().skip(1).all(|n| !n.children.is_empty()), "an empty structure element in the cover's tags");
    // A cover image fills the front and its bleed (clipped there); a square one loses a third
    // of its width on a 6 × 9 in front, and the build says so.
    let raw: Vec<u8> = (0..30).flat_map(|_| std::iter::once(0u8).chain(std::iter::repeat_n(90u8, 30 * 3))).collect();
    std::fs::write(dir.join("front.png"), png_file(30, 30, 2, 0, &raw)).unwrap();
    std::fs::write(dir.join("book.toml"), toml.replace("[contents]", "cover = \"front.png\"\n[contents]")).unwrap();
    let r = quire(&["build", "--format", "pdf", "--book", dir.to_str().unwrap(), "--out", o.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("the cover image `front.png` (30×30 px) has other proportions") && r.stderr.contains("of its width is cut off"),
        "{}",
        r.stderr
    );
    assert!(Command::new("qpdf").args(["--check", cover.to_str().unwrap()]).status().unwrap().success());
    let loaded = quire::load(&dir).unwrap();
    let wrap = quire::layout::wrap::cover_wrap(&loaded.book, &loaded.dir, &loaded.fonts, &loaded.config.profiles[0], 40, 0.72);
    let (sw, sh) = (wrap.width, wrap.height);
    let image = wrap.pages[0].items.iter().find_map(|it| match it {
        Placed::Image { x, y, w, h, clip: Some(c), .. } => Some(([*x, *y, *w, *h], *c)),
        _ => None,
    });
    let ([x, y, w, h], clip) = image.expect("the front's image, clipped");
    // The panel: from the spine's fold to the sheet's right edge, top to bottom, bleed included.
    assert!((clip[0] + clip[2] - sw).abs() < 0.01 && clip[1] == 0.0 && (clip[3] - sh).abs() < 0.01, "clip {clip:?} on {sw} × {sh}");
    assert!(
        x <= clip[0] + 0.01 && y <= 0.01 && x + w >= sw - 0.01 && y + h >= sh - 0.01,
        "the image {x} {y} {w} {h} leaves part of {clip:?} empty"
    );
}

#[test]
fn display_pages_stand_on_the_page_axis_and_chapter_heads_on_their_folio_axis() {
    // classroom-letter: 0.9 in inner and 2.4 in outer margins put the text block 54 pt off centre.
    let l = layout_of("classroom-letter");
    let loaded = quire::load(&repo()).unwrap();
    let p = loaded.config.profiles.iter().find(|p| p.name == "classroom-letter").unwrap();
    let measure = p.page.width - p.page.inner - p.page.outer;
    let centres = |page: usize, pred: &dyn Fn(&Option<Artifact>) -> bool| -> Vec<f32> {
        l.pages[page]
            .items
            .iter()
            .filter_map(|it| match it {
                Placed::Text { x, run, artifact, .. } if pred(artifact) && !run.text.trim().is_empty() => Some(x + run.width() / 2.0),
                _ => None,
            })
            .collect()
    };
    // Title page and part title pages: every line centred on the trimmed page, rectos and versos alike.
    let mut display = vec![l.anchors["title-page"].0];
    display.extend(loaded.book.parts.iter().filter(|p| p.title.is_some()).map(|p| l.anchors[&p.id].0));
    for page in display {
        for c in centres(page, &|a| a.is_none()) {
            assert!((c - l.width / 2.0).abs() < 1.5, "page {page}: a display line centred at {c}, the page's centre is {}", l.width / 2.0);
        }
    }
    // A chapter's opening page: its title lines and the drop folio on the text block's axis.
    for ch in loaded.book.chapters() {
        let page = l.anchors[&ch.id].0;
        let left = if page.is_multiple_of(2) { p.page.inner } else { p.page.outer };
        let axis = left + measure / 2.0;
        let folio = centres(page, &|a| matches!(a, Some(Artifact::Footer)));
        assert_eq!(folio.len(), 1, "{}: one drop folio", ch.id);
        assert!((folio[0] - axis).abs() < 1.0, "{}: the folio is centred at {}, the text block at {axis}", ch.id, folio[0]);
    }
}

/// Checks every chapter page of `root`'s `profile` (display chapters aside): each line of body
/// text (at the body size, a list's label aside) stands on the page's grid of lines, and a
/// figure at a page's foot ends on the grid's last line. Returns the lines checked.
fn grid_checked(root: &std::path::Path, profile: &str) -> usize {
    let loaded = quire::load(root).unwrap_or_else(|d| panic!("{d:?}"));
    let p = loaded.config.profiles.iter().find(|p| p.name == profile).unwrap().clone();
    let l = quire::typeset_profile(&loaded, &loaded.fonts.clone(), &p).unwrap();
    let (top, lead, body) = (p.page.top, p.text.leading, p.text.body);
    let on_grid = |y: f32| {
        let n = (y - top - 0.78 * lead) / lead;
        (n - n.round()).abs() < 0.01
    };
    // A list's labels, an admonition's, a section break's (what quire adds)
    let label = |t: &str| {
        ["•", "⁂", "Note", "Tip", "Important", "Warning", "Caution"].contains(&t.trim())
            || (t.ends_with('.') && t[..t.len() - 1].chars().all(|c| c.is_ascii_digit()))
    };
    let last_line = top + ((p.page.height - p.page.top - p.page.bottom + 0.01) / lead).floor() * lead - 0.22 * lead;
    let mut checked = 0;
    for ch in loaded.book.chapters().filter(|c| !c.kind.is_display()) {
        // A block between paragraphs (sub-head, quotation, list, aside…) takes whole lines
        // with the space around it; its own lines may stand between the grid's.
        let mut inside = String::new();
        for b in ch.blocks.iter().filter(|b| !matches!(b, quire::model::Block::Paragraph { .. })) {
            quire::model::walk_blocks(std::slice::from_ref(b), &mut |b| {
                for l in b.inline_lists() {
                    inside.push_str(&quire::model::plain_text(l));
                    inside.push('\n');
                }
            });
        }
        let label = |t: &str| label(t) || inside.contains(t.trim().trim_end_matches(['-', '\u{ad}']));
        let first = l.anchors[&ch.id].0;
        let end = (first + 1..l.pages.len())
            .find(|&i| matches!(l.map.starts[i], quire::model::pagemap::PageStart::Doc(_)))
            .unwrap_or(l.pages.len());
        for page in first..end {
            let mut image = false;
            let mut lowest = f32::MIN;
            // A page with notes: its foot figure stands above them.
            let notes = l.pages[page].items.iter().any(|it| matches!(it, Placed::Rule { x0, x1, .. } if (x1 - x0 - 48.0).abs() < 0.01));
            for it in &l.pages[page].items {
                match it {
                    Placed::Text { y, run, artifact: None, .. } if (run.style.size - body).abs() < 0.01 && !label(&run.text) => {
                        assert!(on_grid(*y), "{}: {profile} page {}: `{}` at {y} is off the grid", root.display(), page + 1, run.text);
                        checked += 1;
                    }
                    Placed::Image { .. } => image = true,
                    Placed::Text { y, artifact: None, .. } => lowest = lowest.max(*y),
                    _ => {}
                }
            }
            // A figure at the foot: its caption's last line on the grid's last line.
            if image && !notes && (lowest - last_line).abs() > 0.5 && lowest > last_line - 2.0 * lead {
                panic!("{profile} page {}: the foot figure's caption ends at {lowest}, the grid's last line is {last_line}", page + 1);
            }
        }
    }
    checked
}

#[test]
fn body_lines_stand_on_the_page_grid_and_foot_figures_end_on_its_last_line() {
    // Titles, letter heads and figures at a page's top take whole lines of the grid; sub-heads,
    // quotations, lists, code, tables and rules take whole lines too (or the text after them
    // returns to the grid) — so every line of body text stands on the grid, on the opening
    // page as on the others, and facing pages can end on one line; a figure at a page's foot
    // ends on the grid's last line.
    let mut checked = 0;
    for profile in ["trade", "classroom-letter", "classroom-a4"] {
        checked += grid_checked(&repo(), profile);
    }
    assert!(checked > 600, "lines checked in this book: {checked}");
    // Books with every kind of block between their paragraphs.
    for book in ["kitchen-sink", "markdown", "anthology"] {
        let root = repo().join("tests/fixtures/books").join(book);
        let profile = quire::load(&root).unwrap().config.profiles[0].name.clone();
        let n = grid_checked(&root, &profile);
        assert!(n > 15, "{book}: lines checked {n}");
    }
}

#[test]
fn facing_pages_of_the_trade_edition_end_on_one_line() {
    // A bound book's spreads end on the same line (a page shortened where its facing page ends
    // short for a widow, an orphan or a kept heading); only a chapter's last page ends where
    // its text does.
    let l = layout_of("trade");
    let ends_sequence = |i: usize| {
        i + 1 >= l.pages.len() || matches!(l.map.starts[i + 1], quire::model::pagemap::PageStart::Doc(_)) || l.pages[i + 1].items.is_empty()
    };
    let last_line = |i: usize| {
        l.pages[i]
            .items
            .iter()
            .filter_map(|it| match it {
                Placed::Text { y, artifact: None, .. } => Some(*y),
                _ => None,
            })
            .fold(None, |m: Option<f32>, y| Some(m.map_or(y, |m| m.max(y))))
    };
    let mut spreads = 0;
    for verso in (1..l.pages.len().saturating_sub(1)).step_by(2) {
        let recto = verso + 1;
        if ends_sequence(verso) || ends_sequence(recto) {
            continue;
        }
        let (Some(a), Some(b)) = (last_line(verso), last_line(recto)) else { continue };
        assert!((a - b).abs() < 0.5, "pages {}/{} end at {a} and {b}", verso + 1, recto + 1);
        spreads += 1;
    }
    assert!(spreads >= 3, "spreads checked: {spreads}");
}

#[test]
fn no_page_inside_a_chapter_is_left_half_empty() {
    // Only a chapter's last page ends where its text ends; a page before it is filled (a float
    // the text ended before is scaled onto its page rather than leave that page half empty).
    let loaded = quire::load(&repo()).unwrap();
    for profile in ["screen", "trade", "classroom-letter", "classroom-a4"] {
        let l = layout_of(profile);
        let p = loaded.config.profiles.iter().find(|p| p.name == profile).unwrap();
        let block = p.page.height - p.page.top - p.page.bottom;
        for ch in loaded.book.chapters().filter(|c| !c.kind.is_display()) {
            let first = l.anchors[&ch.id].0;
            let end = (first + 1..l.pages.len())
                .find(|&i| matches!(l.map.starts[i], quire::model::pagemap::PageStart::Doc(_)))
                .unwrap_or(l.pages.len());
            let last_with_text = (first..end).rev().find(|&i| !l.pages[i].items.is_empty()).unwrap_or(first);
            for page in first..last_with_text {
                let lowest = l.pages[page]
                    .items
                    .iter()
                    .filter_map(|it| match it {
                        Placed::Text { y, artifact: None, .. } => Some(*y),
                        _ => None,
                    })
                    .fold(f32::MIN, f32::max);
                assert!(
                    lowest > p.page.top + 0.75 * block,
                    "{profile} page {}: the text ends at {lowest}, {} of the way down",
                    page + 1,
                    (lowest - p.page.top) / block
                );
            }
        }
    }
}
