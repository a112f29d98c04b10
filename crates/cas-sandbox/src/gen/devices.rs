//! Generated authenticators: RSA Authenticator apps with their device data, browser
//! authenticators, FIDO credentials, SecurID 700 and DS100 hardware tokens. The value sets
//! (device types, statuses) are the sandbox's: RSA documents none.

use crate::clock::{iso_ms, DAY_MS, HOUR_MS};
use crate::seeded::{self, Draw, Seeded};
use cas_core::helpdesk::{AppDevice, AuthenticatorsV2, FidoToken, SidToken};
use serde_json::Map;

const PHONES: [(&str, &str); 7] = [
    ("Pixel 8", "ANDROID"),
    ("Galaxy S24", "ANDROID"),
    ("Galaxy A54", "ANDROID"),
    ("iPhone 15", "IOS"),
    ("iPhone 13 mini", "IOS"),
    ("iPad Air", "IOS"),
    ("Surface Laptop 5", "WINDOWS"),
];
const BROWSERS: [(&str, &str); 4] = [
    ("Chrome on Windows 11", "Chrome 131"),
    ("Edge on Windows 11", "Edge 131"),
    ("Safari on macOS", "Safari 18"),
    ("Firefox on Ubuntu", "Firefox 133"),
];
const KEYS: [&str; 5] = ["YubiKey 5 NFC", "YubiKey 5C", "Windows Hello", "iCloud Keychain passkey", "Google Password Manager passkey"];
pub const ADMIN: &str = "helpdesk.admin@example.com";

fn serial(rng: &mut Seeded, prefix: &str, digits: usize) -> String {
    let n: String = (0..digits).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
    format!("{prefix}{n}")
}

/// A time between `from` and `to`.
fn between(rng: &mut Seeded, from: i64, to: i64) -> i64 {
    from + rng.below((to - from).max(1) as u64) as i64
}

pub fn app(rng: &mut Seeded, user_id: &str, registered: i64, anchor: i64) -> AppDevice {
    let (name, kind) = *rng.pick(&PHONES);
    let capabilities = if kind == "WINDOWS" { "Approve, Authenticate OTP, Windows Hello" } else { "Approve, Authenticate OTP, Device Biometrics" };
    AppDevice {
        id: seeded::uuid(rng),
        name: Some(name.into()),
        user_id: Some(user_id.into()),
        device_type: Some(kind.into()),
        registered_date: Some(iso_ms(registered)),
        capabilities: Some(capabilities.into()),
        browser: None,
        device_serial_number: Some(serial(rng, if kind == "IOS" { "F2L" } else { "R58" }, 9)),
        updated_at: Some(iso_ms(between(rng, registered.max(anchor - 30 * DAY_MS), anchor))),
        extra: Map::new(),
    }
}

pub fn browser(rng: &mut Seeded, user_id: &str, registered: i64, anchor: i64) -> AppDevice {
    let (name, browser) = *rng.pick(&BROWSERS);
    AppDevice {
        id: seeded::uuid(rng),
        name: Some(name.into()),
        user_id: Some(user_id.into()),
        device_type: Some("BROWSER".into()),
        registered_date: Some(iso_ms(registered)),
        capabilities: Some("Trusted Browser".into()),
        browser: Some(browser.into()),
        device_serial_number: None,
        updated_at: Some(iso_ms(between(rng, registered, anchor))),
        extra: Map::new(),
    }
}

pub fn fido(rng: &mut Seeded, user_id: &str, registered: i64, anchor: i64) -> FidoToken {
    FidoToken {
        id: seeded::uuid(rng),
        name: Some(rng.pick(&KEYS).to_string()),
        user_id: Some(user_id.into()),
        registered_date: Some(iso_ms(registered)),
        status: Some(if rng.chance(0.9) { "Enabled" } else { "Disabled" }.into()),
        updated_at: Some(iso_ms(between(rng, registered, anchor))),
        extra: Map::new(),
    }
}

/// A SecurID 700 (`ds100` false) or DS100 hardware token, assigned at `assigned`.
pub fn hardware(rng: &mut Seeded, user_id: &str, assigned: i64, anchor: i64, ds100: bool) -> SidToken {
    let enabled = rng.chance(0.9);
    let changed = between(rng, assigned, anchor);
    SidToken {
        id: seeded::uuid(rng),
        name: Some(if ds100 { "RSA DS100" } else { "SecurID 700" }.into()),
        user_id: Some(user_id.into()),
        token_serial_number: Some(serial(rng, "000", 9)),
        token_state: Some("ASSIGNED".into()),
        token_status: Some(if enabled { "ENABLED" } else { "DISABLED" }.into()),
        token_status_reason: (!enabled).then(|| "Lost".to_string()),
        token_status_changed_at: Some(iso_ms(changed)),
        token_status_changed_by: Some(ADMIN.into()),
        expiry_date: Some(iso_ms(anchor + (400 + rng.below(1000) as i64) * DAY_MS)),
        assigned_at: Some(iso_ms(assigned)),
        assigned_by: Some(ADMIN.into()),
        pin_set: Some(rng.chance(0.8)),
        updated_at: Some(iso_ms(changed)),
        extra: Map::new(),
    }
}

/// A generated user's authenticators: most have the app (some two), some a browser, FIDO
/// credentials or a hardware token, a few nothing at all.
pub fn random(rng: &mut Seeded, user_id: &str, created: i64, anchor: i64) -> AuthenticatorsV2 {
    let mut a = AuthenticatorsV2::default();
    let nothing = rng.chance(0.05);
    if nothing {
        return a;
    }
    let when = |rng: &mut Seeded| between(rng, created + HOUR_MS, anchor - HOUR_MS);
    if rng.chance(0.9) {
        let n = if rng.chance(0.15) { 2 } else { 1 };
        for _ in 0..n {
            let t = when(rng);
            a.devices.push(app(rng, user_id, t, anchor));
        }
    }
    if rng.chance(0.3) {
        let t = when(rng);
        a.devices.push(browser(rng, user_id, t, anchor));
    }
    if rng.chance(0.25) {
        let n = 1 + rng.below(2);
        for _ in 0..n {
            let t = when(rng);
            a.fido_tokens.push(fido(rng, user_id, t, anchor));
        }
    }
    if rng.chance(0.08) {
        let t = when(rng);
        a.sid_tokens.push(hardware(rng, user_id, t, anchor, false));
    }
    if rng.chance(0.04) {
        let t = when(rng);
        a.sid_tokens.push(hardware(rng, user_id, t, anchor, true));
    }
    a
}

/// The app devices a user signs in with: (name, id).
pub fn apps_of(a: &AuthenticatorsV2) -> Vec<(String, String)> {
    a.devices.iter().filter(|d| !d.is_browser()).map(|d| (d.name.clone().unwrap_or_default(), d.id.clone())).collect()
}
