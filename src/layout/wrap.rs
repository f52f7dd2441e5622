//! The full print cover (`cover-wrap`): back, spine and front on one sheet with bleed all
//! round, as print-on-demand services ask for it. The spine is as wide as the page count and the
//! paper make it; the title and author run down the spine when it is wide enough to carry them;
//! the back holds the book's description above the area kept free for the barcode.

use super::engine::Engine;
use super::inline::{Align, ParaSpec, Problems, Span, Style, set_paragraph};
use super::*;
use crate::config::PdfProfile;
use crate::diag::Diagnostic;
use crate::model::Book;
use crate::source::BookDir;
use crate::text::fonts::{Face, FontSet};

/// The area on the back kept free for the barcode: 2 × 1.2 in, 0.25 in inside the trim at the
/// lower right (where KDP and IngramSpark print it).
pub const BARCODE: (f32, f32, f32) = (144.0, 86.4, 18.0);

/// A spine carries text only when it is at least this wide (KDP: about 80 pages and more).
const MIN_SPINE_TEXT: f32 = 0.17 * 72.0;

/// The sheet's measures: one cover's trimmed size, the spine's width, the bleed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WrapGeometry {
    pub trim: (f32, f32),
    pub spine: f32,
    pub bleed: f32,
}

impl WrapGeometry {
    /// The wrap for `pages` printed pages (both sides of a leaf count, as the services count
    /// them) at `thickness` points a page; a profile without bleed still gets 1/8 in.
    pub fn new(profile: &PdfProfile, pages: usize, thickness: f32) -> WrapGeometry {
        let bleed = if profile.pdf.bleed > 0.0 { profile.pdf.bleed } else { 9.0 };
        WrapGeometry { trim: (profile.page.width, profile.page.height), spine: pages as f32 * thickness, bleed }
    }

    /// The whole sheet: back + spine + front, bleed on every side.
    pub fn size(&self) -> (f32, f32) {
        (2.0 * self.trim.0 + self.spine + 2.0 * self.bleed, self.trim.1 + 2.0 * self.bleed)
    }

    /// Left edges of the back, spine and front on the sheet.
    fn panels(&self) -> (f32, f32, f32) {
        let b = self.bleed;
        (b, b + self.trim.0, b + self.trim.0 + self.spine)
    }
}

/// Where the wrap's text goes and what it is built from.
struct Sheet<'e, 'a> {
    eng: &'e mut Engine<'a>,
    page: PageOut,
    nodes: Vec<SNode>,
    next: ContentId,
}

impl Sheet<'_, '_> {
    fn node(&mut self, kind: SKind) -> usize {
        self.nodes.push(SNode { kind, children: Vec::new() });
        let id = self.nodes.len() - 1;
        self.nodes[0].children.push(SChild::Node(id));
        id
    }

    fn content(&mut self, node: usize) -> ContentId {
        let c = self.next;
        self.next += 1;
        self.nodes[node].children.push(SChild::Content(c));
        c
    }

    /// Sets `text` in a column `width` wide at `(x, top)` under a new `kind` node; returns the
    /// lines' bottom and how many lines there were; lines below `limit` are not set.
    fn paragraph(
        &mut self,
        kind: SKind,
        text: &str,
        style: Style,
        (align, leading): (Align, f32),
        (x, top, width): (f32, f32, f32),
        limit: f32,
    ) -> (f32, usize, usize) {
        let spec = ParaSpec {
            spans: vec![Span { text: text.to_string(), style, link: None, note: None, model_offset: None, object: None }],
            width,
            indent: 0.0,
            align,
            hyphenate: align == Align::Justify,
        };
        let mut problems = Problems { missing: Vec::new() };
        let lines = set_paragraph(&spec, &mut self.eng.shaper, &self.eng.hyph, &mut problems);
        let mut y = top;
        let (mut set, total) = (0, lines.len());
        // The structure element only when a line of it is set (no empty elements in the tags).
        let mut node = None;
        for line in lines {
            if y + leading > limit + 0.01 {
                break;
            }
            let n = match node {
                Some(n) => n,
                None => *node.insert(self.node(kind.clone())),
            };
            let c = self.content(n);
            for run in line.runs {
                self.page.items.push(Placed::Text { x: x + run.x, y: y + leading * 0.78, run, content: Some(c), artifact: None });
            }
            y += leading;
            set += 1;
        }
        (y, set, total)
    }
}

/// Lays out the wrap of a printing of `pages` pages.
pub fn cover_wrap(book: &Book, dir: &BookDir, fonts: &FontSet, profile: &PdfProfile, pages: usize, thickness: f32) -> Layout {
    let geo = WrapGeometry::new(profile, pages, thickness);
    let (sw, sh) = geo.size();
    let (back, spine_x, front) = geo.panels();
    let (w, h) = geo.trim;
    let b = geo.bleed;
    let m = &book.meta;
    let mut eng = Engine::new(fonts, &m.language, 3, None);
    let mut s = Sheet {
        eng: &mut eng,
        page: PageOut { label: Label::Arabic(1), items: Vec::new() },
        nodes: vec![SNode { kind: SKind::Document, children: Vec::new() }],
        next: 0,
    };
    let mut warnings = Vec::new();
    let body = profile.text.body;
    let heading = if s.eng.shaper.has(Face::Heading) { Face::Heading } else { Face::Regular };
    let author = m.creators.iter().find(|c| c.role == "aut").or(m.creators.first()).map(|c| c.name.clone());
    // The front: the author's cover image, else the title set on the page.
    let inset = 0.5 * 72.0;
    match m.cover.as_ref().and_then(|c| dir.image(c).map(|(info, _)| (c, info))) {
        Some((path, info)) => {
            // The front and its bleed (right, top, bottom: the spine side folds) filled, centred;
            // what passes beyond is cut off — told when it is more than a sliver.
            let panel = [front, 0.0, w + b, h + 2.0 * b];
            let (pw, ph) = (info.width.max(1) as f32, info.height.max(1) as f32);
            let scale = (panel[2] / pw).max(panel[3] / ph);
            let (iw, ih) = (pw * scale, ph * scale);
            let cut = ((iw - panel[2]) / iw).max((ih - panel[3]) / ih);
            if cut > 0.02 {
                let (tw, th) = ((panel[2] / 72.0 * 300.0).round(), (panel[3] / 72.0 * 300.0).round());
                warnings.push(
                    Diagnostic::warning(format!(
                        "profile `{}`: the cover image `{path}` ({}×{} px) has other proportions than the front with its bleed; {:.0} % of its {} is cut off on the print cover",
                        profile.name,
                        info.width,
                        info.height,
                        cut * 100.0,
                        if (iw - panel[2]) / iw > (ih - panel[3]) / ih { "width" } else { "height" },
                    ))
                    .help(format!("make the cover {tw} × {th} px (the trim and its bleed at 300 dpi), what matters inside the trim")),
                );
            }
            let fig = s.node(SKind::Figure(format!("Front cover of {}", m.title)));
            let c = s.content(fig);
            s.page.items.push(Placed::Image {
                x: panel[0] + (panel[2] - iw) / 2.0,
                y: panel[1] + (panel[3] - ih) / 2.0,
                w: iw,
                h: ih,
                path: path.clone(),
                content: c,
                clip: Some(panel),
            });
        }
        None => {
            let col = (front + inset, w - 2.0 * inset);
            let big = body * 2.4;
            let (mut y, _, _) = s.paragraph(
                SKind::H(1, m.title.clone()),
                &m.title,
                Style::new(heading, big),
                (Align::Center, big * 1.25),
                (col.0, b + h * 0.22, col.1),
                sh,
            );
            if let Some(sub) = &m.subtitle {
                y += body;
                (y, _, _) =
                    s.paragraph(SKind::P, sub, Style::new(Face::Italic, body * 1.3), (Align::Center, body * 1.7), (col.0, y, col.1), sh);
            }
            if let Some(a) = &author {
                let st = Style { smcp: true, ..Style::new(Face::Regular, body * 1.3) };
                s.paragraph(SKind::P, a, st, (Align::Center, body * 1.7), (col.0, (y + body * 4.0).max(b + h * 0.6), col.1), sh);
            }
        }
    }
    // The spine: title and author, reading from top to bottom, centred across it.
    if geo.spine >= MIN_SPINE_TEXT {
        let size = (geo.spine * 0.45).min(body * 1.2);
        let text = match &author {
            Some(a) => format!("{} · {a}", m.title),
            None => m.title.clone(),
        };
        let st = Style::new(heading, size);
        let tw = place::text_width(&mut s.eng.shaper, &text, st);
        let room = h - 2.0 * inset;
        if tw <= room {
            let node = s.node(SKind::P);
            let c = s.content(node);
            // Turned a quarter clockwise about its origin: x along the spine's length.
            let baseline_x = spine_x + geo.spine / 2.0 - size * 0.3;
            let mut page = PageOut { label: Label::Arabic(1), items: Vec::new() };
            place::push_run(&mut page, &mut s.eng.shaper, &text, st, (0.0, 0.0), (Some(c), None));
            if let Some(Placed::Text { run, .. }) = page.items.pop() {
                s.page.items.push(Placed::Turned { x: baseline_x, y: b + (h - tw) / 2.0, run, content: Some(c) });
            }
        } else {
            warnings.push(
                Diagnostic::warning(format!(
                    "profile `{}`: the spine is too short for the title and author; the spine is left blank",
                    profile.name
                ))
                .help("shorten the title, or leave the spine blank on purpose"),
            );
        }
    }
    // The back: the description above the barcode's area.
    if let Some(d) = &m.description {
        // The text stops above the barcode's area (which spans the lower right of the back).
        let (_, bh, bm) = BARCODE;
        let limit = b + h - bm - bh - body;
        let mut y = b + inset;
        let mut lost = 0;
        for para in d.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let (end, set, total) = s.paragraph(
                SKind::P,
                para,
                Style::text(Face::Regular, body),
                (Align::Justify, profile.text.leading),
                (back + inset, y, w - 2.0 * inset),
                limit,
            );
            lost += total - set;
            y = end + profile.text.leading * 0.5;
        }
        if lost > 0 {
            warnings.push(
                Diagnostic::warning(format!(
                    "profile `{}`: the description does not fit on the back cover; {lost} lines are left out",
                    profile.name
                ))
                .help("shorten [metadata] description, or choose a larger page size"),
            );
        }
    }
    let report = Report { warnings, ..Report::default() };
    Layout {
        width: sw,
        height: sh,
        pages: vec![s.page],
        contents: s.next,
        nodes: s.nodes,
        anchors: Default::default(),
        outline: Vec::new(),
        report,
        map: Default::default(),
        langs: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spine_is_the_page_count_times_the_page_thickness() {
        let cfg = crate::config::parse("[metadata]\ntitle = \"T\"\n[contents]\nchapters = [\"a.md\"]\n[profiles.print]\npage-size = \"6x9in\"\nbleed = \"0.125in\"\ncover-wrap = true\npage-thickness = \"0.0025in\"\n").unwrap();
        let p = cfg.profiles.iter().find(|p| p.name == "print").unwrap();
        let t = p.pdf.wrap.expect("a cover wrap");
        assert!((t - 0.18).abs() < 1e-4, "0.0025 in = 0.18 pt, was {t}");
        // 300 pages of cream paper: a 0.75 in spine; the sheet is 12.75 in + 1/8 in bleed each side.
        let g = WrapGeometry::new(p, 300, t);
        assert!((g.spine - 54.0).abs() < 0.01, "spine {}", g.spine);
        let (w, h) = g.size();
        assert!((w - 13.0 * 72.0).abs() < 0.01 && (h - 9.25 * 72.0).abs() < 0.01, "{w} × {h}");
        // Without page-thickness: KDP's white paper, 0.002252 in a page.
        let cfg = crate::config::parse(
            "[metadata]\ntitle = \"T\"\n[contents]\nchapters = [\"a.md\"]\n[profiles.print]\npage-size = \"6x9in\"\ncover-wrap = true\n",
        )
        .unwrap();
        let p = &cfg.profiles[0];
        let g = WrapGeometry::new(p, 100, p.pdf.wrap.unwrap());
        assert!((g.spine - 100.0 * 0.002252 * 72.0).abs() < 0.01);
        assert_eq!(g.bleed, 9.0, "a cover always has bleed: 1/8 in when the profile has none");
    }
}
