//! One manuscript file → a chapter: front matter (kind, id, number, title, letter fields),
//! then the Markdown body, notes and paragraph numbers.

use super::*;

/// Parses one manuscript file. Returns `None` when it cannot produce a chapter at all.
pub fn parse_chapter(dir: &BookDir, file: &SourceFile, matter: Matter, language: &str, diags: &mut Diagnostics) -> Option<Chapter> {
    let stem = std::path::Path::new(&file.name).file_stem().and_then(|s| s.to_str()).unwrap_or("chapter");
    parse_chapter_as(dir, file, stem, matter, language, diags)
}

/// As [`parse_chapter`], with the name the chapter's default id is made from (`intro` for
/// `intro.md`; `cli/README` when several files of the book are called `README.md`).
pub fn parse_chapter_as(
    dir: &BookDir,
    file: &SourceFile,
    id_name: &str,
    matter: Matter,
    language: &str,
    diags: &mut Diagnostics,
) -> Option<Chapter> {
    let text = &file.text;
    let index = LineIndex::new(text);
    let loc = |off: usize| index.location(&file.name, off);
    let mut fm_warnings = Vec::new();
    let split = frontmatter::split(&file.name, text, &mut fm_warnings);
    fm_warnings.into_iter().for_each(|w| diags.push(w));
    let (fm, body_start) = match split {
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
        inline_depth_reported: false,
        math_reported: false,
        directive_reported: false,
        fixed: None,
        chapter_id: String::new(),
    };

    let (kind, matter_kind, number, id) = header(&mut p, &fm, &loc, text, id_name);
    p.chapter_id = id.clone();
    p.anchors = Anchors::new(&id);

    let mut blocks = p.parse_blocks(body);

    // Title: front matter, else a leading level-1 heading, else (front and back matter of a
    // named kind) the kind's name — printed only for kinds that are not display pages.
    let mut title_shown = true;
    let title = match (&fm.title, blocks.first()) {
        (Some(t), _) => p.inline_markdown(t, 0),
        (None, Some(Block::Heading { level: 1, .. })) => match blocks.remove(0) {
            Block::Heading { inlines, .. } => inlines,
            _ => Vec::new(),
        },
        (None, _) if matter_kind != Kind::Chapter => {
            title_shown = !matter_kind.is_display();
            vec![Inline::Text(crate::i18n::kind_name(language, matter_kind).to_string())]
        }
        (None, _) => {
            p.diags.push(
                Diagnostic::error(format!("`{}` has no title", file.name))
                    .at(loc(0))
                    .help("add `title = \"…\"` to the front matter, or begin the file with a `# Title` line"),
            );
            vec![Inline::Text(id.clone())]
        }
    };
    if plain_text(&title).trim().is_empty() {
        p.diags.push(
            Diagnostic::error(format!("`{}` has an empty title", file.name))
                .at(loc(body_start))
                .help("write the chapter's title after the `#`, or set `title = \"…\"` in the front matter"),
        );
    }

    let letter = letter(&mut p, &fm, kind, number, &loc, text, language);
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
        kind: matter_kind,
        title_shown,
        title,
        short_title: fm.short_title.clone().map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|t| !t.is_empty()),
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

/// Kind, number and id of a chapter from its front matter (the id first, so heading, figure
/// and note ids can be derived from it).
fn header(
    p: &mut BodyParser,
    fm: &FrontMatter,
    loc: &dyn Fn(usize) -> Location,
    text: &str,
    id_name: &str,
) -> (Option<LetterKind>, Kind, Option<String>, String) {
    let mut matter_kind = Kind::Chapter;
    let kind = match fm.kind.as_ref().map(|k| k.get_ref().as_str()) {
        None => None,
        Some("letter") => Some(LetterKind::Letter),
        Some("telegram") => Some(LetterKind::Telegram),
        Some("memorandum") => Some(LetterKind::Memorandum),
        Some(other) => {
            match Kind::from_name(other) {
                Some(k) => matter_kind = k,
                None => {
                    let k = fm.kind.as_ref().unwrap();
                    let names: Vec<&str> =
                        ["letter", "telegram", "memorandum"].into_iter().chain(Kind::NAMES.iter().map(|(n, _)| *n)).collect();
                    let d = Diagnostic::error(format!("unknown kind `{other}`")).at(loc(front_offset(text, k.span().start)));
                    p.diags.push(match crate::diag::nearest(other, names.iter().copied()) {
                        Some(n) => d.help(format!("did you mean `{n}`? Kinds: {}", names.join(", "))),
                        None => d.help(format!("use one of: {}", names.join(", "))),
                    });
                }
            }
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
                let s = anchors::ascii_slug(id_name);
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
    (kind, matter_kind, number, id)
}

/// The letter parts of a letter, telegram or memorandum; letter fields on a chapter are errors.
fn letter(
    p: &mut BodyParser,
    fm: &FrontMatter,
    kind: Option<LetterKind>,
    number: Option<String>,
    loc: &dyn Fn(usize) -> Location,
    text: &str,
    language: &str,
) -> Option<Letter> {
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
    letter
}
