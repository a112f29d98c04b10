//! Locks: a badge per method the lookup reports locked; unlock the chosen ones
//! (`PATCH /v1/users/{id}/methods`) and show the server's answer for each.

use super::{Area, Change, Desk};
use cas_core::access::Operation;
use cas_core::helpdesk::diagnosis::Lock;
use cas_core::helpdesk::UnlockMethod;
use leptos::prelude::*;

#[component]
pub fn Locks(desk: Desk) -> impl IntoView {
    let locks = Memo::new(move |_| desk.user.with(|u| u.as_ref().map(Lock::of_user).unwrap_or_default()));
    // The methods ticked for unlocking: the locked ones, until the operator says otherwise.
    let chosen = RwSignal::new(Vec::<UnlockMethod>::new());
    Effect::new(move || chosen.set(locks.get().into_iter().filter_map(Lock::unlock_method).collect()));
    let toggle = move |m: UnlockMethod, on: bool| chosen.update(|c| {
        c.retain(|x| *x != m);
        if on {
            c.push(m);
        }
    });
    let denied = desk.may(Operation::UnlockMethods);
    let unlock = move |_| {
        let mut ms = chosen.get_untracked();
        // In the API's order, whatever order they were ticked in.
        ms.sort_by_key(|m| UnlockMethod::ALL.iter().position(|x| x == m));
        if !ms.is_empty() {
            desk.request(Change::Unlock(ms), Area::Locks);
        }
    };

    view! {
        <section class="panel locks" data-panel="locks" aria-labelledby="locks-title">
            <h2 id="locks-title">"Locks"</h2>
            <p class="badges">
                {move || {
                    let ls = locks.get();
                    if ls.is_empty() {
                        view! { <span data-test="no-locks">"No method is locked."</span> }.into_any()
                    } else {
                        ls.into_iter().map(|l| view! { <span class="badge lock" data-test="lock-badge">{format!("{} locked", l.name())}</span>" " }).collect_view().into_any()
                    }
                }}
            </p>
            {move || match denied.get() {
                Some(why) => view! { <p class="why-not" data-test="unlock-denied">{why}</p> }.into_any(),
                None => view! {
                    <fieldset class="choices">
                        <legend>"Unlock"</legend>
                        {UnlockMethod::ALL.map(|m| {
                            let lock = Lock::of(m);
                            let state = move || if locks.with(|l| l.contains(&lock)) { " (locked)" } else { "" };
                            view! {
                                <label>
                                    <input type="checkbox" data-method=m.as_str() prop:checked=move || chosen.with(|c| c.contains(&m))
                                        on:change=move |ev| toggle(m, event_target_checked(&ev))/>
                                    {lock.name()}{state}
                                </label>
                            }
                        }).into_iter().collect_view()}
                    </fieldset>
                    <button type="button" data-test="unlock" disabled=move || desk.busy() || chosen.with(Vec::is_empty) on:click=unlock>"Unlock the chosen methods"</button>
                }.into_any(),
            }}
            {move || locks.with(|l| l.iter().any(|l| l.unlock_method().is_none())).then(|| view! {
                <p class="hint">"The Cloud Administration API cannot unlock Device Biometrics or Approve: they unlock when the lockout ends, or in the Cloud Administration Console."</p>
            })}
            {move || desk.unlocked.get().map(|answer| view! {
                <div class="answer" data-test="unlock-answer">
                    <p>"The server's answer: each method after the unlock"</p>
                    <ul>
                        {UnlockMethod::ALL.map(|m| view! {
                            <li data-method=m.as_str()>{format!("{}: {}", Lock::of(m).name(), if answer.locked(m) { "locked" } else { "not locked" })}</li>
                        }).into_iter().collect_view()}
                    </ul>
                </div>
            })}
            {desk.told(Area::Locks, None)}
        </section>
    }
}
