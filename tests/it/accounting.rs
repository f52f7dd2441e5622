//! Content accounting: every word of the model reaches every output. For each fixture book (and
//! this book), the words of the loaded model — titles, letter parts, body blocks of every kind,
//! notes, captions, credits — must all be found, as many times as the model has them, in the
//! EPUB's XHTML (text and alt attributes) and in each PDF's text (`pdftotext`, words divided at
//! a line end joined again). Alt texts are not visible on a printed page: the PDF is only asked
//! for the visible words. Generated pages (contents, colophon, running heads) may add words.
//! Every EPUB built here is also checked with EPUBCheck, every PDF with `qpdf --check`.

use crate::common::*;
use quire::model::{Block, Chapter, Inline};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Word counts, keyed by the lower-cased alphanumeric run.
type Bag = BTreeMap<String, usize>;

fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

fn add(bag: &mut Bag, text: &str) {
    for t in tokens(text) {
        *bag.entry(t).or_default() += 1;
    }
}

#[derive(Default)]
struct ModelWords {
    visible: Bag,
    alt: Bag,
}

impl ModelWords {
    /// The visible text of a list of inlines, run together as the outputs run it (markup
    /// never separates the letters of one word); alt texts counted apart.
    fn inlines(&mut self, v: &[Inline]) {
        let mut text = String::new();
        self.visible(v, &mut text);
        add(&mut self.visible, &text);
    }

    fn visible(&mut self, v: &[Inline], text: &mut String) {
        for i in v {
            match i {
                Inline::Image { alt, .. } => {
                    add(&mut self.alt, alt);
                    text.push(' ');
                }
                other => match children(other) {
                    Some(c) => self.visible(c, text),
                    None => text.push_str(&quire::model::plain_text(std::slice::from_ref(other))),
                },
            }
        }
    }

    /// Every block kind, through the model's own accessors (inline lists, child blocks), so a
    /// kind added to the model is counted without a change here.
    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::CodeBlock { text, .. } => add(&mut self.visible, text),
                Block::Figure(f) => add(&mut self.alt, &f.alt),
                _ => {}
            }
            for l in b.inline_lists() {
                self.inlines(l);
            }
            for c in b.children() {
                self.blocks(c);
            }
        }
    }

    fn chapter(&mut self, c: &Chapter) {
        // A display page's title that the manuscript does not give is only its kind's name,
        // for navigation: not manuscript content, and not printed.
        if c.title_shown {
            self.inlines(&c.title);
        }
        if let Some(l) = &c.letter {
            for part in [&l.dateline, &l.salutation, &l.closing, &l.signature, &l.source] {
                self.inlines(part);
            }
        }
        self.blocks(&c.blocks);
        for n in &c.notes {
            self.blocks(&n.blocks);
        }
    }
}

fn children(i: &Inline) -> Option<&[Inline]> {
    i.children().map(Vec::as_slice)
}

/// Words in `want` that `have` lacks (or has fewer times), with the shortfall.
fn missing(want: &Bag, have: &Bag) -> Vec<(String, usize)> {
    want.iter()
        .filter_map(|(w, n)| {
            let h = have.get(w).copied().unwrap_or(0);
            (h < *n).then(|| (w.clone(), n - h))
        })
        .collect()
}

/// The text of the XHTML documents in an EPUB: character data and `alt` attributes, entities
/// decoded. Markup never separates the letters of one word in quire's output except at element
/// boundaries inside a word, which the tokenizer treats like the model does (no space added).
fn epub_words(epub: &Path) -> Bag {
    let (_, files, _) = unzip(epub);
    let mut bag = Bag::new();
    for (name, bytes) in &files {
        if !name.ends_with(".xhtml") {
            continue;
        }
        let xml = String::from_utf8_lossy(bytes);
        let doc = roxmltree::Document::parse_with_options(&xml, roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let body = doc.descendants().find(|n| n.has_tag_name("body")).expect("body");
        let mut text = String::new();
        collect_text(body, &mut text);
        add(&mut bag, &text);
    }
    bag
}

/// The text inside `<main>` of every page of an HTML edition, read with the same rules as the
/// EPUB's documents (a WHATWG tokenizer: HTML is not XML).
fn html_words(site: &Path) -> Bag {
    use html5gum::{Token, Tokenizer};
    const VOID: &[&str] = &["br", "img", "hr", "meta", "link", "wbr", "col", "source", "input"];
    let mut bag = Bag::new();
    let mut todo = vec![site.to_path_buf()];
    let mut pages = 0;
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "html") {
                continue;
            }
            pages += 1;
            let html = std::fs::read_to_string(&path).unwrap();
            let (mut text, mut in_main, mut stack) = (String::new(), false, Vec::<bool>::new());
            let utf8 = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            for token in Tokenizer::new(&html).flatten() {
                match token {
                    Token::StartTag(t) => {
                        let name = utf8(&t.name);
                        if name == "main" {
                            in_main = true;
                            continue;
                        }
                        if !in_main {
                            continue;
                        }
                        let class = t.attributes.iter().find(|(k, _)| k.as_slice() == b"class").map(|(_, v)| utf8(&v.value));
                        let boundary = matches!(
                            name.as_str(),
                            "p" | "li" | "td" | "th" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "div" | "br" | "pre" | "dt" | "dd"
                        ) || class.is_some_and(|c| c.split(' ').any(|c| c == "pnum"));
                        if boundary {
                            text.push('\n');
                        }
                        if let Some((_, alt)) = t.attributes.iter().find(|(k, _)| k.as_slice() == b"alt") {
                            text.push(' ');
                            text.push_str(&utf8(&alt.value));
                            text.push(' ');
                        }
                        if !VOID.contains(&name.as_str()) {
                            stack.push(boundary);
                        }
                    }
                    Token::EndTag(t) if in_main => {
                        if t.name.as_slice() == b"main" {
                            in_main = false;
                        } else if stack.pop() == Some(true) {
                            text.push('\n');
                        }
                    }
                    Token::String(s) if in_main => text.push_str(&utf8(&s.value)),
                    _ => {}
                }
            }
            add(&mut bag, &text);
        }
    }
    assert!(pages > 1, "{}: no pages", site.display());
    bag
}

/// Character data and `alt` attributes under `node`. Block elements and generated numbers
/// (`span.pnum`, a paragraph's number in the margin) separate words; other inline elements
/// do not.
fn collect_text(node: roxmltree::Node, text: &mut String) {
    for n in node.children() {
        if n.is_text() {
            text.push_str(n.text().unwrap_or(""));
            continue;
        }
        if !n.is_element() {
            continue;
        }
        let boundary = matches!(
            n.tag_name().name(),
            "p" | "li" | "td" | "th" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "div" | "br" | "pre" | "dt" | "dd"
        ) || n.attribute("class").is_some_and(|c| c.split(' ').any(|c| c == "pnum"));
        if boundary {
            text.push('\n');
        }
        if let Some(alt) = n.attribute("alt") {
            text.push(' ');
            text.push_str(alt);
            text.push(' ');
        }
        collect_text(n, text);
        if boundary {
            text.push('\n');
        }
    }
}

/// The words of a PDF's text (`pdftotext -raw`: content order, no dehyphenation). A line
/// ending in a soft hyphen is joined to the next text line's first word (a line of digits only
/// between them is a line or paragraph number in the margin); a line ending in a hard hyphen
/// is joined when the joined word is one the model has, else the halves stay two words (a
/// compound that broke at its own hyphen).
fn pdf_words(pdf: &Path, vocabulary: &BTreeSet<String>) -> Bag {
    let out = Command::new("pdftotext").args(["-raw", pdf.to_str().unwrap(), "-"]).output().unwrap();
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    text_words(&String::from_utf8_lossy(&out.stdout), vocabulary)
}

fn text_words(text: &str, vocabulary: &BTreeSet<String>) -> Bag {
    // A code line turned over continues behind a mark (→): the halves of a token it cut are
    // joined like a divided word.
    let text = text.replace("\n→ ", "\u{ad}\n").replace("\n→", "\u{ad}\n");
    let mut bag = Bag::new();
    // (first half, divided by a soft hyphen, lines looked at since)
    let mut carry: Option<(String, bool, usize)> = None;
    for line in text.lines() {
        // A line number in the outer margin follows a recto's line: after a divided word's
        // first half it is not part of the text.
        let line = match line.trim_end().rsplit_once(' ') {
            Some((head, n)) if n.chars().all(|c| c.is_ascii_digit()) && head.trim_end().ends_with(['\u{ad}', '-']) => head,
            _ => line,
        };
        let trimmed = line.trim_end();
        let mut toks: Vec<String> = tokens(line).collect();
        if let Some((head, soft, seen)) = carry.take() {
            match toks.first() {
                Some(first) if vocabulary.contains(&format!("{head}{first}")) => toks[0] = format!("{head}{first}"),
                // A word divided by the typesetter continues after a folio, running head,
                // margin number or a caption at the next page's top: look a few lines on.
                Some(_) if soft && seen < 4 => carry = Some((head, soft, seen + 1)),
                _ => toks.insert(0, head),
            }
        }
        let soft = trimmed.ends_with('\u{ad}');
        let ends_in_word = trimmed.chars().rev().find(|c| *c != '\u{ad}').is_some_and(char::is_alphanumeric);
        if carry.is_none() && (trimmed.ends_with('-') || trimmed.ends_with('‐') || (soft && ends_in_word)) && !toks.is_empty() {
            carry = toks.pop().map(|t| (t, soft, 0));
        }
        for t in toks {
            *bag.entry(t).or_default() += 1;
        }
    }
    if let Some((t, _, _)) = carry {
        *bag.entry(t).or_default() += 1;
    }
    bag
}

pub(crate) fn account(book_dir: &Path) {
    let loaded = quire::load(book_dir).unwrap_or_else(|d| panic!("{} does not load: {d:?}", book_dir.display()));
    let mut words = ModelWords::default();
    add(&mut words.visible, &loaded.book.meta.title);
    for p in &loaded.book.parts {
        if let Some(t) = &p.title {
            add(&mut words.visible, t);
        }
    }
    for c in loaded.book.chapters() {
        words.chapter(c);
    }
    let total: usize = words.visible.values().sum();
    assert!(total > 20, "{}: the model has only {total} words", book_dir.display());

    let out = temp_dir("accounting");
    let r = quire(&["build", "--quiet", "--format", "all", "--book", book_dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}: build failed:\n{}", book_dir.display(), r.stderr);
    let files: Vec<PathBuf> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();

    let mut epub_want = words.visible.clone();
    for (w, n) in &words.alt {
        *epub_want.entry(w.clone()).or_default() += n;
    }
    let vocabulary: BTreeSet<String> = epub_want.keys().cloned().collect();
    let mut checked = 0;
    for f in &files {
        let (want, have) = match f.extension().and_then(|e| e.to_str()) {
            Some("epub") => {
                assert_clean_epubcheck(f);
                (&epub_want, epub_words(f))
            }
            _ if f.is_dir() && f.to_string_lossy().ends_with("-html") => (&epub_want, html_words(f)),
            Some("pdf") => {
                let q = Command::new("qpdf").args(["--check", f.to_str().unwrap()]).output().unwrap();
                assert!(q.status.success(), "{}: qpdf --check: {}", f.display(), String::from_utf8_lossy(&q.stdout));
                if f.to_string_lossy().ends_with("-cover.pdf") {
                    continue; // the print cover holds the description, not the manuscript
                }
                (&words.visible, pdf_words(f, &vocabulary))
            }
            _ => continue,
        };
        let lost = missing(want, &have);
        assert!(lost.is_empty(), "{}: words of the manuscript missing from the output (word, how many): {lost:?}", f.display());
        checked += 1;
    }
    assert!(checked >= 3, "{}: expected an EPUB, an HTML edition and at least one PDF, found {files:?}", book_dir.display());
}

fn fixture_books() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut books = vec![root.to_path_buf()];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/books"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("book.toml").exists())
        .collect();
    fixtures.sort();
    books.extend(fixtures);
    books
}

#[test]
fn every_word_of_every_fixture_book_reaches_every_output() {
    for b in fixture_books() {
        account(&b);
    }
}

#[test]
fn accounting_sees_a_dropped_word_and_joins_divided_ones() {
    let vocabulary: BTreeSet<String> = ["continue", "we", "the", "kennedy", "khrushchov", "talks"].map(String::from).into();
    let mut want = Bag::new();
    add(&mut want, "we continue the Kennedy-Khrushchov talks");
    let vocabulary: BTreeSet<String> = vocabulary.into_iter().chain(["wecontinue".to_string()]).collect();
    let have = text_words("we con\u{ad}\n12\ntinue the Kennedy-\nKhrushchov\n", &vocabulary);
    assert_eq!(missing(&want, &have), vec![("talks".to_string(), 1)]);
    let have = text_words("we con-\ntinue the Kennedy-\nKhrushchov talks\n", &vocabulary);
    assert!(missing(&want, &have).is_empty());
}
