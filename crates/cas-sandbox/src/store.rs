//! The tenant's state: users in memory (with the indexes the API needs) written through to
//! SQLite before any change is answered, plus credentials and issued tokens.

use crate::seeded;
use cas_core::helpdesk::AuthenticatorsV2;
use cas_core::wire::{User, UserStatus};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;
use axum::body::Bytes;

/// What the sandbox knows about a user beyond what the lookup API shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Private {
    /// Disabled by a synchronization with the identity source: an admin cannot enable it (409).
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled_by_sync: bool,
    /// In the identity source but not yet synchronized: found only by a lookup with
    /// `"searchUnsynched": true`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unsynched: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_memberships: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sms_phone_numbers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub voice_phone_numbers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternate_usernames: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_email: Option<String>,
    /// App devices, browsers, FIDO credentials and hardware tokens (the devices APIs).
    #[serde(default, skip_serializing_if = "AuthenticatorsV2::is_empty")]
    pub authenticators: AuthenticatorsV2,
    /// What the emulated identity source says about the user, for the sync API.
    #[serde(default, skip_serializing_if = "Directory::is_present")]
    pub directory: Directory,
    /// In a SCIM-managed identity source: Mark User Deleted answers 405.
    #[serde(default, skip_serializing_if = "is_false")]
    pub scim_managed: bool,
    /// Where the generated history comes from (none for a users-file user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Origin>,
}

/// The emulated identity source's view of a user, which a sync applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Directory {
    /// There and enabled: a sync keeps the user (and enables one the directory had disabled).
    #[default]
    Present,
    /// Disabled in the directory: a sync disables the user (event 401).
    Disabled,
    /// Gone from the directory: a sync disables the user (event 402).
    Missing,
}

impl Directory {
    fn is_present(&self) -> bool {
        *self == Directory::Present
    }
}

/// Which generated user (by index) or fixed user (by position) a stored user was made as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    Generated(u32),
    Fixed(u32),
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Keys of a users file that go to `Private` instead of the user object.
const PRIVATE_KEYS: [&str; 10] = [
    "disabledBySync", "unsynched", "groupMemberships", "smsPhoneNumbers", "voicePhoneNumbers",
    "alternateUsernames", "managerEmail", "authenticators", "directory", "scimManaged",
];

/// A user about to be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct NewUser {
    pub user: User,
    pub private: Private,
    /// Keys beyond the documented ones to write as `null` rather than leave out (a users
    /// file that sets them to null).
    pub nulls: Vec<String>,
}

/// A stored user with its wire form cached.
#[derive(Clone, Debug)]
pub struct Rec {
    pub user: User,
    pub private: Private,
    pub nulls: Vec<String>,
    pub email_lc: String,
    pub wire: Bytes,
}

impl Rec {
    pub fn new(n: NewUser) -> Rec {
        let wire = wire_form(&n.user, &n.private, &n.nulls);
        Rec { email_lc: n.user.email_address.to_lowercase(), user: n.user, private: n.private, nulls: n.nulls, wire }
    }

    /// The same user with `user`/`private` changed.
    pub fn with(&self, user: User, private: Private) -> Rec {
        Rec::new(NewUser { user, private, nulls: self.nulls.clone() })
    }

    pub fn status(&self) -> &UserStatus {
        self.user.user_status.as_ref().unwrap_or(&UserStatus::Enabled)
    }

    /// When something about this user changes by itself: the purge seven days after a mark
    /// for deletion, an emergency code's expiry. Only moments after `after` count (the
    /// tenant's first start): what a users file says had already happened is taken as it is.
    pub fn deadline(&self, after: i64) -> Option<i64> {
        self.deadlines().into_iter().flatten().filter(|t| *t > after).min()
    }

    /// The purge, the online code's expiry, the offline code's expiry.
    pub fn deadlines(&self) -> [Option<i64>; 3] {
        let at = |s: &Option<String>| s.as_deref().and_then(crate::clock::parse_iso);
        let u = &self.user;
        let purge = (*self.status() == UserStatus::PendingDeletion)
            .then(|| at(&u.mark_deleted_at).map(|t| t + cas_core::helpdesk::mark_deleted::PURGE_AFTER_DAYS * crate::clock::DAY_MS))
            .flatten();
        let online = matches!(u.emergency_access_status.as_deref(), Some("Enabled" | "Locked")).then(|| at(&u.emergency_tokencode_expiration)).flatten();
        let offline = (u.offline_emergency_access_status.as_deref() == Some("Enabled")).then(|| at(&u.offline_emergency_tokencode_expiration)).flatten();
        [purge, online, offline]
    }

    pub fn visible(&self) -> bool {
        !self.private.unsynched
    }

    fn creation(&self) -> &str {
        self.user.creation_date.as_deref().unwrap_or("")
    }
}

/// The JSON the API answers for a user: `User` as serde writes it (its fields in declaration
/// order, thanks to serde_json's `preserve_order`; the documented ones always, `null` when
/// empty: see `wire::User`), the keys in `nulls` as `null` where `User` would leave them out,
/// then any extra fields. Users of the Local Identity Source also carry what the update API
/// edits (groups, phone lists, alternate usernames, manager): RSA documents no read for these,
/// and without them an editing client could only blank them.
fn wire_form(user: &User, private: &Private, nulls: &[String]) -> Bytes {
    let Ok(Value::Object(written)) = serde_json::to_value(user) else {
        return Bytes::from_static(b"{}");
    };
    let mut out = Map::new();
    let (fields, extra): (Vec<_>, Vec<_>) = written.into_iter().partition(|(k, _)| !user.extra.contains_key(k));
    out.extend(fields);
    out.extend(nulls.iter().map(|k| (k.clone(), Value::Null)));
    out.extend(extra);
    if user.identity_source.as_deref() == Some(crate::gen::LOCAL) {
        let list = |l: &[String]| Value::from(l.to_vec());
        out.insert("groupMemberships".into(), list(&private.group_memberships));
        out.insert("smsPhoneNumbers".into(), list(&private.sms_phone_numbers));
        out.insert("voicePhoneNumbers".into(), list(&private.voice_phone_numbers));
        out.insert("alternateUsernames".into(), list(&private.alternate_usernames));
        out.insert("managerEmail".into(), private.manager_email.clone().map_or(Value::Null, Value::from));
    }
    Bytes::from(serde_json::to_vec(&Value::Object(out)).unwrap_or_else(|_| b"{}".to_vec()))
}

/// The keys a supplied or stored user object sets to `null` that `User`, written back, leaves
/// out: those its answers keep as `null` (a users file may set them so).
fn nulls_of(given: &Map<String, Value>, user: &User) -> Vec<String> {
    let written = match serde_json::to_value(user) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    given.iter().filter(|(k, v)| v.is_null() && !written.contains_key(*k)).map(|(k, _)| k.clone()).collect()
}

/// How an identifier resolved for the high-risk API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    User(usize),
    NotFound,
    Ambiguous,
}

#[derive(Default)]
pub struct Users {
    pub recs: Vec<Rec>,
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    by_principal: HashMap<String, Vec<usize>>,
    by_alt: HashMap<String, Vec<usize>>,
    /// Visible users, by lowercase email.
    sorted: Vec<usize>,
}

impl Users {
    pub fn new(recs: Vec<Rec>) -> Users {
        let mut u = Users { recs, ..Users::default() };
        u.reindex();
        u
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_email.clear();
        self.by_principal.clear();
        self.by_alt.clear();
        for (i, r) in self.recs.iter().enumerate() {
            self.by_id.insert(r.user.id.clone(), i);
            self.by_email.insert(r.email_lc.clone(), i);
            if !r.visible() {
                continue;
            }
            if let Some(p) = r.user.principal_username.as_deref().filter(|p| !p.is_empty()) {
                self.by_principal.entry(p.to_lowercase()).or_default().push(i);
            }
            if let Some(a) = r.user.alternate_username.as_deref().filter(|a| !a.is_empty()) {
                self.by_alt.entry(a.to_lowercase()).or_default().push(i);
            }
        }
        let mut sorted: Vec<usize> = (0..self.recs.len()).filter(|i| self.recs[*i].visible()).collect();
        sorted.sort_by(|a, b| self.recs[*a].email_lc.cmp(&self.recs[*b].email_lc));
        self.sorted = sorted;
    }

    pub fn len(&self) -> usize {
        self.recs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// By email, case-insensitively; unsynched users only when asked for.
    pub fn by_email(&self, email: &str, include_unsynched: bool) -> Option<&Rec> {
        let r = &self.recs[*self.by_email.get(&email.to_lowercase())?];
        (r.visible() || include_unsynched).then_some(r)
    }

    pub fn index_of_email(&self, email_lc: &str) -> Option<usize> {
        self.by_email.get(email_lc).copied()
    }

    pub fn index_of_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied().filter(|i| self.recs[*i].visible())
    }

    /// Visible users whose email contains `needle_lc`, by email ascending.
    pub fn matching<'a>(&'a self, needle_lc: &'a str) -> impl Iterator<Item = &'a Rec> + 'a {
        self.sorted.iter().map(|i| &self.recs[*i]).filter(move |r| r.email_lc.contains(needle_lc))
    }

    /// Search results in the documented order (that of `cas_core::search::order`): the exact
    /// match first, then the other matches by lowercase email. `needle_lc` is lowercase.
    pub fn search<'a>(&'a self, needle_lc: &'a str) -> impl Iterator<Item = &'a Rec> + 'a {
        let exact = self.by_email(needle_lc, false);
        exact.into_iter().chain(self.matching(needle_lc).filter(move |r| !exact.is_some_and(|e| std::ptr::eq(*r, e))))
    }

    /// Email, then principal username (newest creation wins), then alternate username
    /// (several: ambiguous), all case-insensitive.
    pub fn resolve(&self, identifier: &str) -> Resolved {
        let key = identifier.to_lowercase();
        if let Some(i) = self.by_email.get(&key).filter(|i| self.recs[**i].visible()) {
            return Resolved::User(*i);
        }
        if let Some(list) = self.by_principal.get(&key) {
            if let Some(i) = list.iter().max_by(|a, b| self.recs[**a].creation().cmp(self.recs[**b].creation())) {
                return Resolved::User(*i);
            }
        }
        match self.by_alt.get(&key).map(Vec::as_slice) {
            Some([one]) => Resolved::User(*one),
            Some([_, _, ..]) => Resolved::Ambiguous,
            _ => Resolved::NotFound,
        }
    }

    /// Another visible user already uses this principal username.
    pub fn principal_taken(&self, name: &str, except: usize) -> bool {
        self.by_principal.get(&name.to_lowercase()).is_some_and(|l| l.iter().any(|i| *i != except))
    }

    /// Replaces users in place (indexes rebuilt only when a key changed).
    pub fn replace(&mut self, changed: Vec<(usize, Rec)>) {
        let mut rekey = false;
        for (i, rec) in changed {
            let old = &self.recs[i];
            rekey |= old.email_lc != rec.email_lc
                || old.user.principal_username != rec.user.principal_username
                || old.user.alternate_username != rec.user.alternate_username
                || old.user.id != rec.user.id
                || old.visible() != rec.visible();
            self.recs[i] = rec;
        }
        if rekey {
            self.reindex();
        }
    }

    /// Removes users (purged) and rebuilds the indexes.
    pub fn remove(&mut self, ids: &[String]) {
        self.recs.retain(|r| !ids.contains(&r.user.id));
        self.reindex();
    }

    /// By id, whether synchronized or not (the sync API synchronizes an unsynched user).
    pub fn index_of_any_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Visible high-risk users by email.
    pub fn high_risk(&self) -> impl Iterator<Item = &Rec> {
        self.sorted.iter().map(|i| &self.recs[*i]).filter(|r| r.user.high_risk_user == Some(true))
    }
}

/// A credential the sandbox issued, as stored.
#[derive(Clone)]
pub struct StoredCred {
    pub name: String,
    pub ident: String,
    pub kid: String,
    pub secret: String,
}

/// An OAuth access token (only its hash is stored).
#[derive(Clone, Debug)]
pub struct StoredToken {
    pub hash: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: u64,
}

pub struct Db {
    conn: Connection,
}

type DbResult<T> = Result<T, String>;

fn err(e: rusqlite::Error) -> String {
    format!("database error: {e}")
}

impl Db {
    pub fn open(dir: &Path) -> DbResult<Db> {
        let path = dir.join("sandbox.db");
        crate::keys::create_private(&path)?;
        let conn = Connection::open(&path).map_err(err)?;
        // FULL: a commit is on disk before the change is answered, even if the machine (not
        // only the sandbox) goes down. SQLite gives the WAL and its index the database's mode.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=FULL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS users (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, wire TEXT NOT NULL, private TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS creds (name TEXT PRIMARY KEY, ident TEXT NOT NULL, kid TEXT NOT NULL, secret TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, scopes TEXT NOT NULL, expires_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS revoked (hash TEXT PRIMARY KEY);
             CREATE TABLE IF NOT EXISTS jtis (key TEXT PRIMARY KEY, until REAL NOT NULL);
             CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, user_id TEXT NOT NULL, at INTEGER NOT NULL, entry TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS events_by_user ON events (user_id, at);",
        )
        .map_err(err)?;
        Ok(Db { conn })
    }

    pub fn meta(&self, key: &str) -> DbResult<Option<String>> {
        self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional().map_err(err)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> DbResult<()> {
        self.conn
            .execute("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])
            .map(|_| ())
            .map_err(err)
    }

    pub fn user_count(&self) -> DbResult<usize> {
        self.conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0)).map(|n| n as usize).map_err(err)
    }

    pub fn load_users(&self) -> DbResult<Vec<Rec>> {
        let mut stmt = self.conn.prepare("SELECT wire, private FROM users ORDER BY seq").map_err(err)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(err)?;
        let mut out = Vec::new();
        for row in rows {
            let (wire, private) = row.map_err(err)?;
            let mut value: Value = serde_json::from_str(&wire).map_err(|e| format!("stored user is not JSON: {e}"))?;
            // What `Private` holds is stored there; in the user it would be written twice.
            if let Value::Object(m) = &mut value {
                for key in PRIVATE_KEYS {
                    m.remove(key);
                }
            }
            let given = value.as_object().cloned().unwrap_or_default();
            let user: User = serde_json::from_value(value).map_err(|e| format!("stored user unreadable: {e}"))?;
            let nulls = nulls_of(&given, &user);
            let private: Private = serde_json::from_str(&private).map_err(|e| format!("stored user unreadable: {e}"))?;
            out.push(Rec::new(NewUser { user, private, nulls }));
        }
        Ok(out)
    }

    /// Writes users (insert or update) in one transaction.
    pub fn save_users<'a>(&mut self, recs: impl IntoIterator<Item = &'a Rec>) -> DbResult<()> {
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO users (id, wire, private) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET wire = excluded.wire, private = excluded.private")
                .map_err(err)?;
            for r in recs {
                let wire = std::str::from_utf8(&r.wire).unwrap_or("{}");
                let private = serde_json::to_string(&r.private).unwrap_or_else(|_| "{}".into());
                stmt.execute(params![r.user.id, wire, private]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    pub fn clear_users(&self) -> DbResult<()> {
        self.conn.execute("DELETE FROM users", []).map(|_| ()).map_err(err)
    }

    /// Removes users and everything recorded about them (purged after their seven days).
    pub fn delete_users<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) -> DbResult<()> {
        let tx = self.conn.transaction().map_err(err)?;
        for id in ids {
            tx.execute("DELETE FROM users WHERE id = ?1", [id]).map_err(err)?;
            tx.execute("DELETE FROM events WHERE user_id = ?1", [id]).map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    pub fn clear_events(&self) -> DbResult<()> {
        self.conn.execute("DELETE FROM events", []).map(|_| ()).map_err(err)
    }

    /// Records an event an action wrote into the user's auth log (its JSON as answered), in
    /// the same transaction as the user's change.
    pub fn save_user_with_events(&mut self, rec: &Rec, events: &[(i64, String)]) -> DbResult<()> {
        let tx = self.conn.transaction().map_err(err)?;
        {
            let wire = std::str::from_utf8(&rec.wire).unwrap_or("{}");
            let private = serde_json::to_string(&rec.private).unwrap_or_else(|_| "{}".into());
            tx.execute(
                "INSERT INTO users (id, wire, private) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET wire = excluded.wire, private = excluded.private",
                params![rec.user.id, wire, private],
            )
            .map_err(err)?;
            for (at, entry) in events {
                tx.execute("INSERT INTO events (user_id, at, entry) VALUES (?1, ?2, ?3)", params![rec.user.id, at, entry]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// The events actions wrote for a user since `since` (epoch ms), oldest first.
    pub fn events_of(&self, user_id: &str, since: i64) -> DbResult<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare_cached("SELECT at, entry FROM events WHERE user_id = ?1 AND at > ?2 ORDER BY at, seq").map_err(err)?;
        let rows = stmt.query_map(params![user_id, since], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    pub fn cred(&self, name: &str) -> DbResult<Option<StoredCred>> {
        self.conn
            .query_row("SELECT name, ident, kid, secret FROM creds WHERE name = ?1", [name], |r| {
                Ok(StoredCred { name: r.get(0)?, ident: r.get(1)?, kid: r.get(2)?, secret: r.get(3)? })
            })
            .optional()
            .map_err(err)
    }

    pub fn put_cred(&self, c: &StoredCred) -> DbResult<()> {
        self.conn
            .execute("INSERT OR REPLACE INTO creds (name, ident, kid, secret) VALUES (?1, ?2, ?3, ?4)", params![c.name, c.ident, c.kid, c.secret])
            .map(|_| ())
            .map_err(err)
    }

    pub fn put_token(&self, t: &StoredToken) -> DbResult<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO tokens (hash, client_id, scopes, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![t.hash, t.client_id, t.scopes.join(" "), t.expires_at as i64],
            )
            .map(|_| ())
            .map_err(err)
    }

    pub fn load_tokens(&self, now: u64) -> DbResult<Vec<StoredToken>> {
        self.conn.execute("DELETE FROM tokens WHERE expires_at < ?1", [now as i64]).map_err(err)?;
        let mut stmt = self.conn.prepare("SELECT hash, client_id, scopes, expires_at FROM tokens").map_err(err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoredToken {
                    hash: r.get(0)?,
                    client_id: r.get(1)?,
                    scopes: r.get::<_, String>(2)?.split_whitespace().map(str::to_string).collect(),
                    expires_at: r.get::<_, i64>(3)? as u64,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    pub fn revoke<'a>(&mut self, hashes: impl IntoIterator<Item = &'a String>) -> DbResult<()> {
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut stmt = tx.prepare_cached("INSERT OR IGNORE INTO revoked (hash) VALUES (?1)").map_err(err)?;
            for h in hashes {
                stmt.execute([h]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// Records a used client-assertion `jti` until `until` (epoch seconds).
    pub fn put_jti(&self, key: &str, until: f64) -> DbResult<()> {
        self.conn
            .execute("INSERT OR REPLACE INTO jtis (key, until) VALUES (?1, ?2)", params![key, until])
            .map(|_| ())
            .map_err(err)
    }

    /// The `jti`s still in force at `now`; older ones are forgotten.
    pub fn load_jtis(&self, now: f64) -> DbResult<Vec<(String, f64)>> {
        self.conn.execute("DELETE FROM jtis WHERE until < ?1", [now]).map_err(err)?;
        let mut stmt = self.conn.prepare("SELECT key, until FROM jtis").map_err(err)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    #[cfg(test)]
    fn pragma(&self, name: &str) -> i64 {
        self.conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap_or(-1)
    }

    pub fn load_revoked(&self) -> DbResult<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT hash FROM revoked").map_err(err)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }
}

/// The seeded stream of the ids a users file leaves out.
const USERS_FILE_STREAM: u64 = 0xF11E;

/// Reads a `--users-file`: a JSON array of users with the lookup API's field names, plus the
/// sandbox-only keys in `PRIVATE_KEYS`. `id` is generated (from `seed`) when absent.
pub fn parse_users_file(text: &str, seed: u64) -> Result<Vec<NewUser>, String> {
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Array(items) = value else {
        return Err("must be a JSON array of user objects".into());
    };
    let mut rng = seeded::stream(seed, USERS_FILE_STREAM);
    let mut ids = std::collections::HashSet::new();
    let mut emails = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let at = |msg: String| format!("user #{i} (0-based): {msg}");
        let Value::Object(mut obj) = item else {
            return Err(at("not a JSON object".into()));
        };
        let mut private_map = Map::new();
        for key in PRIVATE_KEYS {
            if let Some(v) = obj.remove(key) {
                private_map.insert(key.to_string(), v);
            }
        }
        let private: Private = serde_json::from_value(Value::Object(private_map)).map_err(|e| at(format!("sandbox-only field: {e}")))?;
        match obj.get("emailAddress") {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => return Err(at("\"emailAddress\" must be a non-empty string".into())),
        }
        match obj.get("id") {
            None | Some(Value::Null) => {
                obj.insert("id".into(), Value::String(seeded::uuid(&mut rng)));
            }
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => return Err(at("\"id\" must be a non-empty string when present".into())),
        }
        let given = obj.clone();
        let user: User = serde_json::from_value(Value::Object(obj)).map_err(|e| at(e.to_string()))?;
        let nulls = nulls_of(&given, &user);
        // `User` reads a field of another type as absent (the console must survive odd
        // answers); a fixture with one is a mistake, so written back it must say the same.
        if let Ok(Value::Object(written)) = serde_json::to_value(&user) {
            if let Some((key, _)) = given.iter().find(|(k, v)| !v.is_null() && written.get(*k).is_none_or(Value::is_null)) {
                return Err(at(format!("\"{key}\" has a type the lookup API does not give it")));
            }
        }
        if let Some(UserStatus::Other(s)) = &user.user_status {
            return Err(at(format!("userStatus \"{s}\" is not Enabled, Disabled or Pending Deletion")));
        }
        if !ids.insert(user.id.clone()) {
            return Err(at(format!("duplicate id {}", user.id)));
        }
        if !emails.insert(user.email_address.to_lowercase()) {
            return Err(at(format!("duplicate emailAddress {}", user.email_address)));
        }
        out.push(NewUser { user, private, nulls });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(email: &str, principal: Option<&str>, alt: Option<&str>, created: &str) -> Rec {
        Rec::new(NewUser {
            user: User {
                id: email.into(),
                email_address: email.into(),
                principal_username: principal.map(Into::into),
                alternate_username: alt.map(Into::into),
                creation_date: Some(created.into()),
                ..User::default()
            },
            private: Private::default(),
            nulls: Vec::new(),
        })
    }

    #[test]
    fn identifiers_resolve_in_the_documented_order() {
        let users = Users::new(vec![
            rec("a@x.com", Some("dup"), Some("alt"), "2020-01-01T00:00:00.000Z"),
            rec("b@x.com", Some("dup"), Some("ALT"), "2021-01-01T00:00:00.000Z"),
            rec("c@x.com", Some("alt"), Some("only"), "2019-01-01T00:00:00.000Z"),
        ]);
        assert_eq!(users.resolve("A@X.com"), Resolved::User(0));
        assert_eq!(users.resolve("DUP"), Resolved::User(1));
        // Principal username beats alternate username.
        assert_eq!(users.resolve("alt"), Resolved::User(2));
        assert_eq!(users.resolve("only"), Resolved::User(2));
        assert_eq!(users.resolve("nobody"), Resolved::NotFound);
        let users = Users::new(vec![rec("a@x.com", None, Some("alt"), "x"), rec("b@x.com", None, Some("Alt"), "y")]);
        assert_eq!(users.resolve("ALT"), Resolved::Ambiguous);
    }

    #[test]
    fn search_order_is_cas_cores() {
        let anchor = crate::clock::day_start(1_796_083_200_000);
        let mut all: Vec<NewUser> = crate::gen::fixed(anchor).into_iter().map(|g| g.user).collect();
        all.extend(crate::gen::generate(400, 3, anchor));
        let users = Users::new(all.into_iter().map(Rec::new).collect());
        for needle in ["j.doe@example.com", "J.DOE", "example", "jose", "muller.1", "@", "a", "nothing-matches", "taro.yamada@example.com"] {
            let lc = needle.to_lowercase();
            let ours: Vec<&str> = users.search(&lc).map(|r| r.user.email_address.as_str()).collect();
            let mut theirs: Vec<&User> = users.recs.iter().filter(|r| r.visible() && cas_core::search::matches(&r.user.email_address, &lc)).map(|r| &r.user).collect();
            cas_core::search::order(&mut theirs, needle);
            let theirs: Vec<&str> = theirs.iter().map(|u| u.email_address.as_str()).collect();
            assert_eq!(ours, theirs, "{needle}");
        }
    }

    #[test]
    fn users_file_users_get_every_documented_field() {
        let parsed = parse_users_file(r#"[{"emailAddress":"s@x.com","firstName":null,"disabledBySync":true,"smsNumber":null,"zzz":1}]"#, 1).unwrap();
        let r = Rec::new(parsed[0].clone());
        let v: Value = serde_json::from_slice(&r.wire).unwrap();
        assert_eq!(v.get("smsNumber"), Some(&Value::Null));
        assert!(v.get("voiceNumber").is_none());
        let text = std::str::from_utf8(&r.wire).unwrap();
        assert!(text.starts_with("{\"id\":"), "{text}");
        assert!(text.ends_with(",\"zzz\":1}"), "{text}");
        assert_eq!(v.get("lastName"), Some(&Value::Null));
        assert_eq!(v.get("firstName"), Some(&Value::Null));
        assert!(v.get("isFingerprintLocked").is_none());
        // The User Details page's fields (its example), always there.
        for k in [
            "id", "emailAddress", "firstName", "lastName", "creationDate", "identitySource", "userStatus", "markDeleted",
            "highRiskUser", "markDeletedAt", "markDeletedBy", "isTokenLocked", "isSmsLocked", "isVoiceLocked", "lastSyncTime",
            "emergencyAccessStatus", "emergencyTokencodeId", "emergencyTokencodeExpiration", "emergencyTokencodeLastUse",
            "offlineEmergencyAccessStatus", "offlineEmergencyTokencodeExpiration",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert!(v.get("disabledBySync").is_none());
        assert!(r.private.disabled_by_sync);
        assert_eq!(v["id"].as_str().unwrap().len(), 36);
    }

    #[test]
    fn commits_are_synchronous() {
        let dir = std::env::temp_dir().join(format!("cas-sandbox-db-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open(&dir).unwrap();
        // 2 = FULL.
        assert_eq!(db.pragma("synchronous"), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_local_user_read_back_from_the_database_is_answered_as_before() {
        let dir = std::env::temp_dir().join(format!("cas-sandbox-db-local-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut db = Db::open(&dir).unwrap();
        let file = r#"[{"emailAddress":"l@x","identitySource":"Local Identity Source","groupMemberships":["helpdesk"],"smsNumber":null}]"#;
        let rec = Rec::new(parse_users_file(file, 1).unwrap().remove(0));
        db.save_users([&rec]).unwrap();
        let loaded = db.load_users().unwrap().remove(0);
        assert_eq!(loaded.wire, rec.wire);
        let text = std::str::from_utf8(&loaded.wire).unwrap();
        assert_eq!(text.matches("\"groupMemberships\"").count(), 1, "{text}");
        assert!(text.contains("\"smsNumber\":null"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_users_files_say_why() {
        assert!(parse_users_file("{", 1).unwrap_err().contains("JSON"));
        assert!(parse_users_file("{}", 1).unwrap_err().contains("array"));
        assert!(parse_users_file(r#"[{"id":"1"}]"#, 1).unwrap_err().contains("emailAddress"));
        assert!(parse_users_file(r#"[{"emailAddress":"a@x","userStatus":"Gone"}]"#, 1).unwrap_err().contains("Gone"));
        assert!(parse_users_file(r#"[{"emailAddress":"a@x"},{"emailAddress":"A@x"}]"#, 1).unwrap_err().contains("duplicate"));
        assert!(parse_users_file(r#"[{"emailAddress":"a@x","highRiskUser":"yes"}]"#, 1).unwrap_err().contains("#0"));
        assert!(parse_users_file(r#"[{"emailAddress":"a@x","disabledBySync":"yes"}]"#, 1).is_err());
    }
}
