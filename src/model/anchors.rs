//! The one owner of anchor ids.
//!
//! Every id that can appear in an output (chapter documents, headings, figures, notes, note
//! references, paragraphs, the pages quire generates) is minted or checked here, so two things
//! never share an id and nothing from a manuscript reaches an attribute unchecked.
//!
//! Namespaces inside a chapter with id `c`:
//! - `c` and `c-title`: the chapter and its title;
//! - `c-p<N>`: paragraph N;
//! - `c-note-<label>`: notes (a note id never ends in `-ref-<N>`), `c-note-<label>-ref-<N>`: its
//!   references;
//! - everything else: headings (`c-<slug>`) and figures (`c-<slug>` or an id the author gives).
//!
//! Book-level names (document file names, generated pages) are in [`RESERVED_DOCS`].

use std::collections::BTreeSet;

/// Names quire uses for its own documents and generated pages; a chapter may not take them.
pub const RESERVED_DOCS: &[&str] = &[
    "about-this-edition",
    "colophon",
    "contents",
    "cover",
    "cover-image",
    "css",
    "font-licences",
    "how-to-cite",
    "nav",
    "page",
    "title-page",
    "titlepage",
    "toc",
];

/// Whether `id` is one of quire's own document or page names (including `part-<N>` and the
/// page-break markers `page-<label>`).
pub fn is_reserved_doc(id: &str) -> bool {
    RESERVED_DOCS.contains(&id)
        || id.strip_prefix("part-").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        || id.starts_with("page-")
}

/// Letters and digits (`keep`), lowercased, joined by single hyphens; empty when there are none.
fn slug_by(s: &str, keep: fn(char) -> bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if keep(c) {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A lowercase slug of `s`: letters and digits of any script, joined by single hyphens.
/// Empty when `s` has no letter or digit.
pub fn slug(s: &str) -> String {
    slug_by(s, char::is_alphanumeric)
}

/// A lowercase ASCII slug (for file names): ASCII letters and digits joined by hyphens.
/// Empty when `s` has none.
pub fn ascii_slug(s: &str) -> String {
    slug_by(s, |c| c.is_ascii_alphanumeric())
}

/// Whether `id` is usable as an author-given anchor or chapter id: it starts with an ASCII
/// letter and has only ASCII letters, digits, `-` and `_` (safe in XML ids, URLs and file names).
pub fn valid_user_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The stable anchor of paragraph `n` of chapter `chapter`: `doc-22-p14`.
pub fn paragraph_id(chapter: &str, n: u32) -> String {
    format!("{chapter}-p{n}")
}

/// The anchor of the `k`th (1-based) reference to a note.
pub fn note_ref_id(note: &str, k: usize) -> String {
    format!("{note}-ref-{k}")
}

/// The anchor of a chapter's title.
pub fn title_id(chapter: &str) -> String {
    format!("{chapter}-title")
}

/// Why an author-given id cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Characters outside the safe set.
    Invalid,
    /// Inside one of quire's generated namespaces.
    Reserved,
    /// Already used in this chapter.
    Taken,
}

/// The ids of one chapter: mints derived ids, checks given ones, never hands out one twice.
#[derive(Debug, Clone)]
pub struct Anchors {
    chapter: String,
    used: BTreeSet<String>,
    notes: BTreeSet<String>,
}

fn ends_with_ref_number(s: &str) -> bool {
    match s.rsplit_once("-ref-") {
        Some((_, n)) => !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

impl Anchors {
    pub fn new(chapter: &str) -> Anchors {
        Anchors { chapter: chapter.to_string(), used: BTreeSet::new(), notes: BTreeSet::new() }
    }

    /// Whether `id` lies in a namespace quire generates for this chapter.
    pub fn reserved(&self, id: &str) -> bool {
        let c = &self.chapter;
        if id == c || *id == title_id(c) || is_reserved_doc(id) {
            return true;
        }
        match id.strip_prefix(c.as_str()).and_then(|r| r.strip_prefix('-')) {
            Some(rest) => {
                rest.strip_prefix('p').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) || rest.starts_with("note-")
            }
            None => false,
        }
    }

    /// A derived id for a heading or figure from its text: `chapter-slug`, moved out of the
    /// generated namespaces and made unique with `-2`, `-3`… Always succeeds.
    pub fn mint(&mut self, text: &str, fallback: &str) -> String {
        let s = slug(text);
        let s = if s.is_empty() { fallback.to_string() } else { s };
        let mut base = format!("{}-{s}", self.chapter);
        if self.reserved(&base) {
            base = format!("{}-h-{s}", self.chapter);
        }
        self.unique(base)
    }

    fn unique(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 1;
        while self.used.contains(&id) || self.reserved(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.used.insert(id.clone());
        id
    }

    /// Claims an id the author wrote: it must be valid, outside the generated namespaces and
    /// not yet used in this chapter.
    pub fn claim(&mut self, id: &str) -> Result<String, Refused> {
        if !valid_user_id(id) {
            return Err(Refused::Invalid);
        }
        if self.reserved(id) {
            return Err(Refused::Reserved);
        }
        if !self.used.insert(id.to_string()) {
            return Err(Refused::Taken);
        }
        Ok(id.to_string())
    }

    /// The id of a note with manuscript label `label`: `chapter-note-<slug>`, unique among the
    /// chapter's notes, never ending in `-ref-<N>` (so reference ids cannot collide).
    pub fn note(&mut self, label: &str) -> String {
        let s = slug(label);
        let s = if s.is_empty() { "x".to_string() } else { s };
        let base = format!("{}-note-{s}", self.chapter);
        let mut id = base.clone();
        let mut n = 1;
        while self.notes.contains(&id) || ends_with_ref_number(&id) {
            n += 1;
            id = format!("{base}-n{n}");
        }
        self.notes.insert(id.clone());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_every_script() {
        assert_eq!(slug("Ä Ü"), "ä-ü");
        assert_eq!(slug("Письмо №7"), "письмо-7");
        assert_eq!(slug("A Note, on *this*"), "a-note-on-this");
        assert_eq!(slug("—"), "");
        assert_eq!(ascii_slug("Ärger"), "rger");
    }

    #[test]
    fn derived_ids_avoid_generated_namespaces_and_each_other() {
        let mut a = Anchors::new("c");
        assert_eq!(a.mint("Title", "section"), "c-h-title");
        assert_eq!(a.mint("P2", "section"), "c-h-p2");
        assert_eq!(a.mint("Note 1", "section"), "c-h-note-1");
        assert_eq!(a.mint("Intro", "section"), "c-intro");
        assert_eq!(a.mint("Intro", "section"), "c-intro-2");
        assert_eq!(a.mint("—", "section"), "c-section");
        assert_eq!(a.mint("Ref", "s"), "c-ref");
        assert_eq!(a.mint("Ref", "s"), "c-ref-2");
    }

    #[test]
    fn notes_are_unique_and_refs_cannot_collide() {
        let mut a = Anchors::new("c");
        let x = a.note("ä");
        let y = a.note("ü");
        assert_ne!(x, y);
        let p = a.note("a b");
        let q = a.note("a-b");
        assert_ne!(p, q);
        let r = a.note("x-ref-1");
        assert!(!ends_with_ref_number(&r), "{r}");
        assert_ne!(note_ref_id(&a.note("x"), 1), r);
    }

    #[test]
    fn given_ids_are_checked() {
        let mut a = Anchors::new("c");
        assert_eq!(a.claim("x\" onclick=\"alert(1)"), Err(Refused::Invalid));
        assert_eq!(a.claim("c-p3"), Err(Refused::Reserved));
        assert_eq!(a.claim("page-4"), Err(Refused::Reserved));
        assert_eq!(a.claim("fig"), Ok("fig".into()));
        assert_eq!(a.claim("fig"), Err(Refused::Taken));
        assert_eq!(a.mint("fig", "s"), "c-fig");
    }
}
