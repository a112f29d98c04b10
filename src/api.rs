//! The one way the console talks to the tenant: every URL is built here, every status code is
//! read here, and every failure leaves as an `ApiError` (worded by `cas_core::error::message`).
//!
//! Requests go to same-origin paths; the proxy (trunk in development, nginx or Caddy in
//! production) forwards them to the tenant.

use crate::session::Session;
use cas_core::error::{classify, ApiError};
use cas_core::wire::{
    HighRiskAction, HighRiskEntry, HighRiskListV2, HighRiskRequest, LookupRequest, MultiStatus, SearchPage,
    SearchRequest, TokenResponse, UpdateLocalUserRequest, UpdateLocalUserResponse, User, UserStatus,
    UserStatusRequest, UserStatusResponse,
};
use leptos::prelude::*;
use cas_core::decode::{self, FromJson, ToJson};
use cas_core::route::percent_encode;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials, RequestInit, Response};

pub const API_BASE: &str = "/AdminInterface/restapi";
/// A request with no answer after this long is aborted and reported as a timeout.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts for a call the server rate-limits (429) before giving up.
pub const RATE_LIMIT_ATTEMPTS: u32 = 4;

/// What a caller sees of an answer that came back 2xx.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Something the console is waiting on, shown in the header so a pause is never silent.
#[derive(Clone, Copy)]
pub struct Activity(pub RwSignal<Option<String>>);

thread_local! {
    // Calls run in async tasks, where Leptos contexts are out of reach; the shell registers
    // its activity line here once.
    static ACTIVITY: Cell<Option<Activity>> = const { Cell::new(None) };
}

impl Activity {
    pub fn register(self) {
        ACTIVITY.with(|a| a.set(Some(self)));
    }
}

fn activity(text: Option<String>) {
    if let Some(Activity(sig)) = ACTIVITY.with(Cell::get) {
        sig.set(text);
    }
}

/// Waits, without blocking the page.
pub async fn sleep(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, duration.as_millis() as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A cancel switch a page holds for its in-flight request (search aborts the previous query).
#[derive(Clone)]
pub struct Cancel(Rc<AbortController>);

impl Cancel {
    pub fn new() -> Option<Cancel> {
        AbortController::new().ok().map(|c| Cancel(Rc::new(c)))
    }
    pub fn cancel(&self) {
        self.0.abort();
    }
}

/// One HTTP exchange with a timeout. No retries, no credentials logic: just the wire.
pub async fn exchange(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    cancel: Option<&Cancel>,
) -> Result<(u16, Option<String>, Option<String>, String), ApiError> {
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let controller = match cancel {
        Some(c) => c.0.clone(),
        None => Rc::new(AbortController::new().map_err(|_| ApiError::Network)?),
    };
    let init = RequestInit::new();
    init.set_method(method);
    // The API needs no cookies and must never get the console's.
    init.set_credentials(RequestCredentials::Omit);
    let h = web_sys::Headers::new().map_err(|_| ApiError::Network)?;
    for (k, v) in headers {
        h.set(k, v).map_err(|_| ApiError::Network)?;
    }
    init.set_headers(&h);
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }
    init.set_signal(Some(&controller.signal()));

    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (flag, ctl) = (timed_out.clone(), controller.clone());
        set_timeout_with_handle(
            move || {
                flag.set(true);
                ctl.abort();
            },
            TIMEOUT,
        )
        .ok()
    };
    let outcome = async {
        let resp = JsFuture::from(window.fetch_with_str_and_init(path, &init)).await?;
        let resp: Response = resp.dyn_into()?;
        let status = resp.status();
        let ct = resp.headers().get("content-type").ok().flatten();
        let retry_after = resp.headers().get("retry-after").ok().flatten();
        let text = JsFuture::from(resp.text()?).await?.as_string().unwrap_or_default();
        Ok::<_, JsValue>((status, ct, retry_after, text))
    }
    .await;
    if let Some(t) = timer {
        t.clear();
    }
    outcome.map_err(|_| {
        if timed_out.get() {
            ApiError::Timeout
        } else if controller.signal().aborted() {
            ApiError::Aborted
        } else {
            ApiError::Network
        }
    })
}

/// A call to the Cloud Administration API with the session's bearer token: renews an expired
/// token once, waits out rate limits (visibly), and hands back 2xx answers only.
pub async fn call(
    session: &Session,
    method: &str,
    path: &str,
    body: Option<String>,
    cancel: Option<&Cancel>,
) -> Result<Answer, ApiError> {
    call_with(session, method, path, body, cancel, RATE_LIMIT_ATTEMPTS).await
}

/// `call` with its own number of attempts on 429 (1: a 429 comes straight back as an error).
async fn call_with(
    session: &Session,
    method: &str,
    path: &str,
    body: Option<String>,
    cancel: Option<&Cancel>,
    rate_limit_attempts: u32,
) -> Result<Answer, ApiError> {
    let url = format!("{API_BASE}{path}");
    let mut renewed = false;
    let mut attempt = 1;
    loop {
        let bearer = session.bearer().await?;
        let auth = format!("Bearer {bearer}");
        let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
        let (status, ct, retry_after, text) = exchange(method, &url, &headers, body.as_deref(), cancel).await?;
        if (200..300).contains(&status) {
            activity(None);
            session.note_success();
            return Ok(Answer { status, body: text });
        }
        let err = classify(status, ct.as_deref(), &text, retry_after.as_deref());
        match &err {
            ApiError::Forbidden { .. } if err.is_expired_credential() && !renewed && session.can_renew() => {
                session.forget_token();
                renewed = true;
                activity(Some("Your credential expired; renewing it…".into()));
            }
            ApiError::TooManyRequests { retry_after_secs } if attempt < rate_limit_attempts => {
                let wait = retry_after_secs.unwrap_or(1 << (attempt - 1)).max(1);
                activity(Some(format!(
                    "The server is rate-limiting requests (429); trying again in {wait} s (attempt {} of {RATE_LIMIT_ATTEMPTS})…",
                    attempt + 1
                )));
                sleep(Duration::from_secs(wait)).await;
                attempt += 1;
            }
            _ => {
                activity(None);
                if err.is_expired_credential() {
                    session.mark_expired();
                }
                return Err(err);
            }
        }
    }
}

fn json<T: FromJson>(answer: &Answer, what: &str) -> Result<T, ApiError> {
    decode::parse(&answer.body).ok_or_else(|| ApiError::BadBody { status: answer.status, detail: format!("expected {what}") })
}

/// Search answers "an empty body" when nothing matches (the docs), or `[]` on some tenants.
fn json_or_empty<T: FromJson + Default>(answer: &Answer, what: &str) -> Result<T, ApiError> {
    if answer.body.trim().is_empty() {
        Ok(T::default())
    } else {
        json(answer, what)
    }
}

fn to_json<T: ToJson>(value: &T) -> String {
    value.to_json().text()
}

/// `POST /v1/users/lookup`: the user, and the answer's text for the raw view.
pub async fn lookup(session: &Session, email: &str, unsynched: bool, cancel: Option<&Cancel>) -> Result<(User, String), ApiError> {
    let body = LookupRequest { email: email.to_string(), search_unsynched: unsynched.then_some(true) };
    let answer = call(session, "POST", "/v1/users/lookup", Some(to_json(&body)), cancel).await?;
    Ok((json(&answer, "a user")?, answer.body))
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
pub async fn search(session: &Session, needle: &str, page: u32, page_size: u32, cancel: Option<&Cancel>) -> Result<SearchResults, ApiError> {
    let body = to_json(&SearchRequest { email_like: needle.to_string() });
    let v2 = format!("/v2/users/search?pageSize={page_size}&pageNumber={page}");
    match call(session, "POST", &v2, Some(body.clone()), cancel).await {
        Ok(answer) => {
            let env: SearchPage = json_or_empty(&answer, "a page of users")?;
            Ok(SearchResults { users: env.elements, page, total_pages: Some(env.total_pages), total: Some(env.total_elements) })
        }
        Err(ApiError::NotFound { .. }) => {
            let answer = call(session, "POST", &format!("/v1/users/search?pageSize={page_size}"), Some(body), cancel).await?;
            let users = json_or_empty(&answer, "a list of users")?;
            Ok(SearchResults { users, page: 0, total_pages: None, total: None })
        }
        Err(e) => Err(e),
    }
}

/// `PUT /v1/users/{id}/userStatus`
pub async fn set_status(session: &Session, id: &str, status: UserStatus) -> Result<UserStatusResponse, ApiError> {
    let path = format!("/v1/users/{}/userStatus", percent_encode(id));
    let answer = call(session, "PUT", &path, Some(to_json(&UserStatusRequest { user_status: status })), None).await?;
    json(&answer, "the user's new status")
}

/// `GET /v2/users/highrisk`
pub async fn high_risk_list(session: &Session, cancel: Option<&Cancel>) -> Result<Vec<HighRiskEntry>, ApiError> {
    let answer = call(session, "GET", "/v2/users/highrisk", None, cancel).await?;
    Ok(json::<HighRiskListV2>(&answer, "the high-risk list")?.users)
}

/// `PUT /v1/users/highrisk`: Ok(empty) when all succeeded, else the failed identifiers.
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
    let answer = call_with(session, "PUT", "/v1/users/highrisk", Some(body), None, attempts).await?;
    if answer.status == 207 {
        json(&answer, "a multi-status list")
    } else {
        Ok(MultiStatus::default())
    }
}

/// `PUT /v1/users/update` (200 even when the save failed: see `save_succeeded`).
pub async fn update_local_user(session: &Session, body: &UpdateLocalUserRequest) -> Result<UpdateLocalUserResponse, ApiError> {
    let answer = call(session, "PUT", "/v1/users/update", Some(to_json(body)), None).await?;
    json(&answer, "an update status")
}

/// `POST {issuer}/token` through the same-origin path of the issuer.
pub async fn request_token(token_path: &str, form: &str) -> Result<TokenResponse, ApiError> {
    let headers = [("content-type", "application/x-www-form-urlencoded")];
    let (status, ct, retry_after, text) = exchange("POST", token_path, &headers, Some(form), None).await?;
    if !(200..300).contains(&status) {
        return Err(classify(status, ct.as_deref(), &text, retry_after.as_deref()));
    }
    decode::parse(&text).ok_or(ApiError::BadBody { status, detail: "expected an access token".into() })
}
