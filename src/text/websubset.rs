//! Subsetting TrueType fonts for the EPUB (web fonts that still shape: cmap, GSUB, GPOS kept).
//!
//! Glyph ids are preserved: the outlines of glyphs the book cannot reach are emptied, `cmap` is
//! rebuilt for the characters the book uses, `post` drops its glyph names and `DSIG` is removed.
//! The glyphs kept are the closure of the used characters' glyphs under every GSUB substitution
//! (single, multiple, alternate, ligature; contextual lookups only call these) and under
//! composite-glyph references, so any feature a reading system turns on (ligatures, small caps,
//! old-style figures) finds its glyphs. The PDF uses krilla's own subsetter instead.

use rustybuzz::ttf_parser::{self, GlyphId, gsub::SubstitutionSubtable};
use std::collections::{BTreeMap, BTreeSet};

/// Returns the subset font, or `None` if the font is not a TrueType (glyf) font we can subset.
pub fn subset(data: &[u8], chars: &BTreeSet<char>) -> Option<Vec<u8>> {
    let face = ttf_parser::Face::parse(data, 0).ok()?;
    let tables = table_directory(data).ok()?;
    let glyf = table(data, &tables, b"glyf")?;
    let loca = table(data, &tables, b"loca")?;
    let head = table(data, &tables, b"head")?;
    let num_glyphs = face.number_of_glyphs();
    if head.len() < 54 {
        return None;
    }
    let long_loca = u16::from_be_bytes([head[50], head[51]]) == 1;
    let offsets: Vec<usize> = (0..=num_glyphs as usize)
        .map(|i| if long_loca { be32(loca, i * 4).map(|v| v as usize) } else { be16(loca, i * 2).map(|v| v as usize * 2) })
        .collect::<Option<_>>()?;

    // Characters → glyphs.
    let mut cmap: BTreeMap<u32, u16> = BTreeMap::new();
    let mut keep: BTreeSet<u16> = BTreeSet::from([0]);
    for &c in chars {
        if let Some(g) = face.glyph_index(c) {
            cmap.insert(c as u32, g.0);
            keep.insert(g.0);
        }
    }
    // GSUB closure.
    if let Some(gsub) = face.tables().gsub {
        loop {
            let before = keep.len();
            for lookup in gsub.lookups {
                for st in lookup.subtables.into_iter::<SubstitutionSubtable>() {
                    close_subtable(&st, &mut keep);
                }
            }
            if keep.len() == before {
                break;
            }
        }
    }
    // A font's GSUB may name glyphs it does not have: keep only real ones.
    keep.retain(|g| *g < num_glyphs);
    // Composite glyph components.
    let mut stack: Vec<u16> = keep.iter().copied().collect();
    while let Some(g) = stack.pop() {
        let (Some(&s), Some(&e)) = (offsets.get(g as usize), offsets.get(g as usize + 1)) else { continue };
        let Some(bytes) = glyf.get(s..e) else { continue };
        for comp in composite_components(bytes) {
            if comp < num_glyphs && keep.insert(comp) {
                stack.push(comp);
            }
        }
    }

    // New glyf and loca (long format).
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity((num_glyphs as usize + 1) * 4);
    for g in 0..num_glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&g) {
            let (s, e) = (offsets[g as usize], offsets[g as usize + 1]);
            new_glyf.extend_from_slice(glyf.get(s..e)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let mut new_head = head.to_vec();
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes());
    new_head[8..12].copy_from_slice(&[0; 4]); // checkSumAdjustment, set below

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    for (tag, (off, len)) in &tables {
        let data_t = data.get(*off..*off + *len)?;
        let new = match tag {
            b"DSIG" => continue,
            b"glyf" => new_glyf.clone(),
            b"loca" => new_loca.clone(),
            b"head" => new_head.clone(),
            b"cmap" => build_cmap(&cmap),
            b"post" if data_t.len() >= 32 => {
                let mut p = data_t[..32].to_vec();
                p[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
                p
            }
            _ => data_t.to_vec(),
        };
        out_tables.push((*tag, new));
    }
    Some(write_font(&out_tables))
}

fn close_subtable(st: &SubstitutionSubtable, keep: &mut BTreeSet<u16>) {
    let mut add = Vec::new();
    match st {
        SubstitutionSubtable::Single(s) => {
            use ttf_parser::gsub::SingleSubstitution as S;
            for &g in keep.iter() {
                match s {
                    S::Format1 { coverage, delta } => {
                        if coverage.get(GlyphId(g)).is_some() {
                            add.push((g as i32 + *delta as i32) as u16);
                        }
                    }
                    S::Format2 { coverage, substitutes } => {
                        if let Some(i) = coverage.get(GlyphId(g)).and_then(|i| substitutes.get(i)) {
                            add.push(i.0);
                        }
                    }
                }
            }
        }
        SubstitutionSubtable::Multiple(m) => {
            for &g in keep.iter() {
                if let Some(seq) = m.coverage.get(GlyphId(g)).and_then(|i| m.sequences.get(i)) {
                    add.extend(seq.substitutes.into_iter().map(|x| x.0));
                }
            }
        }
        SubstitutionSubtable::Alternate(a) => {
            for &g in keep.iter() {
                if let Some(set) = a.coverage.get(GlyphId(g)).and_then(|i| a.alternate_sets.get(i)) {
                    add.extend(set.alternates.into_iter().map(|x| x.0));
                }
            }
        }
        SubstitutionSubtable::Ligature(l) => {
            for &g in keep.iter() {
                if let Some(set) = l.coverage.get(GlyphId(g)).and_then(|i| l.ligature_sets.get(i)) {
                    for lig in set {
                        if lig.components.into_iter().all(|c| keep.contains(&c.0)) {
                            add.push(lig.glyph.0);
                        }
                    }
                }
            }
        }
        SubstitutionSubtable::ReverseChainSingle(r) => {
            for &g in keep.iter() {
                if let Some(s) = r.coverage.get(GlyphId(g)).and_then(|i| r.substitutes.get(i)) {
                    add.push(s.0);
                }
            }
        }
        SubstitutionSubtable::Context(_) | SubstitutionSubtable::ChainContext(_) => {}
    }
    keep.extend(add);
}

fn composite_components(g: &[u8]) -> Vec<u16> {
    let mut out = Vec::new();
    let Some(n) = be16(g, 0) else { return out };
    if (n as i16) >= 0 {
        return out;
    }
    let mut p = 10;
    while let (Some(flags), Some(idx)) = (be16(g, p), be16(g, p + 2)) {
        out.push(idx);
        p += 4;
        p += if flags & 0x0001 != 0 { 4 } else { 2 };
        if flags & 0x0008 != 0 {
            p += 2;
        } else if flags & 0x0040 != 0 {
            p += 4;
        } else if flags & 0x0080 != 0 {
            p += 8;
        }
        if flags & 0x0020 == 0 {
            break;
        }
    }
    out
}

/// A cmap with a format 4 subtable (BMP) and a format 12 subtable (all), both Unicode.
fn build_cmap(map: &BTreeMap<u32, u16>) -> Vec<u8> {
    // Format 4: one segment per character (the book uses a few hundred), plus the 0xFFFF end.
    // Its 16-bit length holds at most 8,189 segments: beyond that (a CJK book) format 4 keeps the
    // first 8,000 characters and format 12, which reading systems prefer, maps every one.
    let bmp: Vec<(u16, u16)> = map.iter().filter(|(c, _)| **c < 0xFFFF).map(|(c, g)| (*c as u16, *g)).take(8000).collect();
    let seg_count = bmp.len() + 1;
    let mut f4 = Vec::new();
    let len4 = 16 + seg_count * 8;
    f4.extend_from_slice(&4u16.to_be_bytes());
    f4.extend_from_slice(&(len4 as u16).to_be_bytes());
    f4.extend_from_slice(&0u16.to_be_bytes());
    f4.extend_from_slice(&((seg_count * 2) as u16).to_be_bytes());
    let mut pow = 1usize;
    let mut log = 0u16;
    while pow * 2 <= seg_count {
        pow *= 2;
        log += 1;
    }
    f4.extend_from_slice(&((pow * 2) as u16).to_be_bytes());
    f4.extend_from_slice(&log.to_be_bytes());
    f4.extend_from_slice(&((seg_count * 2 - pow * 2) as u16).to_be_bytes());
    for (c, _) in &bmp {
        f4.extend_from_slice(&c.to_be_bytes());
    }
    f4.extend_from_slice(&0xFFFFu16.to_be_bytes());
    f4.extend_from_slice(&0u16.to_be_bytes()); // reservedPad
    for (c, _) in &bmp {
        f4.extend_from_slice(&c.to_be_bytes());
    }
    f4.extend_from_slice(&0xFFFFu16.to_be_bytes());
    for (c, g) in &bmp {
        f4.extend_from_slice(&(g.wrapping_sub(*c)).to_be_bytes());
    }
    f4.extend_from_slice(&1u16.to_be_bytes());
    for _ in 0..seg_count {
        f4.extend_from_slice(&0u16.to_be_bytes());
    }
    // Format 12.
    let mut f12 = Vec::new();
    f12.extend_from_slice(&12u16.to_be_bytes());
    f12.extend_from_slice(&0u16.to_be_bytes());
    f12.extend_from_slice(&((16 + map.len() * 12) as u32).to_be_bytes());
    f12.extend_from_slice(&0u32.to_be_bytes());
    f12.extend_from_slice(&(map.len() as u32).to_be_bytes());
    for (c, g) in map {
        f12.extend_from_slice(&c.to_be_bytes());
        f12.extend_from_slice(&c.to_be_bytes());
        f12.extend_from_slice(&u32::from(*g).to_be_bytes());
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&2u16.to_be_bytes());
    let off4 = 4 + 2 * 8;
    out.extend_from_slice(&[0, 3, 0, 1]);
    out.extend_from_slice(&(off4 as u32).to_be_bytes());
    out.extend_from_slice(&[0, 3, 0, 10]);
    out.extend_from_slice(&((off4 + f4.len()) as u32).to_be_bytes());
    out.extend_from_slice(&f4);
    out.extend_from_slice(&f12);
    out
}

/// A font's table directory: tag → (offset, length), every table inside the file; a
/// duplicated record counts once (the first, as for ttf-parser). The error says what is wrong.
pub(crate) fn table_directory(data: &[u8]) -> Result<BTreeMap<[u8; 4], (usize, usize)>, String> {
    let Some(n) = be16(data, 4) else { return Err("it is too short to be a font (truncated)".into()) };
    let mut map = BTreeMap::new();
    for i in 0..n as usize {
        let rec = 12 + i * 16;
        let (Some(tag), Some(off), Some(len)) = (data.get(rec..rec + 4), be32(data, rec + 8), be32(data, rec + 12)) else {
            return Err("its table directory is cut off (truncated)".into());
        };
        let (off, len) = (off as usize, len as usize);
        if off.checked_add(len).is_none_or(|end| end > data.len()) {
            return Err(format!("its `{}` table reaches past the end of the file (truncated)", String::from_utf8_lossy(tag)));
        }
        let tag: [u8; 4] = [tag[0], tag[1], tag[2], tag[3]];
        map.entry(tag).or_insert((off, len));
    }
    Ok(map)
}

fn table<'a>(data: &'a [u8], tables: &BTreeMap<[u8; 4], (usize, usize)>, tag: &[u8; 4]) -> Option<&'a [u8]> {
    let (off, len) = tables.get(tag)?;
    data.get(*off..*off + *len)
}

fn checksum(d: &[u8]) -> u32 {
    let mut sum = 0u32;
    for chunk in d.chunks(4) {
        let mut b = [0u8; 4];
        b[..chunk.len()].copy_from_slice(chunk);
        sum = sum.wrapping_add(u32::from_be_bytes(b));
    }
    sum
}

fn write_font(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len();
    let mut pow = 1usize;
    let mut log = 0u16;
    while pow * 2 <= n {
        pow *= 2;
        log += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&((pow * 16) as u16).to_be_bytes());
    out.extend_from_slice(&log.to_be_bytes());
    out.extend_from_slice(&((n * 16 - pow * 16) as u16).to_be_bytes());
    let mut offset = 12 + n * 16;
    let mut head_offset = None;
    for (tag, d) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(d).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(d.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_offset = Some(offset);
        }
        offset += d.len().div_ceil(4) * 4;
    }
    for (_, d) in tables {
        out.extend_from_slice(d);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(h) = head_offset {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[h + 8..h + 12].copy_from_slice(&adj.to_be_bytes());
    }
    out
}

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}
fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cmap_for_thousands_of_characters_stays_consistent() {
        // 10,000 BMP characters (a CJK book): the format 4 subtable must not overflow its
        // 16-bit length; format 12 maps all of them.
        let map: BTreeMap<u32, u16> = (0..10_000u32).map(|i| (0x4E00 + i, (i % 60_000) as u16 + 1)).collect();
        let cmap = build_cmap(&map);
        let sub = ttf_parser::cmap::Table::parse(&cmap).expect("cmap parses");
        let mut counts = Vec::new();
        for st in sub.subtables {
            let is4 = matches!(st.format, ttf_parser::cmap::Format::SegmentMappingToDeltaValues(_));
            counts.push((is4, (0..10_000u32).filter(|i| st.glyph_index(0x4E00 + i) == Some(GlyphId((i % 60_000) as u16 + 1))).count()));
        }
        assert!(counts.contains(&(true, 8000)), "{counts:?}");
        assert!(counts.contains(&(false, 10_000)), "{counts:?}");
    }

    #[test]
    fn subset_keeps_used_glyphs_and_ligatures_and_shrinks() {
        let data = crate::text::fonts::DEFAULT_REGULAR;
        let chars: BTreeSet<char> = "office Kennedy 1961".chars().collect();
        let sub = subset(data, &chars).expect("subset");
        assert!(sub.len() < data.len() / 2, "{} vs {}", sub.len(), data.len());
        let face = ttf_parser::Face::parse(&sub, 0).expect("subset parses");
        let orig = ttf_parser::Face::parse(data, 0).unwrap();
        assert_eq!(face.number_of_glyphs(), orig.number_of_glyphs());
        // used characters map and keep their outlines
        let g = face.glyph_index('K').expect("K mapped");
        assert!(face.glyph_bounding_box(g).is_some());
        // unused characters are gone
        assert!(face.glyph_index('Z').is_none());
        // shaping "ffi" with the subset still gives the ligature glyph with an outline
        let rb = rustybuzz::Face::from_slice(&sub, 0).unwrap();
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str("office");
        let out = rustybuzz::shape(&rb, &[], buf);
        assert!(out.len() < 6, "ligature formed");
        for info in out.glyph_infos() {
            assert!(face.glyph_bounding_box(GlyphId(info.glyph_id as u16)).is_some());
        }
    }
}
