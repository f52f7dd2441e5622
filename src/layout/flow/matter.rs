//! Generated matter: half-title, title page, copyright page, contents, "About this edition",
//! "How to cite", part title pages.

use super::*;

use crate::model::pagemap::DocId;
use std::collections::BTreeMap;

/// The "file" of the lines quire writes itself, in the layout report (line 0: no manuscript line).
pub(in crate::layout) const GENERATED: &str = "(generated page)";

impl Flow<'_, '_> {
    pub(super) fn tr(&self, k: Key) -> &'static str {
        crate::i18n::t(&self.lang, k)
    }

    /// Half-title (and its blank verso), title page, copyright page.
    pub(in crate::layout) fn front_pages(
        &mut self,
        book: &Book,
        fonts: &crate::text::fonts::FontSet,
        extras: &super::super::book::Extras,
        seqs: &mut Vec<Sequence>,
    ) {
        let g = self.g;
        let m = &book.meta;
        let ht = self.node(0, SKind::Div);
        let mut v = vec![VItem::Space(g.block_height() * 0.28)];
        v.extend(self.text_lines(&m.title, Style::new(Face::Italic, g.text.body * 1.3), Align::Center, g.text.body * 1.7, ht));
        seqs.push(Sequence { items: v, head: None, plain: true, opens_recto: false, doc: DocId::TitlePage });
        if g.furniture.blank_pages {
            seqs.push(Sequence { items: vec![VItem::Space(1.0)], head: None, plain: true, opens_recto: false, doc: DocId::TitlePage });
        }
        let v = self.title_page(book);
        seqs.push(Sequence { items: v, head: None, plain: true, opens_recto: false, doc: DocId::TitlePage });
        let v = self.copyright_page(book, fonts, extras);
        seqs.push(Sequence { items: v, head: None, plain: true, opens_recto: false, doc: DocId::TitlePage });
    }

    pub(super) fn title_page(&mut self, book: &Book) -> Vec<VItem> {
        let g = self.g;
        let m = &book.meta;
        let tp = self.node(0, SKind::Div);
        let mut v = vec![VItem::Space(g.block_height() * 0.18)];
        let th = self.node(tp, SKind::H(1, m.title.clone()));
        let mut t = self.text_lines(
            &m.title,
            Style::new(self.heading_face(Face::Regular), g.text.body * 2.0),
            Align::Center,
            g.text.body * 2.5,
            th,
        );
        mark_heading(&mut t, "title-page");
        v.extend(t);
        if let Some(sub) = &m.subtitle {
            v.push(VItem::Space(g.text.leading));
            let p = self.node(tp, SKind::P);
            v.extend(self.text_lines(sub, Style::new(Face::Italic, g.text.body * 1.2), Align::Center, g.text.body * 1.6, p));
        }
        v.push(VItem::Space(g.text.leading * 4.0));
        for c in &m.creators {
            let p = self.node(tp, SKind::P);
            let line = if c.role == "edt" { format!("{} {}", self.tr(Key::EditedBy), c.name) } else { c.name.clone() };
            v.extend(self.simple_lines(
                &[Inline::SmallCaps(vec![Inline::Text(line)])],
                Style::new(Face::Regular, g.text.body * 1.1),
                Align::Center,
                g.text.leading * 1.3,
                p,
                None,
            ));
        }
        if let Some(p) = &m.publisher {
            v.push(VItem::Space(g.text.leading * 6.0));
            let n = self.node(tp, SKind::P);
            v.extend(self.text_lines(p, Style::new(Face::Regular, g.text.body), Align::Center, g.text.leading, n));
        }
        v
    }

    /// Copyright / colophon page: set at the foot of the page.
    pub(super) fn copyright_page(
        &mut self,
        book: &Book,
        fonts: &crate::text::fonts::FontSet,
        extras: &super::super::book::Extras,
    ) -> Vec<VItem> {
        let g = self.g;
        let m = &book.meta;
        let cp = self.node(0, SKind::Div);
        let small = Style::text(Face::Regular, g.text.body * 0.8);
        let text = |t: String| Inline::Text(t);
        let labelled = |k: &str, v: String| vec![Inline::SmallCaps(vec![text(k.to_string())]), text(format!("\u{2002}{v}"))];
        // Groups of facts, a line apart: the work, its publication, its rights, the edition's
        // sources and checks, the printing. Labels in small capitals, the title in italics.
        let mut work = vec![vec![Inline::Emph(vec![text(format!(
            "{}{}",
            m.title,
            m.subtitle.as_deref().map(|x| format!(": {x}")).unwrap_or_default()
        ))])]];
        if let Some(e) = &m.edition {
            work.push(vec![text(e.clone())]);
        }
        let mut publication = Vec::new();
        if let Some(d) = m.date {
            publication.push(labelled(self.tr(Key::Published), d.long(&m.language)));
        }
        if let Some(p) = &m.publisher {
            publication.push(labelled(self.tr(Key::Publisher), p.clone()));
        }
        publication.push(labelled(self.tr(Key::Identifier), m.identifier.clone()));
        let rights: Vec<Vec<Inline>> = m.rights.iter().map(|r| vec![text(r.clone())]).collect();
        let edition: Vec<Vec<Inline>> = extras.colophon.iter().map(|(k, v)| labelled(k, v.clone())).collect();
        let printing = vec![vec![text(format!(
            "{} {}, quire {}.",
            self.tr(Key::SetIn),
            fonts.licence_statement(book, self.tr(Key::And), self.tr(Key::LicenceUnstated)),
            env!("CARGO_PKG_VERSION")
        ))]];
        let mut lines: Vec<VItem> = Vec::new();
        for group in [work, publication, rights, edition, printing].into_iter().filter(|g| !g.is_empty()) {
            if !lines.is_empty() {
                lines.push(VItem::Space(g.text.leading * 0.8));
            }
            for f in group {
                let p = self.node(cp, SKind::P);
                let spec = ParaLook { width: g.measure(), indent: 0.0, align: Align::Ragged, leading: g.text.leading * 0.8, x: 0.0 };
                let mut spans = Vec::new();
                self.spans(&f, small, None, &mut spans);
                lines.extend(self.para_lines(spans, spec, p, Some((GENERATED, 0)), true));
            }
        }
        let total: f32 = lines.iter().map(VItem::height).sum();
        let mut v = vec![VItem::Space((g.block_height() - total - 1.0).max(0.0))];
        v.extend(lines);
        v
    }

    /// A display heading opening a generated page: space, the title centred, space.
    pub(super) fn page_heading(&mut self, sect: usize, title: &str, anchor: &str) -> Vec<VItem> {
        let g = self.g;
        let mut v = vec![VItem::Space(g.text.leading * 3.0)];
        let h = self.node(sect, SKind::H(1, title.into()));
        let mut t = self.text_lines(
            title,
            Style::new(self.heading_face(Face::Regular), g.text.body * g.text.headings[0]),
            Align::Center,
            g.text.body * g.text.headings[0] * (1.75 / 1.36),
            h,
        );
        mark_heading(&mut t, anchor);
        v.extend(t);
        v.push(VItem::Space(g.text.leading * 1.5));
        v
    }

    /// The contents (with the current guess of each entry's page), and the teacher page.
    pub(in crate::layout) fn contents(
        &mut self,
        book: &Book,
        toc: &BTreeMap<String, String>,
        extras: &super::super::book::Extras,
        seqs: &mut Vec<Sequence>,
    ) {
        let g = self.g;
        let has_parts = book.parts.iter().any(|p| p.title.is_some());
        let tocn = self.node(0, SKind::Toc);
        let mut v = self.page_heading(tocn, self.tr(Key::Contents), "contents");
        let mut entries: Vec<(String, String, f32, bool)> = Vec::new(); // (label, anchor, indent, part)
        // Every page a reader may look for is listed, quire's own included, in page order; display
        // pages (dedication, epigraph) are not, as in printed books.
        if g.furniture.teacher_page {
            entries.push((self.tr(Key::AboutEdition).to_string(), "about-this-edition".into(), 0.0, false));
        }
        for ch in book.after_contents() {
            entries.push((ch.label(), ch.id.clone(), 0.0, false));
        }
        for (pi, part) in book.parts.iter().enumerate() {
            if let Some(t) = &part.title {
                entries.push((format!("{} {}: {t}", self.tr(Key::Part), crate::numbering::roman(pi + 1)), part.id.clone(), 0.0, true));
            }
            for ch in part.chapters.iter().filter(|c| !c.kind.is_display()) {
                entries.push((ch.label(), ch.id.clone(), if has_parts { g.text.body * 1.5 } else { 0.0 }, false));
            }
        }
        for ch in book.back.iter().filter(|c| !c.kind.is_display()) {
            entries.push((ch.label(), ch.id.clone(), 0.0, false));
        }
        if !extras.cite.is_empty() {
            // Set apart from the last part, as the parts are from each other.
            entries.push((self.tr(Key::HowToCite).to_string(), "how-to-cite".into(), 0.0, has_parts));
        }
        for (label, anchor, indent, part) in entries {
            let item = self.node(tocn, SKind::TocItem);
            let page = toc.get(&anchor).cloned().unwrap_or_else(|| "00".into());
            if part {
                v.push(VItem::Space(g.text.leading * 0.5));
            }
            v.extend(self.toc_entry(&label, &page, &anchor, indent, item));
        }
        seqs.push(Sequence { items: v, head: Some(self.tr(Key::Contents).into()), plain: false, opens_recto: true, doc: DocId::Contents });
        if g.furniture.teacher_page {
            let v = self.teacher_page(book, extras);
            seqs.push(Sequence {
                items: v,
                head: Some(self.tr(Key::AboutEdition).into()),
                plain: false,
                opens_recto: true,
                doc: DocId::Contents,
            });
        }
    }

    /// A part's title page; returns the part's structure node.
    pub(in crate::layout) fn part_page(
        &mut self,
        pi: usize,
        id: &str,
        title: &str,
        outline: &mut Vec<OutlineItem>,
        seqs: &mut Vec<Sequence>,
    ) -> usize {
        let g = self.g;
        let label = format!("{} {}", self.tr(Key::Part), crate::numbering::roman(pi + 1));
        let pn = self.node(0, SKind::Part);
        outline.push(OutlineItem { title: format!("{label}: {title}"), level: 0, anchor: id.to_string() });
        let h = self.node(pn, SKind::H(1, title.to_string()));
        let mut v = vec![VItem::Space(g.block_height() * 0.3)];
        let mut l1 = self.simple_lines(
            &[Inline::SmallCaps(vec![Inline::Text(label)])],
            Style::new(self.heading_face(Face::Regular), g.text.body * 1.2),
            Align::Center,
            g.text.leading * 1.6,
            h,
            None,
        );
        mark_heading(&mut l1, id);
        v.extend(l1);
        let mut l2 =
            self.text_lines(title, Style::new(self.heading_face(Face::Regular), g.text.body * 1.8), Align::Center, g.text.body * 2.3, h);
        mark_heading(&mut l2, &crate::model::anchors::title_id(id));
        v.extend(l2);
        seqs.push(Sequence { items: v, head: None, plain: true, opens_recto: true, doc: DocId::Part(id.to_string()) });
        pn
    }

    /// "How to cite this edition".
    pub(in crate::layout) fn how_to_cite(&mut self, paras: &[Vec<Inline>], outline: &mut Vec<OutlineItem>, seqs: &mut Vec<Sequence>) {
        let g = self.g;
        let title = self.tr(Key::HowToCite);
        outline.push(OutlineItem { title: title.into(), level: 0, anchor: "how-to-cite".into() });
        let sect = self.node(0, SKind::Sect);
        let mut v = self.page_heading(sect, title, "how-to-cite");
        for (i, p) in paras.iter().enumerate() {
            let n = self.node(sect, SKind::P);
            let spec = ParaLook {
                width: g.measure(),
                indent: if i == 0 { 0.0 } else { g.text.body },
                align: Align::Justify,
                leading: g.text.leading,
                x: 0.0,
            };
            let mut spans = Vec::new();
            self.spans(p, Style::text(Face::Regular, g.text.body), None, &mut spans);
            v.extend(self.para_lines(spans, spec, n, Some((GENERATED, 0)), true));
        }
        seqs.push(Sequence { items: v, head: Some(title.into()), plain: false, opens_recto: true, doc: DocId::HowToCite });
    }
    /// "About this edition": a short page for teachers.
    pub(super) fn teacher_page(&mut self, book: &Book, extras: &super::super::book::Extras) -> Vec<VItem> {
        let g = self.g;
        let sect = self.node(0, SKind::Sect);
        let mut v = vec![VItem::Space(g.text.leading * 3.0)];
        let title = crate::i18n::t(&self.lang, Key::AboutEdition);
        let h = self.node(sect, SKind::H(1, title.into()));
        let mut t = self.text_lines(
            title,
            Style::new(self.heading_face(Face::Regular), g.text.body * g.text.headings[0]),
            Align::Center,
            g.text.body * g.text.headings[0] * (1.75 / 1.36),
            h,
        );
        mark_heading(&mut t, "about-this-edition");
        v.extend(t);
        v.push(VItem::Space(g.text.leading * 1.5));
        // Only facts about this book and this printing, then the author's own note.
        let letters: Vec<String> = book
            .chapters()
            .filter_map(|c| {
                let l = c.letter.as_ref()?;
                let mut s = l.kind.name().to_string();
                if let Some(n) = &l.number {
                    s.push_str(&format!(" {n}"));
                }
                if let Some(d) = l.date {
                    s.push_str(&format!(" ({})", d.long(&book.meta.language)));
                }
                Some(s)
            })
            .collect();
        let n = book.chapters().count();
        let mut paras = vec![format!(
            "This printing of {} is made for the classroom. It has {n} {}{}.",
            book.meta.title,
            if n == 1 { "chapter" } else { "chapters" },
            if letters.is_empty() { String::new() } else { format!(", among them {}", letters.join(", ")) }
        )];
        let every = g.furniture.line_numbers;
        if every > 0 {
            let which = if every == 1 { "Every line".to_string() } else { format!("Every {} line", crate::i18n::ordinal_en(every)) };
            paras.push(format!("{which} of the text is numbered in the outer margin; the count starts again with each chapter, so a passage can be found by its chapter and line."));
        }
        if g.page.outer >= 2.0 * g.page.inner {
            paras.push("The wide outer margin is left free for notes.".into());
        }
        paras.extend(extras.teacher_note.iter().cloned());
        if !extras.cite.is_empty() {
            paras.push(format!(
                "Cite this edition by its title, edition and identifier ({}); the page “{}” shows how.",
                book.meta.identifier,
                crate::i18n::t(&self.lang, Key::HowToCite)
            ));
        }
        let mut first = true;
        for p in paras {
            let n = self.node(sect, SKind::P);
            let st = Style::new(Face::Regular, g.text.body);
            let indent = if first { 0.0 } else { g.text.body };
            first = false;
            v.extend(self.para_lines(
                vec![Span { text: p, style: st, link: None, note: None, model_offset: None, object: None }],
                ParaLook { width: g.measure(), indent, align: Align::Justify, leading: g.text.leading, x: 0.0 },
                n,
                Some((GENERATED, 0)),
                true,
            ));
        }
        v
    }

    pub(super) fn toc_entry(&mut self, label: &str, page: &str, anchor: &str, indent: f32, node: usize) -> Vec<VItem> {
        let g = self.g;
        let st = Style::new(Face::Regular, g.text.body);
        let num_w = text_width(&mut self.eng.shaper, page, st);
        let width = g.measure() - indent - num_w - 2.0 * g.text.body;
        let spans = vec![Span {
            text: label.to_string(),
            style: st,
            link: Some(Link::Anchor(anchor.to_string())),
            note: None,
            model_offset: None,
            object: None,
        }];
        // Entries that wrap hang: continuation lines are indented by 1.5 em.
        let hang = 1.5 * g.text.body;
        let mut v = self.para_lines(
            spans,
            ParaLook { width: width - hang, indent: -hang, align: Align::Ragged, leading: g.text.leading, x: indent + hang },
            node,
            None,
            false,
        );
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
                    glyphs.push(PGlyph { id: gl.id, advance: adv, dx: 0.0, dy: 0.0, range: dots.len()..dots.len() + 1, face: gl.face });
                    dots.push('.');
                }
                x += gap;
            }
            // The page number is a link of its own: its annotation sits in a `Link` structure
            // element, as PDF/UA-1 (7.18.5) requires, not directly under the TOCI.
            let link_node = self.node(node, SKind::Link);
            let c = self.content(link_node);
            if !glyphs.is_empty() {
                last.runs.push((Run { x: x0, style: st, link: None, glyphs, text: dots, expand: 1.0, object: None }, usize::MAX));
            }
            let ng = self.eng.shaper.shape(st.face, false, page);
            let glyphs: Vec<PGlyph> = ng
                .iter()
                .map(|gl| PGlyph { id: gl.id, advance: gl.x_advance as f32 * scale, dx: 0.0, dy: 0.0, range: 0..page.len(), face: gl.face })
                .collect();
            let nx = g.measure() - indent - hang - num_w;
            last.runs.push((
                Run {
                    x: nx,
                    style: st,
                    link: Some(Link::Anchor(anchor.to_string())),
                    glyphs,
                    text: page.to_string(),
                    expand: 1.0,
                    object: None,
                },
                c,
            ));
            last.links.push((nx, nx + num_w, Link::Anchor(anchor.to_string()), link_node));
        }
        v
    }
}
