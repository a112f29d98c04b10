//! Connecting: a legacy key file, an OAuth API client, or a pasted bearer token. Each is
//! checked before the console calls itself connected, and each refusal says what is wrong.

use crate::api;
use crate::crypto;
use crate::session::{now_secs, use_session, Rights, Session, Source};
use crate::ui::Note;
use cas_core::access::{KeyRole, ALL_SCOPES};
use cas_core::error::{message, ApiError, UserMessage};
use cas_core::keyfile::{self, host_of, MAX_KEY_FILE_BYTES};
use cas_core::wire::OAuthClientFile;
use cas_core::{jwk, jwt};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    KeyFile,
    OAuth,
    Token,
}

#[component]
pub fn Connect() -> impl IntoView {
    let way = RwSignal::new(Way::KeyFile);
    let tab = move |w: Way, label: &'static str, id: &'static str| {
        view! {
            <button type="button" role="tab" id=id aria-selected=move || (way.get() == w).to_string()
                class:active=move || way.get() == w on:click=move |_| way.set(w)>{label}</button>
        }
    };
    view! {
        <section class="connect" aria-labelledby="connect-title">
            <h1 id="connect-title">"Connect to your tenant"</h1>
            <p class="hint">"The credential stays in this tab's memory: nothing is stored, and closing the tab or \"Disconnect\" forgets it."</p>
            <div role="tablist" aria-label="Credential">
                {tab(Way::KeyFile, "Key file", "tab-key")}
                {tab(Way::OAuth, "OAuth client", "tab-oauth")}
                {tab(Way::Token, "Token", "tab-token")}
            </div>
            {move || match way.get() {
                Way::KeyFile => view! { <KeyFileForm/> }.into_any(),
                Way::OAuth => view! { <OAuthForm/> }.into_any(),
                Way::Token => view! { <TokenForm/> }.into_any(),
            }}
        </section>
    }
}

/// Reads a chosen or dropped file as text; one far larger than any credential file is
/// refused unread, so a wrong 50 MB file cannot freeze the tab.
async fn read_file(file: web_sys::File) -> Result<String, UserMessage> {
    if file.size() > MAX_KEY_FILE_BYTES as f64 {
        return Err(UserMessage::new(
            format!("This file is far larger than a credential file ({} KB at most).", MAX_KEY_FILE_BYTES / 1024),
            "Choose the .key file or the client details file you were given.",
        ));
    }
    let text = JsFuture::from(file.text()).await.map_err(|_| {
        UserMessage::new("The file could not be read.", "Choose it again; if it is on a network drive, copy it locally first.")
    })?;
    Ok(text.as_string().unwrap_or_default())
}

fn first_file(input: &web_sys::HtmlInputElement) -> Option<web_sys::File> {
    input.files().and_then(|f| f.get(0))
}

#[component]
fn KeyFileForm() -> impl IntoView {
    let ctx = use_session();
    let error = RwSignal::new(None::<UserMessage>);
    // What the console is doing now, step by step: connecting takes up to three requests.
    let step = RwSignal::new(None::<&'static str>);
    let busy = move || step.get().is_some();
    let dragging = RwSignal::new(false);

    // A chosen and a dropped file take the same way: read, check, connect.
    let use_file = move |file: web_sys::File| {
        step.set(Some("Reading the key file…"));
        error.set(None);
        spawn_local(async move {
            let outcome = match read_file(file).await {
                Ok(text) => connect_key_file(&text, move |s| step.set(Some(s))).await,
                Err(m) => Err(m),
            };
            step.set(None);
            match outcome {
                Ok(session) => ctx.connect(session),
                Err(m) => error.set(Some(m)),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = first_file(&input) {
            input.set_value("");
            use_file(file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            use_file(file);
        }
    };

    view! {
        <div class="way" role="tabpanel" aria-labelledby="tab-key">
            <div class="drop" class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <label for="key-file">"Administration API key file (.key)"</label>
                <input id="key-file" type="file" accept=".key,.json,application/json" on:change=on_file disabled=busy/>
                <p class="hint">"Or drop the file here. The console signs short-lived tokens with it and renews them before they expire."</p>
            </div>
            <p class="busy" role="status" data-test="connect-progress">{move || step.get()}</p>
            {move || error.get().map(|m| view! { <Note message=m/> })}
        </div>
    }
}

/// Parses, imports and tries a key file, then finds its role without changing anything.
/// `step` hears what it is doing, for the progress line.
async fn connect_key_file(text: &str, step: impl Fn(&'static str)) -> Result<Session, UserMessage> {
    let key = keyfile::parse(text).map_err(|e| UserMessage::new(e.to_string(), "Choose the right file and try again."))?;
    let signer = crypto::import_pkcs8(&key.pkcs8_der).await.map_err(|e| {
        UserMessage::new(format!("The browser refused the private key ({e})."), "The key may be damaged: download it again.")
    })?;
    let tenant = key.tenant();
    let session = Session::new(
        tenant.clone(),
        Source::KeyFile { access_id: key.access_id.clone(), audience: key.audience(), signer },
        Rights::Key(None),
        None,
    );
    // Reading the high-risk list is allowed to Super Administrators only and changes nothing:
    // its answer tells the role. A tenant without v2 or without the licence answers it with
    // something else (404, 5xx): then a search proves the key works, and the role stays
    // "not known" (each page says so when the server refuses).
    step("Checking the key with the tenant and finding its role…");
    let role = match api::high_risk_list(&session, None).await {
        Ok(_) => Some(KeyRole::SuperAdmin),
        Err(ApiError::Forbidden { .. }) => Some(KeyRole::HelpDesk),
        Err(e) if e.status().is_some() && !matches!(e, ApiError::TooManyRequests { .. }) => None,
        Err(e) => return Err(message(&e, None)),
    };
    if role != Some(KeyRole::SuperAdmin) {
        step("Checking that the key may search users…");
        match api::search(&session, "@", 0, 1, None).await {
            Ok(_) => {}
            Err(ApiError::Forbidden { detail, .. }) => {
                return Err(UserMessage::new(
                    format!("The tenant refused this key (403{}).", if detail.is_empty() { String::new() } else { format!(": \u{201c}{detail}\u{201d}") }),
                    format!("The key may have been deleted or belong to another tenant (this one is for {tenant}), or this computer's clock is wrong. Check the clock, or ask a Super Administrator for a current key."),
                ))
            }
            Err(e) => return Err(message(&e, None)),
        }
    }
    session.set_rights(Rights::Key(role));
    Ok(session)
}

#[component]
fn OAuthForm() -> impl IntoView {
    let ctx = use_session();
    let client_id = RwSignal::new(String::new());
    let issuer = RwSignal::new(String::new());
    let jwk_text = RwSignal::new(String::new());
    let scopes = RwSignal::new(ALL_SCOPES.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let error = RwSignal::new(None::<UserMessage>);
    let busy = RwSignal::new(false);

    // RSA shows the client's details separately; a saved JSON with clientId, issuerUrl and jwk
    // (what the sandbox writes) fills all three at once.
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = first_file(&input) {
            input.set_value("");
            spawn_local(async move {
                match read_file(file).await {
                    // A client details file as the sandbox writes it; anything else is taken
                    // for the key itself and checked when the operator connects.
                    Ok(text) => match serde_json::from_str::<OAuthClientFile>(&text) {
                        Ok(f) => {
                            client_id.set(f.client_id);
                            issuer.set(f.issuer_url);
                            jwk_text.set(serde_json::to_string_pretty(&f.jwk).unwrap_or_default());
                        }
                        Err(_) => jwk_text.set(text),
                    },
                    Err(m) => error.set(Some(m)),
                }
            });
        }
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let (c, i, j, s) = (client_id.get_untracked(), issuer.get_untracked(), jwk_text.get_untracked(), scopes.get_untracked());
        busy.set(true);
        spawn_local(async move {
            let outcome = connect_oauth(c.trim(), i.trim(), &j, s).await;
            busy.set(false);
            match outcome {
                Ok(session) => ctx.connect(session),
                Err(m) => error.set(Some(m)),
            }
        });
    };

    view! {
        <form class="way" role="tabpanel" aria-labelledby="tab-oauth" on:submit=submit>
            <label for="oauth-file">"Client details file (optional)"</label>
            <input id="oauth-file" type="file" accept=".json,application/json" on:change=on_file/>
            <label for="client-id">"Client ID"</label>
            <input id="client-id" required autocomplete="off" prop:value=move || client_id.get() on:input=move |ev| client_id.set(event_target_value(&ev))/>
            <label for="issuer">"Issuer URL"</label>
            <input id="issuer" required placeholder="https://<tenant>.auth.securid.com/oauth" autocomplete="off"
                prop:value=move || issuer.get() on:input=move |ev| issuer.set(event_target_value(&ev))/>
            <label for="jwk">"Private key (JWK)"</label>
            <textarea id="jwk" required rows="4" spellcheck="false" autocomplete="off"
                prop:value=move || jwk_text.get() on:input=move |ev| jwk_text.set(event_target_value(&ev))></textarea>
            <fieldset>
                <legend>"Permissions to request"</legend>
                {ALL_SCOPES.iter().map(|scope| {
                    let scope = scope.to_string();
                    let s2 = scope.clone();
                    let label = scope.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || scopes.with(|v| v.contains(&s2))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let sc = scope.clone();
                                    scopes.update(|v| { v.retain(|x| *x != sc); if on { v.push(sc); } });
                                }/>
                            {label}
                        </label>
                    }
                }).collect_view()}
                <p class="hint">"Untick permissions your client was not given: RSA refuses a token request that asks for more."</p>
            </fieldset>
            <button type="submit" disabled=move || busy.get()>"Connect"</button>
            <p class="busy" role="status" data-test="connect-progress">{move || busy.get().then_some("Requesting a token for the client and its permissions…")}</p>
            {move || error.get().map(|m| view! { <Note message=m/> })}
        </form>
    }
}

async fn connect_oauth(client_id: &str, issuer: &str, jwk_text: &str, scopes: Vec<String>) -> Result<Session, UserMessage> {
    if client_id.is_empty() {
        return Err(UserMessage::new("The client ID is empty.", "Copy it from the OAuth client's page in the Cloud Administration Console."));
    }
    let Some(host) = host_of(issuer) else {
        return Err(UserMessage::new("The issuer URL is not an https:// address.", "It looks like https://<tenant>.auth.securid.com/oauth."));
    };
    if scopes.is_empty() {
        return Err(UserMessage::new("No permission is ticked.", "Tick at least the permissions your client has."));
    }
    let (key, info) = jwk::inspect(jwk_text).map_err(|e| UserMessage::new(e.to_string(), "Paste the client's private key and try again."))?;
    let signer = crypto::import_jwk(&key, info.alg, info.kid).await.map_err(|e| {
        UserMessage::new(format!("The browser refused the private key ({e})."), "Check that you pasted the whole JWK.")
    })?;
    let issuer = issuer.trim_end_matches('/');
    let token_url = format!("{issuer}/token");
    // The token request goes to the issuer's path on this origin; the proxy sends it on.
    let path = issuer.splitn(4, '/').nth(3).unwrap_or("oauth");
    let token_path = format!("/{path}/token");
    let session = Session::new(
        host,
        Source::OAuth { client_id: client_id.to_string(), token_url, token_path, scopes: scopes.clone(), signer },
        Rights::Scopes(Some(scopes)),
        None,
    );
    match session.bearer().await {
        Ok(_) => Ok(session),
        Err(ApiError::Forbidden { detail, .. }) | Err(ApiError::BadRequest { detail }) => Err(UserMessage::new(
            format!("The token request was refused{}.", if detail.is_empty() { String::new() } else { format!(": \u{201c}{detail}\u{201d}") }),
            "Check the client ID and that the key belongs to this client, and untick permissions the client was not given.",
        )),
        Err(e) => Err(message(&e, None)),
    }
}

#[component]
fn TokenForm() -> impl IntoView {
    let ctx = use_session();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<UserMessage>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let token = text.get_untracked().trim().trim_start_matches("Bearer ").trim().to_string();
        busy.set(true);
        spawn_local(async move {
            let outcome = connect_token(token).await;
            busy.set(false);
            match outcome {
                Ok(session) => {
                    text.set(String::new());
                    ctx.connect(session);
                }
                Err(m) => error.set(Some(m)),
            }
        });
    };
    view! {
        <form class="way" role="tabpanel" aria-labelledby="tab-token" on:submit=submit>
            <label for="token">"Bearer token"</label>
            <textarea id="token" required rows="4" spellcheck="false" autocomplete="off"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <p class="hint">"A token is used as is and not renewed; when it expires the console asks for a new one."</p>
            <button type="submit" disabled=move || busy.get()>"Connect"</button>
            <p class="busy" role="status" data-test="connect-progress">{move || busy.get().then_some("Checking the token with the tenant…")}</p>
            {move || error.get().map(|m| view! { <Note message=m/> })}
        </form>
    }
}

async fn connect_token(token: String) -> Result<Session, UserMessage> {
    if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UserMessage::new("That is not a bearer token (it is empty or contains spaces).", "Paste only the token itself."));
    }
    let facts = jwt::token_facts(&token);
    if let Some(exp) = facts.expires_at {
        if exp <= now_secs() {
            return Err(UserMessage::new("This token has already expired.", "Get a fresh token and paste it."));
        }
    }
    let legacy = facts.scopes.is_none() && facts.audience.as_deref().is_some_and(|a| a.contains("/AdminInterface"));
    let rights = match (&facts.scopes, legacy) {
        (Some(scopes), _) => Rights::Scopes(Some(scopes.clone())),
        (None, true) => Rights::Key(None),
        (None, false) => Rights::Scopes(None),
    };
    let tenant = facts.audience.as_deref().and_then(host_of).unwrap_or_else(|| "the tenant behind this console's proxy".to_string());
    let session = Session::new(tenant, Source::Pasted, rights, Some(token));
    // A search for "@" with one result reads nothing sensitive and proves the token works.
    match api::search(&session, "@", 0, 1, None).await {
        Ok(_) => Ok(session),
        Err(ApiError::Forbidden { .. }) => Err(UserMessage::new(
            "The server refused this token (403).",
            "It may be expired, for another tenant, or lack the rsa.user.read permission. Get a fresh token and paste it.",
        )),
        Err(e) => Err(message(&e, None)),
    }
}
