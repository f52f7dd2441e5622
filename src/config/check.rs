//! Semantic checks of book.toml: metadata (title, language, dates, identifier, creators),
//! contents, typography and output. Every problem is collected; each names its value's place.

use super::schema::{Config, ROLES};
use super::units::{parse_length, parse_page_size};
use super::{Checked, Errors, identifier};
use crate::diag::{Diagnostic, nearest};
use crate::model::date::Date;
use toml::Spanned;

fn metadata(config: &Config, e: &mut Errors) -> Option<Date> {
    let md = &config.metadata;
    if md.title.get_ref().trim().is_empty() {
        e.push(Diagnostic::error("the book's title is empty").at(e.loc(md.title.span())).help("set `title` in [metadata]"));
    }
    let lang = md.language.get_ref();
    if !identifier::is_language_tag(lang) {
        let d = Diagnostic::error(format!("`{lang}` is not a language tag"))
            .at(e.loc(md.language.span()))
            .help("use a BCP 47 tag such as `en`, `en-GB` or `de`");
        e.push(d);
    }
    let mut date = None;
    if let Some(d) = &md.date {
        match Date::parse(&d.get_ref().0) {
            Ok(v) => date = Some(v),
            Err(msg) => e.push(
                Diagnostic::error(format!("bad date: {msg}")).at(e.loc(d.span())).help("write the date as YYYY-MM-DD, e.g. \"2026-11-27\""),
            ),
        }
    }
    if let Some(m) = &md.modified {
        let s = &m.get_ref().0;
        let ok = Date::parse(s).is_ok()
            || (s.len() == 20
                && s.is_char_boundary(10)
                && s.ends_with('Z')
                && s.as_bytes()[10] == b'T'
                && Date::parse(&s[..10]).is_ok()
                && time_ok(&s[11..19]));
        if !ok {
            let d = Diagnostic::error(format!("bad date: `{s}` is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"))
                .at(e.loc(m.span()))
                .help("write e.g. \"2026-11-27\" or \"2026-11-27T12:00:00Z\"");
            e.push(d);
        }
    }
    if let Some(id) = &md.identifier
        && let Err(msg) = identifier::check_identifier(id.get_ref())
    {
        e.push(
            Diagnostic::error(msg)
                .at(e.loc(id.span()))
                .help("use `urn:uuid:` with a UUID, `isbn:` with a valid ISBN-10 or ISBN-13, or `doi:10.…`"),
        );
    }
    for c in &md.creators {
        let r = c.role.get_ref();
        if !ROLES.iter().any(|(n, _)| n == r) {
            let names: Vec<&str> = ROLES.iter().map(|(n, _)| *n).collect();
            let d = Diagnostic::error(format!("unknown creator role `{r}`")).at(e.loc(c.role.span()));
            e.push(match nearest(r, names.iter().copied()) {
                Some(n) => d.help(format!("did you mean `{n}`? Roles: {}", names.join(", "))),
                None => d.help(format!("use one of: {}", names.join(", "))),
            });
        }
        if c.name.trim().is_empty() {
            e.push(Diagnostic::error("a creator has an empty name").at(e.loc(c.role.span())).help("give every creator a `name`"));
        }
    }
    pdf_string_limits(config, e);
    date
}

/// PDF/A limits a string to 32,767 bytes; the document metadata (title, authors, description,
/// keywords) must fit, with room for escaping.
const MAX_META_BYTES: usize = 30_000;

fn pdf_string_limits(config: &Config, e: &mut Errors) {
    let md = &config.metadata;
    let names: usize = md.creators.iter().map(|c| c.name.len() + 2).sum();
    let checks = [
        ("title", md.title.get_ref().len() + md.subtitle.as_ref().map_or(0, |s| s.len())),
        ("creators", names),
        ("description", md.description.as_ref().map_or(0, |d| d.len())),
        ("subjects", md.subjects.iter().map(|s| s.len() + 2).sum()),
    ];
    for (key, len) in checks {
        if len > MAX_META_BYTES {
            let d = Diagnostic::error(format!("[metadata] {key} is {len} bytes, more than a PDF's metadata can hold ({MAX_META_BYTES})"))
                .at(e.loc(md.title.span()))
                .help(format!("shorten `{key}` in [metadata]"));
            e.push(d);
        }
    }
}

/// `hh:mm:ss` with hours 0–23, minutes and seconds 0–59.
fn time_ok(t: &str) -> bool {
    let p: Vec<&str> = t.split(':').collect();
    let num = |s: &str, max: u32| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u32>().is_ok_and(|v| v <= max);
    p.len() == 3 && num(p[0], 23) && num(p[1], 59) && num(p[2], 59)
}

fn contents(config: &Config, e: &mut Errors) {
    let ct = config.contents.get_ref();
    if !ct.chapters.is_empty() && !ct.parts.is_empty() {
        let d = Diagnostic::error("[contents] has both `chapters` and `parts`")
            .at(e.loc(ct.chapters[0].span()))
            .help("put every chapter inside a [[contents.parts]] table, or drop the parts");
        e.push(d);
    }
    for part in ct.parts.iter().filter(|p| p.chapters.is_empty()) {
        let d = Diagnostic::error(format!("part `{}` has no chapters", part.title))
            .at(e.loc(config.contents.span()))
            .help("list its manuscript files in `chapters = [\"…\"]`, or remove the part");
        e.push(d);
    }
    if ct.chapters.is_empty() && ct.parts.iter().all(|p| p.chapters.is_empty()) {
        let d = Diagnostic::error("the book has no chapters")
            .at(e.loc(config.contents.span()))
            .help("list manuscript files in [contents] `chapters = [\"manuscript/chapter-1.md\"]`");
        e.push(d);
    }
    // Each file once (indexed: a contents list may be long).
    let mut seen: std::collections::BTreeMap<&str, &Spanned<String>> = std::collections::BTreeMap::new();
    for f in ct.front_matter.iter().chain(&ct.chapters).chain(ct.parts.iter().flat_map(|p| &p.chapters)).chain(&ct.back_matter) {
        let key = f.get_ref().trim_start_matches("./");
        match seen.get(key) {
            Some(first) => {
                let l = e.loc(first.span());
                let d = Diagnostic::error(format!("`{}` is listed twice in [contents]", f.get_ref()))
                    .at(e.loc(f.span()))
                    .help(format!("remove one of the entries (the first is at line {})", l.line))
                    .related(l, "first listed here");
                e.push(d.code(crate::diag::Code::Duplicate));
            }
            None => {
                seen.insert(key, f);
            }
        }
    }
}

/// Whether a value is a safe file stem or profile name: ASCII letters, digits, `-`, `_`, `.`
/// (not first), at most 100 characters.
pub(super) fn safe_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 100 && !s.starts_with('.') && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn typography(config: &Config, e: &mut Errors) -> ((f32, f32), [f32; 4]) {
    let ty = &config.typography;
    let page_size = match parse_page_size(ty.page_size.get_ref()) {
        Ok(s) => s,
        Err(msg) => {
            e.push(
                Diagnostic::error(msg)
                    .at(e.loc(ty.page_size.span()))
                    .help("use A4, A5, letter, 6x9in or `WIDTHxHEIGHT` like `148mmx210mm`"),
            );
            (419.528, 595.276)
        }
    };
    let mut margins = [0.0; 4];
    for (i, m) in [&ty.margins.top, &ty.margins.bottom, &ty.margins.inner, &ty.margins.outer].into_iter().enumerate() {
        match parse_length(m.get_ref()) {
            Ok(v) => margins[i] = v,
            Err(msg) => e.push(Diagnostic::error(msg).at(e.loc(m.span())).help("write a length such as \"18mm\"")),
        }
    }
    let (body, leading) = (*ty.body_size.get_ref(), *ty.leading.get_ref());
    if !(4.0..=72.0).contains(&body) {
        e.push(
            Diagnostic::error(format!("body-size {body} pt is outside 4–72 pt"))
                .at(e.loc(ty.body_size.span()))
                .help("a book is usually set at 9–12 pt"),
        );
    }
    if !(leading >= body && leading <= body * 3.0) {
        let d = Diagnostic::error(format!("leading {leading} pt must be between the body size and three times it"))
            .at(e.loc(ty.leading.span()))
            .help("leading is baseline-to-baseline distance; about 1.2–1.3 × body-size is usual");
        e.push(d);
    }
    if margins[0] + margins[1] > page_size.1 * 0.6 || margins[2] + margins[3] > page_size.0 * 0.6 {
        e.push(
            Diagnostic::error("the margins leave too little room for text on this page size")
                .at(e.loc(ty.margins.top.span()))
                .help("make the margins smaller or the page larger"),
        );
    }
    (page_size, margins)
}

fn output(config: &Config, e: &mut Errors) {
    let out = &config.output;
    if let Some(stem) = &out.stem
        && !safe_name(stem.get_ref())
    {
        let d = Diagnostic::error(format!("output stem `{}` is not a plain file name", stem.get_ref().escape_debug()))
            .at(e.loc(stem.span()))
            .help("[output] stem: use letters, digits, `-`, `_` and `.` (not first), at most 100 characters, e.g. `my-book`");
        e.push(d);
    }
    let dir = std::path::Path::new(out.dir.get_ref());
    if dir.is_absolute() || dir.components().any(|c| matches!(c, std::path::Component::ParentDir)) || out.dir.get_ref().is_empty() {
        let d = Diagnostic::error(format!("[output] dir `{}` leaves the book directory", out.dir.get_ref()))
            .at(e.loc(out.dir.span()))
            .help("[output] dir: give a folder inside the book directory (e.g. \"out\"); to write elsewhere, pass --out DIR on the command line");
        e.push(d);
    }
    if let Some(base) = &out.base_url {
        let b = base.get_ref();
        let ok = (b.starts_with("https://") || b.starts_with("http://")) && !b.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            let d = Diagnostic::error(format!("[output] base-url `{}` is not an http(s) address", b.escape_debug()))
                .at(e.loc(base.span()))
                .help("give the address where the book's pages are published, e.g. \"https://example.org/book/\"");
            e.push(d);
        }
    }
}

/// Runs every check; returns the derived values.
pub(super) fn all(config: &Config, e: &mut Errors) -> Checked {
    let date = metadata(config, e);
    contents(config, e);
    let (page_size, margins) = typography(config, e);
    let headings = design(config, e);
    output(config, e);
    accessibility(config, e);
    font_licences(config, e);
    Checked { date, headings, page_size, margins }
}

/// Paragraph style, heading sizes and the section break.
fn design(config: &Config, e: &mut Errors) -> [f32; 3] {
    let ty = &config.typography;
    let style = ty.paragraph_style.get_ref();
    if style != "indent" && style != "spaced" {
        e.push(
            Diagnostic::error(format!("paragraph-style `{style}` is neither `indent` nor `spaced`"))
                .at(e.loc(ty.paragraph_style.span()))
                .help("`indent`: a first-line indent (books); `spaced`: a blank line between paragraphs"),
        );
    }
    let sizes = ty.heading_sizes.get_ref();
    let mut headings = [1.36, 1.1, 1.0];
    if sizes.len() != 3 || sizes.iter().any(|s| !(0.5..=4.0).contains(s)) {
        e.push(
            Diagnostic::error("heading-sizes must be three numbers between 0.5 and 4")
                .at(e.loc(ty.heading_sizes.span()))
                .help("chapter title, section, subsection as multiples of the body size, e.g. [1.36, 1.1, 1.0]"),
        );
    } else {
        headings.copy_from_slice(sizes);
    }
    let brk = ty.section_break.get_ref();
    if brk.trim().is_empty() || brk.chars().count() > 24 || brk.chars().any(char::is_control) {
        e.push(
            Diagnostic::error("section-break must be `rule` or a short text (up to 24 characters)")
                .at(e.loc(ty.section_break.span()))
                .help("e.g. section-break = \"⁂\" or \"* * *\""),
        );
    }
    headings
}

/// `[fonts.licenses]` names only font files book.toml uses.
fn font_licences(config: &Config, e: &mut Errors) {
    let f = &config.fonts;
    let given: Vec<&str> = [&f.regular, &f.italic, &f.bold, &f.bold_italic, &f.mono, &f.heading]
        .into_iter()
        .flatten()
        .chain(f.fallback.iter())
        .map(|p| p.get_ref().as_str())
        .collect();
    for path in f.licenses.keys() {
        if !given.contains(&path.get_ref().as_str()) {
            let d = Diagnostic::error(format!("[fonts.licenses] names `{}`, which is not one of the book's fonts", path.get_ref()))
                .at(e.loc(path.span()));
            e.push(match nearest(path.get_ref(), given.iter().copied()) {
                Some(n) => d.help(format!("did you mean `{n}`?")),
                None => d.help("use the path exactly as [fonts] gives it, e.g. `\"fonts/Foo.otf\" = \"Apache License 2.0\"`"),
            });
        }
    }
}

/// Conformance claims EPUB Accessibility 1.1 defines (`dcterms:conformsTo`).
const CONFORMANCE: &[&str] = &[
    "EPUB Accessibility 1.1 - WCAG 2.0 Level A",
    "EPUB Accessibility 1.1 - WCAG 2.0 Level AA",
    "EPUB Accessibility 1.1 - WCAG 2.0 Level AAA",
    "EPUB Accessibility 1.1 - WCAG 2.1 Level A",
    "EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
    "EPUB Accessibility 1.1 - WCAG 2.1 Level AAA",
    "EPUB Accessibility 1.1 - WCAG 2.2 Level A",
    "EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
    "EPUB Accessibility 1.1 - WCAG 2.2 Level AAA",
];

fn accessibility(config: &Config, e: &mut Errors) {
    let a = &config.accessibility;
    if let Some(c) = &a.conforms_to
        && !CONFORMANCE.contains(&c.get_ref().as_str())
    {
        let near = nearest(c.get_ref(), CONFORMANCE.iter().copied()).unwrap_or(CONFORMANCE[7]);
        e.push(
            Diagnostic::error(format!("`{}` is not a conformance claim EPUB Accessibility 1.1 defines", c.get_ref()))
                .at(e.loc(c.span()))
                .help(format!("write it as e.g. \"{near}\"")),
        );
    }
    if let Some(c) = &a.certified_by
        && a.conforms_to.is_none()
    {
        e.push(
            Diagnostic::error("[accessibility] certified-by without conforms-to")
                .at(e.loc(c.span()))
                .help("a certifier certifies a claim: add `conforms-to`, or remove `certified-by`"),
        );
    }
}
