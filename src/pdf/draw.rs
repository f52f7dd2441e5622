//! Drawing the placed items of a page: glyph runs, images, frames and rules, each tagged as
//! content (filling its structure slot) or as an artifact.

use super::Writer;
use crate::diag::Diagnostic;
use crate::layout::Artifact;
use crate::layout::inline::Run;
use crate::text::fonts::{Face, FontSet};
use krilla::geom::{PathBuilder, Point, Size};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{ArtifactType, ContentTag, SpanTag};
use krilla::text::{Glyph as _, GlyphId, KrillaGlyph};

/// Glyphs per drawing call: PDF/A limits a string to 32,767 bytes, and a run's glyphs become one
/// string in the content stream, so a long run (an overlong word) is drawn in pieces.
const MAX_GLYPHS_PER_CALL: usize = 4000;

/// Draws `glyphs` (advances in ems) at (x, y), in pieces cut where a glyph's text starts after
/// the previous piece's text (so every piece keeps its own text for extraction).
fn draw_pieces(surface: &mut Surface, x: f32, y: f32, glyphs: &[KrillaGlyph], font: &krilla::text::Font, text: &str, size: f32) {
    if glyphs.len() <= MAX_GLYPHS_PER_CALL {
        surface.draw_glyphs(Point::from_xy(x, y), glyphs, font.clone(), text, size, false);
        return;
    }
    let mut start = 0;
    let mut pen = x;
    while start < glyphs.len() {
        let mut end = (start + MAX_GLYPHS_PER_CALL).min(glyphs.len());
        // Cut only between clusters: the next glyph's text must begin after this piece's text.
        while end < glyphs.len() && end > start + 1 && glyphs[end].text_range().start < glyphs[end - 1].text_range().end {
            end -= 1;
        }
        let (t0, t1) = (glyphs[start].text_range().start, glyphs[end - 1].text_range().end.max(glyphs[start].text_range().start));
        let piece: Vec<KrillaGlyph> = glyphs[start..end]
            .iter()
            .map(|g| {
                let r = g.text_range();
                KrillaGlyph::new(
                    g.glyph_id(),
                    g.x_advance(size) / size,
                    g.x_offset(size) / size,
                    g.y_offset(size) / size,
                    0.0,
                    (r.start - t0)..(r.end - t0),
                    None,
                )
            })
            .collect();
        let Some(t) = text.get(t0..t1) else { return };
        surface.draw_glyphs(Point::from_xy(pen, y), &piece, font.clone(), t, size, false);
        pen += piece.iter().map(|g| g.x_advance(size)).sum::<f32>();
        start = end;
    }
}

/// A run of glyphs with its baseline at (x, y).
pub(super) fn text(
    w: &mut Writer,
    surface: &mut Surface,
    (x, y): (&f32, &f32),
    run: &Run,
    content: &Option<usize>,
    artifact: &Option<Artifact>,
) {
    if !w.fonts.contains_key(&run.style.face) && !w.fonts.contains_key(&Face::Regular) {
        return;
    }
    let size = run.style.size;
    // Expanded runs are drawn under a horizontal scale; advances are final
    // widths, so they are divided by the scale here.
    let sx = run.expand;
    // Glyphs from one font at a time: a run may hold glyphs of a fallback font.
    let mut groups: Vec<(Face, f32, Vec<KrillaGlyph>)> = Vec::new();
    let mut pen = 0.0;
    for g in &run.glyphs {
        let face = g.face.unwrap_or(run.style.face);
        let kg =
            KrillaGlyph::new(GlyphId::new(g.id as u32), g.advance / sx / size, g.dx / sx / size, g.dy / size, 0.0, g.range.clone(), None);
        match groups.last_mut() {
            Some((f, _, v)) if *f == face => v.push(kg),
            _ => groups.push((face, pen, vec![kg])),
        }
        pen += g.advance / sx;
    }
    let tag = match artifact {
        Some(a) => ContentTag::Artifact(krilla::tagging::Artifact::new(
            match a {
                Artifact::Header => ArtifactType::Header,
                Artifact::Footer => ArtifactType::Footer,
                Artifact::Layout => ArtifactType::Layout,
                Artifact::LineNumber => ArtifactType::LineNumber,
            },
            None,
        )),
        // Text of a passage in another language carries it on its marked content (/Lang).
        None => match run.style.lang.checked_sub(1).and_then(|i| w.layout.langs.get(i as usize)) {
            Some(lang) => ContentTag::Span(SpanTag { lang: Some(lang.as_str()), ..SpanTag::empty() }),
            None => ContentTag::Span(SpanTag::empty()),
        },
    };
    let id = surface.start_tagged(tag);
    let colour = match run.style.colour {
        Some(c) => Some(c),
        None if w.profile.pdf.link_color && run.link.is_some() => Some([0x1d, 0x4e, 0x89]),
        None => None,
    };
    let coloured = colour.is_some();
    if let Some([r, g, b]) = colour {
        surface.set_fill(Some(Fill { paint: krilla::color::rgb::Color::new(r, g, b).into(), ..Fill::default() }));
    }
    let scaled = (sx - 1.0).abs() > 1e-4;
    if scaled {
        surface.push_transform(&krilla::geom::Transform::from_row(sx, 0.0, 0.0, 1.0, *x, *y));
    }
    let (ox, oy) = if scaled { (0.0, 0.0) } else { (*x, *y) };
    for (face, at, glyphs) in &groups {
        let Some(font) = w.fonts.get(face).or_else(|| w.fonts.get(&Face::Regular)) else { continue };
        draw_pieces(surface, ox + at, oy, glyphs, font, &run.text, size);
    }
    if scaled {
        surface.pop();
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
        w.leaf(*c, id);
    }
}

/// A decoded picture: a raster image, or an SVG drawn as vector graphics.
#[derive(Clone)]
pub(super) enum Picture {
    Raster(krilla::image::Image),
    Svg(std::sync::Arc<usvg::Tree>),
}

/// The book's fonts as an SVG renderer's font database, so text in an SVG is set in them
/// (and never in a font of the machine that builds the book).
pub(super) fn svg_fonts(fonts: &FontSet) -> usvg::fontdb::Database {
    let mut db = usvg::fontdb::Database::new();
    for f in &fonts.fonts {
        db.load_font_data(f.data.to_vec());
    }
    if let Some(family) = fonts.fonts.iter().find(|f| f.face == Face::Regular).map(|f| f.family.clone()) {
        db.set_serif_family(family.clone());
        db.set_sans_serif_family(family);
    }
    if let Some(family) = fonts.fonts.iter().find(|f| f.face == Face::Mono).map(|f| f.family.clone()) {
        db.set_monospace_family(family);
    }
    db
}

fn decode(w: &mut Writer, path: &str) -> Result<Picture, Diagnostic> {
    let Some((info, bytes)) = w.dir.image(path) else {
        return Err(Diagnostic::error(format!("image `{path}` was not loaded"))
            .help("check that the file exists and is a PNG, JPEG, GIF or SVG image"));
    };
    let failed = |e: String| {
        Diagnostic::error(format!("image `{path}` cannot be decoded: {e}")).help("replace it with a valid PNG, JPEG, GIF or SVG file")
    };
    let data: krilla::Data = bytes.to_vec().into();
    let raster = match info.kind {
        crate::source::ImageKind::Png => krilla::image::Image::from_png(data, false),
        crate::source::ImageKind::Jpeg => krilla::image::Image::from_jpeg(data, false),
        crate::source::ImageKind::Gif => krilla::image::Image::from_gif(data, false),
        crate::source::ImageKind::Svg => {
            // References outside the SVG were refused at load; no resources directory is given.
            let fontdb = w.svg_fonts.get_or_insert_with(|| std::sync::Arc::new(svg_fonts(w.font_set))).clone();
            let opt = usvg::Options { fontdb, ..usvg::Options::default() };
            let tree = usvg::Tree::from_data(&bytes, &opt).map_err(|e| failed(e.to_string()))?;
            return Ok(Picture::Svg(std::sync::Arc::new(tree)));
        }
    };
    raster.map(Picture::Raster).map_err(failed)
}

/// An image with its top-left corner at (x, y), decoded once per file.
pub(super) fn image(
    w: &mut Writer,
    surface: &mut Surface,
    (x, y, wd, h): (&f32, &f32, &f32, &f32),
    path: &str,
    content: usize,
) -> Result<(), Diagnostic> {
    let pic = match w.images.get(path) {
        Some(p) => p.clone(),
        None => {
            let p = decode(w, path)?;
            w.images.insert(path.to_string(), p.clone());
            p
        }
    };
    let id = draw_picture(surface, pic, (*x, *y, *wd, *h));
    w.leaf(content, id);
    Ok(())
}

/// Draws a decoded picture with its top-left corner at (x, y), `w` × `h` points, as tagged
/// content; returns its identifier. A degenerate size (layout never makes one) draws nothing.
fn draw_picture(surface: &mut Surface, pic: Picture, (x, y, w, h): (f32, f32, f32, f32)) -> krilla::tagging::Identifier {
    let id = surface.start_tagged(ContentTag::Other);
    surface.push_transform(&krilla::geom::Transform::from_translate(x, y));
    if let Some(size) = Size::from_wh(w, h) {
        match pic {
            Picture::Raster(img) => surface.draw_image(img, size),
            Picture::Svg(tree) => {
                use krilla_svg::SurfaceExt;
                let _ = surface.draw_svg(&tree, size, krilla_svg::SvgSettings::default());
            }
        }
    }
    surface.pop();
    surface.end_tagged();
    id
}

/// A horizontal rule (decoration: an artifact).
pub(super) fn rule(surface: &mut Surface, (x0, x1, y, width): (&f32, &f32, &f32, &f32)) {
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

/// The author's cover as a page of its own: the image scaled to cover the trimmed page and its
/// bleed (centred, what overflows clipped), labelled "Cover". Returns its content's identifier.
pub(super) fn cover_page(w: &mut Writer, doc: &mut krilla::Document, path: &str) -> Result<krilla::tagging::Identifier, Diagnostic> {
    let (layout, profile) = (w.layout, w.profile);
    let pic = decode(w, path)?;
    let slug = if profile.pdf.crop_marks { 30.0 } else { 0.0 };
    let off = profile.pdf.bleed + slug;
    let (mw, mh) = (layout.width + 2.0 * off, layout.height + 2.0 * off);
    let size = Size::from_wh(mw, mh).ok_or_else(|| Diagnostic::error("the page size is not usable"))?;
    let label = krilla::page::PageLabel::new(None, Some("Cover".to_string()), None);
    let mut settings = krilla::page::PageSettings::new(size).with_page_label(label);
    if off > 0.0 {
        let trim = krilla::geom::Rect::from_xywh(off, off, layout.width, layout.height);
        let bleed = krilla::geom::Rect::from_xywh(slug, slug, mw - 2.0 * slug, mh - 2.0 * slug);
        settings = settings.with_trim_box(trim).with_bleed_box(bleed);
    }
    // The area to fill: the trimmed page and its bleed.
    let (fx, fy, fw, fh) = (slug, slug, mw - 2.0 * slug, mh - 2.0 * slug);
    let (iw, ih) = match &pic {
        Picture::Raster(img) => {
            let s = img.size();
            (s.0 as f32, s.1 as f32)
        }
        Picture::Svg(tree) => (tree.size().width(), tree.size().height()),
    };
    let scale = (fw / iw.max(1.0)).max(fh / ih.max(1.0));
    let (dw, dh) = (iw * scale, ih * scale);
    let (dx, dy) = (fx + (fw - dw) / 2.0, fy + (fh - dh) / 2.0);
    let mut page = doc.start_page_with(settings);
    let id;
    {
        let mut surface = page.surface();
        let mut clip = krilla::geom::PathBuilder::new();
        if let Some(r) = krilla::geom::Rect::from_xywh(fx, fy, fw, fh) {
            clip.push_rect(r);
        }
        let clipped = clip.finish();
        if let Some(c) = &clipped {
            surface.push_clip_path(c, &krilla::paint::FillRule::NonZero);
        }
        id = draw_picture(&mut surface, pic, (dx, dy, dw, dh));
        if clipped.is_some() {
            surface.pop();
        }
        surface.finish();
    }
    page.finish();
    Ok(id)
}
