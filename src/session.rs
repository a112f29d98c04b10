//! The connected credential, in memory only. It mints, renews and forgets bearer tokens;
//! nothing here is ever written to storage, a URL or the log. Disconnecting closes it: every
//! request it tracks is aborted and nothing more leaves under it.

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
use web_sys::AbortController;

pub fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// How the operator connected.
pub enum Source {
    KeyFile { access_id: String, audience: String, signer: Signer },
    OAuth { client_id: String, token_url: String, token_path: String, scopes: Vec<String>, signer: Signer },
    Pasted,
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
    closed: Cell<bool>,
    /// Requests in flight or waiting under this credential, aborted on Disconnect.
    tracked: RefCell<Vec<(u64, AbortController)>>,
    next_tracked: Cell<u64>,
    /// Notified on every change the header shows (renewal, expiry, role).
    pub changed: ArcTrigger,
    /// What the console is waiting on (a rate limit, a renewal), shown in the header.
    pub waiting: ArcRwSignal<Option<String>>,
}

/// Stops tracking a request when it is done.
pub struct Tracked<'a> {
    session: &'a Session,
    id: u64,
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        self.session.tracked.borrow_mut().retain(|(id, _)| *id != self.id);
    }
}

impl Session {
    /// `token` is the pasted token for `Source::Pasted`.
    pub fn new(tenant: String, source: Source, rights: Rights, token: Option<String>) -> Session {
        let token = token.map(|t| Held { expires_at: jwt::token_facts(&t).expires_at, value: t });
        Session {
            tenant,
            source,
            rights: RefCell::new(rights),
            token: RefCell::new(token),
            minting: Cell::new(false),
            expired: Cell::new(false),
            closed: Cell::new(false),
            tracked: RefCell::new(Vec::new()),
            next_tracked: Cell::new(0),
            changed: ArcTrigger::new(),
            waiting: ArcRwSignal::new(None),
        }
    }

    pub fn kind_label(&self) -> &'static str {
        match self.source {
            Source::KeyFile { .. } => "Administration API key",
            Source::OAuth { .. } => "OAuth API client",
            Source::Pasted => "Pasted token",
        }
    }

    pub fn set_rights(&self, rights: Rights) {
        *self.rights.borrow_mut() = rights;
        self.changed.notify();
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
        !matches!(self.source, Source::Pasted)
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
        self.changed.notify();
    }

    pub fn note_success(&self) {
        if self.expired.replace(false) {
            self.changed.notify();
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
        self.changed.notify();
    }

    pub fn activity(&self, text: Option<String>) {
        self.waiting.set(text);
    }

    /// Disconnect: forgets the token and aborts everything this credential has in flight or
    /// waiting. Nothing leaves under it afterwards.
    pub fn close(&self) {
        self.closed.set(true);
        self.token.borrow_mut().take();
        self.waiting.set(None);
        for (_, controller) in self.tracked.borrow_mut().drain(..) {
            controller.abort();
        }
    }

    /// `Err(Aborted)` once disconnected: callers stop before sending.
    pub fn check_open(&self) -> Result<(), ApiError> {
        if self.closed.get() {
            Err(ApiError::Aborted)
        } else {
            Ok(())
        }
    }

    /// Tracks a request's cancel switch until the guard is dropped.
    pub fn track(&self, controller: &AbortController) -> Tracked<'_> {
        let id = self.next_tracked.get();
        self.next_tracked.set(id + 1);
        if self.closed.get() {
            controller.abort();
        } else {
            self.tracked.borrow_mut().push((id, controller.clone()));
        }
        Tracked { session: self, id }
    }

    /// Waits without blocking the page; `Err(Aborted)` if the request was cancelled or the
    /// session closed meanwhile.
    pub async fn sleep(&self, duration: Duration, abort: &AbortController) -> Result<(), ApiError> {
        gloo_timers::future::sleep(duration).await;
        self.check_open()?;
        if abort.signal().aborted() {
            return Err(ApiError::Aborted);
        }
        Ok(())
    }

    /// A token for the next request: the held one while it is fresh, else a new one.
    pub async fn bearer(&self) -> Result<String, ApiError> {
        loop {
            self.check_open()?;
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
            gloo_timers::future::sleep(Duration::from_millis(20)).await;
        }
        let minted = self.mint().await;
        self.minting.set(false);
        let held = minted?;
        self.check_open()?;
        let value = held.value.clone();
        *self.token.borrow_mut() = Some(held);
        self.changed.notify();
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
                let abort = api::abort_switch()?;
                let _tracked = self.track(&abort);
                let answer = api::request_token(token_path, form, &abort).await?;
                if let Some(granted) = &answer.scope {
                    let granted: Vec<String> = granted.split_whitespace().map(str::to_string).collect();
                    *self.rights.borrow_mut() = Rights::Scopes(Some(granted));
                }
                let lifetime = if answer.expires_in == 0 { 300 } else { answer.expires_in };
                Ok(Held { value: answer.access_token, expires_at: Some(now + lifetime) })
            }
            // A pasted token is never renewed: `bearer` returns it as held.
            Source::Pasted => Err(ApiError::Forbidden { why: cas_core::error::Forbidden::Expired, detail: String::new() }),
        }
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&")
}

/// The current connection, shared by every page. The shell makes the pages anew for each
/// session, so pages read it untracked (and track `Session::changed` where the rights
/// matter): a Disconnect then touches nothing of a page on its way out.
#[derive(Clone, Copy)]
pub struct SessionCtx(pub RwSignal<Option<Rc<Session>>, LocalStorage>);

impl SessionCtx {
    pub fn get(&self) -> Option<Rc<Session>> {
        self.0.get()
    }

    pub fn get_untracked(&self) -> Option<Rc<Session>> {
        self.0.get_untracked()
    }

    pub fn connect(&self, session: Session) {
        self.0.set(Some(Rc::new(session)));
    }

    /// Closes the session (aborting what it has in flight) and drops it, and with it every
    /// key handle and token.
    pub fn disconnect(&self) {
        if let Some(s) = self.0.get_untracked() {
            s.close();
        }
        self.0.set(None);
    }
}

pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}
