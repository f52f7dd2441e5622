//! The reference print edition's pages in the EPUB: where each page-break marker goes.

use crate::model::pagemap::{DocId, PageMap, PageStart};
use std::collections::BTreeMap;

/// The EPUB's name for a document of the book (its file is [`doc_file`]).
pub fn doc_key(doc: &DocId) -> String {
    match doc {
        DocId::TitlePage => "titlepage".into(),
        DocId::Contents => "toc".into(),
        DocId::Part(id) | DocId::Chapter(id) => id.clone(),
        DocId::HowToCite => "how-to-cite".into(),
        DocId::Colophon => "colophon".into(),
    }
}

/// The package file of a document key.
pub fn doc_file(key: &str) -> String {
    match key {
        "titlepage" => "text/titlepage.xhtml".into(),
        "toc" => "nav.xhtml".into(),
        "colophon" => "text/colophon.xhtml".into(),
        "how-to-cite" => "text/how-to-cite.xhtml".into(),
        other => format!("text/{other}.xhtml"),
    }
}

/// Where the markers of the reference edition's pages go.
#[derive(Default)]
pub struct Markers {
    /// Document key (chapter/part id, `titlepage`, `toc`, `colophon`) → labels at its start.
    pub starts: BTreeMap<String, Vec<String>>,
    /// (chapter id, paragraph number) → (character offset, label).
    pub paras: BTreeMap<(String, u32), Vec<(usize, String)>>,
    /// (chapter id, sub-heading id) → labels before that heading.
    pub heads: BTreeMap<(String, String), Vec<String>>,
    /// Labels in page order with the document each marker is in.
    pub list: Vec<(String, String)>,
}

impl Markers {
    pub fn place(map: &PageMap) -> Markers {
        let mut m = Markers::default();
        let mut pending: Vec<String> = Vec::new();
        for (label, start) in map.labels.iter().zip(&map.starts) {
            match start {
                PageStart::Follow => pending.push(label.clone()),
                PageStart::Doc(doc) => {
                    let doc = doc_key(doc);
                    for l in pending.drain(..).chain(std::iter::once(label.clone())) {
                        m.list.push((l.clone(), doc.clone()));
                        m.starts.entry(doc.clone()).or_default().push(l);
                    }
                }
                PageStart::Heading { chapter, id } => {
                    for l in pending.drain(..).chain(std::iter::once(label.clone())) {
                        m.list.push((l.clone(), chapter.clone()));
                        m.heads.entry((chapter.clone(), id.clone())).or_default().push(l);
                    }
                }
                PageStart::Paragraph { chapter, n, offset } => {
                    for l in pending.drain(..).chain(std::iter::once(label.clone())) {
                        m.list.push((l.clone(), chapter.clone()));
                        m.paras.entry((chapter.clone(), *n)).or_default().push((*offset, l));
                    }
                }
            }
        }
        // Pages after the last text (padding) are marked at the start of the colophon.
        for l in pending {
            m.list.push((l.clone(), "colophon".into()));
            m.starts.entry("colophon".into()).or_default().push(l);
        }
        m
    }

    /// The markers at the start of a document, as markup.
    pub fn at_start(&self, key: &str) -> super::xml::Xml {
        let mut x = super::xml::Xml::new();
        for l in self.starts.get(key).into_iter().flatten() {
            super::xhtml::page_marker(&mut x, l);
        }
        x
    }

    /// The markers before a chapter's sub-headings: heading id → labels.
    pub fn before_headings(&self, id: &str) -> BTreeMap<String, Vec<String>> {
        let key = |h: &str| (id.to_string(), h.to_string());
        self.heads.range(key("")..).take_while(|((c, _), _)| c == id).map(|((_, h), v)| (h.clone(), v.clone())).collect()
    }

    /// The markers inside a chapter's paragraphs: paragraph number → (offset, label).
    pub fn in_chapter(&self, id: &str) -> BTreeMap<u32, Vec<(usize, String)>> {
        // A range of the sorted map, not a scan: a long book has thousands of chapters.
        let key = |n: u32| (id.to_string(), n);
        self.paras.range(key(0)..=key(u32::MAX)).map(|((_, n), v)| (*n, v.clone())).collect()
    }
}
