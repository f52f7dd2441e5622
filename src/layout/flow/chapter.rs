//! A chapter's vertical list: title, letter parts (dateline, salutation, closing, signature,
//! source note), body blocks, and its footnotes set for the page foot.

use super::*;

/// The room a footnote's number hangs in, in ems of the note's size.
const NOTE_HANG: f32 = 1.6;

impl Flow<'_, '_> {
    /// A chapter's vertical list.
    pub(in crate::layout) fn chapter(&mut self, ch: &Chapter, parent: usize, level: u8) -> Vec<VItem> {
        let g = self.g;
        let sect = self.node(parent, SKind::Sect);
        // A display page (dedication, epigraph) stands a third of the way down its page.
        let display = ch.kind.is_display();
        let mut items = vec![VItem::Space(if display { g.block_height() * 0.3 } else { g.text.leading * 3.0 })];
        if ch.title_shown {
            let mut title_inl = Vec::new();
            if let Some(n) = ch.letter.as_ref().and_then(|l| l.number.as_ref()) {
                title_inl.push(Inline::Text(format!("{n}. ")));
            }
            title_inl.extend(ch.title.iter().filter(|i| !matches!(i, Inline::NoteRef { .. })).cloned());
            let h = self.node(sect, SKind::H(level, plain_text(&title_inl)));
            let mut head = self.simple_lines(
                &title_inl,
                Style::new(self.heading_face(Face::Regular), g.text.body * g.text.headings[0]),
                Align::Center,
                g.text.body * g.text.headings[0] * (1.75 / 1.36),
                h,
                Some(ch),
            );
            mark_heading(&mut head, &ch.id);
            items.extend(head);
            items.push(VItem::Space(g.text.leading * 1.5));
        }
        // What follows the title begins on the page's grid of lines, whatever the title took, so
        // the opening page's lines stand where its facing page's do.
        if !display {
            let so_far: f32 = items.iter().map(VItem::height).sum();
            let pad = crate::layout::paginate::grid_up(so_far, g.text.leading) - so_far;
            if pad > 0.01 {
                items.push(VItem::Space(pad));
            }
        }
        if let Some(l) = &ch.letter {
            self.letter_head(ch, l, sect, &mut items);
        }
        let frame = blocks::Frame { ch, parent: sect, level, width: g.measure(), x: 0.0, centred: display };
        if display {
            self.blocks(&ch.blocks, frame, &mut items, &mut true);
        } else {
            self.body_blocks(&ch.blocks, frame, &mut items);
        }
        if let Some(l) = &ch.letter {
            self.letter_end(ch, l, sect, &mut items);
        }
        self.notes(ch, sect);
        if let Some(VItem::Line(l)) = items.iter_mut().find(|i| matches!(i, VItem::Line(_))) {
            l.anchors.insert(0, ch.id.clone());
        }
        items
    }

    /// Dateline and salutation, kept with what follows.
    fn letter_head(&mut self, ch: &Chapter, l: &crate::model::Letter, sect: usize, items: &mut Vec<VItem>) {
        let g = self.g;
        if !l.dateline.is_empty() {
            let p = self.node(sect, SKind::P);
            let mut v = self.simple_lines(&l.dateline, Style::text(Face::Italic, g.text.body), Align::Right, g.text.leading, p, Some(ch));
            keep_all(&mut v);
            items.extend(v);
            // A whole line between the dateline and the salutation: the text stays on the grid.
            items.push(VItem::Space(g.text.leading));
        }
        if !l.salutation.is_empty() {
            let p = self.node(sect, SKind::P);
            let mut v = self.simple_lines(
                &l.salutation,
                Style { smcp: true, ..Style::text(Face::Regular, g.text.body) },
                Align::Ragged,
                g.text.leading,
                p,
                Some(ch),
            );
            keep_all(&mut v);
            items.extend(v);
        }
    }

    /// Closing and signature, then the source note: kept with the letter's last lines as one unit.
    fn letter_end(&mut self, ch: &Chapter, l: &crate::model::Letter, sect: usize, items: &mut Vec<VItem>) {
        let g = self.g;
        if !l.closing.is_empty() || !l.signature.is_empty() {
            // A whole line before the closing: it stands on the grid, as the text does.
            items.push(VItem::Space(g.text.leading));
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
                self.spans(inl, Style { smcp, ..Style::text(Face::Regular, g.text.body) }, Some(ch), &mut spans);
                let mut v = self.para_lines(
                    spans,
                    ParaLook { width: g.measure() * 0.5, indent: 0.0, align: Align::Ragged, leading: g.text.leading, x },
                    p,
                    Some((&ch.file, ch.pos.line)),
                    false,
                );
                // Every line kept with the next: the closing's last line with the signature.
                for it in &mut v {
                    if let VItem::Line(l) = it {
                        l.keep_with_next = true;
                    }
                }
                items.extend(v);
            }
            if let Some(VItem::Line(last)) = items.iter_mut().rev().find(|i| matches!(i, VItem::Line(_))) {
                last.keep_with_next = false;
            }
        }
        if !l.source.is_empty() {
            // The rule and the source note end the letter: never a page of their own, never
            // the rule left behind.
            if let Some(VItem::Line(last)) = items.iter_mut().rev().find(|i| matches!(i, VItem::Line(_))) {
                last.keep_with_next = true;
            }
            items.push(VItem::Space(g.text.leading));
            items.push(VItem::Rule { width: 36.0, height: g.text.leading * 0.5, left: true });
            let p = self.node(sect, SKind::P);
            let mut inl = vec![Inline::SmallCaps(vec![Inline::Text(format!("{}: ", crate::i18n::t(&self.lang, Key::Source)))])];
            inl.extend(l.source.iter().cloned());
            let small = Style::text(Face::Regular, g.text.body * 0.82);
            let mut v = self.simple_lines(&inl, small, Align::Ragged, g.text.leading * 0.82, p, Some(ch));
            keep_all(&mut v);
            items.extend(v);
        }
    }

    /// Puts `label` before a line's text, in the `hang` to its left: its own run, a link (to
    /// `target`, in a `Link` structure element under `node`).
    fn hang_number(&mut self, line: &mut crate::layout::vlist::VLine, label: &str, style: Style, hang: f32, (target, node): (Link, usize)) {
        let glyphs = self.glyphs_of(style, label);
        let w: f32 = glyphs.iter().map(|g| g.advance).sum();
        let ln = self.node(node, SKind::Link);
        let c = self.content(ln);
        let run = Run { x: -hang, style, link: Some(target.clone()), glyphs, text: label.to_string(), expand: 1.0, object: None };
        line.runs.insert(0, (run, c));
        line.links.push((-hang, -hang + w, target, ln));
    }

    /// The chapter's footnotes, set for the page foot (pagination places them).
    fn notes(&mut self, ch: &Chapter, sect: usize) {
        let g = self.g;
        for (i, note) in ch.notes.iter().enumerate() {
            let nnode = self.node(sect, SKind::Note);
            let small = Style::text(Face::Regular, g.text.body * 0.82);
            let mut lines = Vec::new();
            let mut firstp = true;
            for b in &note.blocks {
                let Block::Paragraph { inlines, pos, .. } = b else {
                    // Lists, code, quotations… in a note are set as in the text, at the note's
                    // measure; a note without a paragraph first gets its number on a line of its own.
                    if firstp {
                        lines.extend(self.simple_lines(
                            &[Inline::Text(format!("{}.", i + 1))],
                            small,
                            Align::Ragged,
                            g.text.leading * 0.82,
                            nnode,
                            Some(ch),
                        ));
                        firstp = false;
                    }
                    let frame = blocks::Frame { ch, parent: nnode, level: 3, width: g.measure(), x: 0.0, centred: false };
                    let mut first = true;
                    self.blocks(std::slice::from_ref(b), frame, &mut lines, &mut first);
                    continue;
                };
                // The note's text stands at one left edge, its number hung before it (lining
                // figures, linked back to the reference).
                let hang = NOTE_HANG * small.size;
                let mut spans = Vec::new();
                self.spans(inlines, small, Some(ch), &mut spans);
                let p = self.node(nnode, SKind::P);
                let mut v = self.para_lines(
                    spans,
                    ParaLook {
                        width: g.measure() - hang,
                        indent: if firstp { 0.0 } else { g.text.body },
                        align: Align::Justify,
                        leading: g.text.leading * 0.82,
                        x: hang,
                    },
                    p,
                    Some((&ch.file, pos.line)),
                    true,
                );
                if firstp && let Some(VItem::Line(first)) = v.first_mut() {
                    let back = Link::Anchor(crate::model::anchors::note_ref_id(&note.id, 1));
                    self.hang_number(first, &format!("{}.", i + 1), Style::new(Face::Regular, small.size), hang, (back, p));
                }
                lines.extend(v);
                firstp = false;
            }
            if let Some(VItem::Line(l)) = lines.first_mut() {
                l.anchors.push(note.id.clone());
            }
            self.notes.insert(note.id.clone(), lines);
        }
    }
}
