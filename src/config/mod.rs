//! `book.toml`: one struct per table, kebab-case keys, unknown keys rejected with their line and
//! the nearest valid key. Semantic checks (dates, identifiers, roles) report the value's position.

use crate::diag::{nearest, Diagnostic, LineIndex, Location};
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

pub const CONFIG_FILE: &str = "book.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    pub metadata: Metadata,
    pub contents: Contents,
    #[serde(default)]
    pub output: Output,
    #[serde(default)]
    pub typography: Typography,
    #[serde(default)]
    pub fonts: Fonts,
    #[serde(default)]
    pub edition: Edition,
    /// PDF profiles by name; none means one PDF from [typography].
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<String, ProfileCfg>,
}

/// The citable edition: version, source, paragraph numbers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Edition {
    /// Version of this edition (e.g. "1.0"), printed in the colophon and the citation files.
    pub version: Option<String>,
    /// What the edition's text comes from, for the colophon and citations.
    pub source: Option<String>,
    /// Number paragraphs per chapter/letter, in the PDF's margin and in the EPUB.
    #[serde(default)]
    pub paragraph_numbers: bool,
    /// Where the edition can be found (printed in citations).
    pub url: Option<String>,
}

/// A PDF profile: settings that override [typography] for one PDF. Profiles differ only in
/// settings, never in code paths.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProfileCfg {
    pub page_size: Option<Spanned<String>>,
    pub margins: Option<Margins>,
    pub body_size: Option<f32>,
    pub leading: Option<f32>,
    /// Chapters, letters and parts open on right-hand pages (a blank verso before if needed).
    #[serde(default)]
    pub recto_openings: bool,
    /// Whether blank pages may be inserted at all (half-title verso, front matter padding).
    #[serde(default = "yes")]
    pub blank_pages: bool,
    /// Pad the page count with blank pages to a multiple of this (e.g. 4 for print on demand).
    #[serde(default = "one")]
    pub pad_to: usize,
    /// Bleed around the trimmed page, a length (e.g. "3mm").
    pub bleed: Option<Spanned<String>>,
    /// Draw crop marks outside the bleed.
    #[serde(default)]
    pub crop_marks: bool,
    /// Number every Nth line of body text in the outer margin, restarting per chapter/letter.
    #[serde(default)]
    pub line_numbers: usize,
    /// Colour links (for screens).
    #[serde(default)]
    pub link_color: bool,
    /// Show the outline open in the viewer.
    #[serde(default)]
    pub outline_open: bool,
    /// Add an "About this edition" page for teachers.
    #[serde(default)]
    pub teacher_page: bool,
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}

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

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Metadata {
    pub title: Spanned<String>,
    pub subtitle: Option<String>,
    #[serde(default)]
    pub creators: Vec<Creator>,
    /// BCP 47 language tag of the book, e.g. `en`, `de`, `en-GB`.
    #[serde(default = "default_language")]
    pub language: Spanned<String>,
    /// `urn:uuid:…`, `urn:isbn:…`/`isbn:…` or `doi:…`; derived from the title when absent.
    pub identifier: Option<Spanned<String>>,
    pub publisher: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<Spanned<String>>,
    /// Last modification (EPUB `dcterms:modified`), `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`.
    /// Defaults to `date`, then to SOURCE_DATE_EPOCH, then to 2000-01-01.
    pub modified: Option<Spanned<String>>,
    pub edition: Option<String>,
    pub rights: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub subjects: Vec<String>,
}

fn default_language() -> Spanned<String> {
    Spanned::new(0..0, "en".to_string())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Creator {
    pub name: String,
    /// `author`, `editor`, `translator`, `illustrator`, `contributor`, … (MARC relator names).
    #[serde(default = "default_role")]
    pub role: Spanned<String>,
    /// Sort form, e.g. "Kennedy, John F.".
    pub file_as: Option<String>,
}

fn default_role() -> Spanned<String> {
    Spanned::new(0..0, "author".to_string())
}

/// Role names accepted in `creators` and their MARC relator codes.
pub const ROLES: &[(&str, &str)] = &[
    ("author", "aut"),
    ("editor", "edt"),
    ("translator", "trl"),
    ("illustrator", "ill"),
    ("contributor", "ctb"),
    ("photographer", "pht"),
    ("annotator", "ann"),
    ("compiler", "com"),
    ("designer", "bkd"),
];

impl Creator {
    pub fn relator(&self) -> &'static str {
        ROLES.iter().find(|(n, _)| *n == self.role.get_ref()).map(|(_, c)| *c).unwrap_or("ctb")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Contents {
    #[serde(default)]
    pub front_matter: Vec<Spanned<String>>,
    /// Chapters of a book without parts.
    #[serde(default)]
    pub chapters: Vec<Spanned<String>>,
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(default)]
    pub back_matter: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Part {
    pub title: String,
    pub chapters: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Epub,
    Pdf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Output {
    #[serde(default = "default_out_dir")]
    pub dir: String,
    /// File name without extension; defaults to a slug of the title.
    pub stem: Option<String>,
    #[serde(default = "default_formats")]
    pub formats: Vec<Format>,
    /// The PDF profile whose pages the EPUB's page list and the citations refer to.
    pub reference_profile: Option<Spanned<String>>,
}

fn default_out_dir() -> String {
    "out".to_string()
}
fn default_formats() -> Vec<Format> {
    vec![Format::Epub, Format::Pdf]
}

impl Default for Output {
    fn default() -> Self {
        Output { dir: default_out_dir(), stem: None, formats: default_formats(), reference_profile: None }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Typography {
    /// `A4`, `A5`, `letter`, `6x9in`, or `WIDTHxHEIGHT` with a unit (`mm`, `in`, `pt`).
    #[serde(default = "default_page_size")]
    pub page_size: Spanned<String>,
    #[serde(default)]
    pub margins: Margins,
    /// Body text size in points.
    #[serde(default = "default_body_size")]
    pub body_size: f32,
    /// Baseline-to-baseline distance of body text in points.
    #[serde(default = "default_leading")]
    pub leading: f32,
    /// Capitalised words shorter than this many letters are never hyphenated.
    #[serde(default = "default_min_name")]
    pub min_hyphenate_name: usize,
}

fn default_page_size() -> Spanned<String> {
    Spanned::new(0..0, "A5".to_string())
}
fn default_body_size() -> f32 {
    11.0
}
fn default_leading() -> f32 {
    14.0
}
fn default_min_name() -> usize {
    8
}

impl Default for Typography {
    fn default() -> Self {
        Typography {
            page_size: default_page_size(),
            margins: Margins::default(),
            body_size: default_body_size(),
            leading: default_leading(),
            min_hyphenate_name: default_min_name(),
        }
    }
}

/// Page margins, each a length with unit (`18mm`, `0.75in`, `54pt`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Margins {
    #[serde(default = "m_top")]
    pub top: Spanned<String>,
    #[serde(default = "m_bottom")]
    pub bottom: Spanned<String>,
    #[serde(default = "m_inner")]
    pub inner: Spanned<String>,
    #[serde(default = "m_outer")]
    pub outer: Spanned<String>,
}

fn m_top() -> Spanned<String> {
    Spanned::new(0..0, "17mm".into())
}
fn m_bottom() -> Spanned<String> {
    Spanned::new(0..0, "20mm".into())
}
fn m_inner() -> Spanned<String> {
    Spanned::new(0..0, "17mm".into())
}
fn m_outer() -> Spanned<String> {
    Spanned::new(0..0, "15mm".into())
}

impl Default for Margins {
    fn default() -> Self {
        Margins { top: m_top(), bottom: m_bottom(), inner: m_inner(), outer: m_outer() }
    }
}

/// Font files, relative to the book directory. When absent, quire uses the fonts it was built
/// with (the repository's `fonts/`: EB Garamond and Source Code Pro, OFL).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Fonts {
    pub regular: Option<Spanned<String>>,
    pub italic: Option<Spanned<String>>,
    pub bold: Option<Spanned<String>>,
    pub bold_italic: Option<Spanned<String>>,
    pub mono: Option<Spanned<String>>,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the calendar.
    pub fn parse(s: &str) -> Result<Date, String> {
        let parts: Vec<&str> = s.split('-').collect();
        let bad = || format!("`{s}` is not a date of the form YYYY-MM-DD");
        if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
            return Err(bad());
        }
        if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        let year: i32 = parts[0].parse().map_err(|_| bad())?;
        let month: u32 = parts[1].parse().map_err(|_| bad())?;
        let day: u32 = parts[2].parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` has month {month}; months run from 01 to 12"));
        }
        let dim = days_in_month(year, month);
        if day == 0 || day > dim {
            return Err(format!("`{s}` has day {day}, but that month has {dim} days"));
        }
        Ok(Date { year, month, day })
    }

    /// Date of a Unix timestamp (UTC).
    pub fn from_unix(secs: i64) -> Date {
        // Civil-from-days (proleptic Gregorian), after Howard Hinnant's algorithm.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// "October 16, 1961" (English) or "16. Oktober 1961" (German); other languages get ISO.
    pub fn long(&self, language: &str) -> String {
        const EN: [&str; 12] = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December",
        ];
        const DE: [&str; 12] = [
            "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
            "Oktober", "November", "Dezember",
        ];
        let m = (self.month - 1) as usize;
        match language.split('-').next().unwrap_or("") {
            "en" => format!("{} {}, {}", EN[m], self.day, self.year),
            "de" => format!("{}. {} {}", self.day, DE[m], self.year),
            _ => self.iso(),
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A length in PostScript points from `18mm`, `0.75in`, `54pt` or `2cm`.
pub fn parse_length(s: &str) -> Result<f32, String> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f32 = num.trim().parse().map_err(|_| format!("`{s}` is not a length like `18mm`, `0.75in` or `54pt`"))?;
    let pts = match unit {
        "mm" => v * 72.0 / 25.4,
        "cm" => v * 72.0 / 2.54,
        "in" => v * 72.0,
        "pt" => v,
        _ => return Err(format!("`{s}` has no known unit; use mm, cm, in or pt")),
    };
    if !pts.is_finite() || pts < 0.0 {
        return Err(format!("`{s}` must be a positive length"));
    }
    Ok(pts)
}

/// Page size in points (width, height).
pub fn parse_page_size(s: &str) -> Result<(f32, f32), String> {
    let named = match s.to_ascii_lowercase().as_str() {
        "a4" => Some((595.276, 841.89)),
        "a5" => Some((419.528, 595.276)),
        "letter" | "us-letter" => Some((612.0, 792.0)),
        "6x9in" | "trade" => Some((432.0, 648.0)),
        _ => None,
    };
    if let Some(sz) = named {
        return Ok(sz);
    }
    let (w, h) = s
        .split_once('x')
        .ok_or_else(|| format!("`{s}` is not a page size; use A4, A5, letter, 6x9in or e.g. `148mmx210mm`"))?;
    let w = parse_length(w)?;
    let h = parse_length(h)?;
    if w < 144.0 || h < 144.0 || w > 14_400.0 || h > 14_400.0 {
        return Err(format!("`{s}` is outside the supported page sizes (2 in to 200 in per side)"));
    }
    Ok((w, h))
}

/// The checked configuration: the parsed file plus derived values.
#[derive(Debug, Clone)]
pub struct BookConfig {
    pub config: Config,
    pub source: String,
    pub date: Option<Date>,
    pub page_size: (f32, f32),
    pub margins: [f32; 4],
    /// The PDF profiles, in name order (one unnamed profile when book.toml has none).
    pub profiles: Vec<PdfProfile>,
    /// Index into `profiles` of the reference profile.
    pub reference: usize,
}

impl BookConfig {
    /// File name of a profile's PDF: `<stem>.pdf` or `<stem>-<profile>.pdf`.
    pub fn pdf_name(&self, p: &PdfProfile) -> String {
        if p.name.is_empty() { format!("{}.pdf", self.stem()) } else { format!("{}-{}.pdf", self.stem(), p.name) }
    }

    pub fn metadata(&self) -> &Metadata {
        &self.config.metadata
    }

    /// Location of a span in book.toml, for messages about values.
    pub fn location(&self, span: Range<usize>) -> Location {
        LineIndex::new(&self.source).location(CONFIG_FILE, span.start)
    }

    pub fn language(&self) -> &str {
        self.config.metadata.language.get_ref()
    }

    /// The output file stem: `output.stem`, or a slug of the title.
    pub fn stem(&self) -> String {
        match &self.config.output.stem {
            Some(s) => s.clone(),
            None => slug(self.config.metadata.title.get_ref()),
        }
    }
}

/// A lowercase ASCII slug for file names: letters and digits joined by single hyphens
/// (`book` when there are none).
pub fn slug(s: &str) -> String {
    let out = crate::model::anchors::ascii_slug(s);
    if out.is_empty() { "book".to_string() } else { out }
}

/// Parses and checks book.toml text. Returns every problem found.
pub fn parse(source: &str) -> Result<BookConfig, Vec<Diagnostic>> {
    let index = LineIndex::new(source);
    let config: Config = match toml::from_str(source) {
        Ok(c) => c,
        Err(e) => return Err(vec![toml_error(&index, &e)]),
    };
    let loc = |span: Range<usize>| index.location(CONFIG_FILE, span.start);
    let mut errors = Vec::new();
    let md = &config.metadata;

    if md.title.get_ref().trim().is_empty() {
        errors.push(Diagnostic::error("the book's title is empty").at(loc(md.title.span())).help("set `title` in [metadata]"));
    }
    let lang = md.language.get_ref();
    if !is_language_tag(lang) {
        errors.push(
            Diagnostic::error(format!("`{lang}` is not a language tag"))
                .at(loc(md.language.span()))
                .help("use a BCP 47 tag such as `en`, `en-GB` or `de`"),
        );
    }
    let mut date = None;
    if let Some(d) = &md.date {
        match Date::parse(d.get_ref()) {
            Ok(v) => date = Some(v),
            Err(msg) => errors.push(
                Diagnostic::error(format!("bad date: {msg}")).at(loc(d.span())).help("write the date as YYYY-MM-DD, e.g. \"2026-11-27\""),
            ),
        }
    }
    if let Some(m) = &md.modified {
        let s = m.get_ref();
        let ok = Date::parse(s).is_ok()
            || (s.len() == 20 && s.ends_with('Z') && s.as_bytes()[10] == b'T' && Date::parse(&s[..10]).is_ok());
        if !ok {
            errors.push(
                Diagnostic::error(format!("bad date: `{s}` is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"))
                    .at(loc(m.span()))
                    .help("write e.g. \"2026-11-27\" or \"2026-11-27T12:00:00Z\""),
            );
        }
    }
    if let Some(id) = &md.identifier
        && let Err(msg) = check_identifier(id.get_ref())
    {
        errors.push(Diagnostic::error(msg).at(loc(id.span())).help(
            "use `urn:uuid:` with a UUID, `isbn:` with a valid ISBN-10 or ISBN-13, or `doi:10.…`",
        ));
    }
    for c in &md.creators {
        let r = c.role.get_ref();
        if !ROLES.iter().any(|(n, _)| n == r) {
            let mut d = Diagnostic::error(format!("unknown creator role `{r}`")).at(loc(c.role.span()));
            let names: Vec<&str> = ROLES.iter().map(|(n, _)| *n).collect();
            d = match nearest(r, names.iter().copied()) {
                Some(n) => d.help(format!("did you mean `{n}`? Roles: {}", names.join(", "))),
                None => d.help(format!("use one of: {}", names.join(", "))),
            };
            errors.push(d);
        }
        if c.name.trim().is_empty() {
            errors.push(Diagnostic::error("a creator has an empty name").at(loc(c.role.span())).help("give every creator a `name`"));
        }
    }
    let ct = &config.contents;
    if !ct.chapters.is_empty() && !ct.parts.is_empty() {
        errors.push(
            Diagnostic::error("[contents] has both `chapters` and `parts`")
                .at(loc(ct.chapters[0].span()))
                .help("put every chapter inside a [[contents.parts]] table, or drop the parts"),
        );
    }
    if ct.chapters.is_empty() && ct.parts.iter().all(|p| p.chapters.is_empty()) {
        errors.push(
            Diagnostic::error("the book has no chapters")
                .at(index.location(CONFIG_FILE, source.find("[contents]").unwrap_or(0)))
                .help("list manuscript files in [contents] `chapters = [\"manuscript/chapter-1.md\"]`"),
        );
    }
    let mut seen: Vec<&Spanned<String>> = Vec::new();
    for f in ct.front_matter.iter().chain(&ct.chapters).chain(ct.parts.iter().flat_map(|p| &p.chapters)).chain(&ct.back_matter) {
        if let Some(first) = seen.iter().find(|s| s.get_ref() == f.get_ref()) {
            let l = loc(first.span());
            errors.push(
                Diagnostic::error(format!("`{}` is listed twice in [contents]", f.get_ref()))
                    .at(loc(f.span()))
                    .help(format!("remove one of the entries (the first is at line {})", l.line)),
            );
        } else {
            seen.push(f);
        }
    }
    let ty = &config.typography;
    let page_size = match parse_page_size(ty.page_size.get_ref()) {
        Ok(s) => s,
        Err(msg) => {
            errors.push(Diagnostic::error(msg).at(loc(ty.page_size.span())).help("use A4, A5, letter, 6x9in or `WIDTHxHEIGHT` like `148mmx210mm`"));
            (419.528, 595.276)
        }
    };
    let mut margins = [0.0; 4];
    for (i, m) in [&ty.margins.top, &ty.margins.bottom, &ty.margins.inner, &ty.margins.outer].into_iter().enumerate() {
        match parse_length(m.get_ref()) {
            Ok(v) => margins[i] = v,
            Err(msg) => errors.push(Diagnostic::error(msg).at(loc(m.span())).help("write a length such as \"18mm\"")),
        }
    }
    if !(4.0..=72.0).contains(&ty.body_size) {
        errors.push(
            Diagnostic::error(format!("body-size {} pt is outside 4–72 pt", ty.body_size))
                .at(index.location(CONFIG_FILE, source.find("body-size").unwrap_or(0)))
                .help("a book is usually set at 9–12 pt"),
        );
    }
    if !(ty.leading >= ty.body_size && ty.leading <= ty.body_size * 3.0) {
        errors.push(
            Diagnostic::error(format!("leading {} pt must be between the body size and three times it", ty.leading))
                .at(index.location(CONFIG_FILE, source.find("leading").unwrap_or(0)))
                .help("leading is baseline-to-baseline distance; about 1.2–1.3 × body-size is usual"),
        );
    }
    if margins[0] + margins[1] > page_size.1 * 0.6 || margins[2] + margins[3] > page_size.0 * 0.6 {
        errors.push(
            Diagnostic::error("the margins leave too little room for text on this page size")
                .at(loc(ty.margins.top.span()))
                .help("make the margins smaller or the page larger"),
        );
    }
    if let Some(stem) = &config.output.stem
        && (stem.is_empty() || stem.contains(['/', '\\']) || stem.starts_with('.'))
    {
        errors.push(
            Diagnostic::error(format!("output stem `{stem}` is not a plain file name"))
                .at(index.location(CONFIG_FILE, source.find("stem").unwrap_or(0)))
                .help("use letters, digits and hyphens, e.g. `my-book`"),
        );
    }
    let base = PdfProfile {
        name: String::new(),
        width: page_size.0,
        height: page_size.1,
        margins,
        body: ty.body_size,
        leading: ty.leading,
        recto_openings: false,
        blank_pages: true,
        pad_to: 1,
        bleed: 0.0,
        crop_marks: false,
        line_numbers: 0,
        link_color: false,
        outline_open: false,
        teacher_page: false,
    };
    let mut profiles = Vec::new();
    for (name, p) in &config.profiles {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            errors.push(
                Diagnostic::error(format!("profile name `{name}` is not a plain name"))
                    .at(index.location(CONFIG_FILE, source.find(&format!("profiles.{name}")).unwrap_or(0)))
                    .help("use letters, digits and hyphens, e.g. [profiles.classroom-a4]"),
            );
        }
        let mut r = PdfProfile { name: name.clone(), ..base.clone() };
        if let Some(ps) = &p.page_size {
            match parse_page_size(ps.get_ref()) {
                Ok((w, h)) => {
                    r.width = w;
                    r.height = h;
                }
                Err(msg) => errors.push(Diagnostic::error(msg).at(loc(ps.span())).help("use A4, A5, letter, 6x9in or `WIDTHxHEIGHT`")),
            }
        }
        if let Some(m) = &p.margins {
            for (i, v) in [&m.top, &m.bottom, &m.inner, &m.outer].into_iter().enumerate() {
                match parse_length(v.get_ref()) {
                    Ok(x) => r.margins[i] = x,
                    Err(msg) => errors.push(Diagnostic::error(msg).at(loc(v.span())).help("write a length such as \"18mm\"")),
                }
            }
        }
        r.body = p.body_size.unwrap_or(r.body);
        r.leading = p.leading.unwrap_or(if p.body_size.is_some() { r.body * ty.leading / ty.body_size } else { r.leading });
        if !(4.0..=72.0).contains(&r.body) || r.leading < r.body || r.leading > 3.0 * r.body {
            errors.push(
                Diagnostic::error(format!("profile `{name}`: body size {} pt with leading {} pt is out of range", r.body, r.leading))
                    .at(index.location(CONFIG_FILE, source.find(&format!("profiles.{name}")).unwrap_or(0)))
                    .help("body-size 4–72 pt; leading between the body size and three times it"),
            );
        }
        if let Some(b) = &p.bleed {
            match parse_length(b.get_ref()) {
                Ok(x) if x <= 36.0 => r.bleed = x,
                Ok(_) => errors.push(Diagnostic::error("bleed is larger than half an inch").at(loc(b.span())).help("3mm (0.125in) is usual")),
                Err(msg) => errors.push(Diagnostic::error(msg).at(loc(b.span())).help("write a length such as \"3mm\"")),
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
            errors.push(
                Diagnostic::error(format!("profile `{name}`: the margins leave too little room for text"))
                    .at(index.location(CONFIG_FILE, source.find(&format!("profiles.{name}")).unwrap_or(0)))
                    .help("make the margins smaller or the page larger"),
            );
        }
        profiles.push(r);
    }
    if profiles.is_empty() {
        profiles.push(base);
    }
    let reference = match &config.output.reference_profile {
        Some(name) => match profiles.iter().position(|p| p.name == *name.get_ref()) {
            Some(i) => i,
            None => {
                let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
                let mut d = Diagnostic::error(format!("reference-profile `{}` is not a profile of this book", name.get_ref())).at(loc(name.span()));
                d = match nearest(name.get_ref(), names.iter().copied()) {
                    Some(n) => d.help(format!("did you mean `{n}`? Profiles: {}", names.join(", "))),
                    None => d.help(format!("define [profiles.{}] or use one of: {}", name.get_ref(), names.join(", "))),
                };
                errors.push(d);
                0
            }
        },
        None => 0,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(BookConfig { config, source: source.to_string(), date, page_size, margins, profiles, reference })
}

fn toml_error(index: &LineIndex, e: &toml::de::Error) -> Diagnostic {
    let msg = e.message().trim().to_string();
    let loc = e.span().map(|s| index.location(CONFIG_FILE, s.start));
    let mut d = Diagnostic::error(format!("book.toml: {msg}")).at_opt(loc);
    if let Some((key, help)) = crate::diag::unknown_key(&msg) {
        d.message = format!("unknown key `{key}` in book.toml");
        d = d.help(help);
    } else if msg.starts_with("missing field `") {
        let key = msg.split('`').nth(1).unwrap_or("");
        d = d.help(format!("add `{key}`; a minimal book.toml needs [metadata] title and [contents] chapters"));
    } else if msg.starts_with("invalid type") {
        d = d.help("check the value's type: strings need quotes, lists need [ ], numbers need none");
    } else {
        d = d.help("fix the TOML syntax at this position (see https://toml.io)");
    }
    d
}

fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks a book identifier: a UUID URN, an ISBN with a valid checksum, or a DOI.
pub fn check_identifier(id: &str) -> Result<(), String> {
    if let Some(u) = id.strip_prefix("urn:uuid:") {
        let ok = u.len() == 36
            && u.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() });
        return if ok { Ok(()) } else { Err(format!("`{id}` is not a valid UUID URN")) };
    }
    if let Some(isbn) = id.strip_prefix("urn:isbn:").or_else(|| id.strip_prefix("isbn:")) {
        let digits: String = isbn.chars().filter(|c| *c != '-' && *c != ' ').collect();
        return check_isbn(&digits).map_err(|m| format!("`{id}`: {m}"));
    }
    if let Some(doi) = id.strip_prefix("doi:") {
        return if doi.starts_with("10.") && doi.contains('/') { Ok(()) } else { Err(format!("`{id}` is not a DOI (doi:10.NNNN/…)")) };
    }
    Err(format!("identifier `{id}` has no known scheme"))
}

fn check_isbn(d: &str) -> Result<(), String> {
    let b = d.as_bytes();
    match b.len() {
        13 if b.iter().all(u8::is_ascii_digit) => {
            let sum: u32 = b.iter().enumerate().map(|(i, c)| u32::from(c - b'0') * if i % 2 == 0 { 1 } else { 3 }).sum();
            if sum.is_multiple_of(10) { Ok(()) } else { Err("ISBN-13 checksum does not match".into()) }
        }
        10 if b[..9].iter().all(u8::is_ascii_digit) && (b[9].is_ascii_digit() || b[9] == b'X') => {
            let sum: u32 = b
                .iter()
                .enumerate()
                .map(|(i, c)| (10 - i as u32) * if *c == b'X' { 10 } else { u32::from(c - b'0') })
                .sum();
            if sum.is_multiple_of(11) { Ok(()) } else { Err("ISBN-10 checksum does not match".into()) }
        }
        _ => Err("an ISBN has 10 or 13 digits".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert!(Date::parse("1961-10-16").is_ok());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("1961-13-01").is_err());
        assert!(Date::parse("16.10.1961").is_err());
        assert_eq!(Date::from_unix(0).iso(), "1970-01-01");
        assert_eq!(Date::from_unix(1_700_000_000).iso(), "2023-11-14");
        assert_eq!(Date::parse("1961-10-16").unwrap().long("en"), "October 16, 1961");
    }

    #[test]
    fn identifiers_are_checked() {
        assert!(check_identifier("isbn:978-0-306-40615-7").is_ok());
        assert!(check_identifier("isbn:978-0-306-40615-8").is_err());
        assert!(check_identifier("isbn:0-306-40615-2").is_ok());
        assert!(check_identifier("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8").is_ok());
        assert!(check_identifier("urn:uuid:nope").is_err());
        assert!(check_identifier("doi:10.1000/182").is_ok());
    }

    #[test]
    fn lengths_and_sizes() {
        assert!((parse_length("25.4mm").unwrap() - 72.0).abs() < 1e-3);
        assert_eq!(parse_page_size("letter").unwrap(), (612.0, 792.0));
        assert!(parse_page_size("1x1mm").is_err());
        assert!(parse_length("12 furlongs").is_err());
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let e = parse("[metadata]\ntitel = \"x\"\n[contents]\nchapters=[\"a.md\"]\n").unwrap_err();
        let d = &e[0];
        assert!(d.message.contains("unknown key `titel`"), "{d}");
        assert!(d.help.as_deref().unwrap().contains("did you mean `title`"), "{d}");
        assert_eq!(d.location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn minimal_config_has_defaults() {
        let c = parse("[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"a.md\"]\n").unwrap();
        assert_eq!(c.language(), "en");
        assert_eq!(c.stem(), "a-book");
        assert_eq!(c.config.output.formats, vec![Format::Epub, Format::Pdf]);
    }
}
