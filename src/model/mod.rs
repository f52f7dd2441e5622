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
    /// The author's cover image (book-relative path, loaded and checked); None: quire's own.
    pub cover: Option<String>,
    /// Accessibility claims the author makes (book.toml [accessibility]).
    pub claims: Claims,
}

/// The author's accessibility claims: a conformance claim, its certifier, a summary.
#[derive(Debug, Clone, Default)]
pub struct Claims {
    pub conforms_to: Option<String>,
    pub certified_by: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Book {
    pub meta: Meta,
    pub front: Vec<Chapter>,
    pub parts: Vec<Part>,
    pub back: Vec<Chapter>,
}

impl Book {
    /// Front matter set before the contents: the display pages (dedication, epigraph), which
    /// the parser puts first in `front`.
    pub fn before_contents(&self) -> impl Iterator<Item = &Chapter> {
        self.front.iter().filter(|c| c.kind.is_display())
    }

    /// Front matter set after the contents (foreword, preface, …).
    pub fn after_contents(&self) -> impl Iterator<Item = &Chapter> {
        self.front.iter().filter(|c| !c.kind.is_display())
    }

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

/// What a manuscript file is in the book: a chapter, or one of the kinds of front and back
/// matter books have (`kind = "…"` in its front matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Chapter,
    Dedication,
    Epigraph,
    Foreword,
    Preface,
    Introduction,
    Prologue,
    Acknowledgments,
    Afterword,
    Epilogue,
    Appendix,
    Glossary,
    Bibliography,
    AboutAuthor,
    AlsoBy,
}

impl Kind {
    /// Front matter names of the kinds (letters, telegrams and memoranda are `LetterKind`s).
    pub const NAMES: &[(&str, Kind)] = &[
        ("chapter", Kind::Chapter),
        ("dedication", Kind::Dedication),
        ("epigraph", Kind::Epigraph),
        ("foreword", Kind::Foreword),
        ("preface", Kind::Preface),
        ("introduction", Kind::Introduction),
        ("prologue", Kind::Prologue),
        ("acknowledgments", Kind::Acknowledgments),
        ("afterword", Kind::Afterword),
        ("epilogue", Kind::Epilogue),
        ("appendix", Kind::Appendix),
        ("glossary", Kind::Glossary),
        ("bibliography", Kind::Bibliography),
        ("about-the-author", Kind::AboutAuthor),
        ("also-by", Kind::AlsoBy),
    ];

    pub fn from_name(name: &str) -> Option<Kind> {
        let name = if name == "acknowledgements" { "acknowledgments" } else { name };
        Kind::NAMES.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    /// A display page: set alone on its page, centred, without running heads, its title not
    /// printed unless the manuscript gives one; in front matter, before the contents.
    pub fn is_display(self) -> bool {
        matches!(self, Kind::Dedication | Kind::Epigraph)
    }

    /// The EPUB structural semantics (`epub:type`) and DPUB-ARIA role of the kind, if any.
    pub fn semantics(self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Kind::Chapter | Kind::AboutAuthor | Kind::AlsoBy => return None,
            Kind::Dedication => ("dedication", "doc-dedication"),
            Kind::Epigraph => ("epigraph", "doc-epigraph"),
            Kind::Foreword => ("foreword", "doc-foreword"),
            Kind::Preface => ("preface", "doc-preface"),
            Kind::Introduction => ("introduction", "doc-introduction"),
            Kind::Prologue => ("prologue", "doc-prologue"),
            Kind::Acknowledgments => ("acknowledgments", "doc-acknowledgments"),
            Kind::Afterword => ("afterword", "doc-afterword"),
            Kind::Epilogue => ("epilogue", "doc-epilogue"),
            Kind::Appendix => ("appendix", "doc-appendix"),
            Kind::Glossary => ("glossary", "doc-glossary"),
            Kind::Bibliography => ("bibliography", "doc-bibliography"),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Chapter {
    pub id: String,
    /// Manuscript file, relative to the book directory.
    pub file: String,
    pub matter: Matter,
    pub kind: Kind,
    /// Whether the title is printed (false for a display page whose manuscript gives none: its
    /// title is then the kind's name, for the contents and navigation only).
    pub title_shown: bool,
    pub title: Vec<Inline>,
    /// The front matter's `short-title`, for running heads.
    pub short_title: Option<String>,
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
    /// A labelled aside: a GitHub admonition (`> [!NOTE]`).
    Aside {
        kind: AsideKind,
        blocks: Vec<Block>,
        pos: Pos,
    },
    DefinitionList {
        items: Vec<Definition>,
        pos: Pos,
    },
    /// Lines kept as written (pandoc `| ` line blocks): never justified or joined; leading
    /// spaces of a line are kept as its indent.
    LineBlock {
        lines: Vec<Vec<Inline>>,
        pos: Pos,
    },
    /// `<details>`: a summary, then the body (in print, the summary as a lead-in).
    Details {
        summary: Vec<Inline>,
        blocks: Vec<Block>,
        pos: Pos,
    },
    /// `<div lang>` (or a plain `<div>`): blocks in another language, or just grouped.
    Div {
        lang: Option<String>,
        blocks: Vec<Block>,
        pos: Pos,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsideKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl AsideKind {
    pub fn name(self) -> &'static str {
        match self {
            AsideKind::Note => "note",
            AsideKind::Tip => "tip",
            AsideKind::Important => "important",
            AsideKind::Warning => "warning",
            AsideKind::Caution => "caution",
        }
    }
}

/// One term of a definition list and its definitions.
#[derive(Debug, Clone)]
pub struct Definition {
    pub term: Vec<Inline>,
    pub definitions: Vec<Vec<Block>>,
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
            | Block::ThematicBreak { pos }
            | Block::Aside { pos, .. }
            | Block::DefinitionList { pos, .. }
            | Block::LineBlock { pos, .. }
            | Block::Details { pos, .. }
            | Block::Div { pos, .. } => *pos,
            Block::Figure(f) => f.pos,
        }
    }

    /// The blocks directly inside this one (quotations, list items, asides, definitions…).
    pub fn children(&self) -> Vec<&[Block]> {
        match self {
            Block::BlockQuote { blocks, .. } | Block::Aside { blocks, .. } | Block::Details { blocks, .. } | Block::Div { blocks, .. } => {
                vec![blocks]
            }
            Block::List { items, .. } => items.iter().map(Vec::as_slice).collect(),
            Block::DefinitionList { items, .. } => items.iter().flat_map(|d| d.definitions.iter().map(Vec::as_slice)).collect(),
            _ => Vec::new(),
        }
    }

    pub fn children_mut(&mut self) -> Vec<&mut Vec<Block>> {
        match self {
            Block::BlockQuote { blocks, .. } | Block::Aside { blocks, .. } | Block::Details { blocks, .. } | Block::Div { blocks, .. } => {
                vec![blocks]
            }
            Block::List { items, .. } => items.iter_mut().collect(),
            Block::DefinitionList { items, .. } => items.iter_mut().flat_map(|d| d.definitions.iter_mut()).collect(),
            _ => Vec::new(),
        }
    }

    /// The lists of inlines this block holds itself (not those of child blocks).
    pub fn inline_lists(&self) -> Vec<&Vec<Inline>> {
        match self {
            Block::Paragraph { inlines, .. } | Block::Heading { inlines, .. } => vec![inlines],
            Block::Table { head, rows, .. } => head.iter().chain(rows.iter().flatten()).collect(),
            Block::Figure(f) => vec![&f.caption, &f.credit],
            Block::DefinitionList { items, .. } => items.iter().map(|d| &d.term).collect(),
            Block::LineBlock { lines, .. } => lines.iter().collect(),
            Block::Details { summary, .. } => vec![summary],
            _ => Vec::new(),
        }
    }

    pub fn inline_lists_mut(&mut self) -> Vec<&mut Vec<Inline>> {
        match self {
            Block::Paragraph { inlines, .. } | Block::Heading { inlines, .. } => vec![inlines],
            Block::Table { head, rows, .. } => head.iter_mut().chain(rows.iter_mut().flatten()).collect(),
            Block::Figure(f) => vec![&mut f.caption, &mut f.credit],
            Block::DefinitionList { items, .. } => items.iter_mut().map(|d| &mut d.term).collect(),
            Block::LineBlock { lines, .. } => lines.iter_mut().collect(),
            Block::Details { summary, .. } => vec![summary],
            _ => Vec::new(),
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
    /// The width asked for (`<img width>`, in points); the measure bounds it.
    pub width: Option<f32>,
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
    /// `url` as written; `target` as resolved at load (never `Unresolved` in a loaded book);
    /// `at`: the link's byte offset in its manuscript file (for messages), `u32::MAX` when it
    /// comes from front matter.
    Link {
        url: String,
        title: String,
        children: Vec<Inline>,
        target: LinkTarget,
        at: u32,
    },
    /// `width`: the width asked for (`<img width>`, in points), if any.
    Image {
        src: String,
        alt: String,
        width: Option<f32>,
    },
    /// Reference to `Chapter::notes[note]`; `nth` counts references to the same note (0-based).
    NoteRef {
        note: usize,
        nth: usize,
    },
    LineBreak,
    /// Markup of the HTML subset (`<sup>`, `<kbd>`, `<span lang>`…).
    Span {
        kind: SpanKind,
        children: Vec<Inline>,
    },
    /// A link target the author placed (`<a id="…">`): an id, no text.
    Anchor(String),
    /// TeX source of a formula (`$…$`, `$$…$$`), kept as written until math is typeset.
    Math {
        tex: String,
        display: bool,
    },
}

/// What an [`Inline::Span`] means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanKind {
    Sup,
    Sub,
    /// Keyboard input (`<kbd>`): set like code.
    Kbd,
    /// A title of a work (`<cite>`): italic.
    Cite,
    /// A quotation (`<q>`): quotation marks around it.
    Quote,
    Small,
    /// Highlighted text (`<mark>`).
    Mark,
    /// An abbreviation and its expansion (`<abbr title>`).
    Abbr(String),
    /// Text in another language (`<span lang>`): a BCP 47 tag.
    Lang(String),
    /// Symbols the text face lacks but the monospace face has (task-list boxes ☐ ☑).
    Symbol,
}

impl Inline {
    /// The inlines directly inside this one (emphasis, links, spans).
    pub fn children(&self) -> Option<&Vec<Inline>> {
        match self {
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::SmallCaps(c) => Some(c),
            Inline::Link { children, .. } | Inline::Span { children, .. } => Some(children),
            _ => None,
        }
    }

    pub fn children_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self {
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::SmallCaps(c) => Some(c),
            Inline::Link { children, .. } | Inline::Span { children, .. } => Some(children),
            _ => None,
        }
    }
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
/// captions and credits, terms, lines, summaries), mutably, outermost lists only.
pub fn for_inline_lists_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>, Pos)) {
    for b in blocks {
        let pos = b.pos();
        for l in b.inline_lists_mut() {
            f(l, pos);
        }
        for c in b.children_mut() {
            for_inline_lists_mut(c, f);
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
            Inline::Math { tex, .. } => s.push_str(tex),
            Inline::Image { alt, .. } => s.push_str(alt),
            Inline::NoteRef { .. } | Inline::Anchor(_) => {}
            Inline::LineBreak => s.push(' '),
            Inline::Span { kind: SpanKind::Quote, children } => {
                s.push('“');
                push_plain(children, s);
                s.push('”');
            }
            other => push_plain(other.children().map(Vec::as_slice).unwrap_or(&[]), s),
        }
    }
}

/// The ids of the anchors the author placed in `inlines` (`<a id>`), in order.
pub fn inline_anchors(inlines: &[Inline]) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &[Inline], out: &mut Vec<String>) {
        for i in v {
            match i {
                Inline::Anchor(id) => out.push(id.clone()),
                other => walk(other.children().map(Vec::as_slice).unwrap_or(&[]), out),
            }
        }
    }
    walk(inlines, &mut out);
    out
}

/// Calls `f` with the plain text of every paragraph-like piece of `blocks`, in order.
pub fn visit_blocks(blocks: &[Block], f: &mut dyn FnMut(&str)) {
    for b in blocks {
        if let Block::CodeBlock { text, .. } = b {
            f(text);
        }
        for l in b.inline_lists() {
            f(&plain_text(l));
        }
        for c in b.children() {
            visit_blocks(c, f);
        }
    }
}

/// Numbers the paragraphs of a chapter's blocks in document order (depth first), from 1.
pub fn number_paragraphs(blocks: &mut [Block]) {
    fn walk(blocks: &mut [Block], next: &mut u32) {
        for b in blocks {
            if let Block::Paragraph { n, .. } = b {
                *next += 1;
                *n = *next;
            }
            for c in b.children_mut() {
                walk(c, next);
            }
        }
    }
    let mut next = 0;
    walk(blocks, &mut next);
}

/// Calls `f` on every block of `blocks`, depth first in document order (quotations, list
/// items, asides and definitions included; figure captions are inlines, not blocks).
pub fn walk_blocks<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
    for b in blocks {
        f(b);
        for c in b.children() {
            walk_blocks(c, f);
        }
    }
}

/// Calls `f` on every inline of `blocks` (every inline list of every block), descending into
/// emphasis, links and spans.
pub fn walk_inlines<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Inline)) {
    fn inl<'a>(v: &'a [Inline], f: &mut dyn FnMut(&'a Inline)) {
        for i in v {
            f(i);
            if let Some(c) = i.children() {
                inl(c, f);
            }
        }
    }
    walk_blocks(blocks, &mut |b| {
        for l in b.inline_lists() {
            inl(l, f);
        }
    });
}
