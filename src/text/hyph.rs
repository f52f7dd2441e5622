//! Hyphenation with TeX patterns (the `hyphenation` crate's embedded dictionaries).
//!
//! Rules on top of the patterns: words are split at hard hyphens first (each part is hyphenated
//! on its own); capitalised words shorter than the configured minimum are never hyphenated
//! (names); words with digits, URLs and e-mail addresses are never hyphenated; at least three
//! letters stay before a break and three after it (no two-letter fragments such as “in-”).

use hyphenation::{Hyphenator, Language, Load, Standard};

pub struct Hyph {
    dict: Option<Standard>,
    min_name: usize,
    /// Breaks found so far, by language and word (words repeat; the trie walk does not need to).
    cache: std::cell::RefCell<std::collections::HashMap<(u8, String), Vec<usize>>>,
    /// Patterns of the other languages passages are marked in (`lang` 1, 2, …), by tag.
    others: std::cell::RefCell<Vec<(String, Option<std::rc::Rc<Standard>>)>>,
}

const LANGS: &[(&str, Language)] = &[
    ("en-gb", Language::EnglishGB),
    ("en", Language::EnglishUS),
    ("de-ch", Language::GermanSwiss),
    ("de", Language::German1996),
    ("fr", Language::French),
    ("es", Language::Spanish),
    ("it", Language::Italian),
    ("nl", Language::Dutch),
    ("pt", Language::Portuguese),
    ("ru", Language::Russian),
    ("uk", Language::Ukrainian),
    ("pl", Language::Polish),
    ("cs", Language::Czech),
    ("sk", Language::Slovak),
    ("sv", Language::Swedish),
    ("da", Language::Danish),
    ("nb", Language::NorwegianBokmal),
    ("no", Language::NorwegianBokmal),
    ("nn", Language::NorwegianNynorsk),
    ("fi", Language::Finnish),
    ("hu", Language::Hungarian),
    ("la", Language::Latin),
    ("ca", Language::Catalan),
    ("tr", Language::Turkish),
    ("el", Language::GreekMono),
];

impl Hyph {
    /// Hyphenation for a BCP 47 language tag; `None` patterns (no hyphenation) for unknown ones.
    pub fn new(lang: &str, min_name: usize) -> Hyph {
        Hyph { dict: patterns(lang), min_name, cache: Default::default(), others: Default::default() }
    }

    /// The number passages in language `tag` are set with (0 is the book's own language).
    pub fn lang_id(&self, tag: &str) -> u8 {
        let tag = tag.to_ascii_lowercase();
        let mut others = self.others.borrow_mut();
        if let Some(i) = others.iter().position(|(t, _)| *t == tag) {
            return i as u8 + 1;
        }
        if others.len() >= u8::MAX as usize {
            return 0;
        }
        let dict = patterns(&tag).map(std::rc::Rc::new);
        others.push((tag, dict));
        others.len() as u8
    }

    /// The language tag of passage language `id` (None for the book's own).
    pub fn lang_tag(&self, id: u8) -> Option<String> {
        if id == 0 { None } else { self.others.borrow().get(id as usize - 1).map(|(t, _)| t.clone()) }
    }

    /// Byte offsets inside `word` where it may be hyphenated in the book's language.
    pub fn breaks(&self, word: &str) -> Vec<usize> {
        self.breaks_in(0, word)
    }

    /// Byte offsets inside `word` where it may be hyphenated (a hyphen is added there), by the
    /// patterns of passage language `lang` (0: the book's). `word` is one run of letters with
    /// no hyphens or spaces.
    pub fn breaks_in(&self, lang: u8, word: &str) -> Vec<usize> {
        let other = if lang == 0 { None } else { self.others.borrow().get(lang as usize - 1).and_then(|(_, d)| d.clone()) };
        let dict: &Standard = match (&other, &self.dict) {
            (Some(d), _) => d,
            (None, Some(d)) if lang == 0 => d,
            _ => return Vec::new(),
        };
        let letters = word.chars().count();
        if letters < 5 || !word.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '’') {
            return Vec::new();
        }
        if word.chars().next().is_some_and(char::is_uppercase) && letters < self.min_name {
            return Vec::new();
        }
        if word.chars().filter(|c| c.is_uppercase()).count() > 1 {
            return Vec::new(); // acronyms and names in capitals
        }
        let key = (lang, word.to_string());
        if let Some(b) = self.cache.borrow().get(&key) {
            return b.clone();
        }
        let h = dict.hyphenate(word);
        let b: Vec<usize> = h
            .breaks
            .into_iter()
            .filter(|&b| {
                let before = word[..b].chars().filter(|c| c.is_alphabetic()).count();
                let after = word[b..].chars().filter(|c| c.is_alphabetic()).count();
                before >= 3 && after >= 3 && !word[..b].ends_with(['\'', '’']) && !word[b..].starts_with(['\'', '’'])
            })
            .collect();
        self.cache.borrow_mut().insert(key, b.clone());
        b
    }
}

/// The embedded TeX patterns for a BCP 47 tag, if there are any.
fn patterns(lang: &str) -> Option<Standard> {
    let lang = lang.to_ascii_lowercase();
    let found = LANGS.iter().find(|(code, _)| lang == *code || lang.starts_with(&format!("{code}-")));
    found.and_then(|(_, l)| Standard::from_embedded(*l).ok())
}

/// Whether a whitespace-free token must never be hyphenated (URLs, e-mail, figures).
pub fn is_unbreakable(token: &str) -> bool {
    token.contains("://") || token.starts_with("www.") || token.contains('@') || token.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(h: &Hyph, w: &str) -> String {
        let mut s = String::new();
        let mut last = 0;
        for b in h.breaks(w) {
            s.push_str(&w[last..b]);
            s.push('-');
            last = b;
        }
        s.push_str(&w[last..]);
        s
    }

    #[test]
    fn english_patterns() {
        let h = Hyph::new("en", 8);
        // Three letters before a break, three after: no "hy-", "in-", "-ly" fragments.
        assert_eq!(split(&h, "hyphenation"), "hyphen-a-tion");
        assert_eq!(split(&h, "correspondence"), "cor-re-spon-dence");
        assert_eq!(split(&h, "international"), "inter-na-tional");
        assert_eq!(split(&h, "insight"), "insight");
        assert!(!split(&h, "readily").ends_with("-ly"));
    }

    #[test]
    fn names_and_figures_are_not_hyphenated() {
        let h = Hyph::new("en", 8);
        assert_eq!(h.breaks("Kennedy"), Vec::<usize>::new(), "capitalised and shorter than 8");
        assert!(!h.breaks("Washington").is_empty(), "capitalised but long enough");
        assert!(is_unbreakable("1961"));
        assert!(is_unbreakable("https://example.org/very/long"));
        assert!(!is_unbreakable("unbreakable"));
    }

    #[test]
    fn passages_use_their_own_patterns() {
        let h = Hyph::new("en", 8);
        let ru = h.lang_id("ru");
        assert_eq!(h.lang_id("RU"), ru, "one id per language");
        assert!(h.breaks("достопримечательности").is_empty(), "English patterns do not split Russian");
        assert!(h.breaks_in(ru, "достопримечательности").len() >= 4);
        let fr = h.lang_id("fr");
        assert!(!h.breaks_in(fr, "extraordinairement").is_empty());
        assert_eq!(h.lang_tag(fr).as_deref(), Some("fr"));
        assert!(h.breaks_in(h.lang_id("tlh"), "qapla'batlhwIj").is_empty(), "no patterns, no hyphens");
    }

    #[test]
    fn german_patterns() {
        let h = Hyph::new("de", 8);
        assert!(!h.breaks("Freundschaft").is_empty());
    }
}
