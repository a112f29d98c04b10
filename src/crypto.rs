//! WebCrypto glue: import a private key once (non-extractable) and sign JWTs with it.
//! Keys stay inside the browser's crypto store; the console only holds the handle.

use cas_core::jwt::Alg;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKey;

/// A private key ready to sign, and the algorithm it signs with.
#[derive(Clone)]
pub struct Signer {
    key: CryptoKey,
    pub alg: Alg,
    /// The JWK's key id, sent in assertion headers.
    pub kid: Option<String>,
}

fn subtle() -> Result<web_sys::SubtleCrypto, String> {
    let window = web_sys::window().ok_or("no window")?;
    let crypto = window.crypto().map_err(|_| "WebCrypto is not available in this browser")?;
    Ok(crypto.subtle())
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let obj = Object::new();
    for (k, v) in pairs {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&obj, &JsValue::from_str(k), v);
    }
    obj
}

fn algorithm(alg: Alg) -> Object {
    match alg {
        Alg::RS256 => object(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", "SHA-256".into())]),
        Alg::ES256 => object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into()), ("hash", "SHA-256".into())]),
    }
}

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown WebCrypto error".into())
}

fn usages() -> Array {
    Array::of1(&JsValue::from_str("sign"))
}

/// Imports PKCS#8 DER (what `cas_core::keyfile` produces) as an RS256 signing key.
pub async fn import_pkcs8(der: &[u8]) -> Result<Signer, String> {
    let data = Uint8Array::from(der);
    let promise = subtle()?
        .import_key_with_object("pkcs8", &data.buffer(), &algorithm(Alg::RS256), false, &usages())
        .map_err(js_error)?;
    let key = JsFuture::from(promise).await.map_err(js_error)?;
    Ok(Signer { key: key.unchecked_into(), alg: Alg::RS256, kid: None })
}

/// Imports a private JWK (checked by `cas_core::jwk::inspect`).
pub async fn import_jwk(jwk: &cas_core::jwk::Jwk, alg: Alg, kid: Option<String>) -> Result<Signer, String> {
    let data: Object = js_sys::JSON::parse(&jwk.for_import()).map_err(js_error)?.unchecked_into();
    let promise = subtle()?
        .import_key_with_object("jwk", &data, &algorithm(alg), false, &usages())
        .map_err(js_error)?;
    let key = JsFuture::from(promise).await.map_err(js_error)?;
    Ok(Signer { key: key.unchecked_into(), alg, kid })
}

impl Signer {
    /// Signs a JWT signing input and returns the compact JWT.
    pub async fn sign_jwt(&self, signing_input: &str) -> Result<String, String> {
        let promise = subtle()?
            .sign_with_object_and_u8_array(&algorithm(self.alg), &self.key, signing_input.as_bytes())
            .map_err(js_error)?;
        let sig = JsFuture::from(promise).await.map_err(js_error)?;
        let sig = Uint8Array::new(&sig).to_vec();
        Ok(cas_core::jwt::assemble(signing_input, &sig))
    }
}

/// A fresh random identifier for a JWT's `jti`.
pub fn random_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        // Every browser that runs this console has randomUUID; the fallback only keeps jti unique.
        .unwrap_or_else(|| js_sys::Date::now().to_bits().to_string())
}
