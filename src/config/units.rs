//! Lengths and page sizes in PostScript points.

/// A length in PostScript points from `18mm`, `0.75in`, `54pt` or `2cm`.
pub fn parse_length(s: &str) -> Result<f32, String> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f32 = num.trim().parse().map_err(|_| format!("`{s}` is not a length like `18mm`, `0.75in` or `54pt`"))?;
    let pts = match unit {
        "mm" => v * 72.0 / 25.4,
        "cm" => v * 72.0 / 2.54,
        "in" => v * 72.0,
        "pt" => v,
        _ => return Err(format!("`{s}` has no known unit; use mm, cm, in or pt")),
    };
    if !pts.is_finite() || pts < 0.0 {
        return Err(format!("`{s}` must be a positive length"));
    }
    Ok(pts)
}

/// Page size in points (width, height).
pub fn parse_page_size(s: &str) -> Result<(f32, f32), String> {
    let named = match s.to_ascii_lowercase().as_str() {
        "a4" => Some((595.276, 841.89)),
        "a5" => Some((419.528, 595.276)),
        "letter" | "us-letter" => Some((612.0, 792.0)),
        "6x9in" | "trade" => Some((432.0, 648.0)),
        _ => None,
    };
    if let Some(sz) = named {
        return Ok(sz);
    }
    let (w, h) = s.split_once('x').ok_or_else(|| format!("`{s}` is not a page size; use A4, A5, letter, 6x9in or e.g. `148mmx210mm`"))?;
    let w = parse_length(w)?;
    let h = parse_length(h)?;
    if w < 144.0 || h < 144.0 || w > 14_400.0 || h > 14_400.0 {
        return Err(format!("`{s}` is outside the supported page sizes (2 in to 200 in per side)"));
    }
    Ok((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_sizes() {
        assert!((parse_length("25.4mm").unwrap() - 72.0).abs() < 1e-3);
        assert_eq!(parse_page_size("letter").unwrap(), (612.0, 792.0));
        assert!(parse_page_size("1x1mm").is_err());
        assert!(parse_length("12 furlongs").is_err());
        assert!(parse_length("NaNmm").is_err());
    }
}
