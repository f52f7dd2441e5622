//! Links, resolved once for the whole book after every chapter is parsed: an allowed external
//! URL, or a chapter of this book and one of its anchors. Writers only map a chapter to their
//! own file or destination. A link that leads nowhere (a missing chapter or anchor, with the
//! nearest one suggested) and a scheme that could run code (`javascript:`, `data:`, …) are
//! dropped with a warning, their text kept; `--deny-warnings` makes either an error.

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
    let add_inline = |blocks: &[Block], set: &mut BTreeSet<String>| {
        walk_inlines(blocks, &mut |i| {
            if let Inline::Anchor(id) = i {
                set.insert(id.clone());
            }
        })
    };
    add(&ch.blocks, &mut set);
    add_inline(&ch.blocks, &mut set);
    for note in &ch.notes {
        set.insert(note.id.clone());
        add(&note.blocks, &mut set);
        add_inline(&note.blocks, &mut set);
        set.insert(anchors::note_ref_id(&note.id, 1));
    }
    set
}

/// Other names an anchor of a chapter may be linked by: a heading's id without the chapter
/// prefix, and its GitHub/mdBook slug (`#whats-new` for “What’s New?”), so links written for
/// mdBook or GitHub keep working. Maps the alias to the real id; ids themselves win.
pub fn heading_aliases(ch: &Chapter) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk_blocks(&ch.blocks, &mut |b| {
        if let Block::Heading { id, inlines, .. } = b {
            if let Some(short) = id.strip_prefix(&format!("{}-", ch.id)) {
                out.entry(short.to_string()).or_insert_with(|| id.clone());
            }
            out.entry(github_slug(&plain_text(inlines))).or_insert_with(|| id.clone());
        }
    });
    out
}

/// GitHub's heading slug: lower-cased; letters, digits, `-` and `_` kept, spaces turned into
/// `-`, everything else dropped.
pub fn github_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().collect::<String>())
            } else if c == ' ' {
                Some("-".to_string())
            } else {
                None
            }
        })
        .collect()
}

/// The scheme of a URL (`https` of `https://…`), if it has one.
pub fn scheme(url: &str) -> Option<&str> {
    let (s, _) = url.split_once(':')?;
    let mut chars = s.chars();
    (chars.next()?.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))).then_some(s)
}

/// A URL as a message shows it: at most 80 characters, control characters (a line break in a
/// link's destination) escaped so the message stays one line.
fn shown(url: &str) -> String {
    url.chars().take(80).flat_map(|c| if c.is_control() { c.escape_debug().collect::<Vec<_>>() } else { vec![c] }).collect()
}

/// Whether an http(s) URL has a host a browser accepts: `//` then a name of non-empty labels
/// (letters, digits, `-`, `_`, non-ASCII) or a bracketed IPv6 literal, with an optional port.
fn valid_web_host(url: &str) -> bool {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6
            .split_once(']')
            .is_some_and(|(ip, _)| !ip.is_empty() && ip.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.'));
    }
    let host = host_port.split(':').next().unwrap_or("");
    let port_ok = host_port.split_once(':').is_none_or(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()));
    port_ok
        && !host.is_empty()
        && host.trim_end_matches('.').split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_'))
}

/// What a chapter file resolves to: its id, its anchors, and other names of its anchors.
struct Target {
    id: String,
    anchors: BTreeSet<String>,
    aliases: BTreeMap<String, String>,
}

/// What every chapter file and id of the book resolves to.
struct Book<'t> {
    /// Manuscript texts by file, and their line indexes (built for the files that need one).
    texts: &'t BTreeMap<String, String>,
    indexes: std::cell::RefCell<BTreeMap<String, crate::diag::OwnedLineIndex>>,
    chapters: BTreeMap<String, Target>,
    /// `[output] base-url`: where relative links that leave the book lead.
    base_url: Option<String>,
}

enum Resolved {
    Target(LinkTarget),
    /// Not allowed, or leading nowhere: the link is dropped, its text kept (a warning, so
    /// `--deny-warnings` refuses the book).
    Drop(Diagnostic),
}

impl Book<'_> {
    /// Where a link stands: its own line and column, or its block's when it has no offset.
    /// (Each link's place is known by offset; the column is counted only here, so a line of
    /// 100,000 links costs nothing until one of them is wrong.)
    fn locate(&self, file: &str, at: u32, pos: Pos) -> Location {
        match self.texts.get(file) {
            Some(text) if at != u32::MAX => {
                let mut idx = self.indexes.borrow_mut();
                let index = idx.entry(file.to_string()).or_insert_with(|| crate::diag::OwnedLineIndex::new(text));
                index.location(text, file, at as usize)
            }
            _ => Location { file: file.to_string(), line: pos.line as usize, column: pos.column as usize, line_text: String::new() },
        }
    }

    fn resolve(&self, ch_file: &str, ch_id: &str, url: &str, at: &dyn Fn() -> Location) -> Resolved {
        if let Some(s) = scheme(url) {
            if ALLOWED_SCHEMES.iter().any(|a| a.eq_ignore_ascii_case(s)) {
                if s.eq_ignore_ascii_case("mailto") || valid_web_host(url) {
                    return Resolved::Target(LinkTarget::External(url.to_string()));
                }
                return Resolved::Drop(
                    Diagnostic::warning(format!("link `{}` names no valid web address; it is printed as plain text", shown(url)))
                        .at(at())
                        .help("write the address in full: https://example.org/page"),
                );
            }
            return Resolved::Drop(
                Diagnostic::warning(format!(
                    "link `{}` uses the scheme `{s}:`, which books may not use; it is printed as plain text",
                    shown(url)
                ))
                .at(at())
                .help(format!(
                    "links may use {}, or lead to a chapter of this book",
                    ALLOWED_SCHEMES.iter().map(|s| format!("`{s}:`")).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        let (path, frag) = url.split_once('#').map(|(p, f)| (p, Some(f))).unwrap_or((url, None));
        let target = if path.is_empty() { Ok(ch_file.to_string()) } else { crate::source::join_relative(ch_file, path) };
        let found = target.as_deref().ok().and_then(|t| self.chapter(t));
        let Some((t, target)) = found else {
            return self.outside(url, target.is_err(), at);
        };
        match frag {
            Some(f) if !target.anchors.contains(f) => match target.aliases.get(f) {
                Some(real) => Resolved::Target(LinkTarget::Internal { chapter: target.id.clone(), anchor: Some(real.clone()) }),
                None => {
                    let near = crate::diag::nearest(f, target.anchors.iter().chain(target.aliases.keys()).map(String::as_str));
                    Resolved::Drop(
                        Diagnostic::warning(format!(
                            "link `{}`: `{t}` has no anchor `{}`; it is printed as plain text",
                            shown(url),
                            shown(f)
                        ))
                        .at(at())
                        .help(match near {
                            Some(n) => {
                                format!("did you mean `#{n}`? Anchors are heading, figure, note and paragraph ids (`{ch_id}-p1`, …)")
                            }
                            None => "link to a heading, figure, note or paragraph id of that chapter".to_string(),
                        }),
                    )
                }
            },
            _ => Resolved::Target(LinkTarget::Internal { chapter: target.id.clone(), anchor: frag.map(str::to_string) }),
        }
    }

    /// The chapter a path names: its manuscript file, or the page mdBook makes of it
    /// (`intro.html` for `intro.md`, `index.html` for `README.md`).
    fn chapter(&self, path: &str) -> Option<(&str, &Target)> {
        if let Some((k, v)) = self.chapters.get_key_value(path) {
            return Some((k, v));
        }
        let stem = path.strip_suffix(".html").or_else(|| path.strip_suffix(".htm"))?;
        let candidates = [format!("{stem}.md"), format!("{stem}.markdown")];
        let readme = stem.strip_suffix("index").map(|d| format!("{d}README.md"));
        candidates.iter().chain(readme.iter()).find_map(|c| self.chapters.get_key_value(c.as_str())).map(|(k, v)| (k.as_str(), v))
    }

    /// A relative link to no chapter: outside the book it leads to the web edition at
    /// `base-url` when one is set; else (or inside the book) its text is kept, with a warning.
    fn outside(&self, url: &str, leaves_book: bool, at: &dyn Fn() -> Location) -> Resolved {
        if leaves_book && let Some(base) = &self.base_url {
            return Resolved::Target(LinkTarget::External(join_url(base, url)));
        }
        let shown = shown(url);
        let path = url.split('#').next().unwrap_or("");
        if !leaves_book && [".md", ".markdown", ".html", ".htm"].iter().any(|e| path.ends_with(e)) {
            // Meant as a chapter: a mistake worth stopping for.
            let near = crate::diag::nearest(path, self.chapters.keys().map(String::as_str));
            return Resolved::Drop(
                Diagnostic::warning(format!("link `{shown}` leads to no chapter of this book; it is printed as plain text")).at(at()).help(
                    match near {
                        Some(n) => format!("did you mean `{n}`? Chapters are the files listed in book.toml [contents]"),
                        None => "link to a manuscript file listed in book.toml [contents], or give a full URL (https://…)".to_string(),
                    },
                ),
            );
        }
        let d = if leaves_book {
            Diagnostic::warning(format!("link `{shown}` leads out of the book; it is printed as plain text"))
                .at(at())
                .help("set [output] base-url to the address where these pages are published, or give a full URL (https://…)")
        } else {
            Diagnostic::warning(format!("link `{shown}` leads to no chapter of this book; it is printed as plain text")).at(at()).help(
                "link to a manuscript file listed in book.toml [contents] (e.g. `letters/22.md#doc-22-p3`), or give a full URL (https://…)",
            )
        };
        Resolved::Drop(d)
    }

    /// Resolves the links in one list of inlines (recursively), dropping disallowed ones.
    fn fix(&self, ch_file: &str, ch_id: &str, v: &mut Vec<Inline>, pos: Pos, diags: &mut Diagnostics) {
        let mut i = 0;
        while i < v.len() {
            match &mut v[i] {
                Inline::Link { url, children, target, at, .. } => {
                    self.fix(ch_file, ch_id, children, pos, diags);
                    let offset = *at;
                    let at = || self.locate(ch_file, offset, pos);
                    match self.resolve(ch_file, ch_id, url, &at) {
                        Resolved::Target(t) => *target = t,
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
                other => {
                    if let Some(c) = other.children_mut() {
                        self.fix(ch_file, ch_id, c, pos, diags)
                    }
                }
            }
            i += 1;
        }
    }
}

/// Resolves every link of the book (body, notes, titles, letter parts).
pub fn resolve(book: &mut crate::model::Book, base_url: Option<&str>, texts: &BTreeMap<String, String>, diags: &mut Diagnostics) {
    let chapters: BTreeMap<String, Target> = book
        .chapters()
        .map(|c| (c.file.clone(), Target { id: c.id.clone(), anchors: chapter_anchors(c), aliases: heading_aliases(c) }))
        .collect();
    let links = Book { chapters, base_url: base_url.map(str::to_string), texts, indexes: Default::default() };
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

/// `rel` (a relative URL) resolved against `base` (an http(s) URL naming a directory or a page).
fn join_url(base: &str, rel: &str) -> String {
    let (origin, path) = match base.find("://").and_then(|i| base[i + 3..].find('/').map(|j| i + 3 + j)) {
        Some(k) => (&base[..k], &base[k..]),
        None => (base, "/"),
    };
    let mut segs: Vec<&str> = path.split('/').collect();
    segs.pop(); // the page (or the empty name after a trailing slash)
    for s in rel.split('/') {
        match s {
            "." => {}
            ".." => {
                if segs.len() > 1 {
                    segs.pop();
                }
            }
            s => segs.push(s),
        }
    }
    format!("{origin}{}", segs.join("/"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn relative_links_join_the_base_url() {
        assert_eq!(super::join_url("https://doc.example.org/book/", "../std/index.html"), "https://doc.example.org/std/index.html");
        assert_eq!(super::join_url("https://doc.example.org/book/intro.html", "../../x.html#a"), "https://doc.example.org/x.html#a");
        assert_eq!(super::join_url("https://example.org", "a/b.html"), "https://example.org/a/b.html");
    }

    #[test]
    fn web_hosts() {
        assert!(super::valid_web_host("https://example.org/a"));
        assert!(super::valid_web_host("http://user@[::1]:8080/"));
        assert!(!super::valid_web_host("https://../"));
        assert!(!super::valid_web_host("https:///path"));
        assert!(!super::valid_web_host("https://a b.org/"));
    }

    #[test]
    fn github_slugs() {
        assert_eq!(super::github_slug("What’s New?"), "whats-new");
        assert_eq!(super::github_slug("C++ and `Rust`"), "c-and-rust");
        assert_eq!(super::github_slug("Über uns"), "über-uns");
    }

    #[test]
    fn schemes() {
        assert_eq!(super::scheme("https://x.org"), Some("https"));
        assert_eq!(super::scheme("javascript:alert(1)"), Some("javascript"));
        assert_eq!(super::scheme("JavaScript:x"), Some("JavaScript"));
        assert_eq!(super::scheme("ch.md#a:b"), None);
        assert_eq!(super::scheme("#a"), None);
    }
}
