//! Paragraphs, in three steps as typst sets inline content: `prepare` (styled spans → shaped
//! boxes, glue and penalties, with break opportunities from hyphenation and dashes), `linebreak`
//! (Knuth–Plass, four passes), `finalize` (breaks → set lines of positioned glyphs, justified by
//! font expansion and glue).

mod finalize;
mod prepare;

use super::linebreak::break_paragraph;
use crate::text::fonts::Face;
use crate::text::hyph::Hyph;
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
    /// Text colour (sRGB); None: black (or the link colour).
    pub colour: Option<[u8; 3]>,
    /// The passage's language (`Hyph::lang_id`); 0: the book's.
    pub lang: u8,
    /// Old-style figures (running text); lining (the default) in headings, tables, numbers.
    pub onum: bool,
}

impl Style {
    pub fn new(face: Face, size: f32) -> Style {
        Style { face, size, smcp: false, rise: 0.0, strike: false, colour: None, lang: 0, onum: false }
    }

    /// Running text: old-style proportional figures.
    pub fn text(face: Face, size: f32) -> Style {
        Style { onum: true, ..Style::new(face, size) }
    }

    /// The OpenType features this style is shaped with.
    pub fn feats(&self) -> crate::text::shape::Feats {
        crate::text::shape::Feats { smcp: self.smcp, onum: self.onum }
    }
}

/// Where a piece of text links to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    /// An image set in the line like a glyph (its text is U+FFFC).
    pub object: Option<Box<InlineImage>>,
}

/// An image in a line of text: drawn with its bottom on the baseline, `width` × `height` pt.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineImage {
    pub src: String,
    pub alt: String,
    pub width: f32,
    pub height: f32,
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
    /// The fallback font of this glyph (None: the run's face).
    pub face: Option<Face>,
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
    /// An inline image instead of glyphs.
    pub object: Option<Box<InlineImage>>,
}

impl Run {
    pub fn width(&self) -> f32 {
        match &self.object {
            Some(o) => o.width,
            None => self.glyphs.iter().map(|g| g.advance).sum(),
        }
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

pub struct Problems {
    pub missing: Vec<char>,
}

/// Builds and sets a paragraph. Characters missing from the fonts are returned in `problems`.
pub fn set_paragraph(spec: &ParaSpec, shaper: &mut Shaper, hyph: &Hyph, problems: &mut Problems) -> Vec<SetLine> {
    let t0 = std::time::Instant::now();
    let Some(prepared) = prepare::prepare(spec, shaper, hyph, problems) else {
        return Vec::new();
    };
    let ragged = spec.align != Align::Justify;
    let body = spec.spans.first().map(|s| s.style.size).unwrap_or(10.0);
    let background = if ragged { 4.0 * body } else { 0.0 };
    let expansion = if ragged { 0.0 } else { EXPANSION };
    let t1 = std::time::Instant::now();
    let (mut breaks, pass) = break_paragraph(&prepared.elems, &|_| spec.width, background, 1.5 * body, spec.hyphenate, expansion);
    if spec.align == Align::Center && breaks.len() > 1 {
        // Centred lines (titles, headings, captions) are balanced: broken at the narrowest
        // measure that needs no more lines, so no line is much longer than the others and the
        // last is never a lone word. The lines stay centred on the full measure.
        let (mut lo, mut hi) = (spec.width / breaks.len() as f32 * 0.8, spec.width);
        for _ in 0..12 {
            let mid = (lo + hi) / 2.0;
            let (b, p) = break_paragraph(&prepared.elems, &|_| mid, background, 1.5 * body, spec.hyphenate, expansion);
            if b.len() == breaks.len() && p <= pass && !b.iter().any(|x| x.overfull) {
                breaks = b;
                hi = mid;
            } else {
                lo = mid;
            }
        }
    }
    let t2 = std::time::Instant::now();
    crate::stats::add(crate::stats::Stage::Shaping, t1 - t0);
    crate::stats::add(crate::stats::Stage::LineBreaking, t2 - t1);
    let lines = finalize::finalize(spec, &prepared, &breaks, shaper, expansion);
    crate::stats::add(crate::stats::Stage::Setting, t2.elapsed());
    lines
}

/// Font expansion allowed in justified text: glyphs may be widened or narrowed by up to 2 %,
/// as pdfTeX's microtype does, so word spaces stay closer to their natural width.
pub const EXPANSION: f32 = 0.02;

/// Penalty for breaking at a hyphenation point (TeX's \hyphenpenalty is 50; a higher value
/// trades a few more loose lines for fewer hyphens).
const HYPHEN_PENALTY: f32 = 100.0;

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
        para_aligned(text, width, Align::Justify)
    }

    fn para_aligned(text: &str, width: f32, align: Align) -> Vec<SetLine> {
        let f = fonts();
        let mut sh = Shaper::new(&f);
        let hy = Hyph::new("en", 8);
        let spec = ParaSpec {
            spans: vec![Span {
                text: text.into(),
                style: Style::new(Face::Regular, 11.0),
                link: None,
                note: None,
                model_offset: None,
                object: None,
            }],
            width,
            indent: 0.0,
            align,
            hyphenate: align == Align::Justify,
        };
        let mut pr = Problems { missing: vec![] };
        set_paragraph(&spec, &mut sh, &hy, &mut pr)
    }

    #[test]
    fn centred_lines_are_balanced_on_the_measure() {
        // At 200 pt this title needs two lines; filling the first leaves a lone last word.
        let text = "Letter From President Kennedy to Chairman Khrushchov";
        let lines = para_aligned(text, 200.0, Align::Center);
        assert_eq!(lines.len(), 2);
        let widths: Vec<f32> = lines.iter().map(|l| l.runs.iter().map(Run::width).sum::<f32>()).collect();
        let words_last = lines[1].runs.iter().map(|r| r.text.clone()).collect::<String>().split_whitespace().count();
        assert!(words_last >= 2, "the last line is not a lone word");
        assert!((widths[0] - widths[1]).abs() < widths[0] * 0.5, "lines of like length: {widths:?}");
        // Both centred on the full measure.
        for (l, w) in lines.iter().zip(&widths) {
            let x0 = l.runs[0].x;
            assert!((x0 + w / 2.0 - 100.0).abs() < 1.0, "line centred at {}", x0 + w / 2.0);
        }
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
    fn a_long_compound_costs_linear_work() {
        // Probe P3: one "word" `a-a-a-…` once took quadratic time (a linear scan of the glyph
        // clusters per break opportunity).
        let measure = |n: usize| {
            let word = "a-".repeat(n);
            let before = prepare::work() + super::super::linebreak::work();
            let lines = para(&word, 300.0);
            assert!(lines.len() > 1, "{} lines: {:?}", lines.len(), lines.iter().map(|l| (l.width, l.overfull)).collect::<Vec<_>>());
            prepare::work() + super::super::linebreak::work() - before
        };
        let (a, b, c) = (measure(2_000), measure(4_000), measure(8_000));
        // Linear (with a fixed part): each doubling adds about twice the work the last one
        // added; quadratic work would add four times as much.
        let growth = (c - b) as f64 / (b - a) as f64;
        assert!(growth <= 2.3, "work {a} → {b} → {c} is not linear (increments grow {growth:.2}×)");
    }

    #[test]
    fn a_word_wider_than_the_measure_is_set_across_lines() {
        let word = "x".repeat(400);
        let lines = para(&word, 150.0);
        assert!(lines.len() > 3, "{} lines", lines.len());
        assert!(lines.iter().all(|l| !l.overfull && l.width <= 150.5), "{:?}", lines.iter().map(|l| l.width).collect::<Vec<_>>());
        let joined: String = lines.iter().flat_map(|l| l.runs.iter().map(|r| r.text.clone())).collect();
        assert_eq!(joined, word, "nothing lost, nothing added");
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

    #[test]
    fn a_passage_is_shaped_in_its_language() {
        // EB Garamond has Serbian forms of Cyrillic letters (`locl`): б differs in a Serbian passage.
        let f = fonts();
        let mut sh = Shaper::new(&f);
        let plain = sh.shape(Face::Regular, false, "б")[0].id;
        let serbian = sh.shape_in(Face::Regular, false, Some("sr"), "б")[0].id;
        let russian = sh.shape_in(Face::Regular, false, Some("ru"), "б")[0].id;
        assert_ne!(plain, serbian);
        assert_eq!(plain, russian);
    }

    #[test]
    fn running_text_has_old_style_figures_and_headings_lining() {
        let f = fonts();
        let mut sh = Shaper::new(&f);
        let text = Style::text(Face::Regular, 11.0);
        let heading = Style::new(Face::Regular, 11.0);
        let ids = |sh: &mut Shaper, st: Style| sh.shape(st.face, st.feats(), "1961").iter().map(|g| g.id).collect::<Vec<_>>();
        let (old, lining) = (ids(&mut sh, text), ids(&mut sh, heading));
        assert_eq!(old.len(), 4);
        assert!(old.iter().zip(&lining).all(|(a, b)| a != b), "onum changes every figure: {old:?} {lining:?}");
        // A paragraph's key differs with its figures, so a cached paragraph is never reused for the other.
        let spec = |st: Style| ParaSpec {
            spans: vec![Span { text: "1961".into(), style: st, link: None, note: None, model_offset: None, object: None }],
            width: 100.0,
            indent: 0.0,
            align: Align::Justify,
            hyphenate: true,
        };
        let hy = crate::text::hyph::Hyph::new("en", 3);
        assert_ne!(crate::layout::engine::para_key(&spec(text), &hy), crate::layout::engine::para_key(&spec(heading), &hy));
    }
}
