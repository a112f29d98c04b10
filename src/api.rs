//! The one way the console talks to the tenant: every URL is built here, every status code is
//! read here, and every failure leaves as an `ApiError` (worded by `cas_core::error::message`).
//!
//! Requests go to same-origin paths through gloo-net; the proxy (trunk in development, nginx
//! or Caddy in production) forwards them to the tenant. Bodies are cas-core's wire types,
//! read and written by serde_json.

use crate::session::Session;
use cas_core::error::{classify, ApiError};
use cas_core::helpdesk::{
    AuthLogEntry, AuthLogQuery, AuthenticatorsV1, AuthenticatorsV2, ConfigurationsUsed, EmergencyChoice, EmergencyCode,
    EmergencyCodeV2, EmergencyTokencode, MarkDeletedRequest, MarkDeletedResponse, UnlockMethod, UnlockRequest, UnlockResponse,
};
use cas_core::route::percent_encode;
use cas_core::wire::{
    HighRiskAction, HighRiskEntry, HighRiskListV2, HighRiskRequest, LookupRequest, MultiStatus, SearchPage,
    SearchRequest, TokenResponse, UpdateLocalUserRequest, UpdateLocalUserResponse, User, UserStatus,
    UserStatusRequest, UserStatusResponse,
};
use gloo_net::http::{Method, RequestBuilder};
use gloo_timers::callback::Timeout;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use web_sys::{AbortController, RequestCredentials};

pub const API_BASE: &str = "/AdminInterface/restapi";
/// A request with no answer after this long is aborted and reported as a timeout.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts for a call the server rate-limits (429) before giving up.
pub const RATE_LIMIT_ATTEMPTS: u32 = 4;

/// A 2xx answer: its status and text, parsed by the caller into the type it expects.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// What came back: status, content type, Retry-After, body.
struct Reply {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
    body: String,
}

/// One HTTP exchange with a timeout: no retries, no credentials logic, just the wire. `abort`
/// is the caller's cancel switch (a search no longer current, a page left); the session's own
/// switch (Disconnect) is added by `call`.
async fn exchange(
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
    abort: &AbortController,
) -> Result<Reply, ApiError> {
    let mut request = RequestBuilder::new(path)
        .method(method)
        // The API needs no cookies and must never get the console's.
        .credentials(RequestCredentials::Omit)
        .abort_signal(Some(&abort.signal()));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let request = match body {
        Some(b) => request.body(b),
        None => request.build(),
    }
    .map_err(|_| ApiError::Network)?;

    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (flag, controller) = (timed_out.clone(), abort.clone());
        Timeout::new(TIMEOUT.as_millis() as u32, move || {
            flag.set(true);
            controller.abort();
        })
    };
    let outcome = async {
        let response = request.send().await?;
        let header = |name: &str| response.headers().get(name);
        let (content_type, retry_after) = (header("content-type"), header("retry-after"));
        let body = response.text().await?;
        Ok::<_, gloo_net::Error>(Reply { status: response.status(), content_type, retry_after, body })
    }
    .await;
    drop(timer);
    outcome.map_err(|_| {
        if timed_out.get() {
            ApiError::Timeout
        } else if abort.signal().aborted() {
            ApiError::Aborted
        } else {
            ApiError::Network
        }
    })
}

/// A fresh cancel switch.
pub fn abort_switch() -> Result<AbortController, ApiError> {
    AbortController::new().map_err(|_| ApiError::Network)
}

/// The cancel switch of a request a page makes while loading: pulled when what asked for it
/// goes away (a page left, a resource run again), as in Leptos' own examples.
pub fn abort_on_cleanup() -> Result<AbortController, ApiError> {
    let abort = abort_switch()?;
    let on_leave = send_wrapper::SendWrapper::new(abort.clone());
    leptos::prelude::on_cleanup(move || on_leave.abort());
    Ok(abort)
}

/// A call to the Cloud Administration API with the session's bearer token: renews an expired
/// token once, waits out rate limits (visibly), and hands back 2xx answers only.
async fn call(session: &Session, method: Method, path: &str, body: Option<String>, abort: Option<&AbortController>, rate_limit_attempts: u32) -> Result<Answer, ApiError> {
    let url = format!("{API_BASE}{path}");
    let own;
    let abort = match abort {
        Some(a) => a,
        None => {
            own = abort_switch()?;
            &own
        }
    };
    // Disconnect aborts it too, wherever it is: waiting, renewing or in flight.
    let _tracked = session.track(abort);
    let mut renewed = false;
    let mut attempt = 1;
    loop {
        let bearer = session.bearer().await?;
        session.check_open()?;
        let auth = format!("Bearer {bearer}");
        let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
        let reply = exchange(method.clone(), &url, &headers, body.clone(), abort).await?;
        if (200..300).contains(&reply.status) {
            session.activity(None);
            session.note_success();
            return Ok(Answer { status: reply.status, body: reply.body });
        }
        let err = classify(reply.status, reply.content_type.as_deref(), &reply.body, reply.retry_after.as_deref());
        match &err {
            ApiError::Forbidden { .. } if err.is_expired_credential() && !renewed && session.can_renew() => {
                session.forget_token();
                renewed = true;
                session.activity(Some("Your credential expired; renewing it…".into()));
            }
            ApiError::TooManyRequests { retry_after_secs } if attempt < rate_limit_attempts => {
                let wait = retry_after_secs.unwrap_or(1 << (attempt - 1)).max(1);
                session.activity(Some(format!(
                    "The server is rate-limiting requests (429); trying again in {wait} s (attempt {} of {RATE_LIMIT_ATTEMPTS})…",
                    attempt + 1
                )));
                session.sleep(Duration::from_secs(wait), abort).await?;
                attempt += 1;
            }
            _ => {
                session.activity(None);
                if err.is_expired_credential() {
                    session.mark_expired();
                }
                return Err(err);
            }
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Our request types hold strings, lists and booleans only: serializing them cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// The answer read as `T`, or a `BadBody` naming what was expected. serde's own error text is
/// never shown: it can quote the answer back, and answers can hold secrets.
fn parse<T: DeserializeOwned>(answer: &Answer, what: &str) -> Result<T, ApiError> {
    serde_json::from_str(&answer.body).map_err(|_| ApiError::BadBody { status: answer.status, detail: format!("expected {what}") })
}

/// Search answers "an empty body" when nothing matches (the docs), or `[]` on some tenants.
fn parse_or_empty<T: DeserializeOwned + Default>(answer: &Answer, what: &str) -> Result<T, ApiError> {
    if answer.body.trim().is_empty() {
        Ok(T::default())
    } else {
        parse(answer, what)
    }
}

/// `POST /v1/users/lookup`: the user, and the answer's text for the raw view.
pub async fn lookup(session: &Session, email: &str, unsynched: bool, abort: Option<&AbortController>) -> Result<(User, String), ApiError> {
    let body = LookupRequest { email: email.to_string(), search_unsynched: unsynched.then_some(true) };
    let answer = call(session, Method::POST, "/v1/users/lookup", Some(to_json(&body)), abort, RATE_LIMIT_ATTEMPTS).await?;
    Ok((parse(&answer, "a user")?, answer.body))
}

/// One page of search results.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResults {
    pub users: Vec<User>,
    pub page: u32,
    /// None when the tenant only offers search v1 (no paging).
    pub total_pages: Option<u64>,
    pub total: Option<u64>,
}

/// Search by "email contains". v2 pages; a tenant without v2 (404) falls back to v1.
pub async fn search(session: &Session, needle: &str, page: u32, page_size: u32, abort: Option<&AbortController>) -> Result<SearchResults, ApiError> {
    let body = to_json(&SearchRequest { email_like: needle.to_string() });
    let v2 = format!("/v2/users/search?pageSize={page_size}&pageNumber={page}");
    match call(session, Method::POST, &v2, Some(body.clone()), abort, RATE_LIMIT_ATTEMPTS).await {
        Ok(answer) => {
            let envelope: SearchPage = parse_or_empty(&answer, "a page of users")?;
            let users = at_most(envelope.elements, page_size, &answer)?;
            Ok(SearchResults { users, page, total_pages: Some(envelope.total_pages), total: Some(envelope.total_elements) })
        }
        Err(ApiError::NotFound { .. }) => {
            let v1 = format!("/v1/users/search?pageSize={page_size}");
            let answer = call(session, Method::POST, &v1, Some(body), abort, RATE_LIMIT_ATTEMPTS).await?;
            let users = at_most(parse_or_empty(&answer, "a list of users")?, page_size, &answer)?;
            Ok(SearchResults { users, page: 0, total_pages: None, total: None })
        }
        Err(e) => Err(e),
    }
}

/// A page holds at most what was asked for: more is not what the API sends (and thousands of
/// rows would freeze the page).
fn at_most(users: Vec<User>, page_size: u32, answer: &Answer) -> Result<Vec<User>, ApiError> {
    if users.len() > page_size as usize {
        return Err(ApiError::BadBody { status: answer.status, detail: format!("{} users for a page of at most {page_size}", users.len()) });
    }
    Ok(users)
}

/// `PUT /v1/users/{id}/userStatus`
pub async fn set_status(session: &Session, id: &str, status: UserStatus) -> Result<UserStatusResponse, ApiError> {
    let path = format!("/v1/users/{}/userStatus", percent_encode(id));
    let answer = call(session, Method::PUT, &path, Some(to_json(&UserStatusRequest { user_status: status })), None, RATE_LIMIT_ATTEMPTS).await?;
    parse(&answer, "the user's new status")
}

/// `GET /v2/users/highrisk`
pub async fn high_risk_list(session: &Session, abort: Option<&AbortController>) -> Result<Vec<HighRiskEntry>, ApiError> {
    let answer = call(session, Method::GET, "/v2/users/highrisk", None, abort, RATE_LIMIT_ATTEMPTS).await?;
    Ok(parse::<HighRiskListV2>(&answer, "the high-risk list")?.users)
}

/// `PUT /v1/users/highrisk`: an empty list when all succeeded (200), else the 207's entries.
pub async fn change_high_risk(session: &Session, action: HighRiskAction, users: Vec<String>) -> Result<MultiStatus, ApiError> {
    change_high_risk_with(session, action, users, RATE_LIMIT_ATTEMPTS).await
}

/// One `PUT /v1/users/highrisk` for the bulk job: a 429 comes back at once, because the job's
/// own policy (`cas_core::bulk::job`) decides when to send again. An expired key-file or OAuth
/// token is still renewed once, as everywhere.
pub async fn change_high_risk_once(session: &Session, action: HighRiskAction, users: Vec<String>) -> Result<MultiStatus, ApiError> {
    change_high_risk_with(session, action, users, 1).await
}

async fn change_high_risk_with(session: &Session, action: HighRiskAction, users: Vec<String>, attempts: u32) -> Result<MultiStatus, ApiError> {
    let body = to_json(&HighRiskRequest::new(action, users));
    let answer = call(session, Method::PUT, "/v1/users/highrisk", Some(body), None, attempts).await?;
    if answer.status == 207 {
        parse(&answer, "a multi-status list")
    } else {
        Ok(MultiStatus::default())
    }
}

/// `PUT /v1/users/update` (200 even when the save failed: see `save_succeeded`).
pub async fn update_local_user(session: &Session, body: &UpdateLocalUserRequest) -> Result<UpdateLocalUserResponse, ApiError> {
    let answer = call(session, Method::PUT, "/v1/users/update", Some(to_json(body)), None, RATE_LIMIT_ATTEMPTS).await?;
    parse(&answer, "an update status")
}

/// `POST {issuer}/token` through the same-origin path of the issuer.
pub async fn request_token(token_path: &str, form: String, abort: &AbortController) -> Result<TokenResponse, ApiError> {
    let headers = [("content-type", "application/x-www-form-urlencoded")];
    let reply = exchange(Method::POST, token_path, &headers, Some(form), abort).await?;
    if !(200..300).contains(&reply.status) {
        return Err(classify(reply.status, reply.content_type.as_deref(), &reply.body, reply.retry_after.as_deref()));
    }
    let answer = Answer { status: reply.status, body: reply.body };
    parse(&answer, "an access token")
}

// The help-desk APIs (../shared/api-notes-helpdesk.md).

fn user_path(version: &str, id: &str, rest: &str) -> String {
    format!("/{version}/users/{}{rest}", percent_encode(id))
}

/// `GET /v1/users/{id}/authlogs/`: the 100 most recent events matching `query`, as sent
/// (newest first). Every value is percent-encoded, so the `+` of an offset goes as `%2B`.
pub async fn auth_logs(session: &Session, id: &str, query: &AuthLogQuery, abort: Option<&AbortController>) -> Result<Vec<AuthLogEntry>, ApiError> {
    let mut params = Vec::new();
    if let Some(code) = query.event_code {
        params.push(format!("eventCode={code}"));
    }
    if let Some(t) = &query.start_time_after {
        params.push(format!("startTimeAfter={}", percent_encode(t)));
    }
    if let Some(t) = &query.end_time_on_or_before {
        params.push(format!("endTimeOnOrBefore={}", percent_encode(t)));
    }
    let mut path = user_path("v1", id, "/authlogs/");
    if !params.is_empty() {
        path = format!("{path}?{}", params.join("&"));
    }
    let answer = call(session, Method::GET, &path, None, abort, RATE_LIMIT_ATTEMPTS).await?;
    parse_or_empty(&answer, "a list of sign-in events")
}

/// Why the authenticators came from v1, which lists neither FIDO credentials nor hardware
/// tokens.
#[derive(Clone, Debug, PartialEq)]
pub enum OnlyV1 {
    /// The credential lacks a permission v2 needs (the console did not ask v2).
    NotAllowed(String),
    /// The tenant has no v2 (404 or 405).
    Missing(u16),
    /// v2 answered 403.
    Refused,
}

/// A user's authenticators: v2's three lists, or v1's devices and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Authenticators {
    pub list: AuthenticatorsV2,
    pub only_v1: Option<OnlyV1>,
}

/// `GET /v2/users/{id}/devices?includeBrowsers=true` when `v2` (the credential allows it),
/// falling back to `GET /v1/users/{id}/devices` where v2 is missing or refused; v1 alone
/// otherwise, with `not_v2` saying why.
pub async fn authenticators(session: &Session, id: &str, not_v2: Option<String>, abort: Option<&AbortController>) -> Result<Authenticators, ApiError> {
    let only_v1 = match not_v2 {
        Some(why) => OnlyV1::NotAllowed(why),
        None => {
            let v2 = user_path("v2", id, "/devices?includeBrowsers=true");
            match call(session, Method::GET, &v2, None, abort, RATE_LIMIT_ATTEMPTS).await {
                Ok(answer) => return Ok(Authenticators { list: parse(&answer, "a list of authenticators")?, only_v1: None }),
                Err(ApiError::NotFound { .. }) => OnlyV1::Missing(404),
                Err(ApiError::Unexpected { status: 405, .. }) => OnlyV1::Missing(405),
                Err(ApiError::Forbidden { why: cas_core::error::Forbidden::Refused, .. }) => OnlyV1::Refused,
                Err(e) => return Err(e),
            }
        }
    };
    let v1 = user_path("v1", id, "/devices?includeBrowsers=true");
    let answer = call(session, Method::GET, &v1, None, abort, RATE_LIMIT_ATTEMPTS).await?;
    let devices = parse_or_empty::<AuthenticatorsV1>(&answer, "a list of authenticators")?.devices;
    Ok(Authenticators { list: AuthenticatorsV2 { devices, ..AuthenticatorsV2::default() }, only_v1: Some(only_v1) })
}

/// `DELETE /v1/users/{id}/devices/{deviceId}`: 200 with an empty body.
pub async fn delete_authenticator(session: &Session, id: &str, device_id: &str) -> Result<(), ApiError> {
    let path = user_path("v1", id, &format!("/devices/{}", percent_encode(device_id)));
    call(session, Method::DELETE, &path, None, None, RATE_LIMIT_ATTEMPTS).await.map(|_| ())
}

/// `PATCH /v1/users/{id}/methods`: every method's lock after the unlock.
pub async fn unlock(session: &Session, id: &str, methods: Vec<UnlockMethod>) -> Result<UnlockResponse, ApiError> {
    let body = to_json(&UnlockRequest { unlock_methods: methods });
    let answer = call(session, Method::PATCH, &user_path("v1", id, "/methods"), Some(body), None, RATE_LIMIT_ATTEMPTS).await?;
    parse(&answer, "the state of each method")
}

/// A new emergency access code, as the server answered it. The code itself is only ever
/// shown, never logged (`EmergencyTokencode` prints as hidden).
#[derive(Clone, Debug, PartialEq)]
pub struct IssuedCode {
    pub id: Option<String>,
    pub code: EmergencyTokencode,
    pub expires: Option<String>,
    pub offline_expires: Option<String>,
    pub one_time_use: Option<bool>,
    /// v2: what the service used, and whether the tenant's locked settings overrode the
    /// request.
    pub used: Option<ConfigurationsUsed>,
    pub locked: Option<bool>,
    /// v1 answered because the tenant has no v2 (its status).
    pub v1_because: Option<u16>,
}

/// `PUT /v2/users/{id}/emergencyTokencode`, or the v1 form where the tenant has no v2 (404,
/// 405). The answer's text is dropped once read: it holds the code.
pub async fn issue_emergency_code(session: &Session, id: &str, choice: EmergencyChoice) -> Result<IssuedCode, ApiError> {
    let path_v2 = user_path("v2", id, "/emergencyTokencode");
    let missing = match call(session, Method::PUT, &path_v2, Some(to_json(&choice.v2())), None, RATE_LIMIT_ATTEMPTS).await {
        Ok(answer) => {
            let c: EmergencyCodeV2 = parse(&answer, "an emergency access code")?;
            return Ok(IssuedCode {
                id: c.emergency_tokencode_id,
                code: c.emergency_tokencode,
                expires: c.expiration_date,
                offline_expires: c.offline_expiration_date,
                one_time_use: c.one_time_use.or(c.configurations_used.as_ref().and_then(|u| u.one_time_use)),
                used: c.configurations_used,
                locked: c.configurations_locked,
                v1_because: None,
            });
        }
        Err(ApiError::NotFound { .. }) => 404,
        Err(ApiError::Unexpected { status: 405, .. }) => 405,
        Err(e) => return Err(e),
    };
    let path_v1 = user_path("v1", id, "/emergencyTokencode");
    let answer = call(session, Method::PUT, &path_v1, Some(to_json(&choice.v1())), None, RATE_LIMIT_ATTEMPTS).await?;
    let c: EmergencyCode = parse(&answer, "an emergency access code")?;
    Ok(IssuedCode {
        id: c.emergency_tokencode_id,
        code: c.emergency_tokencode,
        expires: c.expiration_date,
        offline_expires: c.offline_expiration_date,
        one_time_use: None,
        used: None,
        locked: None,
        v1_because: Some(missing),
    })
}

/// `DELETE /v1/users/{id}/emergencyTokencode/{eacId}` (every code of the user goes); the old
/// `…/emergencyTokencodes` when no code id is known.
pub async fn disable_emergency_code(session: &Session, id: &str, code_id: Option<&str>) -> Result<(), ApiError> {
    let rest = match code_id {
        Some(c) => format!("/emergencyTokencode/{}", percent_encode(c)),
        None => "/emergencyTokencodes".to_string(),
    };
    call(session, Method::DELETE, &user_path("v1", id, &rest), None, None, RATE_LIMIT_ATTEMPTS).await.map(|_| ())
}

/// `POST /v1/users/{id}/sync` with no body: the user after the synchronization, and the
/// answer's text for the raw view.
pub async fn sync(session: &Session, id: &str) -> Result<(User, String), ApiError> {
    let answer = call(session, Method::POST, &user_path("v1", id, "/sync"), None, None, RATE_LIMIT_ATTEMPTS).await?;
    Ok((parse(&answer, "a user")?, answer.body))
}

/// `PUT /v1/users/{id}/markDeleted`: mark (`true`) or take the mark back (`false`).
pub async fn mark_deleted(session: &Session, id: &str, mark: bool) -> Result<MarkDeletedResponse, ApiError> {
    let body = to_json(&MarkDeletedRequest { mark_deleted: mark });
    let answer = call(session, Method::PUT, &user_path("v1", id, "/markDeleted"), Some(body), None, RATE_LIMIT_ATTEMPTS).await?;
    parse(&answer, "the user's deletion mark")
}
