//! Links, resolved once for the whole book after every chapter is parsed: an allowed external
//! URL, or a chapter of this book and one of its anchors. Writers only map a chapter to their
//! own file or destination; a link that leads nowhere is an error here, and a scheme that could
//! run code (`javascript:`, `data:`, …) is dropped with a warning (its text is kept).

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::anchors;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// Schemes a link may use.
pub const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Every anchor a chapter defines: its id and title, headings, figures, notes and note
/// references, paragraphs.
pub fn chapter_anchors(ch: &Chapter) -> BTreeSet<String> {
    let mut set = BTreeSet::from([ch.id.clone(), anchors::title_id(&ch.id)]);
    let add = |blocks: &[Block], set: &mut BTreeSet<String>| {
        walk_blocks(blocks, &mut |b| match b {
            Block::Heading { id, .. } => {
                set.insert(id.clone());
            }
            Block::Figure(f) => {
                set.insert(f.id.clone());
            }
            Block::Paragraph { n, .. } if *n > 0 => {
                set.insert(paragraph_id(&ch.id, *n));
            }
            _ => {}
        });
    };
    add(&ch.blocks, &mut set);
    for note in &ch.notes {
        set.insert(note.id.clone());
        add(&note.blocks, &mut set);
        set.insert(anchors::note_ref_id(&note.id, 1));
    }
    set
}

/// The scheme of a URL (`https` of `https://…`), if it has one.
pub fn scheme(url: &str) -> Option<&str> {
    let (s, _) = url.split_once(':')?;
    let mut chars = s.chars();
    (chars.next()?.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))).then_some(s)
}

/// What every chapter file and id of the book resolves to.
struct Book {
    /// Chapter file → (chapter id, its anchors).
    chapters: BTreeMap<String, (String, BTreeSet<String>)>,
}

enum Resolved {
    Target(LinkTarget),
    /// Not allowed: the link is dropped, its text kept.
    Drop(Diagnostic),
    Error(Diagnostic),
}

impl Book {
    fn resolve(&self, ch_file: &str, ch_id: &str, url: &str, at: Location) -> Resolved {
        if let Some(s) = scheme(url) {
            if ALLOWED_SCHEMES.iter().any(|a| a.eq_ignore_ascii_case(s)) {
                return Resolved::Target(LinkTarget::External(url.to_string()));
            }
            return Resolved::Drop(
                Diagnostic::warning(format!(
                    "link `{}` uses the scheme `{s}:`, which books may not use; it is printed as plain text",
                    url.chars().take(80).collect::<String>()
                ))
                .at(at)
                .help(format!(
                    "links may use {}, or lead to a chapter of this book",
                    ALLOWED_SCHEMES.iter().map(|s| format!("`{s}:`")).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        let (path, frag) = url.split_once('#').map(|(p, f)| (p, Some(f))).unwrap_or((url, None));
        let target = if path.is_empty() { Some(ch_file.to_string()) } else { crate::source::join_relative(ch_file, path).ok() };
        let Some((t, (id, set))) = target.as_deref().and_then(|t| self.chapters.get_key_value(t)) else {
            return Resolved::Error(Diagnostic::error(format!("link `{url}` leads to no chapter of this book")).at(at).help(
                "link to a manuscript file listed in book.toml [contents] (e.g. `letters/22.md#doc-22-p3`), or give a full URL (https://…)",
            ));
        };
        match frag {
            Some(f) if !set.contains(f) => {
                let near = crate::diag::nearest(f, set.iter().map(String::as_str));
                Resolved::Error(Diagnostic::error(format!("link `{url}`: `{t}` has no anchor `{f}`")).at(at).help(match near {
                    Some(n) => format!("did you mean `#{n}`? Anchors are heading, figure, note and paragraph ids (`{ch_id}-p1`, …)"),
                    None => "link to a heading, figure, note or paragraph id of that chapter".to_string(),
                }))
            }
            _ => Resolved::Target(LinkTarget::Internal { chapter: id.to_string(), anchor: frag.map(str::to_string) }),
        }
    }

    /// Resolves the links in one list of inlines (recursively), dropping disallowed ones.
    fn fix(&self, ch_file: &str, ch_id: &str, v: &mut Vec<Inline>, pos: Pos, diags: &mut Diagnostics) {
        let mut i = 0;
        while i < v.len() {
            match &mut v[i] {
                Inline::Link { url, children, target, .. } => {
                    self.fix(ch_file, ch_id, children, pos, diags);
                    let at = Location {
                        file: ch_file.to_string(),
                        line: pos.line as usize,
                        column: pos.column as usize,
                        line_text: String::new(),
                    };
                    match self.resolve(ch_file, ch_id, url, at) {
                        Resolved::Target(t) => *target = t,
                        Resolved::Error(d) => diags.push(d),
                        Resolved::Drop(d) => {
                            diags.push(d);
                            let kids = std::mem::take(children);
                            let n = kids.len();
                            v.splice(i..=i, kids);
                            i += n;
                            continue;
                        }
                    }
                }
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::SmallCaps(c) => self.fix(ch_file, ch_id, c, pos, diags),
                _ => {}
            }
            i += 1;
        }
    }
}

/// Resolves every link of the book (body, notes, titles, letter parts).
pub fn resolve(book: &mut crate::model::Book, diags: &mut Diagnostics) {
    let chapters: BTreeMap<String, (String, BTreeSet<String>)> =
        book.chapters().map(|c| (c.file.clone(), (c.id.clone(), chapter_anchors(c)))).collect();
    let links = Book { chapters };
    let chapters = book.front.iter_mut().chain(book.parts.iter_mut().flat_map(|p| p.chapters.iter_mut())).chain(book.back.iter_mut());
    for ch in chapters {
        let (file, id) = (ch.file.clone(), ch.id.clone());
        let mut fix = |v: &mut Vec<Inline>, pos: Pos| links.fix(&file, &id, v, pos, diags);
        fix(&mut ch.title, ch.pos);
        if let Some(l) = &mut ch.letter {
            for v in [&mut l.dateline, &mut l.salutation, &mut l.closing, &mut l.signature, &mut l.source] {
                fix(v, ch.pos);
            }
        }
        for_inline_lists_mut(&mut ch.blocks, &mut fix);
        for n in &mut ch.notes {
            for_inline_lists_mut(&mut n.blocks, &mut fix);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn schemes() {
        assert_eq!(super::scheme("https://x.org"), Some("https"));
        assert_eq!(super::scheme("javascript:alert(1)"), Some("javascript"));
        assert_eq!(super::scheme("JavaScript:x"), Some("JavaScript"));
        assert_eq!(super::scheme("ch.md#a:b"), None);
        assert_eq!(super::scheme("#a"), None);
    }
}
