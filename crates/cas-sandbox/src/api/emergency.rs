//! Emergency access codes (notes §6, §11.15–18): enable v1 and v2, disable (and its old plural
//! path). The code is made from the OS's randomness, answered once and never stored: the
//! sandbox keeps only its id and dates, as User Details shows them. Issuing or disabling a code
//! writes no user event (it is an administrator's action, logged with the admin events).

use super::body::{object, parse_json, try_resp};
use super::{save, user_index, UserId};
use crate::app::{app_error, json_value, respond, App};
use crate::clock::{iso_ms, now_ms, MINUTE_MS};
use crate::seeded;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::Response;
use cas_core::helpdesk::emergency::expiration_days;
use cas_core::helpdesk::{ConfigurationsUsed, EmergencyCode, EmergencyCodeV2, EmergencyTokencode, ExpiryUnit, Validity};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The tenant's emergency access code settings (RSA's Company Settings), shown and changed
/// through `/_sandbox/emergency-config`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyConfig {
    /// When true, the values a request sends are overridden by these.
    pub locked: bool,
    pub one_time_use: bool,
    pub expiry_unit: ExpiryUnit,
    pub expiry_value: u32,
}

impl Default for EmergencyConfig {
    fn default() -> Self {
        EmergencyConfig { locked: false, one_time_use: true, expiry_unit: ExpiryUnit::Days, expiry_value: 1 }
    }
}

impl EmergencyConfig {
    /// `POST /_sandbox/emergency-config`: absent keys stay; nothing changes if one is refused.
    pub fn changed(&self, obj: &Map<String, Value>) -> Result<EmergencyConfig, String> {
        let mut c = self.clone();
        for (k, v) in obj {
            match k.as_str() {
                "locked" => c.locked = v.as_bool().ok_or("locked must be true or false.")?,
                "oneTimeUse" => c.one_time_use = v.as_bool().ok_or("oneTimeUse must be true or false.")?,
                "expiryUnit" => c.expiry_unit = v.as_str().and_then(ExpiryUnit::parse).ok_or("expiryUnit must be days, hours or minutes.")?,
                "expiryValue" => c.expiry_value = v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or("expiryValue must be a whole number.")?,
                other => return Err(format!("Unknown setting {other}.")),
            }
        }
        Validity::new(c.expiry_unit, c.expiry_value).ok_or("The validity must be between 1 minute and 7 days.")?;
        Ok(c)
    }

    fn validity(&self) -> Validity {
        Validity::new(self.expiry_unit, self.expiry_value).unwrap_or(Validity { expiry_unit: ExpiryUnit::Days, expiry_value: 1 })
    }
}

fn bad(description: &str) -> Box<Response<Body>> {
    Box::new(app_error(400, description))
}

/// An 8-digit code (RSA documents no format).
fn new_code() -> EmergencyTokencode {
    let n: u32 = rand::rngs::OsRng.gen_range(0..100_000_000);
    EmergencyTokencode::new(format!("{n:08}"))
}

struct Issued {
    id: String,
    code: EmergencyTokencode,
    expires: String,
}

/// Issues a code for the user: a new id, the online and offline fields of User Details set
/// (the offline expiry defaults to the online one).
fn issue(app: &App, id: Option<&str>, validity: Validity) -> Result<Issued, Box<Response<Body>>> {
    let mut users = app.users_mut();
    let index = user_index(&users, id)?;
    let rec = &users.recs[index];
    let code_id = seeded::random_uuid();
    let expires = iso_ms(now_ms() + validity.minutes() as i64 * MINUTE_MS);
    let mut u = rec.user.clone();
    u.emergency_access_status = Some("Enabled".into());
    u.emergency_tokencode_id = Some(code_id.clone());
    u.emergency_tokencode_expiration = Some(expires.clone());
    u.emergency_tokencode_last_use = None;
    u.offline_emergency_access_status = Some("Enabled".into());
    u.offline_emergency_tokencode_expiration = Some(expires.clone());
    let changed = rec.with(u, rec.private.clone());
    save(app, &mut users, index, changed)?;
    Ok(Issued { id: code_id, code: new_code(), expires })
}

/// `PUT /v2/users/{id}/emergencyTokencode`: `oneTimeUse`, and `expiryUnit` with
/// `expiryValue`, all optional; the tenant's settings fill in, or override when locked.
pub async fn issue_v2(State(app): State<Arc<App>>, UserId(id): UserId, body: Bytes) -> Response<Body> {
    let obj = match try_resp!(parse_json(&body)) {
        None => Map::new(),
        v => try_resp!(object(v, "")),
    };
    if obj.keys().any(|k| !matches!(k.as_str(), "oneTimeUse" | "expiryUnit" | "expiryValue")) {
        return app_error(400, "Wrong number of properties in the request body.");
    }
    let one_time_use = match obj.get("oneTimeUse") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return *bad("oneTimeUse must be true or false."),
    };
    let unit = obj.get("expiryUnit").filter(|v| !v.is_null());
    let value = obj.get("expiryValue").filter(|v| !v.is_null());
    let validity = match (unit, value) {
        (None, None) => None,
        (Some(u), Some(v)) => {
            let Some(unit) = u.as_str().and_then(ExpiryUnit::parse) else { return *bad("expiryUnit must be days, hours or minutes.") };
            let Some(value) = v.as_u64() else { return *bad("expiryValue must be a whole number.") };
            match u32::try_from(value).ok().and_then(|v| Validity::new(unit, v)) {
                Some(ok) => Some(ok),
                None => return *bad("The code's validity period must be set between 1 minute and 7 days."),
            }
        }
        _ => return *bad("expiryUnit and expiryValue must be sent together."),
    };
    let config = app.emergency_config();
    let (validity, one_time_use) = if config.locked {
        (config.validity(), config.one_time_use)
    } else {
        (validity.unwrap_or_else(|| config.validity()), one_time_use.unwrap_or(config.one_time_use))
    };
    let issued = try_resp!(issue(&app, id.as_deref(), validity));
    json_value(
        200,
        &EmergencyCodeV2 {
            emergency_tokencode_id: Some(issued.id),
            emergency_tokencode: issued.code,
            expiration_date: Some(issued.expires.clone()),
            offline_expiration_date: Some(issued.expires),
            configurations_used: Some(ConfigurationsUsed {
                expiry_value: Some(validity.expiry_value.to_string()),
                expiry_unit: Some(validity.expiry_unit.as_str().to_string()),
                one_time_use: Some(one_time_use),
                extra: Map::new(),
            }),
            one_time_use: Some(one_time_use),
            configurations_locked: Some(config.locked),
            extra: Map::new(),
        },
    )
}

/// `PUT /v1/users/{id}/emergencyTokencode`: `{"expirationDays": "1".."7"}` (a string as in
/// the page's example, or a number).
pub async fn issue_v1(State(app): State<Arc<App>>, UserId(id): UserId, body: Bytes) -> Response<Body> {
    let obj = try_resp!(object(try_resp!(parse_json(&body)), "expirationDays not provided in the request body."));
    if obj.len() != 1 {
        return app_error(400, "Wrong number of properties in the request body.");
    }
    let days = match obj.get("expirationDays") {
        None | Some(Value::Null) => return app_error(400, "expirationDays not provided in the request body."),
        Some(v) => match expiration_days(v) {
            Some(d) => d,
            None => return app_error(400, "expirationDays must be from 1 to 7."),
        },
    };
    let config = app.emergency_config();
    let validity = if config.locked { config.validity() } else { Validity { expiry_unit: ExpiryUnit::Days, expiry_value: u32::from(days) } };
    let issued = try_resp!(issue(&app, id.as_deref(), validity));
    json_value(
        200,
        &EmergencyCode {
            emergency_tokencode_id: Some(issued.id),
            emergency_tokencode: issued.code,
            expiration_date: Some(issued.expires.clone()),
            offline_expiration_date: Some(issued.expires),
            extra: Map::new(),
        },
    )
}

/// `DELETE /v1/users/{id}/emergencyTokencode/{eacId}` (and `.../emergencyTokencodes`): every
/// code of a known user goes, whatever `eacId` says; the offline code stays until it expires.
/// 200 with an empty body.
pub async fn disable(State(app): State<Arc<App>>, UserId(id): UserId) -> Response<Body> {
    let mut users = app.users_mut();
    let index = try_resp!(user_index(&users, id.as_deref()));
    let rec = &users.recs[index];
    let mut u = rec.user.clone();
    u.emergency_access_status = Some("Disabled".into());
    u.emergency_tokencode_id = None;
    u.emergency_tokencode_expiration = None;
    u.emergency_tokencode_last_use = None;
    if u != rec.user {
        let changed = rec.with(u, rec.private.clone());
        try_resp!(save(&app, &mut users, index, changed));
    }
    respond(200, None, Body::empty())
}
