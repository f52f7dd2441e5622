//! The book → pages: vertical lists per chapter, pagination, running heads, contents.

use super::para::{set_paragraph, Align, Link, PGlyph, ParaSpec, Problems, Run, SetLine, Span, Style};
use super::*;
use crate::diag::{Diagnostic, Location};
use crate::i18n::Key;
use crate::model::{plain_text, Block, Book, Chapter, Figure, Inline};
use crate::source::{sniff_image, BookDir, ImageKind};
use crate::text::fonts::{Face, FontSet};
use crate::text::hyph::Hyph;
use crate::text::shape::Shaper;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// Page geometry and the sizes derived from book.toml.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub bottom: f32,
    pub inner: f32,
    pub outer: f32,
    pub body: f32,
    pub leading: f32,
    /// Chapters, letters and parts open on rectos.
    pub recto_openings: bool,
    /// Blank pages may be inserted (half-title verso, front matter padding).
    pub blank_pages: bool,
    /// Pad the page count to a multiple of this.
    pub pad_to: usize,
    /// Number every Nth body line (0: none), restarting per chapter or letter.
    pub line_numbers: usize,
    /// Add an "About this edition" page after the contents.
    pub teacher_page: bool,
    /// Print paragraph numbers in the outer margin.
    pub paragraph_numbers: bool,
}

impl Geometry {
    pub fn measure(&self) -> f32 {
        self.width - self.inner - self.outer
    }
    fn block_height(&self) -> f32 {
        self.height - self.top - self.bottom
    }
    /// Left edge of the text block; page index 0 is a recto (right-hand page).
    fn left(&self, page: usize) -> f32 {
        if page.is_multiple_of(2) { self.inner } else { self.outer }
    }
}

/// One item of a vertical list.
#[derive(Debug, Clone)]
enum VItem {
    Line(VLine),
    Space(f32),
    Figure(Box<VFigure>),
    /// A horizontal rule, centred in the measure or (`left`) at its left edge.
    Rule { width: f32, height: f32, left: bool },
}

#[derive(Debug, Clone)]
struct VLine {
    runs: Vec<(Run, ContentId)>,
    links: Vec<(f32, f32, Link, usize)>,
    x: f32,
    leading: f32,
    keep_with_next: bool,
    notes: Vec<String>,
    anchors: Vec<String>,
    stat: Option<LineStat>,
    para: Option<(usize, usize, usize)>, // (paragraph serial, line index, line count)
    heading: bool,
    /// Counts for line numbering (body text lines).
    numbered: bool,
    /// The paragraph number printed in the margin of this (first) line.
    para_number: Option<u32>,
    /// Characters of the paragraph's manuscript text before this line.
    offset: Option<usize>,
    /// The paragraph this line belongs to: (chapter id, paragraph number).
    mark: Option<(String, u32)>,
}

#[derive(Debug, Clone)]
struct VFigure {
    path: String,
    kind: ImageKind,
    w: f32,
    h: f32,
    content: ContentId,
    caption: Vec<VLine>,
    anchors: Vec<String>,
}

impl VItem {
    fn height(&self) -> f32 {
        match self {
            VItem::Line(l) => l.leading,
            VItem::Space(h) => *h,
            VItem::Figure(f) => f.h + 8.0 + f.caption.iter().map(|l| l.leading).sum::<f32>() + 6.0,
            VItem::Rule { height, .. } => *height,
        }
    }
    fn keep(&self) -> bool {
        match self {
            VItem::Line(l) => l.keep_with_next,
            _ => false,
        }
    }
}

/// A page sequence: starts on a new page.
struct Sequence {
    items: Vec<VItem>,
    /// Running head for rectos (None: the book title on both sides).
    head: Option<String>,
    /// No running heads at all on this sequence (title pages, part pages).
    plain: bool,
    /// Opens on a recto when the profile asks for recto openings.
    opens_recto: bool,
    /// The EPUB document this sequence corresponds to (chapter or part id, `titlepage`, `toc`).
    doc: String,
}

/// What outlives one layout pass: the shaper with its cache of shaped words, the hyphenator,
/// and the set paragraphs (only the contents change between passes).
pub struct Engine<'a> {
    pub shaper: Shaper<'a>,
    pub hyph: Hyph,
    paras: HashMap<u64, Vec<SetLine>>,
}

impl<'a> Engine<'a> {
    pub fn new(fonts: &'a FontSet, language: &str, min_name: usize) -> Engine<'a> {
        Engine { shaper: Shaper::new(fonts), hyph: Hyph::new(language, min_name), paras: HashMap::new() }
    }
}

struct Setter<'a, 'e> {
    g: Geometry,
    eng: &'e mut Engine<'a>,
    dir: &'a BookDir,
    nodes: Vec<SNode>,
    next_content: ContentId,
    para_serial: usize,
    missing: BTreeMap<char, Location>,
    notes: BTreeMap<String, Vec<VItem>>,
    warnings: Vec<Diagnostic>,
    /// Chapter file → chapter id, to resolve links between chapters.
    chapter_ids: BTreeMap<String, String>,
    /// The book's language (for the words quire adds).
    lang: String,
}

const EM_INDENT: f32 = 1.0;

impl<'a, 'e> Setter<'a, 'e> {
    fn node(&mut self, parent: usize, kind: SKind) -> usize {
        self.nodes.push(SNode { kind, children: Vec::new() });
        let id = self.nodes.len() - 1;
        self.nodes[parent].children.push(SChild::Node(id));
        id
    }

    fn content(&mut self, node: usize) -> ContentId {
        let c = self.next_content;
        self.next_content += 1;
        self.nodes[node].children.push(SChild::Content(c));
        c
    }

    fn style(&self, face: Face, size: f32) -> Style {
        Style::new(face, size)
    }

    /// Inlines → spans in `base` style. Spans from manuscript text get their character offset
    /// within the paragraph's text (the EPUB counts the same characters).
    fn spans(&self, inlines: &[Inline], base: Style, ch: Option<&Chapter>, out: &mut Vec<Span>) {
        let from = out.len();
        self.spans_with(inlines, base, None, ch, out);
        let mut count = 0;
        for sp in &mut out[from..] {
            if sp.model_offset.is_some() {
                sp.model_offset = Some(count);
                count += sp.text.chars().count();
            }
        }
    }

    fn spans_with(&self, inlines: &[Inline], base: Style, link: Option<Link>, ch: Option<&Chapter>, out: &mut Vec<Span>) {
        for i in inlines {
            match i {
                Inline::Text(t) => out.push(Span { text: t.clone(), style: base, link: link.clone(), note: None, model_offset: Some(0) }),
                Inline::Emph(c) => {
                    let face = match base.face {
                        Face::Regular => Face::Italic,
                        Face::Italic => Face::Regular,
                        Face::Bold => Face::BoldItalic,
                        Face::BoldItalic => Face::Bold,
                        Face::Mono => Face::Mono,
                    };
                    self.spans_with(c, Style { face, ..base }, link.clone(), ch, out)
                }
                Inline::Strong(c) => {
                    let face = match base.face {
                        Face::Italic | Face::BoldItalic => Face::BoldItalic,
                        Face::Mono => Face::Mono,
                        _ => Face::Bold,
                    };
                    self.spans_with(c, Style { face, ..base }, link.clone(), ch, out)
                }
                Inline::Strike(c) => self.spans_with(c, Style { strike: true, ..base }, link.clone(), ch, out),
                Inline::SmallCaps(c) => self.spans_with(c, Style { smcp: true, ..base }, link.clone(), ch, out),
                Inline::Code(t) => out.push(Span { text: t.clone(), style: Style { face: Face::Mono, size: base.size * 0.85, ..base }, link: link.clone(), note: None, model_offset: Some(0) }),
                Inline::Link { url, children, .. } => {
                    let l = self.resolve_link(url, ch);
                    self.spans_with(children, base, Some(l), ch, out)
                }
                Inline::Image { alt, .. } => out.push(Span { text: format!("[{alt}]"), style: Style { face: Face::Italic, ..base }, link: link.clone(), note: None, model_offset: None }),
                Inline::NoteRef { note, nth } => {
                    if let Some(n) = ch.and_then(|c| c.notes.get(*note)) {
                        out.push(Span {
                            text: (note + 1).to_string(),
                            style: Style { size: base.size * 0.68, rise: base.size * 0.36, ..base },
                            link: None,
                            note: Some((n.id.clone(), format!("{}-ref-{}", n.id, nth + 1))),
                            model_offset: None,
                        });
                    }
                }
                Inline::LineBreak => out.push(Span { text: "\n".into(), style: base, link: None, note: None, model_offset: None }),
            }
        }
    }

    fn resolve_link(&self, url: &str, ch: Option<&Chapter>) -> Link {
        if url.contains(':') {
            return Link::Url(url.to_string());
        }
        if let Some(f) = url.strip_prefix('#') {
            return Link::Anchor(f.to_string());
        }
        let (path, frag) = url.split_once('#').map(|(p, f)| (p, Some(f))).unwrap_or((url, None));
        if let Some(c) = ch
            && let Ok(target) = crate::source::join_relative(&c.file, path)
            && let Some(id) = self.chapter_ids.get(&target)
        {
            return Link::Anchor(frag.map(str::to_string).unwrap_or_else(|| id.clone()));
        }
        Link::Url(url.to_string())
    }

    /// Sets a paragraph and turns its lines into vertical-list lines tagged under `node`.
    #[allow(clippy::too_many_arguments)]
    fn para_lines(
        &mut self,
        spans: Vec<Span>,
        width: f32,
        indent: f32,
        align: Align,
        leading: f32,
        x: f32,
        node: usize,
        source: Option<(&str, u32)>,
        body_stats: bool,
    ) -> Vec<VItem> {
        let spec = ParaSpec { spans, width, indent, align, hyphenate: align == Align::Justify || align == Align::Ragged };
        let mut problems = Problems { missing: Vec::new() };
        let key = para_key(&spec);
        let lines = match self.eng.paras.get(&key) {
            Some(l) => l.clone(),
            None => {
                let l = set_paragraph(&spec, &mut self.eng.shaper, &self.eng.hyph, &mut problems);
                if problems.missing.is_empty() {
                    self.eng.paras.insert(key, l.clone());
                }
                l
            }
        };
        // Character offsets of the line starts, counted incrementally (lines come in order; a
        // 10 MB paragraph must not be re-counted from its start for every line).
        let mut cursor: (usize, usize, usize) = (usize::MAX, 0, 0); // (span, byte, chars)
        let offsets: Vec<Option<usize>> = lines
            .iter()
            .map(|l| {
                let (si, off) = l.start?;
                let sp = &spec.spans[si];
                let base = sp.model_offset?;
                if cursor.0 != si || cursor.1 > off {
                    cursor = (si, 0, 0);
                }
                cursor.2 += sp.text[cursor.1..off].chars().count();
                cursor.1 = off;
                Some(base + cursor.2)
            })
            .collect();
        for c in problems.missing {
            let (f, l) = source.unwrap_or(("book.toml", 1));
            self.missing.entry(c).or_insert(Location { file: f.to_string(), line: l as usize, column: 1, line_text: String::new() });
        }
        self.para_serial += 1;
        let serial = self.para_serial;
        let n = lines.len();
        let mut out = Vec::new();
        let mut link_nodes: Vec<(Link, usize)> = Vec::new();
        for (li, line) in lines.into_iter().enumerate() {
            let mut v = self.vline(line, li, n, serial, leading, x, node, source, body_stats, &mut link_nodes);
            v.offset = offsets[li];
            out.push(VItem::Line(v));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn vline(
        &mut self,
        line: SetLine,
        li: usize,
        n: usize,
        serial: usize,
        leading: f32,
        x: f32,
        node: usize,
        source: Option<(&str, u32)>,
        body_stats: bool,
        link_nodes: &mut Vec<(Link, usize)>,
    ) -> VLine {
        let mut runs = Vec::new();
        for r in line.runs {
            let target = match &r.link {
                Some(l) => {
                    
                    match link_nodes.iter().find(|(t, _)| t == l) {
                        Some((_, id)) => *id,
                        None => {
                            let id = self.node(node, SKind::Link);
                            link_nodes.push((l.clone(), id));
                            id
                        }
                    }
                }
                None => node,
            };
            let c = self.content(target);
            runs.push((r, c));
        }
        let mut links = Vec::new();
        for (x0, x1, l) in line.links {
            let ln = link_nodes.iter().find(|(t, _)| *t == l).map(|(_, id)| *id).unwrap_or(node);
            links.push((x0, x1, l, ln));
        }
        // Note references are links to the notes.
        for (note, _r, nx) in &line.notes {
            let l = Link::Anchor(note.clone());
            let ln = link_nodes.iter().find(|(t, _)| *t == l).map(|(_, id)| *id).unwrap_or(node);
            let w = runs.iter().find(|(r, _)| (r.x - nx).abs() < 0.01).map(|(r, _)| r.width()).unwrap_or(4.0);
            links.push((*nx, nx + w, l, ln));
        }
        let stat = (body_stats).then(|| LineStat {
            page: 0,
            space_ratio: line.space_ratio,
            spaces: line.spaces,
            hyphenated: line.hyphenated,
            overfull: line.overfull,
            last_of_para: line.last,
            source: source.map(|(f, l)| (f.to_string(), l)).unwrap_or_default(),
            para: (serial, li, n),
        });
        VLine {
            runs,
            links,
            x,
            leading,
            // No orphans (first line alone at a page foot) and no widows (last line alone on top).
            keep_with_next: n >= 2 && (li == 0 || li + 2 == n),
            notes: line.notes.iter().map(|(n, _, _)| n.clone()).collect(),
            anchors: line.notes.iter().map(|(_, r, _)| r.clone()).collect(),
            stat,
            para: Some((serial, li, n)),
            heading: false,
            numbered: false,
            para_number: None,
            offset: None,
            mark: None,
        }
    }

    fn simple_lines(&mut self, inlines: &[Inline], style: Style, align: Align, leading: f32, node: usize, ch: Option<&Chapter>) -> Vec<VItem> {
        let mut spans = Vec::new();
        self.spans(inlines, style, ch, &mut spans);
        let src = ch.map(|c| (c.file.clone(), c.pos.line));
        self.para_lines(spans, self.g.measure(), 0.0, align, leading, 0.0, node, src.as_ref().map(|(f, l)| (f.as_str(), *l)), false)
    }

    fn text_lines(&mut self, text: &str, style: Style, align: Align, leading: f32, node: usize) -> Vec<VItem> {
        self.simple_lines(&[Inline::Text(text.to_string())], style, align, leading, node, None)
    }

    /// A chapter's vertical list.
    fn chapter(&mut self, ch: &Chapter, parent: usize, level: u8) -> Vec<VItem> {
        let g = self.g;
        let sect = self.node(parent, SKind::Sect);
        let mut items = vec![VItem::Space(g.leading * 3.0)];
        let mut title_inl = Vec::new();
        if let Some(n) = ch.letter.as_ref().and_then(|l| l.number.as_ref()) {
            title_inl.push(Inline::Text(format!("{n}. ")));
        }
        title_inl.extend(ch.title.iter().filter(|i| !matches!(i, Inline::NoteRef { .. })).cloned());
        let h = self.node(sect, SKind::H(level, plain_text(&title_inl)));
        let mut head = self.simple_lines(&title_inl, self.style(Face::Regular, g.body * 1.36), Align::Center, g.body * 1.75, h, Some(ch));
        mark_heading(&mut head, &ch.id);
        items.extend(head);
        items.push(VItem::Space(g.leading * 1.5));
        let mut first = true;
        if let Some(l) = &ch.letter {
            if !l.dateline.is_empty() {
                let p = self.node(sect, SKind::P);
                let mut v = self.simple_lines(&l.dateline, self.style(Face::Italic, g.body), Align::Right, g.leading, p, Some(ch));
                keep_all(&mut v);
                items.extend(v);
                items.push(VItem::Space(g.leading * 0.5));
            }
            if !l.salutation.is_empty() {
                let p = self.node(sect, SKind::P);
                let mut v = self.simple_lines(&l.salutation, Style { smcp: true, ..self.style(Face::Regular, g.body) }, Align::Ragged, g.leading, p, Some(ch));
                keep_all(&mut v);
                items.extend(v);
            }
        }
        self.blocks(&ch.blocks, ch, sect, level, g.measure(), 0.0, &mut items, &mut first);
        if let Some(l) = &ch.letter {
            if !l.closing.is_empty() || !l.signature.is_empty() {
                items.push(VItem::Space(g.leading * 0.5));
                // The closing stays with the last lines of the letter and with the signature.
                if let Some(VItem::Line(last)) = items.iter_mut().rev().find(|i| matches!(i, VItem::Line(_))) {
                    last.keep_with_next = true;
                }
                let x = g.measure() * 0.5;
                for (inl, smcp) in [(&l.closing, false), (&l.signature, true)] {
                    if inl.is_empty() {
                        continue;
                    }
                    let p = self.node(sect, SKind::P);
                    let mut spans = Vec::new();
                    self.spans(inl, Style { smcp, ..self.style(Face::Regular, g.body) }, Some(ch), &mut spans);
                    let mut v = self.para_lines(spans, g.measure() * 0.5, 0.0, Align::Ragged, g.leading, x, p, Some((&ch.file, ch.pos.line)), false);
                    keep_all(&mut v);
                    items.extend(v);
                }
                if let Some(VItem::Line(last)) = items.iter_mut().rev().find(|i| matches!(i, VItem::Line(_))) {
                    last.keep_with_next = false;
                }
            }
            if !l.source.is_empty() {
                items.push(VItem::Space(g.leading));
                items.push(VItem::Rule { width: 36.0, height: g.leading * 0.5, left: true });
                let p = self.node(sect, SKind::P);
                let mut inl = vec![Inline::SmallCaps(vec![Inline::Text(format!("{}: ", crate::i18n::t(&self.lang, Key::Source)))])];
                inl.extend(l.source.iter().cloned());
                let small = self.style(Face::Regular, g.body * 0.82);
                let mut v = self.simple_lines(&inl, small, Align::Ragged, g.leading * 0.82, p, Some(ch));
                keep_all(&mut v);
                items.extend(v);
            }
        }
        // Footnotes of this chapter, laid out for the page foot.
        for (i, note) in ch.notes.iter().enumerate() {
            let nnode = self.node(sect, SKind::Note);
            let small = self.style(Face::Regular, g.body * 0.82);
            let mut lines = Vec::new();
            let mut firstp = true;
            for b in &note.blocks {
                if let Block::Paragraph { inlines, pos, .. } = b {
                    let mut spans = Vec::new();
                    if firstp {
                        spans.push(Span { text: format!("{}. ", i + 1), style: small, link: Some(Link::Anchor(format!("{}-ref-1", note.id))), note: None, model_offset: None });
                    }
                    self.spans(inlines, small, Some(ch), &mut spans);
                    let p = self.node(nnode, SKind::P);
                    let v = self.para_lines(spans, g.measure(), if firstp { 0.0 } else { g.body }, Align::Justify, g.leading * 0.82, 0.0, p, Some((&ch.file, pos.line)), false);
                    lines.extend(v);
                    firstp = false;
                }
            }
            if let Some(VItem::Line(l)) = lines.first_mut() {
                l.anchors.push(note.id.clone());
            }
            self.notes.insert(note.id.clone(), lines);
        }
        if let Some(VItem::Line(l)) = items.iter_mut().find(|i| matches!(i, VItem::Line(_))) {
            l.anchors.insert(0, ch.id.clone());
        }
        items
    }

    #[allow(clippy::too_many_arguments)]
    fn blocks(&mut self, blocks: &[Block], ch: &Chapter, parent: usize, level: u8, width: f32, x: f32, items: &mut Vec<VItem>, first: &mut bool) {
        let g = self.g;
        for b in blocks {
            match b {
                Block::Paragraph { inlines, pos, n } => {
                    let p = self.node(parent, SKind::P);
                    let mut spans = Vec::new();
                    let size = if x > 0.0 { g.body * 0.95 } else { g.body };
                    self.spans(inlines, self.style(Face::Regular, size), Some(ch), &mut spans);
                    let indent = if *first { 0.0 } else { EM_INDENT * g.body };
                    let mut v = self.para_lines(spans, width, indent, Align::Justify, g.leading, x, p, Some((&ch.file, pos.line)), x == 0.0);
                    let mut first_line = true;
                    for it in &mut v {
                        if let VItem::Line(l) = it {
                            l.numbered = true;
                            if first_line && *n > 0 {
                                l.anchors.push(crate::model::paragraph_id(&ch.id, *n));
                                l.para_number = Some(*n);
                                first_line = false;
                            }
                            if *n > 0 {
                                l.mark = Some((ch.id.clone(), *n));
                            }
                        }
                    }
                    items.extend(v);
                    *first = false;
                }
                Block::Heading { level: hl, id, inlines, pos } => {
                    let lv = (level + (*hl).max(2) - 1).min(6);
                    let h = self.node(parent, SKind::H(lv, plain_text(inlines)));
                    items.push(VItem::Space(g.leading));
                    let style = if *hl <= 2 { self.style(Face::Italic, g.body * 1.1) } else { Style { smcp: true, ..self.style(Face::Regular, g.body) } };
                    let mut spans = Vec::new();
                    self.spans(inlines, style, Some(ch), &mut spans);
                    let mut v = self.para_lines(spans, width, 0.0, Align::Center, g.leading, x, h, Some((&ch.file, pos.line)), false);
                    mark_heading(&mut v, id);
                    items.extend(v);
                    items.push(VItem::Space(g.leading * 0.5));
                    *first = true;
                }
                Block::BlockQuote { blocks, .. } => {
                    let q = self.node(parent, SKind::BlockQuote);
                    items.push(VItem::Space(g.leading * 0.5));
                    let start = items.len();
                    let mut f = true;
                    let inset = 1.5 * g.body;
                    self.blocks(blocks, ch, q, level, width - 2.0 * inset, x + inset, items, &mut f);
                    // Short quotations are kept whole.
                    if items.len() - start <= 5 {
                        keep_all(&mut items[start..]);
                    }
                    items.push(VItem::Space(g.leading * 0.5));
                    *first = true;
                }
                Block::List { start, items: list, tight, .. } => {
                    let l = self.node(parent, SKind::L(start.is_some()));
                    let inset = 1.5 * g.body;
                    for (k, item) in list.iter().enumerate() {
                        let li = self.node(l, SKind::LI);
                        let label = match start {
                            Some(s) => format!("{}.", s + k as u64),
                            None => "•".to_string(),
                        };
                        let lbl = self.node(li, SKind::Lbl);
                        let body = self.node(li, SKind::LBody);
                        let before = items.len();
                        let mut f = true;
                        self.blocks(item, ch, body, level, width - inset, x + inset, items, &mut f);
                        // The label hangs in the indent of the item's first line.
                        if let Some(VItem::Line(first_line)) = items[before..].iter_mut().find(|i| matches!(i, VItem::Line(_))) {
                            let st = self.style(Face::Regular, g.body);
                            let gl = self.eng.shaper.shape(st.face, false, &label);
                            let scale = st.size / self.eng.shaper.units_per_em(st.face);
                            let glyphs: Vec<PGlyph> = gl
                                .iter()
                                .map(|q| PGlyph { id: q.id, advance: q.x_advance as f32 * scale, dx: 0.0, dy: 0.0, range: 0..label.len() })
                                .collect();
                            let lw: f32 = glyphs.iter().map(|g| g.advance).sum();
                            let c = self.content(lbl);
                            first_line.runs.insert(0, (Run { x: -lw - 0.4 * g.body, style: st, link: None, glyphs, text: label.clone(), expand: 1.0 }, c));
                        }
                        if !tight {
                            items.push(VItem::Space(g.leading * 0.3));
                        }
                    }
                    items.push(VItem::Space(g.leading * 0.3));
                    *first = true;
                }
                Block::CodeBlock { text, pos, .. } => {
                    let c = self.node(parent, SKind::Code);
                    items.push(VItem::Space(g.leading * 0.4));
                    let st = self.style(Face::Mono, g.body * 0.8);
                    let cw = {
                        let gl = self.eng.shaper.shape(Face::Mono, false, "0");
                        crate::text::shape::width(&gl) as f32 * st.size / self.eng.shaper.units_per_em(Face::Mono)
                    };
                    let per_line = ((width / cw).floor() as usize).max(8);
                    for raw in text.trim_end_matches('\n').split('\n') {
                        let chars: Vec<char> = raw.chars().collect();
                        let chunks: Vec<String> = if chars.is_empty() { vec![String::new()] } else { chars.chunks(per_line).map(|c| c.iter().collect()).collect() };
                        for chunk in chunks {
                            let v = if chunk.trim().is_empty() {
                                vec![VItem::Space(g.leading * 0.85)]
                            } else {
                                let spans = vec![Span { text: chunk.replace(' ', "\u{a0}"), style: st, link: None, note: None, model_offset: None }];
                                self.para_lines(spans, width, 0.0, Align::Ragged, g.leading * 0.85, x, c, Some((&ch.file, pos.line)), false)
                            };
                            items.extend(v);
                        }
                    }
                    items.push(VItem::Space(g.leading * 0.4));
                    *first = true;
                }
                Block::Table { head, rows, pos, align } => {
                    let t = self.node(parent, SKind::Table);
                    items.push(VItem::Space(g.leading * 0.5));
                    let ncol = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
                    let colw = width / ncol as f32;
                    let mut all_rows: Vec<(bool, &Vec<Vec<Inline>>)> = Vec::new();
                    if !head.is_empty() {
                        all_rows.push((true, head));
                    }
                    for r in rows {
                        all_rows.push((false, r));
                    }
                    for (is_head, row) in all_rows {
                        let tr = self.node(t, SKind::TR);
                        let mut cells: Vec<Vec<VItem>> = Vec::new();
                        for (ci, cell) in row.iter().enumerate() {
                            let node = self.node(tr, if is_head { SKind::TH } else { SKind::TD });
                            let face = if is_head { Face::Bold } else { Face::Regular };
                            let mut spans = Vec::new();
                            self.spans(cell, self.style(face, g.body * 0.9), Some(ch), &mut spans);
                            let al = match align.get(ci) {
                                Some(crate::model::Align::Right) => Align::Right,
                                Some(crate::model::Align::Center) => Align::Center,
                                _ => Align::Ragged,
                            };
                            let v = self.para_lines(spans, colw - 6.0, 0.0, al, g.leading * 0.9, x + ci as f32 * colw, node, Some((&ch.file, pos.line)), false);
                            cells.push(v);
                        }
                        // Rows are laid line by line: merge the cells' first lines, then the rest.
                        let depth = cells.iter().map(Vec::len).max().unwrap_or(0);
                        for d in 0..depth {
                            let mut merged: Option<VLine> = None;
                            for cell in &cells {
                                if let Some(VItem::Line(l)) = cell.get(d) {
                                    match &mut merged {
                                        None => merged = Some(l.clone()),
                                        Some(m) => {
                                            let dx = l.x - m.x;
                                            for (mut r, c) in l.runs.clone() {
                                                r.x += dx;
                                                m.runs.push((r, c));
                                            }
                                        }
                                    }
                                }
                            }
                            if let Some(mut m) = merged {
                                m.keep_with_next = d + 1 < depth;
                                m.stat = None;
                                items.push(VItem::Line(m));
                            }
                        }
                        if is_head {
                            items.push(VItem::Rule { width, height: g.leading * 0.3, left: true });
                        }
                    }
                    items.push(VItem::Space(g.leading * 0.5));
                    *first = true;
                }
                Block::ThematicBreak { .. } => {
                    items.push(VItem::Space(g.leading * 0.5));
                    items.push(VItem::Rule { width: 3.0 * g.body, height: g.leading * 0.5, left: false });
                    items.push(VItem::Space(g.leading * 0.5));
                    *first = true;
                }
                Block::Figure(f) => {
                    if let Some(fig) = self.figure(f, ch, parent, width) {
                        items.push(VItem::Figure(Box::new(fig)));
                    }
                    *first = true;
                }
            }
        }
    }

    fn figure(&mut self, f: &Figure, ch: &Chapter, parent: usize, width: f32) -> Option<VFigure> {
        let g = self.g;
        let node = self.node(parent, SKind::Figure(f.alt.clone()));
        let content = self.content(node);
        let bytes = match self.dir.read_bytes(&f.image, None) {
            Ok(b) => b,
            Err(d) => {
                self.warnings.push(d);
                return None;
            }
        };
        let kind = sniff_image(&bytes).ok()?;
        let (pw, ph) = match image_size(&bytes, kind) {
            Some(s) => s,
            None => {
                self.warnings.push(
                    Diagnostic::error(format!("image `{}` is corrupt: its size cannot be read", f.image))
                        .at(Location { file: ch.file.clone(), line: f.pos.line as usize, column: f.pos.column as usize, line_text: String::new() })
                        .help("replace the file with a valid PNG, JPEG or GIF"),
                );
                return None;
            }
        };
        // Refuse decompression bombs before anything tries to decode them.
        if kind != ImageKind::Svg && (pw as u64) * (ph as u64) > MAX_PIXELS {
            self.warnings.push(
                Diagnostic::error(format!("image `{}` claims {pw} × {ph} pixels, more than quire decodes ({} megapixels)", f.image, MAX_PIXELS / 1_000_000))
                    .at(Location { file: ch.file.clone(), line: f.pos.line as usize, column: f.pos.column as usize, line_text: String::new() })
                    .help("scale the picture down; 300 dpi at the page width needs far fewer pixels"),
            );
            return None;
        }
        if kind == ImageKind::Svg {
            self.warnings.push(
                Diagnostic::warning(format!("SVG image `{}` is drawn as a framed placeholder in the PDF", f.image))
                    .at(Location { file: ch.file.clone(), line: f.pos.line as usize, column: f.pos.column as usize, line_text: String::new() })
                    .help("use a PNG or JPEG version of the picture for the printed edition"),
            );
        }
        let max_h = g.block_height() * 0.45;
        let mut w = width.min(pw as f32);
        let mut h = w * ph as f32 / pw.max(1) as f32;
        if h > max_h {
            h = max_h;
            w = h * pw as f32 / ph.max(1) as f32;
        }
        let mut caption = Vec::new();
        if !f.caption.is_empty() || !f.credit.is_empty() {
            let cap = self.node(node, SKind::Caption);
            let small = self.style(Face::Regular, g.body * 0.82);
            let mut spans = Vec::new();
            self.spans(&f.caption, small, Some(ch), &mut spans);
            if !f.credit.is_empty() {
                spans.push(Span { text: " ".into(), style: small, link: None, note: None, model_offset: None });
                self.spans(&f.credit, Style { smcp: true, ..small }, Some(ch), &mut spans);
            }
            let v = self.para_lines(spans, width, 0.0, Align::Center, g.leading * 0.82, 0.0, cap, Some((&ch.file, f.pos.line)), false);
            for it in v {
                if let VItem::Line(l) = it {
                    caption.push(l);
                }
            }
        }
        Some(VFigure { path: f.image.clone(), kind, w, h, content, caption, anchors: vec![f.id.clone()] })
    }
}

/// Whether a page may end after item `j`: not after a line kept with the next, nor after the
/// space that follows such a line.
fn break_allowed_after(items: &[VItem], j: usize) -> bool {
    let mut k = j;
    while k > 0 && matches!(items[k], VItem::Space(_)) {
        k -= 1;
    }
    !items[k].keep()
}

/// A hash of everything that determines how a paragraph is set (used only to look up the
/// paragraph cache; never written out).
fn para_key(spec: &ParaSpec) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for sp in &spec.spans {
        sp.text.hash(&mut h);
        (sp.style.face, sp.style.size.to_bits(), sp.style.smcp, sp.style.rise.to_bits(), sp.style.strike).hash(&mut h);
        (&sp.link, &sp.note, sp.model_offset).hash(&mut h);
    }
    (spec.width.to_bits(), spec.indent.to_bits(), spec.align as u8, spec.hyphenate).hash(&mut h);
    h.finish()
}

fn keep_all(items: &mut [VItem]) {
    let n = items.len();
    for (i, it) in items.iter_mut().enumerate() {
        if let VItem::Line(l) = it
            && i + 1 < n
        {
            l.keep_with_next = true;
        }
    }
}

fn mark_heading(items: &mut [VItem], anchor: &str) {
    let mut first = true;
    for it in items.iter_mut() {
        if let VItem::Line(l) = it {
            l.keep_with_next = true;
            l.heading = true;
            if first {
                l.anchors.push(anchor.to_string());
                first = false;
            }
        }
    }
}

/// Largest image quire decodes for the PDF (pixels).
pub const MAX_PIXELS: u64 = 60_000_000;

/// Pixel size of a PNG, JPEG or GIF (or an SVG's nominal size).
pub fn image_size(b: &[u8], kind: ImageKind) -> Option<(u32, u32)> {
    let be32 = |i: usize| Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?));
    match kind {
        ImageKind::Png => Some((be32(16)?, be32(20)?)).filter(|(w, h)| *w > 0 && *h > 0),
        ImageKind::Gif => {
            let w = u16::from_le_bytes(b.get(6..8)?.try_into().ok()?) as u32;
            let h = u16::from_le_bytes(b.get(8..10)?.try_into().ok()?) as u32;
            Some((w, h)).filter(|(w, h)| *w > 0 && *h > 0)
        }
        ImageKind::Jpeg => {
            let mut i = 2;
            while i + 9 < b.len() {
                if b[i] != 0xFF {
                    return None;
                }
                let m = b[i + 1];
                let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
                if (0xC0..=0xCF).contains(&m) && m != 0xC4 && m != 0xC8 && m != 0xCC {
                    let h = u16::from_be_bytes([b[i + 5], b[i + 6]]) as u32;
                    let w = u16::from_be_bytes([b[i + 7], b[i + 8]]) as u32;
                    return Some((w, h)).filter(|(w, h)| *w > 0 && *h > 0);
                }
                i += 2 + len;
            }
            None
        }
        ImageKind::Svg => {
            let t = String::from_utf8_lossy(&b[..b.len().min(4096)]);
            let num = |name: &str| -> Option<f32> {
                let i = t.find(&format!("{name}=\""))? + name.len() + 2;
                let rest = &t[i..];
                let end = rest.find('"')?;
                rest[..end].trim_end_matches("px").parse().ok()
            };
            match (num("width"), num("height")) {
                (Some(w), Some(h)) if w > 0.0 && h > 0.0 => Some((w as u32, h as u32)),
                _ => Some((400, 300)),
            }
        }
    }
}

/// Page plan: which items are on a page.
struct Plan {
    floats: Vec<usize>,
    items: Vec<usize>,
    notes: Vec<(String, usize, usize)>,
}

impl Setter<'_, '_> {
    fn note_height(&self, id: &str, from: usize) -> f32 {
        self.notes.get(id).map(|v| v[from.min(v.len())..].iter().map(VItem::height).sum()).unwrap_or(0.0)
    }

    fn note_first_line(&self, id: &str) -> f32 {
        self.notes.get(id).and_then(|v| v.first()).map(VItem::height).unwrap_or(0.0)
    }

    /// Breaks a sequence into pages (indices into `items`).
    fn paginate(&self, items: &[VItem]) -> Vec<Plan> {
        let avail = self.g.block_height();
        let sep = self.g.leading; // rule and gap above notes
        let mut plans: Vec<Plan> = Vec::new();
        let mut pending: VecDeque<usize> = VecDeque::new();
        let mut carry: Vec<(String, usize)> = Vec::new();
        let mut i = 0;
        let mut guard = 0usize;
        while i < items.len() || !pending.is_empty() || !carry.is_empty() {
            guard += 1;
            if guard > items.len() * 4 + 100 {
                break;
            }
            let mut plan = Plan { floats: Vec::new(), items: Vec::new(), notes: Vec::new() };
            let mut used = 0.0;
            let mut notes_h = 0.0;
            let mut on_page: Vec<String> = Vec::new();
            // Notes continued from the previous page.
            for (id, from) in carry.drain(..) {
                let h = self.note_height(&id, from);
                notes_h += h + if on_page.is_empty() { sep } else { 0.0 };
                plan.notes.push((id.clone(), from, usize::MAX));
                on_page.push(id);
            }
            while let Some(&f) = pending.front() {
                let h = items[f].height();
                if used + h + notes_h <= avail || (plan.items.is_empty() && plan.floats.is_empty()) {
                    plan.floats.push(f);
                    used += h;
                    pending.pop_front();
                } else {
                    break;
                }
            }
            while i < items.len() {
                let it = &items[i];
                if matches!(it, VItem::Space(_)) && plan.items.is_empty() && plan.floats.is_empty() && !plans.is_empty() {
                    // Space at the top of a continuation page is discarded.
                    i += 1;
                    continue;
                }
                let h = it.height();
                let (new_full, new_min) = match it {
                    VItem::Line(l) => {
                        let mut full = 0.0;
                        let mut min = 0.0;
                        let mut first_note = on_page.is_empty();
                        for n in &l.notes {
                            if !on_page.contains(n) {
                                let s = if first_note { sep } else { 0.0 };
                                first_note = false;
                                full += self.note_height(n, 0) + s;
                                min += self.note_first_line(n) + s;
                            }
                        }
                        (full, min)
                    }
                    _ => (0.0, 0.0),
                };
                let fits_full = used + h + notes_h + new_full <= avail + 0.01;
                let fits_min = used + h + notes_h + new_min <= avail + 0.01;
                if fits_full || fits_min {
                    plan.items.push(i);
                    used += h;
                    if let VItem::Line(l) = it {
                        for n in &l.notes {
                            if !on_page.contains(n) {
                                on_page.push(n.clone());
                                plan.notes.push((n.clone(), 0, usize::MAX));
                            }
                        }
                    }
                    notes_h += if fits_full { new_full } else { new_min };
                    i += 1;
                    continue;
                }
                if matches!(it, VItem::Figure(_)) && !(plan.items.iter().all(|&k| matches!(items[k], VItem::Space(_))) && plan.floats.is_empty()) {
                    // The figure goes to the top of the next page; text flows past it.
                    pending.push_back(i);
                    i += 1;
                    continue;
                }
                // Break: back up to the last place a break is allowed.
                let mut k = plan.items.len();
                while k > 0 && !break_allowed_after(items, plan.items[k - 1]) {
                    k -= 1;
                }
                let content_before = plan.items[..k].iter().any(|&x| !matches!(items[x], VItem::Space(_)));
                if k > 0 && content_before && k < plan.items.len() {
                    i = plan.items[k];
                    plan.items.truncate(k);
                } else if plan.items.iter().all(|&x| matches!(items[x], VItem::Space(_))) && plan.floats.is_empty() {
                    // Nothing fits on an empty page: place it anyway.
                    plan.items.push(i);
                    i += 1;
                }
                break;
            }
            // Recompute notes from the items actually on the page; split what does not fit.
            let body: f32 = plan.floats.iter().chain(plan.items.iter()).map(|&k| items[k].height()).sum();
            let mut refs: Vec<String> = plan.notes.iter().filter(|(_, from, _)| *from > 0).map(|(n, _, _)| n.clone()).collect();
            let carried: Vec<(String, usize, usize)> = plan.notes.iter().filter(|(_, from, _)| *from > 0).cloned().collect();
            for &k in &plan.items {
                if let VItem::Line(l) = &items[k] {
                    for n in &l.notes {
                        if !refs.contains(n) {
                            refs.push(n.clone());
                        }
                    }
                }
            }
            let mut room = avail - body - sep;
            let mut notes = Vec::new();
            for n in refs {
                let from = carried.iter().find(|(c, _, _)| *c == n).map(|(_, f, _)| *f).unwrap_or(0);
                let lines = self.notes.get(&n).map(Vec::len).unwrap_or(0);
                let mut to = from;
                while to < lines {
                    let h = self.notes[&n][to].height();
                    if h > room + 0.01 {
                        break;
                    }
                    room -= h;
                    to += 1;
                }
                if to < lines {
                    carry.push((n.clone(), to));
                }
                if to > from {
                    notes.push((n, from, to));
                }
            }
            plan.notes = notes;
            if plan.items.is_empty() && plan.floats.is_empty() && plan.notes.is_empty() {
                if i >= items.len() && pending.is_empty() {
                    break;
                }
                // Avoid an endless loop on something that can never be placed.
                if let Some(f) = pending.pop_front() {
                    plan.floats.push(f);
                } else if i < items.len() {
                    plan.items.push(i);
                    i += 1;
                }
            }
            plans.push(plan);
        }
        plans
    }
}

/// Text the layout prints that comes from outside the book: colophon facts and the
/// "How to cite" page.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Extra lines of the copyright/colophon page.
    pub colophon: Vec<String>,
    /// Paragraphs of the "How to cite this edition" page (none: no page).
    pub cite: Vec<String>,
}

/// Lays out the whole book.
pub fn layout(book: &Book, dir: &BookDir, fonts: &FontSet, g: Geometry, min_name: usize, extras: &Extras) -> Result<Layout, Vec<Diagnostic>> {
    let mut eng = Engine::new(fonts, &book.meta.language, min_name);
    let mut toc: BTreeMap<String, String> = BTreeMap::new();
    let mut last = None;
    for _ in 0..4 {
        let l = layout_once(book, dir, fonts, g, &mut eng, &toc, extras)?;
        let new_toc: BTreeMap<String, String> = l.anchors.iter().map(|(k, (p, _))| (k.clone(), l.pages[*p].label.text())).collect();
        let stable = new_toc == toc;
        toc = new_toc;
        last = Some(l);
        if stable {
            break;
        }
    }
    last.ok_or_else(Vec::new)
}

fn layout_once<'a>(book: &Book, dir: &'a BookDir, fonts: &'a FontSet, g: Geometry, eng: &mut Engine<'a>, toc: &BTreeMap<String, String>, extras: &Extras) -> Result<Layout, Vec<Diagnostic>> {
    let mut s = Setter {
        g,
        eng,
        dir,
        nodes: vec![SNode { kind: SKind::Document, children: Vec::new() }],
        next_content: 0,
        para_serial: 0,
        missing: BTreeMap::new(),
        notes: BTreeMap::new(),
        warnings: Vec::new(),
        chapter_ids: book.chapters().map(|c| (c.file.clone(), c.id.clone())).collect(),
        lang: book.meta.language.clone(),
    };
    let tr = |k| crate::i18n::t(&book.meta.language, k);
    let m = &book.meta;
    let mut seqs: Vec<Sequence> = Vec::new();
    let mut outline: Vec<OutlineItem> = Vec::new();

    // Half-title.
    let ht = s.node(0, SKind::Div);
    let mut v = vec![VItem::Space(g.block_height() * 0.28)];
    v.extend(s.text_lines(&m.title, s.style(Face::Italic, g.body * 1.3), Align::Center, g.body * 1.7, ht));
    seqs.push(Sequence { items: v, head: None, plain: true, opens_recto: false, doc: "titlepage".into() });
    if g.blank_pages {
        seqs.push(Sequence { items: vec![VItem::Space(1.0)], head: None, plain: true, opens_recto: false, doc: "titlepage".into() });
    }
    // Title page.
    let tp = s.node(0, SKind::Div);
    let mut v = vec![VItem::Space(g.block_height() * 0.18)];
    let th = s.node(tp, SKind::H(1, m.title.clone()));
    let mut t = s.text_lines(&m.title, s.style(Face::Regular, g.body * 2.0), Align::Center, g.body * 2.5, th);
    mark_heading(&mut t, "title-page");
    v.extend(t);
    if let Some(sub) = &m.subtitle {
        v.push(VItem::Space(g.leading));
        let p = s.node(tp, SKind::P);
        v.extend(s.text_lines(sub, s.style(Face::Italic, g.body * 1.2), Align::Center, g.body * 1.6, p));
    }
    v.push(VItem::Space(g.leading * 4.0));
    for c in &m.creators {
        let p = s.node(tp, SKind::P);
        let line = if c.role == "edt" { format!("{} {}", tr(Key::EditedBy), c.name) } else { c.name.clone() };
        v.extend(s.simple_lines(&[Inline::SmallCaps(vec![Inline::Text(line)])], s.style(Face::Regular, g.body * 1.1), Align::Center, g.leading * 1.3, p, None));
    }
    if let Some(p) = &m.publisher {
        v.push(VItem::Space(g.leading * 6.0));
        let n = s.node(tp, SKind::P);
        v.extend(s.text_lines(p, s.style(Face::Regular, g.body), Align::Center, g.leading, n));
    }
    seqs.push(Sequence { items: v, head: None, plain: true, opens_recto: false, doc: "titlepage".into() });
    // Copyright / colophon page: set at the foot of the page.
    let cp = s.node(0, SKind::Div);
    let small = s.style(Face::Regular, g.body * 0.8);
    let mut lines: Vec<VItem> = Vec::new();
    let mut facts: Vec<String> = Vec::new();
    facts.push(format!("{}{}", m.title, m.subtitle.as_deref().map(|x| format!(": {x}")).unwrap_or_default()));
    if let Some(e) = &m.edition {
        facts.push(e.clone());
    }
    if let Some(d) = m.date {
        facts.push(format!("{} {}", tr(Key::Published), d.long(&m.language)));
    }
    if let Some(p) = &m.publisher {
        facts.push(format!("{}: {p}", tr(Key::Publisher)));
    }
    facts.push(format!("{}: {}", tr(Key::Identifier), m.identifier));
    if let Some(r) = &m.rights {
        facts.push(r.clone());
    }
    let families: BTreeSet<&str> = fonts.fonts.iter().map(|f| f.family.as_str()).collect();
    facts.extend(extras.colophon.iter().cloned());
    facts.push(format!("{} {} (SIL Open Font License), quire {}.", tr(Key::SetIn), families.into_iter().collect::<Vec<_>>().join(" & "), env!("CARGO_PKG_VERSION")));
    for f in facts {
        let p = s.node(cp, SKind::P);
        lines.extend(s.para_lines(vec![Span { text: f, style: small, link: None, note: None, model_offset: None }], g.measure(), 0.0, Align::Ragged, g.leading * 0.8, 0.0, p, None, false));
        lines.push(VItem::Space(g.leading * 0.4));
    }
    let total: f32 = lines.iter().map(VItem::height).sum();
    let mut v = vec![VItem::Space((g.block_height() - total - 1.0).max(0.0))];
    v.extend(lines);
    seqs.push(Sequence { items: v, head: None, plain: true, opens_recto: false, doc: "titlepage".into() });

    // Contents.
    let has_parts = book.parts.iter().any(|p| p.title.is_some());
    let tocn = s.node(0, SKind::Toc);
    let mut v = vec![VItem::Space(g.leading * 3.0)];
    let th = s.node(tocn, SKind::H(1, tr(Key::Contents).into()));
    let mut h = s.text_lines(tr(Key::Contents), s.style(Face::Regular, g.body * 1.36), Align::Center, g.body * 1.75, th);
    mark_heading(&mut h, "contents");
    v.extend(h);
    v.push(VItem::Space(g.leading * 1.5));
    let mut entries: Vec<(String, String, f32, bool)> = Vec::new(); // (label, anchor, indent, bold-ish)
    for ch in &book.front {
        entries.push((ch.label(), ch.id.clone(), 0.0, false));
    }
    for (pi, part) in book.parts.iter().enumerate() {
        if let Some(t) = &part.title {
            entries.push((format!("{} {}: {t}", tr(Key::Part), crate::epub::xml::roman(pi + 1)), part.id.clone(), 0.0, true));
        }
        for ch in &part.chapters {
            entries.push((ch.label(), ch.id.clone(), if has_parts { g.body * 1.5 } else { 0.0 }, false));
        }
    }
    for ch in &book.back {
        entries.push((ch.label(), ch.id.clone(), 0.0, false));
    }
    for (label, anchor, indent, part) in entries {
        let item = s.node(tocn, SKind::TocItem);
        let page = toc.get(&anchor).cloned().unwrap_or_else(|| "00".into());
        if part {
            v.push(VItem::Space(g.leading * 0.5));
        }
        v.extend(s.toc_entry(&label, &page, &anchor, indent, item));
    }
    seqs.push(Sequence { items: v, head: Some(tr(Key::Contents).into()), plain: false, opens_recto: true, doc: "toc".into() });
    if g.teacher_page {
        let v = s.teacher_page(book);
        seqs.push(Sequence { items: v, head: Some(tr(Key::AboutEdition).into()), plain: false, opens_recto: true, doc: "toc".into() });
    }

    // Front matter chapters.
    for ch in &book.front {
        outline.push(OutlineItem { title: ch.label(), level: 0, anchor: ch.id.clone() });
        let items = s.chapter(ch, 0, 1);
        seqs.push(Sequence { items, head: Some(ch.title_text()), plain: false, opens_recto: true, doc: ch.id.clone() });
    }
    let first_body = seqs.len();
    for (pi, part) in book.parts.iter().enumerate() {
        let parent = if let Some(t) = &part.title {
            let pn = s.node(0, SKind::Part);
            outline.push(OutlineItem { title: format!("{} {}: {t}", tr(Key::Part), crate::epub::xml::roman(pi + 1)), level: 0, anchor: part.id.clone() });
            let h = s.node(pn, SKind::H(1, t.clone()));
            let mut v = vec![VItem::Space(g.block_height() * 0.3)];
            let mut l1 = s.simple_lines(&[Inline::SmallCaps(vec![Inline::Text(format!("{} {}", tr(Key::Part), crate::epub::xml::roman(pi + 1)))])], s.style(Face::Regular, g.body * 1.2), Align::Center, g.leading * 1.6, h, None);
            mark_heading(&mut l1, &part.id);
            v.extend(l1);
            let mut l2 = s.text_lines(t, s.style(Face::Regular, g.body * 1.8), Align::Center, g.body * 2.3, h);
            mark_heading(&mut l2, &format!("{}-title", part.id));
            v.extend(l2);
            seqs.push(Sequence { items: v, head: None, plain: true, opens_recto: true, doc: part.id.clone() });
            pn
        } else {
            0
        };
        for ch in &part.chapters {
            outline.push(OutlineItem { title: ch.label(), level: if part.title.is_some() { 1 } else { 0 }, anchor: ch.id.clone() });
            let items = s.chapter(ch, parent, if part.title.is_some() { 2 } else { 1 });
            let head = match &ch.letter {
                Some(l) => {
                    let date = l.date.map(|d| format!(", {}", d.long(&book.meta.language))).unwrap_or_default();
                    Some(format!("{}{date}", ch.label()))
                }
                None => Some(ch.title_text()),
            };
            seqs.push(Sequence { items, head, plain: false, opens_recto: true, doc: ch.id.clone() });
        }
    }
    for ch in &book.back {
        outline.push(OutlineItem { title: ch.label(), level: 0, anchor: ch.id.clone() });
        let items = s.chapter(ch, 0, 1);
        seqs.push(Sequence { items, head: Some(ch.title_text()), plain: false, opens_recto: true, doc: ch.id.clone() });
    }

    if !extras.cite.is_empty() {
        outline.push(OutlineItem { title: tr(Key::HowToCite).into(), level: 0, anchor: "how-to-cite".into() });
        let sect = s.node(0, SKind::Sect);
        let mut v = vec![VItem::Space(g.leading * 3.0)];
        let h = s.node(sect, SKind::H(1, tr(Key::HowToCite).into()));
        let mut t = s.text_lines(tr(Key::HowToCite), s.style(Face::Regular, g.body * 1.36), Align::Center, g.body * 1.75, h);
        mark_heading(&mut t, "how-to-cite");
        v.extend(t);
        v.push(VItem::Space(g.leading * 1.5));
        for (i, p) in extras.cite.iter().enumerate() {
            let n = s.node(sect, SKind::P);
            let st = s.style(Face::Regular, g.body);
            v.extend(s.para_lines(vec![Span { text: p.clone(), style: st, link: None, note: None, model_offset: None }], g.measure(), if i == 0 { 0.0 } else { g.body }, Align::Justify, g.leading, 0.0, n, None, false));
        }
        seqs.push(Sequence { items: v, head: Some(tr(Key::HowToCite).into()), plain: false, opens_recto: true, doc: "how-to-cite".into() });
    }

    if !s.missing.is_empty() {
        return Err(s
            .missing
            .iter()
            .map(|(c, loc)| {
                Diagnostic::error(format!("the character `{c}` (U+{:04X}) is missing from every font", *c as u32))
                    .at(loc.clone())
                    .help("replace the character, or add a font that has it in book.toml [fonts]")
            })
            .collect());
    }
    if s.warnings.iter().any(Diagnostic::is_error) {
        return Err(s.warnings);
    }

    // Paginate and place.
    let mut pages: Vec<PageOut> = Vec::new();
    let mut marks: Vec<PageMark> = Vec::new();
    let mut anchors: BTreeMap<String, (usize, f32)> = BTreeMap::new();
    let mut report = Report::default();
    let mut roman_n = 0;
    let mut arabic_n = 0;
    let book_title = m.title.clone();
    for (si, mut seq) in seqs.into_iter().enumerate() {
        let needs_recto = (si == first_body && g.blank_pages) || (seq.opens_recto && g.recto_openings);
        if needs_recto && pages.len() % 2 == 1 {
            // A truly blank verso: no head, no folio. Before the body it ends the front matter.
            let label = if si <= first_body {
                roman_n += 1;
                Label::Roman(roman_n)
            } else {
                arabic_n += 1;
                Label::Arabic(arabic_n)
            };
            pages.push(PageOut { label, items: Vec::new() });
            marks.push(PageMark::Follow);
        }
        let mut line_no = 0usize;
        let plans = s.paginate(&seq.items);
        // Items are moved onto the pages, not copied.
        let mut slots: Vec<Option<VItem>> = std::mem::take(&mut seq.items).into_iter().map(Some).collect();
        for (pi, plan) in plans.iter().enumerate() {
            let index = pages.len();
            let label = if si < first_body {
                roman_n += 1;
                Label::Roman(roman_n)
            } else {
                arabic_n += 1;
                Label::Arabic(arabic_n)
            };
            let mut page = PageOut { label, items: Vec::new() };
            let left = g.left(index);
            // Where this page starts in the text, for the EPUB's page-break markers.
            let first_mark = plan.items.iter().find_map(|&k| match &slots[k] {
                Some(VItem::Line(VLine { mark: Some((c, n)), offset: Some(o), .. })) => Some(PageMark::Paragraph { chapter: c.clone(), n: *n, offset: *o }),
                _ => None,
            });
            marks.push(if pi == 0 { PageMark::Start(seq.doc.clone()) } else { first_mark.unwrap_or(PageMark::Follow) });
            let mut y = g.top;
            for &k in plan.floats.iter().chain(plan.items.iter()) {
                let top = y;
                let Some(item) = slots[k].take() else { continue };
                let (para_number, numbered, leading) = match &item {
                    VItem::Line(l) => (l.para_number, l.numbered, l.leading),
                    _ => (None, false, 0.0),
                };
                place(&mut page, item, left, &mut y, index, &mut anchors, &mut report, &g);
                if let Some(pn) = para_number
                    && g.paragraph_numbers
                {
                    // Paragraph numbers stand in the left margin, next to the text: placed before
                    // the line, they never come between a hyphenated word's halves when the text
                    // is copied or extracted.
                    let st = Style::new(Face::Italic, g.body * 0.72);
                    let t = pn.to_string();
                    let w = text_width(&mut s.eng.shaper, &t, st);
                    let x = left - 0.6 * g.body - w;
                    push_text(&mut page, &mut s.eng.shaper, &t, st, x, top + leading * 0.78, Artifact::ParagraphNumber);
                }
                if numbered && g.line_numbers > 0 {
                    line_no += 1;
                    if line_no.is_multiple_of(g.line_numbers) {
                        let st = Style::new(Face::Regular, g.body * 0.7);
                        let t = line_no.to_string();
                        let w = text_width(&mut s.eng.shaper, &t, st);
                        // Left margin, for the same reason as paragraph numbers.
                        let gap = if g.paragraph_numbers { 2.6 * g.body } else { 0.8 * g.body };
                        let x = left - gap - w;
                        push_text(&mut page, &mut s.eng.shaper, &t, st, x, top + leading * 0.78, Artifact::LineNumber);
                    }
                }
            }
            if !plan.notes.is_empty() {
                let nh: f32 = plan.notes.iter().map(|(n, f, t)| s.notes[n][*f..*t].iter().map(VItem::height).sum::<f32>()).sum();
                let mut ny = g.height - g.bottom - nh;
                page.items.push(Placed::Rule { x0: left, x1: left + 48.0, y: ny - g.leading * 0.45, width: 0.4 });
                for (n, f, t) in &plan.notes {
                    for it in &s.notes[n][*f..*t] {
                        place(&mut page, it.clone(), left, &mut ny, index, &mut anchors, &mut report, &g);
                    }
                }
            }
            // Running head and folio.
            let opening = pi == 0;
            if !seq.plain || !opening {
                let folio = label.text();
                let hs = Style::new(Face::Italic, g.body * 0.82);
                let fs = Style::new(Face::Regular, g.body * 0.82);
                let head_y = g.top - g.leading * 1.1;
                if opening || seq.plain {
                    let w = text_width(&mut s.eng.shaper, &folio, fs);
                    push_text(&mut page, &mut s.eng.shaper, &folio, fs, g.width / 2.0 - w / 2.0, g.height - g.bottom + g.leading * 1.6, Artifact::Footer);
                } else {
                    let recto = index.is_multiple_of(2);
                    let head = if recto { seq.head.clone().unwrap_or(book_title.clone()) } else { book_title.clone() };
                    let head = fit_text(&mut s.eng.shaper, &head, hs, g.measure() - 40.0);
                    let hw = text_width(&mut s.eng.shaper, &head, hs);
                    push_text(&mut page, &mut s.eng.shaper, &head, hs, left + (g.measure() - hw) / 2.0, head_y, Artifact::Header);
                    let fw = text_width(&mut s.eng.shaper, &folio, fs);
                    let fx = if recto { left + g.measure() - fw } else { left };
                    push_text(&mut page, &mut s.eng.shaper, &folio, fs, fx, head_y, Artifact::Header);
                }
            }
            pages.push(page);
        }
    }
    // Pad the page count (print on demand wants a multiple of 4).
    while !pages.len().is_multiple_of(g.pad_to.max(1)) {
        arabic_n += 1;
        pages.push(PageOut { label: Label::Arabic(arabic_n), items: Vec::new() });
        marks.push(PageMark::Follow);
    }
    check_breaks(&mut report);
    report.warnings = s.warnings;
    Ok(Layout { width: g.width, height: g.height, pages, nodes: s.nodes, contents: s.next_content, anchors, outline, report, marks })
}

/// Finds the widows, orphans and stranded headings the pages actually have.
fn check_breaks(report: &mut Report) {
    let lines = &report.lines;
    for w in lines.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.page == b.page || a.para.0 != b.para.0 {
            continue;
        }
        // A paragraph continues from page a to page b.
        if a.para.1 == 0 {
            report.orphans.push((a.page, a.source.0.clone(), a.source.1));
        }
        if b.para.1 + 1 == b.para.2 {
            report.widows.push((b.page, b.source.0.clone(), b.source.1));
        }
    }
    // A heading is stranded when it ends a page that also holds other text.
    report.stranded_headings = report.last_line_heading.iter().filter(|(_, (last, other))| *last && *other).map(|(p, _)| *p).collect();
}

impl Setter<'_, '_> {
    /// "About this edition": a short page for teachers.
    fn teacher_page(&mut self, book: &Book) -> Vec<VItem> {
        let g = self.g;
        let sect = self.node(0, SKind::Sect);
        let mut v = vec![VItem::Space(g.leading * 3.0)];
        let title = crate::i18n::t(&self.lang, Key::AboutEdition);
        let h = self.node(sect, SKind::H(1, title.into()));
        let mut t = self.text_lines(title, self.style(Face::Regular, g.body * 1.36), Align::Center, g.body * 1.75, h);
        mark_heading(&mut t, "about-this-edition");
        v.extend(t);
        v.push(VItem::Space(g.leading * 1.5));
        let letters: Vec<String> = book
            .chapters()
            .filter_map(|c| {
                let l = c.letter.as_ref()?;
                Some(format!("{} {} ({})", l.kind.name(), l.number.clone().unwrap_or_default(), l.date.map(|d| d.long(&book.meta.language)).unwrap_or_default()))
            })
            .collect();
        let mut paras = vec![format!(
            "This printing of {} is made for the classroom. It has {} chapters{}.",
            book.meta.title,
            book.chapters().count(),
            if letters.is_empty() { String::new() } else { format!(", among them {}", letters.join(", ")) }
        )];
        if g.line_numbers > 0 {
            paras.push(format!("Every {}th line of the text is numbered in the outer margin; the count starts again with each chapter and letter, so a passage can be found by its chapter and line.", g.line_numbers));
        }
        paras.push("The wide outer margin is left free for notes. Each letter ends with a note naming its source; the Note on the Text lists every change made to the source text.".into());
        paras.push(format!("Cite this edition by its title, edition and identifier ({}), and cite a letter by its number, date and page.", book.meta.identifier));
        let mut first = true;
        for p in paras {
            let n = self.node(sect, SKind::P);
            let st = self.style(Face::Regular, g.body);
            let indent = if first { 0.0 } else { g.body };
            first = false;
            v.extend(self.para_lines(vec![Span { text: p, style: st, link: None, note: None, model_offset: None }], g.measure(), indent, Align::Justify, g.leading, 0.0, n, None, false));
        }
        v
    }

    fn toc_entry(&mut self, label: &str, page: &str, anchor: &str, indent: f32, node: usize) -> Vec<VItem> {
        let g = self.g;
        let st = self.style(Face::Regular, g.body);
        let num_w = text_width(&mut self.eng.shaper, page, st);
        let width = g.measure() - indent - num_w - 2.0 * g.body;
        let spans = vec![Span { text: label.to_string(), style: st, link: Some(Link::Anchor(anchor.to_string())), note: None, model_offset: None }];
        // Entries that wrap hang: continuation lines are indented by 1.5 em.
        let hang = 1.5 * g.body;
        let mut v = self.para_lines(spans, width - hang, -hang, Align::Ragged, g.leading, indent + hang, node, None, false);
        keep_all(&mut v);
        if let Some(VItem::Line(last)) = v.last_mut() {
            // Leaders and the page number.
            let end = last.runs.iter().map(|(r, _)| r.x + r.width()).fold(0.0f32, f32::max);
            let dot = text_width(&mut self.eng.shaper, ".", st);
            let gap = dot * 2.2;
            let start = end + gap;
            let stop = g.measure() - indent - hang - num_w - gap;
            let mut dots = String::new();
            let mut x = (start / gap).ceil() * gap;
            let mut glyphs = Vec::new();
            let dg = self.eng.shaper.shape(st.face, false, ".");
            let scale = st.size / self.eng.shaper.units_per_em(st.face);
            let x0 = x;
            while x + dot <= stop {
                if let Some(gl) = dg.first() {
                    let adv = if x + gap + dot <= stop { gap } else { gl.x_advance as f32 * scale };
                    glyphs.push(PGlyph { id: gl.id, advance: adv, dx: 0.0, dy: 0.0, range: dots.len()..dots.len() + 1 });
                    dots.push('.');
                }
                x += gap;
            }
            let c = self.content(node);
            if !glyphs.is_empty() {
                last.runs.push((Run { x: x0, style: st, link: None, glyphs, text: dots, expand: 1.0 }, usize::MAX));
            }
            let ng = self.eng.shaper.shape(st.face, false, page);
            let glyphs: Vec<PGlyph> = ng
                .iter()
                .map(|gl| PGlyph { id: gl.id, advance: gl.x_advance as f32 * scale, dx: 0.0, dy: 0.0, range: 0..page.len() })
                .collect();
            let nx = g.measure() - indent - hang - num_w;
            last.runs.push((Run { x: nx, style: st, link: Some(Link::Anchor(anchor.to_string())), glyphs, text: page.to_string(), expand: 1.0 }, c));
            last.links.push((nx, nx + num_w, Link::Anchor(anchor.to_string()), node));
        }
        v
    }
}

fn text_width(sh: &mut Shaper, text: &str, st: Style) -> f32 {
    let g = sh.shape(st.face, st.smcp, text);
    crate::text::shape::width(&g) as f32 * st.size / sh.units_per_em(st.face)
}

/// Shortens `text` with an ellipsis to fit `max` points.
fn fit_text(sh: &mut Shaper, text: &str, st: Style, max: f32) -> String {
    if text_width(sh, text, st) <= max {
        return text.to_string();
    }
    let mut words: Vec<&str> = text.split_whitespace().collect();
    while words.len() > 1 {
        words.pop();
        let t = format!("{}…", words.join(" ").trim_end_matches([',', ';', ':']));
        if text_width(sh, &t, st) <= max {
            return t;
        }
    }
    text.to_string()
}

fn push_text(page: &mut PageOut, sh: &mut Shaper, text: &str, st: Style, x: f32, y: f32, artifact: Artifact) {
    let g = sh.shape(st.face, st.smcp, text);
    let scale = st.size / sh.units_per_em(st.face);
    let glyphs: Vec<PGlyph> = g
        .iter()
        .enumerate()
        .map(|(i, gl)| {
            let end = g.get(i + 1).map(|x| x.cluster as usize).unwrap_or(text.len());
            PGlyph { id: gl.id, advance: gl.x_advance as f32 * scale, dx: gl.x_offset as f32 * scale, dy: gl.y_offset as f32 * scale, range: gl.cluster as usize..end.max(gl.cluster as usize) }
        })
        .collect();
    page.items.push(Placed::Text { x, y, run: Run { x: 0.0, style: st, link: None, glyphs, text: text.to_string(), expand: 1.0 }, content: None, artifact: Some(artifact) });
}

#[allow(clippy::too_many_arguments)]
fn place(page: &mut PageOut, it: VItem, left: f32, y: &mut f32, index: usize, anchors: &mut BTreeMap<String, (usize, f32)>, report: &mut Report, g: &Geometry) {
    match it {
        VItem::Space(h) => *y += h,
        VItem::Rule { width, height, left: at_left } => {
            let x0 = if at_left { left } else { left + (g.measure() - width) / 2.0 };
            page.items.push(Placed::Rule { x0, x1: x0 + width, y: *y + height / 2.0, width: 0.4 });
            *y += height;
        }
        VItem::Line(l) => place_line(page, l, left, y, index, anchors, report),
        VItem::Figure(f) => {
            let top = *y;
            for a in &f.anchors {
                anchors.entry(a.clone()).or_insert((index, top));
            }
            let x = left + (g.measure() - f.w) / 2.0;
            if f.kind == ImageKind::Svg {
                page.items.push(Placed::Frame { x, y: top + 4.0, w: f.w, h: f.h, content: f.content });
            } else {
                page.items.push(Placed::Image { x, y: top + 4.0, w: f.w, h: f.h, path: f.path, content: f.content });
            }
            *y += f.h + 8.0;
            for l in f.caption {
                place_line(page, l, left, y, index, anchors, report);
            }
            *y += 6.0;
        }
    }
}

fn place_line(page: &mut PageOut, l: VLine, left: f32, y: &mut f32, index: usize, anchors: &mut BTreeMap<String, (usize, f32)>, report: &mut Report) {
    let top = *y;
    let base = top + l.leading * 0.78;
    for a in l.anchors {
        anchors.entry(a).or_insert((index, top));
    }
    for (r, c) in l.runs {
        let content = if c == usize::MAX { None } else { Some(c) };
        page.items.push(Placed::Text {
            x: left + l.x + r.x,
            y: base - r.style.rise,
            run: r,
            content,
            artifact: if content.is_none() { Some(Artifact::Layout) } else { None },
        });
    }
    for (x0, x1, target, node) in l.links {
        page.items.push(Placed::Link { x0: left + l.x + x0, y0: top, x1: left + l.x + x1, y1: top + l.leading, target, node });
    }
    if let Some(st) = l.stat {
        report.lines.push(LineStat { page: index, para: l.para.unwrap_or((0, 0, 1)), ..st });
    }
    let e = report.last_line_heading.entry(index).or_insert((false, false));
    e.0 = l.heading;
    e.1 |= !l.heading;
    *y += l.leading;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(keep: bool, notes: &[&str]) -> VItem {
        VItem::Line(VLine {
            runs: vec![],
            links: vec![],
            x: 0.0,
            leading: 14.0,
            keep_with_next: keep,
            notes: notes.iter().map(|s| s.to_string()).collect(),
            anchors: vec![],
            stat: None,
            para: None,
            heading: false,
            numbered: true,
            para_number: None,
            offset: None,
            mark: None,
        })
    }

    /// A paragraph of `n` lines with widow and orphan protection, as `vline` marks them.
    fn para(n: usize) -> Vec<VItem> {
        (0..n).map(|i| line(n >= 2 && (i == 0 || i + 2 == n), &[])).collect()
    }

    fn with_setter(f: impl FnOnce(&mut Setter)) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = BookDir::open(root).unwrap();
        let cfg = crate::config::parse("[metadata]\ntitle = \"T\"\n[contents]\nchapters = [\"a.md\"]\n").unwrap();
        let fonts = FontSet::load(&dir, &cfg).unwrap();
        // A text block of exactly ten 14 pt lines.
        let g = Geometry {
            width: 300.0,
            height: 140.0,
            top: 0.0,
            bottom: 0.0,
            inner: 20.0,
            outer: 20.0,
            body: 11.0,
            leading: 14.0,
            recto_openings: false,
            blank_pages: true,
            pad_to: 1,
            line_numbers: 0,
            teacher_page: false,
            paragraph_numbers: false,
        };
        let mut eng = Engine::new(&fonts, "en", 8);
        let mut s = Setter {
            g,
            eng: &mut eng,
            dir: &dir,
            nodes: vec![SNode { kind: SKind::Document, children: vec![] }],
            next_content: 0,
            para_serial: 0,
            missing: BTreeMap::new(),
            notes: BTreeMap::new(),
            warnings: vec![],
            chapter_ids: BTreeMap::new(),
            lang: "en".into(),
        };
        f(&mut s);
    }

    fn lines_on(plan: &Plan) -> usize {
        plan.items.len()
    }

    #[test]
    fn no_orphan_the_first_line_moves_on() {
        with_setter(|s| {
            let mut items: Vec<VItem> = (0..9).map(|_| line(false, &[])).collect();
            items.extend(para(4));
            let plans = s.paginate(&items);
            assert_eq!(lines_on(&plans[0]), 9, "the paragraph's first line does not stay alone at the foot");
            assert_eq!(lines_on(&plans[1]), 4);
        });
    }

    #[test]
    fn no_widow_the_last_line_takes_a_companion() {
        with_setter(|s| {
            let mut items: Vec<VItem> = (0..6).map(|_| line(false, &[])).collect();
            items.extend(para(5)); // lines 7..11: line 11 would be alone on page 2
            let plans = s.paginate(&items);
            assert_eq!(lines_on(&plans[0]), 9, "one line goes over with the last");
            assert_eq!(lines_on(&plans[1]), 2);
        });
    }

    #[test]
    fn headings_keep_with_the_next_two_lines() {
        with_setter(|s| {
            let mut items: Vec<VItem> = (0..8).map(|_| line(false, &[])).collect();
            let mut h = vec![line(false, &[])];
            mark_heading(&mut h, "h");
            items.extend(h);
            items.push(VItem::Space(7.0));
            items.extend(para(3));
            let plans = s.paginate(&items);
            assert_eq!(lines_on(&plans[0]), 8, "heading not left at the foot");
        });
    }

    #[test]
    fn footnotes_go_on_the_page_of_their_reference_and_split_when_they_must() {
        with_setter(|s| {
            s.notes.insert("n1".into(), (0..2).map(|_| line(false, &[])).collect());
            s.notes.insert("n2".into(), (0..6).map(|_| line(false, &[])).collect());
            let mut items: Vec<VItem> = vec![line(false, &["n1"])];
            items.extend((0..5).map(|_| line(false, &[])));
            items.push(line(false, &["n2"]));
            items.extend((0..5).map(|_| line(false, &[])));
            let plans = s.paginate(&items);
            assert_eq!(plans[0].notes[0], ("n1".to_string(), 0, 2), "note 1 whole on page 1");
            // Page 1: 7 body lines + rule + 2 lines of n1 leave no room; n2's reference goes on
            // when at least its first line fits, and the rest continues on the next page.
            let n2_first: Vec<_> = plans.iter().enumerate().filter(|(_, p)| p.notes.iter().any(|n| n.0 == "n2" && n.1 == 0)).collect();
            assert_eq!(n2_first.len(), 1);
            let (_, p) = n2_first[0];
            assert!(p.items.contains(&6), "the reference and the start of its note share a page");
            let total: usize = plans.iter().flat_map(|p| p.notes.iter()).filter(|n| n.0 == "n2").map(|n| n.2 - n.1).sum();
            assert_eq!(total, 6, "every line of the long note is printed once");
        });
    }

    #[test]
    fn a_figure_that_does_not_fit_floats_to_the_next_page_and_text_flows_past() {
        with_setter(|s| {
            let fig = VItem::Figure(Box::new(VFigure { path: String::new(), kind: ImageKind::Png, w: 100.0, h: 70.0, content: 0, caption: vec![], anchors: vec![] }));
            let mut items: Vec<VItem> = (0..7).map(|_| line(false, &[])).collect();
            items.push(fig);
            items.extend((0..3).map(|_| line(false, &[])));
            let plans = s.paginate(&items);
            assert_eq!(plans[0].items, vec![0, 1, 2, 3, 4, 5, 6, 8, 9, 10], "text flows past the figure");
            assert_eq!(plans[1].floats, vec![7], "the figure heads the next page");
        });
    }
}
