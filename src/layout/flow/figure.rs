//! Figures: image, size within the measure and page, caption and credit.

use super::*;

impl Flow<'_, '_> {
    pub(super) fn figure(&mut self, f: &Figure, ch: &Chapter, parent: usize, width: f32, float: bool) -> Option<VFigure> {
        let g = self.g;
        let node = self.node(parent, SKind::Figure(f.alt.clone()));
        let content = self.content(node);
        let at = Location { file: ch.file.clone(), line: f.pos.line as usize, column: f.pos.column as usize, line_text: String::new() };
        // Images are read and inspected at load; a book that loaded has every one of them.
        let Some((info, _)) = self.dir.image(&f.image) else {
            self.warnings.push(
                Diagnostic::error(format!("image `{}` was not loaded", f.image))
                    .at(at)
                    .help("check that the file exists and is a PNG, JPEG, GIF or SVG image"),
            );
            return None;
        };
        let (pw, ph) = (info.width, info.height);
        let max_h = g.block_height() * 0.45;
        // The width asked for (`<img width>`), else the picture's own at 72 dpi; never wider
        // than the measure.
        let mut w = width.min(f.width.unwrap_or(pw as f32));
        let mut h = w * ph as f32 / pw.max(1) as f32;
        if h > max_h {
            h = max_h;
            w = h * pw as f32 / ph.max(1) as f32;
        }
        let mut caption = Vec::new();
        if !f.caption.is_empty() || !f.credit.is_empty() {
            let cap = self.node(node, SKind::Caption);
            let small = Style::text(Face::Regular, g.text.body * 0.82);
            // The caption, then the credit on a line of its own, both centred and balanced.
            let look = ParaLook { width, indent: 0.0, align: Align::Center, leading: g.text.leading * 0.82, x: 0.0 };
            for (inl, smcp) in [(&f.caption, false), (&f.credit, true)] {
                if inl.is_empty() {
                    continue;
                }
                let mut spans = Vec::new();
                self.spans(inl, Style { smcp, ..small }, Some(ch), &mut spans);
                for it in self.para_lines(spans, look, cap, Some((&ch.file, f.pos.line)), false) {
                    if let VItem::Line(l) = it {
                        caption.push(l);
                    }
                }
            }
        }
        Some(VFigure { path: f.image.clone(), w, h, content, caption, anchors: vec![f.id.clone()], float })
    }
}
