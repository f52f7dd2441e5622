//! A book of one's own (issue 13): the fixture anthology's cover, display pages before the
//! contents, kinds of matter with their semantics, verse, and passages in other languages.

use crate::common::*;
use std::path::PathBuf;
use std::process::Command;

fn built() -> PathBuf {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/books/anthology");
    let out = temp_dir("anthology");
    let r = quire(&["build", "--book", src.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out
}

#[test]
fn the_anthology_epub_has_its_matter_in_place_with_its_semantics() {
    let out = built();
    let epub = out.join("small-hours.epub");
    assert_clean_epubcheck(&epub);
    let (_, files, _) = unzip(&epub);
    let text = |name: &str| String::from_utf8_lossy(&files[name]).into_owned();
    let opf = text("EPUB/package.opf");
    // The author's cover, as given; the spine: cover, title page, dedication, epigraph, contents, preface, …
    assert!(opf.contains("href=\"images/cover.svg\" media-type=\"image/svg+xml\" properties=\"cover-image\""), "{opf}");
    let spine: Vec<&str> = opf.split("<itemref idref=\"").skip(1).map(|s| s.split('"').next().unwrap().trim_start_matches("x-")).collect();
    assert_eq!(&spine[..6], ["cover", "titlepage", "dedication", "epigraph", "nav", "preface"], "{spine:?}");
    // Kinds of matter: epub:type and role; no printed title on the display pages.
    let ded = text("EPUB/text/dedication.xhtml");
    assert!(ded.contains("class=\"display\" epub:type=\"dedication\" role=\"doc-dedication\" aria-label=\"Dedication\""), "{ded}");
    assert!(!ded.contains("<h1") && ded.contains("<title>Dedication</title>"), "{ded}");
    assert!(text("EPUB/text/epigraph.xhtml").contains("epub:type=\"epigraph\" role=\"doc-epigraph\""));
    let preface = text("EPUB/text/preface.xhtml");
    assert!(preface.contains("epub:type=\"preface\" role=\"doc-preface\"") && preface.contains(">Preface</h1>"), "{preface}");
    assert!(text("EPUB/text/acknowledgments.xhtml").contains("epub:type=\"acknowledgments\" role=\"doc-acknowledgments\""));
    let about = text("EPUB/text/about.xhtml");
    assert!(about.contains("<body epub:type=\"backmatter\">") && !about.contains("role=\"doc-"), "{about}");
    let nav = text("EPUB/nav.xhtml");
    assert!(nav.contains("<a epub:type=\"preface\" href=\"text/preface.xhtml\">Preface</a>"), "{nav}");
    assert!(nav.contains("<a href=\"text/dedication.xhtml\">Dedication</a>"), "{nav}");
    // Passages in other languages, and no accessibility claim the author did not make.
    assert!(text("EPUB/text/letters-abroad.xhtml").contains("<div lang=\"ru\" xml:lang=\"ru\">"));
    assert!(text("EPUB/text/night-songs.xhtml").contains("<span lang=\"fr\" xml:lang=\"fr\">chandelle</span>"));
    assert!(!opf.contains("conformsTo"));
    // Not a citable edition: no How to cite, citation files or checksums.
    assert!(!out.join("SHA256SUMS").exists() && !out.join("CITATION.cff").exists());
}

#[test]
fn the_anthology_pdf_sets_display_pages_verse_and_russian_as_a_book_does() {
    let out = built();
    let pdf = out.join("small-hours.pdf");
    let q = Command::new("qpdf").arg("--check").arg(&pdf).output().unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stdout));
    let pages: Vec<String> = (1..=14)
        .map(|p| {
            let o = Command::new("pdftotext")
                .args(["-f", &p.to_string(), "-l", &p.to_string(), "-layout"])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&o.stdout).into_owned()
        })
        .collect();
    let find = |needle: &str| pages.iter().position(|p| p.contains(needle)).unwrap_or_else(|| panic!("{needle} not in the PDF"));
    // Dedication and epigraph before the contents, alone on their pages, without titles or folios.
    let (ded, epi, toc) = (find("For Maren"), find("The night is long"), find("Contents"));
    assert!(ded < epi && epi < toc, "{ded} {epi} {toc}");
    for p in [ded, epi] {
        assert_eq!(
            pages[p].split_whitespace().filter(|w| w.chars().all(|c| c.is_ascii_digit() || "ivxl".contains(c))).count(),
            0,
            "{}",
            pages[p]
        );
    }
    assert!(!pages.iter().any(|p| p.contains("Dedication") || p.contains("Epigraph")), "no invented title is printed");
    assert!(pages[toc].contains("Preface") && pages[toc].contains("Acknowledgments") && !pages[toc].contains("Maren"));
    // The Russian passage is hyphenated with Russian patterns (English ones never split Cyrillic).
    let ru = &pages[find("Дорогая")];
    assert!(ru.lines().any(|l| l.trim_end().ends_with(['-', '\u{ad}']) && l.chars().any(|c| ('а'..='я').contains(&c))), "{ru}");
    // Verse: the long line turns over with a hanging indent, deeper than the indented lines.
    let verse = &pages[find("The gutters talk")];
    let col = |needle: &str| verse.lines().find(|l| l.contains(needle)).map(|l| l.len() - l.trim_start().len()).unwrap();
    assert!(col("low, then lower") > col("The gutters talk"), "{verse}");
    assert!(col("the way verse should") > col("low, then lower"), "{verse}");
    // /Lang on the passages' structure elements.
    let qdf = out.join("q.pdf");
    assert!(Command::new("qpdf").args(["--qdf", "--object-streams=disable"]).arg(&pdf).arg(&qdf).status().unwrap().success());
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(raw.contains("/Lang (ru)") && raw.contains("/Lang (fr)"), "on the divisions' structure elements");
    // … and on the marked content of every run of such text, an inline span's included.
    assert!(raw.contains("/Lang(ru)>>BDC") && raw.contains("/Lang(fr)>>BDC"));
    let fr_runs = raw.matches("/Lang(fr)>>BDC").count();
    let fr_div_lines = 4; // the French division's lines on its page
    assert!(fr_runs > fr_div_lines, "the inline <span lang=\"fr\"> is marked too ({fr_runs} runs)");
}

#[test]
fn quire_init_makes_a_book_that_builds_and_never_overwrites() {
    let dir = temp_dir("init").join("my-first-book");
    let r = quire(&["init", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("quire build"), "says what to run next: {}", r.stdout);
    let r = quire(&["build", "--book", dir.to_str().unwrap(), "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_clean_epubcheck(&dir.join("out/my-first-book.epub"));
    assert_eq!(std::fs::read_to_string(dir.join(".gitignore")).unwrap(), "out/\n");
    let toml = std::fs::read_to_string(dir.join("book.toml")).unwrap();
    assert!(toml.contains("title = \"My First Book\""), "{toml}");
    let r = quire(&["init", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already holds book.toml"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("book.toml")).unwrap(), toml);
}

#[test]
fn otf_fonts_licences_and_the_authors_stylesheet() {
    let otf = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fonts/QuireTestSerif-Regular.otf")).unwrap();
    let toml = "[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"ch1.md\"]\n[fonts]\nregular = \"fonts/QuireTestSerif-Regular.otf\"\n[epub]\ncss = \"style.css\"\n";
    let css = b"/* url(ignored) in a comment */\nh1 { letter-spacing: 0.1em; }\n";
    let dir = book(
        "otf",
        &[
            ("book.toml", toml.as_bytes()),
            ("ch1.md", b"# Title\n\nPlain \"text\" in a PostScript-outline font.\n"),
            ("fonts/QuireTestSerif-Regular.otf", &otf),
            ("style.css", css),
        ],
    );
    let r = quire(&["build", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The PDF embeds the CFF font (krilla subsets it); the colophon names its licence from its name table.
    let fonts = Command::new("pdffonts").arg(dir.join("out/a-book.pdf")).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(
        fonts
            .lines()
            .any(|l| l.contains("QuireTestSerif") && l.contains("Type 1C") || l.contains("QuireTestSerif") && l.contains("CID Type 0C")),
        "{fonts}"
    );
    let text = Command::new("pdftotext").arg(dir.join("out/a-book.pdf")).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    // Only the fonts the book prints are named: no code, so no Source Code Pro (not in the PDF either).
    assert!(text.contains("Set in Quire Test Serif & EB Garamond (SIL Open Font License 1.1)"), "{text}");
    assert!(!fonts.contains("SourceCodePro") && !text.contains("Source Code Pro"), "{fonts}");
    // The EPUB embeds it whole as font/otf, and appends the author's stylesheet after quire's.
    let epub = dir.join("out/a-book.epub");
    assert_clean_epubcheck(&epub);
    let (_, files, _) = unzip(&epub);
    assert!(files.contains_key("EPUB/fonts/regular.otf"));
    let opf = String::from_utf8_lossy(&files["EPUB/package.opf"]);
    assert!(opf.contains("href=\"fonts/regular.otf\" media-type=\"font/otf\""), "{opf}");
    let book_css = String::from_utf8_lossy(&files["EPUB/css/book.css"]);
    assert!(book_css.trim_end().ends_with("h1 { letter-spacing: 0.1em; }"), "the author's rules come last");
    // A stylesheet that would load something from outside is refused at its place.
    std::fs::write(dir.join("style.css"), "p { color: red; }\nbody { background: url(\"https://example.org/x.png\"); }\n").unwrap();
    assert_error(&check(&dir), &["style.css:2:20", "url("]);
    // A licence given in book.toml wins over the font's, and must name one of the book's fonts.
    let toml2 =
        format!("{toml}[fonts.licenses]\n\"fonts/QuireTestSerif-Regular.otf\" = \"Example Licence 2.0\"\n\"fonts/Other.ttf\" = \"X\"\n");
    std::fs::write(dir.join("style.css"), css).unwrap();
    std::fs::write(dir.join("book.toml"), &toml2).unwrap();
    assert_error(&check(&dir), &["book.toml:11:", "not one of the book's fonts"]);
    let toml3 = toml2.replace("\"fonts/Other.ttf\" = \"X\"\n", "");
    std::fs::write(dir.join("book.toml"), &toml3).unwrap();
    let r = quire(&["build", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = Command::new("pdftotext").arg(dir.join("out/a-book.pdf")).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Set in Quire Test Serif (Example Licence 2.0) and EB Garamond (SIL Open Font License 1.1)"), "{text}");
}

#[test]
fn the_designers_options_reach_both_formats() {
    // The anthology sets spaced paragraphs, larger chapter titles and an ornament between sections.
    let out = built();
    let (_, files, _) = unzip(&out.join("small-hours.epub"));
    let css = String::from_utf8_lossy(&files["EPUB/css/book.css"]);
    assert!(css.contains("hr::after { content: \"⁂\"; }") && css.contains("p { margin: 0 0 1em; }"), "{css}");
    assert!(css.trim_end().ends_with("h1 { letter-spacing: 0.02em; }"), "the author's stylesheet comes last");
    // Titles and headings in the heading font ([fonts] heading), in both formats.
    assert!(files.contains_key("EPUB/fonts/heading.otf"));
    assert!(css.contains(
        "font-family: \"Book Heading\"; font-weight: 400; font-style: normal; src: url(\"../fonts/heading.otf\") format(\"opentype\")"
    ));
    assert!(css.contains("h1, h2, h3, h4, h5, h6, .book-title, .book-subtitle, .part-title, .part-label { font-family: \"Book Heading\""));
    let fonts = Command::new("pdffonts").arg(out.join("small-hours.pdf")).output().unwrap();
    assert!(String::from_utf8_lossy(&fonts.stdout).contains("QuireTestSerif-Regular"));
    let bbox = Command::new("pdftotext").args(["-f", "9", "-l", "9", "-bbox"]).arg(out.join("small-hours.pdf")).arg("-").output().unwrap();
    assert!(String::from_utf8_lossy(&bbox.stdout).contains(">Songs<"), "the chapter title is on page 9");
    let pdf = out.join("small-hours.pdf");
    let text = Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let it_was = lines.iter().position(|l| l.trim() == "It was.").expect("the ferry's paragraph");
    // A blank line before the ornament's own line, centred, then a blank line and the next paragraph.
    let orn = lines[it_was + 1..].iter().position(|l| !l.trim().is_empty()).map(|i| it_was + 1 + i).unwrap();
    assert_eq!(lines[orn].trim(), "⁂", "{}", lines[it_was..orn + 3].join("\n"));
    assert!(lines[it_was - 1].trim().is_empty() && lines[it_was - 2].contains("raining in town"), "spaced paragraphs");
    // The paragraph after a blank line starts at the margin (no indent when spaced).
    let next = lines[orn + 1..].iter().find(|l| !l.trim().is_empty()).unwrap();
    let margin = lines[it_was].len() - lines[it_was].trim_start().len();
    assert_eq!(next.len() - next.trim_start().len(), margin, "{next}");
}

#[test]
fn a_profile_can_print_the_authors_cover_as_its_first_page() {
    // A 2 × 3 pixel red PNG (RGB, each row: filter byte + pixels).
    let raw: Vec<u8> = (0..3).flat_map(|_| [0u8, 200, 30, 30, 200, 30, 30]).collect();
    let png = png_file(2, 3, 2, 0, &raw);
    let toml = "[metadata]\ntitle = \"A Book\"\ncover = \"cover.png\"\n[contents]\nchapters = [\"ch1.md\"]\n[profiles.screen]\ncover = true\n[profiles.print]\nbleed = \"3mm\"\n";
    let dir =
        book("pdf-cover", &[("book.toml", toml.as_bytes()), ("ch1.md", b"# One\n\nText, and [a link](#one).\n"), ("cover.png", &png)]);
    let r = quire(&["build", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pages = |name: &str| {
        let o = Command::new("pdfinfo").arg(dir.join("out").join(name)).output().unwrap();
        let info = String::from_utf8_lossy(&o.stdout).into_owned();
        info.lines().find(|l| l.starts_with("Pages:")).and_then(|l| l.split_whitespace().nth(1)).unwrap().parse::<usize>().unwrap()
    };
    assert_eq!(pages("a-book-screen.pdf"), pages("a-book-print.pdf") + 1, "one cover page more");
    for name in ["a-book-screen.pdf", "a-book-print.pdf"] {
        let q = Command::new("qpdf").arg("--check").arg(dir.join("out").join(name)).output().unwrap();
        assert!(q.status.success(), "{name}: {}", String::from_utf8_lossy(&q.stdout));
    }
    // The first page is the image, filling the page; the half-title follows.
    let png_out = dir.join("out/p1");
    assert!(
        Command::new("pdftoppm")
            .args(["-r", "20", "-f", "1", "-l", "1", "-singlefile"])
            .arg(dir.join("out/a-book-screen.pdf"))
            .arg(&png_out)
            .status()
            .unwrap()
            .success()
    );
    let ppm = std::fs::read(dir.join("out/p1.ppm")).unwrap();
    // P6 header: magic, width, height, maxval, each followed by one whitespace byte.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        let end = at + ppm[at..].iter().position(|b| b.is_ascii_whitespace()).unwrap();
        fields.push(String::from_utf8_lossy(&ppm[at..end]).into_owned());
        at = end + 1;
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    for (x, y) in [(1, 1), (w / 2, h / 2), (w - 2, h - 2)] {
        let px = &ppm[at + (y * w + x) * 3..at + (y * w + x) * 3 + 3];
        assert!(px[0] > 150 && px[1] < 80 && px[2] < 80, "the cover fills the page: pixel ({x}, {y}) is {px:?}");
    }
    let text = Command::new("pdftotext").args(["-f", "2", "-l", "2"]).arg(dir.join("out/a-book-screen.pdf")).arg("-").output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("A Book"));
    let text = Command::new("pdftotext").args(["-f", "1", "-l", "1"]).arg(dir.join("out/a-book-screen.pdf")).arg("-").output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).trim().is_empty(), "the cover page has no text of its own");
    // Without a cover image the profile's cover is an error at its key.
    let dir2 = book(
        "pdf-cover-missing",
        &[("book.toml", toml.replace("cover = \"cover.png\"\n", "").as_bytes()), ("ch1.md", b"# One\n\nText.\n")],
    );
    assert_error(&check(&dir2), &["book.toml:6:9", "has no cover image"]);
}
