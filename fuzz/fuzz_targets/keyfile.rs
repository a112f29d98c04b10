//! Legacy key files: the JSON, the PEM block, the DER inside it, and the PKCS#1 → PKCS#8
//! wrapping. No panic; what `parse` accepts is a PKCS#8 RSA key WebCrypto can import; no error
//! quotes the key.
#![no_main]

use cas_core::keyfile::{self, KeyFile, KeyFileError, KeyKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keyfile::classify_der(data);
    if let Ok(der) = keyfile::wrap_pkcs1(data) {
        assert!(!der.is_empty());
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    check(text, keyfile::parse(text));
    let _ = keyfile::parse_pem(text);
    if let Ok(der) = keyfile::rsa_private_key_to_pkcs8(text) {
        assert_eq!(keyfile::classify_der(&der), KeyKind::Pkcs8Rsa);
    }
    let _ = keyfile::host_of(text);
    let _ = keyfile::normalize_base_url(text);
    // The same text as the accessKey of an otherwise well-formed file, so the PEM and DER
    // paths are reached without the fuzzer having to write the JSON around them.
    let file = serde_json::json!({
        "customerName": "Fuzz",
        "accessID": "4f8d2a32-1111-2222-3333-444455556666",
        "description": "",
        "accessKey": text,
        "adminRestApiUrl": "https://fuzz.access.securid.com/AdminInterface/restapi/v1",
    });
    check(text, keyfile::parse(&file.to_string()));
});

fn check(key: &str, result: Result<KeyFile, KeyFileError>) {
    match result {
        Ok(kf) => {
            assert_eq!(keyfile::classify_der(&kf.pkcs8_der), KeyKind::Pkcs8Rsa);
            assert!(keyfile::host_of(&kf.admin_rest_api_url).is_some());
            assert!(!kf.audience().ends_with('/'));
        }
        Err(e) => {
            let words = e.to_string();
            assert!(!words.is_empty());
            // A line of key material (a base64 line of the body) never reaches an error
            // message; the PEM label may be named.
            let label = match &e {
                KeyFileError::UnknownPemLabel(l) => l.as_str(),
                _ => "",
            };
            let base64 = |l: &&str| l.len() >= 16 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b));
            for line in key.lines().map(str::trim).filter(base64).filter(|l| !label.contains(*l)) {
                assert!(!words.contains(line), "{e:?} quotes a line of the key");
            }
        }
    }
}
