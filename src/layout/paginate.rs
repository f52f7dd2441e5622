//! Pagination: a vertical list → page plans (which items, floats and note lines go on each
//! page). Greedy fill with backtracking to the last allowed break; footnotes at the foot of the
//! page of their reference, split across pages when they must be; figures that do not fit float
//! to the top of the next page while the text flows past. Needs no fonts: heights only.

use super::vlist::{VItem, break_allowed_after};
use std::collections::{BTreeMap, VecDeque};

/// Page plan: which items are on a page, and which lines of which notes stand at its foot.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub floats: Vec<usize>,
    /// A continued table's header lines, repeated at the top of the page (drawn as artifacts).
    pub repeat: Vec<VItem>,
    pub items: Vec<usize>,
    /// (note id, first line, end line).
    pub notes: Vec<(String, usize, usize)>,
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
    pub notes: &'n BTreeMap<String, Vec<VItem>>,
}

/// The page being filled.
struct Fill {
    plan: Plan,
    used: f32,
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
            let mut fill = self.start_page(&mut carry, &mut pending, items);
            self.fill_body(&mut fill, items, &mut i, &mut pending, !plans.is_empty());
            let mut plan = fill.plan;
            plan.notes = self.foot_notes(&plan, items, &mut carry);
            if plan.items.is_empty() && plan.floats.is_empty() && plan.notes.is_empty() {
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

    /// A new page: notes continued from the previous page, then the floats waiting for a page top.
    fn start_page(&self, carry: &mut Vec<(String, usize)>, pending: &mut VecDeque<usize>, items: &[VItem]) -> Fill {
        let mut fill = Fill { plan: Plan::default(), used: 0.0, notes_h: 0.0, on_page: Vec::new() };
        for (id, from) in carry.drain(..) {
            let h = self.note_height(&id, from);
            fill.notes_h += h + if fill.on_page.is_empty() { self.sep } else { 0.0 };
            fill.plan.notes.push((id.clone(), from, usize::MAX));
            fill.on_page.push(id);
        }
        while let Some(&f) = pending.front() {
            let h = items[f].height();
            if fill.used + h + fill.notes_h <= self.avail || (fill.plan.items.is_empty() && fill.plan.floats.is_empty()) {
                fill.plan.floats.push(f);
                fill.used += h;
                pending.pop_front();
            } else {
                break;
            }
        }
        fill
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
        let only_space = |v: &[usize]| v.iter().all(|&k| matches!(items[k], VItem::Space(_)));
        while *i < items.len() {
            let it = &items[*i];
            if matches!(it, VItem::Space(_)) && fill.plan.items.is_empty() && fill.plan.floats.is_empty() && continuation {
                // Space at the top of a continuation page is discarded.
                *i += 1;
                continue;
            }
            if fill.plan.items.is_empty() && fill.plan.repeat.is_empty() {
                fill.plan.repeat = repeated_header(items, *i);
                fill.used += fill.plan.repeat.iter().map(VItem::height).sum::<f32>();
            }
            let h = it.height();
            let (new_full, new_min) = self.new_notes(it, &fill.on_page);
            let fits_full = fill.used + h + fill.notes_h + new_full <= self.avail + 0.01;
            let fits_min = fill.used + h + fill.notes_h + new_min <= self.avail + 0.01;
            if fits_full || fits_min {
                fill.plan.items.push(*i);
                fill.used += h;
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
            if k > 0 && content_before && k < plan.items.len() {
                *i = plan.items[k];
                plan.items.truncate(k);
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
    fn foot_notes(&self, plan: &Plan, items: &[VItem], carry: &mut Vec<(String, usize)>) -> Vec<(String, usize, usize)> {
        let body: f32 = plan.floats.iter().chain(plan.items.iter()).map(|&k| items[k].height()).sum();
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
        let mut room = self.avail - body - self.sep;
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
        let p = Paginator { avail: 140.0, sep: 14.0, notes };
        let out = p.paginate(items);
        assert_eq!(out.unplaced, 0);
        out.plans
    }

    fn lines_on(plan: &Plan) -> usize {
        plan.items.len()
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
    fn a_figure_that_does_not_fit_floats_to_the_next_page_and_text_flows_past() {
        {
            let notes = BTreeMap::new();
            let fig =
                VItem::Figure(Box::new(VFigure { path: String::new(), w: 100.0, h: 70.0, content: 0, caption: vec![], anchors: vec![] }));
            let mut items: Vec<VItem> = (0..7).map(|_| line(false, &[])).collect();
            items.push(fig);
            items.extend((0..3).map(|_| line(false, &[])));
            let plans = paginate(&notes, &items);
            assert_eq!(plans[0].items, vec![0, 1, 2, 3, 4, 5, 6, 8, 9, 10], "text flows past the figure");
            assert_eq!(plans[1].floats, vec![7], "the figure heads the next page");
        }
    }
}
