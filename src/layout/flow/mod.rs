//! Flow: the model → vertical lists. One `Flow` walks a book for one layout pass: it builds the
//! structure tree (nodes and content slots), sets paragraphs through the `Engine`, and collects
//! footnotes and diagnostics.

mod blocks;
mod chapter;
mod figure;
mod groups;
mod matter;
mod spans;
mod table;

use super::engine::{Engine, para_key};
use super::geometry::Geometry;
use super::inline::{Align, InlineImage, Link, PGlyph, ParaSpec, Problems, Run, SetLine, Span, Style, set_paragraph};
use super::place::text_width;
use super::vlist::{VFigure, VItem, VLine, keep_all, mark_heading};
use super::*;
use crate::diag::{Diagnostic, Location};
use crate::i18n::Key;
use crate::model::pagemap::DocId;
use crate::model::{Block, Book, Chapter, Figure, Inline, plain_text};
use crate::source::BookDir;
use crate::text::fonts::Face;
use std::collections::BTreeMap;

/// A page sequence: starts on a new page.
pub(super) struct Sequence {
    pub items: Vec<VItem>,
    /// Running head for rectos (None: the book title on both sides).
    pub head: Option<String>,
    /// No running heads at all on this sequence (title pages, part pages).
    pub plain: bool,
    /// Opens on a recto when the profile asks for recto openings.
    pub opens_recto: bool,
    /// The document this sequence belongs to (for the page map).
    pub doc: DocId,
}

/// How a paragraph is set: measure, first-line indent, alignment, leading, left offset.
#[derive(Debug, Clone, Copy)]
pub(super) struct ParaLook {
    pub width: f32,
    pub indent: f32,
    pub align: Align,
    pub leading: f32,
    pub x: f32,
}

/// Where a set line comes from: its paragraph, its place in it, and the manuscript line.
#[derive(Clone, Copy)]
struct LineOrigin<'s> {
    serial: usize,
    index: usize,
    count: usize,
    look: ParaLook,
    node: usize,
    source: Option<(&'s str, u32)>,
    body_stats: bool,
}

/// What a finished flow hands to pagination.
pub(super) struct Flowed {
    pub nodes: Vec<SNode>,
    pub contents: ContentId,
    pub notes: BTreeMap<String, Vec<VItem>>,
    pub warnings: Vec<Diagnostic>,
}

pub(super) struct Flow<'a, 'e> {
    g: Geometry,
    eng: &'e mut Engine<'a>,
    dir: &'a BookDir,
    nodes: Vec<SNode>,
    next_content: ContentId,
    para_serial: usize,
    notes: BTreeMap<String, Vec<VItem>>,
    warnings: Vec<Diagnostic>,
    /// The book's language (for the words quire adds).
    lang: String,
    /// Chapters whose nesting was too deep for the measure (reported once each).
    narrowed: std::collections::BTreeSet<String>,
    /// Tables set so far (a table's lines carry its serial).
    table_serial: usize,
    /// The language of the passage being set (`Hyph::lang_id`; 0: the book's).
    passage_lang: u8,
    /// The text set between sections (`***`), or None for a short rule.
    pub(in crate::layout) section_break: Option<String>,
}

const EM_INDENT: f32 = 1.0;

/// The narrowest measure quire indents a quotation or list to, in ems of the body size.
const MIN_MEASURE_EM: f32 = 8.0;

impl<'a, 'e> Flow<'a, 'e> {
    pub(in crate::layout) fn new(g: Geometry, eng: &'e mut Engine<'a>, dir: &'a BookDir, book: &Book) -> Flow<'a, 'e> {
        Flow {
            g,
            eng,
            dir,
            nodes: vec![SNode { kind: SKind::Document, children: Vec::new() }],
            next_content: 0,
            para_serial: 0,
            notes: BTreeMap::new(),
            warnings: Vec::new(),
            lang: book.meta.language.clone(),
            narrowed: Default::default(),
            table_serial: 0,
            passage_lang: 0,
            section_break: None,
        }
    }

    /// Ends the flow: its errors (images that cannot be used), or what pagination needs.
    /// Characters no font has were reported at load (`text::coverage`) and are drawn as boxes.
    pub(in crate::layout) fn finish(self) -> Result<Flowed, Vec<Diagnostic>> {
        if self.warnings.iter().any(Diagnostic::is_error) {
            return Err(self.warnings);
        }
        Ok(Flowed { nodes: self.nodes, contents: self.next_content, notes: self.notes, warnings: self.warnings })
    }

    pub(super) fn node(&mut self, parent: usize, kind: SKind) -> usize {
        self.nodes.push(SNode { kind, children: Vec::new() });
        let id = self.nodes.len() - 1;
        self.nodes[parent].children.push(SChild::Node(id));
        id
    }

    pub(super) fn content(&mut self, node: usize) -> ContentId {
        let c = self.next_content;
        self.next_content += 1;
        self.nodes[node].children.push(SChild::Content(c));
        c
    }

    /// The inset a nested quotation or list may take from `width`: `wanted`, or nothing when
    /// that would leave less than the narrowest measure (reported once per chapter).
    pub(super) fn inset(&mut self, width: f32, wanted: f32, ch: &Chapter, pos: crate::model::Pos) -> f32 {
        if width - wanted >= MIN_MEASURE_EM * self.g.text.body {
            return wanted;
        }
        if self.narrowed.insert(ch.id.clone()) {
            self.warnings.push(
                Diagnostic::warning("quotations and lists are nested too deep for the page: the measure would be too narrow, so the deeper levels are not indented further")
                    .at(Location { file: ch.file.clone(), line: pos.line as usize, column: pos.column as usize, line_text: String::new() })
                    .help("nest fewer block quotes and lists here"),
            );
        }
        0.0
    }

    /// Sets a paragraph and turns its lines into vertical-list lines tagged under `node`.
    pub(super) fn para_lines(
        &mut self,
        spans: Vec<Span>,
        look: ParaLook,
        node: usize,
        source: Option<(&str, u32)>,
        body_stats: bool,
    ) -> Vec<VItem> {
        let ParaLook { width, indent, align, .. } = look;
        let spec = ParaSpec { spans, width, indent, align, hyphenate: align == Align::Justify || align == Align::Ragged };
        let mut problems = Problems { missing: Vec::new() };
        let key = para_key(&spec, &self.eng.hyph);
        let lines = match self.eng.lookup(key) {
            Some(l) => l,
            None => {
                let l = set_paragraph(&spec, &mut self.eng.shaper, &self.eng.hyph, &mut problems);
                if problems.missing.is_empty() {
                    self.eng.store(key, &l);
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
        self.para_serial += 1;
        let serial = self.para_serial;
        let n = lines.len();
        let mut out = Vec::new();
        // Link → its structure node (a map: a paragraph may hold 100,000 links).
        let mut link_nodes: std::collections::HashMap<Link, usize> = std::collections::HashMap::new();
        for (li, line) in lines.into_iter().enumerate() {
            let origin = LineOrigin { serial, index: li, count: n, look, node, source, body_stats };
            let mut v = self.vline(line, &origin, &mut link_nodes);
            v.offset = offsets[li];
            out.push(VItem::Line(v));
        }
        out
    }

    fn vline(&mut self, line: SetLine, o: &LineOrigin, link_nodes: &mut std::collections::HashMap<Link, usize>) -> VLine {
        let LineOrigin { serial, index: li, count: n, node, source, body_stats, .. } = *o;
        let ParaLook { leading, x, .. } = o.look;
        let mut runs = Vec::new();
        for r in line.runs {
            // An inline image is a figure of its own in the structure, with its alt text.
            if let Some(obj) = &r.object {
                let fig = self.node(node, SKind::Figure(obj.alt.clone()));
                let c = self.content(fig);
                runs.push((r, c));
                continue;
            }
            let target = match &r.link {
                Some(l) => match link_nodes.get(l).map(|id| (l, id)) {
                    Some((_, id)) => *id,
                    None => {
                        let id = self.node(node, SKind::Link);
                        link_nodes.insert(l.clone(), id);
                        id
                    }
                },
                None => node,
            };
            let c = self.content(target);
            runs.push((r, c));
        }
        let mut links = Vec::new();
        for (x0, x1, l) in line.links {
            let ln = link_nodes.get(&l).copied().unwrap_or(node);
            links.push((x0, x1, l, ln));
        }
        // Note references are links to the notes.
        for (note, _r, nx) in &line.notes {
            let l = Link::Anchor(note.clone());
            let ln = link_nodes.get(&l).copied().unwrap_or(node);
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
            justified: o.look.align == Align::Justify,
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
            table: None,
        }
    }

    pub(super) fn simple_lines(
        &mut self,
        inlines: &[Inline],
        style: Style,
        align: Align,
        leading: f32,
        node: usize,
        ch: Option<&Chapter>,
    ) -> Vec<VItem> {
        let mut spans = Vec::new();
        self.spans(inlines, style, ch, &mut spans);
        let src = ch.map(|c| (c.file.clone(), c.pos.line));
        self.para_lines(
            spans,
            ParaLook { width: self.g.measure(), indent: 0.0, align, leading, x: 0.0 },
            node,
            src.as_ref().map(|(f, l)| (f.as_str(), *l)),
            false,
        )
    }

    /// A short label (a list number, a continuation mark) as one run's glyphs in `style`, each
    /// standing for the whole text.
    pub(super) fn glyphs_of(&mut self, style: Style, text: &str) -> Vec<PGlyph> {
        let scale = style.size / self.eng.shaper.units_per_em(style.face);
        let shaped = self.eng.shaper.shape(style.face, style.feats(), text);
        shaped
            .iter()
            .map(|q| PGlyph { id: q.id, advance: q.x_advance as f32 * scale, dx: 0.0, dy: 0.0, range: 0..text.len(), face: q.face })
            .collect()
    }

    /// The face of titles and headings: the book's heading font, else `otherwise`.
    pub(super) fn heading_face(&self, otherwise: Face) -> Face {
        if self.eng.shaper.has(Face::Heading) { Face::Heading } else { otherwise }
    }

    pub(super) fn text_lines(&mut self, text: &str, style: Style, align: Align, leading: f32, node: usize) -> Vec<VItem> {
        self.simple_lines(&[Inline::Text(text.to_string())], style, align, leading, node, None)
    }
}
