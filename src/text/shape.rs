//! Shaping with rustybuzz: text → positioned glyphs, in font units.

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};

/// A shaped glyph. Advances and offsets are in font units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub x_advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
    /// Byte offset of the glyph's cluster in the shaped text.
    pub cluster: u32,
    /// The fallback font this glyph comes from (None: the face that was asked for). Its
    /// advance and offsets are already in the units of the face asked for.
    pub face: Option<crate::text::fonts::Face>,
}

/// Shapes `text` with kerning and standard ligatures plus `features` (e.g. `b"smcp"`).
pub fn shape(face: &rustybuzz::Face, text: &str, features: &[&[u8; 4]]) -> Vec<Glyph> {
    let mut buf = rustybuzz::UnicodeBuffer::new();
    buf.push_str(text);
    buf.guess_segment_properties();
    let feats: Vec<rustybuzz::Feature> =
        features.iter().map(|t| rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(t), 1, ..)).collect();
    glyphs_of(&rustybuzz::shape(face, &feats, buf))
}

/// The glyphs of a shaped buffer.
fn glyphs_of(out: &rustybuzz::GlyphBuffer) -> Vec<Glyph> {
    out.glyph_infos()
        .iter()
        .zip(out.glyph_positions())
        .map(|(i, p)| Glyph {
            id: i.glyph_id as u16,
            x_advance: p.x_advance,
            x_offset: p.x_offset,
            y_offset: p.y_offset,
            cluster: i.cluster,
            face: None,
        })
        .collect()
}

/// Width of shaped glyphs in font units.
pub fn width(glyphs: &[Glyph]) -> i32 {
    glyphs.iter().map(|g| g.x_advance).sum()
}

/// SVG path data for shaped glyphs set at `size` (user units) with the baseline at (x, y).
pub fn svg_path(face: &rustybuzz::Face, glyphs: &[Glyph], size: f32, x: f32, y: f32) -> String {
    let scale = size / face.units_per_em() as f32;
    let mut out = String::new();
    let mut pen = 0i32;
    for g in glyphs {
        let mut b = SvgPath { d: &mut out, scale, ox: x + (pen + g.x_offset) as f32 * scale, oy: y - g.y_offset as f32 * scale };
        face.outline_glyph(GlyphId(g.id), &mut b);
        pen += g.x_advance;
    }
    out
}

struct SvgPath<'a> {
    d: &'a mut String,
    scale: f32,
    ox: f32,
    oy: f32,
}

impl SvgPath<'_> {
    fn pt(&mut self, x: f32, y: f32) {
        use std::fmt::Write;
        let _ = write!(self.d, "{:.1} {:.1} ", self.ox + x * self.scale, self.oy - y * self.scale);
    }
}

impl OutlineBuilder for SvgPath<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.pt(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.pt(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.pt(x1, y1);
        self.pt(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.pt(x1, y1);
        self.pt(x2, y2);
        self.pt(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

/// Longest text rustybuzz shapes in one call (bytes).
const MAX_SHAPED: usize = 16 * 1024;

/// Where the piece of `text` starting at `start` ends: at most `MAX_SHAPED` bytes on, cut before
/// a character that is not a combining mark when there is one in the last quarter.
fn piece_end(text: &str, start: usize) -> usize {
    if text.len() - start <= MAX_SHAPED {
        return text.len();
    }
    let mut end = start + MAX_SHAPED;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let floor = start + MAX_SHAPED * 3 / 4;
    let mut k = end;
    while k > floor {
        if let Some(c) = text[k..].chars().next()
            && !is_mark(c)
        {
            return k;
        }
        k -= 1;
        while !text.is_char_boundary(k) {
            k -= 1;
        }
    }
    end
}

/// Combining marks of the common blocks (enough to prefer cutting before a base character).
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The OpenType features a word is shaped with besides the defaults (kerning, ligatures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Feats {
    /// Small capitals (`smcp`).
    pub smcp: bool,
    /// Old-style proportional figures (`onum`, `pnum`), for running text; lining otherwise.
    pub onum: bool,
}

impl From<bool> for Feats {
    /// Small capitals or not, lining figures.
    fn from(smcp: bool) -> Feats {
        Feats { smcp, onum: false }
    }
}

impl Feats {
    fn list(self) -> Vec<rustybuzz::Feature> {
        let on = |t: &[u8; 4]| rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(t), 1, ..);
        let mut v = Vec::new();
        if self.smcp {
            v.push(on(b"smcp"));
        }
        if self.onum {
            v.extend([on(b"onum"), on(b"pnum")]);
        }
        v
    }
}

/// What a shaped word is cached by: face, features, language (None: the book's), text.
type ShapeKey = (crate::text::fonts::Face, Feats, Option<String>, String);

/// Shapes words in the book's fonts, each distinct (face, features, language, text) once.
pub struct Shaper<'a> {
    faces: Vec<(crate::text::fonts::Face, rustybuzz::Face<'a>)>,
    cache: std::collections::HashMap<ShapeKey, std::rc::Rc<Vec<Glyph>>>,
    /// Shape plans by face, features, script, direction and language (making a plan costs
    /// more than shaping a word).
    plans: std::collections::HashMap<(crate::text::fonts::Face, Feats, rustybuzz::Script, u8, Option<String>), rustybuzz::ShapePlan>,
    /// The fallback font with emoji (its family is named so): preferred for a character that
    /// asks for emoji presentation (followed by U+FE0F, a skin tone or a joiner).
    emoji: Option<crate::text::fonts::Face>,
}

impl<'a> Shaper<'a> {
    pub fn new(fonts: &'a crate::text::fonts::FontSet) -> Shaper<'a> {
        let faces = fonts.fonts.iter().filter_map(|f| rustybuzz::Face::from_slice(&f.data, 0).map(|rb| (f.face, rb))).collect();
        let emoji = fonts.fallbacks().find(|f| f.family.contains("Emoji")).map(|f| f.face);
        Shaper { faces, cache: std::collections::HashMap::new(), plans: std::collections::HashMap::new(), emoji }
    }

    pub fn face(&self, face: crate::text::fonts::Face) -> &rustybuzz::Face<'a> {
        self.faces.iter().find(|(f, _)| *f == face).map(|(_, rb)| rb).unwrap_or(&self.faces[0].1)
    }

    /// Whether the book has a font for `face` (the heading face is optional).
    pub fn has(&self, face: crate::text::fonts::Face) -> bool {
        self.faces.iter().any(|(f, _)| *f == face)
    }

    pub fn units_per_em(&self, face: crate::text::fonts::Face) -> f32 {
        self.face(face).units_per_em() as f32
    }

    /// Shaped glyphs of `text` (cached). Text longer than `MAX_SHAPED` bytes is shaped in
    /// pieces cut at character boundaries (preferably before a base character): rustybuzz
    /// mis-handles (and asserts on) attachment chains of more than 32,767 marks, and no real
    /// word is that long.
    pub fn shape(&mut self, face: crate::text::fonts::Face, feats: impl Into<Feats>, text: &str) -> std::rc::Rc<Vec<Glyph>> {
        self.shape_in(face, feats, None, text)
    }

    /// As [`Shaper::shape`], for text in language `lang` (a BCP 47 tag; None: the book's), so the
    /// font's language-specific forms (`locl`) apply to a passage in another language.
    pub fn shape_in(
        &mut self,
        face: crate::text::fonts::Face,
        feats: impl Into<Feats>,
        lang: Option<&str>,
        text: &str,
    ) -> std::rc::Rc<Vec<Glyph>> {
        let smcp: Feats = feats.into();
        let key = (face, smcp, lang.map(str::to_string), text.to_string());
        if let Some(g) = self.cache.get(&key) {
            return g.clone();
        }
        let mut g: Vec<Glyph> = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let end = piece_end(text, start);
            let base = start as u32;
            g.extend(self.shape_piece(face, smcp, lang, &text[start..end]).into_iter().map(|x| Glyph { cluster: x.cluster + base, ..x }));
            start = end;
        }
        // A character the face lacks (shaped as .notdef) is looked for in the fallback fonts;
        // what none has is drawn as a box.
        if g.iter().any(|x| x.id == 0) {
            if !face.is_fallback() && self.faces.iter().any(|(f, _)| f.is_fallback()) {
                g = self.shape_with_fallbacks(face, smcp, lang, text);
            }
            self.box_notdef(face, &mut g);
        }
        let g = std::rc::Rc::new(g);
        self.cache.insert(key, g.clone());
        g
    }

    /// The font each character is drawn from: the face's own when it has it, else the first
    /// fallback that has it; combining marks and joiners stay with the character before them.
    fn font_runs(&self, face: crate::text::fonts::Face, text: &str) -> Vec<(std::ops::Range<usize>, crate::text::fonts::Face)> {
        let mut runs: Vec<(std::ops::Range<usize>, crate::text::fonts::Face)> = Vec::new();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let modifier = |c: char| matches!(c as u32, 0x200C | 0x200D | 0xFE00..=0xFE0F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F);
        for (k, &(i, c)) in chars.iter().enumerate() {
            let attach = is_mark(c) || modifier(c);
            let wants_emoji = chars.get(k + 1).is_some_and(|(_, n)| modifier(*n) && *n != '\u{FE0E}');
            let emoji = self.emoji.filter(|e| wants_emoji && self.has_char(*e, c));
            let f = match runs.last() {
                Some((_, prev)) if attach => *prev,
                _ if emoji.is_some() => emoji.unwrap_or(face),
                _ if self.has_char(face, c) => face,
                _ => self.faces.iter().find(|(f, rb)| f.is_fallback() && rb.glyph_index(c).is_some()).map(|(f, _)| *f).unwrap_or(face),
            };
            match runs.last_mut() {
                Some((r, prev)) if *prev == f => r.end = i + c.len_utf8(),
                _ => runs.push((i..i + c.len_utf8(), f)),
            }
        }
        runs
    }

    /// Shapes `text` run by run in the font each character is found in; a fallback's glyphs
    /// are scaled to the face's units and marked with their font.
    fn shape_with_fallbacks(&mut self, face: crate::text::fonts::Face, smcp: Feats, lang: Option<&str>, text: &str) -> Vec<Glyph> {
        let upm = self.units_per_em(face);
        let mut out = Vec::new();
        for (range, f) in self.font_runs(face, text) {
            let k = upm / self.units_per_em(f);
            let run = &text[range.clone()];
            let mut start = 0;
            while start < run.len() {
                let end = piece_end(run, start);
                let base = (range.start + start) as u32;
                let mut glyphs = self.shape_piece(f, if f == face { smcp } else { Feats::default() }, lang, &run[start..end]);
                // A mark or modifier kept with its base that this font lacks: its box.
                self.box_notdef(f, &mut glyphs);
                out.extend(glyphs.into_iter().map(|g| Glyph {
                    x_advance: (g.x_advance as f32 * k).round() as i32,
                    x_offset: (g.x_offset as f32 * k).round() as i32,
                    y_offset: (g.y_offset as f32 * k).round() as i32,
                    cluster: g.cluster + base,
                    face: (f != face).then_some(f),
                    ..g
                }));
                start = end;
            }
        }
        out
    }

    fn shape_piece(&mut self, face: crate::text::fonts::Face, smcp: Feats, lang: Option<&str>, text: &str) -> Vec<Glyph> {
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        let language = lang.and_then(|l| l.parse::<rustybuzz::Language>().ok());
        if let Some(l) = &language {
            buf.set_language(l.clone());
        }
        buf.guess_segment_properties();
        let (script, dir) = (buf.script(), buf.direction());
        let rb = self.faces.iter().find(|(f, _)| *f == face).map(|(_, rb)| rb).unwrap_or(&self.faces[0].1);
        // Digits around a fraction slash (U+2044) become numerator and denominator by
        // themselves: the shaper applies `numr`/`dnom` there (as HarfBuzz does).
        let plan = self
            .plans
            .entry((face, smcp, script, dir as u8, lang.map(str::to_string)))
            .or_insert_with(|| rustybuzz::ShapePlan::new(rb, dir, Some(script), language.as_ref(), &smcp.list()));
        glyphs_of(&rustybuzz::shape_with_plan(rb, plan, buf))
    }

    /// A character no font has comes back as .notdef, which PDF/A forbids drawing: it is drawn
    /// as a white square (□) of `face` instead — a visible box, reported at load — and its text
    /// stays the real character, so copying recovers it. Glyphs already taken from a fallback
    /// (`face` set) were boxed in their own font.
    fn box_notdef(&self, face: crate::text::fonts::Face, glyphs: &mut [Glyph]) {
        let rb = self.face(face);
        let (id, adv) = ['□', '?']
            .iter()
            .find_map(|c| rb.glyph_index(*c))
            .map(|gid| (gid.0, rb.glyph_hor_advance(gid).unwrap_or(0) as i32))
            .unwrap_or((0, 0));
        for g in glyphs.iter_mut().filter(|g| g.id == 0 && g.face.is_none()) {
            *g = Glyph { id, x_advance: adv, x_offset: 0, y_offset: 0, ..*g };
        }
    }

    /// Advance of a space in points.
    pub fn space_width(&mut self, face: crate::text::fonts::Face, size: f32) -> f32 {
        let g = self.shape(face, false, " ");
        width(&g) as f32 * size / self.units_per_em(face)
    }

    /// Whether the font has a glyph for `c`.
    pub fn has_char(&self, face: crate::text::fonts::Face, c: char) -> bool {
        self.face(face).glyph_index(c).is_some()
    }
}
