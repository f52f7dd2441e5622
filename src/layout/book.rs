//! The book → pages: the coordinator. Builds the page sequences (generated matter and
//! chapters, `flow`), breaks them into pages and places them (`pages`), and repeats until the
//! contents' page numbers are stable.

use super::engine::Engine;
use super::flow::{Flow, Sequence};
use super::geometry::Geometry;
use super::*;
use crate::diag::Diagnostic;
use crate::model::Book;
use crate::model::pagemap::DocId;
use crate::source::BookDir;
use crate::text::fonts::FontSet;
use std::collections::BTreeMap;

/// Text the layout prints that comes from outside the book: colophon facts and the
/// "How to cite" page.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Facts of the edition for the copyright page: (label, value).
    pub colophon: Vec<(String, String)>,
    /// Paragraphs of the "How to cite this edition" page (none: no page); titles of works marked.
    pub cite: Vec<Vec<crate::model::Inline>>,
    /// The author's paragraphs for the "About this edition" page (book.toml).
    pub teacher_note: Vec<String>,
    /// The text set between sections, or None for a short rule (`[typography] section-break`).
    pub section_break: Option<String>,
}

/// Passes of the contents fix-point before quire gives up (and says so).
const MAX_PASSES: usize = 4;

/// Lays out the whole book.
pub fn layout(
    book: &Book,
    dir: &BookDir,
    fonts: &FontSet,
    g: Geometry,
    min_name: usize,
    extras: &Extras,
    warm: Option<&super::engine::Warm>,
) -> Result<Layout, Vec<Diagnostic>> {
    let mut eng = Engine::new(fonts, &book.meta.language, min_name, warm);
    let mut toc: BTreeMap<String, String> = BTreeMap::new();
    let mut last = None;
    for pass in 0..MAX_PASSES {
        let mut l = layout_once(book, dir, fonts, g, &mut eng, &toc, extras)?;
        let new_toc: BTreeMap<String, String> = l.anchors.iter().map(|(k, (p, _))| (k.clone(), l.pages[*p].label.text())).collect();
        let stable = new_toc == toc;
        if !stable && pass + 1 == MAX_PASSES {
            l.report.warnings.push(
                Diagnostic::warning(format!(
                    "the contents' page numbers did not settle after {MAX_PASSES} layout passes; some may be wrong"
                ))
                .help("this happens when a page number's width moves an entry onto another page; report the book so quire can handle it"),
            );
        }
        toc = new_toc;
        last = Some(l);
        if stable {
            break;
        }
    }
    last.ok_or_else(Vec::new)
}

/// A chapter's pages: on a recto, with its running head — none on a display page.
/// A chapter's running head: its `short-title` (a letter's with its date: "Kennedy to
/// Khrushchov · February 22, 1961"), else its title (a letter's label with its date).
fn running_head(ch: &crate::model::Chapter, language: &str) -> String {
    let date = ch.letter.as_ref().and_then(|l| l.date).map(|d| d.long(language));
    match (&ch.short_title, date) {
        (Some(s), Some(d)) => format!("{s} · {d}"),
        (Some(s), None) => s.clone(),
        (None, Some(d)) => format!("{}, {d}", ch.label()),
        (None, None) => ch.title_text(),
    }
}

fn chapter_sequence(ch: &crate::model::Chapter, items: Vec<crate::layout::vlist::VItem>, head: Option<String>) -> Sequence {
    let display = ch.kind.is_display();
    Sequence { items, head: if display { None } else { head }, plain: display, opens_recto: true, doc: DocId::Chapter(ch.id.clone()) }
}

fn layout_once<'a>(
    book: &Book,
    dir: &'a BookDir,
    fonts: &'a FontSet,
    g: Geometry,
    eng: &mut Engine<'a>,
    toc: &BTreeMap<String, String>,
    extras: &Extras,
) -> Result<Layout, Vec<Diagnostic>> {
    let mut flow = Flow::new(g, eng, dir, book);
    flow.section_break = extras.section_break.clone();
    let mut seqs: Vec<Sequence> = Vec::new();
    let mut outline: Vec<OutlineItem> = Vec::new();
    flow.front_pages(book, fonts, extras, &mut seqs);
    // Display pages (dedication, epigraph) come before the contents; the rest of the front
    // matter after it.
    for ch in book.before_contents() {
        outline.push(OutlineItem { title: ch.label(), level: 0, anchor: ch.id.clone() });
        let items = flow.chapter(ch, 0, 1);
        seqs.push(chapter_sequence(ch, items, Some(running_head(ch, &book.meta.language))));
    }
    flow.contents(book, toc, extras, &mut seqs);
    for ch in book.after_contents() {
        outline.push(OutlineItem { title: ch.label(), level: 0, anchor: ch.id.clone() });
        let items = flow.chapter(ch, 0, 1);
        seqs.push(chapter_sequence(ch, items, Some(running_head(ch, &book.meta.language))));
    }
    let first_body = seqs.len();
    for (pi, part) in book.parts.iter().enumerate() {
        let parent = match &part.title {
            Some(t) => flow.part_page(pi, &part.id, t, &mut outline, &mut seqs),
            None => 0,
        };
        for ch in &part.chapters {
            outline.push(OutlineItem { title: ch.label(), level: if part.title.is_some() { 1 } else { 0 }, anchor: ch.id.clone() });
            let items = flow.chapter(ch, parent, if part.title.is_some() { 2 } else { 1 });
            seqs.push(chapter_sequence(ch, items, Some(running_head(ch, &book.meta.language))));
        }
    }
    for ch in &book.back {
        outline.push(OutlineItem { title: ch.label(), level: 0, anchor: ch.id.clone() });
        let items = flow.chapter(ch, 0, 1);
        seqs.push(chapter_sequence(ch, items, Some(running_head(ch, &book.meta.language))));
    }
    if !extras.cite.is_empty() {
        flow.how_to_cite(&extras.cite, &mut outline, &mut seqs);
    }
    let flowed = flow.finish()?;
    let pages = pages::assemble(seqs, first_body, &book.meta.title, &flowed, g, eng);
    Ok(Layout {
        width: g.page.width,
        height: g.page.height,
        pages: pages.pages,
        nodes: flowed.nodes,
        contents: flowed.contents,
        anchors: pages.anchors,
        outline,
        report: pages.report,
        map: pages.map,
        langs: (1..=u8::MAX).map_while(|i| eng.hyph.lang_tag(i)).collect(),
    })
}
