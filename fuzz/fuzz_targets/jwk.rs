//! Private JWKs, pasted alone, as a one-key set, or inside an OAuth client file. No panic;
//! what `inspect` accepts, `for_import` hands WebCrypto in a form `inspect` accepts again with
//! the same algorithm; `Debug` never prints the private part.
#![no_main]

use cas_core::jwk::{self, Jwk, JwkError, JwkInfo};
use cas_core::wire::OAuthClientFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    check(jwk::inspect(text));
    if let Ok(file) = serde_json::from_str::<OAuthClientFile>(text) {
        check(jwk::inspect_value(file.jwk));
    }
    if let Ok(value) = serde_json::from_str(text) {
        check(jwk::inspect_value(value));
    }
});

fn check(result: Result<(Jwk, JwkInfo), JwkError>) {
    match result {
        Ok((key, info)) => {
            let again = jwk::inspect(&key.for_import());
            assert_eq!(again.map(|(_, i)| i), Ok(info), "for_import gives back what inspect accepted");
            let shown = format!("{key:?}");
            if let Some(d) = key.d.as_deref().filter(|d| d.len() >= 12) {
                let named = [Some(key.kty.as_str()), key.kid.as_deref(), key.crv.as_deref()];
                if !named.iter().flatten().any(|n| n.contains(d)) {
                    assert!(!shown.contains(d), "Debug shows the private exponent");
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}
