//! Images, inspected once at load: recognised by content, measured from their headers,
//! refused above a pixel limit before any decoder sees them; SVGs parsed and refused when they
//! refer to anything outside themselves or carry scripts.

pub use crate::model::image::{ImageInfo, ImageKind};

/// Largest image quire decodes for the PDF (pixels).
pub const MAX_PIXELS: u64 = 60_000_000;

/// Recognises an image by its content (never by its file name).
pub fn sniff_image(bytes: &[u8]) -> Result<ImageKind, String> {
    if bytes.is_empty() {
        return Err("is empty (0 bytes)".into());
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageKind::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(ImageKind::Gif);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<svg")
        || ((head.starts_with("<?xml") || head.starts_with("<!--") || head.starts_with("<!DOCTYPE")) && head.contains("<svg"))
    {
        return Ok(ImageKind::Svg);
    }
    Err("is not a PNG, JPEG, GIF or SVG image".into())
}

/// Why an image cannot be used: the rest of a sentence beginning "image `path` …", and what
/// to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub why: String,
    pub help: &'static str,
}

fn refuse(why: impl Into<String>, help: &'static str) -> Refusal {
    Refusal { why: why.into(), help }
}

/// Inspects an image: type, size, pixel limit, and for SVG its references and scripts.
pub fn inspect(bytes: &[u8]) -> Result<ImageInfo, Refusal> {
    let kind = sniff_image(bytes).map_err(|why| refuse(why, "use a PNG, JPEG, GIF or SVG file"))?;
    if kind == ImageKind::Svg {
        return inspect_svg(bytes);
    }
    let size = imagesize::blob_size(bytes)
        .map_err(|_| refuse("is corrupt: its size cannot be read", "replace the file with a valid PNG, JPEG or GIF"))?;
    let (w, h) = (u32::try_from(size.width).unwrap_or(u32::MAX), u32::try_from(size.height).unwrap_or(u32::MAX));
    if w == 0 || h == 0 {
        return Err(refuse("is corrupt: its size cannot be read", "replace the file with a valid PNG, JPEG or GIF"));
    }
    if (w as u64) * (h as u64) > MAX_PIXELS {
        return Err(refuse(
            format!("claims {w} × {h} pixels, more than quire decodes ({} megapixels)", MAX_PIXELS / 1_000_000),
            "scale the picture down; 300 dpi at the page width needs far fewer pixels",
        ));
    }
    complete(bytes, kind).map_err(|why| {
        refuse(format!("is corrupt: {why}"), "replace the file with a valid PNG, JPEG or GIF (open and save it again in an image editor)")
    })?;
    if kind == ImageKind::Jpeg && jpeg_components(bytes) == Some(4) {
        return Err(refuse(
            "is a CMYK JPEG; quire embeds RGB and greyscale images only (a CMYK image needs its printer's colour profile)",
            "convert it to RGB (e.g. `magick in.jpg -colorspace sRGB out.jpg`), or ask the printer for an RGB-ready file",
        ));
    }
    Ok(ImageInfo { kind, width: w, height: h })
}

/// Checks the file's structure without decoding it: every PNG chunk whole with a matching
/// checksum and an `IEND`; a JPEG's end-of-image marker; a GIF's trailer.
fn complete(b: &[u8], kind: ImageKind) -> Result<(), String> {
    match kind {
        ImageKind::Png => {
            let mut i = 8;
            let mut idat: Vec<u8> = Vec::new();
            loop {
                let Some(len) = b.get(i..i + 4).map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize) else {
                    return Err("it ends before its last chunk (truncated)".into());
                };
                let Some(end) = i.checked_add(12).and_then(|e| e.checked_add(len)).filter(|e| *e <= b.len()) else {
                    return Err("it ends inside a chunk (truncated)".into());
                };
                let body = &b[i + 4..end - 4];
                let mut crc = flate2::Crc::new();
                crc.update(body);
                if crc.sum().to_be_bytes() != b[end - 4..end] {
                    return Err(format!("its `{}` chunk has a bad checksum", String::from_utf8_lossy(&body[..4])));
                }
                if &body[..4] == b"IDAT" {
                    idat.extend_from_slice(&body[4..]);
                }
                if &body[..4] == b"IEND" {
                    // The compressed pixels must inflate cleanly (a stream broken under intact
                    // checksums would otherwise fail only when the PDF is written).
                    // Never more than the header's size allows (16-bit RGBA, interlaced rows): a
                    // small file cannot unpack into gigabytes here.
                    let dim = |o: usize| b.get(o..o + 4).map_or(0, |d| u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as u64);
                    let (w, h) = (dim(16), dim(20));
                    let limit = 2 * h * (1 + 8 * w) + 1024;
                    let mut z = std::io::Read::take(flate2::read::ZlibDecoder::new(&idat[..]), limit + 1);
                    return match std::io::copy(&mut z, &mut std::io::sink()) {
                        Ok(n) if n > limit => Err("its pixel data is larger than its size allows".into()),
                        Ok(n) if n > 0 => Ok(()),
                        Ok(_) => Err("its pixel data is empty".into()),
                        Err(_) => Err("its pixel data does not decompress".into()),
                    };
                }
                i = end;
            }
        }
        ImageKind::Jpeg => {
            let tail = &b[b.len().saturating_sub(4096)..];
            if tail.windows(2).any(|w| w == [0xFF, 0xD9]) { Ok(()) } else { Err("it has no end-of-image marker (truncated)".into()) }
        }
        ImageKind::Gif => {
            let tail = &b[b.len().saturating_sub(64)..];
            if tail.contains(&0x3B) { Ok(()) } else { Err("it has no trailer (truncated)".into()) }
        }
        ImageKind::Svg => Ok(()),
    }
}

/// The number of colour components of a JPEG (1 grey, 3 YCbCr/RGB, 4 CMYK), from its frame header.
fn jpeg_components(b: &[u8]) -> Option<u8> {
    let mut i = 2;
    while i + 9 < b.len() {
        if b[i] != 0xFF {
            i += 1;
            continue;
        }
        let m = b[i + 1];
        if m == 0xFF {
            i += 1;
            continue;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        if (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC) {
            return b.get(i + 9).copied();
        }
        i += 2 + len;
    }
    None
}

/// A reference that leaves the SVG: anything but a fragment (`#id`) or embedded `data:`.
fn external(target: &str) -> Option<String> {
    let t = target.trim().trim_matches(['"', '\'']).trim();
    (!t.is_empty() && !t.starts_with('#') && !t.starts_with("data:")).then(|| format!("`{}`", t.chars().take(80).collect::<String>()))
}

/// Every `url(…)` and `@import` target in CSS text.
fn css_references(css: &str) -> Option<String> {
    if let Some(i) = css.find("@import") {
        let rest = css[i + 7..].trim_start();
        let rest = rest.strip_prefix("url(").unwrap_or(rest);
        let target: String = rest.chars().take_while(|c| !matches!(c, ';' | ')')).collect();
        return Some(external(&target).unwrap_or_else(|| "a stylesheet (`@import`)".into()));
    }
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        rest = &rest[i + 4..];
        let target: String = rest.chars().take_while(|c| *c != ')').collect();
        if let Some(e) = external(&target) {
            return Some(e);
        }
    }
    None
}

fn inspect_svg(bytes: &[u8]) -> Result<ImageInfo, Refusal> {
    let help_refs = "embed everything the SVG needs in the file itself; e-books and print cannot fetch outside files";
    let text = std::str::from_utf8(bytes).map_err(|_| refuse("is an SVG that is not valid UTF-8", "save the SVG as UTF-8"))?;
    if text.contains("<!ENTITY") {
        return Err(refuse("refers to an external entity (DOCTYPE ENTITY)", help_refs));
    }
    let opts = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(text, opts)
        .map_err(|e| refuse(format!("is not a well-formed SVG: {e}"), "fix the SVG (an editor's \"save as plain SVG\" helps)"))?;
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("foreignObject") {
            return Err(refuse(
                format!("contains a `<{name}>` element"),
                "remove scripts and embedded HTML from the SVG; books must not run code",
            ));
        }
        if name == "style"
            && let Some(e) = node.text().and_then(css_references)
        {
            return Err(refuse(format!("refers to {e}"), help_refs));
        }
        for a in node.attributes() {
            let an = a.name();
            if an.len() > 2 && an[..2].eq_ignore_ascii_case("on") {
                return Err(refuse(
                    format!("has an event handler (`{an}`)"),
                    "remove event-handler attributes from the SVG; books must not run code",
                ));
            }
            let found = match an {
                "href" | "src" => external(a.value()),
                _ => css_references(a.value()),
            };
            if let Some(e) = found {
                return Err(refuse(format!("refers to {e}"), help_refs));
            }
        }
    }
    let root = doc.root_element();
    let num = |name: &str| -> Option<f32> {
        root.attribute(name)?.trim().trim_end_matches("px").parse().ok().filter(|v: &f32| v.is_finite() && *v > 0.0)
    };
    let (width, height) = match (num("width"), num("height")) {
        (Some(w), Some(h)) => ((w as u32).max(1), (h as u32).max(1)),
        _ => (400, 300),
    };
    Ok(ImageInfo { kind: ImageKind::Svg, width, height })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_images() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest").unwrap(), ImageKind::Png);
        assert_eq!(sniff_image(b"<?xml version=\"1.0\"?><svg/>").unwrap(), ImageKind::Svg);
        assert!(sniff_image(b"BM....").is_err());
        assert!(sniff_image(b"").is_err());
    }

    #[test]
    fn svgs_are_parsed() {
        let ok = inspect(b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"10px\"><a href=\"#x\"/><image href=\"data:image/png;base64,AA\"/></svg>").unwrap();
        assert_eq!((ok.width, ok.height), (20, 10));
        for bad in [
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><image href = \"https://e.org/x.png\"/></svg>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><style>@import 'x.css';</style></svg>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect fill=\"url( 'http://e.org/p' )\"/></svg>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect",
        ] {
            assert!(inspect(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn truncated_and_damaged_pngs_are_refused() {
        let good = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/books/kitchen-sink/images/plate.png")).unwrap();
        assert!(inspect(&good).is_ok());
        assert!(inspect(&good[..good.len() / 2]).unwrap_err().why.contains("truncated"));
        let mut bad = good.clone();
        let n = bad.len();
        bad[n - 20] ^= 0xFF;
        assert!(inspect(&bad).unwrap_err().why.contains("checksum"));
    }

    #[test]
    fn a_png_whose_pixels_do_not_decompress_is_refused() {
        // Valid chunk checksums around a broken zlib stream.
        let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            out.extend((data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend(kind);
            out.extend(data);
            out.extend(crc.sum().to_be_bytes());
        };
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut b, b"IHDR", &[0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0]);
        chunk(&mut b, b"IDAT", &[0x78, 0x9c, 0xff, 0xff, 0xff, 0x00, 0x13]);
        chunk(&mut b, b"IEND", &[]);
        assert!(inspect(&b).unwrap_err().why.contains("does not decompress"));
    }

    #[test]
    fn cmyk_jpegs_are_refused_with_advice() {
        // SOI, SOF0 with 4 components (CMYK), EOI: enough structure for the checks.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x14, 0x08, 0x00, 0x10, 0x00, 0x10, 0x04];
        b.extend([1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]);
        b.extend([0xFF, 0xD9]);
        let r = inspect(&b).unwrap_err();
        assert!(r.why.contains("CMYK"), "{r:?}");
        b[11] = 3;
        assert!(inspect(&b).is_ok());
    }

    #[test]
    fn pixel_limit_before_decoding() {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        b.extend_from_slice(&100_000u32.to_be_bytes());
        b.extend_from_slice(&100_000u32.to_be_bytes());
        b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(inspect(&b).unwrap_err().why.contains("claims 100000 × 100000 pixels"));
    }
}
