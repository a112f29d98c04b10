//! Sign-in histories: the events a user's generated life leaves in the auth logs, built with
//! the codes of api-notes-helpdesk §2.1 only, so nothing here is invented beyond what RSA
//! documents. (Approve, SMS, voice and FIDO successes have undocumented codes, so successful
//! sign-ins are Authenticate Tokencode and QR Code ones.)

use crate::clock::{iso_ms, DAY_MS, HOUR_MS, MINUTE_MS};
use crate::seeded::{self, Draw, Seeded};
use cas_core::helpdesk::{event_info, AuthLogEntry, EventKind};
use serde_json::Value;

pub const TOKEN: &str = "Authenticate Tokencode";
pub const QR: &str = "QR Code";
pub const SMS: &str = "SMS Tokencode";
pub const VOICE: &str = "Voice Tokencode";
pub const BIOMETRICS: &str = "Device Biometrics";
pub const APPROVE: &str = "Approve";
pub const FIDO: &str = "FIDO";
pub const HARDWARE: &str = "SecurID Token";

const APPLICATIONS: [&str; 7] = ["Microsoft 365", "Workday", "Salesforce", "Corporate VPN", "RSA My Page", "ServiceNow", "Windows Logon (MFA Agent)"];
/// (id, name)
const POLICIES: [(&str, &str); 3] = [
    ("5c0e6b1f-3a0d-4a59-9f3e-1b2c3d4e5f60", "All Users - Standard MFA"),
    ("8d2a4c6e-1f3b-4d5a-8c7e-9f0a1b2c3d4e", "VPN - Always Authenticate"),
    ("2e4f6a8c-0b1d-4e3f-a5c7-e9f1a3b5c7d9", "High Risk Users - Step Up"),
];
const SERVER_IP: &str = "10.24.0.17";

/// Who the events belong to, for the fields every entry carries.
pub struct Tenant {
    pub id: String,
    pub customer_name: String,
}

/// One event of a user's history, as generated (the JSON is made when it is asked for).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at: i64,
    pub code: u32,
    pub method: Option<&'static str>,
    pub application: Option<&'static str>,
    pub policy: Option<(&'static str, &'static str)>,
    pub source_ip: Option<String>,
    /// (name, id) of the authenticator used.
    pub device: Option<(String, String)>,
    pub assurance: Option<&'static str>,
    /// eventId, userActivityId, transactionId.
    pub ids: [String; 3],
}

impl Event {
    pub fn entry(&self, user_id: &str, tenant: &Tenant) -> AuthLogEntry {
        let info = event_info(self.code);
        let text = |s: &str| Some(Value::String(s.to_string()));
        AuthLogEntry {
            event_log_date: Some(iso_ms(self.at)),
            event_type: Some("user".into()),
            event_level: info.map(|i| i.level.as_str().to_string()),
            event_category: info.map(|i| i.category.to_string()),
            event_code: Some(self.code),
            event_description: info.map(|i| i.description.to_string()),
            event_id: Some(self.ids[0].clone()),
            server_ip_address: Some(SERVER_IP.into()),
            tenant_id: Some(tenant.id.clone()),
            customer_name: Some(tenant.customer_name.clone()),
            user_id: Some(user_id.to_string()),
            method: self.method.map(str::to_string),
            policy_id: self.policy.map(|p| p.0.to_string()),
            verbose_flag: None,
            user_activity_id: Some(self.ids[1].clone()),
            transaction_id: Some(self.ids[2].clone()),
            source_ip_address: self.source_ip.as_deref().and_then(text),
            application: self.application.and_then(text),
            device_name: self.device.as_ref().and_then(|d| text(&d.0)),
            device_id: self.device.as_ref().and_then(|d| text(&d.1)),
            policy_name: self.policy.and_then(|p| text(p.1)),
            authentication_details: None,
            assurance_level: self.assurance.and_then(text),
            extra: Default::default(),
        }
    }

    pub fn is_success(&self) -> bool {
        // Code 3 ("Method unlocked - User successfully authenticated") is a sign-in too.
        self.code == 3 || event_info(self.code).is_some_and(|i| i.kind == EventKind::SignInSucceeded && i.code != 20612)
    }
}

/// A user's life in events, drawn from the user's own stream.
pub struct Life<'a> {
    rng: &'a mut Seeded,
    /// The app devices the user signs in with: (name, id).
    apps: Vec<(String, String)>,
    /// FIDO credentials or hardware tokens, whose sign-ins have undocumented codes.
    other: bool,
    pub events: Vec<Event>,
}

impl<'a> Life<'a> {
    pub fn new(rng: &'a mut Seeded, apps: Vec<(String, String)>, other: bool) -> Life<'a> {
        Life { rng, apps, other, events: Vec::new() }
    }

    fn ip(&mut self) -> String {
        let prefix = *self.rng.pick(&["203.0.113", "198.51.100", "192.0.2"]);
        format!("{prefix}.{}", 1 + self.rng.below(254))
    }

    /// An event with the usual context: an application, its policy, where it came from.
    pub fn push(&mut self, at: i64, code: u32, method: Option<&'static str>, with_device: bool) {
        let app = *self.rng.pick(&APPLICATIONS);
        let policy = if app == "Corporate VPN" { POLICIES[1] } else { *self.rng.pick(&POLICIES[..1]) };
        let device = if with_device && !self.apps.is_empty() {
            let i = self.rng.below(self.apps.len() as u64) as usize;
            Some(self.apps[i].clone())
        } else {
            None
        };
        let ok = event_info(code).is_some_and(|i| i.level == cas_core::helpdesk::EventLevel::Notice);
        let assurance = ok.then(|| *self.rng.pick(&["HIGH", "HIGH", "MEDIUM"]));
        let ip = self.ip();
        let ids = [seeded::uuid(self.rng), seeded::uuid(self.rng), seeded::uuid(self.rng)];
        self.events.push(Event { at, code, method, application: Some(app), policy: Some(policy), source_ip: Some(ip), device, assurance, ids });
    }

    /// A sync event: no application, no policy, nobody's address.
    pub fn sync(&mut self, at: i64, code: u32) {
        let ids = [seeded::uuid(self.rng), seeded::uuid(self.rng), seeded::uuid(self.rng)];
        self.events.push(Event { at, code, method: None, application: None, policy: None, source_ip: None, device: None, assurance: None, ids });
    }

    pub fn success(&mut self, at: i64, qr_only: bool) {
        let roll = self.rng.below(100);
        let (code, method) = if !qr_only && roll < 55 {
            (103, TOKEN)
        } else if roll < 85 {
            (1501, QR)
        } else {
            (1521, QR)
        };
        self.push(at, code, Some(method), true);
    }

    /// A failed sign-in of the kinds any app user meets now and then.
    pub fn ordinary_failure(&mut self, at: i64) {
        let (code, method, device) = *self.rng.pick(&[
            (52, Some(APPROVE), true),
            (1503, Some(QR), true),
            (1513, Some(QR), true),
            (1513, Some(QR), true),
            (53, Some(TOKEN), true),
            (33, None, false),
            (34, None, false),
            (30, None, false),
            (20606, Some(APPROVE), true),
        ]);
        self.push(at, code, method, device);
    }

    /// `method` locks at `at` (event 2), and the user runs into the lock (35) 1 to 4 times
    /// before `until`.
    pub fn lock(&mut self, at: i64, until: i64, method: &'static str) {
        let device = matches!(method, TOKEN | BIOMETRICS | APPROVE);
        self.push(at, 2, Some(method), device);
        let tries = 1 + self.rng.below(4);
        for _ in 0..tries {
            let t = at + MINUTE_MS + self.rng.below((until - at - MINUTE_MS).max(1) as u64) as i64;
            self.push(t, 35, Some(method), device);
        }
    }

    /// A lock that is over: locked at `at`, unlocked by a later sign-in (3) or, for the OTP,
    /// by the lockout expiring (4).
    pub fn lock_and_unlock(&mut self, at: i64, method: &'static str) {
        let device = matches!(method, TOKEN | BIOMETRICS | APPROVE);
        self.push(at, 2, Some(method), device);
        let later = at + 15 * MINUTE_MS + self.rng.below(75) as i64 * MINUTE_MS;
        let code = if matches!(method, TOKEN | HARDWARE) && self.rng.chance(0.5) { 4 } else { 3 };
        self.push(later, code, Some(method), device);
    }

    /// Ordinary days from `from` to `to`: about `per_day` sign-ins a day in working hours, a
    /// few failures among them; refused (32) from `disabled_from`; QR only from `qr_only_from`.
    pub fn routine(&mut self, from: i64, to: i64, per_day: f64, disabled_from: Option<i64>, qr_only_from: Option<i64>) {
        let mut day = crate::clock::day_start(from);
        while day < to {
            for _ in 0..3 {
                if !self.rng.chance(per_day / 3.0) {
                    continue;
                }
                let at = day + 7 * HOUR_MS + self.rng.below((12 * HOUR_MS) as u64) as i64;
                if at < from || at > to {
                    continue;
                }
                if disabled_from.is_some_and(|d| at >= d) {
                    // Fewer tries once refused.
                    if self.rng.chance(0.4) {
                        self.push(at, 32, None, false);
                    }
                } else if self.apps.is_empty() {
                    // Nothing to sign in with fails; a FIDO or hardware token sign-in is
                    // logged under a code the notes do not give, so it is left out.
                    if !self.other && self.rng.chance(0.5) {
                        let (code, method) = *self.rng.pick(&[(36, None), (51, Some(APPROVE))]);
                        self.push(at, code, method, false);
                    }
                } else if self.rng.chance(0.92) {
                    self.success(at, qr_only_from.is_some_and(|q| at >= q));
                } else {
                    self.ordinary_failure(at);
                }
            }
            day += DAY_MS;
        }
    }

    pub fn rng(&mut self) -> &mut Seeded {
        self.rng
    }

    /// The events in time order (stable for equal times).
    pub fn into_events(mut self) -> Vec<Event> {
        self.events.sort_by_key(|e| e.at);
        self.events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_routine_is_ordered_within_its_bounds_and_documented() {
        let mut rng = seeded::stream(1, 1);
        let mut life = Life::new(&mut rng, vec![("Pixel 8".into(), "d1".into())], false);
        let to = 1_800_000_000_000;
        let from = to - 30 * DAY_MS;
        life.routine(from, to, 1.5, Some(to - 5 * DAY_MS), None);
        life.lock(to - DAY_MS, to, SMS);
        let events = life.into_events();
        assert!(events.len() > 15, "{}", events.len());
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(events.iter().all(|e| e.at >= from && e.at <= to && event_info(e.code).is_some()));
        assert!(events.iter().filter(|e| e.at >= to - 5 * DAY_MS).all(|e| !e.is_success()));
        let t = Tenant { id: "t".into(), customer_name: "c".into() };
        let entry = events.iter().find(|e| e.code == 35).unwrap().entry("u", &t);
        assert_eq!(entry.event_description.as_deref(), Some("Authentication failed - Method locked."));
        assert_eq!(entry.method.as_deref(), Some(SMS));
        assert_eq!(entry.event_level.as_deref(), Some("error"));
    }
}
