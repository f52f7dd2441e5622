//! Blocks → vertical list: paragraphs, headings, quotations, lists, code, tables, rules.

use super::*;

/// Where blocks are set: the chapter, the structure node they go under, the heading level of
/// the chapter, and the measure (narrower inside quotations and lists).
#[derive(Clone, Copy)]
pub(super) struct Frame<'c> {
    pub ch: &'c Chapter,
    pub parent: usize,
    pub level: u8,
    pub width: f32,
    pub x: f32,
}

impl Flow<'_, '_> {
    /// Sets `blocks`; `first` says whether the next paragraph opens a section (no indent).
    pub(super) fn blocks(&mut self, blocks: &[Block], f: Frame, items: &mut Vec<VItem>, first: &mut bool) {
        let g = self.g;
        for b in blocks {
            match b {
                Block::Paragraph { inlines, pos, n } => {
                    items.extend(self.paragraph(&f, inlines, *pos, *n, *first));
                    *first = false;
                    continue;
                }
                Block::Heading { level, id, inlines, pos } => self.heading(&f, *level, id, inlines, *pos, items),
                Block::BlockQuote { blocks, pos } => self.quote(&f, blocks, *pos, items),
                Block::List { start, items: list, tight, pos } => self.list(&f, *start, list, *tight, *pos, items),
                Block::CodeBlock { text, pos, .. } => self.code(&f, text, *pos, items),
                Block::Table { head, rows, pos, align } => self.table(&f, head, rows, align, *pos, items),
                Block::ThematicBreak { .. } => {
                    items.push(VItem::Space(g.text.leading * 0.5));
                    items.push(VItem::Rule { width: 3.0 * g.text.body, height: g.text.leading * 0.5, left: false });
                    items.push(VItem::Space(g.text.leading * 0.5));
                }
                Block::Figure(fig) => {
                    if let Some(v) = self.figure(fig, f.ch, f.parent, f.width) {
                        items.push(VItem::Figure(Box::new(v)));
                    }
                }
                Block::Aside { kind, blocks, pos } => self.aside(&f, *kind, blocks, *pos, items),
                Block::DefinitionList { items: list, pos } => self.definitions(&f, list, *pos, items),
                Block::LineBlock { lines, pos } => self.line_block(&f, lines, *pos, items),
                Block::Details { summary, blocks, .. } => self.details(&f, summary, blocks, items),
                Block::Div { blocks, .. } => self.div(&f, blocks, items),
            }
            *first = true;
        }
    }

    fn paragraph(&mut self, f: &Frame, inlines: &[Inline], pos: crate::model::Pos, n: u32, first: bool) -> Vec<VItem> {
        let g = self.g;
        let p = self.node(f.parent, SKind::P);
        let mut spans = Vec::new();
        let size = if f.x > 0.0 { g.text.body * 0.95 } else { g.text.body };
        self.spans(inlines, Style::new(Face::Regular, size), Some(f.ch), &mut spans);
        let indent = if first { 0.0 } else { EM_INDENT * g.text.body };
        let mut v = self.para_lines(
            spans,
            ParaLook { width: f.width, indent, align: Align::Justify, leading: g.text.leading, x: f.x },
            p,
            Some((&f.ch.file, pos.line)),
            f.x == 0.0,
        );
        if let Some(VItem::Line(l)) = v.first_mut() {
            l.anchors.extend(crate::model::inline_anchors(inlines));
        }
        let mut first_line = true;
        for it in &mut v {
            if let VItem::Line(l) = it {
                l.numbered = true;
                if first_line && n > 0 {
                    l.anchors.push(crate::model::paragraph_id(&f.ch.id, n));
                    l.para_number = Some(n);
                    first_line = false;
                }
                if n > 0 {
                    l.mark = Some((f.ch.id.clone(), n));
                }
            }
        }
        v
    }

    fn heading(&mut self, f: &Frame, hl: u8, id: &str, inlines: &[Inline], pos: crate::model::Pos, items: &mut Vec<VItem>) {
        let g = self.g;
        let lv = (f.level + (hl).max(2) - 1).min(6);
        let h = self.node(f.parent, SKind::H(lv, plain_text(inlines)));
        items.push(VItem::Space(g.text.leading));
        let style = if hl <= 2 {
            Style::new(Face::Italic, g.text.body * 1.1)
        } else {
            Style { smcp: true, ..Style::new(Face::Regular, g.text.body) }
        };
        let mut spans = Vec::new();
        self.spans(inlines, style, Some(f.ch), &mut spans);
        let mut v = self.para_lines(
            spans,
            ParaLook { width: f.width, indent: 0.0, align: Align::Center, leading: g.text.leading, x: f.x },
            h,
            Some((&f.ch.file, pos.line)),
            false,
        );
        mark_heading(&mut v, id);
        items.extend(v);
        items.push(VItem::Space(g.text.leading * 0.5));
    }

    fn quote(&mut self, f: &Frame, blocks: &[Block], pos: crate::model::Pos, items: &mut Vec<VItem>) {
        let g = self.g;
        let q = self.node(f.parent, SKind::BlockQuote);
        items.push(VItem::Space(g.text.leading * 0.5));
        let start = items.len();
        let mut first = true;
        let inset = self.inset(f.width, 3.0 * g.text.body, f.ch, pos) / 2.0;
        self.blocks(blocks, Frame { parent: q, width: f.width - 2.0 * inset, x: f.x + inset, ..*f }, items, &mut first);
        // Short quotations are kept whole.
        if items.len() - start <= 5 {
            keep_all(&mut items[start..]);
        }
        items.push(VItem::Space(g.text.leading * 0.5));
    }

    fn list(&mut self, f: &Frame, start: Option<u64>, list: &[Vec<Block>], tight: bool, pos: crate::model::Pos, items: &mut Vec<VItem>) {
        let g = self.g;
        let l = self.node(f.parent, SKind::L(start.is_some()));
        let inset = self.inset(f.width, 1.5 * g.text.body, f.ch, pos);
        for (k, item) in list.iter().enumerate() {
            let li = self.node(l, SKind::LI);
            let label = match start {
                Some(s) => format!("{}.", s + k as u64),
                None => "•".to_string(),
            };
            let lbl = self.node(li, SKind::Lbl);
            let body = self.node(li, SKind::LBody);
            let before = items.len();
            let mut first = true;
            self.blocks(item, Frame { parent: body, width: f.width - inset, x: f.x + inset, ..*f }, items, &mut first);
            // The label hangs in the indent of the item's first line.
            if let Some(VItem::Line(first_line)) = items[before..].iter_mut().find(|i| matches!(i, VItem::Line(_))) {
                let st = Style::new(Face::Regular, g.text.body);
                let gl = self.eng.shaper.shape(st.face, false, &label);
                let scale = st.size / self.eng.shaper.units_per_em(st.face);
                let glyphs: Vec<PGlyph> = gl
                    .iter()
                    .map(|q| PGlyph { id: q.id, advance: q.x_advance as f32 * scale, dx: 0.0, dy: 0.0, range: 0..label.len() })
                    .collect();
                let lw: f32 = glyphs.iter().map(|g| g.advance).sum();
                let c = self.content(lbl);
                first_line.runs.insert(
                    0,
                    (Run { x: -lw - 0.4 * g.text.body, style: st, link: None, glyphs, text: label.clone(), expand: 1.0, object: None }, c),
                );
            }
            if !tight {
                items.push(VItem::Space(g.text.leading * 0.3));
            }
        }
        items.push(VItem::Space(g.text.leading * 0.3));
    }

    fn code(&mut self, f: &Frame, text: &str, pos: crate::model::Pos, items: &mut Vec<VItem>) {
        let g = self.g;
        let c = self.node(f.parent, SKind::Code);
        items.push(VItem::Space(g.text.leading * 0.4));
        let st = Style::new(Face::Mono, g.text.body * 0.8);
        let cw = {
            let gl = self.eng.shaper.shape(Face::Mono, false, "0");
            crate::text::shape::width(&gl) as f32 * st.size / self.eng.shaper.units_per_em(Face::Mono)
        };
        let per_line = ((f.width / cw).floor() as usize).max(8);
        for raw in text.trim_end_matches('\n').split('\n') {
            let chars: Vec<char> = raw.chars().collect();
            let chunks: Vec<String> =
                if chars.is_empty() { vec![String::new()] } else { chars.chunks(per_line).map(|c| c.iter().collect()).collect() };
            for chunk in chunks {
                let v = if chunk.trim().is_empty() {
                    vec![VItem::Space(g.text.leading * 0.85)]
                } else {
                    let spans = vec![Span {
                        text: chunk.replace(' ', "\u{a0}"),
                        style: st,
                        link: None,
                        note: None,
                        model_offset: None,
                        object: None,
                    }];
                    self.para_lines(
                        spans,
                        ParaLook { width: f.width, indent: 0.0, align: Align::Ragged, leading: g.text.leading * 0.85, x: f.x },
                        c,
                        Some((&f.ch.file, pos.line)),
                        false,
                    )
                };
                items.extend(v);
            }
        }
        items.push(VItem::Space(g.text.leading * 0.4));
    }

    fn table(
        &mut self,
        f: &Frame,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        align: &[crate::model::Align],
        pos: crate::model::Pos,
        items: &mut Vec<VItem>,
    ) {
        let g = self.g;
        let t = self.node(f.parent, SKind::Table);
        items.push(VItem::Space(g.text.leading * 0.5));
        let ncol = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        let colw = f.width / ncol as f32;
        let mut all_rows: Vec<(bool, &[Vec<Inline>])> = Vec::new();
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
                self.spans(cell, Style::new(face, g.text.body * 0.9), Some(f.ch), &mut spans);
                let al = match align.get(ci) {
                    Some(crate::model::Align::Right) => Align::Right,
                    Some(crate::model::Align::Center) => Align::Center,
                    _ => Align::Ragged,
                };
                let v = self.para_lines(
                    spans,
                    ParaLook { width: colw - 6.0, indent: 0.0, align: al, leading: g.text.leading * 0.9, x: f.x + ci as f32 * colw },
                    node,
                    Some((&f.ch.file, pos.line)),
                    false,
                );
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
                items.push(VItem::Rule { width: f.width, height: g.text.leading * 0.3, left: true });
            }
        }
        items.push(VItem::Space(g.text.leading * 0.5));
    }
}
