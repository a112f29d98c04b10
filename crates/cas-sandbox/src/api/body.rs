//! Request bodies: the size limit and JSON.

use crate::app::app_error;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Response};
use http_body_util::BodyExt;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

pub const BODY_LIMIT: usize = 1024 * 1024;
/// A body larger than the limit is read (and dropped) up to this much, so the client gets to
/// read the 413 rather than a reset connection.
const DRAIN_LIMIT: usize = 16 * BODY_LIMIT;

/// The body, up to `BODY_LIMIT`; `Err` when it is larger (or the connection broke).
pub async fn read(headers: &HeaderMap, body: Body) -> Result<Bytes, ()> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return Err(());
    }
    let mut body = body;
    let mut buf: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return Err(()) };
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen > DRAIN_LIMIT {
                return Err(());
            }
            if seen <= BODY_LIMIT {
                buf.extend_from_slice(&data);
            }
        }
    }
    if seen > BODY_LIMIT {
        return Err(());
    }
    Ok(Bytes::from(buf))
}

pub fn too_large() -> Response<Body> {
    app_error(413, "The request body is too large (at most 1 MiB).")
}

pub fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// Why a body is not taken as JSON.
#[derive(Debug, PartialEq)]
pub enum JsonError {
    /// Not JSON at all (invalid syntax or UTF-8, trailing bytes, too deep).
    Malformed,
    /// An object has this key more than once: JSON whose meaning RFC 8259 leaves open, which
    /// serde_json alone would read last-wins.
    Duplicate(String),
}

/// serde_json parses; this seed builds the same `Value` and refuses a repeated key.
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(DuplicateKey(key)));
            }
            let v = map.next_value_seed(Strict)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

struct DuplicateKey(String);

impl fmt::Display for DuplicateKey {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{DUPLICATE}{}", self.0)
    }
}

const DUPLICATE: &str = "duplicate key: ";

/// The whole of `bytes` as one JSON value, refusing repeated keys.
pub fn strict(bytes: &[u8]) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| {
        // Only our own error is a data error here; serde_json reports everything else as syntax.
        let text = e.to_string();
        match (e.classify(), text.strip_prefix(DUPLICATE)) {
            (serde_json::error::Category::Data, Some(rest)) => {
                Some(rest.rsplit_once(" at line ").map_or(rest, |(k, _)| k).to_string()).map_or(JsonError::Malformed, JsonError::Duplicate)
            }
            _ => JsonError::Malformed,
        }
    })
}

/// The 400 for a repeated key.
pub fn duplicate(key: &str) -> Response<Body> {
    app_error(400, format!("The property {key} appears more than once in the request body."))
}

/// `Ok(None)`: no body. `Err`: a body that is not JSON (415) or repeats a key (400).
pub fn parse_json(bytes: &[u8]) -> Result<Option<Value>, Box<Response<Body>>> {
    if is_blank(bytes) {
        return Ok(None);
    }
    match strict(bytes) {
        Ok(v) => Ok(Some(v)),
        Err(JsonError::Duplicate(key)) => Err(Box::new(duplicate(&key))),
        Err(JsonError::Malformed) => Err(Box::new(app_error(415, "Unsupported media type: the request body must be JSON."))),
    }
}

/// The body as a JSON object; `missing` is the 400's description when there is no body.
pub fn object(v: Option<Value>, missing: &str) -> Result<serde_json::Map<String, Value>, Box<Response<Body>>> {
    match v {
        None => Err(Box::new(app_error(400, missing))),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(Box::new(app_error(400, "The request body must be a JSON object."))),
    }
}

/// Early return of an error answer from a `Result<_, Box<Response>>`.
macro_rules! try_resp {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return *r,
        }
    };
}
pub(crate) use try_resp;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_json_is_serde_json_without_repeated_keys() {
        for text in [r#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}]}"#, "[]", "\"\\u00e9\"", "1e300"] {
            assert_eq!(strict(text.as_bytes()), Ok(serde_json::from_str::<Value>(text).unwrap()), "{text}");
        }
        assert_eq!(strict(br#"{"a":1,"a":2}"#), Err(JsonError::Duplicate("a".into())));
        assert_eq!(strict(br#"{"x":{"a b":1,"a b":2}}"#), Err(JsonError::Duplicate("a b".into())));
        assert_eq!(strict(br#"[{"a":1},{"a":1}]"#).map(|_| ()), Ok(()));
        for bad in [&b"{"[..], b"{}x", b"\xff", b"{\"a\":\xc3}", "[".repeat(200).as_bytes()] {
            assert_eq!(strict(bad), Err(JsonError::Malformed));
        }
    }
}
