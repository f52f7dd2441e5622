//! Glyph coverage, checked at load: every character of the book must be in the font of the
//! face it is set in (regular, italic, bold, bold italic, mono), so `quire check` refuses
//! exactly the books whose text cannot be set, before any layout.

use crate::diag::{Diagnostic, Location};
use crate::model::*;
use crate::text::fonts::{Face, FontSet};
use rustybuzz::ttf_parser;

struct Checker<'f> {
    faces: Vec<(Face, ttf_parser::Face<'f>)>,
    /// Per face, the BMP characters already found in its font (a bit each): most characters
    /// repeat, and a cmap lookup per character was most of the load time.
    known: Vec<(Face, Vec<u64>)>,
    /// Characters found missing, in manuscript order, each with its first location.
    missing: Vec<(char, Location)>,
    /// The book's language (for the words quire adds: aside labels, quotation marks).
    lang: String,
    /// Fallback fonts some character of the book is drawn from.
    fallbacks_used: std::collections::BTreeSet<Face>,
    /// The heading face, when the book has a heading font.
    heading: Option<Face>,
}

impl Checker<'_> {
    fn has(&mut self, face: Face, c: char) -> bool {
        let bit = c as usize;
        let slot = self.known.iter().position(|(k, _)| *k == face);
        if let Some(i) = slot
            && bit < 0x10000
            && self.known[i].1[bit / 64] & (1 << (bit % 64)) != 0
        {
            return true;
        }
        let f = self.faces.iter().find(|(k, _)| *k == face).or(self.faces.first());
        // The face's own font, or a fallback font (the shaper draws from it).
        let own = f.is_some_and(|(_, f)| f.glyph_index(c).is_some());
        let fallback =
            if own { None } else { self.faces.iter().find(|(k, p)| k.is_fallback() && p.glyph_index(c).is_some()).map(|(k, _)| *k) };
        if let Some(k) = fallback {
            self.fallbacks_used.insert(k);
        }
        let found = own || fallback.is_some();
        if found && bit < 0x10000 {
            let i = match slot {
                Some(i) => i,
                None => {
                    self.known.push((face, vec![0; 0x10000 / 64]));
                    self.known.len() - 1
                }
            };
            self.known[i].1[bit / 64] |= 1 << (bit % 64);
        }
        found
    }

    fn text(&mut self, t: &str, face: Face, at: &Location) {
        for c in t.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\u{ad}') || self.has(face, c) || self.missing.iter().any(|(m, _)| *m == c) {
                continue;
            }
            self.missing.push((c, at.clone()));
        }
    }

    fn inlines(&mut self, v: &[Inline], face: Face, at: &Location) {
        for i in v {
            match i {
                Inline::Text(t) => self.text(t, face, at),
                Inline::Code(t) => self.text(t, Face::Mono, at),
                Inline::Emph(c) => self.inlines(c, face.italic(), at),
                Inline::Strong(c) => self.inlines(c, face.bold(), at),
                Inline::Strike(c) | Inline::SmallCaps(c) => self.inlines(c, face, at),
                Inline::Link { children, .. } => self.inlines(children, face, at),
                // The PDF draws an inline image (its alt text goes to the tag tree).
                Inline::Image { .. } => {}
                Inline::NoteRef { .. } | Inline::LineBreak | Inline::Anchor(_) => {}
                Inline::Math { tex, .. } => self.text(tex, Face::Mono, at),
                Inline::Span { kind, children } => match kind {
                    SpanKind::Kbd | SpanKind::Symbol => self.inlines(children, Face::Mono, at),
                    SpanKind::Cite => self.inlines(children, face.italic(), at),
                    SpanKind::Quote => {
                        let (o, c) = crate::i18n::quotes(&self.lang);
                        self.text(&format!("{o}{c}"), face, at);
                        self.inlines(children, face, at)
                    }
                    _ => self.inlines(children, face, at),
                },
            }
        }
    }

    fn blocks(&mut self, blocks: &[Block], file: &str) {
        for b in blocks {
            let p = b.pos();
            let at = Location { file: file.to_string(), line: p.line as usize, column: p.column as usize, line_text: String::new() };
            match b {
                Block::Paragraph { inlines, .. } => self.inlines(inlines, Face::Regular, &at),
                Block::Heading { inlines, level, .. } => {
                    let body = if *level <= 2 { Face::Italic } else { Face::Regular };
                    self.inlines(inlines, self.heading.unwrap_or(body), &at)
                }
                Block::BlockQuote { blocks, .. } => self.blocks(blocks, file),
                Block::List { items, .. } => items.iter().for_each(|i| self.blocks(i, file)),
                Block::CodeBlock { text, .. } => self.text(text, Face::Mono, &at),
                Block::Table { head, rows, .. } => {
                    head.iter().for_each(|c| self.inlines(c, Face::Bold, &at));
                    rows.iter().flatten().for_each(|c| self.inlines(c, Face::Regular, &at));
                }
                Block::ThematicBreak { .. } => {}
                Block::Figure(f) => {
                    self.inlines(&f.caption, Face::Regular, &at);
                    self.inlines(&f.credit, Face::Regular, &at);
                }
                Block::Aside { kind, blocks, .. } => {
                    self.text(crate::i18n::aside(&self.lang, *kind), Face::Bold, &at);
                    self.blocks(blocks, file)
                }
                Block::DefinitionList { items, .. } => {
                    for d in items {
                        self.inlines(&d.term, Face::Bold, &at);
                        d.definitions.iter().for_each(|b| self.blocks(b, file));
                    }
                }
                Block::LineBlock { lines, .. } => lines.iter().for_each(|l| self.inlines(l, Face::Regular, &at)),
                Block::Details { summary, blocks, .. } => {
                    self.inlines(summary, Face::Bold, &at);
                    self.blocks(blocks, file)
                }
                Block::Div { blocks, .. } => self.blocks(blocks, file),
            }
        }
    }

    fn chapter(&mut self, ch: &Chapter) {
        let at = Location { file: ch.file.clone(), line: ch.pos.line as usize, column: ch.pos.column as usize, line_text: String::new() };
        // Titles are set in the heading face when the book has one (and in the body face in
        // running heads and the contents).
        self.inlines(&ch.title, Face::Regular, &at);
        if let Some(h) = self.heading {
            self.inlines(&ch.title, h, &at);
        }
        if let Some(l) = &ch.letter {
            self.inlines(&l.dateline, Face::Italic, &at);
            for v in [&l.salutation, &l.closing, &l.signature, &l.source] {
                self.inlines(v, Face::Regular, &at);
            }
        }
        self.blocks(&ch.blocks, &ch.file);
        for n in &ch.notes {
            self.blocks(&n.blocks, &ch.file);
        }
    }
}

/// Every character of the book that the font of its face lacks: an error each, at its first
/// use, in manuscript order. `config_at` locates the book's metadata (title, creators…).
/// Also returns the fallback fonts the book needs (the others need not be loaded, embedded or
/// named in the colophon).
/// `extra`: texts from book.toml that are set in the body face (the section break), each with
/// its location.
pub fn check(
    book: &Book,
    fonts: &FontSet,
    config_at: Location,
    extra: &[(String, Location)],
) -> (Vec<Diagnostic>, std::collections::BTreeSet<Face>) {
    let faces = fonts.fonts.iter().filter_map(|f| ttf_parser::Face::parse(&f.data, 0).ok().map(|p| (f.face, p))).collect();
    let mut c = Checker {
        faces,
        known: Vec::new(),
        missing: Vec::new(),
        lang: book.meta.language.clone(),
        fallbacks_used: Default::default(),
        heading: fonts.fonts.iter().any(|f| f.face == Face::Heading).then_some(Face::Heading),
    };
    let m = &book.meta;
    for t in [Some(&m.title), m.subtitle.as_ref()].into_iter().flatten() {
        c.text(t, Face::Italic, &config_at);
        c.text(t, Face::Regular, &config_at);
        if c.heading.is_some() {
            c.text(t, Face::Heading, &config_at);
        }
    }
    for t in m.creators.iter().map(|cr| &cr.name).chain(m.publisher.iter()).chain(m.rights.iter()).chain(m.edition.iter()) {
        c.text(t, Face::Regular, &config_at);
    }
    for (t, at) in extra {
        c.text(t, Face::Regular, at);
    }
    for t in book.parts.iter().filter_map(|p| p.title.as_ref()) {
        c.text(t, Face::Regular, &config_at);
        if c.heading.is_some() {
            c.text(t, Face::Heading, &config_at);
        }
    }
    book.chapters().for_each(|ch| c.chapter(ch));
    let used = std::mem::take(&mut c.fallbacks_used);
    let diags = c
        .missing
        .into_iter()
        .map(|(ch, at)| {
            Diagnostic::warning(format!(
                "the character `{ch}` (U+{:04X}) is missing from the book's fonts: the PDF prints a box (□) in its place",
                ch as u32
            ))
            .at(at)
            .help("add a font that has it in book.toml [fonts], or replace the character; the EPUB keeps it for the reader's fonts")
        })
        .collect();
    (diags, used)
}
