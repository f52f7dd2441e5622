//! Model → XHTML content documents (chapters and letters), written with the [`Xml`] builder.

use super::xml::{Xml, heading_tag};
use crate::i18n::Key;
use crate::model::anchors::{note_ref_id, paragraph_id, title_id};
use crate::model::*;
use std::collections::BTreeMap;

/// Book-relative image path → path inside the package (e.g. `images/plate.png`).
pub type ImagePaths = BTreeMap<String, String>;

pub struct ChapterWriter<'a> {
    pub images: &'a ImagePaths,
    pub chapter: &'a Chapter,
    /// Level of the chapter's own heading (1 or 2).
    pub level: u8,
    /// Show paragraph numbers.
    pub paragraph_numbers: bool,
    /// The book's language.
    pub language: String,
    /// Page-break markers of the reference print edition inside this chapter's paragraphs:
    /// paragraph number → (character offset, page label), in order.
    pub marks: BTreeMap<u32, Vec<(usize, String)>>,
    /// Page-break markers before sub-headings: heading id → page labels.
    pub head_marks: BTreeMap<String, Vec<String>>,
    /// Page-break markers at the chapter's start.
    pub start_marks: Vec<String>,
    /// While a paragraph is written: characters of its text so far, and its markers to come.
    pub state: std::cell::RefCell<(usize, Vec<(usize, String)>)>,
}

/// Text with the fractions written with a fraction slash in `<span class="frac">` (set as
/// fractions by the stylesheet, as the PDF sets them).
fn text_with_fractions(x: &mut Xml, t: &str) {
    let mut at = 0;
    for r in fractions(t) {
        x.text(&t[at..r.start]);
        x.leaf("span", &[("class", "frac")], &t[r.clone()]);
        at = r.end;
    }
    x.text(&t[at..]);
}

/// A page-break marker of the reference print edition.
pub fn page_marker(x: &mut Xml, label: &str) {
    let id = format!("page-{label}");
    x.open("span", &[("id", &id), ("epub:type", "pagebreak"), ("role", "doc-pagebreak"), ("aria-label", label)]).close("span");
}

/// Adds the references to each note found in `blocks` to `counts` (indexed by note).
pub fn count_all_refs(blocks: &[Block], counts: &mut [usize]) {
    crate::model::walk_inlines(blocks, &mut |i| {
        if let Inline::NoteRef { note, .. } = i
            && let Some(c) = counts.get_mut(*note)
        {
            *c += 1;
        }
    });
}

impl ChapterWriter<'_> {
    fn tr(&self, k: Key) -> &'static str {
        crate::i18n::t(&self.language, k)
    }

    /// The chapter's `<section>`.
    pub fn body(&self) -> Xml {
        let ch = self.chapter;
        let mut x = Xml::new();
        let (etype, role) = ch.kind.semantics().unwrap_or(("chapter", "doc-chapter"));
        let title = title_id(&ch.id);
        let label = ch.title_text();
        let mut attrs: Vec<(&'static str, &str)> = vec![("id", &ch.id)];
        if ch.letter.is_some() {
            attrs.push(("class", "letter"));
        } else if ch.kind.is_display() {
            attrs.push(("class", "display"));
        }
        // About the author, lists of other books and untyped front or back matter have no
        // structural semantics of their own (the body's `frontmatter`/`backmatter` says where they are).
        if ch.kind.semantics().is_some() || ch.matter == Matter::Body {
            attrs.extend([("epub:type", etype), ("role", role)]);
        }
        // A display page whose title is not printed is labelled by it.
        if ch.title_shown {
            attrs.push(("aria-labelledby", title.as_str()));
        } else {
            attrs.push(("aria-label", label.as_str()));
        }
        x.open("section", &attrs).nl();
        for l in &self.start_marks {
            page_marker(&mut x, l);
        }
        let h = heading_tag(self.level);
        match &ch.letter {
            Some(l) => {
                x.open(h, &[("id", &title)]);
                if let Some(n) = &l.number {
                    x.open("span", &[("class", "doc-number")]).text(n).lit(".").close("span").lit(" ");
                }
                self.inlines(&ch.title, &mut x);
                x.close(h).nl();
                self.letter(l, &mut x);
            }
            None => {
                if ch.title_shown {
                    x.open(h, &[("id", &title)]);
                    self.inlines(&ch.title, &mut x);
                    x.close(h).nl();
                }
                self.blocks(&ch.blocks, &mut x);
            }
        }
        self.notes(&mut x);
        x.close("section").nl();
        x
    }

    fn letter(&self, l: &Letter, x: &mut Xml) {
        let class = format!("letter-text {}", l.kind.name());
        x.open("article", &[("class", &class), ("epub:type", "z3998:letter")]).nl();
        if !l.dateline.is_empty() || !l.salutation.is_empty() {
            x.open("header", &[]).nl();
            if !l.dateline.is_empty() {
                x.open("p", &[("class", "dateline")]);
                match l.date {
                    Some(d) => {
                        x.wrap("time", &[("datetime", &d.iso())], |x| self.inlines(&l.dateline, x));
                    }
                    None => self.inlines(&l.dateline, x),
                }
                x.close("p").nl();
            }
            if !l.salutation.is_empty() {
                x.wrap("p", &[("class", "salutation"), ("epub:type", "z3998:salutation")], |x| self.inlines(&l.salutation, x)).nl();
            }
            x.close("header").nl();
        }
        self.blocks(&self.chapter.blocks, x);
        if !l.closing.is_empty() || !l.signature.is_empty() {
            x.open("footer", &[]).nl();
            if !l.closing.is_empty() {
                x.wrap("p", &[("class", "closing"), ("epub:type", "z3998:valediction")], |x| self.inlines(&l.closing, x)).nl();
            }
            if !l.signature.is_empty() {
                x.wrap("p", &[("class", "signature"), ("epub:type", "z3998:sender")], |x| self.inlines(&l.signature, x)).nl();
            }
            x.close("footer").nl();
        }
        x.close("article").nl();
        if !l.source.is_empty() {
            let src = self.tr(Key::Source);
            x.open("aside", &[("class", "source-note"), ("aria-label", src)]).open("p", &[]);
            x.open("span", &[("class", "label")]).text(src).lit(":").close("span").lit(" ");
            self.inlines(&l.source, x);
            x.close("p").close("aside").nl();
        }
    }

    fn notes(&self, x: &mut Xml) {
        let ch = self.chapter;
        if ch.notes.is_empty() {
            return;
        }
        // Two landmarks may not share a name: in a chapter titled "Notes" the footnotes' region
        // is "Notes (footnotes)".
        let notes = self.tr(Key::Notes);
        let title = self.chapter.title_text();
        let label =
            if title.trim().eq_ignore_ascii_case(notes) { format!("{notes} ({})", self.tr(Key::Footnotes)) } else { notes.to_string() };
        x.open("section", &[("class", "footnotes"), ("aria-label", label.as_str())]).nl();
        // References per note, counted in one walk (a chapter may have thousands of notes).
        let mut counts = vec![0usize; ch.notes.len()];
        count_all_refs(&ch.blocks, &mut counts);
        for n in &ch.notes {
            count_all_refs(&n.blocks, &mut counts);
        }
        for (i, note) in ch.notes.iter().enumerate() {
            self.note(i, note, counts[i], x);
        }
        x.close("section").nl();
    }

    fn note(&self, index: usize, note: &Note, refs: usize, x: &mut Xml) {
        x.open("aside", &[("id", &note.id), ("class", "footnote"), ("epub:type", "footnote"), ("role", "doc-footnote")]).nl();
        let back = self.tr(Key::BackToReference);
        let n = (index + 1).to_string();
        let backlinks = |x: &mut Xml| {
            for k in 2..=refs {
                let href = format!("#{}", note_ref_id(&note.id, k));
                let label = format!("{back} {n} ({k})");
                x.lit(" ").leaf("a", &[("href", &href), ("role", "doc-backlink"), ("aria-label", &label)], "↩");
            }
        };
        let first_link = |x: &mut Xml| {
            let href = format!("#{}", note_ref_id(&note.id, 1));
            let label = format!("{back} {n}");
            x.open("a", &[("class", "note-number"), ("href", &href), ("role", "doc-backlink"), ("aria-label", &label)])
                .text(&n)
                .lit(".")
                .close("a")
                .lit(" ");
        };
        let mut first = true;
        for b in &note.blocks {
            if first && let Block::Paragraph { inlines, .. } = b {
                x.open("p", &[]);
                first_link(x);
                self.inlines(inlines, x);
                backlinks(x);
                x.close("p").nl();
                first = false;
                continue;
            }
            self.block(b, x);
        }
        if first {
            x.open("p", &[]);
            first_link(x);
            backlinks(x);
            x.close("p").nl();
        }
        x.close("aside").nl();
    }

    pub fn blocks(&self, blocks: &[Block], x: &mut Xml) {
        for b in blocks {
            self.block(b, x);
        }
    }

    fn block(&self, b: &Block, x: &mut Xml) {
        match b {
            Block::Paragraph { inlines, n, .. } => {
                if *n > 0 {
                    let id = paragraph_id(&self.chapter.id, *n);
                    x.open("p", &[("id", &id)]);
                    if self.paragraph_numbers {
                        x.leaf("span", &[("class", "pnum")], &n.to_string());
                    }
                    self.paragraph_inlines(*n, inlines, x);
                    x.close("p").nl();
                } else {
                    x.wrap("p", &[], |x| self.inlines(inlines, x)).nl();
                }
            }
            Block::Heading { level, id, inlines, .. } => {
                let h = heading_tag(self.level + (*level).max(2) - 1);
                for l in self.head_marks.get(id).into_iter().flatten() {
                    page_marker(x, l);
                }
                x.wrap(h, &[("id", id)], |x| self.inlines(inlines, x)).nl();
            }
            Block::BlockQuote { blocks, .. } => {
                x.open("blockquote", &[]).nl();
                self.blocks(blocks, x);
                x.close("blockquote").nl();
            }
            Block::List { start, tight, items, .. } => self.list(*start, *tight, items, x),
            Block::CodeBlock { lang, text, .. } => {
                let class = lang.as_deref().map(|l| format!("language-{l}"));
                let attrs: Vec<(&'static str, &str)> = class.as_deref().map(|c| vec![("class", c)]).unwrap_or_default();
                let code = text.trim_end_matches('\n');
                x.open("pre", &[]).open("code", &attrs);
                match lang.as_deref().and_then(|l| crate::text::highlight::highlight(l, code)) {
                    Some(lines) => {
                        for (i, line) in lines.iter().enumerate() {
                            if i > 0 {
                                x.text("\n");
                            }
                            for (token, piece) in line {
                                match token.class() {
                                    "" => x.text(piece),
                                    class => x.leaf("span", &[("class", class)], piece),
                                };
                            }
                        }
                    }
                    None => {
                        x.text(code);
                    }
                }
                x.close("code").close("pre").nl();
            }
            Block::Table { align, head, rows, .. } => self.table(align, head, rows, x),
            Block::ThematicBreak { .. } => {
                x.empty("hr", &[]).nl();
            }
            Block::Figure(f) => self.figure(f, x),
            Block::Aside { kind, blocks, .. } => {
                let class = format!("aside aside-{}", kind.name());
                x.open("div", &[("class", &class), ("role", "note")]).nl();
                x.leaf("p", &[("class", "aside-label")], crate::i18n::aside(&self.language, *kind)).nl();
                self.blocks(blocks, x);
                x.close("div").nl();
            }
            Block::DefinitionList { items, .. } => {
                x.open("dl", &[]).nl();
                for d in items {
                    x.wrap("dt", &[], |x| self.inlines(&d.term, x)).nl();
                    for def in &d.definitions {
                        x.open("dd", &[]);
                        match def.as_slice() {
                            [Block::Paragraph { inlines, n, .. }] => self.paragraph_inlines(*n, inlines, x),
                            _ => {
                                x.nl();
                                self.blocks(def, x);
                            }
                        }
                        x.close("dd").nl();
                    }
                }
                x.close("dl").nl();
            }
            Block::LineBlock { lines, .. } => {
                x.open("div", &[("class", "line-block")]).nl();
                for l in lines {
                    x.wrap("p", &[("class", "line")], |x| self.inlines(l, x)).nl();
                }
                x.close("div").nl();
            }
            Block::Details { summary, blocks, .. } => {
                x.open("details", &[("open", "open")]).nl();
                x.wrap("summary", &[], |x| self.inlines(summary, x)).nl();
                self.blocks(blocks, x);
                x.close("details").nl();
            }
            Block::Div { lang, blocks, .. } => {
                match lang {
                    Some(l) => x.open("div", &[("lang", l), ("xml:lang", l)]),
                    None => x.open("div", &[]),
                };
                x.nl();
                self.blocks(blocks, x);
                x.close("div").nl();
            }
        }
    }

    fn list(&self, start: Option<u64>, tight: bool, items: &[Vec<Block>], x: &mut Xml) {
        let tag = if start.is_some() { "ol" } else { "ul" };
        match start {
            Some(n) if n != 1 => x.open("ol", &[("start", &n.to_string())]).nl(),
            _ => x.open(tag, &[]).nl(),
        };
        for item in items {
            match (tight, item.as_slice()) {
                (true, [Block::Paragraph { inlines, n, .. }, rest @ ..]) => {
                    // A tight item's paragraph is the item itself: it carries the paragraph's id
                    // and number, as the PDF's margin does.
                    if *n > 0 {
                        x.open("li", &[("id", &paragraph_id(&self.chapter.id, *n))]);
                        if self.paragraph_numbers {
                            x.leaf("span", &[("class", "pnum")], &n.to_string());
                        }
                    } else {
                        x.open("li", &[]);
                    }
                    self.paragraph_inlines(*n, inlines, x);
                    if !rest.is_empty() {
                        x.nl();
                        self.blocks(rest, x);
                    }
                }
                _ => {
                    x.open("li", &[]).nl();
                    self.blocks(item, x);
                }
            }
            x.close("li").nl();
        }
        x.close(tag).nl();
    }

    fn table(&self, align: &[Align], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>], x: &mut Xml) {
        x.open("table", &[]).nl();
        let cell = |tag: &'static str, i: usize, c: &[Inline], x: &mut Xml| {
            let mut attrs: Vec<(&'static str, &str)> = Vec::new();
            if tag == "th" {
                attrs.push(("scope", "col"));
            }
            match align.get(i) {
                Some(Align::Left) => attrs.push(("class", "left")),
                Some(Align::Center) => attrs.push(("class", "center")),
                Some(Align::Right) => attrs.push(("class", "right")),
                _ => {}
            }
            x.wrap(tag, &attrs, |x| self.inlines(c, x));
        };
        if !head.is_empty() {
            x.open("thead", &[]).open("tr", &[]);
            for (i, c) in head.iter().enumerate() {
                cell("th", i, c, x);
            }
            x.close("tr").close("thead").nl();
        }
        x.open("tbody", &[]).nl();
        for r in rows {
            x.open("tr", &[]);
            for (i, c) in r.iter().enumerate() {
                cell("td", i, c, x);
            }
            x.close("tr").nl();
        }
        x.close("tbody").nl().close("table").nl();
    }

    fn figure(&self, f: &Figure, x: &mut Xml) {
        let src = format!("../{}", self.images.get(&f.image).cloned().unwrap_or_default());
        x.open("figure", &[("id", &f.id)]).nl();
        match f.width {
            Some(w) => x.empty("img", &[("src", &src), ("alt", &f.alt), ("width", &css_px(w))]).nl(),
            None => x.empty("img", &[("src", &src), ("alt", &f.alt)]).nl(),
        };
        if !f.caption.is_empty() || !f.credit.is_empty() {
            x.open("figcaption", &[]);
            if !f.caption.is_empty() {
                x.wrap("span", &[("class", "caption")], |x| self.inlines(&f.caption, x));
            }
            if !f.credit.is_empty() {
                x.lit(" ").wrap("span", &[("class", "credit")], |x| self.inlines(&f.credit, x));
            }
            x.close("figcaption").nl();
        }
        x.close("figure").nl();
    }

    /// A numbered paragraph's inlines with the page-break markers that fall in it.
    fn paragraph_inlines(&self, n: u32, inlines: &[Inline], x: &mut Xml) {
        *self.state.borrow_mut() = (0, self.marks.get(&n).cloned().unwrap_or_default());
        self.inlines(inlines, x);
        // Markers past the end of the text close the paragraph.
        for (_, l) in std::mem::take(&mut self.state.borrow_mut().1) {
            page_marker(x, &l);
        }
    }

    pub fn inlines(&self, inlines: &[Inline], x: &mut Xml) {
        for i in inlines {
            match i {
                Inline::Text(t) => self.text_with_marks(t, x),
                Inline::Emph(c) => self.wrap("em", &[], c, x),
                Inline::Strong(c) => self.wrap("strong", &[], c, x),
                Inline::Strike(c) => self.wrap("s", &[], c, x),
                Inline::SmallCaps(c) => self.wrap("span", &[("class", "sc")], c, x),
                Inline::Code(t) => {
                    self.state.borrow_mut().0 += t.chars().count();
                    x.leaf("code", &[], t);
                }
                Inline::Link { target: LinkTarget::Unresolved, children, .. } => self.inlines(children, x),
                Inline::Link { target, title, children, .. } => {
                    let href = self.href(target);
                    let mut attrs: Vec<(&'static str, &str)> = vec![("href", &href)];
                    if !title.is_empty() {
                        attrs.push(("title", title));
                    }
                    self.wrap("a", &attrs, children, x);
                }
                Inline::Image { src, alt, width } => {
                    let p = format!("../{}", self.images.get(src).cloned().unwrap_or_default());
                    match width {
                        Some(w) => x.empty("img", &[("src", &p), ("alt", alt), ("width", &css_px(*w))]),
                        None => x.empty("img", &[("src", &p), ("alt", alt)]),
                    };
                }
                Inline::NoteRef { note, nth } => {
                    if let Some(n) = self.chapter.notes.get(*note) {
                        let (id, href) = (note_ref_id(&n.id, nth + 1), format!("#{}", n.id));
                        x.leaf(
                            "a",
                            &[("class", "noteref"), ("id", &id), ("href", &href), ("epub:type", "noteref"), ("role", "doc-noteref")],
                            &(note + 1).to_string(),
                        );
                    }
                }
                Inline::LineBreak => {
                    x.empty("br", &[]);
                }
                Inline::Span { kind, children } => match kind {
                    SpanKind::Sup => self.wrap("sup", &[], children, x),
                    SpanKind::Sub => self.wrap("sub", &[], children, x),
                    SpanKind::Kbd => self.wrap("kbd", &[], children, x),
                    SpanKind::Cite => self.wrap("cite", &[], children, x),
                    SpanKind::Quote => self.wrap("q", &[], children, x),
                    SpanKind::Small => self.wrap("small", &[], children, x),
                    SpanKind::Mark => self.wrap("mark", &[], children, x),
                    SpanKind::Abbr(title) if title.is_empty() => self.wrap("abbr", &[], children, x),
                    SpanKind::Abbr(title) => self.wrap("abbr", &[("title", title)], children, x),
                    SpanKind::Lang(l) => self.wrap("span", &[("lang", l), ("xml:lang", l)], children, x),
                    SpanKind::Symbol => self.wrap("span", &[("class", "symbol")], children, x),
                },
                Inline::Anchor(id) => {
                    x.empty("span", &[("id", id)]);
                }
                Inline::Math { tex, display } => {
                    self.state.borrow_mut().0 += tex.chars().count();
                    let class = if *display { "math display" } else { "math" };
                    x.leaf("code", &[("class", class)], tex);
                }
            }
        }
    }

    /// Writes text, inserting the page-break markers that fall in it — between words: a page
    /// that starts inside a hyphenated word gets its marker after that word.
    fn text_with_marks(&self, t: &str, x: &mut Xml) {
        let mut st = self.state.borrow_mut();
        let start = st.0;
        let len = t.chars().count();
        st.0 += len;
        if st.1.is_empty() {
            text_with_fractions(x, t);
            return;
        }
        let chars: Vec<char> = t.chars().collect();
        let mut written = 0usize;
        while let Some((off, _)) = st.1.first() {
            if *off >= start + len {
                break;
            }
            let mut local = off.saturating_sub(start);
            // Inside a word: move to the start of the next word.
            let mid_word = local > 0 && !chars[local - 1].is_whitespace() && !chars[local].is_whitespace();
            if mid_word {
                while local < len && !chars[local].is_whitespace() {
                    local += 1;
                }
                while local < len && chars[local].is_whitespace() {
                    local += 1;
                }
                if local >= len {
                    // The word runs on into the next text: try again there.
                    let (_, label) = st.1.remove(0);
                    st.1.insert(0, (start + len, label));
                    break;
                }
            }
            let (_, label) = st.1.remove(0);
            let piece: String = chars[written..local].iter().collect();
            text_with_fractions(x, &piece);
            page_marker(x, &label);
            written = local;
        }
        let piece: String = chars[written..].iter().collect();
        text_with_fractions(x, &piece);
    }

    fn wrap(&self, tag: &'static str, attrs: &super::xml::Attrs, c: &[Inline], x: &mut Xml) {
        x.wrap(tag, attrs, |x| self.inlines(c, x));
    }

    /// Maps a resolved link to the package: another chapter's file, or an anchor in this one.
    fn href(&self, target: &LinkTarget) -> String {
        match target {
            LinkTarget::External(u) => super::xml::encode_url(u),
            LinkTarget::Internal { chapter, anchor: Some(a) } if *chapter == self.chapter.id => format!("#{a}"),
            LinkTarget::Internal { chapter, anchor: Some(a) } => format!("{chapter}.xhtml#{a}"),
            LinkTarget::Internal { chapter, anchor: None } => format!("{chapter}.xhtml"),
            LinkTarget::Unresolved => String::new(),
        }
    }
}

/// A width in points as the CSS pixels of an `<img width>`.
fn css_px(points: f32) -> String {
    format!("{}", (points / 0.75).round() as u32)
}

/// The fractions an author wrote with the fraction slash (U+2044, `1⁄2`, `15⁄16`): byte ranges
/// of digits, slash, digits. The PDF's shaper sets numerator and denominator there by itself
/// (`numr`/`dnom`); the EPUB marks them for the stylesheet (`diagonal-fractions`), which not
/// every reading system would infer. A solidus between numbers (`7/16/1961`, `24/7`) may be a
/// date or a ratio, so it is left as written; ordinals (`19th`) stay on the baseline.
fn fractions(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices('\u{2044}') {
        let mut s = i;
        while s > 0 && b[s - 1].is_ascii_digit() {
            s -= 1;
        }
        let mut e = i + '\u{2044}'.len_utf8();
        let after = e;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if s < i && e > after && out.last().is_none_or(|r: &std::ops::Range<usize>| r.end <= s) {
            out.push(s..e);
        }
    }
    out
}

#[cfg(test)]
mod fraction_tests {
    #[test]
    fn fractions_are_digits_around_a_fraction_slash() {
        assert_eq!(super::fractions("1\u{2044}2 cup"), vec![0..5]);
        assert_eq!(super::fractions("a 15\u{2044}16 in, 3\u{2044}4"), vec![2..9, 14..19]);
        assert!(super::fractions("7/16/1961, 24/7, 19th, \u{2044}2, 1\u{2044}").is_empty());
    }
}
