//! Prepare: styled spans → shaped boxes, glue and penalties. Words are shaped whole (kerning
//! and ligatures across hyphenation points survive) and split only where a break opportunity
//! falls on a cluster boundary. Linear in the text: break opportunities and glyph clusters are
//! both sorted, so they are matched in one merge.

use super::super::linebreak::{Elem, INF_PENALTY};
use super::{Align, HYPHEN_PENALTY, PGlyph, ParaSpec, Problems};
use crate::text::hyph::{Hyph, is_unbreakable};
use crate::text::shape::Shaper;
use std::ops::Range;

thread_local! {
    /// Steps taken matching break opportunities to glyph clusters and cutting words (tests
    /// check that it grows linearly with the text).
    static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// This thread's preparation work counter.
#[cfg(test)]
pub fn work() -> u64 {
    WORK.with(|w| w.get())
}

fn count(n: usize) {
    WORK.with(|w| w.set(w.get() + n as u64));
}

/// What each element of the paragraph list draws.
#[derive(Clone)]
pub(super) enum Piece {
    Glyphs {
        span: usize,
        text: Range<usize>,
        glyphs: Vec<PGlyph>,
    },
    Space {
        span: usize,
    },
    Hyphen {
        span: usize,
    },
    /// An inline image (the span's `object`).
    Object {
        span: usize,
    },
    None,
}

/// The paragraph as the line breaker sees it, with what each element draws.
pub(super) struct Prepared {
    pub elems: Vec<Elem>,
    pub pieces: Vec<Piece>,
    /// Natural space width per element (0 for everything but word spaces).
    pub spaces: Vec<f32>,
}

impl Prepared {
    fn push(&mut self, e: Elem, p: Piece, space: f32) {
        self.elems.push(e);
        self.pieces.push(p);
        self.spaces.push(space);
    }

    fn forced_break(&mut self) {
        self.push(Elem::Glue { width: 0.0, stretch: 1e5, shrink: 0.0 }, Piece::None, 0.0);
        self.push(Elem::Penalty { width: 0.0, penalty: -INF_PENALTY, flagged: false }, Piece::None, 0.0);
    }
}

/// The cost of breaking an overlong word between two clusters (no hyphen is added).
const OVERLONG_PENALTY: f32 = 800.0;

/// A break opportunity inside a word: byte offset, flagged, penalty, adds a hyphen.
type Opp = (usize, bool, f32, bool);

/// Tokens at least this long that hold digits or look like addresses are identifiers.
const IDENTIFIER_MIN_CHARS: usize = 16;
/// The cost of breaking an identifier after a separator (a hyphenation costs 100).
const IDENTIFIER_PENALTY: f32 = 150.0;

/// Break opportunities inside a word, sorted: after hard hyphens and dashes, and at the
/// hyphenation points of its alphabetic segments.
fn opportunities(word: &str, hyph: &Hyph, lang: u8, hyphenate: bool) -> Vec<Opp> {
    let mut opps: Vec<Opp> = Vec::new();
    if is_unbreakable(word) {
        // A long identifier or address (a URN, a URL, a DOI) may break after its separators,
        // with no hyphen added and at a cost, rather than leave a line loose; short ones
        // (dates, ranges, numbers) never break.
        if word.chars().count() >= IDENTIFIER_MIN_CHARS {
            let separator = |c: char| matches!(c, ':' | '/' | '-' | '_' | '?' | '&' | '=' | '#');
            for (bi, ch) in word.char_indices() {
                let after = bi + ch.len_utf8();
                // After the last of a run of separators (`https://` breaks after `//`, not inside).
                let next_ok = word[after..].chars().next().is_some_and(|n| !separator(n));
                if separator(ch) && next_ok && bi > 0 {
                    opps.push((after, false, IDENTIFIER_PENALTY, false));
                }
            }
        }
        return opps;
    }
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
            if hyphenate && seg_end > seg_start {
                let seg = &word[seg_start..seg_end];
                for b in hyph.breaks_in(lang, seg) {
                    opps.push((seg_start + b, true, HYPHEN_PENALTY, true));
                }
            }
            seg_start = after;
        }
    }
    opps.sort_by_key(|o| o.0);
    opps
}

/// The opportunities that fall on a glyph cluster start (both lists sorted: one merge).
fn on_clusters(opps: Vec<Opp>, clusters: &[usize]) -> Vec<Opp> {
    let mut sorted;
    let clusters = if clusters.is_sorted() {
        clusters
    } else {
        // Right-to-left runs number their clusters backwards.
        sorted = clusters.to_vec();
        sorted.sort_unstable();
        &sorted[..]
    };
    let mut out: Vec<Opp> = Vec::with_capacity(opps.len());
    let mut j = 0;
    for o in opps {
        while j < clusters.len() && clusters[j] < o.0 {
            j += 1;
        }
        count(1);
        if clusters.get(j) == Some(&o.0) && out.last().is_none_or(|l| l.0 != o.0) {
            out.push(o);
        }
    }
    count(clusters.len());
    out
}

/// For each glyph, where its text ends: the first later cluster start greater than its own
/// (ligatures and combining marks share a cluster), or the word's end. One backward pass for
/// left-to-right clusters; a scan for anything else.
fn cluster_ends(clusters: &[usize], len: usize) -> Vec<usize> {
    let mut ends = vec![len; clusters.len()];
    if clusters.is_sorted() {
        for k in (0..clusters.len().saturating_sub(1)).rev() {
            ends[k] = if clusters[k + 1] > clusters[k] { clusters[k + 1] } else { ends[k + 1] };
        }
    } else {
        for k in 0..clusters.len() {
            ends[k] = clusters[k + 1..].iter().copied().find(|&c| c > clusters[k]).unwrap_or(len);
        }
    }
    ends
}

/// Styled spans → elements. `None` for a paragraph with nothing to set.
pub(super) fn prepare(spec: &ParaSpec, shaper: &mut Shaper, hyph: &Hyph, problems: &mut Problems) -> Option<Prepared> {
    let mut p = Prepared { elems: Vec::new(), pieces: Vec::new(), spaces: Vec::new() };
    if spec.indent != 0.0 {
        p.push(Elem::Box { width: spec.indent }, Piece::None, 0.0);
    }
    let mut pending_space: Option<usize> = None;
    for (si, span) in spec.spans.iter().enumerate() {
        let text = &span.text;
        if text == "\n" {
            // Hard line break: fill glue and a forced break.
            p.forced_break();
            pending_space = None;
            continue;
        }
        if let Some(obj) = &span.object {
            space_before(&mut p, spec, pending_space.take(), shaper);
            p.push(Elem::Box { width: obj.width }, Piece::Object { span: si }, 0.0);
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
            space_before(&mut p, spec, pending_space.take(), shaper);
            // A word: up to the next space in this span.
            let end = text[i..].find([' ', '\t', '\n']).map(|e| i + e).unwrap_or(text.len());
            word(&mut p, spec, si, i..end, shaper, hyph, problems);
            i = end;
        }
    }
    if p.elems.is_empty() {
        return None;
    }
    // Paragraph end: fill glue, forced break.
    p.forced_break();
    Some(p)
}

/// The word space a pending space of span `pending` makes before the next box (none at the
/// paragraph's start or after glue): stretchable in justified text, fixed in ragged.
fn space_before(p: &mut Prepared, spec: &ParaSpec, pending: Option<usize>, shaper: &mut Shaper) {
    let Some(sspan) = pending else { return };
    if !matches!(p.elems.last(), Some(Elem::Box { .. }) | Some(Elem::Penalty { .. })) {
        return;
    }
    let st = spec.spans[sspan].style;
    let w = shaper.space_width(st.face, st.size);
    let (stretch, shrink) = if spec.align != Align::Justify { (0.0, 0.0) } else { (w / 2.0, w / 5.0) };
    p.push(Elem::Glue { width: w, stretch, shrink }, Piece::Space { span: sspan }, w);
}

/// One word: shaped whole, cut into boxes at its break opportunities, with penalties between.
fn word(p: &mut Prepared, spec: &ParaSpec, si: usize, at: Range<usize>, shaper: &mut Shaper, hyph: &Hyph, problems: &mut Problems) {
    let style = spec.spans[si].style;
    let scale = style.size / shaper.units_per_em(style.face);
    let i = at.start;
    let word = &spec.spans[si].text[at];
    for ch in word.chars() {
        if ch != '\u{ad}' && !shaper.has_char(style.face, ch) && !problems.missing.contains(&ch) {
            problems.missing.push(ch);
        }
    }
    let glyphs = match style.lang {
        0 => shaper.shape(style.face, style.feats(), word),
        n => shaper.shape_in(style.face, style.feats(), hyph.lang_tag(n).as_deref(), word),
    };
    let clusters: Vec<usize> = glyphs.iter().map(|g| g.cluster as usize).collect();
    // Code (the monospace face) is never hyphenated: a hyphen would read as part of it.
    let mut opps = opportunities(word, hyph, style.lang, spec.hyphenate && style.face != crate::text::fonts::Face::Mono);
    // A word wider than the whole measure (a long URL, a hash, a run of symbols) would run off
    // the page: it may also break between any two clusters, at a high cost, so it is set
    // across lines instead of being lost past the margin.
    let width: f32 = glyphs.iter().map(|g| g.x_advance as f32 * scale).sum();
    if width > spec.width && spec.width > 0.0 {
        let mut all: Vec<Opp> =
            clusters.iter().copied().filter(|&c| c > 0 && c < word.len()).map(|c| (c, false, OVERLONG_PENALTY, false)).collect();
        all.dedup_by_key(|o| o.0);
        opps.extend(all);
        opps.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.total_cmp(&b.2)));
    }
    let cuts = on_clusters(opps, &clusters);
    let ends = cluster_ends(&clusters, word.len());
    let mut hyphen: Option<f32> = None;
    let mut from = 0usize;
    let mut gi = 0usize;
    let mut cuts = cuts.into_iter().peekable();
    loop {
        let to = cuts.peek().map(|c| c.0).unwrap_or(word.len());
        let mut pg = Vec::new();
        let mut wsum = 0.0;
        while gi < glyphs.len() && clusters[gi] < to {
            let g = glyphs[gi];
            count(1);
            let next_cluster = ends[gi].min(to);
            let adv = g.x_advance as f32 * scale;
            pg.push(PGlyph {
                id: g.id,
                advance: adv,
                dx: g.x_offset as f32 * scale,
                dy: g.y_offset as f32 * scale,
                range: (i + clusters[gi])..(i + next_cluster.max(clusters[gi])),
                face: g.face,
            });
            wsum += adv;
            gi += 1;
        }
        p.push(Elem::Box { width: wsum }, Piece::Glyphs { span: si, text: (i + from)..(i + to), glyphs: pg }, 0.0);
        let Some((_, flagged, pen, adds_hyphen)) = cuts.next() else { break };
        let hw = match (adds_hyphen, hyphen) {
            (false, _) => 0.0,
            (true, Some(w)) => w,
            (true, None) => {
                let w = crate::text::shape::width(&shaper.shape(style.face, style.smcp, "-")) as f32 * scale;
                *hyphen.insert(w)
            }
        };
        p.push(Elem::Penalty { width: hw, penalty: pen, flagged }, if adds_hyphen { Piece::Hyphen { span: si } } else { Piece::None }, 0.0);
        from = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_identifiers_break_after_separators_and_short_numbers_never() {
        let hyph = Hyph::new("en", 8);
        let opps = opportunities("urn:uuid:4da035bc-3e2d-567e-8d53-4dfc9b82a906", &hyph, 0, true);
        let at: Vec<usize> = opps.iter().map(|o| o.0).collect();
        assert_eq!(at, vec![4, 9, 18, 23, 28, 33], "after each `:` and `-`");
        assert!(opps.iter().all(|o| !o.3 && o.2 == IDENTIFIER_PENALTY), "no hyphen is added");
        assert!(opportunities("1961-1963", &hyph, 0, true).is_empty());
        let url: Vec<usize> = opportunities("https://example.org/a/b", &hyph, 0, true).iter().map(|o| o.0).collect();
        assert_eq!(url, vec![8, 20, 22], "never inside `://`");
    }
}
