//! Fidelity: the manuscript holds every word of the seed's essay and letters, in order, except
//! the emendations listed in the editorial note and the captions moved into figures.
//!
//! The seed is the magazine text in tests/fixtures/seed.txt. A word divided at a line end
//! ("con-" + "tinue") may appear joined ("continue"); it may keep its hyphen only if the seed
//! itself prints the hyphenated form somewhere mid-line (a real compound such as
//! "Kennedy-Khrushchov"). Case is ignored (the magazine sets salutations in capitals), and curly
//! and straight quotes are the same. Titles that the seed lacks (part titles, the essay's plain
//! title) may be added; no body word may be added, dropped or changed.

use quire::model::{Block, Book, Chapter, Inline, Matter, plain_text};
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, Clone)]
struct SeedTok {
    forms: Vec<String>,
    /// Ends a line with an em dash: the next word follows the dash without a space.
    dash_joins_next: bool,
}

/// Joins words split after a line-end em dash ("want—" + "and" → "want—and"). Run after the
/// captions are removed: a caption may stand between the two halves.
fn join_dashes(toks: Vec<SeedTok>) -> Vec<SeedTok> {
    let mut out: Vec<SeedTok> = Vec::new();
    for t in toks {
        match out.last_mut() {
            Some(prev) if prev.dash_joins_next => {
                let forms = prev.forms.iter().flat_map(|a| t.forms.iter().map(move |b| format!("{a}{b}"))).collect();
                *prev = SeedTok { forms, dash_joins_next: t.dash_joins_next };
            }
            _ => out.push(t),
        }
    }
    out
}

fn norm(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '’' | '‘' => '\'',
            '“' | '”' => '"',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// Seed tokens with line-end hyphenation resolved into alternatives.
fn seed_tokens(seed: &str) -> Vec<SeedTok> {
    // Words printed with a hyphen mid-line: evidence of real compounds.
    let mut attested = BTreeSet::new();
    for line in seed.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if i + 1 < words.len() && w.contains('-') {
                attested.insert(norm(w.trim_matches(|c: char| !c.is_alphanumeric())));
            }
        }
    }
    let mut out: Vec<SeedTok> = Vec::new();
    let mut pending: Option<String> = None; // a line-end fragment ending in '-'
    for line in seed.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let at_end = i + 1 == words.len();
            let w = match pending.take() {
                Some(head) => {
                    let joined = format!("{}{}", &head[..head.len() - 1], w);
                    let hyphened = format!("{head}{w}");
                    let mut forms = vec![norm(&joined)];
                    if attested.contains(&norm(hyphened.trim_matches(|c: char| !c.is_alphanumeric()))) {
                        forms.push(norm(&hyphened));
                    }
                    if at_end && w.ends_with('-') && !w.ends_with("--") {
                        // Rare: a fragment continuing onto a third line.
                        pending = Some(joined);
                        continue;
                    }
                    out.push(SeedTok { forms, dash_joins_next: false });
                    continue;
                }
                None => w.to_string(),
            };
            if at_end && w.ends_with('-') && w.len() > 1 && !w.ends_with("—") {
                pending = Some(w);
            } else {
                out.push(SeedTok { forms: vec![norm(&w)], dash_joins_next: at_end && w.ends_with('—') });
            }
        }
    }
    if let Some(p) = pending {
        out.push(SeedTok { forms: vec![norm(&p)], dash_joins_next: false });
    }
    out
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(norm).collect()
}

fn matches(seed: &[SeedTok], at: usize, toks: &[String]) -> bool {
    toks.iter().enumerate().all(|(i, t)| seed.get(at + i).is_some_and(|s| s.forms.contains(t)))
}

fn find(seed: &[SeedTok], toks: &[String]) -> Option<usize> {
    (0..seed.len()).find(|&i| matches(seed, i, toks))
}

/// Manuscript text as groups: (words, optional?) in reading order.
fn manuscript_groups(book: &Book) -> Vec<(Vec<String>, bool, String)> {
    let mut groups = Vec::new();
    for part in &book.parts {
        if let Some(t) = &part.title {
            groups.push((words(t), true, format!("part title `{t}`")));
        }
        for ch in &part.chapters {
            chapter_groups(ch, &mut groups);
        }
    }
    groups
}

fn chapter_groups(ch: &Chapter, groups: &mut Vec<(Vec<String>, bool, String)>) {
    let where_ = |what: &str| format!("{} ({what})", ch.file);
    let mut title = words(&ch.title_text());
    if let Some(n) = ch.letter.as_ref().and_then(|l| l.number.as_ref()) {
        title.insert(0, format!("{n}."));
    }
    groups.push((title, true, where_("title")));
    if let Some(l) = &ch.letter {
        groups.push((words(&plain_text(&l.dateline)), false, where_("dateline")));
        groups.push((words(&plain_text(&l.salutation)), false, where_("salutation")));
    }
    body_groups(&ch.blocks, ch, groups);
    if let Some(l) = &ch.letter {
        groups.push((words(&plain_text(&l.closing)), false, where_("closing")));
        groups.push((words(&plain_text(&l.signature)), false, where_("signature")));
    }
}

fn body_groups(blocks: &[Block], ch: &Chapter, groups: &mut Vec<(Vec<String>, bool, String)>) {
    for b in blocks {
        match b {
            Block::Paragraph { inlines, pos, .. } => groups.push((words(&plain_text(inlines)), false, format!("{}:{}", ch.file, pos.line))),
            Block::BlockQuote { blocks, .. } => body_groups(blocks, ch, groups),
            Block::Figure(_) => {}
            other => panic!("{}:{}: unexpected block in the seed's text: {other:?}", ch.file, other.pos().line),
        }
    }
}

/// (edition reading, source reading) pairs from the editorial note's "Emendations" list.
fn emendations(book: &Book) -> Vec<(String, String)> {
    let note = book.chapters().find(|c| c.matter == Matter::Front && c.id == "note-on-the-text").expect("editorial note");
    let mut in_list = false;
    let mut out = Vec::new();
    for b in &note.blocks {
        match b {
            Block::Heading { inlines, .. } => in_list = plain_text(inlines) == "Emendations",
            Block::List { items, .. } if in_list => {
                for item in items {
                    let Some(Block::Paragraph { inlines, .. }) = item.first() else { panic!("emendation item without text") };
                    let ems: Vec<String> =
                        inlines.iter().filter_map(|i| if let Inline::Emph(c) = i { Some(plain_text(c)) } else { None }).collect();
                    assert!(ems.len() >= 2, "emendation item needs *edition*] *source*: {inlines:?}");
                    out.push((ems[0].clone(), ems[1].clone()));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn manuscript_holds_every_word_of_the_seed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed_text = std::fs::read_to_string(root.join("tests/fixtures/seed.txt")).unwrap();
    let loaded = quire::load(root).unwrap_or_else(|d| panic!("book does not load: {:?}", d));
    let book = &loaded.book;
    let mut seed = seed_tokens(&seed_text);
    let total_seed_words = seed.len();

    // Captions and credits left the running text: each must be found there, once, and removed.
    let figures: Vec<_> = book.chapters().flat_map(|c| c.figures()).collect();
    assert_eq!(figures.len(), 3, "the seed has three pictures");
    let mut moved = Vec::new();
    for f in &figures {
        for text in [plain_text(&f.caption), plain_text(&f.credit)] {
            if text.is_empty() {
                continue;
            }
            let toks = words(&text);
            let at = find(&seed, &toks).unwrap_or_else(|| panic!("caption/credit not in seed: {text}"));
            seed.drain(at..at + toks.len());
            moved.push(text);
        }
    }
    assert_eq!(moved.len(), 4, "three captions and one credit are moved into figures");
    let mut seed = join_dashes(seed);

    // Emendations: the source reading must be in the seed; it is replaced by the edition's.
    let ems = emendations(book);
    assert!(ems.len() >= 4, "the editorial note lists the emendations");
    for (edition, source) in &ems {
        let src = words(source);
        let at = find(&seed, &src).unwrap_or_else(|| panic!("emendation source reading `{source}` is not in the seed"));
        let rep: Vec<SeedTok> = words(edition).into_iter().map(|w| SeedTok { forms: vec![w], dash_joins_next: false }).collect();
        seed.splice(at..at + src.len(), rep);
    }

    // Walk the manuscript: body words must match the seed one for one; titles may be additions.
    let groups = manuscript_groups(book);
    let mut at = 0;
    let mut body_words = 0;
    for (toks, optional, place) in &groups {
        if *optional {
            if matches(&seed, at, toks) {
                at += toks.len();
            }
            continue;
        }
        for (i, t) in toks.iter().enumerate() {
            let ok = seed.get(at).is_some_and(|s| s.forms.contains(t));
            if !ok {
                let ctx: Vec<String> = seed[at.saturating_sub(3)..(at + 6).min(seed.len())].iter().map(|s| s.forms.join("|")).collect();
                let mctx = &toks[i.saturating_sub(3)..(i + 6).min(toks.len())];
                panic!(
                    "{place}: manuscript word #{i} `{t}` does not match the seed.\n  seed:       {}\n  manuscript: {}",
                    ctx.join(" "),
                    mctx.join(" ")
                );
            }
            at += 1;
            body_words += 1;
        }
    }
    assert_eq!(at, seed.len(), "the manuscript ends before the seed: next seed words {:?}", &seed[at..(at + 8).min(seed.len())]);
    assert!(body_words > 4000 && total_seed_words > 4400, "{body_words} body words of {total_seed_words}");
}

#[test]
fn seed_tokenizer_resolves_line_end_hyphens() {
    let t = seed_tokens("the Kennedy-Khrushchov exchange\nthe Kennedy-\nKhrushchov letters con-\ntinue a week-\nend want—\nand");
    let forms: Vec<Vec<String>> = join_dashes(t).into_iter().map(|s| s.forms).collect();
    assert!(forms.contains(&vec!["want—and".to_string()]));
    assert!(forms.contains(&vec!["kennedykhrushchov".to_string(), "kennedy-khrushchov".to_string()]));
    assert!(forms.contains(&vec!["continue".to_string()]));
    assert!(forms.contains(&vec!["weekend".to_string()]), "an unattested hyphen is not kept: {forms:?}");
}
