//! The words quire itself prints (contents, colophon, landmarks, kinds of matter…), in the
//! book's language: one table, a row per phrase, a column per language (English, German,
//! French, Russian). Other languages fall back to English.

/// The languages with a column in the phrase table, in column order.
pub const LANGUAGES: [&str; 4] = ["en", "de", "fr", "ru"];

/// Declares the phrase keys and their table together, so every key has exactly one row.
macro_rules! phrases {
    ($($key:ident => [$en:expr, $de:expr, $fr:expr, $ru:expr]),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key {
            $($key),*
        }

        /// Every phrase in English, German, French and Russian.
        const PHRASES: &[(Key, [&str; 4])] = &[$((Key::$key, [$en, $de, $fr, $ru])),*];
    };
}

phrases! {
    Contents => ["Contents", "Inhalt", "Table des matières", "Содержание"],
    Previous => ["Previous", "Zurück", "Précédent", "Назад"],
    Next => ["Next", "Weiter", "Suivant", "Далее"],
    BookNavigation => ["Book navigation", "Buchnavigation", "Navigation du livre", "Навигация по книге"],
    Part => ["Part", "Teil", "Partie", "Часть"],
    Colophon => ["Colophon", "Impressum", "Colophon", "Выходные данные"],
    EditedBy => ["Edited by", "Herausgegeben von", "Édité par", "Под редакцией"],
    Source => ["Source", "Quelle", "Source", "Источник"],
    Notes => ["Notes", "Anmerkungen", "Notes", "Примечания"],
    HowToCite => ["How to Cite This Edition", "Wie man diese Ausgabe zitiert", "Comment citer cette édition", "Как цитировать это издание"],
    TitlePage => ["Title page", "Titelseite", "Page de titre", "Титульный лист"],
    StartOfText => ["Start of the text", "Beginn des Textes", "Début du texte", "Начало текста"],
    Cover => ["Cover", "Umschlag", "Couverture", "Обложка"],
    Landmarks => ["Landmarks", "Orientierungspunkte", "Repères", "Ориентиры"],
    PageList => ["Page list", "Seitenliste", "Liste des pages", "Список страниц"],
    Published => ["Published", "Erschienen", "Publié", "Опубликовано"],
    Publisher => ["Publisher", "Verlag", "Éditeur", "Издатель"],
    Identifier => ["Identifier", "Kennung", "Identifiant", "Идентификатор"],
    Rights => ["Rights", "Rechte", "Droits", "Права"],
    MadeWith => ["Made with", "Erstellt mit", "Réalisé avec", "Сделано с помощью"],
    Type => ["Type", "Schrift", "Caractères", "Шрифт"],
    Version => ["Version", "Version", "Version", "Версия"],
    ReferencePrint => ["Reference print edition", "Referenz-Druckausgabe", "Édition imprimée de référence", "Эталонное печатное издание"],
    Fingerprint => ["Content fingerprint (SHA-256 of book.toml and manuscript)", "Inhaltsprüfsumme (SHA-256 von book.toml und Manuskript)", "Empreinte du contenu (SHA-256 de book.toml et du manuscrit)", "Отпечаток содержимого (SHA-256 файла book.toml и рукописи)"],
    AboutEdition => ["About This Edition", "Über diese Ausgabe", "À propos de cette édition", "Об этом издании"],
    FontLicences => ["Font Licences", "Schriftlizenzen", "Licences des polices", "Лицензии шрифтов"],
    SetIn => ["Set in", "Gesetzt in", "Composé en", "Набрано шрифтами"],
    BackToReference => ["Back to reference", "Zurück zum Verweis", "Retour à l’appel", "Назад к ссылке"],
    Edition => ["Edition", "Ausgabe", "Édition", "Издание"],
    AsideNote => ["Note", "Hinweis", "Remarque", "Примечание"],
    AsideTip => ["Tip", "Tipp", "Astuce", "Совет"],
    AsideImportant => ["Important", "Wichtig", "Important", "Важно"],
    AsideWarning => ["Warning", "Warnung", "Avertissement", "Предупреждение"],
    AsideCaution => ["Caution", "Vorsicht", "Attention", "Осторожно"],
    Chapter => ["Chapter", "Kapitel", "Chapitre", "Глава"],
    Dedication => ["Dedication", "Widmung", "Dédicace", "Посвящение"],
    Epigraph => ["Epigraph", "Motto", "Épigraphe", "Эпиграф"],
    Foreword => ["Foreword", "Geleitwort", "Avant-propos", "Предисловие"],
    Preface => ["Preface", "Vorwort", "Préface", "Предисловие автора"],
    Introduction => ["Introduction", "Einleitung", "Introduction", "Введение"],
    Prologue => ["Prologue", "Prolog", "Prologue", "Пролог"],
    Acknowledgments => ["Acknowledgments", "Danksagung", "Remerciements", "Благодарности"],
    Afterword => ["Afterword", "Nachwort", "Postface", "Послесловие"],
    Epilogue => ["Epilogue", "Epilog", "Épilogue", "Эпилог"],
    Appendix => ["Appendix", "Anhang", "Annexe", "Приложение"],
    Glossary => ["Glossary", "Glossar", "Glossaire", "Глоссарий"],
    Bibliography => ["Bibliography", "Literaturverzeichnis", "Bibliographie", "Библиография"],
    AboutAuthor => ["About the Author", "Über den Autor", "À propos de l’auteur", "Об авторе"],
    AlsoBy => ["Also by the Author", "Vom selben Autor", "Du même auteur", "Другие книги автора"],
    And => ["and", "und", "et", "и"],
    Footnotes => ["footnotes", "Fußnoten", "notes de bas de page", "сноски"],
    LicenceUnstated => ["licence not stated", "Lizenz nicht angegeben", "licence non indiquée", "лицензия не указана"],
}

/// The column of `language` (a BCP 47 tag) in the phrase table; English for others.
fn column(language: &str) -> usize {
    let primary = language.split('-').next().unwrap_or("").to_ascii_lowercase();
    LANGUAGES.iter().position(|l| *l == primary).unwrap_or(0)
}

/// The phrase for `key` in `language` (a BCP 47 tag).
pub fn t(language: &str, key: Key) -> &'static str {
    PHRASES.iter().find(|(k, _)| *k == key).map(|(_, v)| v[column(language)]).unwrap_or("")
}

/// The name of a kind of matter ("Dedication", "Vorwort"…), the title of a file that gives none.
pub fn kind_name(language: &str, kind: crate::model::Kind) -> &'static str {
    use crate::model::Kind as K;
    t(
        language,
        match kind {
            K::Chapter => Key::Chapter,
            K::Dedication => Key::Dedication,
            K::Epigraph => Key::Epigraph,
            K::Foreword => Key::Foreword,
            K::Preface => Key::Preface,
            K::Introduction => Key::Introduction,
            K::Prologue => Key::Prologue,
            K::Acknowledgments => Key::Acknowledgments,
            K::Afterword => Key::Afterword,
            K::Epilogue => Key::Epilogue,
            K::Appendix => Key::Appendix,
            K::Glossary => Key::Glossary,
            K::Bibliography => Key::Bibliography,
            K::AboutAuthor => Key::AboutAuthor,
            K::AlsoBy => Key::AlsoBy,
        },
    )
}

/// An English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…
pub fn ordinal_en(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Opening and closing quotation marks (for `<q>`); French guillemets carry their no-break spaces.
pub fn quotes(language: &str) -> (&'static str, &'static str) {
    match LANGUAGES[column(language)] {
        "de" => ("„", "“"),
        "fr" => ("«\u{a0}", "\u{a0}»"),
        "ru" => ("«", "»"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_ordinals() {
        let v: Vec<String> = [1, 2, 3, 4, 5, 11, 12, 13, 21, 22, 101, 111].iter().map(|n| ordinal_en(*n)).collect();
        assert_eq!(v, ["1st", "2nd", "3rd", "4th", "5th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]);
    }

    #[test]
    fn languages_and_fallback() {
        assert_eq!(t("de-AT", Key::Contents), "Inhalt");
        assert_eq!(t("fr-CA", Key::Contents), "Table des matières");
        assert_eq!(t("ru", Key::Notes), "Примечания");
        assert_eq!(t("it", Key::Contents), "Contents");
        assert_eq!(quotes("ru"), ("«", "»"));
    }

    #[test]
    fn every_phrase_exists_in_every_language() {
        for (k, row) in PHRASES {
            for (l, phrase) in LANGUAGES.iter().zip(row) {
                assert!(!phrase.is_empty(), "{k:?} in {l}");
                assert_eq!(t(l, *k), *phrase);
            }
        }
    }
}
