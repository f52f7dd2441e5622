//! The schema of book.toml: one struct per table, kebab-case keys, unknown keys rejected.
//! Values whose checks need a position in the file are `Spanned`.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    pub metadata: Metadata,
    pub contents: Spanned<Contents>,
    #[serde(default)]
    pub output: Output,
    #[serde(default)]
    pub typography: Typography,
    #[serde(default)]
    pub fonts: Fonts,
    /// The citable-edition machinery; absent, a book has none of it.
    pub edition: Option<Edition>,
    #[serde(default)]
    pub accessibility: Accessibility,
    #[serde(default)]
    pub epub: EpubCfg,
    /// PDF profiles by name; none means one PDF from [typography].
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<Spanned<String>, ProfileCfg>,
}

/// The citable edition: version, source, paragraph numbers, and what a scholar cites by
/// ("How to cite", citation files, checksums, the EPUB's page list). A book without an
/// [edition] table gets none of these; with one, each is on unless turned off.
#[derive(Debug, Clone, Deserialize)]
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
    /// A "How to cite this edition" page in the EPUB and every PDF.
    #[serde(default = "yes")]
    pub how_to_cite: bool,
    /// CITATION.cff, BibTeX, CSL-JSON and RIS files beside the outputs.
    #[serde(default = "yes")]
    pub citation_files: bool,
    /// `SHA256SUMS` beside the outputs (for `quire verify`) and the content fingerprint in
    /// the colophon.
    #[serde(default = "yes")]
    pub checksums: bool,
    /// The EPUB's page list and page-break markers of the reference print edition.
    #[serde(default = "yes")]
    pub page_list: bool,
    /// Text for the classroom profiles' "About this edition" page (paragraphs separated by a
    /// blank line), printed after the facts quire states itself.
    pub teacher_note: Option<String>,
}

/// EPUB options.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct EpubCfg {
    /// The author's stylesheet, appended after quire's (its rules win).
    pub css: Option<Spanned<String>>,
}

/// Accessibility claims in the EPUB's metadata. quire lists the features the EPUB has; a
/// conformance claim and its certifier are the author's to make.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Accessibility {
    /// e.g. "EPUB Accessibility 1.1 - WCAG 2.2 Level AA" (`dcterms:conformsTo`).
    pub conforms_to: Option<Spanned<String>>,
    /// Who checked the claim (`a11y:certifiedBy`); needs `conforms-to`.
    pub certified_by: Option<Spanned<String>>,
    /// The accessibility summary; without it quire writes one from the features.
    pub summary: Option<String>,
}

/// A PDF profile: settings that override [typography] for one PDF. Profiles differ only in
/// settings, never in code paths.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProfileCfg {
    pub page_size: Option<Spanned<String>>,
    pub margins: Option<Margins>,
    pub body_size: Option<Spanned<f32>>,
    pub leading: Option<Spanned<f32>>,
    /// Chapters, letters and parts open on right-hand pages (a blank verso before if needed);
    /// `"parts"`: only parts and the pages quire adds, chapters on the next page of either side.
    pub recto_openings: Option<Spanned<Openings>>,
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
    /// Number every Nth line of body text in the left margin, restarting per chapter/letter.
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
    /// Print the author's cover (`[metadata] cover`) as the first page of this PDF.
    pub cover: Option<Spanned<bool>>,
    /// Also write the full print cover for this printing: back, spine and front on one sheet
    /// with bleed, the spine as wide as the page count and the paper make it.
    pub cover_wrap: Option<Spanned<bool>>,
    /// What each page adds to the spine's width (default 0.002252in, KDP's white paper).
    pub page_thickness: Option<Spanned<String>>,
}

/// `recto-openings`: `true`, `false` or a name (`"parts"`).
#[derive(Debug, Clone)]
pub enum Openings {
    All(bool),
    Named(String),
}

impl<'de> Deserialize<'de> for Openings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Openings;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true, false or \"parts\"")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Openings, E> {
                Ok(Openings::All(b))
            }
            fn visit_str<E>(self, s: &str) -> Result<Openings, E> {
                Ok(Openings::Named(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
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
    /// Publication date, `"YYYY-MM-DD"` or a TOML date (`date = 2026-12-01`).
    pub date: Option<Spanned<DateText>>,
    /// Last modification (EPUB `dcterms:modified`), `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`.
    /// Defaults to `date`, then to SOURCE_DATE_EPOCH, then to 2000-01-01.
    pub modified: Option<Spanned<DateText>>,
    pub edition: Option<String>,
    pub rights: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub subjects: Vec<String>,
    /// The book's own cover: a JPEG, PNG or SVG inside the book directory (the EPUB's cover
    /// image and cover page). Without it quire draws one from the title.
    pub cover: Option<Spanned<String>>,
}

/// A date written as a string (`"2026-12-01"`) or as a TOML date or date-time literal
/// (`2026-12-01`, `2026-12-01T12:00:00Z`); kept as its text and checked by `check`.
#[derive(Debug, Clone)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = DateText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date such as 2026-12-01 or \"2026-12-01\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DateText, A::Error> {
                let dt = toml::value::Datetime::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(DateText(dt.to_string()))
            }
        }
        d.deserialize_any(V)
    }
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

impl Contents {
    /// Every manuscript file in reading order: front matter, chapters, parts, back matter.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.front_matter
            .iter()
            .chain(self.chapters.iter())
            .chain(self.parts.iter().flat_map(|p| p.chapters.iter()))
            .chain(self.back_matter.iter())
            .map(|s| s.get_ref().as_str())
    }
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
    /// The HTML edition: a static site in `<stem>-html/`.
    Html,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Output {
    #[serde(default = "default_out_dir")]
    pub dir: Spanned<String>,
    /// File name without extension; defaults to a slug of the title.
    pub stem: Option<Spanned<String>>,
    #[serde(default = "default_formats")]
    pub formats: Vec<Format>,
    /// The PDF profile whose pages the EPUB's page list and the citations refer to.
    pub reference_profile: Option<Spanned<String>>,
    /// Where relative links that leave the book lead (`../std/index.html` → `<base-url>/../std/…`
    /// resolved against it): the address of the book's own web edition. Without it such links
    /// are printed as plain text, with a warning.
    pub base_url: Option<Spanned<String>>,
}

fn default_out_dir() -> Spanned<String> {
    Spanned::new(0..0, "out".to_string())
}
fn default_formats() -> Vec<Format> {
    vec![Format::Epub, Format::Pdf]
}

impl Default for Output {
    fn default() -> Self {
        Output { dir: default_out_dir(), stem: None, formats: default_formats(), reference_profile: None, base_url: None }
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
    pub body_size: Spanned<f32>,
    /// Baseline-to-baseline distance of body text in points.
    #[serde(default = "default_leading")]
    pub leading: Spanned<f32>,
    /// Capitalised words shorter than this many letters are never hyphenated.
    #[serde(default = "default_min_name")]
    pub min_hyphenate_name: usize,
    /// `indent` (a first-line indent, the default) or `spaced` (a blank line between paragraphs).
    #[serde(default = "default_paragraph_style")]
    pub paragraph_style: Spanned<String>,
    /// Chapter title, section and subsection heading sizes as multiples of the body size.
    #[serde(default = "default_heading_sizes")]
    pub heading_sizes: Spanned<Vec<f32>>,
    /// What stands between sections (`***` in Markdown): `rule` (a short rule, the default)
    /// or a text set centred, e.g. "⁂" or "* * *".
    #[serde(default = "default_section_break")]
    pub section_break: Spanned<String>,
}

fn default_paragraph_style() -> Spanned<String> {
    Spanned::new(0..0, "indent".to_string())
}
fn default_heading_sizes() -> Spanned<Vec<f32>> {
    Spanned::new(0..0, vec![1.36, 1.1, 1.0])
}
fn default_section_break() -> Spanned<String> {
    Spanned::new(0..0, "rule".to_string())
}

fn default_page_size() -> Spanned<String> {
    Spanned::new(0..0, "A5".to_string())
}
fn default_body_size() -> Spanned<f32> {
    Spanned::new(0..0, 11.0)
}
fn default_leading() -> Spanned<f32> {
    Spanned::new(0..0, 14.0)
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
            paragraph_style: default_paragraph_style(),
            heading_sizes: default_heading_sizes(),
            section_break: default_section_break(),
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
    /// Titles and headings (chapter and part titles, section headings, the title page); without
    /// it they are set in the body faces.
    pub heading: Option<Spanned<String>>,
    /// Fonts tried, in order, for a character the face's own font lacks (before quire's
    /// built-in symbol, math and monospace fallbacks): e.g. a CJK face.
    #[serde(default)]
    pub fallback: Vec<Spanned<String>>,
    /// The licence of each of the author's font files, by path (e.g.
    /// `"fonts/Foo.otf" = "Apache License 2.0"`), when the font's own name table does not state it.
    #[serde(default)]
    pub licenses: std::collections::BTreeMap<Spanned<String>, String>,
}
