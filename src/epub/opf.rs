//! The package document: metadata (with accessibility metadata), manifest and spine.

use super::xml::Xml;
use super::{Doc, Item};
use crate::model::Book;

fn meta(x: &mut Xml, property: &str, value: &str) {
    x.leaf("meta", &[("property", property)], value).nl();
}

fn descriptive(x: &mut Xml, book: &Book) {
    let m = &book.meta;
    let id = if let Some(isbn) = m.identifier.strip_prefix("isbn:") {
        format!("urn:isbn:{}", isbn.replace(['-', ' '], ""))
    } else {
        m.identifier.clone()
    };
    x.leaf("dc:identifier", &[("id", "pub-id")], &id).nl();
    x.leaf("dc:title", &[("id", "title")], &m.title).nl();
    x.leaf("meta", &[("refines", "#title"), ("property", "title-type")], "main").nl();
    if let Some(sub) = &m.subtitle {
        x.leaf("dc:title", &[("id", "subtitle")], sub).nl();
        x.leaf("meta", &[("refines", "#subtitle"), ("property", "title-type")], "subtitle").nl();
    }
    x.leaf("dc:language", &[], &m.language).nl();
    for (i, c) in m.creators.iter().enumerate() {
        let el = if c.role == "aut" || c.role == "edt" { "dc:creator" } else { "dc:contributor" };
        let (id, refines) = (format!("creator-{}", i + 1), format!("#creator-{}", i + 1));
        x.leaf(el, &[("id", &id)], &c.name).nl();
        x.leaf("meta", &[("refines", &refines), ("property", "role"), ("scheme", "marc:relators")], c.role).nl();
        if let Some(f) = &c.file_as {
            x.leaf("meta", &[("refines", &refines), ("property", "file-as")], f).nl();
        }
    }
    if let Some(p) = &m.publisher {
        x.leaf("dc:publisher", &[], p).nl();
    }
    if let Some(d) = m.date {
        x.leaf("dc:date", &[], &d.iso()).nl();
    }
    if let Some(r) = &m.rights {
        x.leaf("dc:rights", &[], r).nl();
    }
    if let Some(d) = &m.description {
        x.leaf("dc:description", &[], d).nl();
    }
    for subj in &m.subjects {
        x.leaf("dc:subject", &[], subj).nl();
    }
    meta(x, "dcterms:modified", &m.modified);
    if let Some(e) = &m.edition {
        meta(x, "schema:bookEdition", e);
    }
}

/// Accessibility metadata (EPUB Accessibility 1.1).
fn accessibility(x: &mut Xml, book: &Book, items: &[Item], page_source: Option<&str>) {
    let has_images = items.iter().any(|i| i.href.starts_with("images/") && i.id != "cover-image");
    meta(x, "schema:accessMode", "textual");
    if has_images {
        meta(x, "schema:accessMode", "visual");
        meta(x, "schema:accessModeSufficient", "textual,visual");
    }
    meta(x, "schema:accessModeSufficient", "textual");
    let mut features = vec!["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"];
    if page_source.is_some() {
        features.push("pageBreakMarkers");
        features.push("pageNavigation");
    }
    if has_images {
        features.push("alternativeText");
    }
    for f in features {
        meta(x, "schema:accessibilityFeature", f);
    }
    meta(x, "schema:accessibilityHazard", "none");
    if let Some(src) = page_source {
        meta(x, "pageBreakSource", src);
    }
    // The summary states what the EPUB has; a conformance claim only when the author makes one.
    let claims = &book.meta.claims;
    let summary = match &claims.summary {
        Some(s) => s.clone(),
        None => {
            let mut s = String::new();
            if let Some(c) = &claims.conforms_to {
                s.push_str(&format!("This publication claims conformance to {c}. "));
            }
            s.push_str("It has a table of contents, landmarks and a logical heading structure; ");
            if has_images {
                s.push_str("every image has a text alternative; ");
            }
            if page_source.is_some() {
                s.push_str("page-break markers and a page list lead to the pages of the print edition; ");
            }
            s.push_str("text can be resized and restyled by the reading system.");
            s
        }
    };
    meta(x, "schema:accessibilitySummary", &summary);
    if let Some(c) = &claims.conforms_to {
        x.leaf("meta", &[("property", "dcterms:conformsTo"), ("id", "conf")], c).nl();
        if let Some(by) = &claims.certified_by {
            x.leaf("meta", &[("property", "a11y:certifiedBy"), ("refines", "#conf")], by).nl();
        }
    }
}

pub fn package_document(book: &Book, items: &[Item], spine: &[Doc], page_source: Option<&str>) -> String {
    let mut x = Xml::new();
    x.lit("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.open(
        "package",
        &[
            ("xmlns", "http://www.idpf.org/2007/opf"),
            ("version", "3.0"),
            ("unique-identifier", "pub-id"),
            ("xml:lang", &book.meta.language),
        ],
    )
    .nl();
    x.open("metadata", &[("xmlns:dc", "http://purl.org/dc/elements/1.1/")]).nl();
    descriptive(&mut x, book);
    accessibility(&mut x, book, items, page_source);
    x.close("metadata").nl().open("manifest", &[]).nl();
    for it in items {
        let mut attrs: Vec<(&'static str, &str)> = vec![("id", &it.id), ("href", &it.href), ("media-type", it.media_type)];
        if let Some(p) = it.properties {
            attrs.push(("properties", p));
        }
        x.empty("item", &attrs).nl();
    }
    x.close("manifest").nl().open("spine", &[]).nl();
    for d in spine {
        let mut attrs: Vec<(&'static str, &str)> = vec![("idref", &items[d.item].id)];
        if !d.linear {
            attrs.push(("linear", "no"));
        }
        x.empty("itemref", &attrs).nl();
    }
    x.close("spine").nl().close("package").nl();
    x.into_string()
}
