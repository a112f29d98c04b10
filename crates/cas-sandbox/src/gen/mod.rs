//! Deterministic, realistic users: `--users N --seed S` always gives the same tenant, plus a
//! fixed set of special users (documented in the README) whatever N is. Each user has its
//! authenticators and a sign-in history consistent with its flags (locks, status, last
//! authentication, last sync). Dates are relative to the anchor, the UTC midnight before the
//! tenant's first start: the same seed on the same day gives the same tenant.
//!
//! Each generated user draws from its own stream of the seed, so its history can be made
//! again on demand (`history`) instead of being stored: the auth-log API asks for it.

pub mod devices;
pub mod history;

use crate::clock::{iso_ms, month_year, DAY_MS, HOUR_MS, MINUTE_MS};
use crate::seeded::{self, Draw, Seeded};
use crate::store::{Directory, NewUser, Origin, Private};
use cas_core::wire::{User, UserStatus};
use devices::ADMIN;
use history::{Event, Life, APPROVE, BIOMETRICS, HARDWARE, QR, SMS, TOKEN, VOICE};
use rand::Rng;
use serde_json::{json, Map};

pub const AD: &str = "Corp AD";
pub const LDAP: &str = "Partner LDAP";
pub const LOCAL: &str = "Local Identity Source";
/// A SCIM-managed source: Mark User Deleted answers 405 for its users.
pub const SCIM: &str = "Entra ID (SCIM)";
/// Groups the sandbox knows for the update API's `groupMemberships`.
pub const GROUPS: [&str; 4] = ["helpdesk", "finance", "engineering", "contractors"];

const FIRST: &[(&str, &str)] = &[
    ("James", "james"), ("Mary", "mary"), ("José", "jose"), ("Zoë", "zoe"), ("太郎", "taro"),
    ("Ana", "ana"), ("Łukasz", "lukasz"), ("Søren", "soren"), ("Chloé", "chloe"), ("Mohammed", "mohammed"),
    ("Priya", "priya"), ("Olga", "olga"), ("Björn", "bjorn"), ("Aoife", "aoife"), ("François", "francois"),
    ("Wei", "wei"), ("Fatima", "fatima"), ("Kwame", "kwame"), ("Ingrid", "ingrid"), ("Siobhán", "siobhan"),
    ("Dmitri", "dmitri"), ("Hana", "hana"), ("Jane", "jane"), ("John", "john"), ("Ngozi", "ngozi"),
];
const LAST: &[(&str, &str)] = &[
    ("Müller", "muller"), ("Łukasiewicz", "lukasiewicz"), ("山田", "yamada"), ("O'Brien", "obrien"),
    ("García", "garcia"), ("Smith", "smith"), ("Doe", "doe"), ("Nguyễn", "nguyen"), ("Johansson", "johansson"),
    ("Kowalski", "kowalski"), ("Dubois", "dubois"), ("Okafor", "okafor"), ("Patel", "patel"),
    ("Ivanova", "ivanova"), ("Schäfer", "schafer"), ("Silva", "silva"), ("Brown", "brown"), ("Chen", "chen"),
    ("Núñez", "nunez"), ("Andersen", "andersen"),
];

/// 2019-01-01T00:00:00Z
const BASE_MS: i64 = 1_546_300_800_000;
const SPAN_MS: i64 = 6 * 365 * DAY_MS;
/// How far back a generated history goes (the API keeps 40 days).
const WINDOW_MS: i64 = 39 * DAY_MS;

fn phone(rng: &mut Seeded) -> String {
    format!("+1 555 {:03} {:04}", 100 + rng.below(900), rng.below(10_000))
}

fn between(rng: &mut Seeded, from: i64, to: i64) -> i64 {
    from + rng.below((to - from).max(1) as u64) as i64
}

/// A user with every documented field present (null where there is nothing to say).
fn base_user(id: String, email: String, source: &str, created_ms: i64, anchor: i64) -> User {
    User {
        id,
        email_address: email,
        creation_date: Some(iso_ms(created_ms)),
        identity_source: Some(source.to_string()),
        user_status: Some(UserStatus::Enabled),
        mark_deleted: Some(false),
        high_risk_user: Some(false),
        is_token_locked: Some(false),
        is_sms_locked: Some(false),
        is_voice_locked: Some(false),
        is_fingerprint_locked: Some(false),
        is_approve_locked: Some(false),
        // Directories synchronize daily.
        last_sync_time: (source != LOCAL).then(|| iso_ms(anchor - 3 * HOUR_MS)),
        emergency_access_status: Some("Disabled".into()),
        offline_emergency_access_status: Some("Disabled".into()),
        // An empty string when unset, as in RSA's real answers (api-notes-helpdesk §9).
        alternate_username: Some(String::new()),
        ..User::default()
    }
}

/// A user and the history it was made with.
pub struct Generated {
    pub user: NewUser,
    pub events: Vec<Event>,
}

/// `monthLastAuthenticated`: the month of the latest successful sign-in in the history, else
/// (for someone active before it) an older month, else nothing.
fn last_authenticated(events: &[Event], older: Option<i64>) -> Option<String> {
    events.iter().rev().find(|e| e.is_success()).map(|e| e.at).or(older).map(month_year)
}

/// The lock flags and the method each locks.
fn locks(u: &User) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (flag, method) in [
        (u.is_token_locked, TOKEN),
        (u.is_sms_locked, SMS),
        (u.is_voice_locked, VOICE),
        (u.is_fingerprint_locked, BIOMETRICS),
        (u.is_approve_locked, APPROVE),
    ] {
        if flag == Some(true) {
            out.push(method);
        }
    }
    out
}

/// Generated user `i` of `seed`, from its own stream.
pub fn generated(seed: u64, anchor: i64, i: usize) -> Generated {
    let mut rng = seeded::stream(seed, 1 + i as u64);
    let (first, fa) = *rng.pick(FIRST);
    let (last, la) = *rng.pick(LAST);
    let roll: f64 = rng.gen();
    let source = if roll < 0.65 { AD } else if roll < 0.90 { LDAP } else { LOCAL };
    let created = if rng.chance(0.05) { anchor - between(&mut rng, 2 * DAY_MS, 30 * DAY_MS) } else { BASE_MS + rng.below(SPAN_MS as u64) as i64 };
    let email = format!("{fa}.{la}.{i}@example.com");
    let id = seeded::uuid(&mut rng);
    let mut u = base_user(id.clone(), email, source, created, anchor);
    let mut p = Private { history: Some(Origin::Generated(i as u32)), ..Private::default() };
    u.first_name = Some(first.to_string());
    u.last_name = Some(last.to_string());
    u.principal_username = Some(match source {
        AD => format!("{}{la}{i}", &fa[..1]),
        _ => format!("{fa}.{la}.{i}"),
    });
    u.alternate_username = Some(match source {
        AD if rng.chance(0.7) => format!("{fa}.{la}.{i}@corp.example.com"),
        LDAP if rng.chance(0.3) => format!("{fa}{i}"),
        _ => String::new(),
    });
    u.primary_unique_identifier = (source != LOCAL).then(|| seeded::uuid(&mut rng));
    if source != LOCAL {
        u.last_sync_time = Some(iso_ms(anchor - between(&mut rng, 10 * MINUTE_MS, 20 * HOUR_MS)));
    }
    // Statuses: who was disabled, and when.
    let s: f64 = rng.gen();
    let mut disabled_at = None;
    if s < 0.05 {
        // Purged 1 to 7 days after the anchor, so after the first start.
        let marked = anchor - between(&mut rng, 0, 6 * DAY_MS - HOUR_MS);
        disabled_at = Some(marked - between(&mut rng, 2 * DAY_MS, 60 * DAY_MS));
        u.user_status = Some(UserStatus::PendingDeletion);
        u.mark_deleted = Some(true);
        u.mark_deleted_at = Some(iso_ms(marked));
        u.mark_deleted_by = Some(ADMIN.into());
    } else if s < 0.17 {
        disabled_at = Some(anchor - between(&mut rng, DAY_MS, 60 * DAY_MS));
        u.user_status = Some(UserStatus::Disabled);
        p.disabled_by_sync = source != LOCAL && rng.chance(0.5);
    }
    // What the directory says now: mostly what the sandbox has; a few changed since.
    let d: f64 = rng.gen();
    p.directory = if p.disabled_by_sync {
        if d < 0.1 { Directory::Present } else if d < 0.8 { Directory::Disabled } else { Directory::Missing }
    } else if source != LOCAL && s >= 0.17 && d < 0.02 {
        Directory::Disabled
    } else if source != LOCAL && s >= 0.17 && d < 0.03 {
        Directory::Missing
    } else {
        Directory::Present
    };
    u.high_risk_user = Some(rng.chance(0.04));
    if rng.chance(0.6) {
        let sms = phone(&mut rng);
        u.voice_number = Some(if rng.chance(0.5) { sms.clone() } else { phone(&mut rng) });
        u.sms_number = Some(sms);
    }
    p.authenticators = devices::random(&mut rng, &id, created, anchor);
    let apps = devices::apps_of(&p.authenticators);
    let has_app = !apps.is_empty();
    let has_hardware = !p.authenticators.sid_tokens.is_empty();
    // A method can only be locked if the user has it.
    u.is_token_locked = Some((has_app || has_hardware) && rng.chance(0.05));
    u.is_sms_locked = Some(u.sms_number.is_some() && rng.chance(0.03));
    u.is_voice_locked = Some(u.voice_number.is_some() && rng.chance(0.03));
    u.is_fingerprint_locked = Some(has_app && rng.chance(0.02));
    u.is_approve_locked = Some(has_app && rng.chance(0.02));
    let e: f64 = rng.gen();
    if !(0.09..0.97).contains(&e) {
        u.emergency_access_status = Some(if e < 0.09 { "Enabled" } else { "Locked" }.into());
        u.emergency_tokencode_id = Some(seeded::uuid(&mut rng));
        u.emergency_tokencode_expiration = Some(iso_ms(anchor + between(&mut rng, DAY_MS + HOUR_MS, 7 * DAY_MS)));
        if rng.chance(0.5) {
            u.emergency_tokencode_last_use = Some(iso_ms(anchor - between(&mut rng, HOUR_MS, 3 * DAY_MS)));
        }
    }
    if rng.chance(0.08) {
        u.offline_emergency_access_status = Some("Enabled".into());
        u.offline_emergency_tokencode_expiration = Some(iso_ms(anchor + between(&mut rng, DAY_MS + HOUR_MS, 7 * DAY_MS)));
    }
    if source == LOCAL {
        p.group_memberships = GROUPS.iter().filter(|_| rng.chance(0.3)).map(|g| g.to_string()).collect();
        p.sms_phone_numbers = u.sms_number.iter().cloned().collect();
        p.voice_phone_numbers = u.voice_number.iter().cloned().collect();
    }
    // The history. Locks and other events of an enabled user happen before a disable.
    let from = (anchor - WINDOW_MS).max(created);
    let active_until = disabled_at.unwrap_or(anchor).min(anchor);
    if active_until < from + 3 * HOUR_MS {
        // Disabled before the history starts: any lock it had is older than the 40 days.
        for flag in [&mut u.is_token_locked, &mut u.is_sms_locked, &mut u.is_voice_locked, &mut u.is_fingerprint_locked, &mut u.is_approve_locked] {
            *flag = Some(false);
        }
    }
    let per_day = 0.2 + rng.gen::<f64>() * 1.3;
    // Without the app, a locked token is the hardware token's SecurID OTP.
    let locked: Vec<&'static str> = locks(&u).into_iter().map(|m| if m == TOKEN && !has_app { HARDWARE } else { m }).collect();
    let recent = |rng: &mut Seeded| between(rng, (active_until - 10 * DAY_MS).max(from + HOUR_MS), active_until - 2 * HOUR_MS);
    let token_lock_at = locked.contains(&TOKEN).then(|| recent(&mut rng));
    let other = !p.authenticators.fido_tokens.is_empty() || has_hardware;
    let registered: Vec<i64> = p.authenticators.devices.iter().filter(|d| !d.is_browser()).filter_map(|d| d.registered_date.as_deref().and_then(crate::clock::parse_iso)).collect();
    let was_active = created < from && rng.chance(0.7);
    let older = was_active.then(|| between(&mut rng, created, from));
    let mut life = Life::new(&mut rng, apps, other);
    life.routine(from, anchor, per_day, disabled_at, token_lock_at);
    for method in &locked {
        let at = match (*method, token_lock_at) {
            (TOKEN, Some(t)) => t,
            _ => recent(life.rng()),
        };
        life.lock(at, active_until, method);
    }
    if has_app && active_until > from + 3 * HOUR_MS && life.rng().chance(0.12) {
        let method = *life.rng().pick(&[TOKEN, BIOMETRICS, APPROVE]);
        if !locked.contains(&method) {
            let at = between(life.rng(), from, active_until - 2 * HOUR_MS);
            life.lock_and_unlock(at, method);
        }
    }
    for t in registered.into_iter().filter(|t| *t >= from && *t < active_until) {
        let (code, method) = if life.rng().chance(0.5) { (101, TOKEN) } else { (1507, QR) };
        life.push(t, code, Some(method), true);
    }
    if source != LOCAL && life.rng().chance(0.03) {
        let code = 403 + life.rng().below(8) as u32;
        let at = between(life.rng(), from, anchor);
        life.sync(at, code);
    }
    if let Some(at) = disabled_at.filter(|t| p.disabled_by_sync && *t >= from) {
        life.sync(at, if p.directory == Directory::Missing { 402 } else { 401 });
    }
    if u.high_risk_user == Some(true) && has_app && active_until > anchor - 5 * DAY_MS && life.rng().chance(0.4) {
        for _ in 0..1 + life.rng().below(2) {
            let at = between(life.rng(), anchor - 5 * DAY_MS, active_until);
            life.push(at, 1503, Some(QR), true);
        }
    }
    let events = life.into_events();
    u.month_last_authenticated = last_authenticated(&events, older);
    Generated { user: NewUser { user: u, private: p, nulls: Vec::new() }, events }
}

/// `n` generated users from `seed`.
pub fn generate(n: usize, seed: u64, anchor: i64) -> Vec<NewUser> {
    let mut out: Vec<NewUser> = Vec::with_capacity(n);
    for i in 0..n {
        let mut u = generated(seed, anchor, i).user;
        // Every 50th user shares an alternate username (identifier ambiguity: 409) or a
        // principal username (the newer user wins) with the one before it.
        if i % 50 == 10 {
            let prev = &mut out[i - 1].user;
            let name = u.user.principal_username.clone().unwrap_or_default();
            if prev.alternate_username.as_deref().is_none_or(str::is_empty) {
                prev.alternate_username = Some(format!("shared.{name}"));
            }
            u.user.alternate_username = prev.alternate_username.clone();
        } else if i % 50 == 30 {
            u.user.principal_username = out[i - 1].user.principal_username.clone();
        }
        out.push(u);
    }
    out
}

/// The history a user was generated with; stored users say where theirs comes from.
pub fn history(seed: u64, anchor: i64, origin: Origin) -> Vec<Event> {
    match origin {
        Origin::Generated(i) => generated(seed, anchor, i as usize).events,
        Origin::Fixed(k) => fixed(anchor).into_iter().nth(k as usize).map(|g| g.events).unwrap_or_default(),
    }
}

/// A fixed user being made: its record, authenticators and history.
struct Person {
    u: User,
    p: Private,
    rng: Seeded,
    anchor: i64,
    created: i64,
    events: Vec<Event>,
    /// `monthLastAuthenticated` from before the history, if any.
    older: Option<i64>,
}

impl Person {
    /// When a device was registered: some time after the account, before the history.
    fn registered(&mut self) -> i64 {
        let latest = (self.anchor - 60 * DAY_MS).max(self.created + 2 * DAY_MS);
        between(&mut self.rng, self.created + DAY_MS, latest)
    }

    fn app(&mut self) -> &mut Self {
        let t = self.registered();
        let d = devices::app(&mut self.rng, &self.u.id, t, self.anchor);
        self.p.authenticators.devices.push(d);
        self
    }

    fn browser(&mut self) -> &mut Self {
        let t = self.registered();
        let d = devices::browser(&mut self.rng, &self.u.id, t, self.anchor);
        self.p.authenticators.devices.push(d);
        self
    }

    fn fido(&mut self) -> &mut Self {
        let t = self.registered();
        let d = devices::fido(&mut self.rng, &self.u.id, t, self.anchor);
        self.p.authenticators.fido_tokens.push(d);
        self
    }

    fn hardware(&mut self, ds100: bool) -> &mut Self {
        let t = self.registered();
        let d = devices::hardware(&mut self.rng, &self.u.id, t, self.anchor, ds100);
        self.p.authenticators.sid_tokens.push(d);
        self
    }

    /// The start of the history window.
    fn from(&self) -> i64 {
        (self.anchor - WINDOW_MS).max(self.created)
    }

    fn life(&mut self, story: impl FnOnce(&mut Life, i64, i64)) {
        let apps = devices::apps_of(&self.p.authenticators);
        let other = !self.p.authenticators.fido_tokens.is_empty() || !self.p.authenticators.sid_tokens.is_empty();
        let (from, anchor) = (self.from(), self.anchor);
        let mut life = Life::new(&mut self.rng, apps, other);
        story(&mut life, from, anchor);
        self.events.extend(life.into_events());
    }

    /// An app and ordinary days.
    fn ordinary(&mut self) {
        self.app();
        self.life(|l, from, to| l.routine(from, to, 0.8, None, None));
    }
}

/// Stream of the fixed users (their ids are literals; the rest is drawn from here).
const FIXED_SEED: u64 = 0x5A4D_B0C5;

/// The special users present in every generated tenant (see README), in a fixed order (their
/// `Origin::Fixed` index).
pub fn fixed(anchor: i64) -> Vec<Generated> {
    let day = |n: i64| BASE_MS + n * DAY_MS;
    let ago = |days: i64| anchor - days * DAY_MS;
    let mut out: Vec<Generated> = Vec::new();
    let mut add = |email: &str, id: &str, first: &str, last: &str, source: &str, created: i64, story: &mut dyn FnMut(&mut Person)| {
        let k = out.len() as u32;
        let mut rng = seeded::stream(FIXED_SEED, u64::from(k));
        let mut u = base_user(id.to_string(), email.to_string(), source, created, anchor);
        u.first_name = Some(first.to_string());
        u.last_name = Some(last.to_string());
        u.principal_username = Some(email.split('@').next().unwrap_or_default().to_string());
        u.primary_unique_identifier = (source != LOCAL).then(|| seeded::uuid(&mut rng));
        if source != LOCAL {
            // Synchronized a few hours before the anchor, not all at once.
            u.last_sync_time = Some(iso_ms(anchor - 3 * HOUR_MS - i64::from(k) * 7 * MINUTE_MS));
        }
        let p = Private { history: Some(Origin::Fixed(k)), ..Private::default() };
        let mut person = Person { u, p, rng, anchor, created, events: Vec::new(), older: None };
        story(&mut person);
        let Person { mut u, p, mut events, older, .. } = person;
        events.sort_by_key(|e| e.at);
        u.month_last_authenticated = last_authenticated(&events, older);
        out.push(Generated { user: NewUser { user: u, private: p, nulls: Vec::new() }, events });
    };
    add("markup.user@example.com", "8f6344b7-00b6-46c3-b934-5f57101dfcdc", "<img src=x onerror=alert(1)>", "<script>alert(2)</script>", AD, day(10), &mut |x| {
        x.u.alternate_username = Some("<b>markup</b>@corp.example.com".into());
        x.ordinary();
    });
    add("pending.deletion@example.com", "ee890541-5d04-4409-a68a-a8f1ccb504dd", "Pending", "Deletion", AD, day(20), &mut |x| {
        // Disabled three weeks ago, marked two days ago: purged five days after the anchor.
        x.u.user_status = Some(UserStatus::PendingDeletion);
        x.u.mark_deleted = Some(true);
        x.u.mark_deleted_at = Some(iso_ms(ago(2)));
        x.u.mark_deleted_by = Some(ADMIN.into());
        x.app();
        x.life(|l, from, to| l.routine(from, to, 1.0, Some(to - 21 * DAY_MS), None));
    });
    add("synced.disabled@example.com", "ea40e04a-957c-44e7-8a5e-621bf7e4175a", "Synced", "Disabled", AD, day(30), &mut |x| {
        // The directory disabled them six days ago; it still does.
        x.u.user_status = Some(UserStatus::Disabled);
        x.p.disabled_by_sync = true;
        x.p.directory = Directory::Disabled;
        x.app();
        let at = ago(6) + 2 * HOUR_MS + 17 * MINUTE_MS;
        x.life(|l, from, to| {
            l.routine(from, to, 1.0, Some(at), None);
            l.sync(at, 401);
        });
    });
    add("admin.disabled@example.com", "7e1cb732-477b-49de-9cdb-073eaf3050d9", "Admin", "Disabled", AD, day(35), &mut |x| {
        x.u.user_status = Some(UserStatus::Disabled);
        x.app();
        x.life(|l, from, to| l.routine(from, to, 1.2, Some(to - 5 * DAY_MS), None));
    });
    add("full.user@example.com", "bade7ccc-f71e-4fa6-8919-18129d171be0", "Full", "User", AD, day(40), &mut |x| {
        let u = &mut x.u;
        u.high_risk_user = Some(false);
        u.sms_number = Some("+11235556799".into());
        u.voice_number = Some("+1 774 291 4444".into());
        u.is_token_locked = Some(true);
        u.is_sms_locked = Some(true);
        u.is_voice_locked = Some(false);
        u.is_fingerprint_locked = Some(true);
        u.is_approve_locked = Some(false);
        u.emergency_access_status = Some("Enabled".into());
        u.emergency_tokencode_id = Some("007c4e8d-7450-4293-be46-16454a78a217".into());
        u.emergency_tokencode_expiration = Some(iso_ms(anchor + 6 * DAY_MS));
        u.emergency_tokencode_last_use = Some(iso_ms(ago(1)));
        u.offline_emergency_access_status = Some("Enabled".into());
        u.offline_emergency_tokencode_expiration = Some(iso_ms(anchor + 6 * DAY_MS));
        u.mark_deleted_at = Some(iso_ms(day(100)));
        u.mark_deleted_by = Some(ADMIN.into());
        u.principal_username = Some("fulluser".into());
        u.alternate_username = Some("full.user@corp.example.com".into());
        u.extra.insert("department".into(), json!("Finance"));
        u.extra.insert("customAttributes".into(), json!({"costCenter": "4711", "badges": ["a", "b"]}));
        u.extra.insert("lastLoginIp".into(), json!("192.0.2.10"));
        u.extra.insert("riskScore".into(), json!(12.5));
        // Every kind of authenticator.
        x.app().app().browser().fido().fido().hardware(false).hardware(true);
        let token_at = ago(3) + 9 * HOUR_MS + 41 * MINUTE_MS;
        x.life(|l, from, to| {
            l.routine(from, to, 1.5, None, Some(token_at));
            l.lock(token_at, to, TOKEN);
            l.lock(to - 2 * DAY_MS + 14 * HOUR_MS + 3 * MINUTE_MS, to, SMS);
            l.lock(to - DAY_MS + 8 * HOUR_MS + 52 * MINUTE_MS, to, BIOMETRICS);
            l.lock_and_unlock(to - 20 * DAY_MS + 11 * HOUR_MS + 26 * MINUTE_MS, APPROVE);
        });
    });
    add("local.user@example.com", "e049acb4-0d09-4ea7-8848-bc1e61bbc3bd", "Local", "User", LOCAL, day(50), &mut |x| {
        x.u.principal_username = Some("local.user".into());
        x.u.sms_number = Some("+1 555 010 0001".into());
        x.p.group_memberships = vec!["helpdesk".into()];
        x.p.sms_phone_numbers = vec!["+1 555 010 0001".into()];
        x.ordinary();
    });
    add("local.other@example.com", "ddcc7522-8dd8-4d15-94f4-95fea3cb3bc7", "Local", "Other", LOCAL, day(55), &mut |x| {
        x.u.principal_username = Some("local.other".into());
        x.ordinary();
    });
    add("shared.alt.one@example.com", "9937a461-d944-402e-bd7f-c629e8c3b775", "Shared", "One", LDAP, day(60), &mut |x| {
        x.u.alternate_username = Some("shared.alt".into());
        x.ordinary();
    });
    add("shared.alt.two@example.com", "293f07c5-85f5-4a68-ad59-55d8046cf372", "Shared", "Two", LDAP, day(61), &mut |x| {
        x.u.alternate_username = Some("shared.alt".into());
        x.ordinary();
    });
    add("old.principal@example.com", "9552104b-6282-4bf1-a16e-9edc33f35f09", "Old", "Principal", AD, day(70), &mut |x| {
        x.u.principal_username = Some("dup.principal".into());
        x.ordinary();
    });
    add("new.principal@example.com", "f0144265-c5c2-4c00-8367-851d3a79c750", "New", "Principal", AD, day(1700), &mut |x| {
        x.u.principal_username = Some("dup.principal".into());
        x.ordinary();
    });
    add("high.risk@example.com", "a4fd21dc-9487-4c8f-bc80-c1936950d276", "High", "Risk", AD, day(80), &mut |x| {
        // Flagged after denying pushes they did not start.
        x.u.high_risk_user = Some(true);
        x.u.alternate_username = Some("high.risk@corp.example.com".into());
        x.app();
        x.life(|l, from, to| {
            l.routine(from, to, 1.0, None, None);
            for m in [30 * 60 + 11, 29 * 60 + 48, 6 * 60 + 2] {
                l.push(to - m * MINUTE_MS, 1503, Some(QR), true);
            }
        });
    });
    add("unsynched.user@example.com", "f23810ea-c7d4-4b43-8b93-ab59a9760263", "Unsynched", "User", LDAP, day(90), &mut |x| {
        // In the directory, not yet in CAS: nothing synchronized, no history.
        x.p.unsynched = true;
        x.u.last_sync_time = None;
    });
    add("locked.user@example.com", "55306973-d913-4bb0-b17c-81fc2c2a1f89", "Locked", "User", AD, day(95), &mut |x| {
        let u = &mut x.u;
        u.sms_number = Some("+1 555 010 0095".into());
        u.voice_number = Some("+1 555 010 0095".into());
        u.is_token_locked = Some(true);
        u.is_sms_locked = Some(true);
        u.is_voice_locked = Some(true);
        u.is_fingerprint_locked = Some(true);
        u.is_approve_locked = Some(true);
        u.emergency_access_status = Some("Locked".into());
        u.emergency_tokencode_id = Some("3f1c9a52-0d5e-4b8e-9c1a-2b7d6e5f4a30".into());
        u.emergency_tokencode_expiration = Some(iso_ms(anchor + 3 * DAY_MS));
        x.app();
        x.life(|l, from, to| {
            let locked_at = to - 4 * DAY_MS + 10 * HOUR_MS + 12 * MINUTE_MS;
            l.routine(from, locked_at, 1.0, None, None);
            for (i, m) in [TOKEN, SMS, VOICE, BIOMETRICS, APPROVE].into_iter().enumerate() {
                l.lock(locked_at + i as i64 * 20 * MINUTE_MS, to, m);
            }
        });
    });
    add("jose.muller@example.com", "e9e30ad4-f2fe-42b6-9e16-3496c7e4e8ce", "José", "Müller", AD, day(100), &mut |x| {
        x.u.sms_number = Some("+49 170 1234567".into());
        x.ordinary();
    });
    add("zoe.lukasiewicz@example.com", "8a5ac17f-2fbf-4dbe-9982-af345e930642", "Zoë", "Łukasiewicz", LDAP, day(110), &mut |x| x.ordinary());
    add("taro.yamada@example.com", "c49dc348-94cf-4594-96ed-293f20ea87dc", "太郎", "山田", AD, day(120), &mut |x| {
        x.u.alternate_username = Some("山田太郎".into());
        x.ordinary();
    });
    add("j.doe@example.com", "05b10a96-e7ec-46a6-98a9-92fd42fe7b5d", "Jane", "Doe", AD, day(130), &mut |x| x.ordinary());
    add("a.j.doe@example.com", "7fc24a2e-d4cb-426b-b6da-8e4164d173e6", "Adam", "Doe", AD, day(131), &mut |x| x.ordinary());
    add("j.doe2@example.com", "36fbb1dc-f5f4-4434-8ad5-581649165647", "John", "Doe", LDAP, day(132), &mut |x| x.ordinary());
    // "Why can't this user sign in?": one cause each.
    add("sms.locked@example.com", "6b0c2d4e-8f1a-4c3b-9d5e-7f9a1b3c5d7e", "Sam", "Locked-SMS", AD, day(140), &mut |x| {
        // Signs in by SMS only (whose successes RSA logs under undocumented codes), now
        // locked out of it.
        x.u.sms_number = Some("+1 555 010 0140".into());
        x.u.is_sms_locked = Some(true);
        x.older = Some(ago(45));
        x.life(|l, _, to| {
            l.lock_and_unlock(to - 25 * DAY_MS + 9 * HOUR_MS + 4 * MINUTE_MS, SMS);
            l.lock(to - 2 * DAY_MS + 8 * HOUR_MS + 47 * MINUTE_MS, to - 2 * DAY_MS + 18 * HOUR_MS, SMS);
            for m in [20 * 60 + 13, 9 * 60 + 58, 3 * 60 + 22] {
                l.push(to - m * MINUTE_MS, 35, Some(SMS), false);
            }
        });
    });
    add("no.authenticator@example.com", "1d3f5a7c-9e0b-4d2f-8a4c-6e8f0a2c4e6a", "Noel", "Nodevice", AD, day(150), &mut |x| {
        // Nothing registered, no phone: every attempt fails for want of a method.
        x.life(|l, _, to| {
            for (m, code) in [(9013, 36), (8991, 36), (4322, 51), (1571, 36), (1544, 36), (247, 51)] {
                l.push(to - m * MINUTE_MS, code, if code == 51 { Some(APPROVE) } else { None }, false);
            }
        });
    });
    add("token.locked@example.com", "4a6c8e0a-2c4e-4f6a-8c0e-2a4c6e8a0c2e", "Tina", "Locked-Token", AD, day(160), &mut |x| {
        // Locked out of the Authenticate OTP three days ago; an emergency code was issued.
        x.u.is_token_locked = Some(true);
        x.u.emergency_access_status = Some("Enabled".into());
        x.u.emergency_tokencode_id = Some("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b".into());
        x.u.emergency_tokencode_expiration = Some(iso_ms(anchor + 5 * DAY_MS));
        x.app();
        x.life(|l, from, to| {
            let at = to - 3 * DAY_MS + 8 * HOUR_MS + 36 * MINUTE_MS;
            l.routine(from, at, 1.2, None, None);
            l.lock(at, to, TOKEN);
        });
    });
    add("scim.user@example.com", "7c9e1a3c-5e7a-4c9e-ba3c-5e7a9c1e3a5c", "Scim", "Managed", SCIM, day(170), &mut |x| {
        // Disabled, so marking it for deletion would be allowed anywhere else: here it is 405.
        x.p.scim_managed = true;
        x.u.user_status = Some(UserStatus::Disabled);
        x.app();
        x.life(|l, from, to| l.routine(from, to, 0.8, Some(to - 9 * DAY_MS), None));
    });
    add("directory.reenabled@example.com", "2b4d6f8b-0d2f-4b6d-8f0b-2d4f6b8d0f2b", "Dana", "Reenabled", AD, day(180), &mut |x| {
        // Disabled by a sync ten days ago; the directory has enabled them since: a sync now
        // enables them again (event 400).
        x.u.user_status = Some(UserStatus::Disabled);
        x.p.disabled_by_sync = true;
        x.p.directory = Directory::Present;
        x.app();
        let at = ago(10) + 3 * HOUR_MS + 9 * MINUTE_MS;
        x.life(|l, from, to| {
            l.routine(from, to, 1.0, Some(at), None);
            l.sync(at, 401);
        });
    });
    add("directory.disabled@example.com", "3c5e7a9c-1e3a-4c5e-9a1c-3e5a7c9e1a3c", "Dirk", "Disabled-Upstream", AD, day(190), &mut |x| {
        // Enabled here, disabled in the directory since the last sync: a sync disables (401).
        x.p.directory = Directory::Disabled;
        x.ordinary();
    });
    add("directory.removed@example.com", "5e7a9c1e-3a5c-4e7a-9c1e-5a7c9e1a3c5e", "Remy", "Removed-Upstream", LDAP, day(200), &mut |x| {
        // Enabled here, gone from the directory: a sync disables (402).
        x.p.directory = Directory::Missing;
        x.ordinary();
    });
    add("mark.candidate@example.com", "8f0a2c4e-6a8c-4e0a-8c4e-6a8c0e2a4c6e", "Marc", "Candidate", AD, day(210), &mut |x| {
        // Disabled by an admin two months ago and gone quiet: the one to mark for deletion.
        x.u.user_status = Some(UserStatus::Disabled);
        x.older = Some(ago(62));
        x.app();
    });
    add("busy.user@example.com", "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "Bea", "Busy", LDAP, day(220), &mut |x| {
        // Far more than the 100 events an answer holds.
        x.app().app();
        x.life(|l, from, to| l.routine(from, to, 4.5, None, None));
    });
    let mut all = out;
    // Only id, emailAddress and a few fields: the documented ones are null, the rest absent.
    let mut sparse = User {
        id: "5b9fe148-e46f-4580-a639-5643b390756f".into(),
        email_address: "sparse.user@example.com".into(),
        first_name: Some("Sparse".into()),
        identity_source: Some(AD.into()),
        user_status: Some(UserStatus::Enabled),
        ..User::default()
    };
    sparse.extra = Map::new();
    all.push(Generated { user: NewUser { user: sparse, private: Private::default(), nulls: Vec::new() }, events: Vec::new() });
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const ANCHOR: i64 = 1_796_083_200_000;

    #[test]
    fn deterministic_and_unique() {
        let a = generate(300, 1, ANCHOR);
        let b = generate(300, 1, ANCHOR);
        assert_eq!(a.iter().map(|u| &u.user).collect::<Vec<_>>(), b.iter().map(|u| &u.user).collect::<Vec<_>>());
        let c = generate(300, 2, ANCHOR);
        assert_ne!(a[0].user.id, c[0].user.id);
        let mut emails: HashSet<String> = HashSet::new();
        let mut ids = HashSet::new();
        let fixed: Vec<NewUser> = fixed(ANCHOR).into_iter().map(|g| g.user).collect();
        for u in a.iter().chain(fixed.iter()) {
            assert!(emails.insert(u.user.email_address.to_lowercase()), "{}", u.user.email_address);
            assert!(ids.insert(u.user.id.clone()));
            assert_eq!(u.user.email_address, u.user.email_address.to_lowercase());
        }
        let statuses: HashSet<String> = a.iter().filter_map(|u| u.user.user_status.as_ref()).map(|s| s.to_string()).collect();
        assert_eq!(statuses.len(), 3);
        assert!(a.iter().any(|u| u.private.disabled_by_sync));
        assert!(a.iter().any(|u| u.user.sms_number.is_none()) && a.iter().any(|u| u.user.sms_number.is_some()));
        // Shared alternate usernames exist.
        let mut alts = std::collections::HashMap::new();
        for u in &a {
            if let Some(alt) = &u.user.alternate_username {
                *alts.entry(alt.to_lowercase()).or_insert(0) += 1;
            }
        }
        assert!(alts.values().any(|n| *n >= 2));
    }

    /// Every history tells what the user's flags say.
    #[test]
    fn histories_agree_with_the_flags() {
        use cas_core::helpdesk::event_info;
        let mut all = fixed(ANCHOR);
        all.extend((0..400).map(|i| generated(5, ANCHOR, i)));
        let mut seen_codes = HashSet::new();
        for g in &all {
            let (u, p, events) = (&g.user.user, &g.user.private, &g.events);
            let who = &u.email_address;
            assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "{who}");
            for e in events {
                assert!(event_info(e.code).is_some(), "{who}: {}", e.code);
                assert!(e.at > ANCHOR - 40 * DAY_MS && e.at <= ANCHOR, "{who}: {}", iso_ms(e.at));
                seen_codes.insert(e.code);
                if let Some((_, id)) = &e.device {
                    assert!(p.authenticators.devices.iter().any(|d| &d.id == id), "{who}: device {id}");
                }
            }
            match events.iter().rev().find(|e| e.is_success()) {
                Some(last) => assert_eq!(u.month_last_authenticated, Some(month_year(last.at)), "{who}"),
                None => assert!(u.month_last_authenticated.as_deref().is_none_or(|m| m != month_year(ANCHOR)), "{who}"),
            }
            // A locked method: locked (2) and not unlocked since (3, 4); an unlocked one: any
            // lock in the history was followed by an unlock.
            let locked = locks(u);
            for m in [TOKEN, SMS, VOICE, BIOMETRICS, APPROVE, HARDWARE] {
                let last_lock = events.iter().rposition(|e| e.code == 2 && e.method == Some(m));
                let unlocked_after = |i: usize| events[i..].iter().any(|e| matches!(e.code, 3 | 4) && e.method == Some(m));
                let is_locked = locked.contains(&m) || (m == HARDWARE && locked.contains(&TOKEN));
                match last_lock {
                    Some(i) if is_locked => assert!(!unlocked_after(i), "{who}: {m} unlocked while locked"),
                    Some(i) => assert!(unlocked_after(i), "{who}: {m} locked in the history, not in the flags"),
                    None if m == HARDWARE => {}
                    None if m == TOKEN && locked.contains(&TOKEN) => {
                        assert!(events.iter().any(|e| e.code == 2 && e.method == Some(HARDWARE)), "{who}: token lock without an event")
                    }
                    None => assert!(!is_locked, "{who}: {m} locked without an event"),
                }
            }
            // Locks only on what the user has.
            assert!(u.is_sms_locked != Some(true) || u.sms_number.is_some(), "{who}");
            assert!(u.is_voice_locked != Some(true) || u.voice_number.is_some(), "{who}");
            // Once refused as disabled, never signed in again.
            if let Some(first) = events.iter().position(|e| e.code == 32) {
                assert!(matches!(u.user_status, Some(UserStatus::Disabled | UserStatus::PendingDeletion)), "{who}");
                assert!(events[first..].iter().all(|e| !e.is_success()), "{who}");
            }
            // A sync that disabled the user happened at or before the last sync.
            if let Some(e) = events.iter().rev().find(|e| matches!(e.code, 401 | 402)) {
                let last_sync = u.last_sync_time.as_deref().and_then(crate::clock::parse_iso).unwrap_or(i64::MIN);
                assert!(last_sync >= e.at, "{who}");
            }
            // No authenticator at all: no success.
            if p.authenticators.is_empty() {
                assert!(events.iter().all(|e| !e.is_success() || e.code == 3), "{who}");
            }
            // The history can be made again from where the user says it comes from.
            if let Some(origin) = p.history {
                assert_eq!(history(5, ANCHOR, origin), *events, "{who}");
            }
        }
        for code in [2, 3, 32, 35, 36, 51, 52, 101, 103, 401, 1501, 1503, 1507, 1513, 1521] {
            assert!(seen_codes.contains(&code), "no event {code} anywhere");
        }
        let busy = all.iter().find(|g| g.user.user.email_address == "busy.user@example.com").unwrap();
        assert!(busy.events.len() > 100, "{}", busy.events.len());
    }
}
