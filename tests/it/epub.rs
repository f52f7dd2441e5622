//! EPUB output: EPUBCheck with no messages, well-formed XHTML, resolving links and notes,
//! alt text, languages, letters' markup, fixture books, determinism.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_epub(book: &Path, out: &Path) -> PathBuf {
    let r = quire(&["build", "--format", "epub", "--book", book.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
    let line = r.stdout.lines().find(|l| l.ends_with(".epub")).expect("wrote line");
    PathBuf::from(line.split_once(' ').unwrap().1)
}

/// Structural checks every EPUB must pass. Returns the parsed XHTML texts by path.
fn check_structure(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    let mut docs = BTreeMap::new();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, data) in files {
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".xml") || name.ends_with(".svg") {
            let text = String::from_utf8(data.clone()).expect("UTF-8");
            let doc = roxmltree::Document::parse_with_options(&text, roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() })
                .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
            if name.ends_with(".xhtml") {
                let root = doc.root_element();
                let lang = root.attribute("lang").unwrap_or_else(|| panic!("{name} has no lang"));
                assert!(!lang.is_empty());
                assert_eq!(root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")), Some(lang), "{name} xml:lang");
                let set = ids.entry(name.clone()).or_default();
                for n in doc.descendants().filter(|n| n.is_element()) {
                    if let Some(id) = n.attribute("id") {
                        assert!(set.insert(id.to_string()), "{name}: duplicate id {id}");
                    }
                    if n.tag_name().name() == "img" {
                        let alt = n.attribute("alt").unwrap_or_else(|| panic!("{name}: img without alt"));
                        assert!(!alt.trim().is_empty(), "{name}: empty alt");
                    }
                }
            }
            docs.insert(name.clone(), text);
        }
    }
    // Every internal link and note reference resolves to an existing file and id.
    for (name, text) in &docs {
        if !name.ends_with(".xhtml") {
            continue;
        }
        let doc =
            roxmltree::Document::parse_with_options(text, roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() }).unwrap();
        let base = Path::new(name).parent().unwrap();
        for n in doc.descendants().filter(|n| n.has_tag_name("a") || n.has_tag_name("img") || n.has_tag_name("link")) {
            let Some(href) = n.attribute("href").or(n.attribute("src")) else { continue };
            if href.contains("://") || href.starts_with("mailto:") {
                continue;
            }
            let (path, frag) = href.split_once('#').map(|(p, f)| (p, Some(f))).unwrap_or((href, None));
            let target = if path.is_empty() { name.clone() } else { normalize(&base.join(path)) };
            assert!(files.contains_key(&target), "{name}: link {href} → missing {target}");
            if let Some(f) = frag {
                assert!(ids.get(&target).is_some_and(|s| s.contains(f)), "{name}: link {href} → no id {f} in {target}");
            }
            if n.attribute(("http://www.idpf.org/2007/ops", "type")) == Some("noteref") {
                let f = frag.expect("noteref has a fragment");
                let tdoc = roxmltree::Document::parse_with_options(
                    &docs[&target],
                    roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
                )
                .unwrap();
                let aside = tdoc.descendants().find(|x| x.attribute("id") == Some(f)).unwrap();
                assert_eq!(aside.tag_name().name(), "aside");
                assert_eq!(aside.attribute(("http://www.idpf.org/2007/ops", "type")), Some("footnote"));
                assert_eq!(aside.attribute("role"), Some("doc-footnote"));
            }
        }
    }
    docs
}

fn normalize(p: &Path) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(s) => out.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    out.join("/")
}

#[test]
fn the_book_epub_is_valid_accessible_and_well_formed() {
    let out = temp_dir("book-epub");
    let epub = build_epub(&repo(), &out);
    assert_eq!(epub.file_name().unwrap(), "kennedy-khrushchov.epub");
    assert_clean_epubcheck(&epub);
    let (names, files, methods) = unzip(&epub);
    assert_eq!(names[0], "mimetype");
    assert_eq!(methods[0], 0, "mimetype is stored");
    assert_eq!(files["mimetype"], b"application/epub+zip");
    let docs = check_structure(&files);

    let opf = &docs["EPUB/package.opf"];
    for needle in [
        "<meta refines=\"#title\" property=\"title-type\">main</meta>",
        "property=\"title-type\">subtitle</meta>",
        "scheme=\"marc:relators\">aut</meta>",
        "scheme=\"marc:relators\">edt</meta>",
        "<dc:language>en</dc:language>",
        "<dc:identifier id=\"pub-id\">urn:uuid:4da035bc-3e2d-567e-8d53-4dfc9b82a906</dc:identifier>",
        "<meta property=\"dcterms:modified\">2026-11-27T00:00:00Z</meta>",
        "<dc:publisher>",
        "<dc:rights>",
        "<dc:description>",
        "<dc:subject>",
        "<dc:date>2026-11-27</dc:date>",
        "schema:accessMode\">textual",
        "schema:accessMode\">visual",
        "schema:accessModeSufficient\">textual",
        "schema:accessibilityFeature\">alternativeText",
        "schema:accessibilityFeature\">tableOfContents",
        "schema:accessibilityHazard\">none",
        "schema:accessibilitySummary",
        "dcterms:conformsTo\" id=\"conf\">EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
        "a11y:certifiedBy",
        "properties=\"cover-image\"",
        "properties=\"nav\"",
    ] {
        assert!(opf.contains(needle), "OPF lacks {needle}");
    }

    // Navigation: parts → chapters/letters, landmarks.
    let nav = &docs["EPUB/nav.xhtml"];
    assert!(nav.contains("epub:type=\"toc\"") && nav.contains("epub:type=\"landmarks\""));
    assert!(nav.contains("epub:type=\"bodymatter\"") && nav.contains("<a epub:type=\"toc\""));
    let part2 = nav.find("Part II: The Letters").expect("part II in toc");
    let l22 = nav.find("22. Letter From President Kennedy").expect("letter 22 in toc");
    assert!(l22 > part2 && nav[part2..l22].contains("<ol>"), "letters nested under their part");

    // Letter markup.
    let l = &docs["EPUB/text/doc-22.xhtml"];
    for needle in [
        "epub:type=\"z3998:letter\"",
        "<p class=\"dateline\"><time datetime=\"1961-10-16\">Hyannis Port, October 16, 1961.</time></p>",
        "<p class=\"salutation\" epub:type=\"z3998:salutation\">Dear Mr. Chairman:</p>",
        "<p class=\"closing\" epub:type=\"z3998:valediction\">Sincerely,</p>",
        "<p class=\"signature\" epub:type=\"z3998:sender\">John F. Kennedy</p>",
        "<aside class=\"source-note\"",
        "<em>Kennedy-Khrushchev Exchanges</em>, Document 22.",
        "role=\"doc-chapter\"",
    ] {
        assert!(l.contains(needle), "letter 22 lacks {needle}");
    }
    // Figures with caption and credit.
    let t19 = &docs["EPUB/text/doc-19.xhtml"];
    assert!(t19.contains("<figcaption><span class=\"caption\">August 1961:"));
    assert!(t19.contains("<span class=\"credit\">U.S. National Archives</span>"));
    // Fonts embedded, subset, with their licence.
    let reg = &files["EPUB/fonts/regular.ttf"];
    assert!(reg.len() < quire::text::fonts::DEFAULT_REGULAR.len() / 2, "regular font subset: {} bytes", reg.len());
    let lic = &docs["EPUB/text/font-licences.xhtml"];
    assert!(lic.contains("<h2>EB Garamond</h2>") && lic.contains("SIL OPEN FONT LICENSE"));
    assert!(docs["EPUB/text/colophon.xhtml"].contains("href=\"font-licences.xhtml\""));
    // Every epub:type with an ARIA counterpart carries the role (Ace's epub-type-has-matching-role).
    assert!(docs["EPUB/text/colophon.xhtml"].contains("epub:type=\"colophon\" role=\"doc-colophon\""));
    // No unused faces: the book has no code and no bold.
    assert!(!files.contains_key("EPUB/fonts/mono.ttf"));
    // CSS: relative units, hyphenation, no px font sizes.
    let css = String::from_utf8_lossy(&files["EPUB/css/book.css"]);
    assert!(css.contains("hyphens: auto"));
    assert!(!css.contains("px;") || !css.lines().any(|l| l.contains("font-size") && l.contains("px")));
}

#[test]
fn two_builds_are_byte_identical() {
    let a = build_epub(&repo(), &temp_dir("det-a"));
    let b = build_epub(&repo(), &temp_dir("det-b"));
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn kitchen_sink_fixture_renders_every_block() {
    let epub = build_epub(&repo().join("tests/fixtures/books/kitchen-sink"), &temp_dir("sink"));
    assert_clean_epubcheck(&epub);
    let (_, files, _) = unzip(&epub);
    let docs = check_structure(&files);
    let b = &docs["EPUB/text/blocks.xhtml"];
    for needle in [
        "<em>emphasis</em>",
        "<strong>strong</strong>",
        "<s>struck</s>",
        "<code>inline code</code>",
        "<a href=\"https://example.org\" title=\"Example\">",
        "<a href=\"notes.xhtml#notes-a-section\">",
        "“smart quotes”",
        "—",
        "…",
        "<br/>",
        // A fraction (fraction slash) set as one; a date with solidi left as written.
        "<span class=\"frac\">1⁄2</span>, is set",
        "written with solidi, 7/16/1961, is not",
        "<blockquote>\n<p id=\"blocks-p2\">A block quote.</p>\n<blockquote>",
        "<ol>",
        "<ul>",
        ">nested unordered</li>",
        "<pre><code class=\"language-rust\">",
        "<span class=\"hl-s\">&quot;&lt;code&gt; &amp; ",
        "<span class=\"hl-k\">fn</span>",
        "<th scope=\"col\" class=\"center\">Centre</th>",
        "<td class=\"right\">22</td>",
        "<hr/>",
        "<h2 id=\"blocks-a-section\">",
        "<h3 id=\"blocks-a-subsection\">",
        "<h4 id=\"blocks-a-level-four-heading\">",
        "<span class=\"credit\">Test Archive</span>",
        "<img src=\"../images/diagram.svg\"",
        "alt=\"small plate\"",
    ] {
        assert!(b.contains(needle), "blocks.xhtml lacks {needle}");
    }
    // Loose list items hold paragraphs; tight ones do not.
    assert!(b.contains("<li>\n<p id=\"blocks-p"), "loose items hold paragraphs");
    assert!(b.contains(">Loose item one</p>"));
    // One figure has a credit, the other not.
    assert_eq!(b.matches("<figcaption>").count(), 2);
    assert_eq!(b.matches("class=\"credit\"").count(), 1);
    // Notes: several per chapter, one referenced twice with two back links.
    let n = &docs["EPUB/text/notes.xhtml"];
    assert_eq!(n.matches("epub:type=\"noteref\"").count(), 4);
    assert_eq!(n.matches("epub:type=\"footnote\"").count(), 3);
    assert!(n.contains("href=\"#notes-note-a-ref-2\" role=\"doc-backlink\""));
    assert!(n.contains("<p>Its second paragraph.</p>\n</aside>"));
    // Bold is used, so the bold face is embedded; code is used, so the mono face too.
    assert!(files.contains_key("EPUB/fonts/bold.ttf") && files.contains_key("EPUB/fonts/mono.ttf"));
    let opf = &docs["EPUB/package.opf"];
    assert!(opf.contains("<dc:identifier id=\"pub-id\">urn:isbn:9780306406157</dc:identifier>"));
    assert!(opf.contains("<dc:contributor id=\"creator-2\">B. Helper</dc:contributor>"));
    assert!(opf.contains("scheme=\"marc:relators\">trl</meta>"));
}

#[test]
fn german_fixture_has_german_language_and_dates() {
    let epub = build_epub(&repo().join("tests/fixtures/books/german"), &temp_dir("german"));
    assert_clean_epubcheck(&epub);
    let (_, files, _) = unzip(&epub);
    let docs = check_structure(&files);
    for (name, text) in &docs {
        if name.ends_with(".xhtml") {
            assert!(text.contains("lang=\"de\" xml:lang=\"de\""), "{name} is not German");
        }
    }
    let brief = &docs["EPUB/text/doc-3.xhtml"];
    assert!(brief.contains("Berlin, 16. Oktober 1961."), "{brief}");
    assert!(brief.contains("Mit herzlichen Grüßen"));
    assert!(docs["EPUB/text/einleitung.xhtml"].contains("„Buch“"));
    assert!(docs["EPUB/package.opf"].contains("<dc:language>de</dc:language>"));
    // The words quire adds are German too.
    assert!(docs["EPUB/nav.xhtml"].contains("<h1 id=\"toc-title\">Inhalt</h1>"));
    assert!(docs["EPUB/text/colophon.xhtml"].contains("<h1 id=\"colophon-title\">Impressum</h1>"));
    assert!(docs["EPUB/text/how-to-cite.xhtml"].contains("Zitieren Sie diese Ausgabe als: Erika Musterfrau, Hrsg. <cite>Briefe</cite>."));
    assert!(brief.contains("<span class=\"label\">Quelle:</span>"));
}

#[test]
fn image_of_unsupported_type_is_an_error_with_location() {
    let dir = book(
        "bmp",
        &[
            ("book.toml", MINIMAL_TOML.as_bytes()),
            ("ch1.md", b"# T\n\nText.\n\n```figure\nimage = \"pic.bmp\"\nalt = \"A bitmap\"\n```\n"),
            ("pic.bmp", b"BM\x00\x00\x00\x00not really"),
        ],
    );
    let out = dir.join("out");
    let r = quire(&["build", "--format", "epub", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_error(&r, &["image `pic.bmp` is not a PNG, JPEG, GIF or SVG image", "ch1.md:5:1"]);
    assert!(!out.exists(), "nothing written on error");
}

#[test]
fn failed_build_keeps_previous_output() {
    let dir = book("keepprev", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# T\n\nGood text.\n")]);
    let out = temp_dir("keepprev-out");
    let first = build_epub(&dir, &out);
    let good = std::fs::read(&first).unwrap();
    std::fs::write(dir.join("ch1.md"), b"# T\n\nBroken[^nope] text.\n").unwrap();
    let r = quire(&["build", "--format", "epub", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(std::fs::read(&first).unwrap(), good, "previous EPUB untouched");
    let leftovers: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(leftovers.iter().all(|n| !n.contains(".tmp")), "no temporary files left: {leftovers:?}");
}

#[test]
fn an_html_image_width_sizes_the_figure_in_both_formats() {
    let md = "# T\n\n<figure>\n<img src=\"pic.png\" alt=\"A plate.\" width=\"120\">\n<figcaption>Small.</figcaption>\n</figure>\n";
    let dir = book("imgwidth", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes()), ("pic.png", &grey_png(400, 200))]);
    let loaded = quire::load(&dir).unwrap_or_else(|d| panic!("{d:?}"));
    let layout = quire::typeset(&loaded, &loaded.fonts).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(layout.dump().contains("[image pic.png 90.0×45.0]"), "120 px = 90 pt wide, half as tall:\n{}", layout.dump());
    let out = dir.join("out");
    let r = quire(&["build", "--format", "epub", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, files, _) = unzip(&out.join("a-book.epub"));
    let ch = String::from_utf8_lossy(&files["EPUB/text/ch1.xhtml"]);
    assert!(ch.contains("alt=\"A plate.\" width=\"120\"") && ch.contains("Small."), "{ch}");
}

/// A grey greyscale PNG of `w` × `h` pixels (each row: filter byte 0, then the pixels).
fn grey_png(w: u32, h: u32) -> Vec<u8> {
    let row: Vec<u8> = std::iter::once(0).chain(std::iter::repeat_n(128, w as usize)).collect();
    let raw: Vec<u8> = (0..h).flat_map(|_| row.clone()).collect();
    png_file(w, h, 0, 0, &raw)
}

#[test]
fn the_authors_cover_is_the_epub_cover_image() {
    let toml = "[metadata]\ntitle = \"A Book\"\ncover = \"art/front.png\"\n[contents]\nchapters = [\"ch1.md\"]\n";
    let dir = book(
        "own-cover",
        &[
            ("book.toml", toml.as_bytes()),
            ("ch1.md", b"# T\n\n![A figure named like a cover.](cover.png)\n"),
            ("art/front.png", &grey_png(60, 90)),
            ("cover.png", &grey_png(20, 20)),
        ],
    );
    let out = dir.join("out");
    let r = quire(&["build", "--format", "epub", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let epub = out.join("a-book.epub");
    assert_clean_epubcheck(&epub);
    let (_, files, _) = unzip(&epub);
    let opf = String::from_utf8_lossy(&files["EPUB/package.opf"]);
    assert!(opf.contains("href=\"images/cover.png\" media-type=\"image/png\" properties=\"cover-image\""), "{opf}");
    assert_eq!(files["EPUB/images/cover.png"], grey_png(60, 90), "the author's file, as given");
    assert!(!files.contains_key("EPUB/images/cover.svg"), "no generated cover");
    let page = String::from_utf8_lossy(&files["EPUB/text/cover.xhtml"]);
    assert!(page.contains("src=\"../images/cover.png\""), "{page}");
    // A figure that happens to be called cover.png keeps its own name.
    assert!(files.contains_key("EPUB/images/img-cover.png"));

    // A cover that is not there is an error at its line in book.toml.
    let toml = "[metadata]\ntitle = \"A Book\"\ncover = \"art/none.jpg\"\n[contents]\nchapters = [\"ch1.md\"]\n";
    let dir = book("no-cover", &[("book.toml", toml.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    assert_error(&check(&dir), &["`art/none.jpg` does not exist", "book.toml:3:9"]);
}

#[test]
fn a_verse_block_keeps_its_lines_indents_and_stanzas() {
    let md = "# T\n\n```verse\nThe *first* line,\n    indented,\n\nnext stanza.\n```\n";
    let dir = book("verse", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", md.as_bytes())]);
    let out = dir.join("out");
    let r = quire(&["build", "--format", "epub", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, files, _) = unzip(&out.join("a-book.epub"));
    let ch = String::from_utf8_lossy(&files["EPUB/text/ch1.xhtml"]);
    let want = "<div class=\"line-block\">\n<p class=\"line\">The <em>first</em> line,</p>\n<p class=\"line\">    indented,</p>\n<p class=\"line\"></p>\n<p class=\"line\">next stanza.</p>\n</div>";
    assert!(ch.contains(want), "{ch}");
}

#[test]
fn a_book_without_a_date_prints_no_invented_one() {
    let dir = book("nodate", &[("book.toml", CITABLE_TOML.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    let out = dir.join("out");
    let r = quire(&["build", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = std::process::Command::new("pdftotext").args([out.join("a-book.pdf").to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8_lossy(&pdf.stdout);
    assert!(!text.contains("2000") && !text.contains("Published"), "{text}");
    assert!(text.contains("Cite this edition as: A Book. urn:uuid:"), "{text}");
    let (_, files, _) = unzip(&out.join("a-book.epub"));
    for (name, bytes) in &files {
        let s = String::from_utf8_lossy(bytes);
        if name.ends_with(".xhtml") {
            assert!(!s.contains("2000"), "{name} prints an invented year");
        }
    }
    let opf = String::from_utf8_lossy(&files["EPUB/package.opf"]);
    assert!(!opf.contains("<dc:date>"), "{opf}");
    for f in ["CITATION.cff", "a-book.bib", "a-book.ris", "a-book.csl.json"] {
        let s = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(!s.contains("2000"), "{f} carries an invented year:\n{s}");
    }
}
