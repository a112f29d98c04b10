//! The tenant's credentials: two legacy Administration API keys and three OAuth clients,
//! generated at first start, kept in the state DB, and written out as files each start.

use crate::store::{Db, StoredCred};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cas_core::access::{KeyRole, ALL_SCOPES};
use cas_core::wire::{KeyFileJson, OAuthClientFile};
use rand::rngs::OsRng;
use rand::RngCore;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, LineEnding};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey};
use serde_json::{json, Value};
use std::path::Path;

/// The tenant's name in the key files and the auth logs.
pub const CUSTOMER_NAME: &str = "CAS Sandbox";

/// RSA modulus size of every generated key, as RSA issues them.
pub const KEY_BITS: usize = 2048;

/// A legacy key the API accepts (`sub` = access ID).
pub struct LegacyKey {
    pub file: &'static str,
    pub role: KeyRole,
    pub access_id: String,
    pub private: RsaPrivateKey,
}

pub enum ClientKey {
    Rsa(Box<RsaPrivateKey>),
    Ec(p256::ecdsa::SigningKey),
}

/// An OAuth API client.
pub struct Client {
    pub file: &'static str,
    pub client_id: String,
    pub kid: String,
    pub key: ClientKey,
    pub allowed_scopes: Vec<String>,
}

pub struct Creds {
    pub legacy: Vec<LegacyKey>,
    pub clients: Vec<Client>,
}

pub use crate::seeded::random_uuid;

pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn full_scopes() -> Vec<String> {
    let mut s: Vec<String> = ALL_SCOPES.iter().map(|s| s.to_string()).collect();
    s.push("rsa.user.local.manage".into());
    s
}

struct Spec {
    name: &'static str,
    file: &'static str,
    ec: bool,
}

const SPECS: [Spec; 5] = [
    Spec { name: "superadmin", file: "superadmin.key", ec: false },
    Spec { name: "helpdesk", file: "helpdesk.key", ec: false },
    Spec { name: "oauth-client", file: "oauth-client.json", ec: false },
    Spec { name: "oauth-client-limited", file: "oauth-client-limited.json", ec: false },
    Spec { name: "oauth-client-ec", file: "oauth-client-ec.json", ec: true },
];

/// Loads the credentials from the DB, generating (in parallel) whatever is missing.
pub fn load_or_create(db: &Db, bits: usize) -> Result<Creds, String> {
    let mut stored: Vec<Option<StoredCred>> = Vec::new();
    for s in &SPECS {
        stored.push(db.cred(s.name)?);
    }
    let missing_rsa: Vec<usize> = (0..SPECS.len()).filter(|i| stored[*i].is_none() && !SPECS[*i].ec).collect();
    let generated: Vec<Result<RsaPrivateKey, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = missing_rsa
            .iter()
            .map(|_| scope.spawn(move || RsaPrivateKey::new(&mut OsRng, bits).map_err(|e| format!("RSA key generation failed: {e}"))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("RSA key generation panicked".into()))).collect()
    });
    for (i, key) in missing_rsa.iter().zip(generated) {
        let pem = key?.to_pkcs1_pem(LineEnding::LF).map_err(|e| format!("cannot encode key: {e}"))?;
        let c = StoredCred { name: SPECS[*i].name.into(), ident: random_uuid(), kid: random_hex(8), secret: pem.to_string() };
        db.put_cred(&c)?;
        stored[*i] = Some(c);
    }
    for (i, s) in SPECS.iter().enumerate() {
        if s.ec && stored[i].is_none() {
            let key = p256::ecdsa::SigningKey::random(&mut OsRng);
            let secret: String = key.to_bytes().iter().map(|x| format!("{x:02x}")).collect();
            let c = StoredCred { name: s.name.into(), ident: random_uuid(), kid: random_hex(8), secret };
            db.put_cred(&c)?;
            stored[i] = Some(c);
        }
    }
    let mut creds = Creds { legacy: Vec::new(), clients: Vec::new() };
    for (s, c) in SPECS.iter().zip(stored) {
        let c = c.ok_or("credential missing")?;
        if s.ec {
            let bytes = hex(&c.secret).ok_or("stored EC key is damaged")?;
            let key = p256::ecdsa::SigningKey::from_slice(&bytes).map_err(|_| "stored EC key is damaged".to_string())?;
            creds.clients.push(Client { file: s.file, client_id: c.ident, kid: c.kid, key: ClientKey::Ec(key), allowed_scopes: full_scopes() });
            continue;
        }
        let private = RsaPrivateKey::from_pkcs1_pem(&c.secret).map_err(|e| format!("stored RSA key is damaged: {e}"))?;
        match s.name {
            "superadmin" | "helpdesk" => creds.legacy.push(LegacyKey {
                file: s.file,
                role: if s.name == "superadmin" { KeyRole::SuperAdmin } else { KeyRole::HelpDesk },
                access_id: c.ident,
                private,
            }),
            _ => creds.clients.push(Client {
                file: s.file,
                client_id: c.ident,
                kid: c.kid,
                key: ClientKey::Rsa(Box::new(private)),
                allowed_scopes: if s.name == "oauth-client-limited" { vec!["rsa.user.read".into()] } else { full_scopes() },
            }),
        }
    }
    Ok(creds)
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

fn b64u(n: &BigUint) -> String {
    URL_SAFE_NO_PAD.encode(n.to_bytes_be())
}

/// The client's private key as a JWK, as RSA's console shows it when the client is created.
pub fn private_jwk(client: &Client) -> Value {
    match &client.key {
        ClientKey::Rsa(k) => {
            let (p, q) = (&k.primes()[0], &k.primes()[1]);
            let one = BigUint::from(1u8);
            let dp = k.d() % (p - &one);
            let dq = k.d() % (q - &one);
            let qi = k.crt_coefficient().unwrap_or_default();
            json!({
                "kty": "RSA", "kid": client.kid, "alg": "RS256", "use": "sig",
                "n": b64u(k.n()), "e": b64u(k.e()), "d": b64u(k.d()),
                "p": b64u(p), "q": b64u(q), "dp": b64u(&dp), "dq": b64u(&dq), "qi": b64u(&qi),
            })
        }
        ClientKey::Ec(k) => {
            let point = k.verifying_key().to_encoded_point(false);
            json!({
                "kty": "EC", "crv": "P-256", "kid": client.kid, "alg": "ES256", "use": "sig",
                "x": URL_SAFE_NO_PAD.encode(point.x().map(|x| x.as_slice()).unwrap_or_default()),
                "y": URL_SAFE_NO_PAD.encode(point.y().map(|y| y.as_slice()).unwrap_or_default()),
                "d": URL_SAFE_NO_PAD.encode(k.to_bytes()),
            })
        }
    }
}

/// Opens a new file readable by its owner only, from the moment it exists (never created
/// with the default mode and tightened afterwards).
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Creates `path` empty and 0600 if it does not exist (SQLite then opens it as it is); an
/// existing file from an older sandbox is brought to 0600.
pub fn create_private(path: &Path) -> Result<(), String> {
    match open_private(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let loose = std::fs::metadata(path).map(|m| m.permissions().mode() & 0o077 != 0).unwrap_or(false);
                if loose {
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
                }
            }
            Ok(())
        }
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

/// Writes `text` to a 0600 temporary file beside `path`, then renames it into place.
fn write_private(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", tmp.display());
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail(e)),
    }
    let mut f = open_private(&tmp).map_err(fail)?;
    f.write_all(text.as_bytes()).map_err(fail)?;
    f.sync_all().map_err(fail)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes the key files and OAuth client files for the bound origin (`http://127.0.0.1:PORT`).
pub fn write_files(dir: &Path, creds: &Creds, origin: &str) -> Result<(), String> {
    let api = format!("{origin}/AdminInterface/restapi");
    for k in &creds.legacy {
        let pem = k.private.to_pkcs1_pem(LineEnding::LF).map_err(|e| format!("cannot encode key: {e}"))?;
        let file = KeyFileJson {
            customer_name: CUSTOMER_NAME.into(),
            access_id: k.access_id.clone(),
            description: format!("Sandbox {} key", k.role.label()),
            access_key: pem.to_string(),
            admin_rest_api_url: api.clone(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
        write_private(&dir.join(k.file), &text)?;
    }
    for c in &creds.clients {
        let file = OAuthClientFile {
            client_id: c.client_id.clone(),
            issuer_url: format!("{origin}/oauth"),
            admin_rest_api_url: api.clone(),
            jwk: private_jwk(c),
        };
        let mut value = serde_json::to_value(&file).map_err(|e| e.to_string())?;
        value["scopes"] = json!(c.allowed_scopes);
        let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
        write_private(&dir.join(c.file), &text)?;
    }
    Ok(())
}
