//! Page furniture: running heads, folios, paragraph and line numbers in the margin.

use super::engine::Engine;
use super::geometry::Geometry;
use super::inline::Style;
use super::place::{fit_text, push_run, push_text, text_width};
use super::{Artifact, ContentId, PageOut};
use crate::text::fonts::Face;

/// What the furniture of a page depends on.
#[derive(Clone, Copy)]
pub(super) struct PageFacts<'s> {
    pub index: usize,
    /// The text block's left edge on this page.
    pub left: f32,
    /// The first page of its sequence.
    pub opening: bool,
    /// A sequence without running heads (title and part pages).
    pub plain: bool,
    /// The sequence's running head for rectos.
    pub head: Option<&'s str>,
    pub book_title: &'s str,
}

/// The running head and folio of a page: a folio at the foot on opening pages and plain
/// sequences, centred under the text block (on the axis of the chapter head above it), else the
/// head centred above the text and the folio at its outer edge.
pub(super) fn head_and_folio(page: &mut PageOut, facts: &PageFacts, g: Geometry, eng: &mut Engine) {
    let PageFacts { index, left, opening, plain, head, book_title } = *facts;
    if plain && opening {
        return;
    }
    let sh = &mut eng.shaper;
    let folio = page.label.text();
    let hs = Style::new(Face::Italic, g.text.body * 0.82);
    let fs = Style::new(Face::Regular, g.text.body * 0.82);
    let head_y = g.page.top - g.text.leading * 1.1;
    if opening || plain {
        let w = text_width(sh, &folio, fs);
        push_text(
            page,
            sh,
            &folio,
            fs,
            left + (g.measure() - w) / 2.0,
            g.page.height - g.page.bottom + g.text.leading * 1.6,
            Artifact::Footer,
        );
        return;
    }
    let recto = index.is_multiple_of(2);
    let head = if recto { head.unwrap_or(book_title) } else { book_title };
    let head = fit_text(sh, head, hs, g.measure() - 40.0);
    let hw = text_width(sh, &head, hs);
    push_text(page, sh, &head, hs, left + (g.measure() - hw) / 2.0, head_y, Artifact::Header);
    let fw = text_width(sh, &folio, fs);
    let fx = if recto { left + g.measure() - fw } else { left };
    push_text(page, sh, &folio, fs, fx, head_y, Artifact::Header);
}

/// Where a line's marginal numbers go: the text block's left edge, the side of the spread, the
/// line's baseline.
pub(super) struct Margin {
    pub left: f32,
    pub recto: bool,
    pub baseline: f32,
}

/// A paragraph number in the left margin beside its paragraph's first line, close to the text.
/// It is the paragraph's label (`Lbl`), real text that copying and assistive technology reach;
/// standing before the line, it never comes between a hyphenated word's halves when copied.
pub(super) fn paragraph_number(page: &mut PageOut, (n, content): (u32, ContentId), at: &Margin, g: Geometry, eng: &mut Engine) {
    let st = Style::new(Face::Italic, g.text.body * 0.72);
    let t = n.to_string();
    let w = text_width(&mut eng.shaper, &t, st);
    push_run(page, &mut eng.shaper, &t, st, (at.left - PARA_GAP * g.text.body - w, at.baseline), (Some(content), None));
}

/// A paragraph number's distance from the text, in ems of the body.
const PARA_GAP: f32 = 0.6;

/// A line number in the outer margin: right of the text on rectos; left of it on versos, in a
/// column of its own well clear of the paragraph numbers' (so "30" and ¶ "10" never touch).
pub(super) fn line_number(page: &mut PageOut, n: usize, at: &Margin, g: Geometry, eng: &mut Engine) {
    let st = Style::new(Face::Regular, g.text.body * 0.7);
    let t = n.to_string();
    let w = text_width(&mut eng.shaper, &t, st);
    let x = if at.recto {
        at.left + g.measure() + 0.8 * g.text.body
    } else {
        let gap = if g.furniture.paragraph_numbers { PARA_GAP + 3.2 } else { 0.8 };
        at.left - gap * g.text.body - w
    };
    push_text(page, &mut eng.shaper, &t, st, x, at.baseline, Artifact::LineNumber);
}
