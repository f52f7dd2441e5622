//! PDF profiles: each `[profiles.NAME]` overrides the typography for one PDF; the result is a
//! resolved `PdfProfile` with every setting known, and the reference profile chosen.

use super::Errors;
use super::schema::{Config, ProfileCfg};
use super::units::{parse_length, parse_page_size};
use crate::diag::{Diagnostic, nearest};
use toml::Spanned;

/// The page: trimmed size and margins, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageGeometry {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub bottom: f32,
    pub inner: f32,
    pub outer: f32,
}

impl PageGeometry {
    fn margins_mut(&mut self) -> [&mut f32; 4] {
        [&mut self.top, &mut self.bottom, &mut self.inner, &mut self.outer]
    }
}

/// The body type: size and leading, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TypeSpec {
    pub body: f32,
    pub leading: f32,
    /// Paragraphs separated by a blank line instead of a first-line indent.
    pub spaced: bool,
    /// Sizes of chapter titles, section and subsection headings, as multiples of `body`.
    pub headings: [f32; 3],
}

/// What the pages carry and how they follow each other, besides the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Furniture {
    /// Parts, the contents and the pages quire adds open on rectos.
    pub recto_openings: bool,
    /// Chapters and letters open on rectos too (else on the next page, either side — except
    /// after a part's title page, whose verso stays blank).
    pub recto_chapters: bool,
    /// Blank pages may be inserted (half-title verso, front matter padding).
    pub blank_pages: bool,
    /// Pad the page count to a multiple of this.
    pub pad_to: usize,
    /// Number every Nth body line (0: none), restarting per chapter or letter.
    pub line_numbers: usize,
    /// Add an "About this edition" page after the contents.
    pub teacher_page: bool,
    /// Print paragraph numbers in the margin (from `[edition]`).
    pub paragraph_numbers: bool,
}

/// What only the PDF file has: bleed, crop marks, link colour, the outline's state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PdfOptions {
    pub bleed: f32,
    pub crop_marks: bool,
    pub link_color: bool,
    pub outline_open: bool,
    /// The author's cover (`[metadata] cover`) as the PDF's first page.
    pub cover: bool,
    /// A full print cover (`cover-wrap`): what each page adds to the spine, in points.
    pub wrap: Option<f32>,
    /// The layout's pages already hold this much bleed on every side (a cover wrap's sheet):
    /// the PDF's TrimBox is inset by it and its BleedBox is the whole page.
    pub bled: f32,
}

/// What one page adds to a book's spine by default: KDP's white paper, 0.002252 in.
pub const PAGE_THICKNESS: f32 = 0.002252 * 72.0;

/// A resolved PDF profile: every setting known, grouped as layout and the PDF writer use them.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfProfile {
    /// Profile name ("" for the single PDF of a book without profiles).
    pub name: String,
    pub page: PageGeometry,
    pub text: TypeSpec,
    pub furniture: Furniture,
    pub pdf: PdfOptions,
}

impl PdfProfile {
    /// The profile of a book without `[profiles]`: the typography as given.
    pub fn base(page_size: (f32, f32), margins: [f32; 4], text: TypeSpec, paragraph_numbers: bool) -> PdfProfile {
        let [top, bottom, inner, outer] = margins;
        PdfProfile {
            name: String::new(),
            page: PageGeometry { width: page_size.0, height: page_size.1, top, bottom, inner, outer },
            text,
            furniture: Furniture {
                recto_openings: false,
                recto_chapters: false,
                blank_pages: true,
                pad_to: 1,
                line_numbers: 0,
                teacher_page: false,
                paragraph_numbers,
            },
            pdf: PdfOptions { bleed: 0.0, crop_marks: false, link_color: false, outline_open: false, cover: false, wrap: None, bled: 0.0 },
        }
    }
}

/// One `[profiles.NAME]` over the base.
fn resolve(config: &Config, name: &Spanned<String>, p: &ProfileCfg, base: &PdfProfile, e: &mut Errors) -> PdfProfile {
    let ty = &config.typography;
    let at = e.loc(name.span());
    let name = name.get_ref();
    if !super::check::safe_name(name) {
        e.push(
            Diagnostic::error(format!("profile name `{}` is not a plain name", name.escape_debug()))
                .at(at.clone())
                .help("use letters, digits and hyphens, e.g. [profiles.classroom-a4]"),
        );
    }
    let mut r = PdfProfile { name: name.clone(), ..base.clone() };
    if let Some(ps) = &p.page_size {
        match parse_page_size(ps.get_ref()) {
            Ok((w, h)) => (r.page.width, r.page.height) = (w, h),
            Err(msg) => e.push(Diagnostic::error(msg).at(e.loc(ps.span())).help("use A4, A5, letter, 6x9in or `WIDTHxHEIGHT`")),
        }
    }
    if let Some(m) = &p.margins {
        for (slot, v) in r.page.margins_mut().into_iter().zip([&m.top, &m.bottom, &m.inner, &m.outer]) {
            match parse_length(v.get_ref()) {
                Ok(x) => *slot = x,
                Err(msg) => e.push(Diagnostic::error(msg).at(e.loc(v.span())).help("write a length such as \"18mm\"")),
            }
        }
    }
    let t = &mut r.text;
    t.body = p.body_size.as_ref().map(|b| *b.get_ref()).unwrap_or(t.body);
    let scaled = if p.body_size.is_some() { t.body * ty.leading.get_ref() / ty.body_size.get_ref() } else { t.leading };
    t.leading = p.leading.as_ref().map(|l| *l.get_ref()).unwrap_or(scaled);
    let sane = (4.0..=72.0).contains(&t.body) && t.leading >= t.body && t.leading <= 3.0 * t.body;
    if !sane {
        let span = p.leading.as_ref().map(|l| l.span()).or(p.body_size.as_ref().map(|b| b.span()));
        let d =
            Diagnostic::error(format!("profile `{name}`: body size {} pt with leading {} pt is out of range", r.text.body, r.text.leading))
                .at(span.map(|s| e.loc(s)).unwrap_or(at.clone()))
                .help("body-size 4–72 pt; leading between the body size and three times it");
        e.push(d);
    }
    if let Some(b) = &p.bleed {
        match parse_length(b.get_ref()) {
            Ok(x) if x <= 36.0 => r.pdf.bleed = x,
            Ok(_) => e.push(Diagnostic::error("bleed is larger than half an inch").at(e.loc(b.span())).help("3mm (0.125in) is usual")),
            Err(msg) => e.push(Diagnostic::error(msg).at(e.loc(b.span())).help("write a length such as \"3mm\"")),
        }
    }
    let f = &mut r.furniture;
    (f.blank_pages, f.pad_to, f.line_numbers, f.teacher_page) = (p.blank_pages, p.pad_to.clamp(1, 64), p.line_numbers, p.teacher_page);
    (f.recto_openings, f.recto_chapters) = match p.recto_openings.as_ref().map(|o| (o.get_ref(), o.span())) {
        None => (false, false),
        Some((super::schema::Openings::All(b), _)) => (*b, *b),
        Some((super::schema::Openings::Named(n), _)) if n == "parts" => (true, false),
        Some((super::schema::Openings::Named(n), span)) => {
            e.push(
                Diagnostic::error(format!("recto-openings = \"{}\" is not a choice", n.escape_debug()))
                    .at(e.loc(span))
                    .help("true (chapters and parts open on rectos), false, or \"parts\" (only parts; chapters on either side)"),
            );
            (false, false)
        }
    };
    (r.pdf.crop_marks, r.pdf.link_color, r.pdf.outline_open) = (p.crop_marks, p.link_color, p.outline_open);
    r.pdf.cover = p.cover.as_ref().is_some_and(|c| *c.get_ref());
    if let Some(c) = &p.cover
        && *c.get_ref()
        && config.metadata.cover.is_none()
    {
        e.push(
            Diagnostic::error(format!("profile `{name}` asks for a cover page, but the book has no cover image"))
                .at(e.loc(c.span()))
                .help("set `cover = \"images/cover.jpg\"` in [metadata], or remove `cover` from the profile"),
        );
    }
    if p.cover_wrap.as_ref().is_some_and(|c| *c.get_ref()) {
        let mut t = PAGE_THICKNESS;
        if let Some(v) = &p.page_thickness {
            match parse_length(v.get_ref()) {
                // 0.001–0.01 in: from thin bible paper to heavy art paper.
                Ok(x) if (0.072..=0.72).contains(&x) => t = x,
                Ok(_) => e.push(
                    Diagnostic::error("page-thickness is outside 0.001–0.01 in")
                        .at(e.loc(v.span()))
                        .help("what one page adds to the spine: 0.002252in for KDP's white paper, 0.0025in for cream"),
                ),
                Err(msg) => e.push(Diagnostic::error(msg).at(e.loc(v.span())).help("write a length such as \"0.0572mm\"")),
            }
        }
        r.pdf.wrap = Some(t);
    } else if let Some(v) = &p.page_thickness {
        e.push(
            Diagnostic::error(format!("profile `{name}` gives a page-thickness but writes no cover"))
                .at(e.loc(v.span()))
                .help("add `cover-wrap = true` to the profile, or remove page-thickness"),
        );
    }
    let g = &r.page;
    if g.top + g.bottom > g.height * 0.6 || g.inner + g.outer > g.width * 0.6 {
        e.push(
            Diagnostic::error(format!("profile `{name}`: the margins leave too little room for text"))
                .at(at)
                .help("make the margins smaller or the page larger"),
        );
    }
    r
}

/// Every profile in name order (the base alone when there are none), and the index of the
/// reference profile.
pub(super) fn profiles(config: &Config, base: PdfProfile, e: &mut Errors) -> (Vec<PdfProfile>, usize) {
    let mut profiles: Vec<PdfProfile> = config.profiles.iter().map(|(name, p)| resolve(config, name, p, &base, e)).collect();
    if profiles.is_empty() {
        profiles.push(base);
    }
    let reference = match &config.output.reference_profile {
        Some(name) => match profiles.iter().position(|p| p.name == *name.get_ref()) {
            Some(i) => i,
            None => {
                let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
                let d = Diagnostic::error(format!("reference-profile `{}` is not a profile of this book", name.get_ref()))
                    .at(e.loc(name.span()));
                e.push(match nearest(name.get_ref(), names.iter().copied()) {
                    Some(n) => d.help(format!("did you mean `{n}`? Profiles: {}", names.join(", "))),
                    None => d.help(format!("define [profiles.{}] or use one of: {}", name.get_ref(), names.join(", "))),
                });
                0
            }
        },
        None => 0,
    };
    (profiles, reference)
}
