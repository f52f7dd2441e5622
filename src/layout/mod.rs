//! Layout: the model → pages of positioned glyphs, images and rules, a structure tree for tagging,
//! anchors for links and the outline, and a report of the typesetting's quality.
//!
//! - `book`: the coordinator (sequences → pages, repeated until the contents are stable).
//! - `flow`: the model → vertical lists (chapters, blocks, figures, generated matter).
//! - `para` → `linebreak`: styled text → elements (shaping, hyphenation) → Knuth–Plass → set lines.
//! - `vlist`: vertical-list items and keep rules; `paginate`: vertical list → page plans.
//! - `pages`: plans → placed pages (labels, page map, notes); `place`, `furniture`.
//! - `engine`: caches that outlive a pass; `geometry`; `report`: the quality report.

pub mod book;
mod engine;
mod flow;
mod furniture;
pub mod geometry;
pub mod inline;
pub mod linebreak;
mod pages;
mod paginate;
mod place;
mod report;
mod vlist;
pub mod wrap;

pub use engine::Warm;
pub use geometry::Geometry;

use inline::{Link, Run};
use std::collections::BTreeMap;

/// A content slot in the structure tree, filled by whatever the PDF writer draws for it.
pub type ContentId = usize;

#[derive(Debug, Clone, PartialEq)]
pub enum SKind {
    Document,
    Part,
    Sect,
    H(u8, String),
    P,
    BlockQuote,
    Figure(String),
    Caption,
    Note,
    Link,
    L(bool),
    LI,
    Lbl,
    LBody,
    Table,
    TR,
    TH,
    TD,
    Code,
    Toc,
    TocItem,
    Div,
    /// A passage in another language than the book's (its BCP 47 tag).
    Passage(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SChild {
    Node(usize),
    Content(ContentId),
}

#[derive(Debug, Clone)]
pub struct SNode {
    pub kind: SKind,
    pub children: Vec<SChild>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact {
    Header,
    Footer,
    Layout,
    LineNumber,
}

#[derive(Debug, Clone)]
pub enum Placed {
    /// A run of glyphs with its baseline at (x, y); tagged content or an artifact.
    Text {
        x: f32,
        y: f32,
        run: Run,
        content: Option<ContentId>,
        artifact: Option<Artifact>,
    },
    /// An image with its top-left corner at (x, y).
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        path: String,
        content: ContentId,
        /// Drawn only inside this box (x, y, width, height): a picture that fills a panel
        /// larger than the panel's proportions allow (a cover image to the bleed).
        clip: Option<[f32; 4]>,
    },
    Rule {
        x0: f32,
        x1: f32,
        y: f32,
        width: f32,
    },
    /// A run turned a quarter clockwise about its baseline origin (x, y), reading downward (a
    /// spine's title).
    Turned {
        x: f32,
        y: f32,
        run: Run,
        content: Option<ContentId>,
    },
    /// A link annotation, tagged under the structure node `node`.
    Link {
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        target: Link,
        node: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Roman(usize),
    Arabic(usize),
}

impl Label {
    pub fn text(self) -> String {
        match self {
            Label::Roman(n) => crate::numbering::roman(n).to_lowercase(),
            Label::Arabic(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PageOut {
    pub label: Label,
    pub items: Vec<Placed>,
}

#[derive(Debug, Clone)]
pub struct OutlineItem {
    pub title: String,
    pub level: usize,
    pub anchor: String,
}

/// One typeset body line, for the layout report.
#[derive(Debug, Clone)]
pub struct LineStat {
    pub page: usize,
    pub space_ratio: f32,
    pub spaces: usize,
    pub hyphenated: bool,
    pub overfull: bool,
    pub last_of_para: bool,
    /// Set justified (ragged and centred lines count in the line and hyphen totals only).
    pub justified: bool,
    /// Manuscript file and line of the paragraph.
    pub source: (String, u32),
    /// (paragraph serial, line index, lines in the paragraph).
    pub para: (usize, usize, usize),
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub lines: Vec<LineStat>,
    pub widows: Vec<(usize, String, u32)>,
    pub orphans: Vec<(usize, String, u32)>,
    pub stranded_headings: Vec<usize>,
    /// Page → (its last placed line is a heading, it has lines that are not headings).
    pub last_line_heading: BTreeMap<usize, (bool, bool)>,
    pub warnings: Vec<crate::diag::Diagnostic>,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<PageOut>,
    pub nodes: Vec<SNode>,
    pub contents: usize,
    /// Anchor id → (page index, y of the top of the line).
    pub anchors: BTreeMap<String, (usize, f32)>,
    pub outline: Vec<OutlineItem>,
    pub report: Report,
    /// Where each page starts in the text (for the EPUB's page-break markers and citations).
    pub map: crate::model::pagemap::PageMap,
    /// The languages of passages (`Style::lang` n is `langs[n - 1]`), for the PDF's `/Lang`.
    pub langs: Vec<String>,
}

impl Layout {
    /// A text dump of the layout — page, label, baseline, x, text of every glyph run — for golden
    /// tests and for diffing two builds by eye.
    pub fn dump(&self) -> String {
        use std::fmt::Write;
        let mut s = String::from("page\tlabel\ty\tx\ttext\n");
        for (i, p) in self.pages.iter().enumerate() {
            for it in &p.items {
                match it {
                    Placed::Text { x, y, run, .. } | Placed::Turned { x, y, run, .. } => {
                        let t = run.text.replace('\u{ad}', "-");
                        if !t.trim().is_empty() {
                            let _ = writeln!(s, "{}\t{}\t{:.1}\t{:.1}\t{}", i + 1, p.label.text(), y, x, t);
                        }
                    }
                    Placed::Image { x, y, w, h, path, .. } => {
                        let _ = writeln!(s, "{}\t{}\t{:.1}\t{:.1}\t[image {path} {:.1}×{:.1}]", i + 1, p.label.text(), y, x, w, h);
                    }
                    _ => {}
                }
            }
        }
        s
    }
}
