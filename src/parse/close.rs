//! Closing frames: what a block, container or inline frame becomes in the model when its end
//! arrives (paragraphs, figures of a lone image, line blocks, headings with their ids, notes,
//! asides, definitions, HTML containers).

use super::markdown::{Container, Frame, InlineFrame};
use super::*;

impl BodyParser<'_> {
    pub(super) fn close_top(&mut self, stack: &mut Vec<Frame>) {
        let Some(frame) = stack.pop() else { return };
        match frame {
            Frame::Blocks { blocks, start, container } => self.close_container(container, blocks, start, stack),
            Frame::List { start_num, tight, items, start } => {
                let pos = self.pos(start);
                self.push_block(stack, Block::List { start: start_num, tight, items, pos });
            }
            Frame::DefinitionList { items, start } => {
                let pos = self.pos(start);
                self.push_block(stack, Block::DefinitionList { items, pos });
            }
            Frame::Html { text, start } => self.html_block(&text, start, stack),
            Frame::Code { lang, text, start } => {
                if lang.as_deref() == Some("figure") {
                    if let Some(fig) = self.figure(&text, start) {
                        self.push_block(stack, Block::Figure(fig));
                    }
                } else if lang.as_deref() == Some("verse") {
                    let lines = self.verse_lines(&text, start);
                    let pos = self.pos(start);
                    self.push_block(stack, Block::LineBlock { lines, pos });
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
            Frame::Inlines { kind, inlines, start } => self.close_inlines(kind, inlines, start, stack),
        }
    }

    fn close_container(&mut self, container: Container, blocks: Vec<Block>, start: usize, stack: &mut Vec<Frame>) {
        match container {
            Container::Note(label) => {
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
            Container::Quote => {
                let pos = self.pos(start);
                self.push_block(stack, Block::BlockQuote { blocks, pos });
            }
            Container::Aside(kind) => {
                let pos = self.pos(start);
                self.push_block(stack, Block::Aside { kind, blocks, pos });
            }
            Container::Details(summary) => {
                let pos = self.pos(start);
                self.push_block(stack, Block::Details { summary, blocks, pos });
            }
            Container::Div(lang) => {
                let pos = self.pos(start);
                self.push_block(stack, Block::Div { lang, blocks, pos });
            }
            Container::Figure(img, caption) => self.close_html_figure(img, caption, blocks, start, stack),
            Container::Definition => {
                if let Some(Frame::DefinitionList { items, .. }) = stack.last_mut() {
                    match items.last_mut() {
                        Some(d) => d.definitions.push(blocks),
                        None => items.push(Definition { term: Vec::new(), definitions: vec![blocks] }),
                    }
                }
            }
            Container::Item => {
                if let Some(Frame::List { items, .. }) = stack.last_mut() {
                    items.push(blocks);
                }
            }
            // Root (only closed at the end) — put it back.
            Container::Root => stack.push(Frame::Blocks { blocks, start: 0, container: Container::Root }),
        }
    }

    fn close_inlines(&mut self, kind: InlineFrame, inlines: Vec<Inline>, start: usize, stack: &mut Vec<Frame>) {
        // Positions only for blocks: working one out counts the characters of its line,
        // and a paragraph of 100,000 links is one line.
        match kind {
            InlineFrame::Paragraph { implicit, lines } => {
                let pos = self.pos(start);
                if !implicit
                    && let Some(Frame::Blocks { .. }) = stack.last()
                    && let Some(Frame::List { tight, .. }) = stack.iter_mut().rev().nth(1)
                {
                    *tight = false;
                }
                if lines {
                    let lines = split_line_block(inlines);
                    self.push_block(stack, Block::LineBlock { lines, pos });
                    return;
                }
                let inlines = trim_inlines(inlines);
                if inlines.is_empty() {
                    return;
                }
                // A paragraph holding only an image is a figure without caption.
                if let [Inline::Image { src, alt, width }] = inlines.as_slice() {
                    let id = self.anchors.mint("fig", "fig");
                    let fig = Figure { id, image: src.clone(), alt: alt.clone(), caption: vec![], credit: vec![], width: *width, pos };
                    self.push_block(stack, Block::Figure(fig));
                    return;
                }
                self.push_block(stack, Block::Paragraph { inlines, pos, n: 0 });
            }
            InlineFrame::Heading { level, id } => self.close_heading(level, id, inlines, start, stack),
            InlineFrame::Cell => {
                if let Some(Frame::Table { row, .. }) = stack.last_mut() {
                    row.push(trim_inlines(inlines));
                }
            }
            InlineFrame::Term => {
                if let Some(Frame::DefinitionList { items, .. }) = stack.last_mut() {
                    items.push(Definition { term: trim_inlines(inlines), definitions: Vec::new() });
                }
            }
            InlineFrame::Flat => inlines.into_iter().for_each(|i| self.push_leaf(stack, i, start)),
            InlineFrame::Html { kind, .. } => self.close_html_inline(kind, inlines, start, stack),
            InlineFrame::Emph => self.push_leaf(stack, Inline::Emph(inlines), start),
            InlineFrame::Strong => self.push_leaf(stack, Inline::Strong(inlines), start),
            InlineFrame::Strike => self.push_leaf(stack, Inline::Strike(inlines), start),
            InlineFrame::Link { url, title } => {
                let at = self.file_offset(start);
                self.push_leaf(stack, Inline::Link { url, title, children: inlines, target: LinkTarget::Unresolved, at }, start)
            }
            InlineFrame::Image { src } => {
                let alt = plain_text(&inlines);
                self.image_leaf(src, alt, None, start, stack);
            }
        }
    }

    /// A fenced `verse` block: each line kept as written (its leading spaces as its indent),
    /// its text read as inline Markdown; a blank line is a stanza break.
    fn verse_lines(&mut self, text: &str, start: usize) -> Vec<Vec<Inline>> {
        text.trim_end_matches('\n')
            .split('\n')
            .map(|line| {
                let body = line.trim_start_matches(' ');
                if body.trim().is_empty() {
                    return Vec::new();
                }
                let mut inlines = self.inline_markdown(body, start);
                let indent = line.len() - body.len();
                if indent > 0 {
                    match inlines.first_mut() {
                        Some(Inline::Text(t)) => t.insert_str(0, &" ".repeat(indent)),
                        _ => inlines.insert(0, Inline::Text(" ".repeat(indent))),
                    }
                }
                inlines
            })
            .collect()
    }

    pub(super) fn image_leaf(&mut self, src: Option<String>, alt: String, width: Option<f32>, start: usize, stack: &mut Vec<Frame>) {
        let Some(src) = src else {
            if !alt.trim().is_empty() {
                self.push_leaf(stack, Inline::Emph(vec![Inline::Text(format!("[{}]", alt.trim()))]), start);
            }
            return;
        };
        if alt.trim().is_empty() {
            self.error(start, "image has no alt text", "describe the image between the brackets: ![A photograph of …](file.png)");
        }
        self.push_leaf(stack, Inline::Image { src, alt, width }, start)
    }

    fn close_heading(&mut self, level: u8, given: Option<String>, inlines: Vec<Inline>, start: usize, stack: &mut [Frame]) {
        let pos = self.pos(start);
        let id = match given {
            Some(g) => match self.anchors.claim(&g) {
                Ok(id) => id,
                Err(why) => {
                    let reason = match why {
                        anchors::Refused::Invalid => "an id starts with a letter and has only letters, digits, `-` and `_`",
                        anchors::Refused::Reserved => "quire generates ids of this form itself",
                        anchors::Refused::Taken => "another heading or anchor of this chapter has it",
                    };
                    self.warning(
                        start,
                        format!("heading id `{g}` cannot be used: {reason}; an id is made from the heading text"),
                        "choose another id in `{#…}`",
                    );
                    self.anchors.mint(&plain_text(&inlines), "section")
                }
            },
            None => self.anchors.mint(&plain_text(&inlines), "section"),
        };
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
}

/// Whether a paragraph's source is a pandoc line block: every line starts with `|` followed
/// by a space or the line's end (a table would have a delimiter row and is parsed as one).
pub(super) fn is_line_block(src: &str) -> bool {
    let mut lines = src.lines().filter(|l| !l.trim().is_empty()).peekable();
    lines.peek().is_some() && lines.all(|l| l == "|" || l.starts_with("| "))
}

/// The inlines of a line block split at its breaks, each line's `| ` marker removed (the
/// spaces after it are the line's indent and are kept).
fn split_line_block(inlines: Vec<Inline>) -> Vec<Vec<Inline>> {
    let mut lines: Vec<Vec<Inline>> = vec![Vec::new()];
    for i in inlines {
        match i {
            Inline::LineBreak => lines.push(Vec::new()),
            other => lines.last_mut().expect("one line").push(other),
        }
    }
    for line in &mut lines {
        if let Some(Inline::Text(t)) = line.first_mut() {
            let rest = t.strip_prefix('|').unwrap_or(t);
            *t = rest.strip_prefix(' ').unwrap_or(rest).trim_end().to_string();
            if t.is_empty() {
                line.remove(0);
            }
        }
    }
    lines
}

/// Drops leading/trailing whitespace-only text.
pub(super) fn trim_inlines(mut v: Vec<Inline>) -> Vec<Inline> {
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
