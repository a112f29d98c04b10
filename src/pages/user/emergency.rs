//! Emergency access: issue a code (`PUT /v2/users/{id}/emergencyTokencode`, the v1 form where
//! the tenant has no v2), one use or many, valid from one minute to seven days, as the tenant
//! allows; disable it (`DELETE /v1/users/{id}/emergencyTokencode/{eacId}`).
//!
//! The code is shown once, here, with a copy button, until the operator hides it or leaves
//! the page. It lives in one signal and in the DOM while shown: never in the action log, a
//! message, the URL, storage or the console (`EmergencyTokencode` prints as hidden).

use super::view::{Rows, Value};
use super::{Area, Change, Desk, Shown};
use crate::ui::CopyButton;
use cas_core::access::Operation;
use cas_core::helpdesk::emergency::{custom_validity, VALIDITY_PRESETS};
use cas_core::helpdesk::{EmergencyChoice, ExpiryUnit};
use leptos::prelude::*;

/// What the form says: the choice, or why it makes none.
fn choice(uses: &str, validity: &str, value: &str, unit: &str) -> Result<EmergencyChoice, String> {
    let one_time_use = match uses {
        "one" => Some(true),
        "many" => Some(false),
        _ => None,
    };
    let validity = match validity {
        "" => None,
        "custom" => Some(custom_validity(value, unit)?),
        preset => preset.parse::<usize>().ok().and_then(|i| VALIDITY_PRESETS.get(i).copied()),
    };
    Ok(EmergencyChoice { one_time_use, validity })
}

#[component]
pub fn Emergency(desk: Desk) -> impl IntoView {
    let uses = RwSignal::new(String::new());
    let validity = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let unit = RwSignal::new("hours".to_string());
    let chosen = Memo::new(move |_| choice(&uses.get(), &validity.get(), &value.get(), &unit.get()));
    let (may_issue, may_disable) = (desk.may(Operation::IssueEmergencyCode), desk.may(Operation::DisableEmergencyCode));

    let status = move || {
        let u = desk.user.get()?;
        let state = u.emergency_access_status.clone().unwrap_or_else(|| "not known".into());
        let rows = vec![
            ("Online code".to_string(), Value::Text(state)),
            ("Expires".to_string(), Value::when(&u.emergency_tokencode_expiration)),
            ("Last used".to_string(), Value::when(&u.emergency_tokencode_last_use)),
            ("Offline code (Windows)".to_string(), Value::text(u.offline_emergency_access_status.as_deref())),
            ("Offline code expires".to_string(), Value::when(&u.offline_emergency_tokencode_expiration)),
        ];
        Some(view! { <Rows rows=rows test="eac-status"/> })
    };
    // A code to disable: the lookup says one is active (or names one).
    let active = move || {
        desk.user.with(|u| {
            u.as_ref().and_then(|u| {
                let on = u.emergency_access_status.as_deref().is_some_and(|s| !s.eq_ignore_ascii_case("Disabled")) || u.emergency_tokencode_id.is_some();
                on.then(|| u.emergency_tokencode_id.clone())
            })
        })
    };
    let radio = move |v: &'static str, label: &'static str| {
        view! {
            <label><input type="radio" name="eac-uses" value=v prop:checked=move || uses.with(|u| u == v) on:change=move |_| uses.set(v.to_string())/>{label}</label>
        }
    };
    let issue = move |_| {
        if let Ok(c) = chosen.get_untracked() {
            desk.request(Change::IssueCode(c), Area::Emergency);
        }
    };

    view! {
        <section class="panel emergency" data-panel="emergency" aria-labelledby="eac-title">
            <h2 id="eac-title">"Emergency access code"</h2>
            {status}
            {move || desk.issued.get().filter(|s| s.area == Area::Emergency).map(|s| view! { <IssuedBox shown=s desk=desk/> })}
            {move || match may_issue.get() {
                Some(why) => view! { <p class="why-not" data-test="issue-denied">{why}</p> }.into_any(),
                None => view! {
                    <fieldset class="choices">
                        <legend>"Uses"</legend>
                        {radio("", "As the tenant sets")}
                        {radio("one", "One use")}
                        {radio("many", "Many uses")}
                    </fieldset>
                    <label>"Valid for "
                        <select data-test="validity" prop:value=move || validity.get() on:change=move |ev| validity.set(event_target_value(&ev))>
                            <option value="">"As the tenant sets"</option>
                            {VALIDITY_PRESETS.iter().enumerate().map(|(i, v)| view! { <option value=i.to_string()>{v.label()}</option> }).collect_view()}
                            <option value="custom">"Other…"</option>
                        </select>
                    </label>
                    {move || validity.with(|v| v == "custom").then(|| view! {
                        <label>" " <input type="number" min="1" step="1" data-test="custom-validity" aria-label="Validity" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/></label>
                        <select aria-label="Unit" prop:value=move || unit.get() on:change=move |ev| unit.set(event_target_value(&ev))>
                            {[ExpiryUnit::Minutes, ExpiryUnit::Hours, ExpiryUnit::Days].map(|u| view! { <option value=u.as_str()>{u.as_str()}</option> }).into_iter().collect_view()}
                        </select>
                    })}
                    {move || chosen.get().err().filter(|_| validity.with(|v| v == "custom") && value.with(|v| !v.is_empty())).map(|e| view! { <p class="field-error" data-test="validity-error">{e}</p> })}
                    <button type="button" data-test="issue-code" disabled=move || desk.busy() || chosen.with(Result::is_err) on:click=issue>"Issue a code"</button>
                    <p class="hint">"A tenant that locks its emergency access settings decides the uses and the validity itself; the code then says what it used."</p>
                }.into_any(),
            }}
            {move || active().map(|code_id| match may_disable.get() {
                Some(why) => view! { <p class="why-not">{why}</p> }.into_any(),
                None => {
                    let c = Change::DisableCode(code_id);
                    view! { <button type="button" class="danger" data-test="disable-code" disabled=move || desk.busy() on:click=move |_| desk.request(c.clone(), Area::Emergency)>"Disable the code"</button> }.into_any()
                }
            })}
            {desk.told(Area::Emergency, None)}
        </section>
    }
}

/// The code just issued: shown once, with a copy button and its terms, until hidden.
#[component]
pub fn IssuedBox(shown: Shown, desk: Desk) -> impl IntoView {
    let c = shown.code;
    let code = c.code.expose().to_string();
    let uses = match c.one_time_use {
        Some(true) => "One use",
        Some(false) => "Many uses",
        None => "As the tenant sets",
    };
    let rows = vec![
        ("Uses".to_string(), Value::Text(uses.into())),
        ("Valid until".to_string(), Value::when(&c.expires)),
        ("Offline code valid until".to_string(), Value::when(&c.offline_expires)),
        ("Code ID".to_string(), Value::text(c.id.as_deref())),
    ];
    let made_with = c.used.as_ref().map(|u| u.describe());
    view! {
        <div class="issued" data-test="issued-code">
            <p class="what">"The emergency access code, shown only now and only here:"</p>
            <p class="code"><code data-test="code">{code.clone()}</code>" "<CopyButton text=code label="Copy the emergency access code"/></p>
            <Rows rows=rows/>
            {match (c.locked, made_with) {
                (Some(true), made) => Some(view! {
                    <p class="note-inline" data-test="overridden">{format!(
                        "Your tenant locks its emergency access settings, so it ignored the choice made here{}.",
                        made.map(|m| format!(" and made the code with: {m}")).unwrap_or_default()
                    )}</p>
                }.into_any()),
                (_, Some(m)) => Some(view! { <p>{format!("Made with: {m}.")}</p> }.into_any()),
                _ => None,
            }}
            {c.v1_because.map(|status| view! {
                <p>{format!("This tenant has only version 1 of the API ({status}): the code is valid for whole days, and its uses are the tenant's setting.")}</p>
            })}
            {c.expires.is_none().then(|| view! { <p>"The server did not say until when the code is valid."</p> })}
            <button type="button" data-test="hide-code" on:click=move |_| desk.issued.set(None)>"Done: hide the code"</button>
        </div>
    }
}
