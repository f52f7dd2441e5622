//! Markdown → blocks: pulldown-cmark's offset iterator driving an explicit stack of frames (no
//! recursion over input depth). Block nesting is capped at `MAX_NESTING` and inline nesting at
//! `MAX_INLINE_NESTING`, so every later walk over the model has bounded depth.

use super::*;

/// Deepest nesting of emphasis, links and strikethrough kept as markup.
pub const MAX_INLINE_NESTING: usize = 32;

pub(super) struct BodyParser<'a> {
    pub(super) dir: &'a BookDir,
    pub(super) file: &'a SourceFile,
    pub(super) index: &'a LineIndex<'a>,
    /// Offset of the Markdown body within the file.
    pub(super) base: usize,
    pub(super) diags: &'a mut Diagnostics,
    /// Note labels in order of first reference.
    pub(super) note_order: Vec<String>,
    /// label → (reference count, first reference offset, note index)
    pub(super) note_refs: BTreeMap<String, (usize, usize, usize)>,
    /// label → (blocks, definition offset)
    pub(super) note_defs: BTreeMap<String, (Vec<Block>, usize)>,
    pub(super) anchors: Anchors,
    pub(super) chapter_id: String,
    /// Whether too deep inline nesting was reported in this chapter.
    pub(super) inline_depth_reported: bool,
    /// Whether math was reported in this chapter (once per chapter).
    pub(super) math_reported: bool,
    /// Whether an mdBook directive (`{{#include …}}`) was reported in this chapter.
    pub(super) directive_reported: bool,
    /// While a front-matter or figure string is parsed: where its problems are reported.
    pub(super) fixed: Option<Location>,
}

/// What a frame of blocks becomes when it closes.
pub(super) enum Container {
    Root,
    Item,
    Quote,
    /// A footnote definition, by label.
    Note(String),
    Aside(AsideKind),
    /// One definition of the last term of the enclosing definition list.
    Definition,
    /// `<details>` (from HTML): its summary once `<summary>` closed.
    Details(Vec<Inline>),
    /// `<div>` (from HTML), with its `lang` when it has a valid one.
    Div(Option<String>),
    /// `<figure>` (from HTML): its image (src, alt) and caption.
    Figure(Option<(String, String, Option<f32>)>, Vec<Inline>),
}

pub(super) enum Frame {
    /// Root, block quote, list item, footnote definition, aside, definition, HTML container.
    Blocks {
        blocks: Vec<Block>,
        start: usize,
        container: Container,
    },
    DefinitionList {
        items: Vec<Definition>,
        start: usize,
    },
    /// A raw HTML block being collected; tokenized when it ends.
    Html {
        text: String,
        start: usize,
    },
    List {
        start_num: Option<u64>,
        tight: bool,
        items: Vec<Vec<Block>>,
        start: usize,
    },
    Inlines {
        kind: InlineFrame,
        inlines: Vec<Inline>,
        start: usize,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        row: Vec<Vec<Inline>>,
        start: usize,
    },
    Code {
        lang: Option<String>,
        text: String,
        start: usize,
    },
    /// Content being skipped (too deeply nested or raw HTML block).
    Skip {
        depth: usize,
    },
}

#[derive(PartialEq)]
pub(super) enum InlineFrame {
    Paragraph {
        implicit: bool,
        /// A pandoc line block (`| ` at every line start): soft breaks end lines.
        lines: bool,
    },
    Heading {
        level: u8,
        /// From `{#id}` after the heading text.
        id: Option<String>,
    },
    Emph,
    Strong,
    Strike,
    Link {
        url: String,
        title: String,
    },
    Image {
        /// None: the image is not there (reported); its alt text stands in.
        src: Option<String>,
    },
    Cell,
    /// A definition list's term.
    Term,
    /// Markup nested too deep: its content goes to the parent unchanged.
    Flat,
    /// An element of the HTML subset, closed by its end tag (or at the end of its block).
    Html {
        tag: &'static str,
        kind: HtmlInline,
    },
}

/// What an inline HTML element becomes.
#[derive(PartialEq)]
pub(super) enum HtmlInline {
    Span(SpanKind),
    Emph,
    Strong,
    Strike,
    /// `<code>`: its text as a code span.
    Code,
    /// `<p>`: a paragraph.
    Paragraph,
    Link {
        url: String,
        title: String,
    },
    /// `<summary>` or `<figcaption>`: its inlines go to the enclosing container.
    ContainerText,
    /// An element whose tags are dropped and whose text is kept.
    Transparent,
    /// `<script>`, `<style>`…: tags and content dropped (reported).
    Dropped,
}

/// The state of one walk over a Markdown text.
pub(super) struct Walk {
    pub(super) stack: Vec<Frame>,
    /// Open block quotes and lists.
    nesting: usize,
    /// (end offset, ended with '[') of the text event just before, to spot undefined notes.
    prev_text_end: Option<(usize, bool)>,
}

/// While an over-deep or raw-HTML subtree is skipped: true, and the skip is tracked.
fn skipping(st: &mut Walk, event: &Event) -> bool {
    let Some(Frame::Skip { depth }) = st.stack.last_mut() else { return false };
    match event {
        Event::Start(_) => *depth += 1,
        Event::End(_) => {
            if *depth == 0 {
                st.stack.pop();
                st.nesting = st.nesting.saturating_sub(1);
            } else {
                *depth -= 1;
            }
        }
        _ => {}
    }
    true
}

impl BodyParser<'_> {
    pub(super) fn loc(&self, body_offset: usize) -> Location {
        if let Some(l) = &self.fixed {
            return l.clone();
        }
        self.index.location(&self.file.name, self.base + body_offset)
    }
    /// A body offset as a byte offset in the file (`u32::MAX` inside a front matter string).
    pub(super) fn file_offset(&self, body_offset: usize) -> u32 {
        if self.fixed.is_some() { u32::MAX } else { u32::try_from(self.base + body_offset).unwrap_or(u32::MAX) }
    }

    pub(super) fn pos(&self, body_offset: usize) -> Pos {
        to_pos(&self.loc(body_offset))
    }

    pub(super) fn error(&mut self, offset: usize, msg: impl Into<String>, help: &str) {
        let d = Diagnostic::error(msg).at(self.loc(offset)).help(help);
        self.diags.push(d);
    }

    pub(super) fn warning(&mut self, offset: usize, msg: impl Into<String>, help: &str) {
        let d = Diagnostic::warning(msg).at(self.loc(offset)).help(help);
        self.diags.push(d);
    }

    /// Inline Markdown from a front matter string (title, salutation, source note…).
    pub(super) fn inline_markdown(&mut self, s: &str, at: usize) -> Vec<Inline> {
        // Offsets inside the string are not offsets of the body: every problem in it is
        // reported at `at` (the figure block, or the start of the chapter's text).
        let saved = self.fixed.replace(self.loc(at));
        let blocks = self.parse_blocks(s);
        self.fixed = saved;
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

    pub(super) fn parse_blocks(&mut self, body: &str) -> Vec<Block> {
        let mut st = Walk {
            stack: vec![Frame::Blocks { blocks: Vec::new(), start: 0, container: Container::Root }],
            nesting: 0,
            prev_text_end: None,
        };
        for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
            if skipping(&mut st, &event) {
                continue;
            }
            if let Some(Frame::Html { text, .. }) = st.stack.last_mut() {
                match &event {
                    Event::Html(h) | Event::Text(h) => {
                        text.push_str(h);
                        continue;
                    }
                    _ => {}
                }
            }
            let is_block_start =
                matches!(
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
                            | Tag::DefinitionList
                            | Tag::DefinitionListTitle
                            | Tag::DefinitionListDefinition
                    ) | Event::Rule
                ) || matches!(&event, Event::End(TagEnd::Item | TagEnd::DefinitionListDefinition | TagEnd::DefinitionListTitle));
            if is_block_start {
                self.close_implicit(&mut st.stack);
            }
            let was_text = matches!(event, Event::Text(_));
            match event {
                Event::Start(tag) => self.start_tag(tag, range, body, &mut st),
                Event::End(end) => self.end_tag(end, &mut st),
                Event::Text(t) => self.text(&t, range, body, &mut st),
                Event::InlineHtml(h) => self.html_inline(&h, range.start, &mut st.stack),
                other => self.leaf_event(other, range.start, &mut st.stack),
            }
            if !was_text {
                st.prev_text_end = None;
            }
        }
        let stack = &mut st.stack;
        while stack.len() > 1 {
            self.close_top(stack);
        }
        match stack.pop() {
            Some(Frame::Blocks { blocks, .. }) => blocks,
            _ => Vec::new(),
        }
    }

    /// Closes open HTML inline elements and an implicit paragraph at the top of the stack.
    pub(super) fn close_implicit(&mut self, stack: &mut Vec<Frame>) {
        while matches!(
            stack.last(),
            Some(Frame::Inlines { kind: InlineFrame::Paragraph { implicit: true, .. } | InlineFrame::Html { .. }, .. })
        ) {
            self.close_top(stack);
        }
    }

    fn start_tag(&mut self, tag: Tag, range: std::ops::Range<usize>, body: &str, st: &mut Walk) {
        let start = range.start;
        let stack = &mut st.stack;
        match tag {
            Tag::Paragraph => {
                let lines = super::close::is_line_block(&body[range]);
                stack.push(Frame::Inlines { kind: InlineFrame::Paragraph { implicit: false, lines }, inlines: vec![], start })
            }
            Tag::Heading { level, id, .. } => {
                let id = id.map(|i| i.to_string());
                stack.push(Frame::Inlines { kind: InlineFrame::Heading { level: level as u8, id }, inlines: vec![], start })
            }
            Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_) | Tag::DefinitionList
                if st.nesting >= MAX_NESTING =>
            {
                self.error(
                    start,
                    format!("block quotes and lists are nested more than {MAX_NESTING} deep"),
                    "flatten the structure; deeper nesting cannot be typeset",
                );
                stack.push(Frame::Skip { depth: 0 });
                st.nesting += 1;
            }
            Tag::BlockQuote(kind) => {
                st.nesting += 1;
                let container = match kind {
                    None => Container::Quote,
                    Some(k) => Container::Aside(match k {
                        BlockQuoteKind::Note => AsideKind::Note,
                        BlockQuoteKind::Tip => AsideKind::Tip,
                        BlockQuoteKind::Important => AsideKind::Important,
                        BlockQuoteKind::Warning => AsideKind::Warning,
                        BlockQuoteKind::Caution => AsideKind::Caution,
                    }),
                };
                stack.push(Frame::Blocks { blocks: vec![], start, container })
            }
            Tag::FootnoteDefinition(label) => {
                st.nesting += 1;
                stack.push(Frame::Blocks { blocks: vec![], start, container: Container::Note(label.to_string()) })
            }
            Tag::List(n) => {
                st.nesting += 1;
                stack.push(Frame::List { start_num: n, tight: true, items: vec![], start })
            }
            Tag::Item => {
                st.nesting += 1;
                stack.push(Frame::Blocks { blocks: vec![], start, container: Container::Item })
            }
            Tag::DefinitionList => {
                st.nesting += 1;
                stack.push(Frame::DefinitionList { items: vec![], start })
            }
            Tag::DefinitionListTitle => stack.push(Frame::Inlines { kind: InlineFrame::Term, inlines: vec![], start }),
            Tag::DefinitionListDefinition => stack.push(Frame::Blocks { blocks: vec![], start, container: Container::Definition }),
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
            Tag::Emphasis => self.push_inline(stack, InlineFrame::Emph, start),
            Tag::Strong => self.push_inline(stack, InlineFrame::Strong, start),
            Tag::Strikethrough => self.push_inline(stack, InlineFrame::Strike, start),
            Tag::Link { dest_url, title, .. } => {
                self.push_inline(stack, InlineFrame::Link { url: dest_url.to_string(), title: title.to_string() }, start)
            }
            Tag::Image { dest_url, .. } => {
                let src = self.markdown_image(&dest_url, start);
                self.push_inline(stack, InlineFrame::Image { src }, start)
            }
            Tag::HtmlBlock => stack.push(Frame::Html { text: String::new(), start }),
            // Extensions not enabled (metadata blocks, super- and subscript…): skipped.
            _ => stack.push(Frame::Skip { depth: 0 }),
        }
    }

    fn end_tag(&mut self, end: TagEnd, st: &mut Walk) {
        let stack = &mut st.stack;
        // HTML elements left open inside an inline container end with it.
        if !matches!(end, TagEnd::HtmlBlock) {
            while matches!(stack.last(), Some(Frame::Inlines { kind: InlineFrame::Html { .. }, .. })) {
                self.close_top(stack);
            }
        }
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
            TagEnd::HtmlBlock => {
                if let Some(Frame::Html { text, start }) = stack.pop() {
                    self.html_block(&text, start, stack);
                }
            }
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition | TagEnd::DefinitionList => {
                st.nesting = st.nesting.saturating_sub(1);
                self.close_to_markdown_frame(stack);
                self.close_top(stack);
            }
            TagEnd::DefinitionListDefinition => {
                self.close_to_markdown_frame(stack);
                self.close_top(stack);
            }
            _ => self.close_top(stack),
        }
    }

    /// Before a Markdown container closes: HTML containers opened inside it and never closed
    /// end with it (reported).
    fn close_to_markdown_frame(&mut self, stack: &mut Vec<Frame>) {
        self.close_implicit(stack);
        while let Some(Frame::Blocks { container: Container::Details(_) | Container::Div(_) | Container::Figure(..), start, .. }) =
            stack.last()
        {
            let at = *start;
            self.warning(
                at,
                "an HTML element opened here is not closed before its Markdown block ends",
                "add its end tag (`</div>`, `</details>`, `</figure>`)",
            );
            self.close_top(stack);
        }
    }

    fn text(&mut self, t: &str, range: std::ops::Range<usize>, body: &str, st: &mut Walk) {
        // An undefined footnote reference comes through as the text "[", "^label", "]".
        if let Some(label) = t.strip_prefix('^')
            && st.prev_text_end == Some((range.start, true))
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
        st.prev_text_end = Some((range.end, t.ends_with('[')));
        if !self.directive_reported
            && !matches!(st.stack.last(), Some(Frame::Code { .. }))
            && let Some(k) = t.find("{{#")
        {
            self.directive_reported = true;
            let name: String = t[k + 3..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            self.warning(
                range.start + k,
                format!("`{{{{#{name} …}}}}` is an mdBook preprocessor directive, which quire does not run: it is printed as written"),
                "paste the included text into the chapter, or remove the directive",
            );
        }
        match st.stack.last_mut() {
            Some(Frame::Code { text, .. }) => text.push_str(t),
            _ => self.push_leaf(&mut st.stack, Inline::Text(t.to_string()), range.start),
        }
    }

    /// Events that add one thing: code spans, breaks, note references, rules, math.
    fn leaf_event(&mut self, event: Event, start: usize, stack: &mut Vec<Frame>) {
        let display = matches!(&event, Event::DisplayMath(_));
        match event {
            Event::Code(t) => self.push_leaf(stack, Inline::Code(t.to_string()), start),
            Event::SoftBreak => {
                let lines =
                    stack.iter().rev().any(|f| matches!(f, Frame::Inlines { kind: InlineFrame::Paragraph { lines: true, .. }, .. }));
                self.push_leaf(stack, if lines { Inline::LineBreak } else { Inline::Text(" ".into()) }, start)
            }
            Event::HardBreak => self.push_leaf(stack, Inline::LineBreak, start),
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                let next_index = self.note_order.len();
                let entry = self.note_refs.entry(label.clone()).or_insert((0, start, next_index));
                let nth = entry.0;
                entry.0 += 1;
                let note = entry.2;
                if nth == 0 {
                    self.note_order.push(label);
                }
                self.push_leaf(stack, Inline::NoteRef { note, nth }, start);
            }
            Event::Rule => {
                let pos = self.pos(start);
                self.push_block(stack, Block::ThematicBreak { pos })
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => {
                if !self.math_reported {
                    self.math_reported = true;
                    self.warning(
                        start,
                        "math is not typeset yet: formulas in this chapter are printed as their TeX source, in monospace",
                        "write the formula in words or Unicode if it must read as prose; see README “Markdown”",
                    );
                }
                self.push_leaf(stack, Inline::Math { tex: m.to_string(), display }, start)
            }
            Event::TaskListMarker(done) => {
                let mark = Inline::Span { kind: SpanKind::Symbol, children: vec![Inline::Text(if done { "☑" } else { "☐" }.into())] };
                self.push_leaf(stack, mark, start);
                self.push_leaf(stack, Inline::Text(" ".into()), start);
            }
            Event::Html(h) => self.html_inline(&h, start, stack),
            Event::Start(_) | Event::End(_) | Event::Text(_) | Event::InlineHtml(_) => {}
        }
    }

    /// Opens an inline frame (emphasis, link…). Beyond `MAX_INLINE_NESTING` open frames the
    /// markup is dropped and its text kept (reported once per chapter), so every later walk
    /// over the inlines has bounded depth.
    pub(super) fn push_inline(&mut self, stack: &mut Vec<Frame>, kind: InlineFrame, start: usize) {
        self.ensure_inline_context(stack, start);
        let depth = stack.iter().rev().take_while(|f| matches!(f, Frame::Inlines { .. })).count();
        let kind = if depth > MAX_INLINE_NESTING && !matches!(kind, InlineFrame::Image { .. }) {
            if !self.inline_depth_reported {
                self.inline_depth_reported = true;
                let d = Diagnostic::warning(format!(
                    "emphasis and links are nested more than {MAX_INLINE_NESTING} deep; the deeper markup is dropped and its text kept"
                ))
                .at(self.loc(start))
                .help("close emphasis markers (`*`, `_`) where they end");
                self.diags.push(d);
            }
            match kind {
                // An HTML element still needs its end tag matched.
                InlineFrame::Html { tag, .. } => InlineFrame::Html { tag, kind: HtmlInline::Transparent },
                _ => InlineFrame::Flat,
            }
        } else {
            kind
        };
        stack.push(Frame::Inlines { kind, inlines: vec![], start });
    }

    /// Inline content directly inside a block container gets an implicit paragraph.
    fn ensure_inline_context(&mut self, stack: &mut Vec<Frame>, start: usize) {
        if matches!(stack.last(), Some(Frame::Blocks { .. })) {
            stack.push(Frame::Inlines { kind: InlineFrame::Paragraph { implicit: true, lines: false }, inlines: vec![], start });
        }
    }

    pub(super) fn push_leaf(&mut self, stack: &mut Vec<Frame>, inline: Inline, start: usize) {
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

    pub(super) fn push_block(&mut self, stack: &mut [Frame], block: Block) {
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
}
