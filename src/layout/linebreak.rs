//! Knuth–Plass total-fit line breaking over boxes, glue and penalties.
//!
//! After Knuth & Plass, "Breaking Paragraphs into Lines" (1981): active breakpoints, badness
//! 100·|r|³, demerits (l + b)² + p², extra demerits for consecutive flagged (hyphenated) lines and
//! for adjacent lines of very different fitness classes. Additions: at most `max_hyphen_run`
//! consecutive hyphenated lines (nodes are distinguished by their hyphen run), and passes that
//! widen the tolerance and add emergency stretch instead of setting overfull lines; only the last
//! pass may set a line overfull, and it reports it.

pub const INF_PENALTY: f32 = 10_000.0;

thread_local! {
    /// Work done by the line breaker on this thread: (breakpoint, active node) pairs examined.
    /// Tests use it to check that the work grows linearly with the paragraph.
    static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The line breaker's work counter on this thread.
pub fn work() -> u64 {
    WORK.with(|w| w.get())
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Elem {
    Box { width: f32 },
    Glue { width: f32, stretch: f32, shrink: f32 },
    Penalty { width: f32, penalty: f32, flagged: bool },
}

#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub tolerance: f32,
    pub line_penalty: f32,
    pub flagged_demerits: f32,
    pub fitness_demerits: f32,
    /// Extra stretch every line may use (counts for badness, not for setting).
    pub emergency_stretch: f32,
    pub max_hyphen_run: u8,
    /// Whether flagged penalties (hyphenation points) may be used at all.
    pub hyphenate: bool,
    /// Accept lines that cannot shrink enough (last resort).
    pub allow_overfull: bool,
    /// Font expansion: boxes may stretch and shrink by this fraction of their width
    /// (hz-style; 0.02 = ±2 %).
    pub expansion: f32,
}

impl Params {
    pub fn pass(n: usize) -> Params {
        let base = Params {
            tolerance: 100.0,
            line_penalty: 10.0,
            flagged_demerits: 3000.0,
            fitness_demerits: 3000.0,
            emergency_stretch: 0.0,
            max_hyphen_run: 2,
            hyphenate: false,
            allow_overfull: false,
            expansion: 0.0,
        };
        match n {
            0 => base,
            1 => Params { tolerance: 200.0, hyphenate: true, ..base },
            2 => Params { tolerance: 800.0, hyphenate: true, max_hyphen_run: 3, ..base },
            // The last pass must always succeed: a compound like `a-a-a-…` breaks at every line end.
            _ => Params { tolerance: 10_000.0, hyphenate: true, max_hyphen_run: u8::MAX, allow_overfull: true, ..base },
        }
    }
}

/// A chosen break: the element index where the line ends, and how the line is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    pub pos: usize,
    /// Adjustment ratio of the line ending here (glue set).
    pub ratio: f32,
    pub flagged: bool,
    pub overfull: bool,
}

#[derive(Clone, Copy)]
struct Node {
    pos: usize,
    line: usize,
    fitness: u8,
    hyph_run: u8,
    demerits: f64,
    prev: Option<usize>,
    ratio: f32,
    flagged: bool,
    overfull: bool,
    // sums from the paragraph start to the start of the next line
    w: f32,
    y: f32,
    z: f32,
}

/// Breaks `elems` into lines of width `width(line_index)`. The last element must be a forced
/// break (penalty ≤ -INF_PENALTY). Returns `None` when no feasible set of breaks exists.
pub fn break_lines(elems: &[Elem], width: &dyn Fn(usize) -> f32, p: &Params) -> Option<Vec<Break>> {
    let n = elems.len();
    // Prefix sums of widths, stretch and shrink.
    let mut sw = vec![0f32; n + 1];
    let mut sy = vec![0f32; n + 1];
    let mut sz = vec![0f32; n + 1];
    for (i, e) in elems.iter().enumerate() {
        let (w, y, z) = match e {
            Elem::Box { width } => (*width, width * p.expansion, width * p.expansion),
            Elem::Glue { width, stretch, shrink } => (*width, *stretch, *shrink),
            Elem::Penalty { .. } => (0.0, 0.0, 0.0),
        };
        sw[i + 1] = sw[i] + w;
        sy[i + 1] = sy[i] + y;
        sz[i + 1] = sz[i] + z;
    }
    // Sums at the start of the line that follows a break at `b`: skip glue and penalties.
    let after = |b: usize| -> (f32, f32, f32) {
        let mut i = b;
        if i < n && !matches!(elems[i], Elem::Box { .. }) {
            i += 1;
        }
        while i < n {
            match elems[i] {
                Elem::Box { .. } => break,
                Elem::Penalty { penalty, .. } if penalty <= -INF_PENALTY && i > b => break,
                _ => i += 1,
            }
        }
        (sw[i], sy[i], sz[i])
    };

    let mut nodes: Vec<Node> = vec![Node {
        pos: 0,
        line: 0,
        fitness: 1,
        hyph_run: 0,
        demerits: 0.0,
        prev: None,
        ratio: 0.0,
        flagged: false,
        overfull: false,
        w: 0.0,
        y: 0.0,
        z: 0.0,
    }];
    let mut active: Vec<usize> = vec![0];

    for b in 0..n {
        let (is_break, pen, pen_w, flagged) = match elems[b] {
            Elem::Penalty { width, penalty, flagged } => {
                let usable = penalty < INF_PENALTY && (!flagged || p.hyphenate || penalty <= -INF_PENALTY);
                (usable, penalty, width, flagged)
            }
            Elem::Glue { .. } => (b > 0 && matches!(elems[b - 1], Elem::Box { .. }), 0.0, 0.0, false),
            Elem::Box { .. } => (false, 0.0, 0.0, false),
        };
        if !is_break {
            continue;
        }
        let forced = pen <= -INF_PENALTY;
        // Best candidate per (fitness class, hyphen run).
        let mut best: Vec<Option<Node>> = vec![None; 4 * 4];
        let mut keep: Vec<usize> = Vec::with_capacity(active.len());
        let mut last_resort: Option<Node> = None;
        WORK.with(|w| w.set(w.get() + active.len() as u64));
        for &ai in &active {
            let a = nodes[ai];
            let target = width(a.line);
            let l = sw[b] - a.w + pen_w;
            let stretch = sy[b] - a.y + p.emergency_stretch;
            let shrink = sz[b] - a.z;
            let ratio = if l < target {
                if stretch > 0.0 { (target - l) / stretch } else { f32::INFINITY }
            } else if l > target {
                if shrink > 0.0 { (target - l) / shrink } else { f32::NEG_INFINITY }
            } else {
                0.0
            };
            let overfull = ratio < -1.0;
            // Deactivate nodes from which this line is already too long (or a forced break ends it).
            let deactivate = overfull || forced;
            if !deactivate {
                keep.push(ai);
            }
            let badness = if overfull { 10_000.0 } else { (100.0 * ratio.abs().powi(3)).min(10_000.0) };
            let hyph_run = if flagged && !forced { a.hyph_run.saturating_add(1) } else { 0 };
            let feasible = !overfull && badness <= p.tolerance && hyph_run <= p.max_hyphen_run;
            let mk = |d: f64, fit: u8| Node {
                pos: b,
                line: a.line + 1,
                fitness: fit,
                hyph_run,
                demerits: d,
                prev: Some(ai),
                ratio: if ratio.is_finite() {
                    ratio
                } else if ratio > 0.0 {
                    10.0
                } else {
                    -1.0
                },
                flagged: flagged && !forced,
                overfull,
                w: 0.0,
                y: 0.0,
                z: 0.0,
            };
            let fit: u8 = if ratio < -0.5 {
                0
            } else if ratio <= 0.5 {
                1
            } else if ratio <= 1.0 {
                2
            } else {
                3
            };
            let mut d = (p.line_penalty as f64 + badness as f64).powi(2);
            if pen >= 0.0 {
                d += (pen as f64).powi(2);
            } else if !forced {
                d -= (pen as f64).powi(2);
            }
            if flagged && a.flagged {
                d += p.flagged_demerits as f64;
            }
            if (fit as i32 - a.fitness as i32).abs() > 1 {
                d += p.fitness_demerits as f64;
            }
            let total = a.demerits + d;
            if feasible {
                let slot = &mut best[fit as usize * 4 + hyph_run.min(3) as usize];
                if slot.is_none_or(|s| total < s.demerits) {
                    *slot = Some(mk(total, fit));
                }
            } else if p.allow_overfull && deactivate && hyph_run <= p.max_hyphen_run {
                let cand = mk(total + 1e7, fit);
                if last_resort.is_none_or(|s| cand.demerits < s.demerits) {
                    last_resort = Some(cand);
                }
            }
        }
        active = keep;
        let mut added = false;
        let (w, y, z) = after(b);
        for cand in best.into_iter().flatten() {
            nodes.push(Node { w, y, z, ..cand });
            active.push(nodes.len() - 1);
            added = true;
        }
        if !added && active.is_empty() {
            // Every way of reaching here failed: only the last pass may force a line.
            let c = last_resort?;
            nodes.push(Node { w, y, z, ..c });
            active.push(nodes.len() - 1);
        }
    }
    // The best node at the final forced break.
    let last = n.checked_sub(1)?;
    let best = active
        .iter()
        .copied()
        .filter(|&i| nodes[i].pos == last)
        .min_by(|&a, &b| nodes[a].demerits.partial_cmp(&nodes[b].demerits).unwrap_or(std::cmp::Ordering::Equal))?;
    let mut out = Vec::new();
    let mut cur = Some(best);
    while let Some(i) = cur {
        let nd = nodes[i];
        if nd.prev.is_none() {
            break;
        }
        out.push(Break { pos: nd.pos, ratio: nd.ratio, flagged: nd.flagged, overfull: nd.overfull });
        cur = nd.prev;
    }
    out.reverse();
    Some(out)
}

/// Runs the passes in order and returns the first that succeeds, with the pass index.
/// `background` is stretch every line has without setting it (ragged-right margins);
/// `emergency` is added from the third pass on.
pub fn break_paragraph(
    elems: &[Elem],
    width: &dyn Fn(usize) -> f32,
    background: f32,
    emergency: f32,
    hyphenate: bool,
    expansion: f32,
) -> (Vec<Break>, usize) {
    for pass in 0..4 {
        let mut p = Params::pass(pass);
        p.expansion = expansion;
        p.emergency_stretch = background + if pass >= 2 { emergency } else { 0.0 };
        p.hyphenate &= hyphenate;
        if let Some(b) = break_lines(elems, width, &p) {
            return (b, pass);
        }
    }
    // Unreachable in practice: the last pass always finds a (possibly overfull) solution.
    (vec![Break { pos: elems.len().saturating_sub(1), ratio: 0.0, flagged: false, overfull: true }], 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[f32], space: f32) -> Vec<Elem> {
        let mut v = Vec::new();
        for (i, w) in ws.iter().enumerate() {
            if i > 0 {
                v.push(Elem::Glue { width: space, stretch: space / 2.0, shrink: space / 3.0 });
            }
            v.push(Elem::Box { width: *w });
        }
        v.push(Elem::Glue { width: 0.0, stretch: 1e5, shrink: 0.0 });
        v.push(Elem::Penalty { width: 0.0, penalty: -INF_PENALTY, flagged: false });
        v
    }

    /// Demerits of a given set of breaks, computed independently of the algorithm.
    fn demerits_of(elems: &[Elem], breaks: &[usize], width: f32, p: &Params) -> Option<f64> {
        let mut start = 0;
        let mut total = 0.0;
        let mut prev_fit = 1i32;
        let mut prev_flag = false;
        for &b in breaks {
            let (mut l, mut y, mut z) = (0.0, 0.0, 0.0);
            for e in &elems[start..b] {
                match e {
                    Elem::Box { width } => l += width,
                    Elem::Glue { width, stretch, shrink } => {
                        l += width;
                        y += stretch;
                        z += shrink;
                    }
                    _ => {}
                }
            }
            let (pen, flag) = match elems[b] {
                Elem::Penalty { width, penalty, flagged } => {
                    l += width;
                    (penalty, flagged)
                }
                _ => (0.0, false),
            };
            let r = if l < width {
                (width - l) / y
            } else if l > width {
                (width - l) / z
            } else {
                0.0
            };
            if r < -1.0 {
                return None;
            }
            let bad = (100.0 * r.abs().powi(3)).min(10_000.0);
            if bad > p.tolerance {
                return None;
            }
            let fit = if r < -0.5 {
                0
            } else if r <= 0.5 {
                1
            } else if r <= 1.0 {
                2
            } else {
                3
            };
            let mut d = (p.line_penalty as f64 + bad as f64).powi(2);
            if pen > -INF_PENALTY {
                d += (pen as f64).powi(2) * pen.signum() as f64;
            }
            if flag && prev_flag {
                d += p.flagged_demerits as f64;
            }
            if (fit - prev_fit).abs() > 1 {
                d += p.fitness_demerits as f64;
            }
            total += d;
            prev_fit = fit;
            prev_flag = flag;
            start = b + 1;
            while start < elems.len() && matches!(elems[start], Elem::Glue { .. }) {
                start += 1;
            }
        }
        Some(total)
    }

    /// All legal break sequences of a small paragraph, by brute force.
    fn brute_force(elems: &[Elem], width: f32, p: &Params) -> f64 {
        let legal: Vec<usize> = (0..elems.len() - 1)
            .filter(|&i| matches!(elems[i], Elem::Glue { .. }) && i > 0 && matches!(elems[i - 1], Elem::Box { .. }))
            .collect();
        let last = elems.len() - 1;
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << legal.len()) {
            let mut b: Vec<usize> = legal.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, &x)| x).collect();
            b.push(last);
            if let Some(d) = demerits_of(elems, &b, width, p) {
                best = best.min(d);
            }
        }
        best
    }

    #[test]
    fn total_fit_matches_brute_force_optimum() {
        // Deterministic pseudo-random word widths.
        let mut seed = 12345u32;
        for trial in 0..25 {
            let mut ws = Vec::new();
            for _ in 0..14 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ws.push(10.0 + (seed >> 16) as f32 % 40.0);
            }
            let elems = words(&ws, 6.0);
            let p = Params { tolerance: 10_000.0, ..Params::pass(1) };
            let width = 150.0;
            let expected = brute_force(&elems, width, &p);
            match break_lines(&elems, &|_| width, &p) {
                Some(b) => {
                    let pos: Vec<usize> = b.iter().map(|x| x.pos).collect();
                    let got = demerits_of(&elems, &pos, width, &p).expect("feasible");
                    assert!((got - expected).abs() < 1e-3 * expected.max(1.0), "trial {trial}: {got} vs optimum {expected}");
                }
                None => assert!(expected.is_infinite(), "trial {trial}: missed a solution"),
            }
        }
    }

    #[test]
    fn total_fit_is_never_worse_than_first_fit() {
        let mut seed = 777u32;
        let p = Params { tolerance: 10_000.0, ..Params::pass(0) };
        let width = 160.0;
        for _ in 0..40 {
            let mut ws = Vec::new();
            for _ in 0..30 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ws.push(8.0 + (seed >> 16) as f32 % 35.0);
            }
            let elems = words(&ws, 6.0);
            // First fit: break at the last glue where the natural width still fits.
            let mut ff = Vec::new();
            let mut line = 0.0;
            for (i, e) in elems.iter().enumerate() {
                match e {
                    Elem::Box { width: w } => {
                        if line + w > width && line > 0.0 {
                            ff.push(i - 1);
                            line = 0.0;
                        }
                        line += w;
                    }
                    Elem::Glue { width: w, .. } if line > 0.0 => line += w,
                    _ => {}
                }
            }
            ff.push(elems.len() - 1);
            let kp: Vec<usize> = break_lines(&elems, &|_| width, &p).unwrap().iter().map(|b| b.pos).collect();
            let dk = demerits_of(&elems, &kp, width, &p).unwrap();
            if let Some(df) = demerits_of(&elems, &ff, width, &p) {
                assert!(dk <= df + 1e-6, "total fit {dk} worse than first fit {df}");
            }
        }
    }

    #[test]
    fn never_more_hyphens_in_a_row_than_allowed() {
        // Many short hyphenatable fragments that only fit when hyphenated.
        let mut v = Vec::new();
        for i in 0..30 {
            if i > 0 {
                v.push(Elem::Glue { width: 5.0, stretch: 2.5, shrink: 1.7 });
            }
            v.push(Elem::Box { width: 22.0 });
            v.push(Elem::Penalty { width: 4.0, penalty: 50.0, flagged: true });
            v.push(Elem::Box { width: 23.0 });
        }
        v.push(Elem::Glue { width: 0.0, stretch: 1e5, shrink: 0.0 });
        v.push(Elem::Penalty { width: 0.0, penalty: -INF_PENALTY, flagged: false });
        let (b, _) = break_paragraph(&v, &|_| 131.0, 0.0, 0.0, true, 0.0);
        let mut run = 0;
        for x in &b {
            run = if x.flagged { run + 1 } else { 0 };
            assert!(run <= 2, "three hyphenated lines in a row: {b:?}");
        }
    }

    #[test]
    fn impossible_line_is_set_overfull_only_in_the_last_pass() {
        let elems = words(&[50.0, 300.0, 50.0], 10.0);
        assert!(break_lines(&elems, &|_| 100.0, &Params::pass(2)).is_none());
        let (b, pass) = break_paragraph(&elems, &|_| 100.0, 0.0, 20.0, true, 0.0);
        assert_eq!(pass, 3);
        assert!(b.iter().any(|x| x.overfull));
    }

    #[test]
    fn work_grows_linearly_with_the_paragraph() {
        let words = |n: usize| -> Vec<f32> { (0..n).map(|i| 12.0 + (i * 7 % 23) as f32).collect() };
        let measure = |n: usize| {
            let elems = super::tests::words(&words(n), 6.0);
            let before = work();
            let (_b, _) = break_paragraph(&elems, &|_| 300.0, 0.0, 0.0, true, 0.02);
            work() - before
        };
        let (a, b, c) = (measure(2_000), measure(4_000), measure(8_000));
        assert!(b as f64 / a as f64 <= 2.3 && c as f64 / b as f64 <= 2.3, "work {a} → {b} → {c} is not linear");
    }

    #[test]
    fn forced_breaks_are_taken() {
        let mut elems = words(&[20.0, 20.0], 5.0);
        // A hard line break is fill glue plus a forced break, as TeX's \\.
        elems.insert(1, Elem::Penalty { width: 0.0, penalty: -INF_PENALTY, flagged: false });
        elems.insert(1, Elem::Glue { width: 0.0, stretch: 1e5, shrink: 0.0 });
        let b = break_lines(&elems, &|_| 100.0, &Params::pass(1)).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].pos, 2);
    }
}
