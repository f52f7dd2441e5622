//! Page furniture: running heads, folios, paragraph and line numbers in the margin.

use super::engine::Engine;
use super::geometry::Geometry;
use super::inline::Style;
use super::place::{fit_text, push_text, text_width};
use super::{Artifact, PageOut};
use crate::text::fonts::Face;

/// What the furniture of a page depends on.
#[derive(Clone, Copy)]
pub(super) struct PageFacts<'s> {
    pub index: usize,
    /// The first page of its sequence.
    pub opening: bool,
    /// A sequence without running heads (title and part pages).
    pub plain: bool,
    /// The sequence's running head for rectos.
    pub head: Option<&'s str>,
    pub book_title: &'s str,
}

/// The running head and folio of a page: a centred folio at the foot on opening pages and
/// plain sequences, else the head centred above the text and the folio at its outer edge.
pub(super) fn head_and_folio(page: &mut PageOut, facts: &PageFacts, g: Geometry, eng: &mut Engine) {
    let PageFacts { index, opening, plain, head, book_title } = *facts;
    if plain && opening {
        return;
    }
    let sh = &mut eng.shaper;
    let folio = page.label.text();
    let hs = Style::new(Face::Italic, g.text.body * 0.82);
    let fs = Style::new(Face::Regular, g.text.body * 0.82);
    let head_y = g.page.top - g.text.leading * 1.1;
    let left = g.left(index);
    if opening || plain {
        let w = text_width(sh, &folio, fs);
        push_text(
            page,
            sh,
            &folio,
            fs,
            g.page.width / 2.0 - w / 2.0,
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

/// A paragraph number in the left margin, next to the text: placed before the line, it never
/// comes between a hyphenated word's halves when the text is copied or extracted.
pub(super) fn paragraph_number(page: &mut PageOut, n: u32, left: f32, baseline: f32, g: Geometry, eng: &mut Engine) {
    let st = Style::new(Face::Italic, g.text.body * 0.72);
    let t = n.to_string();
    let w = text_width(&mut eng.shaper, &t, st);
    push_text(page, &mut eng.shaper, &t, st, left - 0.6 * g.text.body - w, baseline, Artifact::ParagraphNumber);
}

/// A line number in the left margin (for the same reason as paragraph numbers).
pub(super) fn line_number(page: &mut PageOut, n: usize, left: f32, baseline: f32, g: Geometry, eng: &mut Engine) {
    let st = Style::new(Face::Regular, g.text.body * 0.7);
    let t = n.to_string();
    let w = text_width(&mut eng.shaper, &t, st);
    let gap = if g.furniture.paragraph_numbers { 2.6 * g.text.body } else { 0.8 * g.text.body };
    push_text(page, &mut eng.shaper, &t, st, left - gap - w, baseline, Artifact::LineNumber);
}
