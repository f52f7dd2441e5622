//! The citable edition: reproducible bytes from any directory, SHA256SUMS and `quire verify`,
//! the EPUB's page list against the reference PDF's pages, stable paragraph anchors, colophon,
//! "How to cite" and citation files.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the book (book.toml and manuscript/) into `dir`.
fn copy_book(dir: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let t = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &t);
            } else {
                std::fs::copy(e.path(), t).unwrap();
            }
        }
    }
    std::fs::copy(repo().join("book.toml"), dir.join("book.toml")).unwrap();
    copy(&repo().join("manuscript"), &dir.join("manuscript"));
}

fn build(book: &Path, args: &[&str]) -> Run {
    let mut a = vec!["build", "--quiet", "--book", book.to_str().unwrap()];
    a.extend_from_slice(args);
    let r = quire(&a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

fn unzip_text(epub: &Path, name: &str) -> String {
    unzip_all(epub).remove(name).unwrap_or_else(|| panic!("no {name} in the EPUB"))
}

fn unzip_all(epub: &Path) -> std::collections::BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut s = String::new();
        if std::io::Read::read_to_string(&mut f, &mut s).is_ok() {
            out.insert(name, s);
        }
    }
    out
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// `s` without the paragraph numbers the EPUB prints (the PDF's are in the margin, not the text).
fn without_pnums(s: &str) -> String {
    let mut s = s.to_string();
    while let Some(i) = s.find("<span class=\"pnum\">") {
        let end = s[i..].find("</span>").map_or(s.len(), |j| i + j + 7);
        s.replace_range(i..end, "");
    }
    s
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in s.chars() {
        match c {
            '<' => tag = true,
            '>' => {
                tag = false;
                out.push(' ');
            }
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
}

#[test]
fn same_bytes_from_different_directories_and_verify() {
    // Two copies at different absolute paths, built from different working directories.
    let a = temp_dir("repro-a");
    let b = temp_dir("repro-b-with-a-longer-path");
    copy_book(&a);
    copy_book(&b);
    let ra = Command::new(env!("CARGO_BIN_EXE_quire")).args(["build", "--quiet", "--profile", "trade"]).current_dir(&a).output().unwrap();
    assert!(ra.status.success(), "{}", String::from_utf8_lossy(&ra.stderr));
    build(&b, &["--profile", "trade"]);
    let (oa, ob) = (a.join("out"), b.join("out"));
    let mut names: Vec<String> = std::fs::read_dir(&oa).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert!(names.contains(&"kennedy-khrushchov.epub".to_string()) && names.contains(&"kennedy-khrushchov-trade.pdf".to_string()));
    for n in &names {
        assert_eq!(std::fs::read(oa.join(n)).unwrap(), std::fs::read(ob.join(n)).unwrap(), "{n} differs between directories");
        let bytes = std::fs::read(oa.join(n)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(a.to_str().unwrap()) && !text.contains("/root") && !text.contains("/tmp"), "{n} leaks a path");
    }
    // SHA256SUMS lists every output, and `quire verify` agrees; a changed byte is caught.
    let sums = std::fs::read_to_string(oa.join("SHA256SUMS")).unwrap();
    for n in names.iter().filter(|n| *n != "SHA256SUMS") {
        assert!(sums.contains(&format!("  {n}\n")), "SHA256SUMS lacks {n}");
    }
    let sha = Command::new("sha256sum").arg("-c").arg("SHA256SUMS").current_dir(&oa).output().unwrap();
    assert!(sha.status.success(), "sha256sum -c: {}", String::from_utf8_lossy(&sha.stdout));
    let v = quire(&["verify", "--book", a.to_str().unwrap()]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(v.stdout.contains("ok        kennedy-khrushchov-trade.pdf"), "{}", v.stdout);
    let mut bib = std::fs::read(oa.join("kennedy-khrushchov.bib")).unwrap();
    bib.push(b'\n');
    std::fs::write(oa.join("kennedy-khrushchov.bib"), bib).unwrap();
    let v = quire(&["verify", "--book", a.to_str().unwrap()]);
    assert_eq!(v.code, 1);
    assert!(v.stdout.contains("MODIFIED  kennedy-khrushchov.bib"), "{}", v.stdout);
    // A changed source no longer rebuilds the recorded bytes.
    let l19 = a.join("manuscript/letters/19.md");
    let t = std::fs::read_to_string(&l19).unwrap().replace("friendship and peace", "peace and friendship");
    std::fs::write(&l19, t).unwrap();
    let v = quire(&["verify", "--book", a.to_str().unwrap()]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout.contains("MISMATCH  kennedy-khrushchov.epub") && v.stdout.contains("MISMATCH  kennedy-khrushchov-trade.pdf"),
        "{}",
        v.stdout
    );
}

#[test]
fn epub_page_breaks_match_the_reference_pdf_page_by_page() {
    let out = temp_dir("pagelist");
    build(&repo(), &["--profile", "trade", "--out", out.to_str().unwrap()]);
    let epub = out.join("kennedy-khrushchov.epub");
    let pdf = out.join("kennedy-khrushchov-trade.pdf");
    let loaded = quire::load(&repo()).unwrap();
    let fonts = loaded.fonts.clone();
    let lay = quire::typeset(&loaded, &fonts).unwrap();
    assert_eq!(loaded.config.profiles[loaded.config.reference].name, "trade");
    let nav = unzip_text(&epub, "EPUB/nav.xhtml");
    assert!(nav.contains("epub:type=\"page-list\""));
    let opf = unzip_text(&epub, "EPUB/package.opf");
    assert!(opf.contains("pageBreakSource") && opf.contains("pageBreakMarkers"));
    let files = unzip_all(&epub);
    // Figures float to a page's top or foot: their captions are not where the page's text starts.
    let mut in_figures = std::collections::BTreeSet::new();
    fn collect(nodes: &[quire::layout::SNode], n: usize, inside: bool, out: &mut std::collections::BTreeSet<usize>) {
        let inside = inside || matches!(nodes[n].kind, quire::layout::SKind::Figure(_));
        for c in &nodes[n].children {
            match c {
                quire::layout::SChild::Node(k) => collect(nodes, *k, inside, out),
                quire::layout::SChild::Content(c) if inside => {
                    out.insert(*c);
                }
                _ => {}
            }
        }
    }
    collect(&lay.nodes, 0, false, &mut in_figures);
    assert!(!in_figures.is_empty());
    let mut checked = 0;
    let mut prev_hyphen = false;
    for (i, page) in lay.pages.iter().enumerate() {
        let label = page.label.text();
        // The page list has every page, in order.
        assert!(nav.contains(&format!("#page-{label}\">{label}</a>")), "page-list lacks {label}");
        // The page's own text, as the PDF draws it (no running heads, folios or numbers).
        let text: String = page
            .items
            .iter()
            .filter_map(|it| match it {
                quire::layout::Placed::Text { run, content: Some(c), .. } if !in_figures.contains(c) => Some(run.text.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ");
        let starts_mid_word = prev_hyphen;
        prev_hyphen = text.trim_end().ends_with('\u{ad}');
        if matches!(lay.map.starts[i], quire::model::pagemap::PageStart::Follow) || text.trim().is_empty() {
            continue;
        }
        let mut expected = words(&text.replace("\u{ad} ", "").replace('\u{ad}', ""));
        if starts_mid_word && matches!(lay.map.starts[i], quire::model::pagemap::PageStart::Paragraph { .. }) {
            expected.remove(0); // the marker follows the word that began on the previous page
        }
        // Find marker N in the EPUB and the text after it.
        let marker = format!("id=\"page-{label}\"");
        let mut after = None;
        for (name, t) in files.iter().filter(|(n, _)| n.ends_with(".xhtml")) {
            if let Some(pos) = t.find(&marker) {
                assert!(after.is_none(), "marker {label} twice ({name})");
                let rest = &t[pos..];
                let rest = &rest[rest.find("</span>").unwrap() + 7..];
                after = Some(words(&strip_tags(&without_pnums(rest))));
            }
        }
        let after = after.unwrap_or_else(|| panic!("no marker for page {label}"));
        let n = 3.min(expected.len());
        assert_eq!(&after[..n], &expected[..n], "page {label}: EPUB text after the marker vs the PDF page's first text");
        // And the PDF itself shows these words on that page.
        let o = Command::new("pdftotext")
            .args(["-f", &(i + 1).to_string(), "-l", &(i + 1).to_string(), pdf.to_str().unwrap(), "-"])
            .output()
            .unwrap();
        let pw = words(&String::from_utf8_lossy(&o.stdout).replace("\u{ad}\n", ""));
        assert!(expected[..n].iter().all(|w| pw.contains(w)), "page {label}: PDF text lacks {:?}", &expected[..n]);
        checked += 1;
    }
    assert!(checked >= 15, "checked {checked} pages");
}

#[test]
fn paragraph_anchors_survive_edits_elsewhere() {
    let dir = temp_dir("anchors");
    copy_book(&dir);
    build(&dir, &["--format", "epub"]);
    let epub = dir.join("out/kennedy-khrushchov.epub");
    let before = unzip_text(&epub, "EPUB/text/doc-22.xhtml");
    // Edit letter 7 and the wording of one paragraph of letter 22.
    let l7 = dir.join("manuscript/letters/07.md");
    let t = std::fs::read_to_string(&l7).unwrap().replace("I have asked Ambassador Thompson", "I have now asked Ambassador Thompson");
    std::fs::write(&l7, t).unwrap();
    let l22 = dir.join("manuscript/letters/22.md");
    let t = std::fs::read_to_string(&l22).unwrap().replace("My family has had a home here", "My family has long had a home here");
    std::fs::write(&l22, t).unwrap();
    build(&dir, &["--format", "epub"]);
    let after = unzip_text(&epub, "EPUB/text/doc-22.xhtml");
    let para = |doc: &str, n: u32| -> String {
        let id = format!("id=\"doc-22-p{n}\"");
        let i = doc.find(&id).unwrap_or_else(|| panic!("no {id}"));
        strip_tags(&doc[i..doc[i..].find("</p>").unwrap() + i])
    };
    for n in 1..=26 {
        let (a, b) = (para(&before, n), para(&after, n));
        if n == 2 {
            assert_ne!(a, b, "the edited paragraph changed");
        } else {
            let strip = |s: &str| words(s).into_iter().filter(|w| w.parse::<u32>().is_err()).collect::<Vec<_>>();
            assert_eq!(strip(&a), strip(&b), "paragraph {n} keeps its anchor and text");
        }
    }
    assert!(before.contains("<span class=\"pnum\">14</span>"), "paragraph numbers are shown");
}

#[test]
fn colophon_how_to_cite_and_citation_files() {
    let out = temp_dir("cite");
    build(&repo(), &["--profile", "trade", "--out", out.to_str().unwrap()]);
    let loaded = quire::load(&repo()).unwrap();
    let fonts = loaded.fonts.clone();
    let lay = quire::typeset(&loaded, &fonts).unwrap();
    let epub = out.join("kennedy-khrushchov.epub");
    let colophon = unzip_text(&epub, "EPUB/text/colophon.xhtml");
    for needle in [
        "Version",
        "1.0",
        "Foreign Relations of the United States",
        "Content fingerprint",
        &loaded.book.meta.fingerprint,
        "Reference print edition",
        "quire 0.1.0",
        "SIL Open Font License",
        "urn:uuid:",
    ] {
        assert!(colophon.contains(needle), "EPUB colophon lacks {needle}");
    }
    assert_eq!(loaded.book.meta.fingerprint.len(), 64);
    let cite = unzip_text(&epub, "EPUB/text/how-to-cite.xhtml");
    assert!(cite.contains("Cite this edition as:") && cite.contains("¶"), "{cite}");
    // The book's title is a title of a work: `<cite>` in the EPUB, italics in the PDF.
    assert!(cite.contains("<cite>The Kennedy–Khrushchov Secret Correspondence"), "{cite}");
    let cite_page = lay.anchors["how-to-cite"].0;
    let italic_title = lay.pages[cite_page].items.iter().any(|it| {
        matches!(it, quire::layout::Placed::Text { run, content: Some(_), .. }
            if run.style.face == quire::text::fonts::Face::Italic && run.text.contains("Secret"))
    });
    assert!(italic_title, "the PDF's How to cite page sets the book's title in italics");
    let pdf = out.join("kennedy-khrushchov-trade.pdf");
    let o = Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().unwrap();
    let t = String::from_utf8_lossy(&o.stdout).replace("\u{ad}\n", "").replace('\n', " ");
    assert!(t.contains("How to Cite This Edition") && t.contains("Content fingerprint"), "PDF lacks the cite page or colophon facts");
    assert!(t.contains(&loaded.book.meta.fingerprint[..16]));

    // CSL-JSON and CITATION.cff parse; page ranges are those of the reference PDF.
    let py = |code: &str, file: &Path| -> String {
        let o = Command::new("python3").args(["-c", code, file.to_str().unwrap()]).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let csl = py(
        "import json,sys; d=json.load(open(sys.argv[1])); print(len(d)); print([e.get('page') for e in d if e['type']=='letter'])",
        &out.join("kennedy-khrushchov.csl.json"),
    );
    let cff = py(
        "import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); print(d['cff-version'], d['title'][:10], len(d['references']), d['preferred-citation']['type'])",
        &out.join("CITATION.cff"),
    );
    assert!(cff.starts_with("1.2.0 The Kenned 3 book"), "{cff}");
    let mut ranges = Vec::new();
    for ch in loaded.book.chapters().filter(|c| c.letter.is_some()) {
        let (a, b) = quire::cite::page_range(&lay, &loaded.book, ch).unwrap();
        ranges.push(format!("'{a}-{b}'"));
    }
    assert_eq!(csl, format!("4\n[{}]", ranges.join(", ")));
    let bib = std::fs::read_to_string(out.join("kennedy-khrushchov.bib")).unwrap();
    assert_eq!(bib.matches("\n@").count() + usize::from(bib.starts_with('@')), 4);
    assert_eq!(bib.matches('{').count(), bib.matches('}').count());
    let (a, b) = quire::cite::page_range(&lay, &loaded.book, loaded.book.chapters().find(|c| c.id == "doc-22").unwrap()).unwrap();
    assert!(bib.contains(&format!("pages = {{{a}--{b}}}")));
    let ris = std::fs::read_to_string(out.join("kennedy-khrushchov.ris")).unwrap();
    assert_eq!(ris.matches("TY  - ").count(), 4);
    assert_eq!(ris.matches("ER  - ").count(), 4);
    assert!(ris.contains(&format!("SP  - {a}\r\nEP  - {b}")));
}

/// The names of the files in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn the_citable_machinery_is_opt_in_and_claims_are_the_authors() {
    // Without [edition]: no How to cite, no citation files, no checksums, no page list, no
    // fingerprint; without [accessibility]: features only, no conformance claim.
    let plain = book("not-citable", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    let r = quire(&["build", "--book", plain.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names_in(&plain.join("out")), ["a-book.epub", "a-book.pdf"]);
    assert_clean_epubcheck(&plain.join("out/a-book.epub"));
    let (_, files, _) = unzip(&plain.join("out/a-book.epub"));
    assert!(!files.contains_key("EPUB/text/how-to-cite.xhtml"));
    let opf = String::from_utf8_lossy(&files["EPUB/package.opf"]);
    assert!(!opf.contains("conformsTo") && !opf.contains("certifiedBy") && !opf.contains("WCAG"), "{opf}");
    assert!(!opf.contains("pageBreakSource") && opf.contains("structuralNavigation"), "{opf}");
    let nav = String::from_utf8_lossy(&files["EPUB/nav.xhtml"]);
    assert!(!nav.contains("page-list"), "{nav}");
    let colophon = String::from_utf8_lossy(&files["EPUB/text/colophon.xhtml"]);
    assert!(!colophon.contains("fingerprint") && !colophon.contains("reference print"), "{colophon}");
    let text = Command::new("pdftotext").arg(plain.join("out/a-book.pdf")).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(!text.contains("How to Cite") && !text.contains("fingerprint"), "{text}");

    // With [edition] (each part on unless turned off) and an author's claim.
    let toml = format!(
        "{MINIMAL_TOML}[edition]\ncitation-files = false\n[accessibility]\nconforms-to = \"EPUB Accessibility 1.1 - WCAG 2.2 Level AA\"\ncertified-by = \"A. Checker\"\n"
    );
    let cited = book("citable", &[("book.toml", toml.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    let r = quire(&["build", "--book", cited.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names_in(&cited.join("out")), ["SHA256SUMS", "a-book.epub", "a-book.pdf"]);
    assert_clean_epubcheck(&cited.join("out/a-book.epub"));
    let (_, files, _) = unzip(&cited.join("out/a-book.epub"));
    assert!(files.contains_key("EPUB/text/how-to-cite.xhtml"));
    let opf = String::from_utf8_lossy(&files["EPUB/package.opf"]);
    assert!(opf.contains(">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>") && opf.contains(">A. Checker</meta>"), "{opf}");
    assert!(opf.contains("pageBreakSource"), "{opf}");
    // A claim EPUB Accessibility does not define, and a certifier without a claim, are errors.
    let bad = format!("{MINIMAL_TOML}[accessibility]\nconforms-to = \"WCAG AA\"\n");
    let dir = book("bad-claim", &[("book.toml", bad.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    assert_error(&check(&dir), &["book.toml:6:", "not a conformance claim"]);
    let bad = format!("{MINIMAL_TOML}[accessibility]\ncertified-by = \"Me\"\n");
    let dir = book("bad-certifier", &[("book.toml", bad.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    assert_error(&check(&dir), &["book.toml:6:", "certified-by without conforms-to"]);
}

#[test]
fn the_contents_list_the_pages_quire_adds() {
    let toml = format!("{MINIMAL_TOML}[edition]\n[profiles.class]\nteacher-page = true\n");
    let dir = book("contents-lists-all", &[("book.toml", toml.as_bytes()), ("ch1.md", b"# One\n\nText.\n")]);
    let r = quire(&["build", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = Command::new("pdftotext").args(["-layout"]).arg(dir.join("out/a-book-class.pdf")).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let toc: Vec<&str> = text.lines().skip_while(|l| l.trim() != "Contents").skip(1).filter(|l| !l.trim().is_empty()).take(3).collect();
    let labels: Vec<String> = toc.iter().map(|l| l.split(" .").next().unwrap().trim().to_string()).collect();
    assert_eq!(labels, ["About This Edition", "One", "How to Cite This Edition"], "{toc:?}");
}
