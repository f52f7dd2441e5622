//! Manuscript Markdown → [`model`](crate::model). Never panics: returns the model plus diagnostics.
//!
//! Conventions (documented in README): TOML front matter between `+++` lines; CommonMark with
//! tables, footnotes, strikethrough and smart punctuation; a fenced block with the info string
//! `figure` holds a figure as TOML (`image`, `alt`, `caption`, `credit`, `id`).

mod cache;
mod chapter;
mod close;
mod figure;
mod frontmatter;
mod html;
mod links;
mod markdown;
mod notes;
pub mod stylesheet;

pub use cache::Cache;

pub use chapter::{parse_chapter, parse_chapter_as};
use markdown::BodyParser;

use crate::config::BookConfig;
use crate::diag::{Diagnostic, Diagnostics, LineIndex, Location};
use crate::model::anchors::{self, Anchors};
use crate::model::date::Date;
use crate::model::*;
use crate::source::{BookDir, SourceFile};
use pulldown_cmark::{Alignment, BlockQuoteKind, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::collections::BTreeMap;

pub use frontmatter::FrontMatter;

/// Deepest nesting of block quotes and lists accepted.
pub const MAX_NESTING: usize = 48;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_MATH
}

/// Reads and parses every manuscript file named in the configuration.
pub fn parse_book(dir: &BookDir, cfg: &BookConfig, cache: Option<&Cache>) -> (Book, Diagnostics) {
    let mut diags = Diagnostics::default();
    let c = cfg.config.contents.get_ref();
    let mut ids: BTreeMap<String, Location> = BTreeMap::new();
    let mut hash = crate::ids::Sha256::new();
    hash.update(b"book.toml\0");
    hash.update(cfg.source.as_bytes());
    let id_names = default_id_names(c);
    // The manuscript texts, kept until links are resolved (to place link messages exactly).
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut load = |entry: &toml::Spanned<String>, matter: Matter, diags: &mut Diagnostics| -> Option<Chapter> {
        let origin = cfg.location(entry.span());
        let mut warnings = Vec::new();
        let file = match dir.read_text(entry.get_ref(), Some(&origin), &mut warnings) {
            Ok(f) => f,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        warnings.into_iter().for_each(|w| diags.push(w));
        hash.update(b"\0");
        hash.update(file.name.as_bytes());
        hash.update(b"\0");
        hash.update(file.text.as_bytes());
        let id_name = &id_names[entry.get_ref()];
        let chapter = match cache {
            // A chapter whose file and images are as they were: its earlier parse, diagnostics included.
            Some(c) => {
                let key = cache::key(&file, id_name, matter, cfg.language());
                match c.get(key, dir) {
                    Some((chapter, found)) => {
                        found.into_iter().for_each(|d| diags.push(d));
                        chapter
                    }
                    None => {
                        let (mark, mut own) = (dir.images_asked(), Diagnostics::default());
                        let chapter = parse_chapter_as(dir, &file, id_name, matter, cfg.language(), &mut own);
                        c.put(key, chapter.clone(), own.0.clone(), dir.images_asked_since(mark));
                        diags.extend(own);
                        chapter
                    }
                }
            }
            None => parse_chapter_as(dir, &file, id_name, matter, cfg.language(), diags),
        };
        texts.insert(file.name.clone(), file.text);
        let chapter = chapter?;
        if let Some(first) = ids.get(&chapter.id) {
            diags.push(
                Diagnostic::error(format!("two chapters have the id `{}`", chapter.id))
                    .code(crate::diag::Code::Duplicate)
                    .at(Location { file: file.name.clone(), line: 1, column: 1, line_text: String::new() })
                    .help(format!("set a different `id` in the front matter (the other is {}:{})", first.file, first.line))
                    .related(first.clone(), "the other chapter with this id"),
            );
        } else {
            ids.insert(chapter.id.clone(), Location { file: file.name.clone(), line: 1, column: 1, line_text: String::new() });
        }
        Some(chapter)
    };
    let mut front: Vec<Chapter> = c.front_matter.iter().filter_map(|e| load(e, Matter::Front, &mut diags)).collect();
    // Display pages (dedication, epigraph) come before the contents, in the order given.
    front.sort_by_key(|c| !c.kind.is_display());
    let mut parts = Vec::new();
    if !c.chapters.is_empty() {
        let chapters = c.chapters.iter().filter_map(|e| load(e, Matter::Body, &mut diags)).collect();
        parts.push(Part { id: "part-1".into(), title: None, chapters });
    }
    for (i, p) in c.parts.iter().enumerate() {
        let chapters = p.chapters.iter().filter_map(|e| load(e, Matter::Body, &mut diags)).collect();
        parts.push(Part { id: format!("part-{}", i + 1), title: Some(p.title.clone()), chapters });
    }
    let back: Vec<Chapter> = c.back_matter.iter().filter_map(|e| load(e, Matter::Back, &mut diags)).collect();
    let mut meta = build_meta(cfg);
    meta.fingerprint = hash.hex();
    if let Some(cover) = &cfg.metadata().cover {
        let at = cfg.location(cover.span());
        match dir.load_image(cover.get_ref(), &at) {
            Ok(info) if info.kind == crate::model::image::ImageKind::Gif => diags.push(
                Diagnostic::error(format!("cover `{}` is a GIF", cover.get_ref())).at(at).help("give the cover as a JPEG, PNG or SVG file"),
            ),
            Ok(_) => meta.cover = Some(cover.get_ref().clone()),
            Err(d) => diags.push(d),
        }
    }
    let book = Book { meta, front, parts, back };
    let mut book = book;
    let base_url = cfg.config.output.base_url.as_ref().map(|u| u.get_ref().as_str());
    links::resolve(&mut book, base_url, &texts, &mut diags);
    if let Some(c) = cache {
        c.sweep();
    }
    (book, diags)
}

/// The name each chapter's default id is made from: its file stem, or — when several files of
/// the book share a stem, as an mdBook's `README.md`s do — its path without the extension and
/// without the folders every manuscript file shares (`cli/README`).
fn default_id_names(c: &crate::config::schema::Contents) -> BTreeMap<String, String> {
    let files: Vec<&str> = c.files().collect();
    let stem = |f: &str| std::path::Path::new(f).file_stem().and_then(|s| s.to_str()).unwrap_or("chapter").to_lowercase();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        *counts.entry(stem(f)).or_default() += 1;
    }
    // Folders all files share (`src/`).
    let dirs: Vec<Vec<&str>> = files
        .iter()
        .map(|f| f.split('/').collect::<Vec<_>>())
        .map(|mut v| {
            v.pop();
            v
        })
        .collect();
    let common =
        dirs.first().map(|first| (0..first.len()).take_while(|&i| dirs.iter().all(|d| d.get(i) == first.get(i))).count()).unwrap_or(0);
    files
        .iter()
        .map(|f| {
            let name = if counts[&stem(f)] > 1 {
                let parts: Vec<&str> = f.split('/').skip(common).collect();
                let joined = parts.join("/");
                joined.rsplit_once('.').map(|(a, _)| a.to_string()).unwrap_or(joined)
            } else {
                stem(f)
            };
            (f.to_string(), name)
        })
        .collect()
}

fn build_meta(cfg: &BookConfig) -> Meta {
    let md = cfg.metadata();
    let creators = md
        .creators
        .iter()
        .map(|c| Creator { name: c.name.clone(), role: c.relator(), role_name: c.role.get_ref().clone(), file_as: c.file_as.clone() })
        .collect();
    let identifier = match &md.identifier {
        Some(id) => id.get_ref().clone(),
        None => format!("urn:uuid:{}", crate::ids::uuid_v5_url(md.title.get_ref())),
    };
    let modified = match (&md.modified, cfg.date) {
        (Some(m), _) if m.get_ref().0.len() == 20 => m.get_ref().0.clone(),
        (Some(m), _) => format!("{}T00:00:00Z", m.get_ref().0),
        (None, Some(d)) => format!("{}T00:00:00Z", d.iso()),
        (None, None) => source_date_epoch().unwrap_or_else(|| "2000-01-01T00:00:00Z".to_string()),
    };
    // The publication date: book.toml's, else the day of a modification date that was given
    // (`modified` or SOURCE_DATE_EPOCH) — never the 2000-01-01 placeholder the EPUB's required
    // `dcterms:modified` falls back to, which no output may print as a fact.
    let given_modified = md.modified.is_some() || source_date_epoch().is_some();
    let date = cfg.date.or_else(|| if given_modified { modified.get(..10).and_then(|d| Date::parse(d).ok()) } else { None });
    Meta {
        title: md.title.get_ref().clone(),
        subtitle: md.subtitle.clone(),
        creators,
        language: cfg.language().to_string(),
        identifier,
        publisher: md.publisher.clone(),
        date,
        modified,
        edition: md.edition.clone(),
        rights: md.rights.clone(),
        description: md.description.clone(),
        subjects: md.subjects.clone(),
        fingerprint: String::new(),
        cover: None,
        claims: {
            let a = &cfg.config.accessibility;
            crate::model::Claims {
                conforms_to: a.conforms_to.as_ref().map(|c| c.get_ref().clone()),
                certified_by: a.certified_by.as_ref().map(|c| c.get_ref().clone()),
                summary: a.summary.clone(),
            }
        },
    }
}

/// `SOURCE_DATE_EPOCH` as `YYYY-MM-DDThh:mm:ssZ`, if set and valid.
fn source_date_epoch() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    let d = Date::from_unix(secs);
    let t = secs.rem_euclid(86_400);
    Some(format!("{}T{:02}:{:02}:{:02}Z", d.iso(), t / 3600, t % 3600 / 60, t % 60))
}

/// Offset in the file of a span inside the front matter TOML (which starts after `+++\n`).
fn front_offset(text: &str, toml_offset: usize) -> usize {
    text.find('\n').map(|i| i + 1).unwrap_or(0) + toml_offset
}

fn to_pos(l: &Location) -> Pos {
    Pos { line: l.line as u32, column: l.column as u32 }
}
