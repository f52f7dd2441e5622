//! Pages: page sequences → placed pages. Blank versos before recto openings, page labels
//! (roman before the body, arabic after), the page map, footnotes at the foot, furniture,
//! padding to a multiple of pages.

use super::engine::Engine;
use super::flow::{Flowed, Sequence};
use super::furniture;
use super::geometry::Geometry;
use super::paginate::{Paginator, Plan, grid_up, notes_height};
use super::place::Placer;
use super::vlist::{VItem, VLine};
use super::*;
use crate::diag::Diagnostic;
use crate::model::pagemap::{DocId, PageMap, PageStart};
use std::collections::BTreeMap;

/// The placed pages with what placement found out.
pub(super) struct Pages {
    pub pages: Vec<PageOut>,
    pub anchors: BTreeMap<String, (usize, f32)>,
    pub report: Report,
    pub map: PageMap,
}

/// Page labels: roman numerals before the body, arabic from its first page.
struct Labels {
    roman: usize,
    arabic: usize,
}

impl Labels {
    fn next(&mut self, arabic: bool) -> Label {
        if arabic {
            self.arabic += 1;
            Label::Arabic(self.arabic)
        } else {
            self.roman += 1;
            Label::Roman(self.roman)
        }
    }
}

/// What one page of a sequence is being placed with.
struct PageCtx {
    index: usize,
    left: f32,
    opening: bool,
    g: Geometry,
    /// The height of the note lines at the page's foot.
    notes_h: f32,
}

impl PageCtx {
    fn placer<'p>(&self, page: &'p mut PageOut, out: &'p mut Pages) -> Placer<'p> {
        Placer { page, index: self.index, left: self.left, measure: self.g.measure(), anchors: &mut out.anchors, report: &mut out.report }
    }
}

/// Paginates every sequence and places its pages.
pub(super) fn assemble(seqs: Vec<Sequence>, first_body: usize, book_title: &str, flowed: &Flowed, g: Geometry, eng: &mut Engine) -> Pages {
    let mut out = Pages { pages: Vec::new(), anchors: BTreeMap::new(), report: Report::default(), map: PageMap::default() };
    let mut starts: Vec<PageStart> = Vec::new();
    let mut labels = Labels { roman: 0, arabic: 0 };
    let paginator = Paginator { avail: g.block_height(), sep: g.text.leading, grid: g.text.leading, notes: &flowed.notes };
    let mut prev_doc: Option<DocId> = None;
    for (si, mut seq) in seqs.into_iter().enumerate() {
        // A chapter opens on a recto when chapters do, or right after a part's title page (whose
        // verso stays blank).
        let after_part = si > 0 && matches!(prev_doc, Some(DocId::Part(_)));
        let recto_here = match seq.doc {
            DocId::Chapter(_) => g.furniture.recto_chapters || after_part,
            _ => true,
        };
        let needs_recto = (si == first_body && g.furniture.blank_pages) || (seq.opens_recto && g.furniture.recto_openings && recto_here);
        prev_doc = Some(seq.doc.clone());
        if needs_recto && out.pages.len() % 2 == 1 {
            // A truly blank verso: no head, no folio. Before the body it ends the front matter.
            out.pages.push(PageOut { label: labels.next(si > first_body), items: Vec::new() });
            starts.push(PageStart::Follow);
        }
        let paginated = if g.furniture.blank_pages {
            // Printed as spreads: facing pages end on the same line.
            paginator.paginate_facing(&seq.items, out.pages.len().is_multiple_of(2))
        } else {
            paginator.paginate(&seq.items)
        };
        if paginated.unplaced > 0 {
            out.report.warnings.push(
                Diagnostic::warning(format!(
                    "{} items of a page sequence could not be placed on any page and are missing from the PDF",
                    paginated.unplaced
                ))
                .help("this is a limit of quire's pagination; report the book so it can be fixed"),
            );
        }
        // Items are moved onto the pages, not copied.
        let mut slots: Vec<Option<VItem>> = std::mem::take(&mut seq.items).into_iter().map(Some).collect();
        let mut line_no = 0usize;
        for (pi, plan) in paginated.plans.iter().enumerate() {
            let index = out.pages.len();
            let mut page = PageOut { label: labels.next(si >= first_body), items: Vec::new() };
            starts.push(if pi == 0 { PageStart::Doc(seq.doc.clone()) } else { first_start(plan, &slots) });
            // Display pages (titles, part pages, dedications) are centred on the trimmed page, not on
            // the text block, which sits toward the spine.
            let left = if seq.plain { (g.page.width - g.measure()) / 2.0 } else { g.left(index) };
            let ctx = PageCtx { index, left, opening: pi == 0, g, notes_h: notes_height(&flowed.notes, plan) };
            place_body(&mut page, plan, &mut slots, &ctx, &mut line_no, &mut out, eng);
            place_notes(&mut page, plan, flowed, &ctx, &mut out);
            let facts = furniture::PageFacts {
                index: ctx.index,
                left: ctx.left,
                opening: ctx.opening,
                plain: seq.plain,
                head: seq.head.as_deref(),
                book_title,
            };
            furniture::head_and_folio(&mut page, &facts, g, eng);
            out.pages.push(page);
        }
    }
    // Pad the page count (print on demand wants a multiple of 4).
    while !out.pages.len().is_multiple_of(g.furniture.pad_to.max(1)) {
        out.pages.push(PageOut { label: labels.next(true), items: Vec::new() });
        starts.push(PageStart::Follow);
    }
    out.report.check_breaks();
    out.report.warnings.splice(0..0, flowed.warnings.iter().cloned());
    out.map = PageMap { labels: out.pages.iter().map(|p| p.label.text()).collect(), starts };
    out
}

/// Where a page that does not open its sequence starts in the text (for the EPUB's markers).
fn first_start(plan: &Plan, slots: &[Option<VItem>]) -> PageStart {
    plan.items
        .iter()
        .find_map(|&k| match &slots[k] {
            Some(VItem::Line(VLine { heading: true, mark: Some((c, 0)), anchors, .. })) => {
                anchors.last().map(|id| PageStart::Heading { chapter: c.clone(), id: id.clone() })
            }
            Some(VItem::Line(VLine { mark: Some((c, n)), offset: Some(o), .. })) => {
                Some(PageStart::Paragraph { chapter: c.clone(), n: *n, offset: *o })
            }
            _ => None,
        })
        .unwrap_or(PageStart::Follow)
}

fn place_body(
    page: &mut PageOut,
    plan: &Plan,
    slots: &mut [Option<VItem>],
    ctx: &PageCtx,
    line_no: &mut usize,
    out: &mut Pages,
    eng: &mut Engine,
) {
    let notes_h = ctx.notes_h;
    let g = ctx.g;
    // A float scaled to stay on this page (see `Plan::scaled`): its picture drawn smaller.
    for (&k, &s) in &plan.scaled {
        if let Some(VItem::Figure(f)) = slots[k].as_mut() {
            (f.w, f.h) = (f.w * s, f.h * s);
        }
    }
    // Floats at the foot: above the notes' rule and gap; on a page without notes, the last
    // float's last line (its caption's, else the picture's foot) on the text block's last
    // baseline, where the facing page's text ends.
    let bottom: f32 = plan.bottom.iter().filter_map(|&k| slots[k].as_ref()).map(VItem::height).sum();
    let mut y = g.page.top + g.block_height() - bottom - if notes_h > 0.0 { notes_h + g.text.leading } else { 0.0 };
    if notes_h == 0.0
        && let Some(last @ VItem::Figure(f)) = plan.bottom.last().and_then(|&k| slots[k].as_ref())
    {
        let lead = g.text.leading;
        let last_baseline = g.page.top + ((g.block_height() + 0.01) / lead).floor() * lead - 0.22 * lead;
        // From the float's top to its last line: see `Placer::place`.
        let end = match f.caption.last() {
            Some(l) => f.h + 8.0 + f.caption.iter().map(|c| c.leading).sum::<f32>() - 0.22 * l.leading,
            None => f.h + 4.0,
        };
        y = last_baseline - end - (bottom - last.height());
    }
    for &k in &plan.bottom {
        if let Some(item) = slots[k].take() {
            ctx.placer(page, out).place(item, &mut y);
        }
    }
    let mut y = g.page.top;
    for &k in &plan.floats {
        if let Some(item) = slots[k].take() {
            ctx.placer(page, out).place(item, &mut y);
        }
    }
    // The text below top floats starts on the grid.
    y = g.page.top + grid_up(y - g.page.top, g.text.leading);
    for item in &plan.repeat {
        ctx.placer(page, out).place(item.clone(), &mut y);
    }
    for &k in &plan.items {
        let top = y;
        let Some(item) = slots[k].take() else { continue };
        if let VItem::Grid = item {
            y = g.page.top + grid_up(y - g.page.top, g.text.leading);
            continue;
        }
        let (para_number, numbered, leading) = match &item {
            VItem::Line(l) => (l.para_number, l.numbered, l.leading),
            _ => (None, false, 0.0),
        };
        ctx.placer(page, out).place(item, &mut y);
        let baseline = top + leading * 0.78;
        let at = furniture::Margin { left: ctx.left, recto: ctx.index.is_multiple_of(2), baseline };
        if let Some(pn) = para_number {
            furniture::paragraph_number(page, pn, &at, g, eng);
        }
        if numbered && g.furniture.line_numbers > 0 {
            *line_no += 1;
            if line_no.is_multiple_of(g.furniture.line_numbers) {
                furniture::line_number(page, *line_no, &at, g, eng);
            }
        }
    }
}

fn note_lines<'f>(flowed: &'f Flowed, n: &str, f: usize, t: usize) -> &'f [VItem] {
    flowed.notes.get(n).map(|v| &v[f..t]).unwrap_or(&[])
}

fn place_notes(page: &mut PageOut, plan: &Plan, flowed: &Flowed, ctx: &PageCtx, out: &mut Pages) {
    let g = ctx.g;
    if plan.notes.is_empty() {
        return;
    }
    let lines = |n: &String, f: usize, t: usize| note_lines(flowed, n, f, t);
    let nh = ctx.notes_h;
    let mut ny = g.page.height - g.page.bottom - nh;
    page.items.push(Placed::Rule { x0: ctx.left, x1: ctx.left + 48.0, y: ny - g.text.leading * 0.45, width: 0.4 });
    let mut placer = ctx.placer(page, out);
    for (n, f, t) in &plan.notes {
        for it in lines(n, *f, *t) {
            placer.place(it.clone(), &mut ny);
        }
    }
}
