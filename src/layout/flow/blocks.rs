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
    /// A display page (dedication, epigraph): paragraphs centred, never indented.
    pub centred: bool,
}

impl Flow<'_, '_> {
    /// A chapter's blocks on the page's grid: every block that is not a paragraph of body
    /// lines (a sub-head, quotation, list, code, table, rule…) takes whole lines of the body's
    /// leading — what it lacks shared out as space above and below it — and is followed by a
    /// [`VItem::Grid`], so the text after it is back on the grid even when a page break split
    /// the block or took the space above it.
    pub(super) fn body_blocks(&mut self, blocks: &[Block], f: Frame, items: &mut Vec<VItem>) {
        let lead = self.g.text.leading;
        let mut first = true;
        for b in blocks {
            let start = items.len();
            self.blocks(std::slice::from_ref(b), f, items, &mut first);
            if matches!(b, Block::Paragraph { .. }) || items.len() == start || items[start..].iter().all(VItem::is_float) {
                continue;
            }
            let h: f32 = items[start..].iter().filter(|i| !i.is_float()).map(VItem::height).sum();
            let extra = crate::layout::paginate::grid_up(h, lead) - h;
            if extra > 0.01 {
                match &mut items[start] {
                    VItem::Space(above) => {
                        *above += extra / 2.0;
                        items.push(VItem::Space(extra / 2.0));
                    }
                    // (only the block's own items move)
                    _ => {
                        items.insert(start, VItem::Space(extra / 2.0));
                        items.push(VItem::Space(extra / 2.0));
                    }
                }
            }
            items.push(VItem::Grid);
        }
    }

    /// Sets `blocks`; `first` says whether the next paragraph opens a section (no indent).
    pub(super) fn blocks(&mut self, blocks: &[Block], f: Frame, items: &mut Vec<VItem>, first: &mut bool) {
        let g = self.g;
        for b in blocks {
            match b {
                Block::Paragraph { inlines, pos, n } => {
                    // Spaced paragraphs: a blank line between them instead of an indent.
                    if g.text.spaced && !*first {
                        items.push(VItem::Space(g.text.leading));
                    }
                    items.extend(self.paragraph(&f, inlines, *pos, *n, *first));
                    *first = false;
                    continue;
                }
                Block::Heading { level, id, inlines, pos } => self.heading(&f, *level, id, inlines, *pos, items),
                Block::BlockQuote { blocks, pos } => self.quote(&f, blocks, *pos, items),
                Block::List { start, items: list, tight, pos } => self.list(&f, *start, list, *tight, *pos, items),
                Block::CodeBlock { text, pos, lang } => self.code(&f, text, lang.as_deref(), *pos, items),
                Block::Table { head, rows, pos, align } => self.table(&f, head, rows, align, *pos, items),
                Block::ThematicBreak { .. } => match self.section_break.clone() {
                    Some(text) => {
                        let node = self.node(f.parent, SKind::P);
                        items.push(VItem::Space(g.text.leading * 0.5));
                        let mut v = self.text_lines(&text, Style::new(Face::Regular, g.text.body), Align::Center, g.text.leading, node);
                        keep_all(&mut v);
                        items.extend(v);
                        items.push(VItem::Space(g.text.leading * 0.5));
                    }
                    None => {
                        items.push(VItem::Space(g.text.leading * 0.5));
                        items.push(VItem::Rule { width: 3.0 * g.text.body, height: g.text.leading * 0.5, left: false });
                        items.push(VItem::Space(g.text.leading * 0.5));
                    }
                },
                Block::Figure(fig) => {
                    // On a text page the figure floats to a page's top or foot: the paragraph
                    // after it continues the text and keeps its indent.
                    if let Some(v) = self.figure(fig, f.ch, f.parent, f.width, !f.centred) {
                        items.push(VItem::Figure(Box::new(v)));
                    }
                    if !f.centred {
                        continue;
                    }
                }
                Block::Aside { kind, blocks, pos } => self.aside(&f, *kind, blocks, *pos, items),
                Block::DefinitionList { items: list, pos } => self.definitions(&f, list, *pos, items),
                Block::LineBlock { lines, pos } => self.line_block(&f, lines, *pos, items),
                Block::Details { summary, blocks, .. } => self.details(&f, summary, blocks, items),
                Block::Div { blocks, lang, .. } => self.div(&f, lang.as_deref(), blocks, items),
            }
            *first = true;
        }
    }

    fn paragraph(&mut self, f: &Frame, inlines: &[Inline], pos: crate::model::Pos, n: u32, first: bool) -> Vec<VItem> {
        let g = self.g;
        let p = self.node(f.parent, SKind::P);
        // The paragraph's number, printed in the margin, is its label: the first thing in it.
        let label = (n > 0 && g.furniture.paragraph_numbers).then(|| {
            let l = self.node(p, SKind::Lbl);
            self.content(l)
        });
        let mut spans = Vec::new();
        let size = if f.x > 0.0 { g.text.body * 0.95 } else { g.text.body };
        self.spans(inlines, Style::text(Face::Regular, size), Some(f.ch), &mut spans);
        let indent = if first || f.centred || g.text.spaced { 0.0 } else { EM_INDENT * g.text.body };
        let align = if f.centred { Align::Center } else { Align::Justify };
        let mut v = self.para_lines(
            spans,
            ParaLook { width: f.width, indent, align, leading: g.text.leading, x: f.x },
            p,
            Some((&f.ch.file, pos.line)),
            true,
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
                    l.para_number = label.map(|c| (n, c));
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
            Style::new(self.heading_face(Face::Italic), g.text.body * g.text.headings[1])
        } else {
            match self.heading_face(Face::Regular) {
                Face::Heading => Style::new(Face::Heading, g.text.body * g.text.headings[2]),
                body => Style { smcp: true, ..Style::new(body, g.text.body * g.text.headings[2]) },
            }
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
        // A page that begins here has its marker before the heading (no paragraph number: 0).
        if let Some(VItem::Line(l)) = v.iter_mut().find(|i| matches!(i, VItem::Line(_))) {
            l.mark = Some((f.ch.id.clone(), 0));
        }
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
                let glyphs = self.glyphs_of(st, &label);
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

    /// A code block: each source line one printed line, set ragged in the monospace face. A
    /// line too long for the measure is turned over after its last space or punctuation that
    /// fits (at any character if none does), the rest hung under its indent plus two columns
    /// behind a continuation mark (an artifact, so copying gives the code as written). The
    /// block breaks across pages only between lines, never leaving one line alone.
    fn code(&mut self, f: &Frame, text: &str, lang: Option<&str>, pos: crate::model::Pos, items: &mut Vec<VItem>) {
        let g = self.g;
        let c = self.node(f.parent, SKind::Code);
        items.push(VItem::Space(g.text.leading * 0.4));
        let st = Style::new(Face::Mono, g.text.body * 0.8);
        let cw = self.glyphs_of(st, "0").iter().map(|g| g.advance).sum::<f32>().max(0.1);
        let per_line = ((f.width / cw).floor() as usize).max(12);
        let mark = ['→', '»', '>'].into_iter().find(|m| self.eng.shaper.has_char(Face::Mono, *m)).unwrap_or('>').to_string();
        let start = items.len();
        let code = text.trim_end_matches('\n');
        // Each character's colour class (tabs become four spaces of the same class).
        let classes: Vec<Vec<crate::text::highlight::Token>> = match lang.and_then(|l| crate::text::highlight::highlight(l, code)) {
            Some(lines) => lines
                .iter()
                .map(|l| {
                    l.iter()
                        .flat_map(|(t, s)| s.chars().flat_map(move |c| std::iter::repeat_n(*t, if c == '\t' { 4 } else { 1 })))
                        .collect()
                })
                .collect(),
            None => Vec::new(),
        };
        for (li, raw) in code.split('\n').enumerate() {
            let raw = raw.replace('\t', "    ");
            if raw.trim().is_empty() {
                items.push(VItem::Space(g.text.leading * 0.85));
                continue;
            }
            for piece in wrap_code_line(&raw, per_line) {
                let x = f.x + piece.indent as f32 * cw;
                let spans = code_spans(&piece, classes.get(li).map(Vec::as_slice).unwrap_or(&[]), st);
                let mut v = self.para_lines(
                    spans,
                    ParaLook {
                        width: f.width - piece.indent as f32 * cw,
                        indent: 0.0,
                        align: Align::Ragged,
                        leading: g.text.leading * 0.85,
                        x,
                    },
                    c,
                    Some((&f.ch.file, pos.line)),
                    false,
                );
                if piece.continued
                    && let Some(VItem::Line(l)) = v.first_mut()
                {
                    let glyphs = self.glyphs_of(st, &mark);
                    let run = Run { x: -2.0 * cw, style: st, link: None, glyphs, text: mark.clone(), expand: 1.0, object: None };
                    l.runs.insert(0, (run, usize::MAX));
                }
                // The parts of one turned-over line stay together.
                if !piece.last
                    && let Some(VItem::Line(l)) = v.last_mut()
                {
                    l.keep_with_next = true;
                }
                items.extend(v);
            }
        }
        // No single line of the block alone at a page's foot or top.
        let lines: Vec<usize> = (start..items.len()).filter(|&i| matches!(items[i], VItem::Line(_))).collect();
        if lines.len() >= 2 {
            for &i in [lines[0], lines[lines.len() - 2]].iter() {
                if let VItem::Line(l) = &mut items[i] {
                    l.keep_with_next = true;
                }
            }
        }
        items.push(VItem::Space(g.text.leading * 0.4));
    }
}

/// A printed code line as spans, one per run of characters of one colour class.
fn code_spans(piece: &CodePiece, classes: &[crate::text::highlight::Token], st: Style) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut last: Option<crate::text::highlight::Token> = None;
    for (k, c) in piece.text.chars().enumerate() {
        let t = classes.get(piece.start + k).copied().unwrap_or(crate::text::highlight::Token::Plain);
        let c = if c == ' ' { '\u{a0}' } else { c };
        match spans.last_mut() {
            Some(sp) if last == Some(t) => sp.text.push(c),
            _ => {
                let style = Style { colour: t.print_colour(), ..st };
                spans.push(Span { text: c.to_string(), style, link: None, note: None, model_offset: None, object: None });
                last = Some(t);
            }
        }
    }
    spans
}

/// One printed line of a code line: its text, its indent in columns, whether it continues the
/// line before it, whether it ends the source line.
#[derive(Debug, PartialEq)]
struct CodePiece {
    /// Where the piece starts in the source line, in characters.
    start: usize,
    text: String,
    indent: usize,
    continued: bool,
    last: bool,
}

/// Cuts a code line into pieces of at most `per_line` columns: after the last space or
/// punctuation that fits (past the first third of the line), else at the column limit.
/// Continuations are indented by the line's own indent plus two columns.
fn wrap_code_line(line: &str, per_line: usize) -> Vec<CodePiece> {
    let chars: Vec<char> = line.chars().collect();
    let lead = chars.iter().take_while(|c| **c == ' ').count().min(per_line / 2);
    let hang = lead + 2;
    let mut out = Vec::new();
    let mut rest: &[char] = &chars;
    loop {
        let continued = !out.is_empty();
        let avail = if continued { per_line.saturating_sub(hang).max(4) } else { per_line };
        let start = chars.len() - rest.len();
        if rest.len() <= avail {
            out.push(CodePiece { start, text: rest.iter().collect(), indent: if continued { hang } else { 0 }, continued, last: true });
            return out;
        }
        let breakable = |c: char| c == ' ' || (c.is_ascii_punctuation() && !matches!(c, '_' | '"' | '\''));
        let cut = (avail / 3 + 1..=avail).rev().find(|&i| breakable(rest[i - 1])).unwrap_or(avail);
        let text: String = rest[..cut].iter().collect();
        out.push(CodePiece { start, text: text.trim_end().to_string(), indent: if continued { hang } else { 0 }, continued, last: false });
        rest = &rest[cut..];
        while rest.first() == Some(&' ') {
            rest = &rest[1..];
        }
        if rest.is_empty() {
            if let Some(p) = out.last_mut() {
                p.last = true;
            }
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_code_lines_turn_over_at_spaces_or_punctuation_with_a_hanging_indent() {
        let p = wrap_code_line("    let total = first_value + second_value + third_value;", 30);
        assert_eq!(p[0].text, "    let total = first_value +");
        assert!(p[1].continued && p[1].indent == 6, "{p:?}");
        assert!(p.iter().all(|x| x.text.chars().count() + x.indent <= 30), "{p:?}");
        let joined: String = p.iter().map(|x| x.text.trim()).collect::<Vec<_>>().join(" ");
        assert_eq!(joined, "let total = first_value + second_value + third_value;");
        assert!(p.last().unwrap().last);
        // A token longer than the measure is cut at the column limit.
        let p = wrap_code_line(&"x".repeat(50), 20);
        assert_eq!(p.iter().map(|x| x.text.len()).sum::<usize>(), 50);
        assert!(p.iter().all(|x| x.text.len() + x.indent <= 20));
        // A line that fits is one piece.
        assert_eq!(
            wrap_code_line("short", 20),
            vec![CodePiece { start: 0, text: "short".into(), indent: 0, continued: false, last: true }]
        );
        let p = wrap_code_line("abc def ghi jkl mno", 10);
        assert!(
            p.iter().all(|x| "abc def ghi jkl mno".chars().skip(x.start).take(x.text.chars().count()).collect::<String>() == x.text),
            "{p:?}"
        );
    }
}
