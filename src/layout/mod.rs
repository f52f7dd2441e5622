//! Layout: the model → pages of positioned glyphs, images and rules, a structure tree for tagging,
//! anchors for links and the outline, and a report of the typesetting's quality.
//!
//! - `linebreak`: Knuth–Plass over boxes, glue and penalties.
//! - `para`: styled text → elements (shaping, hyphenation) → set lines.
//! - `book`: walks the book, builds vertical lists per chapter and paginates them (widows,
//!   orphans, keep-with-next, footnotes, figures, running heads, folios, contents).

pub mod book;
pub mod linebreak;
pub mod para;

use para::{Link, Run};
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
    ParagraphNumber,
}

#[derive(Debug, Clone)]
pub enum Placed {
    /// A run of glyphs with its baseline at (x, y); tagged content or an artifact.
    Text { x: f32, y: f32, run: Run, content: Option<ContentId>, artifact: Option<Artifact> },
    /// An image with its top-left corner at (x, y).
    Image { x: f32, y: f32, w: f32, h: f32, path: String, content: ContentId },
    /// A frame standing in for an image the PDF cannot draw (SVG).
    Frame { x: f32, y: f32, w: f32, h: f32, content: ContentId },
    Rule { x0: f32, x1: f32, y: f32, width: f32 },
    /// A link annotation, tagged under the structure node `node`.
    Link { x0: f32, y0: f32, x1: f32, y1: f32, target: Link, node: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Roman(usize),
    Arabic(usize),
}

impl Label {
    pub fn text(self) -> String {
        match self {
            Label::Roman(n) => crate::epub::xml::roman(n).to_lowercase(),
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
    /// For each page, where it starts in the text (for the EPUB's page-break markers).
    pub marks: Vec<PageMark>,
}

/// Where a printed page starts, in terms of the book's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageMark {
    /// At the start of an EPUB document: a chapter or part id, `titlepage` or `toc`.
    Start(String),
    /// Inside paragraph `n` of `chapter`, before the word at character `offset` of its text.
    Paragraph { chapter: String, n: u32, offset: usize },
    /// A page with no text of its own (blank, a figure or notes only): its marker goes just
    /// before the next page's.
    Follow,
}

impl Report {
    /// The one-line summary printed by `quire build`.
    pub fn summary(&self) -> String {
        let just: Vec<&LineStat> = self.lines.iter().filter(|l| !l.last_of_para && l.spaces > 0).collect();
        let n = just.len().max(1) as f32;
        let gt15 = just.iter().filter(|l| l.space_ratio > 1.5).count();
        let gt2 = just.iter().filter(|l| l.space_ratio > 2.0).count();
        let lt08 = just.iter().filter(|l| l.space_ratio < 0.8).count();
        let hyph = self.lines.iter().filter(|l| l.hyphenated).count();
        let mut run = 0;
        let mut max_run = 0;
        for l in &self.lines {
            run = if l.hyphenated { run + 1 } else { 0 };
            max_run = max_run.max(run);
        }
        let overfull = self.lines.iter().filter(|l| l.overfull).count();
        format!(
            "layout: {} lines, {} justified; spaces >1.5× {:.1}%, >2× {:.1}%, <0.8× {:.1}%; hyphenated line ends {} ({:.1}%), longest run {}; overfull {}; widows {}, orphans {}, stranded headings {}",
            self.lines.len(),
            just.len(),
            100.0 * gt15 as f32 / n,
            100.0 * gt2 as f32 / n,
            100.0 * lt08 as f32 / n,
            hyph,
            100.0 * hyph as f32 / self.lines.len().max(1) as f32,
            max_run,
            overfull,
            self.widows.len(),
            self.orphans.len(),
            self.stranded_headings.len(),
        )
    }

    /// TeX-log-like details: overfull and very loose lines mapped to the manuscript.
    pub fn details(&self) -> Vec<String> {
        let mut out = Vec::new();
        for l in &self.lines {
            if l.overfull {
                out.push(format!("{}:{}: overfull line on page {}", l.source.0, l.source.1, l.page + 1));
            } else if !l.last_of_para && l.spaces > 0 && l.space_ratio > 2.0 {
                out.push(format!("{}:{}: very loose line (spaces {:.2}× normal) on page {}", l.source.0, l.source.1, l.space_ratio, l.page + 1));
            }
        }
        for (p, f, line) in &self.widows {
            out.push(format!("{f}:{line}: widow at the top of page {}", p + 1));
        }
        for (p, f, line) in &self.orphans {
            out.push(format!("{f}:{line}: orphan at the foot of page {}", p + 1));
        }
        out
    }
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
                    Placed::Text { x, y, run, .. } => {
                        let t = run.text.replace('\u{ad}', "-");
                        if !t.trim().is_empty() {
                            let _ = writeln!(s, "{}\t{}\t{:.1}\t{:.1}\t{}", i + 1, p.label.text(), y, x, t);
                        }
                    }
                    Placed::Image { x, y, w, h, path, .. } => {
                        let _ = writeln!(s, "{}\t{}\t{:.1}\t{:.1}\t[image {path} {:.1}×{:.1}]", i + 1, p.label.text(), y, x, w, h);
                    }
                    Placed::Frame { x, y, w, h, .. } => {
                        let _ = writeln!(s, "{}\t{}\t{:.1}\t{:.1}\t[frame {:.1}×{:.1}]", i + 1, p.label.text(), y, x, w, h);
                    }
                    _ => {}
                }
            }
        }
        s
    }
}
