//! Blocks that group other blocks: labelled asides (admonitions), definition lists, line
//! blocks, `<details>` and `<div>`.

use super::blocks::Frame;
use super::*;
use crate::model::{AsideKind, Definition, Pos};

impl Flow<'_, '_> {
    /// An admonition: its label in bold small capitals, then its blocks inset like a quotation.
    pub(super) fn aside(&mut self, f: &Frame, kind: AsideKind, blocks: &[Block], pos: Pos, items: &mut Vec<VItem>) {
        let g = self.g;
        let node = self.node(f.parent, SKind::Div);
        items.push(VItem::Space(g.text.leading * 0.5));
        let inset = self.inset(f.width, 1.5 * g.text.body, f.ch, pos);
        let inner = Frame { parent: node, width: f.width - inset, x: f.x + inset, ..*f };
        let label = crate::i18n::aside(&self.lang, kind).to_string();
        let mut v = self.lead_in(&inner, &[Inline::Text(label)], Style { smcp: true, ..Style::new(Face::Bold, g.text.body) });
        keep_all(&mut v);
        items.extend(v);
        let mut first = true;
        self.blocks(blocks, inner, items, &mut first);
        items.push(VItem::Space(g.text.leading * 0.5));
    }

    /// Terms in bold, flush left; their definitions indented below them.
    pub(super) fn definitions(&mut self, f: &Frame, list: &[Definition], pos: Pos, items: &mut Vec<VItem>) {
        let g = self.g;
        let node = self.node(f.parent, SKind::Div);
        items.push(VItem::Space(g.text.leading * 0.3));
        let inset = self.inset(f.width, 1.5 * g.text.body, f.ch, pos);
        for d in list {
            let term = Frame { parent: node, ..*f };
            let mut v = self.lead_in(&term, &d.term, Style::new(Face::Bold, g.text.body));
            keep_all(&mut v);
            items.extend(v);
            for def in &d.definitions {
                let mut first = true;
                self.blocks(def, Frame { parent: node, width: f.width - inset, x: f.x + inset, ..*f }, items, &mut first);
            }
            items.push(VItem::Space(g.text.leading * 0.3));
        }
    }

    /// Each line as written: set ragged (never justified), its leading spaces kept as an
    /// indent, a line too long for the measure turned over with a hanging indent; stanzas
    /// (separated by empty lines) kept on one page when they are short enough to fit.
    pub(super) fn line_block(&mut self, f: &Frame, lines: &[Vec<Inline>], pos: Pos, items: &mut Vec<VItem>) {
        let g = self.g;
        let node = self.node(f.parent, SKind::Div);
        items.push(VItem::Space(g.text.leading * 0.3));
        let hang = 3.0 * g.text.body;
        let mut stanza: Vec<VItem> = Vec::new();
        let end_stanza = |stanza: &mut Vec<VItem>, items: &mut Vec<VItem>| {
            // A stanza of up to a third of the page stays together; longer ones may break.
            if stanza.iter().map(VItem::height).sum::<f32>() <= g.block_height() / 3.0 {
                keep_all(stanza);
            }
            items.append(stanza);
        };
        for line in lines {
            let lead = match line.first() {
                Some(Inline::Text(t)) => t.chars().take_while(|c| *c == ' ' || *c == '\u{a0}').count(),
                _ => 0,
            };
            let indent = (lead as f32 * 0.5 * g.text.body).min(f.width / 2.0);
            if crate::model::plain_text(line).trim().is_empty() {
                end_stanza(&mut stanza, items);
                items.push(VItem::Space(g.text.leading));
                continue;
            }
            let p = self.node(node, SKind::P);
            let mut spans = Vec::new();
            self.spans(line, Style::text(Face::Regular, g.text.body), Some(f.ch), &mut spans);
            if let Some(first) = spans.first_mut() {
                first.text = first.text.trim_start_matches([' ', '\u{a0}']).to_string();
            }
            let look = ParaLook {
                width: f.width - indent - hang,
                indent: -hang,
                align: Align::Ragged,
                leading: g.text.leading,
                x: f.x + indent + hang,
            };
            let mut v = self.para_lines(spans, look, p, Some((&f.ch.file, pos.line)), false);
            // A verse line counts once in the line numbers, however often it is turned over.
            if let Some(VItem::Line(l)) = v.iter_mut().find(|i| matches!(i, VItem::Line(_))) {
                l.numbered = true;
            }
            keep_all(&mut v);
            stanza.extend(v);
        }
        end_stanza(&mut stanza, items);
        items.push(VItem::Space(g.text.leading * 0.3));
    }

    /// `<details>`: the summary as a bold lead-in, then the body — print has no disclosure.
    pub(super) fn details(&mut self, f: &Frame, summary: &[Inline], blocks: &[Block], items: &mut Vec<VItem>) {
        let g = self.g;
        let node = self.node(f.parent, SKind::Div);
        items.push(VItem::Space(g.text.leading * 0.3));
        let inner = Frame { parent: node, ..*f };
        if !summary.is_empty() {
            let mut v = self.lead_in(&inner, summary, Style::new(Face::Bold, g.text.body));
            keep_all(&mut v);
            items.extend(v);
        }
        let mut first = true;
        self.blocks(blocks, inner, items, &mut first);
        items.push(VItem::Space(g.text.leading * 0.3));
    }

    /// A division; with a language, its text is hyphenated by that language's patterns and its
    /// structure element carries the language.
    pub(super) fn div(&mut self, f: &Frame, lang: Option<&str>, blocks: &[Block], items: &mut Vec<VItem>) {
        let node = self.node(f.parent, lang.map_or(SKind::Div, |l| SKind::Passage(l.to_string())));
        let outer = self.passage_lang;
        if let Some(l) = lang {
            self.passage_lang = self.eng.hyph.lang_id(l);
        }
        let mut first = true;
        self.blocks(blocks, Frame { parent: node, ..*f }, items, &mut first);
        self.passage_lang = outer;
    }

    /// A short ragged line of `inlines` in `style` at the frame's measure (labels, terms,
    /// summaries), kept with what follows.
    fn lead_in(&mut self, f: &Frame, inlines: &[Inline], style: Style) -> Vec<VItem> {
        let p = self.node(f.parent, SKind::P);
        let mut spans = Vec::new();
        self.spans(inlines, style, Some(f.ch), &mut spans);
        let mut v = self.para_lines(
            spans,
            ParaLook { width: f.width, indent: 0.0, align: Align::Ragged, leading: self.g.text.leading, x: f.x },
            p,
            Some((&f.ch.file, f.ch.pos.line)),
            false,
        );
        if let Some(VItem::Line(l)) = v.last_mut() {
            l.keep_with_next = true;
        }
        v
    }
}
