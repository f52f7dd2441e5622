//! PDF profiles: each `[profiles.NAME]` overrides the typography for one PDF; the result is a
//! resolved `PdfProfile` with every setting known, and the reference profile chosen.

use super::Errors;
use super::schema::{Config, ProfileCfg};
use super::units::{parse_length, parse_page_size};
use crate::diag::{Diagnostic, nearest};
use toml::Spanned;

/// A resolved PDF profile: every setting known.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfProfile {
    /// Profile name ("" for the single PDF of a book without profiles).
    pub name: String,
    pub width: f32,
    pub height: f32,
    /// top, bottom, inner, outer
    pub margins: [f32; 4],
    pub body: f32,
    pub leading: f32,
    pub recto_openings: bool,
    pub blank_pages: bool,
    pub pad_to: usize,
    pub bleed: f32,
    pub crop_marks: bool,
    pub line_numbers: usize,
    pub link_color: bool,
    pub outline_open: bool,
    pub teacher_page: bool,
}

impl PdfProfile {
    /// The profile of a book without `[profiles]`: the typography as given.
    pub fn base(page_size: (f32, f32), margins: [f32; 4], body: f32, leading: f32) -> PdfProfile {
        PdfProfile {
            name: String::new(),
            width: page_size.0,
            height: page_size.1,
            margins,
            body,
            leading,
            recto_openings: false,
            blank_pages: true,
            pad_to: 1,
            bleed: 0.0,
            crop_marks: false,
            line_numbers: 0,
            link_color: false,
            outline_open: false,
            teacher_page: false,
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
            Ok((w, h)) => (r.width, r.height) = (w, h),
            Err(msg) => e.push(Diagnostic::error(msg).at(e.loc(ps.span())).help("use A4, A5, letter, 6x9in or `WIDTHxHEIGHT`")),
        }
    }
    if let Some(m) = &p.margins {
        for (i, v) in [&m.top, &m.bottom, &m.inner, &m.outer].into_iter().enumerate() {
            match parse_length(v.get_ref()) {
                Ok(x) => r.margins[i] = x,
                Err(msg) => e.push(Diagnostic::error(msg).at(e.loc(v.span())).help("write a length such as \"18mm\"")),
            }
        }
    }
    r.body = p.body_size.as_ref().map(|b| *b.get_ref()).unwrap_or(r.body);
    let scaled = if p.body_size.is_some() { r.body * ty.leading.get_ref() / ty.body_size.get_ref() } else { r.leading };
    r.leading = p.leading.as_ref().map(|l| *l.get_ref()).unwrap_or(scaled);
    let sane = (4.0..=72.0).contains(&r.body) && r.leading >= r.body && r.leading <= 3.0 * r.body;
    if !sane {
        let span = p.leading.as_ref().map(|l| l.span()).or(p.body_size.as_ref().map(|b| b.span()));
        let d = Diagnostic::error(format!("profile `{name}`: body size {} pt with leading {} pt is out of range", r.body, r.leading))
            .at(span.map(|s| e.loc(s)).unwrap_or(at.clone()))
            .help("body-size 4–72 pt; leading between the body size and three times it");
        e.push(d);
    }
    if let Some(b) = &p.bleed {
        match parse_length(b.get_ref()) {
            Ok(x) if x <= 36.0 => r.bleed = x,
            Ok(_) => e.push(Diagnostic::error("bleed is larger than half an inch").at(e.loc(b.span())).help("3mm (0.125in) is usual")),
            Err(msg) => e.push(Diagnostic::error(msg).at(e.loc(b.span())).help("write a length such as \"3mm\"")),
        }
    }
    r.recto_openings = p.recto_openings;
    r.blank_pages = p.blank_pages;
    r.pad_to = p.pad_to.clamp(1, 64);
    r.crop_marks = p.crop_marks;
    r.line_numbers = p.line_numbers;
    r.link_color = p.link_color;
    r.outline_open = p.outline_open;
    r.teacher_page = p.teacher_page;
    if r.margins[0] + r.margins[1] > r.height * 0.6 || r.margins[2] + r.margins[3] > r.width * 0.6 {
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
