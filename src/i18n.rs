//! The words quire itself prints (contents, colophon, landmarks…), in the book's language.
//! English and German are provided; other languages fall back to English.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Contents,
    Part,
    Colophon,
    EditedBy,
    Source,
    Notes,
    HowToCite,
    TitlePage,
    StartOfText,
    Cover,
    Landmarks,
    PageList,
    Published,
    Publisher,
    Identifier,
    Rights,
    MadeWith,
    Type,
    Version,
    ReferencePrint,
    Fingerprint,
    AboutEdition,
    FontLicences,
    SetIn,
    BackToReference,
    Edition,
    AsideNote,
    AsideTip,
    AsideImportant,
    AsideWarning,
    AsideCaution,
}

/// Opening and closing quotation marks (for `<q>`).
pub fn quotes(language: &str) -> (&'static str, &'static str) {
    match language.split('-').next() {
        Some("de") => ("„", "“"),
        _ => ("“", "”"),
    }
}

/// The label of an aside of `kind` (“Note”, “Tip”…).
pub fn aside(language: &str, kind: crate::model::AsideKind) -> &'static str {
    use crate::model::AsideKind as A;
    t(
        language,
        match kind {
            A::Note => Key::AsideNote,
            A::Tip => Key::AsideTip,
            A::Important => Key::AsideImportant,
            A::Warning => Key::AsideWarning,
            A::Caution => Key::AsideCaution,
        },
    )
}

/// The phrase for `key` in `language` (a BCP 47 tag).
pub fn t(language: &str, key: Key) -> &'static str {
    let de = language.split('-').next() == Some("de");
    use Key::*;
    match (key, de) {
        (Contents, false) => "Contents",
        (Contents, true) => "Inhalt",
        (Part, false) => "Part",
        (Part, true) => "Teil",
        (Colophon, false) => "Colophon",
        (Colophon, true) => "Impressum",
        (EditedBy, false) => "Edited by",
        (EditedBy, true) => "Herausgegeben von",
        (Source, false) => "Source",
        (Source, true) => "Quelle",
        (Notes, false) => "Notes",
        (Notes, true) => "Anmerkungen",
        (HowToCite, false) => "How to Cite This Edition",
        (HowToCite, true) => "Wie man diese Ausgabe zitiert",
        (TitlePage, false) => "Title page",
        (TitlePage, true) => "Titelseite",
        (StartOfText, false) => "Start of the text",
        (StartOfText, true) => "Beginn des Textes",
        (Cover, false) => "Cover",
        (Cover, true) => "Umschlag",
        (Landmarks, false) => "Landmarks",
        (Landmarks, true) => "Orientierungspunkte",
        (PageList, false) => "Page list",
        (PageList, true) => "Seitenliste",
        (Published, false) => "Published",
        (Published, true) => "Erschienen",
        (Publisher, false) => "Publisher",
        (Publisher, true) => "Verlag",
        (Identifier, false) => "Identifier",
        (Identifier, true) => "Kennung",
        (Rights, false) => "Rights",
        (Rights, true) => "Rechte",
        (MadeWith, false) => "Made with",
        (MadeWith, true) => "Erstellt mit",
        (Type, false) => "Type",
        (Type, true) => "Schrift",
        (Version, false) => "Version",
        (Version, true) => "Version",
        (ReferencePrint, false) => "Reference print edition",
        (ReferencePrint, true) => "Referenz-Druckausgabe",
        (Fingerprint, false) => "Content fingerprint (SHA-256 of book.toml and manuscript)",
        (Fingerprint, true) => "Inhaltsprüfsumme (SHA-256 von book.toml und Manuskript)",
        (AboutEdition, false) => "About This Edition",
        (AboutEdition, true) => "Über diese Ausgabe",
        (FontLicences, false) => "Font Licences",
        (FontLicences, true) => "Schriftlizenzen",
        (SetIn, false) => "Set in",
        (SetIn, true) => "Gesetzt in",
        (BackToReference, false) => "Back to reference",
        (BackToReference, true) => "Zurück zum Verweis",
        (AsideNote, false) => "Note",
        (AsideNote, true) => "Hinweis",
        (AsideTip, false) => "Tip",
        (AsideTip, true) => "Tipp",
        (AsideImportant, false) => "Important",
        (AsideImportant, true) => "Wichtig",
        (AsideWarning, false) => "Warning",
        (AsideWarning, true) => "Warnung",
        (AsideCaution, false) => "Caution",
        (AsideCaution, true) => "Vorsicht",
        (Edition, false) => "Edition",
        (Edition, true) => "Ausgabe",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn german_and_fallback() {
        assert_eq!(super::t("de-AT", super::Key::Contents), "Inhalt");
        assert_eq!(super::t("fr", super::Key::Contents), "Contents");
    }
}
