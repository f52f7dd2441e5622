//! Paragraphs: styled text → boxes, glue and penalties → Knuth–Plass → set lines of glyphs.

use super::linebreak::{break_paragraph, Elem, INF_PENALTY};
use crate::text::fonts::Face;
use crate::text::hyph::{is_unbreakable, Hyph};
use crate::text::shape::Shaper;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub smcp: bool,
    /// Raised (superscript) by this many points.
    pub rise: f32,
    /// Struck through.
    pub strike: bool,
}

impl Style {
    pub fn new(face: Face, size: f32) -> Style {
        Style { face, size, smcp: false, rise: 0.0, strike: false }
    }
}

/// Where a piece of text links to.
#[derive(Debug, Clone, PartialEq, Hash)]
pub enum Link {
    Url(String),
    /// An anchor in the book (chapter id, heading id, figure id, note id…).
    Anchor(String),
}

#[derive(Debug, Clone)]
pub struct Span {
    pub text: String,
    pub style: Style,
    pub link: Option<Link>,
    /// A note reference: the note's anchor id and this reference's own anchor id.
    pub note: Option<(String, String)>,
    /// For text that comes from the manuscript's text: how many characters of the paragraph's
    /// text precede this span (so a line can be located in the EPUB's text).
    pub model_offset: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Justify,
    Ragged,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub struct ParaSpec {
    pub spans: Vec<Span>,
    pub width: f32,
    /// First-line indent.
    pub indent: f32,
    pub align: Align,
    pub hyphenate: bool,
}

/// A positioned glyph (points). `range` indexes the run's `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct PGlyph {
    pub id: u16,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    pub range: Range<usize>,
}

/// Glyphs of one style on one line.
#[derive(Debug, Clone)]
pub struct Run {
    pub x: f32,
    pub style: Style,
    /// The link or note reference this run belongs to (runs never mix targets).
    pub link: Option<Link>,
    pub glyphs: Vec<PGlyph>,
    pub text: String,
    /// Horizontal scale of the glyph shapes (font expansion); advances are already scaled.
    pub expand: f32,
}

impl Run {
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

#[derive(Debug, Clone)]
pub struct SetLine {
    pub runs: Vec<Run>,
    /// Adjustment ratio of the line's glue (0 = natural).
    pub ratio: f32,
    /// Word space set on this line divided by the natural space (1.0 for ragged lines).
    pub space_ratio: f32,
    pub spaces: usize,
    pub hyphenated: bool,
    pub overfull: bool,
    pub last: bool,
    pub width: f32,
    /// Link areas: x range and target.
    pub links: Vec<(f32, f32, Link)>,
    /// Note references on this line: (note anchor, reference anchor, x).
    pub notes: Vec<(String, String, f32)>,
    /// Where the line's text starts: (span index, byte offset in the span's text).
    pub start: Option<(usize, usize)>,
}

/// What each element of the paragraph list draws.
#[derive(Clone)]
enum Piece {
    Glyphs { span: usize, text: Range<usize>, glyphs: Vec<PGlyph> },
    Space { span: usize },
    Hyphen { span: usize },
    None,
}

pub struct Problems {
    pub missing: Vec<char>,
}

/// Builds and sets a paragraph. Characters missing from the fonts are returned in `problems`.
pub fn set_paragraph(spec: &ParaSpec, shaper: &mut Shaper, hyph: &Hyph, problems: &mut Problems) -> Vec<SetLine> {
    let t0 = std::time::Instant::now();
    let mut elems: Vec<Elem> = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut spaces: Vec<f32> = Vec::new(); // natural space width per glue element index (0 if none)
    let ragged = spec.align != Align::Justify;
    if spec.indent != 0.0 {
        elems.push(Elem::Box { width: spec.indent });
        pieces.push(Piece::None);
        spaces.push(0.0);
    }
    let push = |elems: &mut Vec<Elem>, pieces: &mut Vec<Piece>, spaces: &mut Vec<f32>, e: Elem, p: Piece, sp: f32| {
        elems.push(e);
        pieces.push(p);
        spaces.push(sp);
    };
    let mut pending_space: Option<usize> = None;
    for (si, span) in spec.spans.iter().enumerate() {
        let style = span.style;
        let scale = style.size / shaper.units_per_em(style.face);
        let text = &span.text;
        if text == "\n" {
            // Hard line break: fill glue and a forced break.
            push(&mut elems, &mut pieces, &mut spaces, Elem::Glue { width: 0.0, stretch: 1e5, shrink: 0.0 }, Piece::None, 0.0);
            push(&mut elems, &mut pieces, &mut spaces, Elem::Penalty { width: 0.0, penalty: -INF_PENALTY, flagged: false }, Piece::None, 0.0);
            pending_space = None;
            continue;
        }
        let mut i = 0;
        while i < text.len() {
            let c = text[i..].chars().next().unwrap_or(' ');
            if c == ' ' || c == '\t' || c == '\n' {
                pending_space = Some(si);
                i += c.len_utf8();
                continue;
            }
            if let Some(sspan) = pending_space.take()
                && !elems.is_empty()
                && matches!(elems.last(), Some(Elem::Box { .. }) | Some(Elem::Penalty { .. }))
            {
                let st = spec.spans[sspan].style;
                let w = shaper.space_width(st.face, st.size);
                let (stretch, shrink) = if ragged { (0.0, 0.0) } else { (w / 2.0, w / 5.0) };
                push(&mut elems, &mut pieces, &mut spaces, Elem::Glue { width: w, stretch, shrink }, Piece::Space { span: sspan }, w);
            }
            // A word: up to the next space in this span.
            let end = text[i..].find([' ', '\t', '\n']).map(|e| i + e).unwrap_or(text.len());
            let word = &text[i..end];
            for ch in word.chars() {
                if ch != '\u{ad}' && !shaper.has_char(style.face, ch) && !problems.missing.contains(&ch) {
                    problems.missing.push(ch);
                }
            }
            let glyphs = shaper.shape(style.face, style.smcp, word);
            // Break opportunities inside the word: (byte offset in word, flagged, penalty, add hyphen).
            let mut opps: Vec<(usize, bool, f32, bool)> = Vec::new();
            if !is_unbreakable(word) {
                let mut seg_start = 0;
                for (bi, ch) in word.char_indices() {
                    let after = bi + ch.len_utf8();
                    if (ch == '-' || ch == '\u{2010}') && after < word.len() && bi > 0 {
                        opps.push((after, true, 50.0, false));
                    } else if (ch == '—' || ch == '–') && after < word.len() && bi > 0 {
                        opps.push((after, false, 50.0, false));
                    }
                    let boundary = !ch.is_alphabetic() && ch != '\'' && ch != '’';
                    if boundary || after == word.len() {
                        let seg_end = if boundary { bi } else { after };
                        if spec.hyphenate && seg_end > seg_start {
                            let seg = &word[seg_start..seg_end];
                            for b in hyph.breaks(seg) {
                                opps.push((seg_start + b, true, hyphen_penalty(), true));
                            }
                        }
                        seg_start = after;
                    }
                }
                opps.sort_by_key(|o| o.0);
            }
            // Split glyphs at opportunities that fall on cluster boundaries.
            let starts: Vec<usize> = glyphs.iter().map(|g| g.cluster as usize).collect();
            let mut cut_points: Vec<(usize, bool, f32, bool)> = opps.into_iter().filter(|o| starts.contains(&o.0)).collect();
            cut_points.dedup_by_key(|o| o.0);
            let mut from = 0usize;
            let mut gi = 0usize;
            let mut cuts = cut_points.into_iter().peekable();
            loop {
                let to = cuts.peek().map(|c| c.0).unwrap_or(word.len());
                let mut pg = Vec::new();
                let mut wsum = 0.0;
                while gi < glyphs.len() && (glyphs[gi].cluster as usize) < to {
                    let g = glyphs[gi];
                    let next_cluster = glyphs[gi + 1..].iter().map(|x| x.cluster as usize).find(|&c| c > g.cluster as usize).unwrap_or(word.len()).min(to);
                    let adv = g.x_advance as f32 * scale;
                    pg.push(PGlyph {
                        id: g.id,
                        advance: adv,
                        dx: g.x_offset as f32 * scale,
                        dy: g.y_offset as f32 * scale,
                        range: (i + g.cluster as usize)..(i + next_cluster.max(g.cluster as usize)),
                    });
                    wsum += adv;
                    gi += 1;
                }
                push(
                    &mut elems,
                    &mut pieces,
                    &mut spaces,
                    Elem::Box { width: wsum },
                    Piece::Glyphs { span: si, text: (i + from)..(i + to), glyphs: pg },
                    0.0,
                );
                match cuts.next() {
                    Some((_, flagged, pen, hyphen)) => {
                        let hw = if hyphen {
                            let hg = shaper.shape(style.face, style.smcp, "-");
                            crate::text::shape::width(&hg) as f32 * scale
                        } else {
                            0.0
                        };
                        push(
                            &mut elems,
                            &mut pieces,
                            &mut spaces,
                            Elem::Penalty { width: hw, penalty: pen, flagged },
                            if hyphen { Piece::Hyphen { span: si } } else { Piece::None },
                            0.0,
                        );
                        from = to;
                    }
                    None => break,
                }
            }
            i = end;
        }
    }
    if elems.is_empty() {
        return Vec::new();
    }
    // Paragraph end: fill glue, forced break.
    push(&mut elems, &mut pieces, &mut spaces, Elem::Glue { width: 0.0, stretch: 1e5, shrink: 0.0 }, Piece::None, 0.0);
    push(&mut elems, &mut pieces, &mut spaces, Elem::Penalty { width: 0.0, penalty: -INF_PENALTY, flagged: false }, Piece::None, 0.0);

    let body = spec.spans.first().map(|s| s.style.size).unwrap_or(10.0);
    let background = if ragged { 4.0 * body } else { 0.0 };
    let expansion = if ragged { 0.0 } else { EXPANSION };
    let t1 = std::time::Instant::now();
    let (breaks, _pass) = break_paragraph(&elems, &|_| spec.width, background, 1.5 * body, spec.hyphenate, expansion);
    let t2 = std::time::Instant::now();
    crate::stats::add(crate::stats::Stage::Shaping, t1 - t0);
    crate::stats::add(crate::stats::Stage::LineBreaking, t2 - t1);

    // Set each line.
    let mut lines = Vec::new();
    let mut start = 0usize;
    let nbreaks = breaks.len();
    for (li, br) in breaks.iter().enumerate() {
        // Skip discardable items at the line start.
        while start < br.pos && !matches!(elems[start], Elem::Box { .. }) {
            start += 1;
        }
        let last = li + 1 == nbreaks;
        // Font expansion takes up to ±EXPANSION of the slack; the glue takes the rest exactly.
        let (mut bsum, mut gsum, mut ysum, mut zsum, mut indent_w) = (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for k in start..br.pos {
            match (&elems[k], &pieces[k]) {
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
        let pen_w = match elems[br.pos] {
            Elem::Penalty { width, .. } => width,
            _ => 0.0,
        };
        let (expand, ratio) = if ragged {
            (1.0, 0.0)
        } else if last && br.ratio >= 0.0 {
            // The last line is set at its natural width; the fill glue takes the slack.
            (1.0, 0.0)
        } else {
            let e = br.ratio.clamp(-1.0, 1.0) * expansion;
            let slack = spec.width - indent_w - bsum * (1.0 + e) - gsum - pen_w;
            let rg = if slack >= 0.0 { if ysum > 0.0 { slack / ysum } else { 0.0 } } else if zsum > 0.0 { slack / zsum } else { 0.0 };
            (1.0 + e, rg)
        };
        let mut x = 0.0f32;
        let mut runs: Vec<Run> = Vec::new();
        let mut links: Vec<(f32, f32, Link)> = Vec::new();
        let mut notes: Vec<(String, String, f32)> = Vec::new();
        let mut space_sum = 0.0;
        let mut space_nat = 0.0;
        let mut nspaces = 0;
        let emit = |runs: &mut Vec<Run>, links: &mut Vec<(f32, f32, Link)>, notes: &mut Vec<(String, String, f32)>, x: f32, span: usize, glyphs: Vec<PGlyph>, text: &str| {
            let sp = &spec.spans[span];
            let w: f32 = glyphs.iter().map(|g| g.advance).sum();
            if let Some(l) = &sp.link {
                match links.last_mut() {
                    Some((_, x1, ll)) if ll == l && (*x1 - x).abs() < 0.01 => *x1 = x + w,
                    _ => links.push((x, x + w, l.clone())),
                }
            }
            if let Some((n, r)) = &sp.note
                && !notes.iter().any(|(_, rr, _)| rr == r)
            {
                notes.push((n.clone(), r.clone(), x));
            }
            let target = sp.link.clone().or_else(|| sp.note.as_ref().map(|(n, _)| Link::Anchor(n.clone())));
            let same = runs.last().is_some_and(|r: &Run| r.style == sp.style && r.link == target && r.expand == expand && (r.x + r.width() - x).abs() < 0.001);
            if !same {
                runs.push(Run { x, style: sp.style, link: target, glyphs: Vec::new(), text: String::new(), expand });
            }
            let run = runs.last_mut().unwrap();
            let base = run.text.len();
            let tstart = glyphs.iter().map(|g| g.range.start).min().unwrap_or(0);
            for mut g in glyphs {
                g.range = (base + g.range.start - tstart)..(base + g.range.end - tstart);
                run.glyphs.push(g);
            }
            run.text.push_str(text);
        };
        for k in start..br.pos {
            match (&elems[k], &pieces[k]) {
                (Elem::Box { width }, Piece::Glyphs { span, text, glyphs }) => {
                    let t = &spec.spans[*span].text[text.clone()];
                    // Ranges are relative to the span text; rebase to this piece.
                    let glyphs: Vec<PGlyph> = glyphs
                        .iter()
                        .map(|g| PGlyph {
                            range: (g.range.start - text.start)..(g.range.end - text.start),
                            advance: g.advance * expand,
                            dx: g.dx * expand,
                            ..g.clone()
                        })
                        .collect();
                    emit(&mut runs, &mut links, &mut notes, x, *span, glyphs, t);
                    x += width * expand;
                }
                (Elem::Box { width }, _) => x += width,
                (Elem::Glue { width, stretch, shrink }, piece) => {
                    let set = if ratio >= 0.0 { width + ratio * stretch } else { width + ratio * shrink };
                    let set = if *stretch > 1e4 { *width } else { set };
                    if let Piece::Space { span } = piece {
                        let st = spec.spans[*span].style;
                        let sg = shaper.shape(st.face, false, " ");
                        if let Some(g) = sg.first() {
                            emit(&mut runs, &mut links, &mut notes, x, *span, vec![PGlyph { id: g.id, advance: set, dx: 0.0, dy: 0.0, range: 0..1 }], " ");
                        }
                        space_sum += set;
                        space_nat += spaces[k];
                        nspaces += 1;
                    }
                    x += set;
                }
                _ => {}
            }
        }
        // Hyphen at a flagged break with width.
        if let (Elem::Penalty { width, .. }, Piece::Hyphen { span }) = (&elems[br.pos], &pieces[br.pos])
            && *width > 0.0
        {
            let st = spec.spans[*span].style;
            let hg = shaper.shape(st.face, st.smcp, "-");
            let scale = st.size / shaper.units_per_em(st.face);
            let glyphs: Vec<PGlyph> = hg
                .iter()
                .map(|g| PGlyph { id: g.id, advance: g.x_advance as f32 * scale * expand, dx: 0.0, dy: 0.0, range: 0..2 })
                .collect();
            // The hyphen's text is a soft hyphen, so copying and searching recover the word.
            emit(&mut runs, &mut links, &mut notes, x, *span, glyphs, "\u{ad}");
            x += width * expand;
        }
        // Drop a trailing space run glyph (from glue before a break) — none: breaks at glue exclude it.
        let natural_w = x;
        let shift = match spec.align {
            Align::Center => ((spec.width - natural_w) / 2.0).max(0.0),
            Align::Right => (spec.width - natural_w).max(0.0),
            _ => 0.0,
        };
        if shift > 0.0 {
            for r in &mut runs {
                r.x += shift;
            }
            for l in &mut links {
                l.0 += shift;
                l.1 += shift;
            }
            for n in &mut notes {
                n.2 += shift;
            }
        }
        let space_ratio = if nspaces > 0 && space_nat > 0.0 { space_sum / space_nat } else { 1.0 };
        lines.push(SetLine {
            runs,
            ratio,
            space_ratio,
            spaces: nspaces,
            hyphenated: br.flagged && matches!(pieces[br.pos], Piece::Hyphen { .. }),
            overfull: br.overfull || natural_w > spec.width + 0.5,
            last,
            width: natural_w,
            links,
            notes,
            start: (start..br.pos).find_map(|k| match &pieces[k] {
                Piece::Glyphs { span, text, .. } => Some((*span, text.start)),
                _ => None,
            }),
        });
        start = br.pos + 1;
    }
    crate::stats::add(crate::stats::Stage::Setting, t2.elapsed());
    lines
}

/// Font expansion allowed in justified text: glyphs may be widened or narrowed by up to 2 %,
/// as pdfTeX's microtype does, so word spaces stay closer to their natural width.
pub const EXPANSION: f32 = 0.02;

/// Penalty for breaking at a hyphenation point (TeX's \hyphenpenalty is 50; a higher value
/// trades a few more loose lines for fewer hyphens).
fn hyphen_penalty() -> f32 {
    100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fonts::{Face, FontSet};

    fn fonts() -> FontSet {
        let dir = crate::source::BookDir::open(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let cfg = crate::config::parse("[metadata]\ntitle = \"T\"\n[contents]\nchapters = [\"a.md\"]\n").unwrap();
        FontSet::load(&dir, &cfg).unwrap()
    }

    fn para(text: &str, width: f32) -> Vec<SetLine> {
        let f = fonts();
        let mut sh = Shaper::new(&f);
        let hy = Hyph::new("en", 8);
        let spec = ParaSpec {
            spans: vec![Span { text: text.into(), style: Style::new(Face::Regular, 11.0), link: None, note: None, model_offset: None }],
            width,
            indent: 0.0,
            align: Align::Justify,
            hyphenate: true,
        };
        let mut pr = Problems { missing: vec![] };
        set_paragraph(&spec, &mut sh, &hy, &mut pr)
    }

    #[test]
    fn justified_lines_fill_the_measure() {
        let text = "The basic conflict in our interests and approach will probably never disappear entirely, certainly not in our lifetime. But, as your letter so wisely points out, if you and I cannot restrain that conflict from leading to a vicious circle of bitter measures and countermeasures, then the war which neither of us or our citizens want will become a grim reality.";
        let lines = para(text, 300.0);
        assert!(lines.len() >= 4);
        for l in &lines[..lines.len() - 1] {
            let end = l.runs.last().map(|r| r.x + r.width()).unwrap();
            assert!((end - 300.0).abs() < 0.05, "line ends at {end}");
            assert!(l.space_ratio <= 2.0 && l.space_ratio >= 0.8, "space ratio {}", l.space_ratio);
        }
        // The text survives: joining lines (soft hyphens removed) gives the words back.
        let joined: String = lines
            .iter()
            .map(|l| l.runs.iter().map(|r| r.text.clone()).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
            .replace("\u{ad} ", "");
        assert_eq!(joined.split_whitespace().collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn glyph_ranges_index_run_text() {
        let lines = para("office affluent difficult", 400.0);
        for r in &lines[0].runs {
            for g in &r.glyphs {
                assert!(g.range.end <= r.text.len() && g.range.start <= g.range.end, "{:?} in {:?}", g.range, r.text);
            }
        }
        let t: String = lines[0].runs.iter().map(|r| r.text.clone()).collect();
        assert_eq!(t, "office affluent difficult");
    }
}
