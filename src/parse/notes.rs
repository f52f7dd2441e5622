//! Footnotes: definitions ordered by first reference, with unique ids; unused ones reported.

use super::*;

impl BodyParser<'_> {
    /// Orders footnote definitions by first reference; reports unused definitions.
    pub(super) fn finish_notes(&mut self) -> Vec<Note> {
        let mut notes = Vec::new();
        for label in self.note_order.clone() {
            match self.note_defs.remove(&label) {
                Some((blocks, off)) => notes.push(Note { id: self.anchors.note(&label), label, blocks, pos: self.pos(off) }),
                None => {
                    // pulldown-cmark only emits references for defined labels, so this is rare.
                    let off = self.note_refs.get(&label).map(|r| r.1).unwrap_or(0);
                    self.error(
                        off,
                        format!("footnote reference `[^{label}]` has no definition"),
                        "add the definition or remove the reference",
                    );
                    let id = self.anchors.note(&label);
                    notes.push(Note { id, label, blocks: vec![], pos: Pos::default() });
                }
            }
        }
        let unused: Vec<(String, usize)> = self.note_defs.iter().map(|(l, (_, off))| (l.clone(), *off)).collect();
        for (label, off) in unused {
            self.diags.push(
                Diagnostic::warning(format!("footnote `[^{label}]` is defined but never referenced"))
                    .at(self.loc(off))
                    .help(format!("reference it with `[^{label}]` in the text, or delete the definition")),
            );
        }
        notes
    }
}
