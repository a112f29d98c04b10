//! Pasted bearer tokens, read without trust (`jwt::token_facts`), and the JWTs the console
//! builds from what a key file or client file says. No panic; the claims a token carries are
//! the facts read from it.
#![no_main]

use base64ct::{Base64UrlUnpadded, Encoding};
use cas_core::jwt::{self, Alg};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The console's clock: seconds since the epoch, a real-world value.
const NOW: u64 = 1_780_000_000;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        facts(jwt::token_facts(text));
        let _ = jwt::legacy_signing_input(text, text, NOW);
        let _ = jwt::assertion_signing_input(text, text, Some(text), Alg::ES256, text, NOW);
    }
    // The bytes as the payload of a compact JWT.
    let token = format!("eyJhbGciOiJSUzI1NiJ9.{}.c2ln", Base64UrlUnpadded::encode_string(data));
    let f = jwt::token_facts(&token);
    // A claim given twice makes the payload unreadable (serde refuses repeated fields), so the
    // oracle reads it with the sandbox's parser, which refuses them too. `scp` is `scope`.
    if let Ok(Value::Object(claims)) = cas_sandbox::api::body::strict(data).map_err(|_| ()).and_then(|v| match v {
        Value::Object(m) if m.contains_key("scope") && m.contains_key("scp") => Err(()),
        v => Ok(v),
    }) {
        if let Some(exp) = claims.get("exp").and_then(Value::as_f64).filter(|e| *e >= 1.0) {
            assert_eq!(f.expires_at, Some(exp as u64));
        }
        if let Some(sub) = claims.get("sub").and_then(Value::as_str) {
            assert_eq!(f.subject.as_deref(), Some(sub));
        }
    }
    facts(f);
});

fn facts(f: jwt::TokenFacts) {
    if let Some(exp) = f.expires_at {
        assert!(!jwt::time_left(exp, NOW).is_empty());
        let _ = jwt::needs_renewal(exp, NOW);
    }
}
