//! Book identifiers (UUID URN, ISBN with its checksum, DOI) and language tags.

pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks a book identifier: a UUID URN, an ISBN with a valid checksum, or a DOI.
pub fn check_identifier(id: &str) -> Result<(), String> {
    if let Some(u) = id.strip_prefix("urn:uuid:") {
        let ok =
            u.len() == 36 && u.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() });
        return if ok { Ok(()) } else { Err(format!("`{id}` is not a valid UUID URN")) };
    }
    if let Some(isbn) = id.strip_prefix("urn:isbn:").or_else(|| id.strip_prefix("isbn:")) {
        let digits: String = isbn.chars().filter(|c| *c != '-' && *c != ' ').collect();
        return check_isbn(&digits).map_err(|m| format!("`{id}`: {m}"));
    }
    if let Some(doi) = id.strip_prefix("doi:") {
        return if doi.starts_with("10.") && doi.contains('/') { Ok(()) } else { Err(format!("`{id}` is not a DOI (doi:10.NNNN/…)")) };
    }
    Err(format!("identifier `{id}` has no known scheme"))
}

fn check_isbn(d: &str) -> Result<(), String> {
    let b = d.as_bytes();
    match b.len() {
        13 if b.iter().all(u8::is_ascii_digit) => {
            let sum: u32 = b.iter().enumerate().map(|(i, c)| u32::from(c - b'0') * if i % 2 == 0 { 1 } else { 3 }).sum();
            if sum.is_multiple_of(10) { Ok(()) } else { Err("ISBN-13 checksum does not match".into()) }
        }
        10 if b[..9].iter().all(u8::is_ascii_digit) && (b[9].is_ascii_digit() || b[9] == b'X') => {
            let sum: u32 = b.iter().enumerate().map(|(i, c)| (10 - i as u32) * if *c == b'X' { 10 } else { u32::from(c - b'0') }).sum();
            if sum.is_multiple_of(11) { Ok(()) } else { Err("ISBN-10 checksum does not match".into()) }
        }
        _ => Err("an ISBN has 10 or 13 digits".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_checked() {
        assert!(check_identifier("isbn:978-0-306-40615-7").is_ok());
        assert!(check_identifier("isbn:978-0-306-40615-8").is_err());
        assert!(check_identifier("isbn:0-306-40615-2").is_ok());
        assert!(check_identifier("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8").is_ok());
        assert!(check_identifier("urn:uuid:nope").is_err());
        assert!(check_identifier("doi:10.1000/182").is_ok());
    }
}
