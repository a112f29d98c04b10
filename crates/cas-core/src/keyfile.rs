//! Legacy Administration API key files: parse, check, and turn the PKCS#1 key into the PKCS#8
//! DER that WebCrypto imports. Every way a file can be wrong has its own error and wording.
//!
//! The file is read through `wire::KeyFileJson`, the type the sandbox writes key files with;
//! PEM, PKCS#1, PKCS#8 and SEC1 through RustCrypto's crates.

use crate::wire::KeyFileJson;
use der::{Decode, Encode};
use serde_json::{Map, Value};
use std::fmt;

/// A key file far larger than any real one (about 2 KB) is refused before it is parsed.
pub const MAX_KEY_FILE_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyFileError {
    TooLarge,
    NotJson,
    MissingField(String),
    EmptyField(String),
    NotPem,
    EncryptedKey,
    PublicKey,
    EcKey,
    UnknownPemLabel(String),
    BadBase64,
    /// Labelled PKCS#1 (`RSA PRIVATE KEY`) but holds PKCS#8, or the other way round.
    LabelMismatch { label: &'static str, content: &'static str },
    NotRsaKey,
    BadUrl,
}

impl fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyFileError::TooLarge => write!(f, "This file is far larger than a key file ({} KB at most). Choose the .key file downloaded from the Cloud Administration Console.", MAX_KEY_FILE_BYTES / 1024),
            KeyFileError::NotJson => write!(f, "This file is not a key file: it is not JSON. Choose the .key file downloaded from the Cloud Administration Console (My Account > Company Settings > Administration API)."),
            KeyFileError::MissingField(name) => write!(f, "The key file has no \"{name}\" field. It may be cut short or edited; download the key again."),
            KeyFileError::EmptyField(name) => write!(f, "The key file's \"{name}\" field is empty. Download the key again."),
            KeyFileError::NotPem => write!(f, "The key file's accessKey is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- line). Download the key again."),
            KeyFileError::EncryptedKey => write!(f, "The private key is encrypted with a passphrase. The console needs the unencrypted key exactly as RSA issues it."),
            KeyFileError::PublicKey => write!(f, "The accessKey holds a public key; signing needs the private key. Use the .key file RSA issued."),
            KeyFileError::EcKey => write!(f, "The accessKey is an EC key. Legacy Administration API keys are RSA keys; an EC key belongs to an OAuth API client: connect with \"OAuth client\" instead."),
            KeyFileError::UnknownPemLabel(label) => write!(f, "The accessKey is a PEM block labelled \"{label}\", not an RSA private key."),
            KeyFileError::BadBase64 => write!(f, "The private key's body is damaged (not valid base64). Download the key again."),
            KeyFileError::LabelMismatch { label, content } => write!(f, "The private key is labelled {label} but its content is {content}. The file was probably edited by hand; download the key again or fix the BEGIN/END lines."),
            KeyFileError::NotRsaKey => write!(f, "The accessKey is not a valid RSA private key. Download the key again."),
            KeyFileError::BadUrl => write!(f, "The key file's adminRestApiUrl is not an https:// or http:// address."),
        }
    }
}

impl std::error::Error for KeyFileError {}

/// A checked key file. The key bytes never appear in `Debug`.
#[derive(Clone, PartialEq)]
pub struct KeyFile {
    pub customer_name: String,
    pub access_id: String,
    pub description: String,
    pub admin_rest_api_url: String,
    /// PKCS#8 DER, ready for `SubtleCrypto.importKey("pkcs8", ...)`.
    pub pkcs8_der: Vec<u8>,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile")
            .field("customer_name", &self.customer_name)
            .field("access_id", &self.access_id)
            .field("admin_rest_api_url", &self.admin_rest_api_url)
            .finish_non_exhaustive()
    }
}

impl KeyFile {
    /// The `aud` a legacy JWT carries: the admin REST base URL, without a trailing `/v1` or `/`.
    pub fn audience(&self) -> String {
        normalize_base_url(&self.admin_rest_api_url)
    }

    /// The tenant's host, for "connected to ...".
    pub fn tenant(&self) -> String {
        host_of(&self.admin_rest_api_url).unwrap_or_else(|| self.customer_name.clone())
    }
}

/// `https://t.example/AdminInterface/restapi/v1/` → `https://t.example/AdminInterface/restapi`.
pub fn normalize_base_url(url: &str) -> String {
    let mut s = url.trim().trim_end_matches('/');
    if let Some(stripped) = s.strip_suffix("/v1") {
        s = stripped;
    }
    s.trim_end_matches('/').to_string()
}

/// The host part of an http(s) URL.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("https://").or_else(|| url.trim().strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_string())
}

/// The members every key file has, by their wire names as `KeyFileJson` writes them (so the
/// names live in one place: the type).
fn required_members() -> Vec<String> {
    let blank = KeyFileJson {
        customer_name: String::new(),
        access_id: String::new(),
        description: String::new(),
        access_key: String::new(),
        admin_rest_api_url: String::new(),
    };
    match serde_json::to_value(blank) {
        Ok(Value::Object(m)) => m.into_iter().map(|(k, _)| k).filter(|k| k != "description").collect(),
        _ => Vec::new(),
    }
}

/// Says which required member is missing or empty, in the type's order.
fn check_members(object: &Map<String, Value>) -> Result<(), KeyFileError> {
    for name in required_members() {
        match object.get(&name) {
            Some(Value::String(s)) if s.trim().is_empty() => return Err(KeyFileError::EmptyField(name)),
            Some(Value::String(_)) => {}
            _ => return Err(KeyFileError::MissingField(name)),
        }
    }
    Ok(())
}

pub fn parse(text: &str) -> Result<KeyFile, KeyFileError> {
    if text.len() > MAX_KEY_FILE_BYTES {
        return Err(KeyFileError::TooLarge);
    }
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|_| KeyFileError::NotJson)?;
    let Value::Object(object) = value else { return Err(KeyFileError::NotJson) };
    check_members(&object)?;
    let file: KeyFileJson = serde_json::from_value(Value::Object(object)).map_err(|_| KeyFileError::NotJson)?;
    if host_of(&file.admin_rest_api_url).is_none() {
        return Err(KeyFileError::BadUrl);
    }
    let pkcs8_der = rsa_private_key_to_pkcs8(&file.access_key)?;
    Ok(KeyFile {
        customer_name: file.customer_name.trim().to_string(),
        access_id: file.access_id.trim().to_string(),
        description: file.description,
        admin_rest_api_url: file.admin_rest_api_url.trim().to_string(),
        pkcs8_der,
    })
}

/// A PEM block: its label and DER body.
#[derive(Clone, PartialEq, Eq)]
pub struct Pem {
    pub label: String,
    pub der: Vec<u8>,
}

/// Reads the first PEM block. Keys pasted with literal `\n` sequences (a key file's JSON
/// escaped once too often) are read too; anything before the BEGIN line is ignored.
pub fn parse_pem(text: &str) -> Result<Pem, KeyFileError> {
    let text = text.replace("\\r\\n", "\n").replace("\\n", "\n");
    let start = text.find("-----BEGIN ").ok_or(KeyFileError::NotPem)?;
    let block = text[start..].trim_end();
    // pem-rfc7468 reads exactly one block with nothing after it.
    let end = block.find("-----END ").and_then(|e| block[e + 9..].find("-----").map(|f| e + 9 + f + 5)).ok_or(KeyFileError::NotPem)?;
    let block = &block[..end];
    if block.contains("Proc-Type:") || block.contains("DEK-Info:") {
        return Err(KeyFileError::EncryptedKey);
    }
    match pem_rfc7468::decode_vec(block.as_bytes()) {
        Ok((_, der)) if der.is_empty() => Err(KeyFileError::BadBase64),
        Ok((label, der)) => Ok(Pem { label: label.to_string(), der }),
        Err(pem_rfc7468::Error::HeaderDisallowed) => Err(KeyFileError::EncryptedKey),
        Err(pem_rfc7468::Error::Base64(_) | pem_rfc7468::Error::Length | pem_rfc7468::Error::EncapsulatedText) => Err(KeyFileError::BadBase64),
        Err(_) => Err(KeyFileError::NotPem),
    }
}

/// What DER says it is, whatever the label claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Pkcs1Rsa,
    Pkcs8Rsa,
    Pkcs8Ec,
    Sec1Ec,
    Unknown,
}

/// id-ecPublicKey (RFC 5480).
const EC_OID: pkcs8::ObjectIdentifier = pkcs8::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// Sniffs a private key's DER structure.
pub fn classify_der(der: &[u8]) -> KeyKind {
    if pkcs1::RsaPrivateKey::from_der(der).is_ok() {
        return KeyKind::Pkcs1Rsa;
    }
    if let Ok(info) = pkcs8::PrivateKeyInfo::from_der(der) {
        return match info.algorithm.oid {
            pkcs1::ALGORITHM_OID if pkcs1::RsaPrivateKey::from_der(info.private_key).is_ok() => KeyKind::Pkcs8Rsa,
            EC_OID => KeyKind::Pkcs8Ec,
            _ => KeyKind::Unknown,
        };
    }
    if sec1::EcPrivateKey::from_der(der).is_ok() {
        return KeyKind::Sec1Ec;
    }
    KeyKind::Unknown
}

/// Turns the accessKey PEM into PKCS#8 DER. PKCS#1 is what RSA issues; PKCS#8 is accepted.
pub fn rsa_private_key_to_pkcs8(pem_text: &str) -> Result<Vec<u8>, KeyFileError> {
    let pem = parse_pem(pem_text)?;
    let kind = classify_der(&pem.der);
    match (pem.label.as_str(), kind) {
        ("RSA PRIVATE KEY", KeyKind::Pkcs1Rsa) => wrap_pkcs1(&pem.der),
        ("PRIVATE KEY", KeyKind::Pkcs8Rsa) => Ok(pem.der),
        ("RSA PRIVATE KEY", KeyKind::Pkcs8Rsa) => Err(KeyFileError::LabelMismatch { label: "PKCS#1 (BEGIN RSA PRIVATE KEY)", content: "PKCS#8" }),
        ("PRIVATE KEY", KeyKind::Pkcs1Rsa) => Err(KeyFileError::LabelMismatch { label: "PKCS#8 (BEGIN PRIVATE KEY)", content: "PKCS#1" }),
        ("EC PRIVATE KEY", _) | (_, KeyKind::Pkcs8Ec | KeyKind::Sec1Ec) => Err(KeyFileError::EcKey),
        ("ENCRYPTED PRIVATE KEY", _) => Err(KeyFileError::EncryptedKey),
        ("PUBLIC KEY" | "RSA PUBLIC KEY", _) => Err(KeyFileError::PublicKey),
        ("RSA PRIVATE KEY" | "PRIVATE KEY", _) => Err(KeyFileError::NotRsaKey),
        (other, _) => Err(KeyFileError::UnknownPemLabel(other.to_string())),
    }
}

/// PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey.
pub fn wrap_pkcs1(pkcs1_der: &[u8]) -> Result<Vec<u8>, KeyFileError> {
    pkcs8::PrivateKeyInfo::new(pkcs1::ALGORITHM_ID, pkcs1_der).to_der().map_err(|_| KeyFileError::NotRsaKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64ct::{Base64, Encoding};

    // A real 512-bit PKCS#1 key (too small for use; made for this test only).
    const PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIBOwIBAAJBANurLio67gQQ0hy+58gzWxj6a9rcZjbvQSOvA2j/+0i3ToNnUYdH
TuEEB1l8UPwpUsN8RAKgSWvm06PeiATRoD0CAwEAAQJAGrlfm2mh7UKynSaoghWl
XouQtYactNA0p4eyLYL+6iCRLFrJWBsaO5fxc08cmKZa8z3JM2F3YZRPoo/3wqTa
YQIhAO4owEn+Wj6ngAGT5rfZ/Zp1fdZe/DiGbibG4UGulyZ5AiEA7B/UyyR6ClOV
Aadia6TBzqo/6kdO03CCr6klqB6IZuUCIQCfX/P2UFlyDkNyStid9ippP/D7EUt2
RDfYiUTa4IxT+QIgQlcrJSwJcc9L5RwPJekzXooszPjd58ALp6jhYJu7fRUCIQDp
85EhLyaWu3zxzKzJfOnJ+ImYHb+EFjvhKO0HpA0IVw==
-----END RSA PRIVATE KEY-----
";

    fn key_file(access_key: &str) -> String {
        serde_json::json!({
            "customerName": "Example",
            "accessID": "4f8d2a32-1111-2222-3333-444455556666",
            "description": "help desk",
            "accessKey": access_key,
            "adminRestApiUrl": "https://example.access.securid.com/AdminInterface/restapi/v1"
        })
        .to_string()
    }

    /// PEM as OpenSSL writes it: 64-character lines.
    fn pem(label: &str, der: &[u8]) -> String {
        let body = Base64::encode_string(der);
        let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
        format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
    }

    #[test]
    fn pkcs1_key_file_becomes_pkcs8() {
        let kf = parse(&key_file(PKCS1)).unwrap();
        assert_eq!(classify_der(&kf.pkcs8_der), KeyKind::Pkcs8Rsa);
        assert_eq!(kf.audience(), "https://example.access.securid.com/AdminInterface/restapi");
        assert_eq!(kf.tenant(), "example.access.securid.com");
        assert!(!format!("{kf:?}").contains("MIIB"));
        // The PKCS#8 wrapping of the same key, labelled as such, is accepted as is.
        let pem8 = pem("PRIVATE KEY", &kf.pkcs8_der);
        assert_eq!(parse(&key_file(&pem8)).unwrap().pkcs8_der, kf.pkcs8_der);
    }

    #[test]
    fn literal_backslash_n_and_crlf_are_tolerated() {
        assert!(parse(&key_file(&PKCS1.replace('\n', "\\n"))).is_ok());
        assert!(parse(&key_file(&PKCS1.replace('\n', "\r\n"))).is_ok());
    }

    #[test]
    fn every_broken_file_says_what_is_wrong() {
        assert_eq!(parse("not json"), Err(KeyFileError::NotJson));
        assert_eq!(parse("[1]"), Err(KeyFileError::NotJson));
        assert_eq!(parse(r#"{"customerName":"x"}"#), Err(KeyFileError::MissingField("accessID".into())));
        assert_eq!(parse(r#"{"customerName":"x","accessID":7}"#), Err(KeyFileError::MissingField("accessID".into())));
        assert_eq!(parse(&key_file("")), Err(KeyFileError::EmptyField("accessKey".into())));
        assert_eq!(parse(&key_file("hello")), Err(KeyFileError::NotPem));
        let ec = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----";
        assert_eq!(parse(&key_file(ec)), Err(KeyFileError::EcKey));
        let pkcs1_der = parse_pem(PKCS1).unwrap().der;
        let mislabelled = pem("PRIVATE KEY", &pkcs1_der);
        assert!(matches!(parse(&key_file(&mislabelled)), Err(KeyFileError::LabelMismatch { .. })));
        let wrapped = wrap_pkcs1(&pkcs1_der).unwrap();
        let mislabelled = pem("RSA PRIVATE KEY", &wrapped);
        assert!(matches!(parse(&key_file(&mislabelled)), Err(KeyFileError::LabelMismatch { .. })));
        let public = "-----BEGIN PUBLIC KEY-----\nMFwwDQ==\n-----END PUBLIC KEY-----";
        assert_eq!(parse(&key_file(public)), Err(KeyFileError::PublicKey));
        let garbage = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(parse(&key_file(garbage)), Err(KeyFileError::NotRsaKey));
        let broken = "-----BEGIN RSA PRIVATE KEY-----\nA*A\n-----END RSA PRIVATE KEY-----";
        assert_eq!(parse(&key_file(broken)), Err(KeyFileError::BadBase64));
        let encrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(parse(&key_file(encrypted)), Err(KeyFileError::EncryptedKey));
        assert_eq!(parse(&" ".repeat(MAX_KEY_FILE_BYTES + 1)), Err(KeyFileError::TooLarge));
        let mut bad_url: Value = serde_json::from_str(&key_file(PKCS1)).unwrap();
        bad_url["adminRestApiUrl"] = "ftp://x".into();
        assert_eq!(parse(&bad_url.to_string()), Err(KeyFileError::BadUrl));
        for e in [KeyFileError::NotJson, KeyFileError::EcKey, KeyFileError::MissingField("accessID".into())] {
            assert!(e.to_string().len() > 30, "{e}");
        }
    }

    #[test]
    fn the_required_members_are_the_wire_types_own() {
        let mut names = required_members();
        names.sort();
        assert_eq!(names, ["accessID", "accessKey", "adminRestApiUrl", "customerName"]);
    }

    #[test]
    fn base_url_normalisation() {
        assert_eq!(normalize_base_url("https://a/AdminInterface/restapi/"), "https://a/AdminInterface/restapi");
        assert_eq!(normalize_base_url("https://a/AdminInterface/restapi/v1/"), "https://a/AdminInterface/restapi");
        assert_eq!(host_of("http://127.0.0.1:9/x"), Some("127.0.0.1:9".into()));
        assert_eq!(host_of("ftp://x"), None);
    }
}
