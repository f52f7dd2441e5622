//! The vertical list: lines, spaces, figures and rules of a page sequence, with the keep rules
//! (widows, orphans, headings, short quotations, letter closings) pagination honours.

use super::inline::{Link, Run};
use super::{ContentId, LineStat};

/// One item of a vertical list.
#[derive(Debug, Clone)]
// Lines are nearly every item: boxing them would cost an allocation per line.
#[allow(clippy::large_enum_variant)]
pub(crate) enum VItem {
    Line(VLine),
    Space(f32),
    /// The next line returns to the page's grid of body lines: as much space as that takes
    /// (none when it already stands on it). Put after a block whose height is not whole lines
    /// of the body's leading, or that a page break may have split.
    Grid,
    Figure(Box<VFigure>),
    /// A horizontal rule, centred in the measure or (`left`) at its left edge.
    Rule {
        width: f32,
        height: f32,
        left: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct VLine {
    pub(crate) runs: Vec<(Run, ContentId)>,
    pub(crate) links: Vec<(f32, f32, Link, usize)>,
    pub(crate) x: f32,
    pub(crate) leading: f32,
    pub(crate) keep_with_next: bool,
    pub(crate) notes: Vec<String>,
    pub(crate) anchors: Vec<String>,
    pub(crate) stat: Option<LineStat>,
    pub(crate) para: Option<(usize, usize, usize)>, // (paragraph serial, line index, line count)
    pub(crate) heading: bool,
    /// Counts for line numbering (body text lines).
    pub(crate) numbered: bool,
    /// The paragraph number printed in the margin of this (first) line, and its content (a
    /// `Lbl` of the paragraph: real text, not an artifact).
    pub(crate) para_number: Option<(u32, ContentId)>,
    /// Characters of the paragraph's manuscript text before this line.
    pub(crate) offset: Option<usize>,
    /// The paragraph this line belongs to: (chapter id, paragraph number).
    pub(crate) mark: Option<(String, u32)>,
    /// A line of a table: (the table's serial, whether it is a header line). A page that
    /// continues a table repeats its header lines.
    pub(crate) table: Option<(usize, bool)>,
}

#[derive(Debug, Clone)]
pub(crate) struct VFigure {
    pub(crate) path: String,
    pub(crate) w: f32,
    pub(crate) h: f32,
    pub(crate) content: ContentId,
    pub(crate) caption: Vec<VLine>,
    pub(crate) anchors: Vec<String>,
    /// A float: set at the top or foot of a page, out of the text's flow (false on display
    /// pages, where the figure stands centred where it is).
    pub(crate) float: bool,
}

impl VItem {
    pub(crate) fn height(&self) -> f32 {
        match self {
            VItem::Line(l) => l.leading,
            VItem::Space(h) => *h,
            // Known only where the item stands on its page (see `Paginator` and `place_body`).
            VItem::Grid => 0.0,
            VItem::Figure(f) => f.h + 8.0 + f.caption.iter().map(|l| l.leading).sum::<f32>() + 6.0,
            VItem::Rule { height, .. } => *height,
        }
    }
    /// Space, fixed or up to the grid: nothing to see.
    pub(crate) fn is_blank(&self) -> bool {
        matches!(self, VItem::Space(_) | VItem::Grid)
    }
    /// A figure set out of the text's flow, at a page's top or foot.
    pub(crate) fn is_float(&self) -> bool {
        matches!(self, VItem::Figure(f) if f.float)
    }
    pub(crate) fn keep(&self) -> bool {
        match self {
            VItem::Line(l) => l.keep_with_next,
            _ => false,
        }
    }
}

/// Whether a page may end after item `j`: not after a line kept with the next, nor after the
/// space or rule that follows such a line (a table's header rule stays with its header). Floats
/// stand outside the flow: a line before one stays kept with the line after it.
pub(crate) fn break_allowed_after(items: &[VItem], j: usize) -> bool {
    let mut k = j;
    while k > 0 && (matches!(items[k], VItem::Space(_) | VItem::Grid | VItem::Rule { .. }) || items[k].is_float()) {
        k -= 1;
    }
    !items[k].keep()
}

pub(crate) fn keep_all(items: &mut [VItem]) {
    let n = items.len();
    for (i, it) in items.iter_mut().enumerate() {
        if let VItem::Line(l) = it
            && i + 1 < n
        {
            l.keep_with_next = true;
        }
    }
}

pub(crate) fn mark_heading(items: &mut [VItem], anchor: &str) {
    let mut first = true;
    for it in items.iter_mut() {
        if let VItem::Line(l) = it {
            l.keep_with_next = true;
            l.heading = true;
            if first {
                l.anchors.push(anchor.to_string());
                first = false;
            }
        }
    }
}
