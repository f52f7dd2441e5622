//! The documents quire adds to a book: cover page, title page, part title pages, "How to cite",
//! font licences and the colophon.

use super::xml::{Xml, xhtml_head};
use crate::i18n::Key;
use crate::model::{Book, Inline};
use crate::text::fonts::FontSet;
use std::collections::BTreeMap;

const CSS: &str = "../css/book.css";

/// `<body epub:type="…">` + a section, the content written by `f`, then the document's end.
fn document(mut x: Xml, body_type: &str, section: &[(&'static str, &str)], f: impl FnOnce(&mut Xml)) -> String {
    x.open("body", &[("epub:type", body_type)]).nl().open("section", section).nl();
    f(&mut x);
    x.close("section").nl().close("body").nl().close("html").nl();
    x.into_string()
}

fn creators_by_role<'a>(book: &'a Book, role: &str) -> Vec<&'a str> {
    book.meta.creators.iter().filter(|c| c.role == role).map(|c| c.name.as_str()).collect()
}

pub fn cover_page(book: &Book, src: &str) -> String {
    let m = &book.meta;
    let mut alt = format!("Cover: {}", m.title);
    if let Some(sub) = &m.subtitle {
        alt.push_str(&format!(". {sub}"));
    }
    let mut x = xhtml_head(&m.language, &m.title, CSS);
    x.open("body", &[("class", "cover"), ("epub:type", "cover")]).nl().open("section", &[("epub:type", "cover")]).nl();
    x.empty("img", &[("role", "doc-cover"), ("src", src), ("alt", &alt)]).nl();
    x.close("section").nl().close("body").nl().close("html").nl();
    x.into_string()
}

pub fn title_page(book: &Book, markers: &Xml) -> String {
    let m = &book.meta;
    let label = crate::i18n::t(&m.language, Key::TitlePage);
    let head = xhtml_head(&m.language, &m.title, CSS);
    document(head, "frontmatter", &[("class", "titlepage"), ("epub:type", "titlepage"), ("aria-label", label)], |x| {
        x.append(markers);
        x.leaf("h1", &[("class", "book-title")], &m.title).nl();
        if let Some(sub) = &m.subtitle {
            x.leaf("p", &[("class", "book-subtitle")], sub).nl();
        }
        let authors = creators_by_role(book, "aut");
        if !authors.is_empty() {
            x.leaf("p", &[("class", "book-author")], &authors.join(" and ")).nl();
        }
        let editors = creators_by_role(book, "edt");
        if !editors.is_empty() {
            let line = format!("{} {}", crate::i18n::t(&m.language, Key::EditedBy), editors.join(" and "));
            x.leaf("p", &[("class", "book-editor")], &line).nl();
        }
        if let Some(p) = &m.publisher {
            x.leaf("p", &[("class", "book-publisher")], p).nl();
        }
    })
}

/// A part's title page (`pi` counts parts from 0).
pub fn part_page(book: &Book, pi: usize, id: &str, title: &str, markers: &Xml) -> String {
    let lang = &book.meta.language;
    let title_id = crate::model::anchors::title_id(id);
    let mut x = xhtml_head(lang, title, CSS);
    x.open("body", &[("epub:type", "bodymatter")]).nl();
    x.open("section", &[("id", id), ("class", "part"), ("epub:type", "part"), ("role", "doc-part"), ("aria-labelledby", &title_id)]);
    x.append(markers).nl();
    let label = format!("{} {}", crate::i18n::t(lang, Key::Part), crate::numbering::roman(pi + 1));
    x.open("h1", &[("id", &title_id)])
        .leaf("span", &[("class", "part-label")], &label)
        .lit(" ")
        .leaf("span", &[("class", "part-title")], title)
        .close("h1")
        .nl();
    x.close("section").nl().close("body").nl().close("html").nl();
    x.into_string()
}

pub fn cite_page(book: &Book, paras: &[Vec<Inline>], markers: &Xml) -> String {
    let m = &book.meta;
    let title = crate::i18n::t(&m.language, Key::HowToCite);
    let head = xhtml_head(&m.language, title, CSS);
    let section = [
        ("id", "how-to-cite"),
        ("class", "how-to-cite"),
        ("epub:type", "appendix"),
        ("role", "doc-appendix"),
        ("aria-labelledby", "how-to-cite-title"),
    ];
    document(head, "backmatter", &section, |x| {
        x.append(markers);
        x.leaf("h1", &[("id", "how-to-cite-title")], title).nl();
        for p in paras {
            x.open("p", &[]);
            prose(p, x);
            x.close("p").nl();
        }
    })
}

/// Text quire writes itself: plain text, and titles of works as `<cite>`; anything else is
/// written as its plain text.
fn prose(inlines: &[Inline], x: &mut Xml) {
    for i in inlines {
        match i {
            Inline::Text(t) => {
                x.text(t);
            }
            Inline::Span { kind: crate::model::SpanKind::Cite, children } => {
                x.open("cite", &[]);
                prose(children, x);
                x.close("cite");
            }
            other => {
                x.text(&crate::model::plain_text(std::slice::from_ref(other)));
            }
        }
    }
}

pub fn licence_page(book: &Book, licences: &BTreeMap<&str, &str>) -> String {
    let title = crate::i18n::t(&book.meta.language, Key::FontLicences);
    let head = xhtml_head(&book.meta.language, title, CSS);
    let section = [
        ("id", "font-licences"),
        ("class", "licences"),
        ("epub:type", "appendix"),
        ("role", "doc-appendix"),
        ("aria-labelledby", "font-licences-title"),
    ];
    document(head, "backmatter", &section, |x| {
        x.leaf("h1", &[("id", "font-licences-title")], title).nl();
        for (family, text) in licences {
            x.open("section", &[("aria-label", family)]).nl().leaf("h2", &[], family).nl();
            x.leaf("pre", &[("class", "licence")], text.trim()).nl().close("section").nl();
        }
    })
}

/// What the colophon says besides the book's metadata.
pub struct ColophonSpec<'a> {
    /// Extra entries: (label, plain text).
    pub extra: &'a [(String, String)],
    pub markers: &'a Xml,
    /// Link the font licences page.
    pub licence_link: bool,
}

pub fn colophon(book: &Book, fonts: &FontSet, spec: &ColophonSpec) -> String {
    let m = &book.meta;
    let tr = |k| crate::i18n::t(&m.language, k);
    let head = xhtml_head(&m.language, tr(Key::Colophon), CSS);
    let section = [
        ("id", "colophon"),
        ("class", "colophon"),
        ("epub:type", "colophon"),
        ("role", "doc-colophon"),
        ("aria-labelledby", "colophon-title"),
    ];
    document(head, "backmatter", &section, |x| {
        x.append(spec.markers);
        x.leaf("h1", &[("id", "colophon-title")], tr(Key::Colophon)).nl();
        x.open("p", &[]).leaf("i", &[], &m.title);
        if let Some(sub) = &m.subtitle {
            x.lit(": ").text(sub);
        }
        x.close("p").nl();
        // (label, value as markup)
        let mut facts: Vec<(String, Xml)> = Vec::new();
        let plain = |t: &str| {
            let mut v = Xml::new();
            v.text(t);
            v
        };
        if let Some(e) = &m.edition {
            facts.push((tr(Key::Edition).into(), plain(e)));
        }
        if let Some(d) = m.date {
            facts.push((tr(Key::Published).into(), plain(&d.long(&m.language))));
        }
        if let Some(p) = &m.publisher {
            facts.push((tr(Key::Publisher).into(), plain(p)));
        }
        facts.push((tr(Key::Identifier).into(), plain(&m.identifier)));
        for c in &m.creators {
            let mut chars = c.role_name.chars();
            let role: String = chars.next().map(|f| f.to_uppercase().chain(chars).collect()).unwrap_or_default();
            facts.push((role, plain(&c.name)));
        }
        if let Some(r) = &m.rights {
            facts.push((tr(Key::Rights).into(), plain(r)));
        }
        let mut types = plain(&fonts.licence_statement(book, tr(Key::And), tr(Key::LicenceUnstated)));
        if spec.licence_link {
            types.lit("; see the ").leaf("a", &[("href", "font-licences.xhtml")], "licence texts");
        }
        facts.push((tr(Key::Type).into(), types));
        for (k, v) in spec.extra {
            facts.push((k.clone(), plain(v)));
        }
        facts.push((tr(Key::MadeWith).into(), plain(&format!("quire {}", env!("CARGO_PKG_VERSION")))));
        x.open("dl", &[]).nl();
        for (k, v) in facts {
            x.leaf("dt", &[], &k).open("dd", &[]).append(&v).close("dd").nl();
        }
        x.close("dl").nl();
    })
}
