//! Deterministic, realistic users: `--users N --seed S` always gives the same tenant, plus a
//! fixed set of special users (documented in the README) whatever N is.

use crate::seeded::{self, Draw, Seeded};
use crate::store::{NewUser, Private};
use crate::clock::{iso_ms, month_year};
use cas_core::wire::{User, UserStatus};
use rand::Rng;
use serde_json::{json, Map};

pub const AD: &str = "Corp AD";
pub const LDAP: &str = "Partner LDAP";
pub const LOCAL: &str = "Local Identity Source";
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
const DAY_MS: i64 = 86_400_000;
const SPAN_MS: i64 = 6 * 365 * DAY_MS;
const ADMIN: &str = "helpdesk.admin@example.com";

fn phone(rng: &mut Seeded) -> String {
    format!("+1 555 {:03} {:04}", 100 + rng.below(900), rng.below(10_000))
}

/// A user with every documented field present (null where there is nothing to say).
fn base_user(id: String, email: String, source: &str, created_ms: i64) -> User {
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
        last_sync_time: (source != LOCAL).then(|| iso_ms(created_ms + DAY_MS / 2)),
        emergency_access_status: Some("Disabled".into()),
        offline_emergency_access_status: Some("Disabled".into()),
        ..User::default()
    }
}

/// `n` generated users from `seed`.
pub fn generate(n: usize, seed: u64) -> Vec<NewUser> {
    let mut rng = seeded::stream(seed, 0);
    let mut out: Vec<NewUser> = Vec::with_capacity(n);
    for i in 0..n {
        let (first, fa) = *rng.pick(FIRST);
        let (last, la) = *rng.pick(LAST);
        let roll: f64 = rng.gen();
        let source = if roll < 0.65 { AD } else if roll < 0.90 { LDAP } else { LOCAL };
        let created = BASE_MS + rng.below(SPAN_MS as u64) as i64;
        let email = format!("{fa}.{la}.{i}@example.com");
        let mut u = base_user(seeded::uuid(&mut rng), email, source, created);
        let mut p = Private::default();
        u.first_name = Some(first.to_string());
        u.last_name = Some(last.to_string());
        u.principal_username = Some(match source {
            AD => format!("{}{la}{i}", &fa[..1]),
            _ => format!("{fa}.{la}.{i}"),
        });
        u.alternate_username = match source {
            AD if rng.chance(0.7) => Some(format!("{fa}.{la}.{i}@corp.example.com")),
            LDAP if rng.chance(0.3) => Some(format!("{fa}{i}")),
            _ => None,
        };
        u.primary_unique_identifier = (source != LOCAL).then(|| seeded::uuid(&mut rng));
        // Statuses.
        let s: f64 = rng.gen();
        if s < 0.05 {
            u.user_status = Some(UserStatus::PendingDeletion);
            u.mark_deleted = Some(true);
            u.mark_deleted_at = Some(iso_ms(created + (30 + rng.below(300) as i64) * DAY_MS));
            u.mark_deleted_by = Some(ADMIN.into());
        } else if s < 0.17 {
            u.user_status = Some(UserStatus::Disabled);
            p.disabled_by_sync = source != LOCAL && rng.chance(0.5);
        }
        u.high_risk_user = Some(rng.chance(0.04));
        if rng.chance(0.6) {
            let sms = phone(&mut rng);
            u.voice_number = Some(if rng.chance(0.5) { sms.clone() } else { phone(&mut rng) });
            u.sms_number = Some(sms);
        }
        u.is_token_locked = Some(rng.chance(0.05));
        u.is_sms_locked = Some(rng.chance(0.03));
        u.is_voice_locked = Some(rng.chance(0.03));
        u.is_fingerprint_locked = Some(rng.chance(0.02));
        u.is_approve_locked = Some(rng.chance(0.02));
        let e: f64 = rng.gen();
        if !(0.09..0.97).contains(&e) {
            u.emergency_access_status = Some(if e < 0.09 { "Enabled" } else { "Locked" }.into());
            u.emergency_tokencode_id = Some(seeded::uuid(&mut rng));
            u.emergency_tokencode_expiration = Some(iso_ms(created + (400 + rng.below(800) as i64) * DAY_MS));
            if rng.chance(0.5) {
                u.emergency_tokencode_last_use = Some(iso_ms(created + (10 + rng.below(300) as i64) * DAY_MS));
            }
        }
        if rng.chance(0.08) {
            u.offline_emergency_access_status = Some("Enabled".into());
            u.offline_emergency_tokencode_expiration = Some(iso_ms(created + (500 + rng.below(500) as i64) * DAY_MS));
        }
        if rng.chance(0.8) {
            u.month_last_authenticated = Some(month_year(created + rng.below((SPAN_MS / 2) as u64) as i64));
        }
        if source == LOCAL {
            p.group_memberships = GROUPS.iter().filter(|_| rng.chance(0.3)).map(|g| g.to_string()).collect();
            p.sms_phone_numbers = u.sms_number.iter().cloned().collect();
            p.voice_phone_numbers = u.voice_number.iter().cloned().collect();
        }
        // Every 50th user shares an alternate username (identifier ambiguity: 409) or a
        // principal username (the newer user wins) with the one before it.
        if i % 50 == 10 {
            let prev = &mut out[i - 1].user;
            let alt = prev.alternate_username.get_or_insert_with(|| format!("shared.{fa}{i}")).clone();
            u.alternate_username = Some(alt);
        } else if i % 50 == 30 {
            u.principal_username = out[i - 1].user.principal_username.clone();
        }
        out.push(NewUser { user: u, private: p, nulls: Vec::new() });
    }
    out
}

/// The special users present in every generated tenant (see README).
pub fn fixed() -> Vec<NewUser> {
    // Their ids are literals: the same on every run, whatever the seed.
    let mut rng = seeded::stream(0x5A4D_B0C5, 0);
    let day = |n: i64| BASE_MS + n * DAY_MS;
    let mut out = Vec::new();
    let mut add = |email: &str, id: &str, first: &str, last: &str, source: &str, created: i64, f: &mut dyn FnMut(&mut User, &mut Private)| {
        let mut u = base_user(id.to_string(), email.to_string(), source, created);
        u.first_name = Some(first.to_string());
        u.last_name = Some(last.to_string());
        u.principal_username = Some(email.split('@').next().unwrap_or_default().to_string());
        u.month_last_authenticated = Some(month_year(created + 200 * DAY_MS));
        u.primary_unique_identifier = (source != LOCAL).then(|| seeded::uuid(&mut rng));
        let mut p = Private::default();
        f(&mut u, &mut p);
        out.push(NewUser { user: u, private: p, nulls: Vec::new() });
    };
    add("markup.user@example.com", "8f6344b7-00b6-46c3-b934-5f57101dfcdc", "<img src=x onerror=alert(1)>", "<script>alert(2)</script>", AD, day(10), &mut |u, _| {
        u.alternate_username = Some("<b>markup</b>@corp.example.com".into());
    });
    add("pending.deletion@example.com", "ee890541-5d04-4409-a68a-a8f1ccb504dd", "Pending", "Deletion", AD, day(20), &mut |u, _| {
        u.user_status = Some(UserStatus::PendingDeletion);
        u.mark_deleted = Some(true);
        u.mark_deleted_at = Some(iso_ms(day(900)));
        u.mark_deleted_by = Some(ADMIN.into());
    });
    add("synced.disabled@example.com", "ea40e04a-957c-44e7-8a5e-621bf7e4175a", "Synced", "Disabled", AD, day(30), &mut |u, p| {
        u.user_status = Some(UserStatus::Disabled);
        p.disabled_by_sync = true;
    });
    add("admin.disabled@example.com", "7e1cb732-477b-49de-9cdb-073eaf3050d9", "Admin", "Disabled", AD, day(35), &mut |u, _| {
        u.user_status = Some(UserStatus::Disabled);
    });
    add("full.user@example.com", "bade7ccc-f71e-4fa6-8919-18129d171be0", "Full", "User", AD, day(40), &mut |u, _| {
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
        u.emergency_tokencode_expiration = Some(iso_ms(day(2000)));
        u.emergency_tokencode_last_use = Some(iso_ms(day(1500)));
        u.offline_emergency_access_status = Some("Enabled".into());
        u.offline_emergency_tokencode_expiration = Some(iso_ms(day(2100)));
        u.mark_deleted_at = Some(iso_ms(day(100)));
        u.mark_deleted_by = Some(ADMIN.into());
        u.principal_username = Some("fulluser".into());
        u.alternate_username = Some("full.user@corp.example.com".into());
        u.extra.insert("department".into(), json!("Finance"));
        u.extra.insert("customAttributes".into(), json!({"costCenter": "4711", "badges": ["a", "b"]}));
        u.extra.insert("lastLoginIp".into(), json!("192.0.2.10"));
        u.extra.insert("riskScore".into(), json!(12.5));
    });
    add("local.user@example.com", "e049acb4-0d09-4ea7-8848-bc1e61bbc3bd", "Local", "User", LOCAL, day(50), &mut |u, p| {
        u.principal_username = Some("local.user".into());
        u.sms_number = Some("+1 555 010 0001".into());
        p.group_memberships = vec!["helpdesk".into()];
        p.sms_phone_numbers = vec!["+1 555 010 0001".into()];
    });
    add("local.other@example.com", "ddcc7522-8dd8-4d15-94f4-95fea3cb3bc7", "Local", "Other", LOCAL, day(55), &mut |u, _| {
        u.principal_username = Some("local.other".into());
    });
    add("shared.alt.one@example.com", "9937a461-d944-402e-bd7f-c629e8c3b775", "Shared", "One", LDAP, day(60), &mut |u, _| {
        u.alternate_username = Some("shared.alt".into());
    });
    add("shared.alt.two@example.com", "293f07c5-85f5-4a68-ad59-55d8046cf372", "Shared", "Two", LDAP, day(61), &mut |u, _| {
        u.alternate_username = Some("shared.alt".into());
    });
    add("old.principal@example.com", "9552104b-6282-4bf1-a16e-9edc33f35f09", "Old", "Principal", AD, day(70), &mut |u, _| {
        u.principal_username = Some("dup.principal".into());
    });
    add("new.principal@example.com", "f0144265-c5c2-4c00-8367-851d3a79c750", "New", "Principal", AD, day(1700), &mut |u, _| {
        u.principal_username = Some("dup.principal".into());
    });
    add("high.risk@example.com", "a4fd21dc-9487-4c8f-bc80-c1936950d276", "High", "Risk", AD, day(80), &mut |u, _| {
        u.high_risk_user = Some(true);
        u.alternate_username = Some("high.risk@corp.example.com".into());
    });
    add("unsynched.user@example.com", "f23810ea-c7d4-4b43-8b93-ab59a9760263", "Unsynched", "User", LDAP, day(90), &mut |_, p| {
        p.unsynched = true;
    });
    add("locked.user@example.com", "55306973-d913-4bb0-b17c-81fc2c2a1f89", "Locked", "User", AD, day(95), &mut |u, _| {
        u.is_token_locked = Some(true);
        u.is_sms_locked = Some(true);
        u.is_voice_locked = Some(true);
        u.is_fingerprint_locked = Some(true);
        u.is_approve_locked = Some(true);
        u.emergency_access_status = Some("Locked".into());
        u.emergency_tokencode_id = Some("3f1c9a52-0d5e-4b8e-9c1a-2b7d6e5f4a30".into());
        u.emergency_tokencode_expiration = Some(iso_ms(day(1800)));
    });
    add("jose.muller@example.com", "e9e30ad4-f2fe-42b6-9e16-3496c7e4e8ce", "José", "Müller", AD, day(100), &mut |u, _| {
        u.sms_number = Some("+49 170 1234567".into());
    });
    add("zoe.lukasiewicz@example.com", "8a5ac17f-2fbf-4dbe-9982-af345e930642", "Zoë", "Łukasiewicz", LDAP, day(110), &mut |_, _| {});
    add("taro.yamada@example.com", "c49dc348-94cf-4594-96ed-293f20ea87dc", "太郎", "山田", AD, day(120), &mut |u, _| {
        u.alternate_username = Some("山田太郎".into());
    });
    add("j.doe@example.com", "05b10a96-e7ec-46a6-98a9-92fd42fe7b5d", "Jane", "Doe", AD, day(130), &mut |_, _| {});
    add("a.j.doe@example.com", "7fc24a2e-d4cb-426b-b6da-8e4164d173e6", "Adam", "Doe", AD, day(131), &mut |_, _| {});
    add("j.doe2@example.com", "36fbb1dc-f5f4-4434-8ad5-581649165647", "John", "Doe", LDAP, day(132), &mut |_, _| {});
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
    out.push(NewUser { user: sparse, private: Private::default(), nulls: Vec::new() });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn deterministic_and_unique() {
        let a = generate(300, 1);
        let b = generate(300, 1);
        assert_eq!(a.iter().map(|u| &u.user).collect::<Vec<_>>(), b.iter().map(|u| &u.user).collect::<Vec<_>>());
        let c = generate(300, 2);
        assert_ne!(a[0].user.id, c[0].user.id);
        let mut emails: HashSet<String> = HashSet::new();
        let mut ids = HashSet::new();
        for u in a.iter().chain(fixed().iter()) {
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
}
