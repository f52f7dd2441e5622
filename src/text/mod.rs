//! Fonts, shaping and hyphenation.

pub mod coverage;
pub mod fonts;
pub mod highlight;
pub mod hyph;
pub mod shape;
pub mod websubset;

/// The fractions an author wrote with the fraction slash (U+2044, `1⁄2`, `15⁄16`): byte ranges
/// of digits, slash, digits. They are set as fractions in both formats: the PDF's shaper sets
/// numerator and denominator by itself around a fraction slash (`numr`/`dnom`); the EPUB marks
/// them for the stylesheet (`diagonal-fractions`), which not every reading system would infer. A solidus between numbers (`7/16/1961`, `24/7`) may be a date
/// or a ratio, so it is left as written; ordinals (`19th`) stay on the baseline (Chicago 9.6).
pub fn fractions(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices('\u{2044}') {
        let mut s = i;
        while s > 0 && b[s - 1].is_ascii_digit() {
            s -= 1;
        }
        let mut e = i + '\u{2044}'.len_utf8();
        let after = e;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if s < i && e > after && out.last().is_none_or(|r: &std::ops::Range<usize>| r.end <= s) {
            out.push(s..e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fractions_are_digits_around_a_fraction_slash() {
        assert_eq!(super::fractions("1\u{2044}2 cup"), vec![0..5]);
        assert_eq!(super::fractions("a 15\u{2044}16 in, 3\u{2044}4"), vec![2..9, 14..19]);
        assert!(super::fractions("7/16/1961, 24/7, 19th, \u{2044}2, 1\u{2044}").is_empty());
    }
}
