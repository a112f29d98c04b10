//! Legacy Administration API key files: parse, check, and turn the PKCS#1 key into the PKCS#8
//! DER that WebCrypto imports. Every way a file can be wrong has its own error and wording.

use crate::b64;
use crate::json::Json;
use std::fmt;

/// DER of the rsaEncryption OID 1.2.840.113549.1.1.1.
const RSA_OID: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// DER of the id-ecPublicKey OID 1.2.840.10045.2.1.
const EC_OID: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyFileError {
    NotJson,
    MissingField(&'static str),
    EmptyField(&'static str),
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

pub fn parse(text: &str) -> Result<KeyFile, KeyFileError> {
    let value = Json::parse(text.trim_start_matches('\u{feff}')).ok_or(KeyFileError::NotJson)?;
    value.as_object().ok_or(KeyFileError::NotJson)?;
    let mut fields = [""; 4];
    for (slot, name) in fields.iter_mut().zip(["customerName", "accessID", "accessKey", "adminRestApiUrl"]) {
        match value.get(name) {
            Some(Json::Str(s)) if s.trim().is_empty() => return Err(KeyFileError::EmptyField(name)),
            Some(Json::Str(s)) => *slot = s,
            _ => return Err(KeyFileError::MissingField(name)),
        }
    }
    let [customer_name, access_id, access_key, admin_rest_api_url] = fields;
    if host_of(admin_rest_api_url).is_none() {
        return Err(KeyFileError::BadUrl);
    }
    let pkcs8_der = rsa_private_key_to_pkcs8(access_key)?;
    Ok(KeyFile {
        customer_name: customer_name.trim().to_string(),
        access_id: access_id.trim().to_string(),
        description: value.get("description").and_then(Json::as_str).unwrap_or_default().to_string(),
        admin_rest_api_url: admin_rest_api_url.trim().to_string(),
        pkcs8_der,
    })
}

/// A PEM block: its label and DER body.
#[derive(Clone, PartialEq, Eq)]
pub struct Pem {
    pub label: String,
    pub der: Vec<u8>,
}

/// Finds the first PEM block. Tolerates keys pasted with literal `\n` sequences and CRLF.
pub fn parse_pem(text: &str) -> Result<Pem, KeyFileError> {
    let text = text.replace("\\r\\n", "\n").replace("\\n", "\n").replace('\r', "");
    let start = text.find("-----BEGIN ").ok_or(KeyFileError::NotPem)?;
    let after = &text[start + "-----BEGIN ".len()..];
    let label_end = after.find("-----").ok_or(KeyFileError::NotPem)?;
    let label = after[..label_end].trim().to_string();
    let body_and_rest = &after[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_rest.find(&end_marker).ok_or(KeyFileError::NotPem)?;
    let body = &body_and_rest[..body_end];
    if body.contains("Proc-Type:") || body.contains("DEK-Info:") {
        return Err(KeyFileError::EncryptedKey);
    }
    let der = b64::decode(body).ok_or(KeyFileError::BadBase64)?;
    if der.is_empty() {
        return Err(KeyFileError::BadBase64);
    }
    Ok(Pem { label, der })
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

/// Sniffs a private key's DER structure.
pub fn classify_der(der: &[u8]) -> KeyKind {
    let Some((0x30, body, _)) = read_tlv(der) else { return KeyKind::Unknown };
    let Some((0x02, version, rest)) = read_tlv(body) else { return KeyKind::Unknown };
    match read_tlv(rest) {
        Some((0x30, alg, _)) if alg.starts_with(RSA_OID) => KeyKind::Pkcs8Rsa,
        Some((0x30, alg, _)) if alg.starts_with(EC_OID) => KeyKind::Pkcs8Ec,
        Some((0x02, _, _)) if version == [0] || version == [1] => KeyKind::Pkcs1Rsa,
        Some((0x04, _, _)) if version == [1] => KeyKind::Sec1Ec,
        _ => KeyKind::Unknown,
    }
}

/// Turns the accessKey PEM into PKCS#8 DER. PKCS#1 is what RSA issues; PKCS#8 is accepted.
pub fn rsa_private_key_to_pkcs8(pem_text: &str) -> Result<Vec<u8>, KeyFileError> {
    let pem = parse_pem(pem_text)?;
    let kind = classify_der(&pem.der);
    match (pem.label.as_str(), kind) {
        ("RSA PRIVATE KEY", KeyKind::Pkcs1Rsa) => Ok(wrap_pkcs1(&pem.der)),
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
pub fn wrap_pkcs1(pkcs1: &[u8]) -> Vec<u8> {
    let mut alg = Vec::with_capacity(RSA_OID.len() + 4);
    alg.extend_from_slice(RSA_OID);
    alg.extend_from_slice(&[0x05, 0x00]);
    let mut inner = Vec::with_capacity(pkcs1.len() + 32);
    inner.extend_from_slice(&[0x02, 0x01, 0x00]);
    inner.extend(tlv(0x30, &alg));
    inner.extend(tlv(0x04, pkcs1));
    tlv(0x30, &inner)
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// One DER tag-length-value: (tag, content, what follows).
fn read_tlv(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *data.first()?;
    let first = *data.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *data.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let content = data.get(header..end)?;
    Some((tag, content, &data[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn pkcs1_key_file_becomes_pkcs8() {
        let kf = parse(&key_file(PKCS1)).unwrap();
        assert_eq!(classify_der(&kf.pkcs8_der), KeyKind::Pkcs8Rsa);
        assert_eq!(kf.audience(), "https://example.access.securid.com/AdminInterface/restapi");
        assert_eq!(kf.tenant(), "example.access.securid.com");
        assert!(!format!("{kf:?}").contains("MIIB"));
        // The PKCS#8 wrapping of the same key, labelled as such, is accepted as is.
        let pem8 = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", b64::encode(&kf.pkcs8_der));
        assert_eq!(parse(&key_file(&pem8)).unwrap().pkcs8_der, kf.pkcs8_der);
    }

    #[test]
    fn literal_backslash_n_is_tolerated() {
        let flattened = PKCS1.replace('\n', "\\n");
        assert!(parse(&key_file(&flattened)).is_ok());
    }

    #[test]
    fn every_broken_file_says_what_is_wrong() {
        assert_eq!(parse("not json"), Err(KeyFileError::NotJson));
        assert_eq!(parse(r#"{"customerName":"x"}"#), Err(KeyFileError::MissingField("accessID")));
        assert_eq!(parse(&key_file("")), Err(KeyFileError::EmptyField("accessKey")));
        assert_eq!(parse(&key_file("hello")), Err(KeyFileError::NotPem));
        let ec = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----";
        assert_eq!(parse(&key_file(ec)), Err(KeyFileError::EcKey));
        let pkcs1_der = parse_pem(PKCS1).unwrap().der;
        let mislabelled = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----", b64::encode(&pkcs1_der));
        assert!(matches!(parse(&key_file(&mislabelled)), Err(KeyFileError::LabelMismatch { .. })));
        let wrapped = wrap_pkcs1(&pkcs1_der);
        let mislabelled = format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", b64::encode(&wrapped));
        assert!(matches!(parse(&key_file(&mislabelled)), Err(KeyFileError::LabelMismatch { .. })));
        let public = "-----BEGIN PUBLIC KEY-----\nMFwwDQ==\n-----END PUBLIC KEY-----";
        assert_eq!(parse(&key_file(public)), Err(KeyFileError::PublicKey));
        let garbage = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(parse(&key_file(garbage)), Err(KeyFileError::NotRsaKey));
        let broken = "-----BEGIN RSA PRIVATE KEY-----\nA*A\n-----END RSA PRIVATE KEY-----";
        assert_eq!(parse(&key_file(broken)), Err(KeyFileError::BadBase64));
        for e in [KeyFileError::NotJson, KeyFileError::EcKey, KeyFileError::MissingField("accessID")] {
            assert!(e.to_string().len() > 30, "{e}");
        }
    }

    #[test]
    fn base_url_normalisation() {
        assert_eq!(normalize_base_url("https://a/AdminInterface/restapi/"), "https://a/AdminInterface/restapi");
        assert_eq!(normalize_base_url("https://a/AdminInterface/restapi/v1/"), "https://a/AdminInterface/restapi");
        assert_eq!(host_of("http://127.0.0.1:9/x"), Some("127.0.0.1:9".into()));
        assert_eq!(host_of("ftp://x"), None);
    }
}
