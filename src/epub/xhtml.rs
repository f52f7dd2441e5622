//! Model → XHTML content documents.

use super::xml::esc;
use crate::model::*;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What a chapter's rendering needs to know about the rest of the book.
pub struct Links<'a> {
    /// Manuscript file → XHTML file name (e.g. `doc-22.xhtml`).
    pub chapters: &'a BTreeMap<String, String>,
    /// Book-relative image path → path inside the package (e.g. `images/plate.png`).
    pub images: &'a BTreeMap<String, String>,
}

pub struct ChapterWriter<'a> {
    pub links: Links<'a>,
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
    /// Page-break markers at the chapter's start.
    pub start_marks: Vec<String>,
    /// While a paragraph is written: characters of its text so far, and its markers to come.
    pub state: std::cell::RefCell<(usize, Vec<(usize, String)>)>,
}

/// A page-break marker of the reference print edition.
pub fn page_marker(label: &str) -> String {
    format!("<span id=\"page-{l}\" epub:type=\"pagebreak\" role=\"doc-pagebreak\" aria-label=\"{l}\"></span>", l = esc(label))
}

impl ChapterWriter<'_> {
    pub fn body(&self) -> String {
        let ch = self.chapter;
        let mut s = String::new();
        let (etype, role) = match ch.matter {
            Matter::Front | Matter::Back if ch.letter.is_none() => ("preface", "doc-preface"),
            _ => ("chapter", "doc-chapter"),
        };
        let class = if ch.letter.is_some() { " class=\"letter\"" } else { "" };
        let _ = writeln!(
            s,
            "<section id=\"{id}\"{class} epub:type=\"{etype}\" role=\"{role}\" aria-labelledby=\"{id}-title\">",
            id = ch.id
        );
        for l in &self.start_marks {
            s.push_str(&page_marker(l));
        }
        let h = self.level;
        match &ch.letter {
            Some(l) => {
                let num = l.number.as_deref().map(|n| format!("<span class=\"doc-number\">{}.</span> ", esc(n))).unwrap_or_default();
                let _ = writeln!(s, "<h{h} id=\"{}-title\">{num}{}</h{h}>", ch.id, self.inlines(&ch.title));
                let _ = writeln!(s, "<article class=\"letter-text {}\" epub:type=\"z3998:letter\">", l.kind.name());
                if !l.dateline.is_empty() || !l.salutation.is_empty() {
                    s.push_str("<header>\n");
                    if !l.dateline.is_empty() {
                        let inner = self.inlines(&l.dateline);
                        let inner = match l.date {
                            Some(d) => format!("<time datetime=\"{}\">{inner}</time>", d.iso()),
                            None => inner,
                        };
                        let _ = writeln!(s, "<p class=\"dateline\">{inner}</p>");
                    }
                    if !l.salutation.is_empty() {
                        let _ = writeln!(s, "<p class=\"salutation\" epub:type=\"z3998:salutation\">{}</p>", self.inlines(&l.salutation));
                    }
                    s.push_str("</header>\n");
                }
                self.blocks(&ch.blocks, &mut s);
                if !l.closing.is_empty() || !l.signature.is_empty() {
                    s.push_str("<footer>\n");
                    if !l.closing.is_empty() {
                        let _ = writeln!(s, "<p class=\"closing\" epub:type=\"z3998:valediction\">{}</p>", self.inlines(&l.closing));
                    }
                    if !l.signature.is_empty() {
                        let _ = writeln!(s, "<p class=\"signature\" epub:type=\"z3998:sender\">{}</p>", self.inlines(&l.signature));
                    }
                    s.push_str("</footer>\n");
                }
                s.push_str("</article>\n");
                if !l.source.is_empty() {
                    let _ = writeln!(
                        s,
                        "<aside class=\"source-note\" aria-label=\"{src}\"><p><span class=\"label\">{src}:</span> {}</p></aside>",
                        self.inlines(&l.source),
                        src = crate::i18n::t(&self.lang(), crate::i18n::Key::Source)
                    );
                }
            }
            None => {
                let _ = writeln!(s, "<h{h} id=\"{}-title\">{}</h{h}>", ch.id, self.inlines(&ch.title));
                self.blocks(&ch.blocks, &mut s);
            }
        }
        if !ch.notes.is_empty() {
            let _ = writeln!(s, "<section class=\"footnotes\" aria-label=\"Notes\">");
            // References per note, counted in one walk (a chapter may have thousands of notes).
            let mut counts = vec![0usize; ch.notes.len()];
            count_all_refs(&ch.blocks, &mut counts);
            for n in &ch.notes {
                count_all_refs(&n.blocks, &mut counts);
            }
            for (i, note) in ch.notes.iter().enumerate() {
                self.note(i, note, counts[i], &mut s);
            }
            s.push_str("</section>\n");
        }
        s.push_str("</section>\n");
        s
    }

    fn note(&self, index: usize, note: &Note, refs: usize, s: &mut String) {
        let _ = writeln!(s, "<aside id=\"{}\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\">", note.id);
        let back = format!(
            "<a class=\"note-number\" href=\"#{}-ref-1\" role=\"doc-backlink\" aria-label=\"{back} {n}\">{n}.</a> ",
            note.id,
            n = index + 1,
            back = crate::i18n::t(&self.lang(), crate::i18n::Key::BackToReference)
        );
        let mut more = String::new();
        for k in 2..=refs {
            let _ = write!(more, " <a href=\"#{}-ref-{k}\" role=\"doc-backlink\" aria-label=\"{} {} ({k})\">↩</a>", note.id, crate::i18n::t(&self.lang(), crate::i18n::Key::BackToReference), index + 1);
        }
        let mut first = true;
        for b in &note.blocks {
            if first && let Block::Paragraph { inlines, .. } = b {
                let _ = writeln!(s, "<p>{back}{}{more}</p>", self.inlines(inlines));
                first = false;
                continue;
            }
            self.block(b, s);
        }
        if first {
            let _ = writeln!(s, "<p>{back}{more}</p>");
        }
        s.push_str("</aside>\n");
    }

    /// The book's language, for the words quire adds (the chapter's own lang is the book's).
    fn lang(&self) -> String {
        self.language.clone()
    }

    pub fn blocks(&self, blocks: &[Block], s: &mut String) {
        for b in blocks {
            self.block(b, s);
        }
    }

    fn block(&self, b: &Block, s: &mut String) {
        match b {
            Block::Paragraph { inlines, n, .. } => {
                if *n > 0 {
                    let id = crate::model::paragraph_id(&self.chapter.id, *n);
                    let num = if self.paragraph_numbers { format!("<span class=\"pnum\">{n}</span>") } else { String::new() };
                    let body = self.paragraph_inlines(*n, inlines);
                    let _ = writeln!(s, "<p id=\"{id}\">{num}{body}</p>");
                } else {
                    let _ = writeln!(s, "<p>{}</p>", self.inlines(inlines));
                }
            }
            Block::Heading { level, id, inlines, .. } => {
                let l = (self.level + (*level).max(2) - 1).min(6);
                let _ = writeln!(s, "<h{l} id=\"{id}\">{}</h{l}>", self.inlines(inlines));
            }
            Block::BlockQuote { blocks, .. } => {
                s.push_str("<blockquote>\n");
                self.blocks(blocks, s);
                s.push_str("</blockquote>\n");
            }
            Block::List { start, tight, items, .. } => {
                let tag = if start.is_some() { "ol" } else { "ul" };
                match start {
                    Some(n) if *n != 1 => {
                        let _ = writeln!(s, "<ol start=\"{n}\">");
                    }
                    _ => {
                        let _ = writeln!(s, "<{tag}>");
                    }
                }
                for item in items {
                    s.push_str("<li>");
                    match (tight, item.as_slice()) {
                        (true, [Block::Paragraph { inlines, n, .. }, rest @ ..]) => {
                            s.push_str(&self.paragraph_inlines(*n, inlines));
                            if !rest.is_empty() {
                                s.push('\n');
                                self.blocks(rest, s);
                            }
                        }
                        _ => {
                            s.push('\n');
                            self.blocks(item, s);
                        }
                    }
                    s.push_str("</li>\n");
                }
                let _ = writeln!(s, "</{tag}>");
            }
            Block::CodeBlock { lang, text, .. } => {
                let class = lang.as_deref().map(|l| format!(" class=\"language-{}\"", esc(l))).unwrap_or_default();
                let _ = writeln!(s, "<pre><code{class}>{}</code></pre>", esc(text.trim_end_matches('\n')));
            }
            Block::Table { align, head, rows, .. } => {
                s.push_str("<table>\n");
                let cell = |tag: &str, i: usize, c: &[Inline], s: &mut String| {
                    let class = match align.get(i) {
                        Some(Align::Left) => " class=\"left\"",
                        Some(Align::Center) => " class=\"center\"",
                        Some(Align::Right) => " class=\"right\"",
                        _ => "",
                    };
                    let scope = if tag == "th" { " scope=\"col\"" } else { "" };
                    let _ = write!(s, "<{tag}{scope}{class}>{}</{tag}>", self.inlines(c));
                };
                if !head.is_empty() {
                    s.push_str("<thead><tr>");
                    for (i, c) in head.iter().enumerate() {
                        cell("th", i, c, s);
                    }
                    s.push_str("</tr></thead>\n");
                }
                s.push_str("<tbody>\n");
                for r in rows {
                    s.push_str("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        cell("td", i, c, s);
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody>\n</table>\n");
            }
            Block::ThematicBreak { .. } => s.push_str("<hr/>\n"),
            Block::Figure(f) => {
                let src = self.links.images.get(&f.image).cloned().unwrap_or_default();
                let _ = writeln!(s, "<figure id=\"{}\">", f.id);
                let _ = writeln!(s, "<img src=\"../{}\" alt=\"{}\"/>", esc(&src), esc(&f.alt));
                if !f.caption.is_empty() || !f.credit.is_empty() {
                    s.push_str("<figcaption>");
                    if !f.caption.is_empty() {
                        let _ = write!(s, "<span class=\"caption\">{}</span>", self.inlines(&f.caption));
                    }
                    if !f.credit.is_empty() {
                        let _ = write!(s, " <span class=\"credit\">{}</span>", self.inlines(&f.credit));
                    }
                    s.push_str("</figcaption>\n");
                }
                s.push_str("</figure>\n");
            }
        }
    }

    /// A numbered paragraph's inlines with the page-break markers that fall in it.
    fn paragraph_inlines(&self, n: u32, inlines: &[Inline]) -> String {
        *self.state.borrow_mut() = (0, self.marks.get(&n).cloned().unwrap_or_default());
        let body = self.inlines(inlines);
        // Markers past the end of the text close the paragraph.
        let rest: String = std::mem::take(&mut self.state.borrow_mut().1).iter().map(|(_, l)| page_marker(l)).collect();
        body + &rest
    }

    pub fn inlines(&self, inlines: &[Inline]) -> String {
        let mut s = String::new();
        self.push_inlines(inlines, &mut s);
        s
    }

    fn push_inlines(&self, inlines: &[Inline], s: &mut String) {
        for i in inlines {
            match i {
                Inline::Text(t) => self.text_with_marks(t, s),
                Inline::Emph(c) => self.wrap("em", "", c, s),
                Inline::Strong(c) => self.wrap("strong", "", c, s),
                Inline::Strike(c) => self.wrap("s", "", c, s),
                Inline::SmallCaps(c) => self.wrap("span", " class=\"sc\"", c, s),
                Inline::Code(t) => {
                    self.state.borrow_mut().0 += t.chars().count();
                    let _ = write!(s, "<code>{}</code>", esc(t));
                }
                Inline::Link { target: LinkTarget::Unresolved, children, .. } => self.push_inlines(children, s),
                Inline::Link { target, title, children, .. } => {
                    let href = self.href(target);
                    let title = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", esc(title)) };
                    let _ = write!(s, "<a href=\"{}\"{title}>", esc(&href));
                    self.push_inlines(children, s);
                    s.push_str("</a>");
                }
                Inline::Image { src, alt } => {
                    let p = self.links.images.get(src).cloned().unwrap_or_default();
                    let _ = write!(s, "<img src=\"../{}\" alt=\"{}\"/>", esc(&p), esc(alt));
                }
                Inline::NoteRef { note, nth } => {
                    if let Some(n) = self.chapter.notes.get(*note) {
                        let _ = write!(
                            s,
                            "<a class=\"noteref\" id=\"{id}-ref-{r}\" href=\"#{id}\" epub:type=\"noteref\" role=\"doc-noteref\">{num}</a>",
                            id = n.id,
                            r = nth + 1,
                            num = note + 1
                        );
                    }
                }
                Inline::LineBreak => s.push_str("<br/>"),
            }
        }
    }

    /// Writes text, inserting the page-break markers that fall in it — between words: a page
    /// that starts inside a hyphenated word gets its marker after that word.
    fn text_with_marks(&self, t: &str, s: &mut String) {
        let mut st = self.state.borrow_mut();
        let start = st.0;
        let len = t.chars().count();
        st.0 += len;
        if st.1.is_empty() {
            s.push_str(&esc(t));
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
            s.push_str(&esc(&piece));
            s.push_str(&page_marker(&label));
            written = local;
        }
        let piece: String = chars[written..].iter().collect();
        s.push_str(&esc(&piece));
    }

    fn wrap(&self, tag: &str, attrs: &str, c: &[Inline], s: &mut String) {
        let _ = write!(s, "<{tag}{attrs}>");
        self.push_inlines(c, s);
        let _ = write!(s, "</{tag}>");
    }

    /// Maps a resolved link to the package: another chapter's file, or an anchor in this one.
    fn href(&self, target: &LinkTarget) -> String {
        match target {
            LinkTarget::External(u) => crate::epub::xml::encode_url(u),
            LinkTarget::Internal { chapter, anchor: Some(a) } if *chapter == self.chapter.id => format!("#{a}"),
            LinkTarget::Internal { chapter, anchor: Some(a) } => format!("{chapter}.xhtml#{a}"),
            LinkTarget::Internal { chapter, anchor: None } => format!("{chapter}.xhtml"),
            LinkTarget::Unresolved => String::new(),
        }
    }
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
