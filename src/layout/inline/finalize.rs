//! Finalize: breaks → set lines. Each line takes up to ±`EXPANSION` of its slack by font
//! expansion and the rest in its word spaces, so a justified line ends exactly at the measure;
//! runs group glyphs of one style and one link; a soft hyphen stands for an inserted hyphen.

use super::super::linebreak::{Break, Elem};
use super::prepare::{Piece, Prepared};
use super::{Align, Link, PGlyph, ParaSpec, Run, SetLine};
use crate::text::shape::Shaper;

/// A line being set: its runs, link areas and note references, left to right.
struct LineBuilder<'s> {
    spec: &'s ParaSpec,
    expand: f32,
    x: f32,
    runs: Vec<Run>,
    links: Vec<(f32, f32, Link)>,
    notes: Vec<(String, String, f32)>,
    space_sum: f32,
    space_nat: f32,
    spaces: usize,
}

impl LineBuilder<'_> {
    /// Appends glyphs of span `span` (ranges relative to `text`) at the current x.
    fn emit(&mut self, span: usize, glyphs: Vec<PGlyph>, text: &str) {
        let sp = &self.spec.spans[span];
        let x = self.x;
        let w: f32 = glyphs.iter().map(|g| g.advance).sum();
        if let Some(l) = &sp.link {
            match self.links.last_mut() {
                Some((_, x1, ll)) if ll == l && (*x1 - x).abs() < 0.01 => *x1 = x + w,
                _ => self.links.push((x, x + w, l.clone())),
            }
        }
        if let Some((n, r)) = &sp.note
            && !self.notes.iter().any(|(_, rr, _)| rr == r)
        {
            self.notes.push((n.clone(), r.clone(), x));
        }
        let target = sp.link.clone().or_else(|| sp.note.as_ref().map(|(n, _)| Link::Anchor(n.clone())));
        let expand = self.expand;
        let run = match self.runs.last_mut() {
            Some(r) if r.style == sp.style && r.link == target && r.expand == expand && (r.x + r.width() - x).abs() < 0.001 => r,
            _ => {
                self.runs.push(Run { x, style: sp.style, link: target, glyphs: Vec::new(), text: String::new(), expand, object: None });
                let Some(r) = self.runs.last_mut() else { return };
                r
            }
        };
        let base = run.text.len();
        let tstart = glyphs.iter().map(|g| g.range.start).min().unwrap_or(0);
        for mut g in glyphs {
            g.range = (base + g.range.start - tstart)..(base + g.range.end - tstart);
            run.glyphs.push(g);
        }
        run.text.push_str(text);
    }

    /// Appends the inline image of span `span` at the current x: a run of its own.
    fn emit_object(&mut self, span: usize) {
        let sp = &self.spec.spans[span];
        let Some(obj) = &sp.object else { return };
        if let Some(l) = &sp.link {
            self.links.push((self.x, self.x + obj.width, l.clone()));
        }
        self.runs.push(Run {
            x: self.x,
            style: sp.style,
            link: sp.link.clone(),
            glyphs: Vec::new(),
            text: String::new(),
            expand: 1.0,
            object: Some(obj.clone()),
        });
        self.x += obj.width;
    }

    /// Moves everything right by `shift` (centred and right-aligned lines).
    fn shift(&mut self, shift: f32) {
        for r in &mut self.runs {
            r.x += shift;
        }
        for l in &mut self.links {
            l.0 += shift;
            l.1 += shift;
        }
        for n in &mut self.notes {
            n.2 += shift;
        }
    }
}

/// Font expansion and glue ratio of a line from `start` to the break `br`.
fn line_fit(spec: &ParaSpec, p: &Prepared, start: usize, br: &Break, last: bool, expansion: f32) -> (f32, f32) {
    // A line ended by a hard line break (`<br>`, two trailing spaces) is never justified: like
    // TeX's `\\`, its fill glue takes the slack.
    let hard_break = !last && matches!(p.elems[br.pos], Elem::Penalty { penalty, .. } if penalty <= -super::super::linebreak::INF_PENALTY);
    if spec.align != Align::Justify || ((last || hard_break) && br.ratio >= 0.0) {
        // Ragged lines, and the last line of a paragraph at its natural width: the fill glue
        // takes the slack.
        return (1.0, 0.0);
    }
    let (mut bsum, mut gsum, mut ysum, mut zsum, mut indent_w) = (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for k in start..br.pos {
        match (&p.elems[k], &p.pieces[k]) {
            (Elem::Box { width }, Piece::Glyphs { .. }) => bsum += width,
            (Elem::Box { width }, _) => indent_w += width,
            (Elem::Glue { width, stretch, shrink }, _) if *stretch < 1e4 => {
                gsum += width;
                ysum += stretch;
                zsum += shrink;
            }
            _ => {}
        }
    }
    let pen_w = match p.elems[br.pos] {
        Elem::Penalty { width, .. } => width,
        _ => 0.0,
    };
    let e = br.ratio.clamp(-1.0, 1.0) * expansion;
    let slack = spec.width - indent_w - bsum * (1.0 + e) - gsum - pen_w;
    let rg = if slack >= 0.0 {
        if ysum > 0.0 { slack / ysum } else { 0.0 }
    } else if zsum > 0.0 {
        slack / zsum
    } else {
        0.0
    };
    (1.0 + e, rg)
}

/// Sets the elements of one line.
fn set_items(b: &mut LineBuilder, p: &Prepared, start: usize, end: usize, ratio: f32, shaper: &mut Shaper) {
    let spec = b.spec;
    for k in start..end {
        match (&p.elems[k], &p.pieces[k]) {
            (Elem::Box { width }, Piece::Glyphs { span, text, glyphs }) => {
                let t = &spec.spans[*span].text[text.clone()];
                // Ranges are relative to the span text; rebase to this piece.
                let glyphs: Vec<PGlyph> = glyphs
                    .iter()
                    .map(|g| PGlyph {
                        range: (g.range.start - text.start)..(g.range.end - text.start),
                        advance: g.advance * b.expand,
                        dx: g.dx * b.expand,
                        ..g.clone()
                    })
                    .collect();
                b.emit(*span, glyphs, t);
                b.x += width * b.expand;
            }
            (Elem::Box { .. }, Piece::Object { span }) => b.emit_object(*span),
            (Elem::Box { width }, _) => b.x += width,
            (Elem::Glue { width, stretch, shrink }, piece) => {
                let set = if ratio >= 0.0 { width + ratio * stretch } else { width + ratio * shrink };
                let set = if *stretch > 1e4 { *width } else { set };
                if let Piece::Space { span } = piece {
                    let st = spec.spans[*span].style;
                    let sg = shaper.shape(st.face, false, " ");
                    if let Some(g) = sg.first() {
                        b.emit(*span, vec![PGlyph { id: g.id, advance: set, dx: 0.0, dy: 0.0, range: 0..1, face: g.face }], " ");
                    }
                    b.space_sum += set;
                    b.space_nat += p.spaces[k];
                    b.spaces += 1;
                }
                b.x += set;
            }
            _ => {}
        }
    }
}

/// Breaks → set lines.
pub(super) fn finalize(spec: &ParaSpec, p: &Prepared, breaks: &[Break], shaper: &mut Shaper, expansion: f32) -> Vec<SetLine> {
    let mut lines = Vec::new();
    let mut start = 0usize;
    for (li, br) in breaks.iter().enumerate() {
        // Skip discardable items at the line start.
        while start < br.pos && !matches!(p.elems[start], Elem::Box { .. }) {
            start += 1;
        }
        let last = li + 1 == breaks.len();
        let (expand, ratio) = line_fit(spec, p, start, br, last, expansion);
        let mut b = LineBuilder {
            spec,
            expand,
            x: 0.0,
            runs: Vec::new(),
            links: Vec::new(),
            notes: Vec::new(),
            space_sum: 0.0,
            space_nat: 0.0,
            spaces: 0,
        };
        set_items(&mut b, p, start, br.pos, ratio, shaper);
        // Hyphen at a flagged break with width.
        if let (Elem::Penalty { width, .. }, Piece::Hyphen { span }) = (&p.elems[br.pos], &p.pieces[br.pos])
            && *width > 0.0
        {
            let st = spec.spans[*span].style;
            let hg = shaper.shape(st.face, st.smcp, "-");
            let scale = st.size / shaper.units_per_em(st.face);
            let glyphs: Vec<PGlyph> = hg
                .iter()
                .map(|g| PGlyph { id: g.id, advance: g.x_advance as f32 * scale * expand, dx: 0.0, dy: 0.0, range: 0..2, face: g.face })
                .collect();
            // The hyphen's text is a soft hyphen, so copying and searching recover the word.
            b.emit(*span, glyphs, "\u{ad}");
            b.x += width * expand;
        }
        let natural_w = b.x;
        let shift = match spec.align {
            Align::Center => ((spec.width - natural_w) / 2.0).max(0.0),
            Align::Right => (spec.width - natural_w).max(0.0),
            _ => 0.0,
        };
        if shift > 0.0 {
            b.shift(shift);
        }
        let space_ratio = if b.spaces > 0 && b.space_nat > 0.0 { b.space_sum / b.space_nat } else { 1.0 };
        lines.push(SetLine {
            runs: b.runs,
            ratio,
            space_ratio,
            spaces: b.spaces,
            hyphenated: br.flagged && matches!(p.pieces[br.pos], Piece::Hyphen { .. }),
            overfull: br.overfull || natural_w > spec.width + 0.5,
            last,
            width: natural_w,
            links: b.links,
            notes: b.notes,
            start: (start..br.pos).find_map(|k| match &p.pieces[k] {
                Piece::Glyphs { span, text, .. } => Some((*span, text.start)),
                _ => None,
            }),
        });
        start = br.pos + 1;
    }
    lines
}
