//! The page map: where each page of a print edition starts in the book's text. Layout writes
//! it; the EPUB's page-break markers and page list, and the citations' page ranges, read it.
//! It names documents, not files: each writer maps a [`DocId`] to its own file names.

/// A document of the book as every format has it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocId {
    /// Half-title, title and copyright pages.
    TitlePage,
    /// The contents (and the pages that follow it before the text, such as "About this edition").
    Contents,
    /// A part's title page, by part id.
    Part(String),
    /// A chapter, by chapter id.
    Chapter(String),
    /// The "How to cite this edition" page.
    HowToCite,
    /// The colophon (and padding pages at the end of a print edition).
    Colophon,
}

/// Where a printed page starts, in terms of the book's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStart {
    /// At the start of a document.
    Doc(DocId),
    /// Inside paragraph `n` of `chapter`, before the word at character `offset` of its text.
    Paragraph { chapter: String, n: u32, offset: usize },
    /// Before the sub-heading `id` of `chapter`.
    Heading { chapter: String, id: String },
    /// A page with no text of its own (blank, a figure or notes only): its marker goes just
    /// before the next page's.
    Follow,
}

/// The pages of a print edition: their labels (`iv`, `17`) and where each starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMap {
    pub labels: Vec<String>,
    pub starts: Vec<PageStart>,
}
