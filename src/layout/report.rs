//! The layout report: line statistics of every page, widows, orphans and stranded headings,
//! the summary line and the TeX-log-like details `quire build` prints.

use super::{LineStat, Report};

impl Report {
    /// Finds the widows, orphans and stranded headings the pages actually have.
    pub(super) fn check_breaks(&mut self) {
        let lines = &self.lines;
        for w in lines.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if a.page == b.page || a.para.0 != b.para.0 {
                continue;
            }
            // A paragraph continues from page a to page b.
            if a.para.1 == 0 {
                self.orphans.push((a.page, a.source.0.clone(), a.source.1));
            }
            if b.para.1 + 1 == b.para.2 {
                self.widows.push((b.page, b.source.0.clone(), b.source.1));
            }
        }
        // A heading is stranded when it ends a page that also holds other text.
        self.stranded_headings = self.last_line_heading.iter().filter(|(_, (last, other))| *last && *other).map(|(p, _)| *p).collect();
    }

    /// The one-line summary printed by `quire build`.
    pub fn summary(&self) -> String {
        let just: Vec<&LineStat> = self.lines.iter().filter(|l| l.justified && !l.last_of_para && l.spaces > 0).collect();
        let n = just.len().max(1) as f32;
        let gt15 = just.iter().filter(|l| l.space_ratio > 1.5).count();
        let gt2 = just.iter().filter(|l| l.space_ratio > 2.0).count();
        let lt08 = just.iter().filter(|l| l.space_ratio < 0.8).count();
        let hyph = self.lines.iter().filter(|l| l.hyphenated).count();
        let mut run = 0;
        let mut max_run = 0;
        for l in &self.lines {
            run = if l.hyphenated { run + 1 } else { 0 };
            max_run = max_run.max(run);
        }
        let overfull = self.lines.iter().filter(|l| l.overfull).count();
        format!(
            "layout: {} lines, {} justified; spaces >1.5× {:.1}%, >2× {:.1}%, <0.8× {:.1}%; hyphenated line ends {} ({:.1}%), longest run {}; overfull {}; widows {}, orphans {}, stranded headings {}",
            self.lines.len(),
            just.len(),
            100.0 * gt15 as f32 / n,
            100.0 * gt2 as f32 / n,
            100.0 * lt08 as f32 / n,
            hyph,
            100.0 * hyph as f32 / self.lines.len().max(1) as f32,
            max_run,
            overfull,
            self.widows.len(),
            self.orphans.len(),
            self.stranded_headings.len(),
        )
    }

    /// TeX-log-like details: overfull and very loose lines mapped to the manuscript (or to the
    /// page quire generated).
    pub fn details(&self) -> Vec<String> {
        let mut out = Vec::new();
        for l in &self.lines {
            let at = if l.source.1 == 0 { l.source.0.clone() } else { format!("{}:{}", l.source.0, l.source.1) };
            if l.overfull {
                out.push(format!("{at}: overfull line on page {}", l.page + 1));
            } else if l.justified && !l.last_of_para && l.spaces > 0 && l.space_ratio > 2.0 {
                out.push(format!("{at}: very loose line (spaces {:.2}× normal) on page {}", l.space_ratio, l.page + 1));
            }
        }
        for (p, f, line) in &self.widows {
            out.push(format!("{f}:{line}: widow at the top of page {}", p + 1));
        }
        for (p, f, line) in &self.orphans {
            out.push(format!("{f}:{line}: orphan at the foot of page {}", p + 1));
        }
        out
    }
}
