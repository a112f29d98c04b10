//! Editing a user of the Local Identity Source. The form starts from the server's answer,
//! is checked before sending, shows old → new before saving, and reads the whole answer back
//! (the API says 200 even when it did not save). A typed password is sent once and forgotten.

use crate::api;
use crate::session::use_session;
use crate::shortcuts::focus;
use crate::ui::{use_log, Flash, Note};
use cas_core::access::Operation;
use cas_core::actionlog::Outcome;
use cas_core::error::{message, ApiError, UserMessage};
use cas_core::localuser::{server_errors, Field, LocalUserForm, LOCAL_SOURCE};
use cas_core::route::{path, Page};
use cas_core::wire::{UpdateLocalUserRequest, PASSWORD_OPTIONS, PASSWORD_SEND_METHODS};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

#[component]
pub fn EditUserPage() -> impl IntoView {
    let params = use_params_map();
    let email = Memo::new(move |_| params.read().get("email").unwrap_or_default());
    move || view! { <EditUser email=email.get()/> }
}

#[component]
fn EditUser(email: String) -> impl IntoView {
    let session = use_session();
    let back = path(&Page::User(email.clone()));
    // Says why before showing a form that could not be saved; else the user as the server has
    // them, if the update API may edit them.
    let loaded = LocalResource::new(move || {
        let (s, email) = (session.get_untracked(), email.clone());
        async move {
            let Some(s) = s else { return Err(UserMessage::new("Not connected.", "Connect first.")) };
            if let Err(d) = s.allows(Operation::UpdateLocalUser) {
                return Err(UserMessage::new(d.explain(Operation::UpdateLocalUser), "Disconnect and connect with such an OAuth client to edit local users."));
            }
            let abort = api::abort_on_cleanup().map_err(|e| message(&e, None))?;
            match api::lookup(&s, &email, false, Some(&abort)).await {
                Ok((user, _)) if LocalUserForm::editable(&user) => Ok((user.email_address.clone(), LocalUserForm::from_user(&user))),
                Ok((user, _)) => Err(UserMessage::new(
                    format!(
                        "{} comes from the identity source \u{201c}{}\u{201d}; the update API edits only users of the {LOCAL_SOURCE}.",
                        user.email_address,
                        user.identity_source.unwrap_or_default()
                    ),
                    "Change this user in their identity source; the change arrives with the next synchronization.",
                )),
                Err(e) => Err(message(&e, Some(Operation::Lookup))),
            }
        }
    });

    view! {
        <section class="edit" aria-labelledby="edit-title">
            <p class="crumbs"><A href=back>"← Back to the user"</A></p>
            {move || match loaded.get() {
                None => view! { <p class="busy" role="status">"Loading the user…"</p> }.into_any(),
                Some(Ok((email, form))) => {
                    let original = StoredValue::new(form.clone());
                    view! { <EditForm email=email form=RwSignal::new(form) original=original/> }.into_any()
                }
                Some(Err(m)) => view! { <h1 id="edit-title">"Edit local user"</h1><Note message=m/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn EditForm(email: String, form: RwSignal<LocalUserForm>, original: StoredValue<LocalUserForm>) -> impl IntoView {
    let session = use_session();
    let log = use_log();
    let navigate = use_navigate();
    let flash = use_context::<Flash>();
    let errors = RwSignal::new(Vec::<(Field, String)>::new());
    let general = RwSignal::new(Vec::<String>::new());
    let reviewing = RwSignal::new(false);
    let email = StoredValue::new(email);

    let review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        general.set(Vec::new());
        let found = form.with(LocalUserForm::validate);
        let invalid = !found.is_empty();
        reviewing.set(!invalid);
        errors.set(found);
        // The keyboard goes where the next step is: the first field to correct, or Save.
        request_animation_frame(move || {
            let selectors: &[&str] = if invalid { &[".edit [aria-invalid=\"true\"]"] } else { &[".review [data-test=save]", ".review"] };
            let Some(d) = web_sys::window().and_then(|w| w.document()) else { return };
            if let Some(el) = selectors.iter().find_map(|s| d.query_selector(s).ok().flatten()) {
                focus(&el);
            }
        });
    };
    // A refused save: the focus on what the server said.
    let refusal = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if !general.with(Vec::is_empty) {
            request_animation_frame(move || {
                if let Some(el) = refusal.try_get_untracked().flatten() {
                    let _ = el.focus();
                }
            });
        }
    });

    // The save, and what came of it: a success reloads the user, a refusal stays on the form.
    let save = Action::new_local(move |(body, changed): &(UpdateLocalUserRequest, String)| {
        let (body, changed, s) = (body.clone(), changed.clone(), session.get_untracked());
        let navigate = navigate.clone();
        async move {
            let Some(s) = s else { return };
            let outcome = api::update_local_user(&s, &body).await;
            drop(body);
            reviewing.set(false);
            let target = email.get_value();
            match outcome {
                Ok(resp) if resp.save_succeeded => {
                    log.record("Edit local user", &target, Outcome::Succeeded, format!("200, saved: {changed}"));
                    let new_email = resp.email.filter(|e| !e.is_empty()).unwrap_or(target);
                    if let Some(Flash(f)) = flash {
                        f.set(Some(UserMessage::new("Saved. This page shows the user as the server has it now.", "")));
                    }
                    navigate(&path(&Page::User(new_email)), NavigateOptions::default());
                }
                Ok(resp) => {
                    let (fields, reasons) = form.with_untracked(|f| server_errors(&resp, f));
                    log.record("Edit local user", &target, Outcome::Failed, format!("200, not saved: {}", reasons.join("; ")));
                    errors.set(fields);
                    general.set(if reasons.is_empty() { vec!["The server did not save the changes.".into()] } else { reasons });
                }
                Err(e) => {
                    let m = message(&e, Some(Operation::UpdateLocalUser));
                    // An answer we cannot read does not say whether it saved.
                    let logged = if matches!(e, ApiError::BadBody { .. }) { Outcome::Unknown } else { Outcome::Failed };
                    log.record("Edit local user", &target, logged, format!("{} {}", e.status().unwrap_or(0), e.detail()));
                    general.set(vec![format!("{} {}", m.what, m.next)]);
                }
            }
        }
    });
    let busy = save.pending();
    let send = move |_| {
        let body = form.with_untracked(LocalUserForm::to_request);
        // The password has left the form for the request; forget it here, whatever happens.
        form.update(LocalUserForm::clear_password);
        let changed: Vec<&str> = form.with_untracked(|f| original.with_value(|o| f.changes(o).into_iter().map(|(field, _, _)| field.label()).collect()));
        save.dispatch((body, changed.join(", ")));
    };

    let field_error = move |field: Field| errors.with(|e| e.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()));
    let input = move |field: Field| {
        let id = format!("f-{}", field.key());
        let err_id = format!("{id}-error");
        let unknown = form.with_untracked(|f| f.unknown.contains(&field));
        let value = move || form.with(|f| f.get(field).to_string());
        let set = move |ev: leptos::ev::Event| form.update(|f| f.set(field, event_target_value(&ev)));
        let kind = match field {
            Field::Password => "password",
            Field::Email | Field::ManagerEmail | Field::InitialPasswordEmail => "email",
            Field::DefaultSmsPhone | Field::DefaultVoicePhone => "tel",
            _ => "text",
        };
        let control = view! { <input id=id.clone() type=kind autocomplete=if field == Field::Password { "new-password" } else { "off" }
            aria-describedby=err_id.clone() aria-invalid=move || field_error(field).is_some().to_string()
            prop:value=value on:input=set/> };
        view! {
            <div class="field" data-field=field.key()>
                <label for=id>{field.label()}{field.is_list().then_some(" (comma-separated)")}</label>
                {control}
                {unknown.then(|| view! { <p class="hint">"The server does not say the current value; what you enter here replaces it."</p> })}
                <p class="field-error" id=err_id>{move || field_error(field)}</p>
            </div>
        }
    };
    let choice = move |field: Field, options: &'static [&'static str]| {
        let id = format!("f-{}", field.key());
        view! {
            <div class="field" data-field=field.key()>
                <label for=id.clone()>{field.label()}</label>
                <select id=id on:change=move |ev| form.update(|f| f.set(field, event_target_value(&ev)))>
                    {options.iter().map(|o| {
                        let label = if field == Field::PasswordSendMethod && *o == "NONE" { "Choose…" } else { option_label(o) };
                        view! { <option value=*o selected=move || form.with(|f| f.get(field) == *o)>{label}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error">{move || field_error(field)}</p>
            </div>
        }
    };
    let option = move || form.with(|f| f.get(Field::PasswordCreationOption).to_string());

    view! {
        <h1 id="edit-title">{format!("Edit {}", email.get_value())}</h1>
        <form on:submit=review novalidate>
            <div class="fields">
                {Field::ALL.into_iter().filter(|f| !matches!(f, Field::PasswordCreationOption | Field::PasswordSendMethod | Field::InitialPasswordEmail | Field::Password)).map(input).collect_view()}
            </div>
            <fieldset>
                <legend>"Password"</legend>
                {choice(Field::PasswordCreationOption, &PASSWORD_OPTIONS)}
                {move || match option().as_str() {
                    "GENERATE_AND_SEND" => view! { {choice(Field::PasswordSendMethod, &PASSWORD_SEND_METHODS)} {input(Field::InitialPasswordEmail)} }.into_any(),
                    "ENTERED_BY_ADMIN" => input(Field::Password).into_any(),
                    _ => ().into_any(),
                }}
            </fieldset>
            {move || (!general.with(Vec::is_empty)).then(|| view! {
                <div class="note error" role="alert" tabindex="-1" node_ref=refusal><p class="what">"The server did not save the changes."</p>
                    <ul>{general.get().into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}</ul>
                    <p class="next">"Correct the marked fields and save again; nothing you typed was lost (type a new password again)."</p>
                </div>
            })}
            <div class="actions"><button type="submit" disabled=move || busy.get()>"Review changes"</button></div>
        </form>
        {move || reviewing.get().then(|| {
            let changes = form.with(|f| original.with_value(|o| f.changes(o)));
            view! {
                <section class="review" aria-labelledby="review-title">
                    <h2 id="review-title">"About to change"</h2>
                    {if changes.is_empty() {
                        view! { <p class="empty">"Nothing has changed."</p> }.into_any()
                    } else {
                        view! { <ul class="changes">{changes.into_iter().map(|(f, old, new)| view! { <li>{format!("{}: {} \u{2192} {}", f.label(), if old.is_empty() { "(empty)" } else { &old }, new)}</li> }).collect_view()}</ul>
                            <div class="actions">
                                <button type="button" class="primary" data-test="save" disabled=move || busy.get() on:click=send>"Save"</button>
                                <button type="button" on:click=move |_| reviewing.set(false)>"Keep editing"</button>
                            </div>
                        }.into_any()
                    }}
                    <p class="busy" role="status">{move || busy.get().then_some("Saving…")}</p>
                </section>
            }
        })}
    }
}

fn option_label(option: &str) -> &'static str {
    match option {
        "NONE" => "Leave unchanged",
        "GENERATE_AND_SEND" => "Generate one and send it",
        "ENTERED_BY_ADMIN" => "Type a new one",
        "EMAIL" => "Email",
        _ => "Choose…",
    }
}

/// The route: the local-user editor, in a wasm chunk of its own, loaded on the way to the page (the first
/// load is the shell and the connect screen; see ARCHITECTURE.md).
pub struct EditUserRoute;

#[lazy_route]
impl LazyRoute for EditUserRoute {
    fn data() -> Self {
        EditUserRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <EditUserPage/> }.into_any()
    }
}
