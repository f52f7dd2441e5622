//! Manuscript Markdown → [`model`](crate::model). Never panics: returns the model plus diagnostics.
//!
//! Conventions (documented in README): TOML front matter between `+++` lines; CommonMark with
//! tables, footnotes, strikethrough and smart punctuation; a fenced block with the info string
//! `figure` holds a figure as TOML (`image`, `alt`, `caption`, `credit`, `id`).

mod frontmatter;
mod links;

use crate::config::{BookConfig, Date};
use crate::diag::{Diagnostic, Diagnostics, LineIndex, Location};
use crate::model::*;
use crate::model::anchors::{self, Anchors};
use crate::source::{BookDir, SourceFile};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
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
}

/// Reads and parses every manuscript file named in the configuration.
pub fn parse_book(dir: &BookDir, cfg: &BookConfig) -> (Book, Diagnostics) {
    let mut diags = Diagnostics::default();
    let c = cfg.config.contents.get_ref();
    let mut ids: BTreeMap<String, Location> = BTreeMap::new();
    let mut hash = crate::ids::Sha256::new();
    hash.update(b"book.toml\0");
    hash.update(cfg.source.as_bytes());
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
        let chapter = parse_chapter(dir, &file, matter, cfg.language(), diags)?;
        if let Some(first) = ids.get(&chapter.id) {
            diags.push(
                Diagnostic::error(format!("two chapters have the id `{}`", chapter.id))
                    .at(Location { file: file.name.clone(), line: 1, column: 1, line_text: String::new() })
                    .help(format!("set a different `id` in the front matter (the other is {}:{})", first.file, first.line)),
            );
        } else {
            ids.insert(chapter.id.clone(), Location { file: file.name.clone(), line: 1, column: 1, line_text: String::new() });
        }
        Some(chapter)
    };
    let front: Vec<Chapter> = c.front_matter.iter().filter_map(|e| load(e, Matter::Front, &mut diags)).collect();
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
    let book = Book { meta, front, parts, back };
    let mut book = book;
    links::resolve(&mut book, &mut diags);
    (book, diags)
}

fn build_meta(cfg: &BookConfig) -> Meta {
    let md = cfg.metadata();
    let creators = md
        .creators
        .iter()
        .map(|c| Creator {
            name: c.name.clone(),
            role: c.relator(),
            role_name: c.role.get_ref().clone(),
            file_as: c.file_as.clone(),
        })
        .collect();
    let identifier = match &md.identifier {
        Some(id) => id.get_ref().clone(),
        None => format!("urn:uuid:{}", crate::ids::uuid_v5_url(md.title.get_ref())),
    };
    let modified = match (&md.modified, cfg.date) {
        (Some(m), _) if m.get_ref().len() == 20 => m.get_ref().clone(),
        (Some(m), _) => format!("{}T00:00:00Z", m.get_ref()),
        (None, Some(d)) => format!("{}T00:00:00Z", d.iso()),
        (None, None) => source_date_epoch().unwrap_or_else(|| "2000-01-01T00:00:00Z".to_string()),
    };
    let date = cfg.date.or_else(|| modified.get(..10).and_then(|d| Date::parse(d).ok()));
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
    }
}

/// `SOURCE_DATE_EPOCH` as `YYYY-MM-DDThh:mm:ssZ`, if set and valid.
fn source_date_epoch() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    let d = Date::from_unix(secs);
    let t = secs.rem_euclid(86_400);
    Some(format!("{}T{:02}:{:02}:{:02}Z", d.iso(), t / 3600, t % 3600 / 60, t % 60))
}

/// Parses one manuscript file. Returns `None` when it cannot produce a chapter at all.
pub fn parse_chapter(dir: &BookDir, file: &SourceFile, matter: Matter, language: &str, diags: &mut Diagnostics) -> Option<Chapter> {
    let text = &file.text;
    let index = LineIndex::new(text);
    let loc = |off: usize| index.location(&file.name, off);
    let (fm, body_start) = match frontmatter::split(&file.name, text) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let body = &text[body_start..];
    if body.trim().is_empty() && fm.title.is_none() {
        diags.push(
            Diagnostic::error(format!("`{}` is empty", file.name))
                .at(loc(0))
                .help("write the chapter's text, or remove the file from [contents] in book.toml"),
        );
        return None;
    }

    let mut p = BodyParser {
        dir,
        file,
        index: &index,
        base: body_start,
        diags,
        note_order: Vec::new(),
        note_refs: BTreeMap::new(),
        note_defs: BTreeMap::new(),
        anchors: Anchors::new(""),
        chapter_id: String::new(),
    };

    // Chapter id first, so heading, figure and note ids can be derived from it.
    let kind = match fm.kind.as_ref().map(|k| k.get_ref().as_str()) {
        None | Some("chapter") => None,
        Some("letter") => Some(LetterKind::Letter),
        Some("telegram") => Some(LetterKind::Telegram),
        Some("memorandum") => Some(LetterKind::Memorandum),
        Some(other) => {
            let k = fm.kind.as_ref().unwrap();
            p.diags.push(
                Diagnostic::error(format!("unknown kind `{other}`"))
                    .at(loc(front_offset(text, k.span().start)))
                    .help("use `chapter`, `letter`, `telegram` or `memorandum`"),
            );
            None
        }
    };
    let number = fm.number.as_ref().and_then(|n| match n.get_ref() {
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => {
            p.diags.push(
                Diagnostic::error("`number` must be an integer or a string")
                    .at(loc(front_offset(text, n.span().start)))
                    .help("write e.g. `number = 22`"),
            );
            None
        }
    });
    let id = match &fm.id {
        Some(id) => {
            let v = id.get_ref();
            if !anchors::valid_user_id(v) {
                p.diags.push(
                    Diagnostic::error(format!("id `{v}` is not usable as an anchor"))
                        .at(loc(front_offset(text, id.span().start)))
                        .help("start with a letter and use only letters, digits, `-` and `_`"),
                );
            } else if anchors::is_reserved_doc(v) {
                p.diags.push(
                    Diagnostic::error(format!("id `{v}` is the name of a page quire makes itself"))
                        .at(loc(front_offset(text, id.span().start)))
                        .help(format!("choose another id; reserved: {}, part-N, page-…", anchors::RESERVED_DOCS.join(", "))),
                );
            }
            v.clone()
        }
        None => match (&kind, &number) {
            (Some(_), Some(n)) if !anchors::ascii_slug(n).is_empty() => format!("doc-{}", anchors::ascii_slug(n)),
            _ => {
                let stem = std::path::Path::new(&file.name).file_stem().and_then(|s| s.to_str()).unwrap_or("chapter");
                let s = anchors::ascii_slug(stem);
                if s.is_empty() {
                    "chapter".to_string()
                } else if s.starts_with(|c: char| c.is_ascii_digit()) || anchors::is_reserved_doc(&s) {
                    format!("ch-{s}")
                } else {
                    s
                }
            }
        },
    };
    p.chapter_id = id.clone();
    p.anchors = Anchors::new(&id);

    let mut blocks = p.parse_blocks(body);

    // Title: front matter, else a leading level-1 heading.
    let title = match &fm.title {
        Some(t) => p.inline_markdown(t, 0),
        None => match blocks.first() {
            Some(Block::Heading { level: 1, .. }) => match blocks.remove(0) {
                Block::Heading { inlines, .. } => inlines,
                _ => unreachable!(),
            },
            _ => {
                p.diags.push(
                    Diagnostic::error(format!("`{}` has no title", file.name))
                        .at(loc(0))
                        .help("add `title = \"…\"` to the front matter, or begin the file with a `# Title` line"),
                );
                vec![Inline::Text(id.clone())]
            }
        },
    };

    let letter = kind.map(|k| {
        let date = fm.date.as_ref().and_then(|d| match Date::parse(d.get_ref()) {
            Ok(v) => Some(v),
            Err(msg) => {
                p.diags.push(
                    Diagnostic::error(format!("bad date: {msg}"))
                        .at(loc(front_offset(text, d.span().start)))
                        .help("write the date as YYYY-MM-DD, e.g. date = \"1961-10-16\""),
                );
                None
            }
        });
        let dateline = match (&fm.dateline, &fm.place, date) {
            (Some(d), _, _) => p.inline_markdown(d, 0),
            (None, Some(place), Some(d)) => vec![Inline::Text(format!("{place}, {}.", d.long(language)))],
            (None, None, Some(d)) => vec![Inline::Text(format!("{}.", d.long(language)))],
            (None, Some(place), None) => vec![Inline::Text(format!("{place}."))],
            (None, None, None) => Vec::new(),
        };
        let mut md = |s: &Option<String>| s.as_deref().map(|s| p.inline_markdown(s, 0)).unwrap_or_default();
        Letter {
            kind: k,
            number: number.clone(),
            sender: fm.sender.clone(),
            recipients: fm.recipients.clone(),
            place: fm.place.clone(),
            date,
            dateline,
            salutation: md(&fm.salutation),
            closing: md(&fm.closing),
            signature: md(&fm.signature),
            source: md(&fm.source),
        }
    });
    if letter.is_none() {
        for (key, present) in [
            ("sender", fm.sender.is_some()),
            ("place", fm.place.is_some()),
            ("date", fm.date.is_some()),
            ("salutation", fm.salutation.is_some()),
            ("closing", fm.closing.is_some()),
            ("signature", fm.signature.is_some()),
        ] {
            if present {
                p.diags.push(
                    Diagnostic::error(format!("`{key}` is a letter field, but this file is not a letter"))
                        .at(loc(text.find(&format!("\n{key}")).map(|i| i + 1).unwrap_or(0)))
                        .help("add `kind = \"letter\"` (or telegram, memorandum) to the front matter"),
                );
            }
        }
    }
    // A chapter that is not a letter may still carry a source note.
    let letter = match (letter, &fm.source) {
        (None, Some(_)) if fm.kind.is_none() => None,
        (l, _) => l,
    };
    let chapter_source = if letter.is_none() { fm.source.as_deref().map(|s| p.inline_markdown(s, 0)) } else { None };

    let notes = p.finish_notes();
    number_paragraphs(&mut blocks);
    let mut chapter = Chapter {
        id,
        file: file.name.clone(),
        matter,
        title,
        letter,
        blocks,
        notes,
        pos: to_pos(&loc(body_start)),
    };
    if let Some(src) = chapter_source {
        chapter.blocks.push(Block::Paragraph { inlines: src, pos: chapter.pos, n: 0 });
    }
    Some(chapter)
}

/// Offset in the file of a span inside the front matter TOML (which starts after `+++\n`).
fn front_offset(text: &str, toml_offset: usize) -> usize {
    text.find('\n').map(|i| i + 1).unwrap_or(0) + toml_offset
}

fn to_pos(l: &Location) -> Pos {
    Pos { line: l.line as u32, column: l.column as u32 }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FigureSpec {
    image: String,
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
    id: Option<String>,
}

struct BodyParser<'a> {
    dir: &'a BookDir,
    file: &'a SourceFile,
    index: &'a LineIndex<'a>,
    /// Offset of the Markdown body within the file.
    base: usize,
    diags: &'a mut Diagnostics,
    /// Note labels in order of first reference.
    note_order: Vec<String>,
    /// label → (reference count, first reference offset, note index)
    note_refs: BTreeMap<String, (usize, usize, usize)>,
    /// label → (blocks, definition offset)
    note_defs: BTreeMap<String, (Vec<Block>, usize)>,
    anchors: Anchors,
    chapter_id: String,
}

enum Frame {
    /// Root, block quote, list item or footnote definition.
    Blocks { blocks: Vec<Block>, start: usize, note: Option<String>, quote: bool },
    List { start_num: Option<u64>, tight: bool, items: Vec<Vec<Block>>, start: usize },
    Inlines { kind: InlineFrame, inlines: Vec<Inline>, start: usize },
    Table { align: Vec<Align>, head: Vec<Vec<Inline>>, rows: Vec<Vec<Vec<Inline>>>, row: Vec<Vec<Inline>>, start: usize },
    Code { lang: Option<String>, text: String, start: usize },
    /// Content being skipped (too deeply nested or raw HTML block).
    Skip { depth: usize },
}

#[derive(PartialEq)]
enum InlineFrame {
    Paragraph { implicit: bool },
    Heading(u8),
    Emph,
    Strong,
    Strike,
    Link { url: String, title: String },
    Image { src: String },
    Cell,
}

impl BodyParser<'_> {
    fn loc(&self, body_offset: usize) -> Location {
        self.index.location(&self.file.name, self.base + body_offset)
    }
    fn pos(&self, body_offset: usize) -> Pos {
        to_pos(&self.loc(body_offset))
    }

    fn error(&mut self, offset: usize, msg: impl Into<String>, help: &str) {
        let d = Diagnostic::error(msg).at(self.loc(offset)).help(help);
        self.diags.push(d);
    }

    /// Inline Markdown from a front matter string (title, salutation, source note…).
    fn inline_markdown(&mut self, s: &str, offset: usize) -> Vec<Inline> {
        let saved = self.base;
        // Positions inside front matter strings are reported at the string's chapter start.
        let blocks = self.parse_blocks_at(s, offset);
        self.base = saved;
        let mut out = Vec::new();
        for b in blocks {
            if let Block::Paragraph { inlines, .. } = b {
                if !out.is_empty() {
                    out.push(Inline::LineBreak);
                }
                out.extend(inlines);
            }
        }
        out
    }

    fn parse_blocks(&mut self, body: &str) -> Vec<Block> {
        self.parse_blocks_at(body, 0)
    }

    fn parse_blocks_at(&mut self, body: &str, _offset: usize) -> Vec<Block> {
        let mut stack: Vec<Frame> = vec![Frame::Blocks { blocks: Vec::new(), start: 0, note: None, quote: false }];
        let mut nesting = 0usize;
        let mut prev_text_end: Option<(usize, bool)> = None; // (end offset, ended with '[')
        for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
            // Skipping an over-deep or raw-HTML subtree.
            if let Some(Frame::Skip { depth }) = stack.last_mut() {
                match &event {
                    Event::Start(_) => *depth += 1,
                    Event::End(_) => {
                        if *depth == 0 {
                            stack.pop();
                            nesting = nesting.saturating_sub(1);
                        } else {
                            *depth -= 1;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let is_block_start = matches!(
                &event,
                Event::Start(
                    Tag::Paragraph
                        | Tag::Heading { .. }
                        | Tag::BlockQuote(_)
                        | Tag::CodeBlock(_)
                        | Tag::List(_)
                        | Tag::Table(_)
                        | Tag::HtmlBlock
                        | Tag::FootnoteDefinition(_)
                ) | Event::Rule
            ) || matches!(&event, Event::End(TagEnd::Item));
            if is_block_start
                && matches!(stack.last(), Some(Frame::Inlines { kind: InlineFrame::Paragraph { implicit: true }, .. }))
            {
                self.close_top(&mut stack);
            }
            match event {
                Event::Start(tag) => {
                    let start = range.start;
                    match tag {
                        Tag::Paragraph => stack.push(Frame::Inlines { kind: InlineFrame::Paragraph { implicit: false }, inlines: vec![], start }),
                        Tag::Heading { level, .. } => {
                            stack.push(Frame::Inlines { kind: InlineFrame::Heading(level as u8), inlines: vec![], start })
                        }
                        Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_)
                            if nesting >= MAX_NESTING =>
                        {
                            self.error(start, format!("block quotes and lists are nested more than {MAX_NESTING} deep"), "flatten the structure; deeper nesting cannot be typeset");
                            stack.push(Frame::Skip { depth: 0 });
                            nesting += 1;
                        }
                        Tag::BlockQuote(_) => {
                            nesting += 1;
                            stack.push(Frame::Blocks { blocks: vec![], start, note: None, quote: true })
                        }
                        Tag::FootnoteDefinition(label) => {
                            nesting += 1;
                            stack.push(Frame::Blocks { blocks: vec![], start, note: Some(label.to_string()), quote: false })
                        }
                        Tag::List(n) => {
                            nesting += 1;
                            stack.push(Frame::List { start_num: n, tight: true, items: vec![], start })
                        }
                        Tag::Item => {
                            nesting += 1;
                            stack.push(Frame::Blocks { blocks: vec![], start, note: None, quote: false })
                        }
                        Tag::CodeBlock(kind) => {
                            let lang = match kind {
                                CodeBlockKind::Fenced(info) => {
                                    let l = info.split_whitespace().next().unwrap_or("").to_string();
                                    (!l.is_empty()).then_some(l)
                                }
                                CodeBlockKind::Indented => None,
                            };
                            stack.push(Frame::Code { lang, text: String::new(), start })
                        }
                        Tag::Table(al) => {
                            let align = al
                                .iter()
                                .map(|a| match a {
                                    Alignment::None => Align::None,
                                    Alignment::Left => Align::Left,
                                    Alignment::Center => Align::Center,
                                    Alignment::Right => Align::Right,
                                })
                                .collect();
                            stack.push(Frame::Table { align, head: vec![], rows: vec![], row: vec![], start })
                        }
                        Tag::TableHead | Tag::TableRow => {}
                        Tag::TableCell => stack.push(Frame::Inlines { kind: InlineFrame::Cell, inlines: vec![], start }),
                        Tag::Emphasis => self.push_inline(&mut stack, InlineFrame::Emph, start),
                        Tag::Strong => self.push_inline(&mut stack, InlineFrame::Strong, start),
                        Tag::Strikethrough => self.push_inline(&mut stack, InlineFrame::Strike, start),
                        Tag::Link { dest_url, title, .. } => self.push_inline(
                            &mut stack,
                            InlineFrame::Link { url: dest_url.to_string(), title: title.to_string() },
                            start,
                        ),
                        Tag::Image { dest_url, .. } => {
                            let src = self.resolve_image(&dest_url, start);
                            self.push_inline(&mut stack, InlineFrame::Image { src }, start)
                        }
                        Tag::HtmlBlock => stack.push(Frame::Skip { depth: 0 }),
                        _ => {
                            // Extensions not enabled (math, definition lists, metadata…): skip.
                            stack.push(Frame::Skip { depth: 0 });
                        }
                    }
                }
                Event::End(end) => {
                    match end {
                        TagEnd::TableHead => {
                            if let Some(Frame::Table { head, row, .. }) = stack.last_mut() {
                                *head = std::mem::take(row);
                            }
                        }
                        TagEnd::TableRow => {
                            if let Some(Frame::Table { rows, row, .. }) = stack.last_mut() {
                                rows.push(std::mem::take(row));
                            }
                        }
                        TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition => {
                            nesting = nesting.saturating_sub(1);
                            self.close_top(&mut stack);
                        }
                        _ => self.close_top(&mut stack),
                    }
                }
                Event::Text(t) => {
                    // An undefined footnote reference comes through as the text "[", "^label", "]".
                    if let Some(label) = t.strip_prefix('^')
                        && prev_text_end == Some((range.start, true))
                        && body[range.end..].starts_with(']')
                        && !label.is_empty()
                        && !label.contains(char::is_whitespace)
                    {
                        self.error(
                            range.start - 1,
                            format!("footnote reference `[^{label}]` has no definition"),
                            &format!("add a line `[^{label}]: The note's text.` to this file, or remove the reference"),
                        );
                    }
                    prev_text_end = Some((range.end, t.ends_with('[')));
                    match stack.last_mut() {
                        Some(Frame::Code { text, .. }) => text.push_str(&t),
                        _ => self.push_leaf(&mut stack, Inline::Text(t.to_string()), range.start),
                    }
                    continue;
                }
                Event::Code(t) => self.push_leaf(&mut stack, Inline::Code(t.to_string()), range.start),
                Event::SoftBreak => self.push_leaf(&mut stack, Inline::Text(" ".into()), range.start),
                Event::HardBreak => self.push_leaf(&mut stack, Inline::LineBreak, range.start),
                Event::FootnoteReference(label) => {
                    let label = label.to_string();
                    let next_index = self.note_order.len();
                    let entry = self.note_refs.entry(label.clone()).or_insert((0, range.start, next_index));
                    let nth = entry.0;
                    entry.0 += 1;
                    let note = entry.2;
                    if nth == 0 {
                        self.note_order.push(label.clone());
                    }
                    self.push_leaf(&mut stack, Inline::NoteRef { note, nth }, range.start);
                }
                Event::Rule => self.push_block(&mut stack, Block::ThematicBreak { pos: self.pos(range.start) }),
                Event::Html(h) | Event::InlineHtml(h) => {
                    if !h.trim_start().starts_with("<!--") && !h.trim().is_empty() {
                        self.error(
                            range.start,
                            "raw HTML is not supported in the manuscript",
                            "use Markdown instead (emphasis, links, images, figures); HTML comments <!-- … --> are allowed",
                        );
                    }
                }
                Event::InlineMath(m) | Event::DisplayMath(m) => self.push_leaf(&mut stack, Inline::Code(m.to_string()), range.start),
                Event::TaskListMarker(done) => {
                    self.push_leaf(&mut stack, Inline::Text(if done { "☑ ".into() } else { "☐ ".into() }), range.start)
                }
            }
            prev_text_end = None;
        }
        while stack.len() > 1 {
            self.close_top(&mut stack);
        }
        match stack.pop() {
            Some(Frame::Blocks { blocks, .. }) => blocks,
            _ => Vec::new(),
        }
    }

    fn push_inline(&mut self, stack: &mut Vec<Frame>, kind: InlineFrame, start: usize) {
        self.ensure_inline_context(stack, start);
        stack.push(Frame::Inlines { kind, inlines: vec![], start });
    }

    /// Inline content directly inside a list item (tight list) gets an implicit paragraph.
    fn ensure_inline_context(&mut self, stack: &mut Vec<Frame>, start: usize) {
        if matches!(stack.last(), Some(Frame::Blocks { .. })) {
            stack.push(Frame::Inlines { kind: InlineFrame::Paragraph { implicit: true }, inlines: vec![], start });
        }
    }

    fn push_leaf(&mut self, stack: &mut Vec<Frame>, inline: Inline, start: usize) {
        self.ensure_inline_context(stack, start);
        if let Some(Frame::Inlines { inlines, .. }) = stack.last_mut() {
            // Merge adjacent text runs.
            if let (Inline::Text(new), Some(Inline::Text(prev))) = (&inline, inlines.last_mut()) {
                prev.push_str(new);
                return;
            }
            inlines.push(inline);
        }
    }

    fn push_block(&mut self, stack: &mut [Frame], block: Block) {
        match stack.last_mut() {
            Some(Frame::Blocks { blocks, .. }) => blocks.push(block),
            Some(Frame::List { items, .. }) => {
                if let Some(last) = items.last_mut() {
                    last.push(block)
                } else {
                    items.push(vec![block])
                }
            }
            _ => {}
        }
    }

    fn close_top(&mut self, stack: &mut Vec<Frame>) {
        let Some(frame) = stack.pop() else { return };
        match frame {
            Frame::Blocks { blocks, start, note: Some(label), .. } => {
                if let Some((_, first)) = self.note_defs.get(&label) {
                    let first = self.loc(*first);
                    self.error(
                        start,
                        format!("footnote `[^{label}]` is defined twice"),
                        &format!("rename or remove one definition (the first is at line {})", first.line),
                    );
                } else {
                    self.note_defs.insert(label, (blocks, start));
                }
            }
            Frame::Blocks { blocks, start, quote: true, .. } => {
                let pos = self.pos(start);
                self.push_block(stack, Block::BlockQuote { blocks, pos });
            }
            Frame::Blocks { blocks, .. } => {
                // A list item.
                if let Some(Frame::List { items, .. }) = stack.last_mut() {
                    items.push(blocks);
                } else {
                    // Root (only closed at the end) — put it back.
                    stack.push(Frame::Blocks { blocks, start: 0, note: None, quote: false });
                }
            }
            Frame::List { start_num, tight, items, start } => {
                let pos = self.pos(start);
                self.push_block(stack, Block::List { start: start_num, tight, items, pos });
            }
            Frame::Code { lang, text, start } => {
                if lang.as_deref() == Some("figure") {
                    if let Some(fig) = self.figure(&text, start) {
                        self.push_block(stack, Block::Figure(fig));
                    }
                } else {
                    let pos = self.pos(start);
                    self.push_block(stack, Block::CodeBlock { lang, text, pos });
                }
            }
            Frame::Table { align, head, rows, start, .. } => {
                let pos = self.pos(start);
                self.push_block(stack, Block::Table { align, head, rows, pos });
            }
            Frame::Skip { .. } => {}
            Frame::Inlines { kind, inlines, start } => {
                let pos = self.pos(start);
                match kind {
                    InlineFrame::Paragraph { implicit } => {
                        if !implicit && let Some(Frame::Blocks { .. }) = stack.last()
                            && let Some(Frame::List { tight, .. }) = stack.iter_mut().rev().nth(1)
                        {
                            *tight = false;
                        }
                        let inlines = trim_inlines(inlines);
                        if inlines.is_empty() {
                            return;
                        }
                        // A paragraph holding only an image is a figure without caption.
                        if let [Inline::Image { src, alt }] = inlines.as_slice() {
                            let id = self.anchors.mint("fig", "fig");
                            let fig = Figure { id, image: src.clone(), alt: alt.clone(), caption: vec![], credit: vec![], pos };
                            self.push_block(stack, Block::Figure(fig));
                            return;
                        }
                        self.push_block(stack, Block::Paragraph { inlines, pos, n: 0 });
                    }
                    InlineFrame::Heading(level) => {
                        let id = self.anchors.mint(&plain_text(&inlines), "section");
                        let inlines = trim_inlines(inlines);
                        if level > 4 {
                            self.diags.push(
                                Diagnostic::warning(format!("heading level {level} is set as level 4"))
                                    .at(self.loc(start))
                                    .help("use headings of levels 1–4 (`#` to `####`)"),
                            );
                        }
                        self.push_block(stack, Block::Heading { level: level.min(4), id, inlines, pos });
                    }
                    InlineFrame::Cell => {
                        if let Some(Frame::Table { row, .. }) = stack.last_mut() {
                            row.push(trim_inlines(inlines));
                        }
                    }
                    InlineFrame::Emph => self.push_leaf(stack, Inline::Emph(inlines), start),
                    InlineFrame::Strong => self.push_leaf(stack, Inline::Strong(inlines), start),
                    InlineFrame::Strike => self.push_leaf(stack, Inline::Strike(inlines), start),
                    InlineFrame::Link { url, title } => {
                        self.push_leaf(stack, Inline::Link { url, title, children: inlines, target: LinkTarget::Unresolved }, start)
                    }
                    InlineFrame::Image { src } => {
                        let alt = plain_text(&inlines);
                        if alt.trim().is_empty() {
                            self.error(start, "image has no alt text", "describe the image between the brackets: ![A photograph of …](file.png)");
                        }
                        self.push_leaf(stack, Inline::Image { src, alt }, start)
                    }
                }
            }
        }
    }

    /// Resolves an image path written relative to the manuscript file to a book-relative path,
    /// checking that it exists and is PNG, JPEG, GIF or SVG.
    fn resolve_image(&mut self, dest: &str, offset: usize) -> String {
        let origin = self.loc(offset);
        let rel = match crate::source::join_relative(&self.file.name, dest) {
            Ok(r) => r,
            Err(why) => {
                self.diags.push(
                    Diagnostic::error(format!("image path `{dest}` {why}"))
                        .at(origin)
                        .help("put images inside the book directory and refer to them relative to the manuscript file"),
                );
                return dest.to_string();
            }
        };
        if let Err(d) = self.dir.load_image(&rel, &origin) {
            self.diags.push(d);
        }
        rel
    }

    fn figure(&mut self, toml_text: &str, start: usize) -> Option<Figure> {
        // The TOML starts on the line after the opening fence.
        let body_off = start + self.file.text[self.base + start..].find('\n').map(|i| i + 1).unwrap_or(0);
        let spec: FigureSpec = match toml::from_str(toml_text) {
            Ok(s) => s,
            Err(e) => {
                let off = body_off + e.span().map(|s| s.start).unwrap_or(0);
                let msg = e.message().trim().to_string();
                let help = if msg.starts_with("missing field") {
                    "a figure needs `image` and `alt`; `caption`, `credit` and `id` are optional"
                } else {
                    "a figure block holds TOML: image = \"images/plate.png\", alt = \"…\", caption = \"…\", credit = \"…\""
                };
                self.error(off, format!("figure: {msg}"), help);
                return None;
            }
        };
        let src = self.resolve_image(&spec.image, start);
        if spec.alt.trim().is_empty() {
            self.error(start, "figure has empty alt text", "describe the picture in `alt` for readers who cannot see it");
        }
        let caption = spec.caption.as_deref().map(|c| self.inline_markdown(c, start)).unwrap_or_default();
        let credit = spec.credit.as_deref().map(|c| self.inline_markdown(c, start)).unwrap_or_default();
        let id = match spec.id {
            Some(id) => match self.anchors.claim(&id) {
                Ok(id) => id,
                Err(why) => {
                    let (msg, help) = match why {
                        anchors::Refused::Invalid => (format!("figure id `{id}` is not usable as an anchor"), "start with a letter and use only letters, digits, `-` and `_`".to_string()),
                        anchors::Refused::Reserved => (format!("figure id `{id}` is an id quire generates"), format!("ids `{0}`, `{0}-title`, `{0}-pN`, `{0}-note-…` and `page-…` are quire's; choose another", self.chapter_id)),
                        anchors::Refused::Taken => (format!("anchor `{id}` is used twice in this chapter"), "give the figure an `id` no heading or other figure has".to_string()),
                    };
                    self.error(start, msg, &help);
                    self.anchors.mint("figure", "figure")
                }
            },
            None => {
                let stem = std::path::Path::new(&src).file_stem().and_then(|s| s.to_str()).unwrap_or("figure");
                self.anchors.mint(stem, "figure")
            }
        };
        Some(Figure { id, image: src, alt: spec.alt, caption, credit, pos: self.pos(start) })
    }

    /// Orders footnote definitions by first reference; reports unused definitions.
    fn finish_notes(&mut self) -> Vec<Note> {
        let mut notes = Vec::new();
        for label in self.note_order.clone() {
            match self.note_defs.remove(&label) {
                Some((blocks, off)) => notes.push(Note {
                    id: self.anchors.note(&label),
                    label,
                    blocks,
                    pos: self.pos(off),
                }),
                None => {
                    // pulldown-cmark only emits references for defined labels, so this is rare.
                    let off = self.note_refs.get(&label).map(|r| r.1).unwrap_or(0);
                    self.error(off, format!("footnote reference `[^{label}]` has no definition"), "add the definition or remove the reference");
                    let id = self.anchors.note(&label);
                    notes.push(Note { id, label, blocks: vec![], pos: Pos::default() });
                }
            }
        }
        let unused: Vec<(String, usize)> = self.note_defs.iter().map(|(l, (_, off))| (l.clone(), *off)).collect();
        for (label, off) in unused {
            self.diags.push(
                Diagnostic::warning(format!("footnote `[^{label}]` is defined but never referenced"))
                    .at(self.loc(off))
                    .help(format!("reference it with `[^{label}]` in the text, or delete the definition")),
            );
        }
        notes
    }
}

/// Drops leading/trailing whitespace-only text.
fn trim_inlines(mut v: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(t)) = v.first_mut() {
        *t = t.trim_start().to_string();
        if t.is_empty() {
            v.remove(0);
        }
    }
    if let Some(Inline::Text(t)) = v.last_mut() {
        *t = t.trim_end().to_string();
        if t.is_empty() {
            v.pop();
        }
    }
    v
}

