//! Pages → PDF via krilla: fonts subset and embedded, glyphs as laid out, images, links,
//! outline, metadata, page labels, a tag tree for tagged PDF, PDF/A-2b (and PDF/UA-1 when it
//! validates). Only walks what layout produced: `draw` draws the items, `tags` builds the tag
//! tree.

mod draw;
mod tags;

use crate::config::PdfProfile;
use crate::diag::Diagnostic;
use crate::layout::inline::Link;
use crate::layout::{Label, Layout, Placed};
use crate::model::Book;
use crate::source::BookDir;
use crate::text::fonts::{Face, FontSet};
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, Stroke};
use krilla::tagging::{ArtifactType, ContentTag, Identifier, TagTree};
use krilla::text::Font;
use krilla::{Document, SerializeSettings};
use std::collections::BTreeMap;
use std::num::NonZeroU32;

/// Which standards the PDF was validated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conformance {
    PdfA2bUa1,
    PdfA2b,
}

pub fn write(
    book: &Book,
    dir: &BookDir,
    fonts: &FontSet,
    layout: &Layout,
    profile: &PdfProfile,
) -> Result<(Vec<u8>, Conformance), Diagnostic> {
    match write_with(book, dir, fonts, layout, profile, true) {
        Ok(b) => Ok((b, Conformance::PdfA2bUa1)),
        Err(e_ua) => match write_with(book, dir, fonts, layout, profile, false) {
            Ok(b) => Ok((b, Conformance::PdfA2b)),
            Err(_) => Err(e_ua),
        },
    }
}

/// What drawing a document needs across pages.
pub(super) struct Writer<'a> {
    layout: &'a Layout,
    profile: &'a PdfProfile,
    dir: &'a BookDir,
    fonts: BTreeMap<Face, Font>,
    /// Images decoded so far, by path.
    images: BTreeMap<String, draw::Picture>,
    /// Fonts an SVG's text may use: the book's own (never the system's).
    /// (built when the first SVG is drawn: copying the fonts costs memory no other book needs)
    svg_fonts: Option<std::sync::Arc<usvg::fontdb::Database>>,
    font_set: &'a FontSet,
    /// Content slot → identifiers (a slot may be drawn more than once, e.g. continued); slots
    /// are dense (0..layout.contents), so a vector serves.
    leaves: Vec<Vec<Identifier>>,
    /// Structure node → its link annotations.
    annots: BTreeMap<usize, Vec<Identifier>>,
}

impl Writer<'_> {
    fn leaf(&mut self, c: usize, id: Identifier) {
        if c >= self.leaves.len() {
            self.leaves.resize(c + 1, Vec::new());
        }
        self.leaves[c].push(id);
    }

    fn dest(&self, anchor: &str) -> Option<XyzDestination> {
        let shift = usize::from(self.profile.pdf.cover);
        self.layout.anchors.get(anchor).map(|(p, y)| {
            let (ox, oy) = Sheet::of(self.layout, self.profile, *p).origin;
            XyzDestination::new(*p + shift, Point::from_xy(ox, (oy + *y - 4.0).max(0.0)))
        })
    }
}

/// A printed sheet around one trimmed page: the bleed on the three sides that are cut — never
/// on the spine side (a 6 × 9 in book with 1/8 in bleed has 6.125 × 9.25 in pages, as KDP and
/// IngramSpark ask) — and room for crop marks around that.
struct Sheet {
    /// The media box's size.
    size: (f32, f32),
    /// Where the trimmed page's top-left corner stands on the sheet.
    origin: (f32, f32),
    /// The bleed box: (x, y, width, height).
    bleed: (f32, f32, f32, f32),
    /// The trim box: (x, y, width, height).
    trim: (f32, f32, f32, f32),
}

impl Sheet {
    /// The sheet of layout page `index` (index 0 is a recto: its spine is on the left).
    fn of(layout: &Layout, profile: &PdfProfile, index: usize) -> Sheet {
        let (w, h) = (layout.width, layout.height);
        let bled = profile.pdf.bled;
        if bled > 0.0 {
            // A cover wrap: the page is the sheet, bleed included all round.
            return Sheet { size: (w, h), origin: (0.0, 0.0), bleed: (0.0, 0.0, w, h), trim: (bled, bled, w - 2.0 * bled, h - 2.0 * bled) };
        }
        let slug = if profile.pdf.crop_marks { 30.0 } else { 0.0 };
        let b = profile.pdf.bleed;
        let recto = index.is_multiple_of(2);
        let origin = (slug + if recto { 0.0 } else { b }, slug + b);
        Sheet {
            size: (w + b + 2.0 * slug, h + 2.0 * b + 2.0 * slug),
            origin,
            bleed: (slug, slug, w + b, h + 2.0 * b),
            trim: (origin.0, origin.1, w, h),
        }
    }
}

fn write_with(book: &Book, dir: &BookDir, fonts: &FontSet, layout: &Layout, profile: &PdfProfile, ua: bool) -> Result<Vec<u8>, Diagnostic> {
    let mut builder = ConfigurationBuilder::new().with_archival_validator(Archival::A2_B);
    if ua {
        builder = builder.with_accessibility_validator(Accessibility::UA1);
    }
    let configuration = builder.finish().map_err(|e| Diagnostic::error(format!("PDF standards cannot be combined: {e:?}")))?;
    let settings = SerializeSettings { configuration, enable_tagging: true, ..SerializeSettings::default() };
    let mut doc = Document::new_with(settings);
    let kfonts: BTreeMap<Face, Font> =
        fonts.fonts.iter().filter_map(|f| Font::new(f.data.to_vec().into(), 0).map(|k| (f.face, k))).collect();
    let mut w = Writer {
        layout,
        profile,
        dir,
        fonts: kfonts,
        images: BTreeMap::new(),
        svg_fonts: None,
        font_set: fonts,
        leaves: vec![Vec::new(); layout.contents],
        annots: BTreeMap::new(),
    };
    // The author's cover as a first page, before the layout's pages (whose indices then move by one).
    let cover = match (&book.meta.cover, profile.pdf.cover) {
        (Some(path), true) => Some(draw::cover_page(&mut w, &mut doc, path)?),
        _ => None,
    };
    for (i, page) in layout.pages.iter().enumerate() {
        write_page(&mut w, &mut doc, i, page)?;
    }
    set_outline(&w, &mut doc);
    set_metadata(book, &mut doc);
    let mut tree = TagTree::new().with_lang(Some(book.meta.language.clone()));
    if let Some(id) = cover {
        let alt = format!("{}: {}", crate::i18n::t(&book.meta.language, crate::i18n::Key::Cover), book.meta.title);
        tree.push(krilla::tagging::Node::Group(krilla::tagging::TagGroup::with_children(
            krilla::tagging::Tag::Figure(Some(alt)),
            vec![krilla::tagging::Node::Leaf(id)],
        )));
    }
    for child in tags::build_group(layout, 0, &w.leaves, &w.annots) {
        tree.push(child);
    }
    doc.set_tag_tree(tree);
    doc.finish().map_err(|e| {
        Diagnostic::error(format!("the PDF could not be written: {}", describe(&e)))
            .help("this is a bug in quire unless the message names a font or image; please report it")
    })
}

/// One page: its boxes and label, crop marks, the placed items, then its link annotations.
fn write_page(w: &mut Writer, doc: &mut Document, index: usize, page: &crate::layout::PageOut) -> Result<(), Diagnostic> {
    let (layout, profile) = (w.layout, w.profile);
    let label = match page.label {
        Label::Roman(n) => PageLabel::new(Some(NumberingStyle::LowerRoman), None, NonZeroU32::new(n as u32)),
        Label::Arabic(n) => PageLabel::new(Some(NumberingStyle::Arabic), None, NonZeroU32::new(n as u32)),
    };
    // The trimmed page sits inside the bleed, and crop marks (if any) outside that.
    let sheet = Sheet::of(layout, profile, index);
    let (mw, mh) = sheet.size;
    let Some(size) = Size::from_wh(mw, mh) else {
        return Err(Diagnostic::error(format!("the page size {mw} × {mh} pt is not usable"))
            .help("give the profile a positive page size in book.toml"));
    };
    let mut settings = PageSettings::new(size).with_page_label(label);
    let (ox, oy) = sheet.origin;
    if sheet.trim != (0.0, 0.0, mw, mh) {
        let ((bx, by, bw, bh), (tx, ty, tw, th)) = (sheet.bleed, sheet.trim);
        settings = settings.with_trim_box(Rect::from_xywh(tx, ty, tw, th)).with_bleed_box(Rect::from_xywh(bx, by, bw, bh));
    }
    let mut p = doc.start_page_with(settings);
    let mut links: Vec<(Rect, Link, usize)> = Vec::new();
    let mut failed: Option<Diagnostic> = None;
    {
        let mut surface = p.surface();
        if profile.pdf.crop_marks {
            crop_marks(&mut surface, &sheet, layout.width, layout.height);
        }
        surface.push_transform(&krilla::geom::Transform::from_translate(ox, oy));
        for item in &page.items {
            match item {
                Placed::Text { x, y, run, content, artifact } => draw::text(w, &mut surface, (x, y), run, content, artifact),
                Placed::Turned { x, y, run, content } => {
                    // A quarter turn clockwise: the baseline runs down the page, the letters' tops
                    // face right (a spine read from top to bottom).
                    surface.push_transform(&krilla::geom::Transform::from_row(0.0, 1.0, -1.0, 0.0, *x, *y));
                    draw::text(w, &mut surface, (&0.0, &0.0), run, content, &None);
                    surface.pop();
                }
                Placed::Image { x, y, w: wd, h, path, content, clip } => {
                    let clip_path = clip.and_then(|[cx, cy, cw, ch]| Rect::from_xywh(cx, cy, cw, ch)).and_then(|r| {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(r);
                        pb.finish()
                    });
                    let clipped = clip_path.map(|p| surface.push_clip_path(&p, &krilla::paint::FillRule::NonZero));
                    // The surface must be finished even when an image fails: report after.
                    if let Err(d) = draw::image(w, &mut surface, (x, y, wd, h), path, *content) {
                        failed.get_or_insert(d);
                    }
                    if clipped.is_some() {
                        surface.pop();
                    }
                }
                Placed::Rule { x0, x1, y, width } => draw::rule(&mut surface, (x0, x1, y, width)),
                Placed::Link { x0, y0, x1, y1, target, node } => {
                    if let Some(r) = Rect::from_ltrb(*x0, *y0, *x1, *y1) {
                        links.push((r, target.clone(), *node));
                    }
                }
            }
        }
        surface.pop();
        surface.finish();
    }
    for (rect, target, node) in links {
        let rect = Rect::from_xywh(rect.left() + ox, rect.top() + oy, rect.width(), rect.height()).unwrap_or(rect);
        let t = match &target {
            Link::Url(u) => krilla::annotation::Target::Action(krilla::action::Action::Link(krilla::action::LinkAction::new(u.clone()))),
            Link::Anchor(a) => match w.dest(a) {
                Some(d) => krilla::annotation::Target::Destination(Destination::Xyz(d)),
                None => continue,
            },
        };
        let alt = match &target {
            Link::Url(u) => format!("Link to {u}"),
            Link::Anchor(a) => format!("Go to {}", a.replace('-', " ")),
        };
        let annot = krilla::annotation::Annotation::new_link(krilla::annotation::LinkAnnotation::new(rect, t), Some(alt));
        let id = p.add_tagged_annotation(annot);
        w.annots.entry(node).or_default().push(id);
    }
    p.finish();
    failed.map_or(Ok(()), Err)
}

fn set_outline(w: &Writer, doc: &mut Document) {
    let (layout, profile) = (w.layout, w.profile);
    let dest = |a: &str| w.dest(a);
    // Outline.
    let mut outline = Outline::new();
    let mut stack: Vec<OutlineNode> = Vec::new();
    for item in &layout.outline {
        let Some(d) = dest(&item.anchor) else { continue };
        let node = OutlineNode::new(item.title.clone(), d).with_open(profile.pdf.outline_open);
        if item.level == 0 {
            if let Some(n) = stack.pop() {
                outline.push_child(n);
            }
            stack.push(node);
        } else if let Some(parent) = stack.last_mut() {
            parent.push_child(node);
        } else {
            outline.push_child(node);
        }
    }
    if let Some(n) = stack.pop() {
        outline.push_child(n);
    }
    doc.set_outline(outline);
}

fn set_metadata(book: &Book, doc: &mut Document) {
    let m = &book.meta;
    let mut md = Metadata::new()
        .title(m.title.clone())
        .language(m.language.clone())
        .creator(format!("quire {}", env!("CARGO_PKG_VERSION")))
        .producer(format!("quire {} (krilla)", env!("CARGO_PKG_VERSION")));
    let authors: Vec<String> = m.creators.iter().filter(|c| c.role == "aut" || c.role == "edt").map(|c| c.name.clone()).collect();
    if !authors.is_empty() {
        md = md.authors(authors);
    }
    if let Some(d) = &m.description {
        md = md.description(d.clone());
    }
    if !m.subjects.is_empty() {
        md = md.keywords(m.subjects.clone());
    }
    let (y, mo, d) = match m.date {
        Some(d) => (d.year as u16, d.month as u8, d.day as u8),
        None => (2000, 1, 1),
    };
    md = md.creation_date(DateTime::new(y).month(mo).day(d).hour(0).minute(0).second(0).utc_offset_hour(0).utc_offset_minute(0));
    md = md.document_id(m.identifier.clone());
    doc.set_metadata(md);
}

/// Crop marks at the corners of the trimmed page, outside the bleed.
fn crop_marks(surface: &mut krilla::surface::Surface, sheet: &Sheet, w: f32, h: f32) {
    let _ = surface.start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::new(ArtifactType::Layout, None)));
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke { width: 0.25, ..Stroke::default() }));
    let (ox, oy) = sheet.origin;
    let (bx, by, bw, bh) = sheet.bleed;
    // Each mark starts 3 pt outside the bleed on its side (the spine side has none) and is 18 pt long.
    let len = 18.0;
    let (left, right) = (ox - bx + 3.0, bx + bw - (ox + w) + 3.0);
    let (top, bottom) = (oy - by + 3.0, by + bh - (oy + h) + 3.0);
    for (x, y, gx, gy, sx, sy) in [
        (ox, oy, left, top, -1.0, -1.0),
        (ox + w, oy, right, top, 1.0, -1.0),
        (ox, oy + h, left, bottom, -1.0, 1.0),
        (ox + w, oy + h, right, bottom, 1.0, 1.0),
    ] {
        let mut pb = PathBuilder::new();
        pb.move_to(x + sx * gx, y);
        pb.line_to(x + sx * (gx + len), y);
        pb.move_to(x, y + sy * gy);
        pb.line_to(x, y + sy * (gy + len));
        if let Some(path) = pb.finish() {
            surface.draw_path(&path);
        }
    }
    surface.set_stroke(None);
    surface.set_fill(Some(Fill::default()));
    surface.end_tagged();
}

fn describe(e: &krilla::error::KrillaError) -> String {
    match e {
        krilla::error::KrillaError::Validation(v) => {
            let list: Vec<String> = v.iter().take(8).map(|(err, _)| format!("{err:?}")).collect();
            format!("validation failed: {}", list.join("; "))
        }
        other => format!("{other:?}"),
    }
}
