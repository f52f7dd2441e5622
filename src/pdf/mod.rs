//! Pages → PDF via krilla: fonts subset and embedded, glyphs as laid out, images, links,
//! outline, metadata, page labels, a tag tree for tagged PDF, PDF/A-2b (and PDF/UA-1 when it
//! validates). Only walks what layout produced.

use crate::diag::Diagnostic;
use crate::layout::inline::Link;
use crate::layout::{Artifact, Label, Layout, Placed, SChild, SKind};
use crate::config::PdfProfile;
use crate::model::Book;
use crate::source::BookDir;
use crate::text::fonts::{Face, FontSet};
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::tagging::{ArtifactType, ContentTag, Identifier, Node, SpanTag, Tag, TagGroup, TagKind, TagTree};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use std::collections::BTreeMap;
use std::num::{NonZeroU16, NonZeroU32};

/// Which standards the PDF was validated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conformance {
    PdfA2bUa1,
    PdfA2b,
}

pub fn write(book: &Book, dir: &BookDir, fonts: &FontSet, layout: &Layout, profile: &PdfProfile) -> Result<(Vec<u8>, Conformance), Diagnostic> {
    match write_with(book, dir, fonts, layout, profile, true) {
        Ok(b) => Ok((b, Conformance::PdfA2bUa1)),
        Err(e_ua) => match write_with(book, dir, fonts, layout, profile, false) {
            Ok(b) => Ok((b, Conformance::PdfA2b)),
            Err(_) => Err(e_ua),
        },
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

    let kfonts: BTreeMap<Face, Font> = fonts
        .fonts
        .iter()
        .filter_map(|f| Font::new(f.data.to_vec().into(), 0).map(|k| (f.face, k)))
        .collect();
    let mut images: BTreeMap<String, krilla::image::Image> = BTreeMap::new();
    // Content slot → identifiers (a slot may be drawn more than once, e.g. continued).
    // Content slot → identifiers; slots are dense (0..layout.contents), so a vector serves.
    let mut leaves: Vec<Vec<Identifier>> = vec![Vec::new(); layout.contents];
    let leaf = |leaves: &mut Vec<Vec<Identifier>>, c: usize, id: Identifier| {
        if c >= leaves.len() {
            leaves.resize(c + 1, Vec::new());
        }
        leaves[c].push(id);
    };
    let mut annots: BTreeMap<usize, Vec<Identifier>> = BTreeMap::new();
    let dest = |anchor: &str| -> Option<XyzDestination> {
        layout.anchors.get(anchor).map(|(p, y)| XyzDestination::new(*p, Point::from_xy(0.0, (*y - 4.0).max(0.0))))
    };

    for page in &layout.pages {
        let label = match page.label {
            Label::Roman(n) => PageLabel::new(Some(NumberingStyle::LowerRoman), None, NonZeroU32::new(n as u32)),
            Label::Arabic(n) => PageLabel::new(Some(NumberingStyle::Arabic), None, NonZeroU32::new(n as u32)),
        };
        // The trimmed page sits inside the bleed, and crop marks (if any) outside that.
        let slug = if profile.crop_marks { 30.0 } else { 0.0 };
        let off = profile.bleed + slug;
        let (mw, mh) = (layout.width + 2.0 * off, layout.height + 2.0 * off);
        let Some(size) = Size::from_wh(mw, mh) else {
            return Err(Diagnostic::error(format!("the page size {mw} × {mh} pt is not usable")).help("give the profile a positive page size in book.toml"));
        };
        let mut settings = PageSettings::new(size).with_page_label(label);
        if off > 0.0 {
            settings = settings
                .with_trim_box(Rect::from_xywh(off, off, layout.width, layout.height))
                .with_bleed_box(Rect::from_xywh(off - profile.bleed, off - profile.bleed, layout.width + 2.0 * profile.bleed, layout.height + 2.0 * profile.bleed));
        }
        let mut p = doc.start_page_with(settings);
        let mut links: Vec<(Rect, Link, usize)> = Vec::new();
        {
            let mut surface = p.surface();
            if profile.crop_marks {
                crop_marks(&mut surface, off, layout.width, layout.height, profile.bleed);
            }
            surface.push_transform(&krilla::geom::Transform::from_translate(off, off));
            for item in &page.items {
                match item {
                    Placed::Text { x, y, run, content, artifact } => {
                        let Some(font) = kfonts.get(&run.style.face).or_else(|| kfonts.get(&Face::Regular)) else { continue };
                        let size = run.style.size;
                        // Expanded runs are drawn under a horizontal scale; advances are final
                        // widths, so they are divided by the scale here.
                        let sx = run.expand;
                        let glyphs: Vec<KrillaGlyph> = run
                            .glyphs
                            .iter()
                            .map(|g| KrillaGlyph::new(GlyphId::new(g.id as u32), g.advance / sx / size, g.dx / sx / size, g.dy / size, 0.0, g.range.clone(), None))
                            .collect();
                        let tag = match artifact {
                            Some(a) => ContentTag::Artifact(krilla::tagging::Artifact::new(
                                match a {
                                    Artifact::Header => ArtifactType::Header,
                                    Artifact::Footer => ArtifactType::Footer,
                                    Artifact::Layout => ArtifactType::Layout,
                                    Artifact::LineNumber => ArtifactType::LineNumber,
                                    Artifact::ParagraphNumber => ArtifactType::Layout,
                                },
                                None,
                            )),
                            None => ContentTag::Span(SpanTag::empty()),
                        };
                        let id = surface.start_tagged(tag);
                        let coloured = profile.link_color && run.link.is_some();
                        if coloured {
                            surface.set_fill(Some(Fill { paint: krilla::color::rgb::Color::new(0x1d, 0x4e, 0x89).into(), ..Fill::default() }));
                        }
                        if (sx - 1.0).abs() > 1e-4 {
                            surface.push_transform(&krilla::geom::Transform::from_row(sx, 0.0, 0.0, 1.0, *x, *y));
                            surface.draw_glyphs(Point::from_xy(0.0, 0.0), &glyphs, font.clone(), &run.text, size, false);
                            surface.pop();
                        } else {
                            surface.draw_glyphs(Point::from_xy(*x, *y), &glyphs, font.clone(), &run.text, size, false);
                        }
                        if coloured {
                            surface.set_fill(Some(Fill::default()));
                        }
                        surface.end_tagged();
                        if run.style.strike {
                            // The strike-through line is decoration: an artifact.
                            let _ = surface.start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::new(ArtifactType::Layout, None)));
                            let w: f32 = run.glyphs.iter().map(|g| g.advance).sum();
                            let ly = *y - run.style.size * 0.26;
                            let mut pb = PathBuilder::new();
                            pb.move_to(*x, ly);
                            pb.line_to(*x + w, ly);
                            if let Some(path) = pb.finish() {
                                surface.set_fill(None);
                                surface.set_stroke(Some(Stroke { width: run.style.size * 0.05, ..Stroke::default() }));
                                surface.draw_path(&path);
                                surface.set_stroke(None);
                                surface.set_fill(Some(Fill::default()));
                            }
                            surface.end_tagged();
                        }
                        if let Some(c) = content {
                            leaf(&mut leaves, *c, id);
                        }
                    }
                    Placed::Image { x, y, w, h, path, content } => {
                        let img = match images.get(path) {
                            Some(i) => i.clone(),
                            None => {
                                let Some((info, bytes)) = dir.image(path) else {
                                    return Err(Diagnostic::error(format!("image `{path}` was not loaded")).help("check that the file exists and is a PNG, JPEG or GIF image"));
                                };
                                let kind = info.kind;
                                let data: krilla::Data = bytes.to_vec().into();
                                let img = match kind {
                                    crate::source::ImageKind::Png => krilla::image::Image::from_png(data, false),
                                    crate::source::ImageKind::Jpeg => krilla::image::Image::from_jpeg(data, false),
                                    crate::source::ImageKind::Gif => krilla::image::Image::from_gif(data, false),
                                    crate::source::ImageKind::Svg => Err("SVG".to_string()),
                                }
                                .map_err(|e| {
                                    Diagnostic::error(format!("image `{path}` cannot be decoded: {e}")).help("replace it with a valid PNG, JPEG or GIF file")
                                })?;
                                images.insert(path.clone(), img.clone());
                                img
                            }
                        };
                        let id = surface.start_tagged(ContentTag::Other);
                        surface.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                        // Layout never sizes an image below a point; a degenerate size is skipped.
                        if let Some(size) = Size::from_wh(*w, *h) {
                            surface.draw_image(img, size);
                        }
                        surface.pop();
                        surface.end_tagged();
                        leaf(&mut leaves, *content, id);
                    }
                    Placed::Frame { x, y, w, h, content } => {
                        let id = surface.start_tagged(ContentTag::Other);
                        if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                            let mut pb = PathBuilder::new();
                            pb.push_rect(r);
                            if let Some(path) = pb.finish() {
                                surface.set_fill(None);
                                surface.set_stroke(Some(Stroke { width: 0.6, ..Stroke::default() }));
                                surface.draw_path(&path);
                                surface.set_stroke(None);
                                surface.set_fill(Some(Fill::default()));
                            }
                        }
                        surface.end_tagged();
                        leaf(&mut leaves, *content, id);
                    }
                    Placed::Rule { x0, x1, y, width } => {
                        let _ = surface.start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::new(ArtifactType::Layout, None)));
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x0, *y);
                        pb.line_to(*x1, *y);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke { width: *width, ..Stroke::default() }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                            surface.set_fill(Some(Fill::default()));
                        }
                        surface.end_tagged();
                    }
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
            let rect = Rect::from_xywh(rect.left() + off, rect.top() + off, rect.width(), rect.height()).unwrap_or(rect);
            let t = match &target {
                Link::Url(u) => krilla::annotation::Target::Action(krilla::action::Action::Link(krilla::action::LinkAction::new(u.clone()))),
                Link::Anchor(a) => match dest(a) {
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
            annots.entry(node).or_default().push(id);
        }
        p.finish();
    }

    // Outline.
    let mut outline = Outline::new();
    let mut stack: Vec<OutlineNode> = Vec::new();
    for item in &layout.outline {
        let Some(d) = dest(&item.anchor) else { continue };
        let node = OutlineNode::new(item.title.clone(), d).with_open(profile.outline_open);
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

    // Metadata.
    let m = &book.meta;
    let mut md = Metadata::new().title(m.title.clone()).language(m.language.clone()).creator(format!("quire {}", env!("CARGO_PKG_VERSION"))).producer(format!("quire {} (krilla)", env!("CARGO_PKG_VERSION")));
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

    // Tag tree.
    let mut tree = TagTree::new().with_lang(Some(m.language.clone()));
    let root = build_group(layout, 0, &leaves, &annots);
    for child in root {
        tree.push(child);
    }
    doc.set_tag_tree(tree);

    doc.finish().map_err(|e| {
        Diagnostic::error(format!("the PDF could not be written: {}", describe(&e)))
            .help("this is a bug in quire unless the message names a font or image; please report it")
    })
}

/// Crop marks at the corners of the trimmed page, outside the bleed.
fn crop_marks(surface: &mut krilla::surface::Surface, off: f32, w: f32, h: f32, bleed: f32) {
    let _ = surface.start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::new(ArtifactType::Layout, None)));
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke { width: 0.25, ..Stroke::default() }));
    let gap = bleed + 3.0;
    let len = 18.0;
    for (x, y) in [(off, off), (off + w, off), (off, off + h), (off + w, off + h)] {
        let sx = if x > off { 1.0 } else { -1.0 };
        let sy = if y > off { 1.0 } else { -1.0 };
        let mut pb = PathBuilder::new();
        pb.move_to(x + sx * gap, y);
        pb.line_to(x + sx * (gap + len), y);
        pb.move_to(x, y + sy * gap);
        pb.line_to(x, y + sy * (gap + len));
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

fn tag_for(kind: &SKind) -> Option<TagKind> {
    Some(match kind {
        SKind::Document => return None,
        SKind::Part => Tag::Part.into(),
        SKind::Sect => Tag::Section.into(),
        SKind::H(l, t) => Tag::Hn(NonZeroU16::new((*l).max(1) as u16).unwrap_or(NonZeroU16::MIN), Some(t.clone())).into(),
        SKind::P => Tag::P.into(),
        SKind::BlockQuote => Tag::BlockQuote.into(),
        SKind::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
        SKind::Caption => Tag::Caption.into(),
        SKind::Note => Tag::Note.into(),
        SKind::Link => Tag::Link.into(),
        SKind::L(ordered) => Tag::L(if *ordered { krilla::tagging::ListNumbering::Decimal } else { krilla::tagging::ListNumbering::Disc }).into(),
        SKind::LI => Tag::LI.into(),
        SKind::Lbl => Tag::Lbl.into(),
        SKind::LBody => Tag::LBody.into(),
        SKind::Table => Tag::Table.into(),
        SKind::TR => Tag::TR.into(),
        SKind::TH => Tag::TH(krilla::tagging::TableHeaderScope::Column).into(),
        SKind::TD => Tag::TD.into(),
        SKind::Code => Tag::Code.into(),
        SKind::Toc => Tag::TOC.into(),
        SKind::TocItem => Tag::TOCI.into(),
        SKind::Div => Tag::Div.into(),
    })
}

/// The children of structure node `n` as tag-tree nodes.
fn build_group(layout: &Layout, n: usize, leaves: &[Vec<Identifier>], annots: &BTreeMap<usize, Vec<Identifier>>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    for c in &layout.nodes[n].children {
        match c {
            SChild::Content(id) => {
                if let Some(ids) = leaves.get(*id) {
                    out.extend(ids.iter().map(|i| Node::Leaf(*i)));
                }
            }
            SChild::Node(k) => {
                let children = build_group(layout, *k, leaves, annots);
                let mut children = children;
                if let Some(a) = annots.get(k) {
                    children.extend(a.iter().map(|i| Node::Leaf(*i)));
                }
                if children.is_empty() {
                    continue;
                }
                match tag_for(&layout.nodes[*k].kind) {
                    Some(t) => out.push(Node::Group(TagGroup::with_children(t, children))),
                    None => out.extend(children),
                }
            }
        }
    }
    out
}
