//! Pagination: a vertical list → page plans (which items, floats and note lines go on each
//! page). Greedy fill with backtracking to the last allowed break; footnotes at the foot of the
//! page of their reference, split across pages when they must be. Figures are floats, never
//! set between two lines of text: at the top of a page that has no text yet, else at the foot
//! of the page where they are met when they fit there, else at the top of the next page while
//! the text flows past. A sequence never ends on a page of floats alone: lines come over to
//! keep them company. Needs no fonts: heights only.

use super::vlist::{VItem, break_allowed_after};
use std::collections::{BTreeMap, VecDeque};

/// Page plan: which items are on a page, and which lines of which notes stand at its foot.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Floats at the top of the page; the text starts on the grid line below them.
    pub floats: Vec<usize>,
    /// Floats at the foot of the text block, above the notes.
    pub bottom: Vec<usize>,
    /// A continued table's header lines, repeated at the top of the page (drawn as artifacts).
    pub repeat: Vec<VItem>,
    pub items: Vec<usize>,
    /// (note id, first line, end line).
    pub notes: Vec<(String, usize, usize)>,
    /// Floats at the foot drawn smaller (their picture scaled by the factor) to stand on the
    /// page of their place in the text rather than leave it half empty (`company_for_floats`).
    pub scaled: BTreeMap<usize, f32>,
}

/// The height of the note lines a plan sets at its page's foot (without the rule's gap).
pub(super) fn notes_height(notes: &BTreeMap<String, Vec<VItem>>, plan: &Plan) -> f32 {
    let lines = |n: &str, f: usize, t: usize| notes.get(n).map(|v| &v[f.min(v.len())..t.min(v.len())]).unwrap_or(&[]);
    plan.notes.iter().map(|(n, f, t)| lines(n, *f, *t).iter().map(VItem::height).sum::<f32>()).sum()
}

/// How far a float's picture may be scaled down to stay on its page.
const MIN_FLOAT_SCALE: f32 = 0.7;

/// The height of float `k` on a page whose plan is `plan` (its picture scaled there or not).
fn float_height(plan: &Plan, items: &[VItem], k: usize) -> f32 {
    match (&items[k], plan.scaled.get(&k)) {
        (VItem::Figure(f), Some(s)) => items[k].height() - f.h * (1.0 - s),
        _ => items[k].height(),
    }
}

/// The plans of one sequence; `unplaced` counts items the loop guard gave up on (never expected:
/// reported as a diagnostic by the caller, never dropped silently).
pub(super) struct Paginated {
    pub plans: Vec<Plan>,
    pub unplaced: usize,
}

/// Breaks vertical lists into pages of `avail` points; notes are set at the foot below a rule
/// and gap of `sep` points.
pub(super) struct Paginator<'n> {
    pub avail: f32,
    pub sep: f32,
    /// The body's leading: top floats take whole lines of it, so the text below stays on the grid.
    pub grid: f32,
    pub notes: &'n BTreeMap<String, Vec<VItem>>,
}

/// `h` rounded up to whole lines of `grid`.
pub(in crate::layout) fn grid_up(h: f32, grid: f32) -> f32 {
    if grid <= 0.0 { h } else { (h / grid - 0.01).ceil().max(0.0) * grid }
}

/// The page being filled.
struct Fill {
    plan: Plan,
    /// The height this page may fill (less than the text block when it faces a shorter page).
    avail: f32,
    used: f32,
    /// Where the text has come to from the text block's top (top floats, a repeated header,
    /// the items): what a [`VItem::Grid`] rounds up.
    text: f32,
    notes_h: f32,
    on_page: Vec<String>,
}

impl Paginator<'_> {
    fn note_height(&self, id: &str, from: usize) -> f32 {
        self.notes.get(id).map(|v| v[from.min(v.len())..].iter().map(VItem::height).sum()).unwrap_or(0.0)
    }

    fn note_first_line(&self, id: &str) -> f32 {
        self.notes.get(id).and_then(|v| v.first()).map(VItem::height).unwrap_or(0.0)
    }

    /// Breaks a sequence into pages (indices into `items`).
    pub fn paginate(&self, items: &[VItem]) -> Paginated {
        self.paginate_limited(items, &BTreeMap::new())
    }

    /// Breaks a sequence into pages, page `k` filling at most `limits[k]` points where given.
    pub fn paginate_limited(&self, items: &[VItem], limits: &BTreeMap<usize, f32>) -> Paginated {
        let mut plans: Vec<Plan> = Vec::new();
        let mut pending: VecDeque<usize> = VecDeque::new();
        let mut carry: Vec<(String, usize)> = Vec::new();
        let mut i = 0;
        let mut guard = 0usize;
        while i < items.len() || !pending.is_empty() || !carry.is_empty() {
            guard += 1;
            if guard > items.len() * 4 + 100 {
                let unplaced = items.len() - i + pending.len() + carry.len();
                return Paginated { plans, unplaced };
            }
            if i >= items.len() && carry.is_empty() && !pending.is_empty() {
                self.company_for_floats(&mut plans, &mut i, &mut pending, items);
            }
            let avail = limits.get(&plans.len()).copied().unwrap_or(self.avail);
            let mut fill = self.start_page(&mut carry, &mut pending, items, avail);
            self.fill_body(&mut fill, items, &mut i, &mut pending, !plans.is_empty());
            let mut plan = fill.plan;
            plan.notes = self.foot_notes(&plan, items, &mut carry, fill.avail);
            if plan.items.is_empty() && plan.floats.is_empty() && plan.bottom.is_empty() && plan.notes.is_empty() {
                if i >= items.len() && pending.is_empty() {
                    break;
                }
                // Avoid an endless loop on something that can never be placed.
                if let Some(f) = pending.pop_front() {
                    plan.floats.push(f);
                } else if i < items.len() {
                    plan.items.push(i);
                    i += 1;
                }
            }
            plans.push(plan);
        }
        Paginated { plans, unplaced: 0 }
    }

    /// Breaks a sequence into pages so that facing pages end on the same line: where a page
    /// ends short (a widow, an orphan or a heading kept with what follows pushed lines on), the
    /// page facing it is shortened to match, and the text after flows on. `first_recto`: the
    /// sequence's first page is a right-hand page. Pages with footnotes (which end at the foot)
    /// and a sequence's last page (which ends where the text does) are left as they are; each
    /// spread is tried once, so this ends.
    pub fn paginate_facing(&self, items: &[VItem], first_recto: bool) -> Paginated {
        let mut limits: BTreeMap<usize, f32> = BTreeMap::new();
        let mut out = self.paginate_limited(items, &limits);
        let mut tried = std::collections::BTreeSet::new();
        // A cap on repaginations for very long sequences (each is linear in the sequence).
        for _ in 0..64 {
            let uneven = |plans: &[Plan], k: usize| {
                (self.text_fill(&plans[k], items) - self.text_fill(&plans[k + 1], items)).abs() >= self.grid * 0.5
            };
            let plans = &out.plans;
            let spread = (0..plans.len().saturating_sub(2)).find(|&k| {
                let verso = (k % 2 == 0) != first_recto;
                verso && !tried.contains(&k) && plans[k].notes.is_empty() && plans[k + 1].notes.is_empty() && uneven(plans, k)
            });
            let Some(k) = spread else { break };
            tried.insert(k);
            let (a, b) = (self.text_fill(&plans[k], items), self.text_fill(&plans[k + 1], items));
            let (long, short) = if a > b { (k, b) } else { (k + 1, a) };
            let before = limits.insert(long, short + 0.01);
            let again = self.paginate_limited(items, &limits);
            // Kept only when the spread now ends on one line (a keep may push the long page's
            // break further up than its facing page's); else the pages stay as they were.
            if again.unplaced == 0 && again.plans.len() > k + 1 && !uneven(&again.plans, k) {
                out = again;
            } else {
                match before {
                    Some(v) => limits.insert(long, v),
                    None => limits.remove(&long),
                };
            }
        }
        out
    }

    /// The height a page's text takes: its floats and lines, without space after its last line.
    fn text_fill(&self, plan: &Plan, items: &[VItem]) -> f32 {
        let last = plan.items.iter().rposition(|&k| !items[k].is_blank()).map_or(0, |p| p + 1);
        self.body_height(plan, items, last)
    }

    /// The height of a page's floats (those at the top in whole lines, those at the foot with
    /// the half line above them) and its first `upto` items, with its repeated header and each
    /// [`VItem::Grid`] resolved where it stands (as `fill_body` and placement do).
    fn body_height(&self, plan: &Plan, items: &[VItem], upto: usize) -> f32 {
        let mut y = grid_up(plan.floats.iter().map(|&k| items[k].height()).sum(), self.grid);
        y += plan.repeat.iter().map(VItem::height).sum::<f32>();
        for &k in &plan.items[..upto] {
            y = match &items[k] {
                VItem::Grid => grid_up(y, self.grid),
                it => y + it.height(),
            };
        }
        let gap = if plan.bottom.is_empty() { 0.0 } else { self.grid * 0.5 };
        y + gap + plan.bottom.iter().map(|&k| float_height(plan, items, k)).sum::<f32>()
    }

    /// The sequence's text has ended with floats still waiting for a page: rather than a page
    /// of floats alone, the last lines of the previous page (from its last allowed break, at
    /// least two lines, never taking notes along) come over to stand below them.
    fn company_for_floats(&self, plans: &mut [Plan], i: &mut usize, pending: &mut VecDeque<usize>, items: &[VItem]) {
        let Some(prev) = plans.last_mut() else { return };
        if self.shrink_onto(prev, pending, items) {
            return;
        }
        let floats_h = grid_up(pending.iter().map(|&f| items[f].height()).sum(), self.grid);
        let has_notes = |k: usize| matches!(&items[k], VItem::Line(l) if !l.notes.is_empty());
        let mut moved_h = 0.0;
        let mut lines = 0;
        for k in (1..prev.items.len()).rev() {
            let at = prev.items[k];
            if has_notes(at) || prev.bottom.iter().any(|&b| b > at) {
                return;
            }
            moved_h += items[at].height();
            lines += usize::from(matches!(items[at], VItem::Line(_)));
            if floats_h + moved_h > self.avail + 0.01 {
                return;
            }
            let before_has_text = prev.items[..k].iter().any(|&j| matches!(items[j], VItem::Line(_)));
            if lines >= 2 && before_has_text && break_allowed_after(items, prev.items[k - 1]) {
                *i = at;
                prev.items.truncate(k);
                // The notes of the lines that stay are unchanged (no moved line has one). The
                // floats may now fit (scaled) at the foot of this page, before the lines brought
                // over — better than the page half empty and the floats over the last lines.
                self.shrink_onto(prev, pending, items);
                return;
            }
        }
    }

    /// The floats waiting for a page, drawn at the foot of the page the text ended on — their
    /// pictures scaled down (to no less than `MIN_FLOAT_SCALE`) where that makes them fit —
    /// rather than on a page of their own, which leaves the page before half empty.
    fn shrink_onto(&self, prev: &mut Plan, pending: &mut VecDeque<usize>, items: &[VItem]) -> bool {
        let notes_h = notes_height(self.notes, prev) + if prev.notes.is_empty() { 0.0 } else { self.sep };
        let body = self.body_height(prev, items, prev.items.len());
        let gap = if prev.bottom.is_empty() { self.grid * 0.5 } else { 0.0 };
        let need: f32 = gap + pending.iter().map(|&f| items[f].height()).sum::<f32>();
        let pictures: f32 = pending.iter().map(|&f| if let VItem::Figure(v) = &items[f] { v.h } else { 0.0 }).sum();
        let over = body + need + notes_h - self.avail;
        let s = if over <= 0.0 {
            1.0
        } else if pictures > 0.0 {
            1.0 - (over + 0.5) / pictures
        } else {
            0.0
        };
        if s < MIN_FLOAT_SCALE {
            return false;
        }
        for f in pending.drain(..) {
            prev.bottom.push(f);
            if s < 1.0 {
                prev.scaled.insert(f, s);
            }
        }
        true
    }

    /// A new page: notes continued from the previous page, then the floats waiting for a page top.
    fn start_page(&self, carry: &mut Vec<(String, usize)>, pending: &mut VecDeque<usize>, items: &[VItem], avail: f32) -> Fill {
        let mut fill = Fill { plan: Plan::default(), avail, used: 0.0, text: 0.0, notes_h: 0.0, on_page: Vec::new() };
        for (id, from) in carry.drain(..) {
            let h = self.note_height(&id, from);
            fill.notes_h += h + if fill.on_page.is_empty() { self.sep } else { 0.0 };
            fill.plan.notes.push((id.clone(), from, usize::MAX));
            fill.on_page.push(id);
        }
        let mut top = 0.0;
        while let Some(&f) = pending.front() {
            let h = items[f].height();
            if grid_up(top + h, self.grid) + fill.notes_h <= fill.avail + 0.01 || fill.plan.floats.is_empty() {
                fill.plan.floats.push(f);
                top += h;
                pending.pop_front();
            } else {
                break;
            }
        }
        fill.used = grid_up(top, self.grid);
        fill.text = fill.used;
        fill
    }

    /// Places the float `i` on the page being filled: at its top while the page has no text
    /// yet, else at its foot when it fits there, else it waits for the next page.
    fn place_float(&self, fill: &mut Fill, items: &[VItem], i: usize, pending: &mut VecDeque<usize>) {
        let h = items[i].height();
        let no_text = fill.plan.items.iter().all(|&k| items[k].is_blank()) && fill.plan.bottom.is_empty();
        if no_text && pending.is_empty() {
            let top: f32 = fill.plan.floats.iter().map(|&f| items[f].height()).sum();
            let used = grid_up(top + h, self.grid);
            if used + fill.notes_h <= fill.avail + 0.01 || fill.plan.floats.is_empty() {
                // Space already on the page stood above the float: it goes.
                fill.plan.items.clear();
                fill.plan.floats.push(i);
                fill.used = used;
                fill.text = used;
                return;
            }
        }
        // At the foot: with at least half a line between the text and the figure.
        let gap = if fill.plan.bottom.is_empty() { self.grid * 0.5 } else { 0.0 };
        if pending.is_empty() && fill.used + gap + h + fill.notes_h <= fill.avail + 0.01 {
            fill.plan.bottom.push(i);
            fill.used += gap + h;
            return;
        }
        pending.push_back(i);
    }

    /// Height of the notes a line brings to the page: all of them, and only their first lines.
    fn new_notes(&self, it: &VItem, on_page: &[String]) -> (f32, f32) {
        let VItem::Line(l) = it else { return (0.0, 0.0) };
        let mut full = 0.0;
        let mut min = 0.0;
        let mut first_note = on_page.is_empty();
        for n in &l.notes {
            if !on_page.contains(n) {
                let s = if first_note { self.sep } else { 0.0 };
                first_note = false;
                full += self.note_height(n, 0) + s;
                min += self.note_first_line(n) + s;
            }
        }
        (full, min)
    }

    /// Adds items to the page until one does not fit; then backs up to the last allowed break.
    fn fill_body(&self, fill: &mut Fill, items: &[VItem], i: &mut usize, pending: &mut VecDeque<usize>, continuation: bool) {
        let only_space = |v: &[usize]| v.iter().all(|&k| items[k].is_blank());
        while *i < items.len() {
            let it = &items[*i];
            if it.is_blank() && fill.plan.items.is_empty() && fill.plan.floats.is_empty() && continuation {
                // Space at the top of a continuation page is discarded.
                *i += 1;
                continue;
            }
            if fill.plan.items.is_empty() && fill.plan.repeat.is_empty() {
                fill.plan.repeat = repeated_header(items, *i);
                let h = fill.plan.repeat.iter().map(VItem::height).sum::<f32>();
                fill.used += h;
                fill.text += h;
            }
            if it.is_float() {
                // A float at the page's top may stand above lines that came before it in the text
                // (see `company_for_floats`): met again here, it is already placed.
                if !fill.plan.floats.contains(i) {
                    self.place_float(fill, items, *i, pending);
                }
                *i += 1;
                continue;
            }
            let h = match it {
                VItem::Grid => grid_up(fill.text, self.grid) - fill.text,
                _ => it.height(),
            };
            let (new_full, new_min) = self.new_notes(it, &fill.on_page);
            let fits_full = fill.used + h + fill.notes_h + new_full <= fill.avail + 0.01;
            let fits_min = fill.used + h + fill.notes_h + new_min <= fill.avail + 0.01;
            if fits_full || fits_min {
                fill.plan.items.push(*i);
                fill.used += h;
                fill.text += h;
                if let VItem::Line(l) = it {
                    for n in &l.notes {
                        if !fill.on_page.contains(n) {
                            fill.on_page.push(n.clone());
                            fill.plan.notes.push((n.clone(), 0, usize::MAX));
                        }
                    }
                }
                fill.notes_h += if fits_full { new_full } else { new_min };
                *i += 1;
                continue;
            }
            let plan = &mut fill.plan;
            if matches!(it, VItem::Figure(_)) && !(only_space(&plan.items) && plan.floats.is_empty()) {
                // The figure goes to the top of the next page; text flows past it.
                pending.push_back(*i);
                *i += 1;
                continue;
            }
            // Break: back up to the last place a break is allowed.
            let mut k = plan.items.len();
            while k > 0 && !break_allowed_after(items, plan.items[k - 1]) {
                k -= 1;
            }
            let content_before = !only_space(&plan.items[..k]);
            if k > 0 && content_before && k < plan.items.len() && plan.bottom.iter().any(|&f| f >= plan.items[k]) {
                // The break would carry a foot float's place in the text to the next page: the
                // float waits for that page's top instead, and its room goes back to the text.
                let back = plan.items[k];
                let evicted: Vec<usize> = plan.bottom.iter().copied().filter(|&f| f >= back).collect();
                plan.bottom.retain(|&f| f < back);
                fill.used -= evicted.iter().map(|&f| items[f].height()).sum::<f32>();
                if plan.bottom.is_empty() {
                    fill.used -= self.grid * 0.5;
                }
                for f in evicted.into_iter().rev() {
                    pending.push_front(f);
                }
                continue;
            }
            if k > 0 && content_before && k < plan.items.len() {
                *i = plan.items[k];
                plan.items.truncate(k);
                // Floats met after the break are met again on the next page.
                let back = *i;
                plan.bottom.retain(|&f| f < back);
                pending.retain(|&f| f < back);
            } else if only_space(&plan.items) && plan.floats.is_empty() {
                // Nothing fits on an empty page: place it anyway.
                plan.items.push(*i);
                *i += 1;
            }
            break;
        }
    }

    /// The note lines at the foot of the page, recomputed from the items actually on it;
    /// what does not fit is carried to the next page.
    fn foot_notes(&self, plan: &Plan, items: &[VItem], carry: &mut Vec<(String, usize)>, avail: f32) -> Vec<(String, usize, usize)> {
        let body = self.body_height(plan, items, plan.items.len());
        let mut refs: Vec<String> = plan.notes.iter().filter(|(_, from, _)| *from > 0).map(|(n, _, _)| n.clone()).collect();
        let carried: Vec<(String, usize, usize)> = plan.notes.iter().filter(|(_, from, _)| *from > 0).cloned().collect();
        for &k in &plan.items {
            if let VItem::Line(l) = &items[k] {
                for n in &l.notes {
                    if !refs.contains(n) {
                        refs.push(n.clone());
                    }
                }
            }
        }
        let mut room = avail - body - self.sep;
        let mut notes = Vec::new();
        for n in refs {
            let from = carried.iter().find(|(c, _, _)| *c == n).map(|(_, f, _)| *f).unwrap_or(0);
            let lines = self.notes.get(&n).map(Vec::as_slice).unwrap_or(&[]);
            let mut to = from;
            while to < lines.len() {
                let h = lines[to].height();
                if h > room + 0.01 {
                    break;
                }
                room -= h;
                to += 1;
            }
            if to < lines.len() {
                carry.push((n.clone(), to));
            }
            if to > from {
                notes.push((n, from, to));
            }
        }
        notes
    }
}

/// When item `i` is a body line of a table, the table's header lines (copied, their content
/// marked as an artifact: the tag tree has them once, where they first stand).
fn repeated_header(items: &[VItem], i: usize) -> Vec<VItem> {
    let Some(VItem::Line(l)) = items.get(i) else { return Vec::new() };
    let Some((table, false)) = l.table else { return Vec::new() };
    let mut head = Vec::new();
    for it in items[..i].iter().rev() {
        match it {
            VItem::Line(h) if h.table == Some((table, true)) => {
                let mut h = h.clone();
                h.runs.iter_mut().for_each(|(_, c)| *c = usize::MAX);
                (h.anchors, h.links, h.notes, h.stat, h.numbered, h.para_number, h.mark) =
                    (vec![], vec![], vec![], None, false, None, None);
                head.push(VItem::Line(h));
            }
            VItem::Line(h) if h.table.is_some_and(|(t, _)| t == table) => {}
            VItem::Line(_) if !head.is_empty() => break,
            VItem::Rule { .. } if head.is_empty() => head.push(it.clone()),
            _ if !head.is_empty() => break,
            _ => {}
        }
    }
    head.reverse();
    if head.iter().any(|h| matches!(h, VItem::Line(_))) { head } else { Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::vlist::{VFigure, VLine, mark_heading};

    fn line(keep: bool, notes: &[&str]) -> VItem {
        VItem::Line(VLine {
            runs: vec![],
            links: vec![],
            x: 0.0,
            leading: 14.0,
            keep_with_next: keep,
            notes: notes.iter().map(|s| s.to_string()).collect(),
            anchors: vec![],
            stat: None,
            para: None,
            heading: false,
            numbered: true,
            para_number: None,
            offset: None,
            mark: None,
            table: None,
        })
    }

    /// A paragraph of `n` lines with widow and orphan protection, as `vline` marks them.
    fn para(n: usize) -> Vec<VItem> {
        (0..n).map(|i| line(n >= 2 && (i == 0 || i + 2 == n), &[])).collect()
    }

    /// A text block of exactly ten 14 pt lines; notes as given. No fonts needed.
    fn paginate(notes: &BTreeMap<String, Vec<VItem>>, items: &[VItem]) -> Vec<Plan> {
        let p = Paginator { avail: 140.0, sep: 14.0, grid: 14.0, notes };
        let out = p.paginate(items);
        assert_eq!(out.unplaced, 0);
        out.plans
    }

    fn lines_on(plan: &Plan) -> usize {
        plan.items.len()
    }

    #[test]
    fn a_grid_item_brings_the_text_back_to_the_grid() {
        // A line, half a line of space, back to the grid: the lines after stand at 28, 42, …
        // so a 150 pt page holds eight more (to 140), not nine (to 147 without the grid).
        let notes = BTreeMap::new();
        let p = Paginator { avail: 150.0, sep: 14.0, grid: 14.0, notes: &notes };
        let mut items = vec![line(false, &[]), VItem::Space(7.0), VItem::Grid];
        items.extend((0..12).map(|_| line(false, &[])));
        let plans = p.paginate(&items).plans;
        assert_eq!(plans[0].items.len(), 3 + 8);
        assert!((p.text_fill(&plans[0], &items) - 140.0).abs() < 0.01);
        // Already on the grid: no space at all.
        let items = [line(false, &[]), VItem::Grid, line(false, &[])];
        let plans = p.paginate(&items).plans;
        assert!((p.text_fill(&plans[0], &items) - 28.0).abs() < 0.01);
    }

    #[test]
    fn no_orphan_the_first_line_moves_on() {
        {
            let notes = BTreeMap::new();
            let mut items: Vec<VItem> = (0..9).map(|_| line(false, &[])).collect();
            items.extend(para(4));
            let plans = paginate(&notes, &items);
            assert_eq!(lines_on(&plans[0]), 9, "the paragraph's first line does not stay alone at the foot");
            assert_eq!(lines_on(&plans[1]), 4);
        }
    }

    #[test]
    fn no_widow_the_last_line_takes_a_companion() {
        {
            let notes = BTreeMap::new();
            let mut items: Vec<VItem> = (0..6).map(|_| line(false, &[])).collect();
            items.extend(para(5)); // lines 7..11: line 11 would be alone on page 2
            let plans = paginate(&notes, &items);
            assert_eq!(lines_on(&plans[0]), 9, "one line goes over with the last");
            assert_eq!(lines_on(&plans[1]), 2);
        }
    }

    #[test]
    fn headings_keep_with_the_next_two_lines() {
        {
            let notes = BTreeMap::new();
            let mut items: Vec<VItem> = (0..8).map(|_| line(false, &[])).collect();
            let mut h = vec![line(false, &[])];
            mark_heading(&mut h, "h");
            items.extend(h);
            items.push(VItem::Space(7.0));
            items.extend(para(3));
            let plans = paginate(&notes, &items);
            assert_eq!(lines_on(&plans[0]), 8, "heading not left at the foot");
        }
    }

    #[test]
    fn footnotes_go_on_the_page_of_their_reference_and_split_when_they_must() {
        {
            let mut notes = BTreeMap::new();
            notes.insert("n1".into(), (0..2).map(|_| line(false, &[])).collect());
            notes.insert("n2".into(), (0..6).map(|_| line(false, &[])).collect());
            let mut items: Vec<VItem> = vec![line(false, &["n1"])];
            items.extend((0..5).map(|_| line(false, &[])));
            items.push(line(false, &["n2"]));
            items.extend((0..5).map(|_| line(false, &[])));
            let plans = paginate(&notes, &items);
            assert_eq!(plans[0].notes[0], ("n1".to_string(), 0, 2), "note 1 whole on page 1");
            // Page 1: 7 body lines + rule + 2 lines of n1 leave no room; n2's reference goes on
            // when at least its first line fits, and the rest continues on the next page.
            let n2_first: Vec<_> = plans.iter().enumerate().filter(|(_, p)| p.notes.iter().any(|n| n.0 == "n2" && n.1 == 0)).collect();
            assert_eq!(n2_first.len(), 1);
            let (_, p) = n2_first[0];
            assert!(p.items.contains(&6), "the reference and the start of its note share a page");
            let total: usize = plans.iter().flat_map(|p| p.notes.iter()).filter(|n| n.0 == "n2").map(|n| n.2 - n.1).sum();
            assert_eq!(total, 6, "every line of the long note is printed once");
        }
    }

    #[test]
    fn facing_pages_end_on_the_same_line() {
        let notes = BTreeMap::new();
        // Page 0 (a recto) full; on page 1 (a verso) a paragraph's widow control ends the page a
        // line short; page 2 faces it.
        let mut items: Vec<VItem> = (0..17).map(|_| line(false, &[])).collect();
        items.extend(para(4));
        items.extend((0..20).map(|_| line(false, &[])));
        let p = Paginator { avail: 140.0, sep: 14.0, grid: 14.0, notes: &notes };
        let greedy = p.paginate(&items).plans;
        assert_eq!((lines_on(&greedy[1]), lines_on(&greedy[2])), (9, 10), "the greedy break leaves the spread uneven");
        let facing = p.paginate_facing(&items, true).plans;
        assert_eq!(lines_on(&facing[1]), lines_on(&facing[2]), "the spread's pages end on one line");
        assert_eq!(lines_on(&facing[1]), 9);
        let total: usize = facing.iter().map(lines_on).sum();
        assert_eq!(total, items.len(), "every line is placed once");
        // Starting on a verso, pages 0 and 1 face each other: shortening page 0 would only move
        // the uneven break to page 1 (its orphan control), so the pages stay as set.
        let facing = p.paginate_facing(&items, false).plans;
        let greedy_lines: Vec<usize> = greedy.iter().map(lines_on).collect();
        assert_eq!(facing.iter().map(lines_on).collect::<Vec<_>>(), greedy_lines);
    }

    fn figure(h: f32) -> VItem {
        VItem::Figure(Box::new(VFigure { path: String::new(), w: 100.0, h, content: 0, caption: vec![], anchors: vec![], float: true }))
    }

    /// No page holds a float between two lines of text: floats are only at a page's top or foot.
    fn floats_out_of_the_text(plans: &[Plan], items: &[VItem]) {
        for p in plans {
            assert!(p.items.iter().all(|&k| !items[k].is_float()), "a figure set between lines: {:?}", p.items);
        }
    }

    /// `before` free lines, a figure `h` points high, `after` free lines.
    fn lines_around_figure(before: usize, h: f32, after: usize) -> Vec<VItem> {
        let mut items: Vec<VItem> = (0..before).map(|_| line(false, &[])).collect();
        items.push(figure(h));
        items.extend((0..after).map(|_| line(false, &[])));
        items
    }

    #[test]
    fn a_figure_that_does_not_fit_waits_for_the_next_page_top_and_text_flows_past() {
        let notes = BTreeMap::new();
        let items = lines_around_figure(7, 70.0, 6); // the figure: 84 pt with its margins, six lines
        let plans = paginate(&notes, &items);
        assert_eq!(plans[0].items, vec![0, 1, 2, 3, 4, 5, 6, 8, 9, 10], "text flows past the figure");
        assert_eq!(plans[1].floats, vec![7], "the figure heads the next page");
        assert_eq!(plans[1].items, vec![11, 12, 13], "the text below it, four lines of room left");
        floats_out_of_the_text(&plans, &items);
    }

    #[test]
    fn a_float_left_at_the_end_is_scaled_onto_the_page_rather_than_leave_it_half_empty() {
        // Five lines, a figure too tall for the room below them, two last lines kept together:
        // the two lines go over, and the figure, scaled to 87 %, stands at the foot of the
        // first page (not at the top of the second with the first page half empty).
        let notes = BTreeMap::new();
        let mut items: Vec<VItem> = (0..5).map(|_| line(false, &[])).collect();
        items.push(figure(56.0));
        items.extend(para(2));
        let p = Paginator { avail: 140.0, sep: 14.0, grid: 14.0, notes: &notes };
        let plans = p.paginate(&items).plans;
        assert_eq!(plans.len(), 2);
        assert_eq!((plans[0].items.clone(), plans[0].bottom.clone()), (vec![0, 1, 2, 3, 4], vec![5]));
        let s = plans[0].scaled[&5];
        assert!((MIN_FLOAT_SCALE..0.9).contains(&s), "scale {s}");
        assert!(p.body_height(&plans[0], &items, 5) <= 140.0 + 0.01);
        assert_eq!((plans[1].items.clone(), plans[1].floats.clone()), (vec![6, 7], vec![]));
        // A figure that would need more than that waits for the next page, as before.
        items[5] = figure(90.0);
        let plans = p.paginate(&items).plans;
        assert!(plans[0].scaled.is_empty() && plans[1].floats == vec![5]);
    }

    #[test]
    fn a_figure_that_fits_stands_at_the_foot_of_its_page_not_between_lines() {
        let notes = BTreeMap::new();
        let items = lines_around_figure(2, 40.0, 3);
        let plans = paginate(&notes, &items);
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].bottom, vec![2]);
        assert_eq!(plans[0].items, vec![0, 1, 3, 4, 5]);
    }

    #[test]
    fn a_figure_never_stands_alone_on_the_last_page_of_a_sequence() {
        let notes = BTreeMap::new();
        let items = lines_around_figure(7, 70.0, 3);
        let plans = paginate(&notes, &items);
        assert_eq!(plans.len(), 2);
        assert_eq!(plans[1].floats, vec![7]);
        assert_eq!(plans[1].items, vec![9, 10], "two lines come over to stand below the figure");
        assert_eq!(plans[0].items, vec![0, 1, 2, 3, 4, 5, 6, 8]);
        floats_out_of_the_text(&plans, &items);
    }

    #[test]
    fn a_foot_figure_whose_place_in_the_text_moves_on_waits_for_the_next_page() {
        let notes = BTreeMap::new();
        // Four free lines, then a line kept with the two after the figure (a letter's end).
        let mut items: Vec<VItem> = (0..4).map(|_| line(false, &[])).collect();
        items.push(line(true, &[]));
        items.push(figure(40.0));
        items.push(line(true, &[]));
        items.extend((0..6).map(|_| line(false, &[])));
        let plans = paginate(&notes, &items);
        floats_out_of_the_text(&plans, &items);
        let placed: Vec<usize> = plans.iter().flat_map(|p| p.floats.iter().chain(&p.bottom)).copied().collect();
        assert_eq!(placed, vec![5], "the figure is placed once");
        // The kept lines 4 and 6 stand on one page, and the figure is not on an earlier page.
        let page_of = |k: usize| plans.iter().position(|p| p.items.contains(&k) || p.floats.contains(&k) || p.bottom.contains(&k)).unwrap();
        assert_eq!(page_of(4), page_of(6));
        assert!(page_of(5) >= page_of(4));
        assert_eq!(plans[0].items.len(), 10, "the first page is full: the figure's room went back to the text");
        assert_eq!(plans[1].floats, vec![5], "the figure heads the next page");
    }
}
