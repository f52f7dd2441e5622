//! Placement: vertical-list items → positioned items on a page; text helpers for furniture.

use super::inline::{PGlyph, Run, Style};
use super::vlist::{VItem, VLine};
use super::*;
use crate::text::shape::Shaper;
use std::collections::BTreeMap;

pub(crate) fn text_width(sh: &mut Shaper, text: &str, st: Style) -> f32 {
    let g = sh.shape(st.face, st.feats(), text);
    crate::text::shape::width(&g) as f32 * st.size / sh.units_per_em(st.face)
}

/// Shortens `text` with an ellipsis to fit `max` points.
pub(crate) fn fit_text(sh: &mut Shaper, text: &str, st: Style, max: f32) -> String {
    if text_width(sh, text, st) <= max {
        return text.to_string();
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let cut = |k: usize| format!("{}…", words[..k].join(" ").trim_end_matches([',', ';', ':']));
    // The most words that fit with an ellipsis, by bisection (widths grow with the words): a
    // title of thousands of words is measured a dozen times, not once per word.
    let (mut lo, mut hi) = (0usize, words.len().saturating_sub(1));
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if text_width(sh, &cut(mid), st) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 { text.to_string() } else { cut(lo) }
}

pub(crate) fn push_text(page: &mut PageOut, sh: &mut Shaper, text: &str, st: Style, x: f32, y: f32, artifact: Artifact) {
    push_run(page, sh, text, st, (x, y), (None, Some(artifact)));
}

/// Shapes `text` and places it with its baseline at `(x, y)`: tagged as `content`, or an artifact.
pub(crate) fn push_run(
    page: &mut PageOut,
    sh: &mut Shaper,
    text: &str,
    st: Style,
    (x, y): (f32, f32),
    (content, artifact): (Option<ContentId>, Option<Artifact>),
) {
    let g = sh.shape(st.face, st.feats(), text);
    let scale = st.size / sh.units_per_em(st.face);
    let glyphs: Vec<PGlyph> = g
        .iter()
        .enumerate()
        .map(|(i, gl)| {
            let end = g.get(i + 1).map(|x| x.cluster as usize).unwrap_or(text.len());
            PGlyph {
                id: gl.id,
                advance: gl.x_advance as f32 * scale,
                dx: gl.x_offset as f32 * scale,
                dy: gl.y_offset as f32 * scale,
                range: gl.cluster as usize..end.max(gl.cluster as usize),
                face: gl.face,
            }
        })
        .collect();
    page.items.push(Placed::Text {
        x,
        y,
        run: Run { x: 0.0, style: st, link: None, glyphs, text: text.to_string(), expand: 1.0, object: None },
        content,
        artifact,
    });
}

/// Where items are being placed: the page, its index, the text block's left edge and width,
/// and what placement records (anchors, the report).
pub(crate) struct Placer<'p> {
    pub page: &'p mut PageOut,
    pub index: usize,
    pub left: f32,
    pub measure: f32,
    pub anchors: &'p mut BTreeMap<String, (usize, f32)>,
    pub report: &'p mut Report,
}

impl Placer<'_> {
    /// Places `it` with its top at `y`; moves `y` down by its height.
    pub(crate) fn place(&mut self, it: VItem, y: &mut f32) {
        match it {
            VItem::Space(h) => *y += h,
            // Resolved by the caller, who knows where the page's grid starts.
            VItem::Grid => {}
            VItem::Rule { width, height, left: at_left } => {
                let x0 = if at_left { self.left } else { self.left + (self.measure - width) / 2.0 };
                self.page.items.push(Placed::Rule { x0, x1: x0 + width, y: *y + height / 2.0, width: 0.4 });
                *y += height;
            }
            VItem::Line(l) => self.line(l, y),
            VItem::Figure(f) => {
                let top = *y;
                for a in &f.anchors {
                    self.anchors.entry(a.clone()).or_insert((self.index, top));
                }
                let x = self.left + (self.measure - f.w) / 2.0;
                self.page.items.push(Placed::Image { x, y: top + 4.0, w: f.w, h: f.h, path: f.path, content: f.content, clip: None });
                *y += f.h + 8.0;
                for l in f.caption {
                    self.line(l, y);
                }
                *y += 6.0;
            }
        }
    }

    fn line(&mut self, l: VLine, y: &mut f32) {
        let top = *y;
        let base = top + l.leading * 0.78;
        for a in l.anchors {
            self.anchors.entry(a).or_insert((self.index, top));
        }
        for (r, c) in l.runs {
            if let Some(obj) = &r.object {
                let (x, h) = (self.left + l.x + r.x, obj.height);
                self.page.items.push(Placed::Image { x, y: base - h, w: obj.width, h, path: obj.src.clone(), content: c, clip: None });
                continue;
            }
            let content = if c == usize::MAX { None } else { Some(c) };
            self.page.items.push(Placed::Text {
                x: self.left + l.x + r.x,
                y: base - r.style.rise,
                run: r,
                content,
                artifact: if content.is_none() { Some(Artifact::Layout) } else { None },
            });
        }
        for (x0, x1, target, node) in l.links {
            self.page.items.push(Placed::Link {
                x0: self.left + l.x + x0,
                y0: top,
                x1: self.left + l.x + x1,
                y1: top + l.leading,
                target,
                node,
            });
        }
        if let Some(st) = l.stat {
            self.report.lines.push(LineStat { page: self.index, para: l.para.unwrap_or((0, 0, 1)), ..st });
        }
        let e = self.report.last_line_heading.entry(self.index).or_insert((false, false));
        e.0 = l.heading;
        e.1 |= !l.heading;
        *y += l.leading;
    }
}
