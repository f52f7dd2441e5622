//! The semantic book: parts, chapters, letters, blocks, inlines, notes, figures.
//!
//! Knows nothing of EPUB, PDF or pages. Every chapter, heading, figure and note has a stable id
//! derived from the manuscript (never from a counter over the whole book or a random source), and
//! every block carries its position in the manuscript file.

use crate::model::date::Date;

pub mod anchors;
pub mod date;
pub mod image;
pub mod pagemap;
pub use anchors::paragraph_id;

/// A position in a manuscript file (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone)]
pub struct Creator {
    pub name: String,
    /// MARC relator code (`aut`, `edt`, …).
    pub role: &'static str,
    pub role_name: String,
    pub file_as: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub creators: Vec<Creator>,
    pub language: String,
    pub identifier: String,
    pub publisher: Option<String>,
    pub date: Option<Date>,
    /// `dcterms:modified` value, `YYYY-MM-DDThh:mm:ssZ`.
    pub modified: String,
    pub edition: Option<String>,
    pub rights: Option<String>,
    pub description: Option<String>,
    pub subjects: Vec<String>,
    /// SHA-256 of book.toml and the manuscript files, in contents order: the content
    /// fingerprint printed in the colophon.
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct Book {
    pub meta: Meta,
    pub front: Vec<Chapter>,
    pub parts: Vec<Part>,
    pub back: Vec<Chapter>,
}

impl Book {
    /// Every chapter in reading order: front matter, parts, back matter.
    pub fn chapters(&self) -> impl Iterator<Item = &Chapter> {
        self.front.iter().chain(self.parts.iter().flat_map(|p| p.chapters.iter())).chain(self.back.iter())
    }
}

#[derive(Debug, Clone)]
pub struct Part {
    pub id: String,
    /// `None` for a book without parts (one implicit part).
    pub title: Option<String>,
    pub chapters: Vec<Chapter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matter {
    Front,
    Body,
    Back,
}

#[derive(Debug, Clone)]
pub struct Chapter {
    pub id: String,
    /// Manuscript file, relative to the book directory.
    pub file: String,
    pub matter: Matter,
    pub title: Vec<Inline>,
    pub letter: Option<Letter>,
    pub blocks: Vec<Block>,
    /// Footnotes in order of first reference; `Inline::NoteRef` indexes this.
    pub notes: Vec<Note>,
    /// Where the chapter's text begins (after front matter).
    pub pos: Pos,
}

impl Chapter {
    pub fn title_text(&self) -> String {
        plain_text(&self.title)
    }

    /// The title as the contents, outline and citations show it: a numbered document's number
    /// first ("22. Letter From …").
    pub fn label(&self) -> String {
        match self.letter.as_ref().and_then(|l| l.number.as_ref()) {
            Some(n) => format!("{n}. {}", self.title_text()),
            None => self.title_text(),
        }
    }

    /// Words of the chapter's body and notes.
    pub fn word_count(&self) -> usize {
        let mut n = 0;
        visit_blocks(&self.blocks, &mut |t| n += t.split_whitespace().count());
        for note in &self.notes {
            visit_blocks(&note.blocks, &mut |t| n += t.split_whitespace().count());
        }
        n
    }

    pub fn figures(&self) -> Vec<&Figure> {
        let mut out = Vec::new();
        walk_blocks(&self.blocks, &mut |b| {
            if let Block::Figure(f) = b {
                out.push(f);
            }
        });
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterKind {
    Letter,
    Telegram,
    Memorandum,
}

impl LetterKind {
    pub fn name(self) -> &'static str {
        match self {
            LetterKind::Letter => "letter",
            LetterKind::Telegram => "telegram",
            LetterKind::Memorandum => "memorandum",
        }
    }
}

/// The parts of a letter that are not body text.
#[derive(Debug, Clone)]
pub struct Letter {
    pub kind: LetterKind,
    /// Document number in the source edition (e.g. FRUS document number).
    pub number: Option<String>,
    pub sender: Option<String>,
    pub recipients: Vec<String>,
    pub place: Option<String>,
    pub date: Option<Date>,
    /// "Hyannis Port, October 16, 1961." — from `dateline`, or built from place and date.
    pub dateline: Vec<Inline>,
    pub salutation: Vec<Inline>,
    pub closing: Vec<Inline>,
    pub signature: Vec<Inline>,
    /// Source note: where the text of the letter comes from.
    pub source: Vec<Inline>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub enum Block {
    /// `n`: the paragraph's number in its chapter (1-based, document order, quotations and
    /// list items included; 0 for note and source-note paragraphs).
    Paragraph {
        inlines: Vec<Inline>,
        pos: Pos,
        n: u32,
    },
    Heading {
        level: u8,
        id: String,
        inlines: Vec<Inline>,
        pos: Pos,
    },
    BlockQuote {
        blocks: Vec<Block>,
        pos: Pos,
    },
    List {
        start: Option<u64>,
        tight: bool,
        items: Vec<Vec<Block>>,
        pos: Pos,
    },
    CodeBlock {
        lang: Option<String>,
        text: String,
        pos: Pos,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        pos: Pos,
    },
    ThematicBreak {
        pos: Pos,
    },
    Figure(Figure),
}

impl Block {
    pub fn pos(&self) -> Pos {
        match self {
            Block::Paragraph { pos, .. }
            | Block::Heading { pos, .. }
            | Block::BlockQuote { pos, .. }
            | Block::List { pos, .. }
            | Block::CodeBlock { pos, .. }
            | Block::Table { pos, .. }
            | Block::ThematicBreak { pos } => *pos,
            Block::Figure(f) => f.pos,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub id: String,
    /// Image file, relative to the book directory.
    pub image: String,
    pub alt: String,
    pub caption: Vec<Inline>,
    pub credit: Vec<Inline>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Note {
    /// Stable id: chapter id + the note's label in the manuscript.
    pub id: String,
    pub label: String,
    pub blocks: Vec<Block>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    SmallCaps(Vec<Inline>),
    Code(String),
    /// `url` as written; `target` as resolved at load (never `Unresolved` in a loaded book).
    Link {
        url: String,
        title: String,
        children: Vec<Inline>,
        target: LinkTarget,
    },
    Image {
        src: String,
        alt: String,
    },
    /// Reference to `Chapter::notes[note]`; `nth` counts references to the same note (0-based).
    NoteRef {
        note: usize,
        nth: usize,
    },
    LineBreak,
}

/// Where a link leads, resolved once at load.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// A URL with an allowed scheme (`http`, `https`, `mailto`).
    External(String),
    /// A chapter of this book (by id), and an anchor in it (None: the chapter's start).
    Internal { chapter: String, anchor: Option<String> },
    /// Not yet resolved (only while parsing).
    Unresolved,
}

/// Calls `f` on every list of inlines in `blocks` (paragraphs, headings, table cells, figure
/// captions and credits), mutably, outermost lists only.
pub fn for_inline_lists_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>, Pos)) {
    for b in blocks {
        let pos = b.pos();
        match b {
            Block::Paragraph { inlines, .. } | Block::Heading { inlines, .. } => f(inlines, pos),
            Block::BlockQuote { blocks, .. } => for_inline_lists_mut(blocks, f),
            Block::List { items, .. } => items.iter_mut().for_each(|i| for_inline_lists_mut(i, f)),
            Block::Table { head, rows, .. } => head.iter_mut().chain(rows.iter_mut().flatten()).for_each(|c| f(c, pos)),
            Block::Figure(fig) => {
                f(&mut fig.caption, pos);
                f(&mut fig.credit, pos);
            }
            Block::CodeBlock { .. } | Block::ThematicBreak { .. } => {}
        }
    }
}

/// The text of inlines without markup (note references dropped).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    push_plain(inlines, &mut s);
    s
}

fn push_plain(inlines: &[Inline], s: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => s.push_str(t),
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::SmallCaps(c) => push_plain(c, s),
            Inline::Link { children, .. } => push_plain(children, s),
            Inline::Image { alt, .. } => s.push_str(alt),
            Inline::NoteRef { .. } => {}
            Inline::LineBreak => s.push(' '),
        }
    }
}

/// Calls `f` with the plain text of every paragraph-like piece of `blocks`, in order.
pub fn visit_blocks(blocks: &[Block], f: &mut dyn FnMut(&str)) {
    for b in blocks {
        match b {
            Block::Paragraph { inlines, .. } | Block::Heading { inlines, .. } => f(&plain_text(inlines)),
            Block::BlockQuote { blocks, .. } => visit_blocks(blocks, f),
            Block::List { items, .. } => items.iter().for_each(|i| visit_blocks(i, f)),
            Block::CodeBlock { text, .. } => f(text),
            Block::Table { head, rows, .. } => {
                head.iter().chain(rows.iter().flatten()).for_each(|c| f(&plain_text(c)));
            }
            Block::ThematicBreak { .. } => {}
            Block::Figure(fig) => {
                f(&plain_text(&fig.caption));
                f(&plain_text(&fig.credit));
            }
        }
    }
}

/// Numbers the paragraphs of a chapter's blocks in document order (depth first), from 1.
pub fn number_paragraphs(blocks: &mut [Block]) {
    fn walk(blocks: &mut [Block], next: &mut u32) {
        for b in blocks {
            match b {
                Block::Paragraph { n, .. } => {
                    *next += 1;
                    *n = *next;
                }
                Block::BlockQuote { blocks, .. } => walk(blocks, next),
                Block::List { items, .. } => items.iter_mut().for_each(|i| walk(i, next)),
                _ => {}
            }
        }
    }
    let mut next = 0;
    walk(blocks, &mut next);
}

/// Calls `f` on every block of `blocks`, depth first in document order (quotations and list
/// items included; figure captions are inlines, not blocks).
pub fn walk_blocks<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
    for b in blocks {
        f(b);
        match b {
            Block::BlockQuote { blocks, .. } => walk_blocks(blocks, f),
            Block::List { items, .. } => items.iter().for_each(|i| walk_blocks(i, f)),
            _ => {}
        }
    }
}

/// Calls `f` on every inline of `blocks` (paragraphs, headings, table cells, figure captions
/// and credits), descending into emphasis and links.
pub fn walk_inlines<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Inline)) {
    fn inl<'a>(v: &'a [Inline], f: &mut dyn FnMut(&'a Inline)) {
        for i in v {
            f(i);
            match i {
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::SmallCaps(c) => inl(c, f),
                Inline::Link { children, .. } => inl(children, f),
                _ => {}
            }
        }
    }
    walk_blocks(blocks, &mut |b| match b {
        Block::Paragraph { inlines, .. } | Block::Heading { inlines, .. } => inl(inlines, f),
        Block::Table { head, rows, .. } => head.iter().chain(rows.iter().flatten()).for_each(|c| inl(c, f)),
        Block::Figure(fig) => {
            inl(&fig.caption, f);
            inl(&fig.credit, f);
        }
        _ => {}
    });
}
