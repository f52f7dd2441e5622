//! The HTML subset a manuscript may use, tokenized by html5gum (a WHATWG tokenizer) and turned
//! into the model — never copied: no tag, attribute or URL reaches an output except through
//! the model's own types, so scripts and event handlers cannot.
//!
//! Rendered: `<br>`, `<sup>`, `<sub>`, `<kbd>`, `<abbr title>`, `<cite>`, `<q>`, `<small>`,
//! `<mark>`, `<span lang>`, `<div lang>` (and plain `<div>`, `<p>`, `<span>`), `<a id>`,
//! `<a href>`, `<img src alt>`, `<details>`/`<summary>`, `<figure>`/`<figcaption>`, `<em>`/`<i>`,
//! `<strong>`/`<b>`, `<s>`/`<del>`, `<code>`. Comments are dropped. Any other element: a warning
//! with its place, its tags dropped and its text kept; the content of `<script>`, `<style>`
//! and embedded objects is dropped with a warning.

use super::markdown::{Container, Frame, HtmlInline, InlineFrame};
use super::*;
use html5gum::{DefaultEmitter, Token, Tokenizer};

/// Elements whose content is not text and is dropped.
const DROPPED: &[&str] =
    &["script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math", "canvas", "video", "audio"];

/// A tag of the subset, as the parser sees it.
struct Tag {
    name: String,
    attrs: BTreeMap<String, String>,
    end: bool,
    self_closing: bool,
    /// Offset in the body.
    at: usize,
}

enum Piece {
    Tag(Tag),
    Text(String, usize),
}

fn utf8(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Tokens of `html` (offsets relative to `base`), comments and doctypes dropped.
fn tokenize(html: &str, base: usize) -> Vec<Piece> {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let mut out = Vec::new();
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(t) => out.push(Piece::Tag(Tag {
                name: utf8(&t.name).to_ascii_lowercase(),
                attrs: t.attributes.iter().map(|(k, v)| (utf8(k).to_ascii_lowercase(), utf8(&v.value))).collect(),
                end: false,
                self_closing: t.self_closing,
                at: base + t.span.start,
            })),
            Token::EndTag(t) => out.push(Piece::Tag(Tag {
                name: utf8(&t.name).to_ascii_lowercase(),
                attrs: BTreeMap::new(),
                end: true,
                self_closing: false,
                at: base + t.span.start,
            })),
            Token::String(s) => out.push(Piece::Text(utf8(&s.value), base + s.span.start)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    out
}

/// What an inline element of the subset becomes (None: not an inline element of the subset).
fn inline_kind(tag: &Tag) -> Option<(&'static str, HtmlInline)> {
    use SpanKind::*;
    let span = |n: &'static str, k: SpanKind| Some((n, HtmlInline::Span(k)));
    match tag.name.as_str() {
        "sup" => span("sup", Sup),
        "sub" => span("sub", Sub),
        "kbd" => span("kbd", Kbd),
        "cite" => span("cite", Cite),
        "q" => span("q", Quote),
        "small" => span("small", Small),
        "mark" => span("mark", Mark),
        "abbr" => span("abbr", Abbr(tag.attrs.get("title").cloned().unwrap_or_default())),
        "span" => match tag.attrs.get("lang").filter(|l| valid_lang(l)) {
            Some(l) => span("span", Lang(l.clone())),
            None => Some(("span", HtmlInline::Transparent)),
        },
        "em" | "i" => Some((if tag.name == "em" { "em" } else { "i" }, HtmlInline::Emph)),
        "strong" | "b" => Some((if tag.name == "strong" { "strong" } else { "b" }, HtmlInline::Strong)),
        "s" | "del" | "strike" => Some((
            if tag.name == "s" {
                "s"
            } else if tag.name == "del" {
                "del"
            } else {
                "strike"
            },
            HtmlInline::Strike,
        )),
        "code" | "tt" | "samp" | "var" => Some((if tag.name == "code" { "code" } else { "tt" }, HtmlInline::Code)),
        _ => None,
    }
}

/// A BCP 47 tag as quire accepts one: letters, digits and hyphens, starting with 2–3 letters.
pub fn valid_lang(l: &str) -> bool {
    let first = l.split('-').next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && l.len() <= 35
        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl BodyParser<'_> {
    /// One inline HTML tag (pulldown-cmark hands each tag of a paragraph on its own).
    pub(super) fn html_inline(&mut self, raw: &str, start: usize, stack: &mut Vec<Frame>) {
        for piece in tokenize(raw, start) {
            self.html_piece(piece, stack);
        }
    }

    /// A raw HTML block: its tags may open and close containers (`<details>`, `<div>`,
    /// `<figure>`) whose Markdown content follows in later blocks.
    pub(super) fn html_block(&mut self, text: &str, start: usize, stack: &mut Vec<Frame>) {
        let mut dropping: Option<String> = None;
        for piece in tokenize(text, start) {
            // Text inside a dropped element (script, style…) never reaches the model.
            if let Some(d) = &dropping {
                if matches!(&piece, Piece::Tag(t) if t.end && t.name == *d) {
                    dropping = None;
                }
                continue;
            }
            if let Piece::Tag(t) = &piece
                && !t.end
                && !t.self_closing
                && DROPPED.contains(&t.name.as_str())
            {
                dropping = Some(t.name.clone());
            }
            self.html_piece(piece, stack);
        }
        self.close_implicit(stack);
    }

    fn html_piece(&mut self, piece: Piece, stack: &mut Vec<Frame>) {
        match piece {
            Piece::Text(t, at) => {
                // Whitespace between block tags is not text.
                if !t.trim().is_empty() || matches!(stack.last(), Some(Frame::Inlines { .. })) {
                    self.push_leaf(stack, Inline::Text(t), at);
                }
            }
            Piece::Tag(tag) if tag.end => self.html_end(tag, stack),
            Piece::Tag(tag) => self.html_start(tag, stack),
        }
    }

    fn html_start(&mut self, tag: Tag, stack: &mut Vec<Frame>) {
        let at = tag.at;
        match tag.name.as_str() {
            "br" => self.push_leaf(stack, Inline::LineBreak, at),
            "img" => self.html_img(&tag, stack),
            "a" => {
                if let Some(id) = tag.attrs.get("id").or_else(|| tag.attrs.get("name")) {
                    match self.anchors.claim(id) {
                        Ok(id) => self.push_leaf(stack, Inline::Anchor(id), at),
                        Err(_) => self.warning(
                            at,
                            format!("anchor id `{id}` cannot be used (already used, reserved by quire, or not a plain id)"),
                            "use a unique id of letters, digits, `-` and `_`, starting with a letter",
                        ),
                    }
                }
                let kind = match tag.attrs.get("href") {
                    Some(url) if !tag.self_closing => {
                        HtmlInline::Link { url: url.clone(), title: tag.attrs.get("title").cloned().unwrap_or_default() }
                    }
                    _ => HtmlInline::Transparent,
                };
                if !tag.self_closing {
                    self.push_inline(stack, InlineFrame::Html { tag: "a", kind }, at);
                }
            }
            "p" => self.open_text_block(stack, "p", HtmlInline::Paragraph, at),
            "details" => self.open_container(stack, Container::Details(Vec::new()), at),
            "div" => {
                let lang = tag.attrs.get("lang").filter(|l| valid_lang(l)).cloned();
                self.open_container(stack, Container::Div(lang), at);
            }
            "figure" => self.open_container(stack, Container::Figure(None, Vec::new()), at),
            "summary" => self.open_text_block(stack, "summary", HtmlInline::ContainerText, at),
            "figcaption" => self.open_text_block(stack, "figcaption", HtmlInline::ContainerText, at),
            name if DROPPED.contains(&name) => {
                self.warning(
                    at,
                    format!("HTML element `<{name}>` is left out of the book: its content is not text"),
                    "remove it; quire renders a safe subset of HTML (see README “Markdown”)",
                );
                // Inline, its content arrives as Markdown text: collected, then dropped.
                if !tag.self_closing && matches!(stack.last(), Some(Frame::Inlines { .. })) {
                    let name = DROPPED.iter().find(|d| **d == name).copied().unwrap_or("script");
                    self.push_inline(stack, InlineFrame::Html { tag: name, kind: HtmlInline::Dropped }, at);
                }
            }
            _ => match inline_kind(&tag) {
                Some((name, kind)) if !tag.self_closing => self.push_inline(stack, InlineFrame::Html { tag: name, kind }, at),
                Some(_) => {}
                None => self.warning(
                    at,
                    format!("HTML element `<{}>` is not in quire's subset: its tags are dropped and its text kept", tag.name),
                    "use Markdown, or an element of the subset (see README “Markdown”); --deny-warnings makes this an error",
                ),
            },
        }
    }

    /// `<p>`, `<summary>`, `<figcaption>`: inline content of a block of its own. Inside a
    /// paragraph (where HTML does not allow them) their content just continues the paragraph.
    fn open_text_block(&mut self, stack: &mut Vec<Frame>, tag: &'static str, kind: HtmlInline, at: usize) {
        self.close_implicit(stack);
        let kind = if matches!(stack.last(), Some(Frame::Inlines { .. })) { HtmlInline::Transparent } else { kind };
        stack.push(Frame::Inlines { kind: InlineFrame::Html { tag, kind }, inlines: vec![], start: at });
    }

    fn open_container(&mut self, stack: &mut Vec<Frame>, container: Container, at: usize) {
        self.close_implicit(stack);
        if stack.iter().filter(|f| matches!(f, Frame::Blocks { .. })).count() > MAX_NESTING {
            self.warning(at, "HTML blocks are nested too deep; this one is not kept as a group", "flatten the structure");
            return;
        }
        stack.push(Frame::Blocks { blocks: Vec::new(), start: at, container });
    }

    fn html_end(&mut self, tag: Tag, stack: &mut Vec<Frame>) {
        let name = tag.name.as_str();
        // An inline element (or <p>, <summary>, <figcaption>) open in the current paragraph.
        let open_inline = stack
            .iter()
            .rev()
            .take_while(|f| matches!(f, Frame::Inlines { .. }))
            .position(|f| matches!(f, Frame::Inlines { kind: InlineFrame::Html { tag, .. }, .. } if *tag == name || (name == "b" && *tag == "strong")));
        if let Some(depth) = open_inline {
            for _ in 0..=depth {
                self.close_top(stack);
            }
            return;
        }
        let container = |f: &Frame| match f {
            Frame::Blocks { container: Container::Details(_), .. } => name == "details",
            Frame::Blocks { container: Container::Div(_), .. } => name == "div",
            Frame::Blocks { container: Container::Figure(..), .. } => name == "figure",
            _ => false,
        };
        if matches!(name, "details" | "div" | "figure") {
            self.close_implicit(stack);
            if stack.last().is_some_and(container) {
                self.close_top(stack);
            }
            // An end tag with no open element (or one opened in another Markdown block) is
            // harmless: there is nothing to close.
        }
    }

    fn html_img(&mut self, tag: &Tag, stack: &mut Vec<Frame>) {
        let at = tag.at;
        let Some(src) = tag.attrs.get("src") else {
            self.warning(at, "`<img>` without `src` is left out", "give the image file: <img src=\"images/x.png\" alt=\"…\">");
            return;
        };
        let src = self.markdown_image(src, at);
        let alt = tag.attrs.get("alt").cloned().unwrap_or_default();
        // `width="300"` or `width="300px"`: CSS pixels, ¾ of a point each.
        let width = tag
            .attrs
            .get("width")
            .and_then(|w| w.trim().trim_end_matches("px").parse::<u32>().ok())
            .filter(|w| (1..=20_000).contains(w))
            .map(|w| w as f32 * 0.75);
        if let Some(Frame::Blocks { container: Container::Figure(img, _), .. }) = stack.last_mut()
            && img.is_none()
            && let Some(src) = src.clone()
        {
            if alt.trim().is_empty() {
                self.error(at, "image has no alt text", "describe the image in its `alt` attribute");
            }
            *img = Some((src, alt, width));
            return;
        }
        self.image_leaf(src, alt, width, at, stack);
    }

    /// What an inline HTML element leaves in its parent when it closes.
    pub(super) fn close_html_inline(&mut self, kind: HtmlInline, inlines: Vec<Inline>, start: usize, stack: &mut Vec<Frame>) {
        match kind {
            HtmlInline::Span(k) => self.push_leaf(stack, Inline::Span { kind: k, children: inlines }, start),
            HtmlInline::Emph => self.push_leaf(stack, Inline::Emph(inlines), start),
            HtmlInline::Strong => self.push_leaf(stack, Inline::Strong(inlines), start),
            HtmlInline::Strike => self.push_leaf(stack, Inline::Strike(inlines), start),
            HtmlInline::Code => self.push_leaf(stack, Inline::Code(plain_text(&inlines)), start),
            HtmlInline::Link { url, title } => {
                let at = self.file_offset(start);
                self.push_leaf(stack, Inline::Link { url, title, children: inlines, target: LinkTarget::Unresolved, at }, start)
            }
            HtmlInline::Transparent => inlines.into_iter().for_each(|i| self.push_leaf(stack, i, start)),
            HtmlInline::Dropped => {}
            HtmlInline::Paragraph => {
                let pos = self.pos(start);
                let inlines = super::close::trim_inlines(inlines);
                if !inlines.is_empty() {
                    self.push_block(stack, Block::Paragraph { inlines, pos, n: 0 });
                }
            }
            HtmlInline::ContainerText => {
                let inlines = super::close::trim_inlines(inlines);
                match stack.last_mut() {
                    Some(Frame::Blocks { container: Container::Details(s), .. }) => s.extend(inlines),
                    Some(Frame::Blocks { container: Container::Figure(_, c), .. }) => c.extend(inlines),
                    // A summary or caption outside its container is a paragraph.
                    _ => {
                        let pos = self.pos(start);
                        if !inlines.is_empty() {
                            self.push_block(stack, Block::Paragraph { inlines, pos, n: 0 });
                        }
                    }
                }
            }
        }
    }

    /// `<figure>` closes: its image with the caption; other content stays as blocks after it.
    pub(super) fn close_html_figure(
        &mut self,
        img: Option<(String, String, Option<f32>)>,
        caption: Vec<Inline>,
        blocks: Vec<Block>,
        start: usize,
        stack: &mut [Frame],
    ) {
        let pos = self.pos(start);
        match img {
            Some((image, alt, width)) => {
                let id = self.anchors.mint("fig", "fig");
                self.push_block(stack, Block::Figure(Figure { id, image, alt, caption, credit: vec![], width, pos }));
            }
            None if !caption.is_empty() => {
                self.warning(start, "`<figure>` without `<img>`: its caption is kept as a paragraph", "put an <img src alt> in the figure");
                self.push_block(stack, Block::Paragraph { inlines: caption, pos, n: 0 });
            }
            None => {}
        }
        for b in blocks {
            self.push_block(stack, b);
        }
    }
}
