//! The one way the console talks to the tenant: every URL is built here, every status code is
//! read here, and every failure leaves as an `ApiError` (worded by `cas_core::error::message`).
//!
//! Requests go to same-origin paths through gloo-net; the proxy (trunk in development, nginx
//! or Caddy in production) forwards them to the tenant. Bodies are cas-core's wire types,
//! read and written by serde_json.

use crate::session::Session;
use cas_core::error::{classify, ApiError};
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
