//! Tables: column widths from the cells' content (each column's narrowest width — its longest
//! word — and its preferred width — its longest cell on one line — as browsers size automatic
//! tables), cells that wrap, the header row repeated on a page that continues the table, and a
//! table too wide for the measure set smaller (reported) rather than overprinting.

use super::blocks::Frame;
use super::*;
use crate::model::Pos;

/// Space between columns, in ems of the cell text.
const GAP_EM: f32 = 0.8;
/// The smallest a too-wide table's text is set, as a fraction of its normal size.
const MIN_SCALE: f32 = 0.7;

/// A table's cells as spans, and the widths that measure them.
struct Measured {
    /// rows × cells; the first row is the header when `head` is true.
    cells: Vec<Vec<Vec<Span>>>,
    min: Vec<f32>,
    pref: Vec<f32>,
}

impl Flow<'_, '_> {
    pub(super) fn table(
        &mut self,
        f: &Frame,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        align: &[crate::model::Align],
        pos: Pos,
        items: &mut Vec<VItem>,
    ) {
        let g = self.g;
        let t = self.node(f.parent, SKind::Table);
        self.table_serial += 1;
        let serial = self.table_serial;
        items.push(VItem::Space(g.text.leading * 0.5));
        let ncol = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        let all: Vec<(bool, &[Vec<Inline>])> =
            (!head.is_empty()).then_some((true, head)).into_iter().chain(rows.iter().map(|r| (false, r.as_slice()))).collect();
        // Widths at the normal size; a table that cannot fit is set smaller, down to MIN_SCALE.
        let mut size = g.text.body * 0.9;
        let mut m = self.measure_cells(&all, ncol, size, f.ch);
        let gap = GAP_EM * size;
        let avail = f.width - gap * (ncol - 1) as f32;
        let min_total: f32 = m.min.iter().sum();
        if min_total > avail {
            let scale = (avail / min_total).max(MIN_SCALE);
            size *= scale;
            m = self.measure_cells(&all, ncol, size, f.ch);
            self.warnings.push(
                Diagnostic::warning(format!(
                    "a table is too wide for the measure: set at {:.0}% of its size{}",
                    scale * 100.0,
                    if (avail / min_total) < MIN_SCALE { ", its longest words broken" } else { "" }
                ))
                .at(Location { file: f.ch.file.clone(), line: pos.line as usize, column: pos.column as usize, line_text: String::new() })
                .help("shorten the longest words of its cells, or give the table fewer columns"),
            );
        }
        let gap = GAP_EM * size;
        let widths = column_widths(&m.min, &m.pref, f.width - gap * (ncol - 1) as f32);
        let mut xs = Vec::with_capacity(ncol);
        let mut x = f.x;
        for w in &widths {
            xs.push(x);
            x += w + gap;
        }
        for (ri, (is_head, _)) in all.iter().enumerate() {
            let tr = self.node(t, SKind::TR);
            let mut cells: Vec<Vec<VItem>> = Vec::new();
            for (ci, spans) in m.cells[ri].drain(..).enumerate() {
                let node = self.node(tr, if *is_head { SKind::TH } else { SKind::TD });
                let al = match align.get(ci) {
                    Some(crate::model::Align::Right) => Align::Right,
                    Some(crate::model::Align::Center) => Align::Center,
                    _ => Align::Ragged,
                };
                let look = ParaLook { width: widths[ci], indent: 0.0, align: al, leading: size * 1.25, x: xs[ci] };
                cells.push(self.para_lines(spans, look, node, Some((&f.ch.file, pos.line)), true));
            }
            merge_row(cells, (serial, *is_head), items);
            if *is_head {
                items.push(VItem::Rule { width: f.width, height: g.text.leading * 0.3, left: true });
            }
        }
        items.push(VItem::Space(g.text.leading * 0.5));
    }

    /// The cells as spans at `size`, with each column's narrowest and preferred width.
    fn measure_cells(&mut self, rows: &[(bool, &[Vec<Inline>])], ncol: usize, size: f32, ch: &Chapter) -> Measured {
        let (mut min, mut pref) = (vec![0.0f32; ncol], vec![0.0f32; ncol]);
        let mut cells = Vec::new();
        for (is_head, row) in rows {
            let face = if *is_head { Face::Bold } else { Face::Regular };
            let mut out_row = Vec::new();
            for ci in 0..ncol {
                let mut spans = Vec::new();
                if let Some(cell) = row.get(ci) {
                    self.spans(cell, Style::new(face, size), Some(ch), &mut spans);
                }
                let (lo, hi) = self.span_widths(&spans);
                min[ci] = min[ci].max(lo);
                pref[ci] = pref[ci].max(hi);
                out_row.push(spans);
            }
            cells.push(out_row);
        }
        Measured { cells, min, pref }
    }

    /// (longest word, longest line between hard breaks) of spans, in points.
    fn span_widths(&mut self, spans: &[Span]) -> (f32, f32) {
        let (mut longest_word, mut line, mut longest_line) = (0.0f32, 0.0f32, 0.0f32);
        for sp in spans {
            if sp.text == "\n" {
                longest_line = longest_line.max(line);
                line = 0.0;
                continue;
            }
            if let Some(o) = &sp.object {
                longest_word = longest_word.max(o.width);
                line += o.width;
                continue;
            }
            let st = sp.style;
            let scale = st.size / self.eng.shaper.units_per_em(st.face);
            let space = self.eng.shaper.space_width(st.face, st.size);
            for (k, word) in sp.text.split(' ').enumerate() {
                let w = crate::text::shape::width(&self.eng.shaper.shape(st.face, st.feats(), word)) as f32 * scale;
                longest_word = longest_word.max(w);
                line += w + if k > 0 { space } else { 0.0 };
            }
        }
        (longest_word + 1.0, longest_line.max(line) + 1.0)
    }
}

/// Column widths filling `avail`: preferred widths when they fit (the spare shared in their
/// proportion). Otherwise the columns that want least are given their preferred width one by
/// one while every other column can still have its narrowest width (a short column is never
/// wrapped to give a long one a little more), and the rest share what is left above their
/// narrowest widths in proportion to what they would like. When even the narrowest widths do
/// not fit, they are scaled down (words will break).
fn column_widths(min: &[f32], pref: &[f32], avail: f32) -> Vec<f32> {
    let (min_total, pref_total): (f32, f32) = (min.iter().sum(), pref.iter().sum());
    if pref_total <= avail {
        let spare = avail - pref_total;
        return pref.iter().map(|p| p + spare * p / pref_total.max(1.0)).collect();
    }
    if min_total > avail {
        return min.iter().map(|m| m * avail / min_total).collect();
    }
    let mut widths: Vec<Option<f32>> = vec![None; min.len()];
    let mut order: Vec<usize> = (0..min.len()).collect();
    order.sort_by(|&a, &b| pref[a].total_cmp(&pref[b]));
    let mut left = avail;
    for &c in &order {
        let others_min: f32 = (0..min.len()).filter(|&k| k != c && widths[k].is_none()).map(|k| min[k]).sum();
        // Only while a column that wants more remains to take the rest.
        let last_open = (0..min.len()).filter(|&k| widths[k].is_none()).count() == 1;
        if last_open || left - pref[c] < others_min {
            break;
        }
        widths[c] = Some(pref[c]);
        left -= pref[c];
    }
    let open: Vec<usize> = (0..min.len()).filter(|&k| widths[k].is_none()).collect();
    let open_min: f32 = open.iter().map(|&k| min[k]).sum();
    let want: f32 = open.iter().map(|&k| pref[k] - min[k]).sum();
    for &k in &open {
        widths[k] = Some(min[k] + (left - open_min) * (pref[k] - min[k]) / want.max(1e-3));
    }
    widths.into_iter().map(|w| w.unwrap_or(0.0)).collect()
}

/// The cells' lines laid side by side: the k-th lines of every cell become one line (its runs,
/// links, notes and anchors all kept), and a row's lines stay together.
fn merge_row(cells: Vec<Vec<VItem>>, table: (usize, bool), items: &mut Vec<VItem>) {
    let depth = cells.iter().map(Vec::len).max().unwrap_or(0);
    let mut cells: Vec<std::vec::IntoIter<VItem>> = cells.into_iter().map(Vec::into_iter).collect();
    for d in 0..depth {
        let mut merged: Option<VLine> = None;
        for cell in cells.iter_mut() {
            let Some(VItem::Line(mut l)) = cell.next() else { continue };
            shift(&mut l);
            match &mut merged {
                None => merged = Some(l),
                Some(m) => {
                    m.runs.extend(l.runs);
                    m.links.extend(l.links);
                    m.notes.extend(l.notes);
                    m.anchors.extend(l.anchors);
                    m.leading = m.leading.max(l.leading);
                    // Only an overfull cell line is counted in the report (as an overfull line).
                    if m.stat.as_ref().is_none_or(|s| !s.overfull) && l.stat.as_ref().is_some_and(|s| s.overfull) {
                        m.stat = l.stat;
                    }
                }
            }
        }
        if let Some(mut m) = merged {
            if m.stat.as_ref().is_some_and(|s| !s.overfull) {
                m.stat = None;
            }
            m.keep_with_next = d + 1 < depth || table.1;
            m.table = Some(table);
            m.para = None;
            items.push(VItem::Line(m));
        }
    }
}

/// Moves a line's runs and link areas right by its x (the cell's) so the line stands at 0.
fn shift(l: &mut VLine) {
    let dx = l.x;
    for (r, _) in &mut l.runs {
        r.x += dx;
    }
    for (x0, x1, _, _) in &mut l.links {
        *x0 += dx;
        *x1 += dx;
    }
    l.x = 0.0;
}

#[cfg(test)]
mod tests {
    use super::column_widths;

    #[test]
    fn columns_get_their_preferred_widths_when_they_fit_and_never_less_than_their_longest_word() {
        let w = column_widths(&[10.0, 20.0], &[30.0, 50.0], 160.0);
        assert!((w[0] - 60.0).abs() < 0.01 && (w[1] - 100.0).abs() < 0.01, "{w:?}");
        let w = column_widths(&[10.0, 20.0], &[30.0, 200.0], 100.0);
        assert!(w[0] >= 10.0 && w[1] >= 20.0 && (w.iter().sum::<f32>() - 100.0).abs() < 0.01, "{w:?}");
        assert!((w[0] - 30.0).abs() < 0.01, "the short column is not wrapped: {w:?}");
        let w = column_widths(&[10.0, 20.0, 30.0], &[60.0, 200.0, 300.0], 100.0);
        assert!(w.iter().zip([10.0, 20.0, 30.0]).all(|(w, m)| *w >= m - 0.01), "{w:?}");
        assert!((w.iter().sum::<f32>() - 100.0).abs() < 0.01, "{w:?}");
        let w = column_widths(&[100.0, 100.0], &[100.0, 100.0], 100.0);
        assert!((w.iter().sum::<f32>() - 100.0).abs() < 0.01);
    }
}
