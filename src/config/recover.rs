//! Every schema error of book.toml in one run: serde stops at the first unknown key or value of
//! the wrong type, so after each such error the offending entry is taken out of the parsed tree
//! (whose spans still point into the file) and the schema is applied again.

use super::schema::Config;
use crate::diag::{Diagnostic, LineIndex};
use serde::Deserialize;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// At most this many errors are collected before giving up (each costs one more pass).
const MAX_ERRORS: usize = 100;

/// Applies the schema to syntactically valid TOML, collecting every unknown key and wrongly
/// typed value, each at its place. The configuration is returned, errors or not, when what
/// remains of the file still forms one, so that its values can be checked in the same run.
pub(super) fn deserialize(source: &str, index: &LineIndex) -> (Option<Config>, Vec<Diagnostic>) {
    let mut root = match DeTable::parse(source) {
        Ok(t) => t,
        Err(e) => return (None, vec![super::toml_error(index, &e)]),
    };
    let mut config = None;
    let mut errors = Vec::new();
    let mut removed = false;
    while errors.len() < MAX_ERRORS {
        let e = match Config::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(c) => {
                config = Some(c);
                break;
            }
            Err(e) => e,
        };
        let missing = e.message().starts_with("missing field");
        // A required value taken out after its own error is not missing a second time.
        if !(missing && removed) {
            errors.push(super::toml_error(index, &e));
        }
        match e.span() {
            Some(span) if !missing && remove_at(root.get_mut(), &span) => removed = true,
            _ => break,
        }
    }
    (config, errors)
}

/// Removes the entry whose key or value lies at `span`; false when there is none.
fn remove_at(table: &mut DeTable, span: &Range<usize>) -> bool {
    let hit = table.iter().find(|(k, v)| k.span() == *span || v.span() == *span).map(|(k, _)| k.clone());
    if let Some(key) = hit {
        table.remove(&key);
        return true;
    }
    let in_table = |v: &mut DeValue| match v {
        DeValue::Table(t) => remove_at(t, span),
        _ => false,
    };
    table.iter_mut().any(|(_, v)| match v.get_mut() {
        DeValue::Array(items) => items.iter_mut().any(|item| in_table(item.get_mut())),
        other => in_table(other),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_unknown_key_and_bad_type_in_one_run() {
        let src = "[metadata]\ntitel = \"x\"\ntitle = \"A\"\nlanguage = 5\n[contents]\nchapters = [\"a.md\"]\nchaptres = []\n[typography]\nbody-sise = 11\nleading = \"x\"\n";
        let e = super::super::parse(src).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|d| d.location.as_ref().unwrap().line).collect();
        assert_eq!(lines, vec![2, 4, 7, 9, 10], "{e:?}");
        assert!(e[0].help.as_deref().unwrap().contains("did you mean `title`"), "{:?}", e[0]);
    }

    #[test]
    fn toml_dates_are_dates() {
        let c = super::super::parse(
            "[metadata]\ntitle = \"A\"\ndate = 2026-12-01\nmodified = 2026-12-02T10:00:00Z\n[contents]\nchapters = [\"a.md\"]\n",
        )
        .unwrap();
        assert_eq!(c.date.unwrap().iso(), "2026-12-01");
        assert_eq!(c.config.metadata.modified.unwrap().get_ref().0, "2026-12-02T10:00:00Z");
        let e = super::super::parse("[metadata]\ntitle = \"A\"\ndate = 12:00:00\n[contents]\nchapters = [\"a.md\"]\n").unwrap_err();
        assert!(e[0].message.contains("bad date"), "{e:?}");
    }
}
