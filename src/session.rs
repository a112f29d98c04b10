//! The connected credential, in memory only. It mints, renews and forgets bearer tokens;
//! nothing here is ever written to storage, a URL or the log.

use crate::api;
use crate::crypto::{self, Signer};
use cas_core::access::{key_allows, scopes_allow, Denial, KeyRole, Operation};
use cas_core::error::ApiError;
use cas_core::jwt::{self, needs_renewal};
use cas_core::route::percent_encode;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

pub fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// How the operator connected.
pub enum Source {
    KeyFile { access_id: String, audience: String, signer: Signer },
    OAuth { client_id: String, token_url: String, token_path: String, scopes: Vec<String>, signer: Signer },
    Pasted { token: String },
}

/// What the credential may do, as far as the console knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Rights {
    /// A legacy key (or a pasted legacy JWT); `None` until the role is known.
    Key(Option<KeyRole>),
    /// An OAuth token; `None` when a pasted token does not say.
    Scopes(Option<Vec<String>>),
}

struct Held {
    value: String,
    expires_at: Option<u64>,
}

pub struct Session {
    pub tenant: String,
    pub source: Source,
    rights: RefCell<Rights>,
    token: RefCell<Option<Held>>,
    minting: Cell<bool>,
    expired: Cell<bool>,
    /// Bumped on every change the header shows (renewal, expiry, role).
    pub changed: RwSignal<u64>,
}

impl Session {
    pub fn new(tenant: String, source: Source, rights: Rights) -> Session {
        let token = match &source {
            Source::Pasted { token } => Some(Held { value: token.clone(), expires_at: jwt::token_facts(token).expires_at }),
            _ => None,
        };
        Session {
            tenant,
            source,
            rights: RefCell::new(rights),
            token: RefCell::new(token),
            minting: Cell::new(false),
            expired: Cell::new(false),
            changed: RwSignal::new(0),
        }
    }

    fn bump(&self) {
        self.changed.update(|n| *n += 1);
    }

    pub fn kind_label(&self) -> &'static str {
        match self.source {
            Source::KeyFile { .. } => "Administration API key",
            Source::OAuth { .. } => "OAuth API client",
            Source::Pasted { .. } => "Pasted token",
        }
    }


    pub fn set_rights(&self, rights: Rights) {
        *self.rights.borrow_mut() = rights;
        self.bump();
    }

    pub fn rights_label(&self) -> String {
        match &*self.rights.borrow() {
            Rights::Key(Some(role)) => role.label().to_string(),
            Rights::Key(None) => "role not known".to_string(),
            Rights::Scopes(Some(scopes)) if scopes.is_empty() => "no permissions".to_string(),
            Rights::Scopes(Some(scopes)) => scopes.join(" "),
            Rights::Scopes(None) => "permissions not known".to_string(),
        }
    }

    /// Whether the credential allows `op`, so the page can say why before the operator clicks.
    pub fn allows(&self, op: Operation) -> Result<(), Denial> {
        match &*self.rights.borrow() {
            Rights::Key(Some(role)) => key_allows(*role, op),
            Rights::Key(None) if op == Operation::UpdateLocalUser => Err(Denial::NeedsOAuth),
            Rights::Key(None) | Rights::Scopes(None) => Ok(()),
            Rights::Scopes(Some(scopes)) => scopes_allow(scopes.iter().map(String::as_str), op),
        }
    }

    pub fn can_renew(&self) -> bool {
        !matches!(self.source, Source::Pasted { .. })
    }

    pub fn expires_at(&self) -> Option<u64> {
        self.token.borrow().as_ref().and_then(|h| h.expires_at)
    }

    /// A pasted token the server called expired: the header asks for a new one.
    pub fn is_expired(&self) -> bool {
        self.expired.get()
    }

    pub fn mark_expired(&self) {
        self.expired.set(true);
        self.bump();
    }

    pub fn note_success(&self) {
        if self.expired.replace(false) {
            self.bump();
        }
    }

    pub fn forget_token(&self) {
        if self.can_renew() {
            self.token.borrow_mut().take();
        }
    }

    /// Replaces a pasted token in place, keeping the page and everything on it.
    pub fn replace_pasted(&self, token: String) {
        let expires_at = jwt::token_facts(&token).expires_at;
        *self.token.borrow_mut() = Some(Held { value: token, expires_at });
        self.expired.set(false);
        self.bump();
    }

    /// A token for the next request: the held one while it is fresh, else a new one.
    pub async fn bearer(&self) -> Result<String, ApiError> {
        loop {
            if let Some(h) = self.token.borrow().as_ref() {
                let fresh = h.expires_at.is_none_or(|e| !needs_renewal(e, now_secs()));
                if fresh || !self.can_renew() {
                    return Ok(h.value.clone());
                }
            }
            // Several requests may need a token at once; one mints, the others wait for it.
            if !self.minting.replace(true) {
                break;
            }
            api::sleep(Duration::from_millis(20)).await;
        }
        let minted = self.mint().await;
        self.minting.set(false);
        let held = minted?;
        let value = held.value.clone();
        *self.token.borrow_mut() = Some(held);
        self.bump();
        Ok(value)
    }

    async fn mint(&self) -> Result<Held, ApiError> {
        let now = now_secs();
        match &self.source {
            Source::KeyFile { access_id, audience, signer } => {
                let input = jwt::legacy_signing_input(access_id, audience, now);
                let value = signer.sign_jwt(&input).await.map_err(|detail| ApiError::Signing { detail })?;
                Ok(Held { value, expires_at: Some(now + jwt::LEGACY_LIFETIME_SECS) })
            }
            Source::OAuth { client_id, token_url, token_path, scopes, signer } => {
                let input = jwt::assertion_signing_input(client_id, token_url, signer.kid.as_deref(), signer.alg, &crypto::random_id(), now);
                let assertion = signer.sign_jwt(&input).await.map_err(|detail| ApiError::Signing { detail })?;
                let form = form_encode(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", client_id),
                    ("scope", &scopes.join(" ")),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", &assertion),
                ]);
                let answer = api::request_token(token_path, &form).await?;
                if let Some(granted) = &answer.scope {
                    let granted: Vec<String> = granted.split_whitespace().map(str::to_string).collect();
                    *self.rights.borrow_mut() = Rights::Scopes(Some(granted));
                }
                let lifetime = if answer.expires_in == 0 { 300 } else { answer.expires_in };
                Ok(Held { value: answer.access_token, expires_at: Some(now + lifetime) })
            }
            Source::Pasted { token } => Ok(Held { value: token.clone(), expires_at: jwt::token_facts(token).expires_at }),
        }
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The current connection, shared by every page.
#[derive(Clone, Copy)]
pub struct SessionCtx(pub RwSignal<Option<Rc<Session>>, LocalStorage>);

impl SessionCtx {
    pub fn get(&self) -> Option<Rc<Session>> {
        self.0.get()
    }

    pub fn get_untracked(&self) -> Option<Rc<Session>> {
        self.0.get_untracked()
    }

    /// Drops the session and with it every key handle and token.
    pub fn disconnect(&self) {
        self.0.set(None);
    }
}

pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}
