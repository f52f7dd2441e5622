//! Deterministic identifiers (UUID v5) and content hashes (SHA-256), never random.

/// UUID v5 (SHA-1, RFC 9562) of `name` in the URL namespace.
pub fn uuid_v5_url(name: &str) -> String {
    // The RFC's URL namespace: 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
    const NS_URL: [u8; 16] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];
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

/// SHA-256 (FIPS 180-4) of `data`, as 64 lowercase hex digits.
pub fn sha256_hex(data: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(data);
    h.hex()
}

/// An incremental SHA-256 (the `sha2` crate), finished as lowercase hex.
#[derive(Default)]
pub struct Sha256(sha2::Sha256);

impl Sha256 {
    pub fn new() -> Sha256 {
        Sha256::default()
    }

    pub fn update(&mut self, data: &[u8]) {
        use sha2::Digest;
        self.0.update(data);
    }

    pub fn hex(self) -> String {
        use sha2::Digest;
        self.0.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod sha_tests {
    #[test]
    fn sha256_matches_fips_vectors() {
        assert_eq!(super::sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(super::sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            super::sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let big = vec![b'a'; 1_000_000];
        assert_eq!(super::sha256_hex(&big), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
}
