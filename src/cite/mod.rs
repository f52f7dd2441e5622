//! The citable edition: the "How to cite" text and citation files (CITATION.cff, BibTeX,
//! CSL-JSON, RIS) for the edition and for each letter, with page ranges in the reference print
//! edition.

use crate::config::BookConfig;
use crate::layout::Layout;
use crate::model::{Book, Chapter, Inline, SpanKind, plain_text};
use std::fmt::Write;

/// A letter as a citable item of the edition.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    /// The title with the document's number ("22. Letter From …").
    pub title: String,
    pub number: Option<String>,
    pub sender: Option<String>,
    pub recipients: Vec<String>,
    pub place: Option<String>,
    pub date: Option<crate::config::Date>,
    /// First and last page labels in the reference print edition.
    pub pages: Option<(String, String)>,
}

/// Everything a citation of the edition needs.
#[derive(Debug, Clone)]
pub struct Edition {
    pub key: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub editors: Vec<String>,
    pub publisher: Option<String>,
    pub date: Option<crate::config::Date>,
    pub edition: Option<String>,
    pub version: Option<String>,
    pub identifier: String,
    pub url: Option<String>,
    pub source: Option<String>,
    pub language: String,
    /// The reference print edition, as named in the colophon.
    pub print: String,
    pub items: Vec<Item>,
}

impl Edition {
    pub fn new(book: &Book, cfg: &BookConfig, reference: Option<&Layout>) -> Edition {
        let m = &book.meta;
        let e = &cfg.config.edition;
        let p = &cfg.profiles[cfg.reference];
        let print = if p.name.is_empty() {
            format!("the PDF ({:.0} × {:.0} mm)", p.page.width / 72.0 * 25.4, p.page.height / 72.0 * 25.4)
        } else {
            format!("the {} PDF ({:.0} × {:.0} mm)", p.name, p.page.width / 72.0 * 25.4, p.page.height / 72.0 * 25.4)
        };
        let items = book
            .chapters()
            .filter_map(|c| {
                let l = c.letter.as_ref()?;
                Some(Item {
                    id: c.id.clone(),
                    title: c.label(),
                    number: l.number.clone(),
                    sender: l.sender.clone(),
                    recipients: l.recipients.clone(),
                    place: l.place.clone(),
                    date: l.date,
                    pages: reference.and_then(|lay| page_range(lay, book, c)),
                })
            })
            .collect();
        Edition {
            key: cfg.stem().replace('-', "_"),
            title: m.title.clone(),
            subtitle: m.subtitle.clone(),
            authors: m.creators.iter().filter(|c| c.role == "aut").map(|c| c.name.clone()).collect(),
            editors: m.creators.iter().filter(|c| c.role == "edt").map(|c| c.name.clone()).collect(),
            publisher: m.publisher.clone(),
            date: m.date,
            edition: m.edition.clone(),
            version: e.as_ref().and_then(|e| e.version.clone()),
            identifier: m.identifier.clone(),
            url: e.as_ref().and_then(|e| e.url.clone()),
            source: e.as_ref().and_then(|e| e.source.clone()),
            language: m.language.clone(),
            print,
            items,
        }
    }

    fn year(&self) -> String {
        self.date.map(|d| d.year.to_string()).unwrap_or_default()
    }

    /// The edition in a Chicago-like bibliography form (plain text).
    pub fn reference(&self) -> String {
        plain_text(&self.reference_inlines())
    }

    /// The edition's reference with its title (and subtitle) marked as the title of a work,
    /// which the PDF and the EPUB set in italics.
    fn reference_inlines(&self) -> Vec<Inline> {
        let mut before = String::new();
        if !self.editors.is_empty() {
            let (and, ed) = if self.language.split('-').next() == Some("de") { (" und ", "Hrsg.") } else { (" and ", "ed.") };
            let _ = write!(before, "{}, {ed} ", self.editors.join(and));
        }
        let mut title = self.title.clone();
        if let Some(sub) = &self.subtitle {
            let _ = write!(title, ": {sub}");
        }
        let mut s = String::from(".");
        if let Some(e) = &self.edition {
            let _ = write!(s, " {e}");
            if let Some(v) = &self.version {
                let _ = write!(s, ", version {v}");
            }
            s.push('.');
        }
        // No date given: no year (never an invented one).
        let year = self.year();
        let _ = match (&self.publisher, year.is_empty()) {
            (Some(p), false) => write!(s, " {p}, {year}."),
            (Some(p), true) => write!(s, " {p}."),
            (None, false) => write!(s, " {year}."),
            (None, true) => Ok(()),
        };
        let _ = write!(s, " {}.", self.identifier);
        let mut out = vec![Inline::Text(before), work_title(&title), Inline::Text(s)];
        out.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
        out
    }

    /// Paragraphs of the "How to cite this edition" page: independent of the layout, so every
    /// format prints the same text. Titles of works are marked (`SpanKind::Cite`).
    pub fn how_to_cite(&self, book: &Book) -> Vec<Vec<Inline>> {
        let de = self.language.split('-').next() == Some("de");
        let mut first = vec![Inline::Text(if de { "Zitieren Sie diese Ausgabe als: " } else { "Cite this edition as: " }.into())];
        first.extend(self.reference_inlines());
        let mut out = vec![first];
        let example = book.chapters().find(|c| c.letter.is_some());
        if let Some(c) = example {
            let l = c.letter.as_ref().unwrap();
            let to = if de { " an " } else { " to " };
            let who = format!(
                "{}{}",
                l.sender.as_deref().map(short_name).unwrap_or("?"),
                l.recipients.first().map(|r| format!("{to}{}", short_name(r))).unwrap_or_default()
            );
            let date = l.date.map(|d| format!(", {}", d.long(&self.language))).unwrap_or_default();
            let n = count_paragraphs(c).clamp(1, 3);
            out.push(if de {
                vec![
                    Inline::Text(format!("Zitieren Sie einen Brief mit Verfasser, Empfänger und Datum sowie der Absatznummer, die im PDF am Rand und im E-Book neben dem Text steht, zum Beispiel: {who}{date}, ¶ {n}, in ")),
                    work_title(&self.title),
                    Inline::Text(". Die Absatznummern beginnen mit jedem Brief neu und sind in allen Formaten und Drucken dieser Ausgabe gleich.".into()),
                ]
            } else {
                vec![
                    Inline::Text(format!("Cite a letter by its writer, addressee and date, with the paragraph number printed in the margin of the PDF and beside the text of the e-book, for example: {who}{date}, ¶ {n}, in ")),
                    work_title(&self.title),
                    Inline::Text(". Paragraph numbers start again with each letter and do not change between the formats or the printings of this edition.".into()),
                ]
            });
        }
        out.push(vec![Inline::Text(if de {
            format!(
                "Seitenzahlen beziehen sich auf {}, die Referenz-Druckausgabe; das E-Book markiert dieselben Seitenumbrüche, eine zitierte Seite ist in beiden dieselbe. Zitierdateien für Literaturverwaltungen (CITATION.cff, BibTeX, CSL-JSON, RIS) werden mit dieser Ausgabe veröffentlicht.",
                self.print
            )
        } else {
            format!(
                "Page numbers refer to {}, the reference print edition; the e-book marks the same page breaks, so a page cited from either is the same page. Citation files for reference managers (CITATION.cff, BibTeX, CSL-JSON, RIS) are published with this edition.",
                self.print
            )
        })]);
        out
    }

    pub fn cff(&self) -> String {
        let mut s = String::new();
        s.push_str("cff-version: 1.2.0\n");
        s.push_str("message: \"If you cite this edition, please cite it as below.\"\n");
        let _ = writeln!(s, "title: {}", yq(&self.full_title()));
        s.push_str("authors:\n");
        for a in self.editors.iter().chain(self.authors.iter()) {
            s.push_str(&cff_person(a, "  "));
        }
        if let Some(v) = &self.version {
            let _ = writeln!(s, "version: {}", yq(v));
        }
        if let Some(d) = self.date {
            let _ = writeln!(s, "date-released: {}", yq(&d.iso()));
        }
        s.push_str("identifiers:\n");
        let _ = writeln!(s, "  - type: other\n    value: {}", yq(&self.identifier));
        if let Some(u) = &self.url {
            let _ = writeln!(s, "url: {}", yq(u));
        }
        s.push_str("preferred-citation:\n  type: book\n");
        let _ = writeln!(s, "  title: {}", yq(&self.full_title()));
        s.push_str("  authors:\n");
        for a in self.authors.iter().chain(self.editors.iter()) {
            s.push_str(&cff_person(a, "    "));
        }
        if !self.editors.is_empty() {
            s.push_str("  editors:\n");
            for a in &self.editors {
                s.push_str(&cff_person(a, "    "));
            }
        }
        if let Some(p) = &self.publisher {
            let _ = writeln!(s, "  publisher:\n    name: {}", yq(p));
        }
        if let Some(d) = self.date {
            let _ = writeln!(s, "  year: {}", d.year);
        }
        if let Some(e) = &self.edition {
            let _ = writeln!(s, "  edition: {}", yq(e));
        }
        if !self.items.is_empty() {
            s.push_str("references:\n");
            for it in &self.items {
                let _ = writeln!(s, "  - type: generic\n    title: {}", yq(&it.title));
                s.push_str("    authors:\n");
                s.push_str(&cff_person(it.sender.as_deref().unwrap_or("Anonymous"), "      "));
                if let Some(d) = it.date {
                    let _ = writeln!(s, "    year: {}\n    date-published: {}", d.year, yq(&d.iso()));
                }
                let _ = writeln!(s, "    collection-title: {}", yq(&self.full_title()));
                let _ = writeln!(s, "    collection-type: book");
                if let Some((a, b)) = &it.pages {
                    let _ = writeln!(s, "    start: {}\n    end: {}", yq(a), yq(b));
                }
                if let Some(n) = &it.number {
                    let _ = writeln!(s, "    number: {}", yq(n));
                }
            }
        }
        s
    }

    pub fn bibtex(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "@book{{{},", self.key);
        let _ = writeln!(s, "  title = {{{}}},", bq(&self.full_title()));
        if !self.authors.is_empty() {
            let _ = writeln!(s, "  author = {{{}}},", self.authors.iter().map(|a| bib_name(a)).collect::<Vec<_>>().join(" and "));
        }
        if !self.editors.is_empty() {
            let _ = writeln!(s, "  editor = {{{}}},", self.editors.iter().map(|a| bib_name(a)).collect::<Vec<_>>().join(" and "));
        }
        self.bib_common(&mut s);
        s.push_str("}\n");
        for it in &self.items {
            let _ = writeln!(s, "\n@incollection{{{}_{},", self.key, it.id.replace('-', "_"));
            let _ = writeln!(s, "  title = {{{}}},", bq(&it.title));
            if let Some(a) = &it.sender {
                let _ = writeln!(s, "  author = {{{}}},", bib_name(a));
            }
            let _ = writeln!(s, "  booktitle = {{{}}},", bq(&self.full_title()));
            if !self.editors.is_empty() {
                let _ = writeln!(s, "  editor = {{{}}},", self.editors.iter().map(|a| bib_name(a)).collect::<Vec<_>>().join(" and "));
            }
            if let Some((a, b)) = &it.pages {
                let _ = writeln!(s, "  pages = {{{}--{}}},", bq(a), bq(b));
            }
            let note = [it.number.as_ref().map(|n| format!("Document {n}")), it.place.clone(), it.date.map(|d| d.long(&self.language))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            if !note.is_empty() {
                let _ = writeln!(s, "  note = {{{}}},", bq(&note));
            }
            self.bib_common(&mut s);
            s.push_str("}\n");
        }
        s
    }

    fn bib_common(&self, s: &mut String) {
        if let Some(p) = &self.publisher {
            let _ = writeln!(s, "  publisher = {{{}}},", bq(p));
        }
        if self.date.is_some() {
            let _ = writeln!(s, "  year = {{{}}},", self.year());
        }
        if let Some(e) = &self.edition {
            let _ = writeln!(s, "  edition = {{{}}},", bq(e));
        }
        if let Some(v) = &self.version {
            let _ = writeln!(s, "  version = {{{}}},", bq(v));
        }
        if let Some(u) = &self.url {
            let _ = writeln!(s, "  url = {{{}}},", bq(u));
        }
        let _ = writeln!(s, "  language = {{{}}},", bq(&self.language));
        let _ = writeln!(s, "  note = {{{}}}", bq(&self.identifier));
    }

    /// CSL-JSON, written by serde_json from typed records (valid by construction).
    pub fn csl_json(&self) -> String {
        let names = |v: &[String]| v.iter().map(|n| csl_name(n)).collect::<Vec<_>>();
        let issued = |d: Option<crate::model::date::Date>| d.map(|d| CslDate { date_parts: [[d.year, d.month as i32, d.day as i32]] });
        let mut records = vec![CslItem {
            id: self.key.clone(),
            kind: "book",
            title: self.full_title(),
            language: Some(self.language.clone()),
            note: Some(self.identifier.clone()),
            author: names(&self.authors),
            editor: names(&self.editors),
            publisher: self.publisher.clone(),
            issued: issued(self.date),
            edition: self.edition.clone(),
            version: self.version.clone(),
            url: self.url.clone(),
            ..CslItem::default()
        }];
        for it in &self.items {
            records.push(CslItem {
                id: format!("{}_{}", self.key, it.id.replace('-', "_")),
                kind: "letter",
                title: it.title.clone(),
                container_title: Some(self.full_title()),
                author: it.sender.iter().map(|a| csl_name(a)).collect(),
                recipient: names(&it.recipients),
                editor: names(&self.editors),
                issued: issued(it.date),
                page: it.pages.as_ref().map(|(a, b)| format!("{a}-{b}")),
                number: it.number.clone(),
                publisher: self.publisher.clone(),
                ..CslItem::default()
            });
        }
        let mut out = serde_json::to_string_pretty(&records).unwrap_or_else(|_| "[]".into());
        out.push('\n');
        out
    }

    pub fn ris(&self) -> String {
        let mut s = String::new();
        s.push_str("TY  - BOOK\r\n");
        let _ = write!(s, "TI  - {}\r\n", self.full_title());
        for a in &self.authors {
            let _ = write!(s, "AU  - {}\r\n", ris_name(a));
        }
        for a in &self.editors {
            let _ = write!(s, "ED  - {}\r\n", ris_name(a));
        }
        self.ris_common(&mut s);
        s.push_str("ER  - \r\n");
        for it in &self.items {
            s.push_str("TY  - CHAP\r\n");
            let _ = write!(s, "TI  - {}\r\n", it.title.clone());
            if let Some(a) = &it.sender {
                let _ = write!(s, "AU  - {}\r\n", ris_name(a));
            }
            let _ = write!(s, "T2  - {}\r\n", self.full_title());
            for a in &self.editors {
                let _ = write!(s, "ED  - {}\r\n", ris_name(a));
            }
            if let Some((a, b)) = &it.pages {
                let _ = write!(s, "SP  - {a}\r\nEP  - {b}\r\n");
            }
            if let Some(d) = it.date {
                let _ = write!(s, "DA  - {:04}/{:02}/{:02}/\r\n", d.year, d.month, d.day);
            }
            self.ris_common(&mut s);
            s.push_str("ER  - \r\n");
        }
        s
    }

    fn ris_common(&self, s: &mut String) {
        if let Some(p) = &self.publisher {
            let _ = write!(s, "PB  - {p}\r\n");
        }
        if self.date.is_some() {
            let _ = write!(s, "PY  - {}\r\n", self.year());
        }
        if let Some(e) = &self.edition {
            let _ = write!(s, "ET  - {e}\r\n");
        }
        if let Some(u) = &self.url {
            let _ = write!(s, "UR  - {u}\r\n");
        }
        let _ = write!(s, "LA  - {}\r\n", self.language);
        let _ = write!(s, "N1  - {}\r\n", self.identifier);
    }

    fn full_title(&self) -> String {
        match &self.subtitle {
            Some(sub) => format!("{}: {sub}", self.title),
            None => self.title.clone(),
        }
    }
}

/// A title of a work, marked as such (set in italics).
fn work_title(t: &str) -> Inline {
    Inline::Span { kind: SpanKind::Cite, children: vec![Inline::Text(t.to_string())] }
}

fn count_paragraphs(c: &Chapter) -> u32 {
    let mut max = 0;
    crate::model::walk_blocks(&c.blocks, &mut |b| {
        if let crate::model::Block::Paragraph { n, .. } = b {
            max = max.max(*n);
        }
    });
    max
}

/// First and last page label of a chapter in a layout: from its anchor to the page before the
/// next chapter's or part's anchor, skipping blank pages.
pub fn page_range(lay: &Layout, book: &Book, ch: &Chapter) -> Option<(String, String)> {
    let (start, _) = *lay.anchors.get(&ch.id)?;
    let mut starts: Vec<usize> = book.chapters().filter_map(|c| lay.anchors.get(&c.id).map(|a| a.0)).collect();
    starts.extend(book.parts.iter().filter_map(|p| lay.anchors.get(&p.id).map(|a| a.0)));
    let next = starts.into_iter().filter(|&p| p > start).min().unwrap_or(lay.pages.len());
    let mut end = next.saturating_sub(1).max(start);
    while end > start && lay.pages[end].items.is_empty() {
        end -= 1;
    }
    Some((lay.pages[start].label.text(), lay.pages[end].label.text()))
}

/// "John F. Kennedy" → "Kennedy".
fn short_name(n: &str) -> &str {
    n.rsplit(' ').next().unwrap_or(n)
}

/// A personal name split into (given, family), or `None` for an organisation.
fn split_name(n: &str) -> Option<(String, String)> {
    let n = n.trim();
    if n.starts_with("The ") || !n.contains(' ') {
        return None;
    }
    let (given, family) = n.rsplit_once(' ')?;
    Some((given.to_string(), family.to_string()))
}

fn cff_person(n: &str, indent: &str) -> String {
    match split_name(n) {
        Some((g, f)) => format!("{indent}- family-names: {}\n{indent}  given-names: {}\n", yq(&f), yq(&g)),
        None => format!("{indent}- name: {}\n", yq(n)),
    }
}

fn bib_name(n: &str) -> String {
    match split_name(n) {
        Some((g, f)) => format!("{}, {}", bq(&f), bq(&g)),
        None => format!("{{{}}}", bq(n)),
    }
}

/// One CSL-JSON record (the fields quire fills, in CSL's names).
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "kebab-case")]
struct CslItem {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    container_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CslName>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    recipient: Vec<CslName>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    editor: Vec<CslName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<CslDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    #[serde(rename = "URL", skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum CslName {
    Person { family: String, given: String },
    Literal { literal: String },
}

#[derive(serde::Serialize)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: [[i32; 3]; 1],
}

fn csl_name(n: &str) -> CslName {
    match split_name(n) {
        Some((g, f)) => CslName::Person { family: f, given: g },
        None => CslName::Literal { literal: n.to_string() },
    }
}

fn ris_name(n: &str) -> String {
    match split_name(n) {
        Some((g, f)) => format!("{f}, {g}"),
        None => n.to_string(),
    }
}

/// YAML double-quoted scalar.
fn yq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// JSON string.
pub fn jq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// BibTeX-safe text: TeX specials escaped.
fn bq(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod quoting_tests {
    #[test]
    fn bibtex_and_yaml_quote_everything() {
        assert_eq!(super::bq(r"a\b~c^d{e}f&g"), r"a\textbackslash{}b\textasciitilde{}c\textasciicircum{}d\{e\}f\&g");
        assert_eq!(super::yq("a\"b\\c\nd\u{1}"), r#""a\"b\\c\nd\x01""#);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_quoting() {
        assert_eq!(split_name("John F. Kennedy"), Some(("John F.".into(), "Kennedy".into())));
        assert_eq!(split_name("The quire editors"), None);
        assert_eq!(yq("a \"b\""), "\"a \\\"b\\\"\"");
        assert_eq!(jq("x\ny"), "\"x\\ny\"");
        assert_eq!(bq("A & B_1 {x}"), "A \\& B\\_1 \\{x\\}");
    }
}
