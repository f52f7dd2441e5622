//! The navigation document: contents, landmarks and the page list of the reference edition.

use super::xhtml::ChapterWriter;
use super::xml::{Xml, xhtml_head};
use crate::i18n::Key;
use crate::model::{Book, Chapter, Inline};
use crate::numbering::roman;

/// What the navigation document links besides the chapters.
pub struct NavSpec<'a> {
    /// The first document of the body (the `bodymatter` landmark).
    pub first_body: Option<&'a str>,
    /// Page-break markers at the start of the contents.
    pub markers: Xml,
    /// (page label, document file) in page order.
    pub page_list: &'a [(String, String)],
    pub has_cite_page: bool,
}

/// A chapter's entry: its number and title as markup (note references dropped).
fn toc_label(ch: &Chapter, x: &mut Xml) {
    let w = ChapterWriter {
        images: &Default::default(),
        chapter: ch,
        level: 1,
        paragraph_numbers: false,
        language: String::new(),
        marks: Default::default(),
        head_marks: Default::default(),
        start_marks: Vec::new(),
        state: Default::default(),
    };
    if let Some(n) = ch.letter.as_ref().and_then(|l| l.number.as_ref()) {
        x.text(n).lit(". ");
    }
    let title: Vec<Inline> = ch.title.iter().filter(|i| !matches!(i, Inline::NoteRef { .. })).cloned().collect();
    w.inlines(&title, x);
}

fn entry(x: &mut Xml, ch: &Chapter) {
    let href = format!("text/{}.xhtml", ch.id);
    x.open("li", &[]).wrap("a", &[("href", &href)], |x| toc_label(ch, x)).close("li").nl();
}

fn contents(x: &mut Xml, book: &Book, spec: &NavSpec) {
    let tr = |k| crate::i18n::t(&book.meta.language, k);
    x.open("nav", &[("id", "toc"), ("epub:type", "toc"), ("role", "doc-toc"), ("aria-labelledby", "toc-title")]).nl();
    x.leaf("h1", &[("id", "toc-title")], tr(Key::Contents)).nl().open("ol", &[]).nl();
    book.front.iter().for_each(|ch| entry(x, ch));
    for (pi, part) in book.parts.iter().enumerate() {
        match &part.title {
            Some(t) => {
                let href = format!("text/{}.xhtml", part.id);
                let label = format!("{} {}: {t}", tr(Key::Part), roman(pi + 1));
                x.open("li", &[]).leaf("a", &[("href", &href)], &label).nl().open("ol", &[]).nl();
                part.chapters.iter().for_each(|ch| entry(x, ch));
                x.close("ol").close("li").nl();
            }
            None => part.chapters.iter().for_each(|ch| entry(x, ch)),
        }
    }
    book.back.iter().for_each(|ch| entry(x, ch));
    if spec.has_cite_page {
        x.open("li", &[]).leaf("a", &[("href", "text/how-to-cite.xhtml")], tr(Key::HowToCite)).close("li").nl();
    }
    x.open("li", &[]).leaf("a", &[("href", "text/colophon.xhtml")], tr(Key::Colophon)).close("li").nl();
    x.close("ol").nl().close("nav").nl();
}

fn landmarks(x: &mut Xml, book: &Book, spec: &NavSpec) {
    let tr = |k| crate::i18n::t(&book.meta.language, k);
    x.open("nav", &[("epub:type", "landmarks"), ("aria-label", tr(Key::Landmarks)), ("hidden", "hidden")]).nl().open("ol", &[]).nl();
    let mark = |x: &mut Xml, kind: &str, href: &str, label: &str| {
        x.open("li", &[]).leaf("a", &[("epub:type", kind), ("href", href)], label).close("li").nl();
    };
    mark(x, "cover", "text/cover.xhtml", tr(Key::Cover));
    mark(x, "titlepage", "text/titlepage.xhtml", tr(Key::TitlePage));
    mark(x, "toc", "nav.xhtml#toc", tr(Key::Contents));
    // The first document of each kind of matter (foreword, preface, appendix, …).
    let mut seen = Vec::new();
    for ch in book.chapters() {
        if let Some((etype, _)) = ch.kind.semantics()
            && !seen.contains(&etype)
        {
            seen.push(etype);
            if ch.matter == crate::model::Matter::Front {
                mark(x, etype, &format!("text/{}.xhtml", ch.id), &ch.title_text());
            }
        }
    }
    if let Some(b) = spec.first_body {
        mark(x, "bodymatter", b, tr(Key::StartOfText));
    }
    seen.clear();
    for ch in book.chapters().filter(|c| c.matter != crate::model::Matter::Front) {
        if let Some((etype, _)) = ch.kind.semantics()
            && !seen.contains(&etype)
        {
            seen.push(etype);
            mark(x, etype, &format!("text/{}.xhtml", ch.id), &ch.title_text());
        }
    }
    mark(x, "colophon", "text/colophon.xhtml", tr(Key::Colophon));
    x.close("ol").nl().close("nav").nl();
}

pub fn nav_doc(book: &Book, spec: &NavSpec) -> String {
    let m = &book.meta;
    let tr = |k| crate::i18n::t(&m.language, k);
    let mut x = xhtml_head(&m.language, tr(Key::Contents), "css/book.css");
    x.open("body", &[("epub:type", "frontmatter")]).nl();
    x.append(&spec.markers);
    contents(&mut x, book, spec);
    landmarks(&mut x, book, spec);
    if !spec.page_list.is_empty() {
        x.open("nav", &[("epub:type", "page-list"), ("role", "doc-pagelist"), ("aria-label", tr(Key::PageList)), ("hidden", "hidden")])
            .nl()
            .open("ol", &[])
            .nl();
        for (label, doc) in spec.page_list {
            let href = format!("{doc}#page-{label}");
            x.open("li", &[]).leaf("a", &[("href", &href)], label).close("li").nl();
        }
        x.close("ol").nl().close("nav").nl();
    }
    x.close("body").nl().close("html").nl();
    x.into_string()
}
