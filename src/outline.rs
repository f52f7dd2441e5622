//! The human-readable outline printed by `quire check`.

use crate::model::{Book, Chapter, plain_text};
use std::fmt::Write;

pub fn outline(book: &Book) -> String {
    let mut s = String::new();
    let m = &book.meta;
    let total: usize = book.chapters().map(Chapter::word_count).sum();
    let chapters = book.chapters().count();
    let _ = writeln!(s, "{}", m.title);
    if let Some(sub) = &m.subtitle {
        let _ = writeln!(s, "{sub}");
    }
    for c in &m.creators {
        let _ = writeln!(s, "  {} ({})", c.name, c.role_name);
    }
    let _ = writeln!(s, "  language {} · {} · {} chapters · {} words", m.language, m.identifier, chapters, group(total));
    let section = |s: &mut String, heading: &str, chapters: &[Chapter]| {
        if chapters.is_empty() {
            return;
        }
        let _ = writeln!(s, "\n{heading}");
        for c in chapters {
            chapter_line(s, c);
        }
    };
    section(&mut s, "Front matter", &book.front);
    for (i, p) in book.parts.iter().enumerate() {
        let heading = match &p.title {
            Some(t) => format!("Part {}: {t}", i + 1),
            None => "Chapters".to_string(),
        };
        section(&mut s, &heading, &p.chapters);
    }
    section(&mut s, "Back matter", &book.back);
    s
}

fn chapter_line(s: &mut String, c: &Chapter) {
    let title = c.title_text();
    match &c.letter {
        Some(l) => {
            let num = l.number.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
            let kind = l.kind.name();
            let kind = kind[..1].to_uppercase() + &kind[1..];
            let _ = writeln!(s, "  {kind}{num}: {title}");
            let mut facts = Vec::new();
            if let Some(d) = l.date {
                facts.push(d.iso());
            }
            if let Some(p) = &l.place {
                facts.push(p.clone());
            }
            if let Some(from) = &l.sender {
                facts.push(format!("from {from}"));
            }
            if !l.recipients.is_empty() {
                facts.push(format!("to {}", l.recipients.join(" and ")));
            }
            if !facts.is_empty() {
                let _ = writeln!(s, "      {}", facts.join(" · "));
            }
            if !l.source.is_empty() {
                let _ = writeln!(s, "      source: {}", plain_text(&l.source));
            }
        }
        None => {
            let _ = writeln!(s, "  {title}");
        }
    }
    let _ = writeln!(s, "      {} · #{} · {} words · {} notes", c.file, c.id, group(c.word_count()), c.notes.len());
    for f in c.figures() {
        let cap = plain_text(&f.caption);
        let cap = if cap.chars().count() > 60 { cap.chars().take(59).collect::<String>() + "…" } else { cap };
        let _ = writeln!(s, "      figure #{}: {} ({})", f.id, if cap.is_empty() { f.alt.clone() } else { cap }, f.image);
    }
}

/// 12345 → "12,345".
fn group(n: usize) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, ch) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
