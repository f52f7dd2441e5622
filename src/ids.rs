//! Deterministic identifiers (UUID v5), never random.

/// UUID v5 (SHA-1, RFC 9562) of `name` in the URL namespace.
pub fn uuid_v5_url(name: &str) -> String {
    // The RFC's URL namespace: 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
    const NS_URL: [u8; 16] = [
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
    ];
    let mut h = sha1_smol::Sha1::new();
    h.update(&NS_URL);
    h.update(name.as_bytes());
    let mut b: [u8; 16] = h.digest().bytes()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuid_v5_matches_rfc_example() {
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, "https://www.python.org")
        assert_eq!(super::uuid_v5_url("https://www.python.org"), "30709ed8-a35e-547c-8ef0-c6bf5e229681");
    }
}
