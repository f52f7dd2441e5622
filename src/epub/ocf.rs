//! OCF: the zip container. `mimetype` first and stored, then the container file, the package
//! document and every item; timestamps from the book's modification date, never the clock.

use super::Item;
use crate::diag::Diagnostic;
use std::io::Write as _;

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";

pub fn zip_package(modified: &str, opf: &str, items: &[Item]) -> Result<Vec<u8>, Diagnostic> {
    use zip::CompressionMethod;
    use zip::write::SimpleFileOptions;
    let num = |a: usize, b: usize| modified.get(a..b).and_then(|x| x.parse::<u16>().ok());
    let (y, mo, d) = (num(0, 4).unwrap_or(2000), num(5, 7).unwrap_or(1), num(8, 10).unwrap_or(1));
    let time = zip::DateTime::from_date_and_time(y.clamp(1980, 2107), mo as u8, d as u8, 0, 0, 0).unwrap_or_default();
    let stored =
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored).last_modified_time(time).unix_permissions(0o644);
    // Level 4: within a few per cent of level 6 in size, markedly faster on the fonts.
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(4))
        .last_modified_time(time)
        .unix_permissions(0o644);
    let err = |e: &dyn std::fmt::Display| {
        Diagnostic::error(format!("could not write the EPUB archive: {e}")).help("this is a bug in quire; please report it")
    };
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("mimetype", stored).map_err(|e| err(&e))?;
    z.write_all(b"application/epub+zip").map_err(|e| err(&e))?;
    z.start_file("META-INF/container.xml", deflated).map_err(|e| err(&e))?;
    z.write_all(CONTAINER.as_bytes()).map_err(|e| err(&e))?;
    z.start_file("EPUB/package.opf", deflated).map_err(|e| err(&e))?;
    z.write_all(opf.as_bytes()).map_err(|e| err(&e))?;
    for it in items {
        let opts = if it.media_type.starts_with("image/png") || it.media_type == "image/jpeg" || it.media_type == "image/gif" {
            stored
        } else {
            deflated
        };
        z.start_file(format!("EPUB/{}", it.href), opts).map_err(|e| err(&e))?;
        z.write_all(&it.data).map_err(|e| err(&e))?;
    }
    Ok(z.finish().map_err(|e| err(&e))?.into_inner())
}
