//! The generated cover: title, subtitle and editor set in the book's fonts and drawn as SVG
//! paths, so it looks the same in every reading system and library thumbnail.

use crate::model::Meta;
use crate::text::fonts::{Face, FontSet};
use crate::text::shape::{Glyph, shape, svg_path, width};
use std::fmt::Write;

const W: f32 = 1000.0;
const H: f32 = 1500.0;
const MARGIN: f32 = 110.0;

/// Greedy line filling: words → lines no wider than `max` (in user units at `size`).
fn wrap(face: &rustybuzz::Face, text: &str, size: f32, max: f32, feats: &[&[u8; 4]]) -> Vec<(Vec<Glyph>, f32)> {
    let scale = size / face.units_per_em() as f32;
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        let w = width(&shape(face, &candidate, feats)) as f32 * scale;
        if w > max && !current.is_empty() {
            let g = shape(face, &current, feats);
            let cw = width(&g) as f32 * scale;
            lines.push((g, cw));
            current = word.to_string();
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        let g = shape(face, &current, feats);
        let cw = width(&g) as f32 * scale;
        lines.push((g, cw));
    }
    lines
}

pub fn cover_svg(meta: &Meta, fonts: &FontSet) -> String {
    let regular = rustybuzz::Face::from_slice(&fonts.get(Face::Regular).data, 0);
    let italic = rustybuzz::Face::from_slice(&fonts.get(Face::Italic).data, 0);
    let mut paths = String::new();
    let mut y = 330.0;
    if let Some(face) = &regular {
        for (g, w) in wrap(face, &meta.title, 92.0, W - 2.0 * MARGIN, &[]) {
            let _ = write!(paths, "<path d=\"{}\"/>", svg_path(face, &g, 92.0, (W - w) / 2.0, y));
            y += 112.0;
        }
    }
    y += 40.0;
    let rule_y = y;
    y += 100.0;
    if let (Some(sub), Some(face)) = (&meta.subtitle, &italic) {
        for (g, w) in wrap(face, sub, 50.0, W - 2.0 * MARGIN - 60.0, &[]) {
            let _ = write!(paths, "<path d=\"{}\"/>", svg_path(face, &g, 50.0, (W - w) / 2.0, y));
            y += 66.0;
        }
    }
    let editors: Vec<&str> = meta.creators.iter().filter(|c| c.role == "edt").map(|c| c.name.as_str()).collect();
    let authors: Vec<&str> = meta.creators.iter().filter(|c| c.role == "aut").map(|c| c.name.as_str()).collect();
    let mut foot_y = H - 250.0;
    if let Some(face) = &regular {
        for line in [
            authors.join(" · "),
            if editors.is_empty() {
                String::new()
            } else {
                format!("{} {}", crate::i18n::t(&meta.language, crate::i18n::Key::EditedBy), editors.join(" and "))
            },
        ] {
            if line.is_empty() {
                continue;
            }
            for (g, w) in wrap(face, &line, 44.0, W - 2.0 * MARGIN, &[b"smcp"]) {
                let _ = write!(paths, "<path d=\"{}\"/>", svg_path(face, &g, 44.0, (W - w) / 2.0, foot_y));
                foot_y += 60.0;
            }
        }
    }
    let title = {
        let mut x = crate::epub::xml::Xml::new();
        x.text(&meta.title);
        x.into_string()
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{title}\">\n<title>{title}</title>\n<rect width=\"{W}\" height=\"{H}\" fill=\"#1f2b38\"/>\n<rect x=\"40\" y=\"40\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#c9b77c\" stroke-width=\"3\"/>\n<line x1=\"{}\" y1=\"{rule_y}\" x2=\"{}\" y2=\"{rule_y}\" stroke=\"#c9b77c\" stroke-width=\"3\"/>\n<g fill=\"#f3ecdc\">{paths}</g>\n</svg>\n",
        W - 80.0,
        H - 80.0,
        W / 2.0 - 120.0,
        W / 2.0 + 120.0,
    )
}
