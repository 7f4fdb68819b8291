//! /offers: 我帮忙. Volunteers' standing offers, booked by residents; volunteers post new ones.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, FieldMsg, FormMsg, Loading};
use crate::dto::OfferCard;
use crate::i18n::{section_label, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::offers::{offers_data, BookOffer, PostOffer};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn OffersPage() -> impl IntoView {
    let live = use_live();
    let signed_in = use_viewer().user.is_some();
    let book = ServerAction::<BookOffer>::new();
    let post = ServerAction::<PostOffer>::new();
    let book_error = action_error_of(book);
    let post_error = Signal::derive(move || post.value().get().and_then(|r| r.err()));
    let data = Resource::new(move || (live.version(Topic::Orders), post.version().get()), |_| offers_data());
    view! {
        <header class="page-head"><h1>{tr(Msg::OffersTitle)}</h1></header>
        <FormMsg error=book_error/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => {
                        let key = view.booking_key.clone();
                        view! {
                            {if view.offers.is_empty() {
                                view! { <p class="card muted">{tr(Msg::NoOffers)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="offers">
                                        {view.offers.into_iter().map(|o| view! { <Offer offer=o book key=key.clone() signed_in/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            {view.may_post.then(|| view! {
                                <section class="card">
                                    <h2>{tr(Msg::PostOffer)}</h2>
                                    <ActionForm action=post attr:class="form">
                                        <label for="offer-section">{tr(Msg::Section)}</label>
                                        <select id="offer-section" name="section" required>
                                            {crate::domain::order::ServiceSection::ALL.into_iter().map(|s| view! {
                                                <option value=s.as_str()>{tr(section_label(s))}</option>
                                            }).collect_view()}
                                        </select>
                                        <label for="offer-title">{tr(Msg::Title)}</label>
                                        <input id="offer-title" name="title" required minlength="2" maxlength="60"/>
                                        <FieldMsg error=post_error field="title"/>
                                        <label for="offer-description">{tr(Msg::Description)}</label>
                                        <textarea id="offer-description" name="description" rows="2" maxlength="1000"></textarea>
                                        <label for="offer-schedule">{tr(Msg::Schedule)}</label>
                                        <input id="offer-schedule" name="schedule" maxlength="100"/>
                                        <FormMsg error=post_error/>
                                        <button type="submit" class="btn primary">{tr(Msg::Submit)}</button>
                                    </ActionForm>
                                </section>
                            })}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn action_error_of(action: ServerAction<BookOffer>) -> Signal<Option<crate::error::AppError>> {
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

#[component]
fn Offer(offer: OfferCard, book: ServerAction<BookOffer>, key: String, signed_in: bool) -> impl IntoView {
    let id = offer.id.to_string();
    let note_id = format!("note-{}", offer.id);
    // One key per offer card: booking another offer is another order.
    let offer_key = format!("{key}-{}", offer.id);
    view! {
        <li class="card offer">
            <div class="order-meta">
                <span class=format!("tag section-{}", offer.section.as_str())>{tr(section_label(offer.section))}</span>
                <span class="age">{offer.area}</span>
            </div>
            <h2>{offer.title}</h2>
            <p class="muted">{tr(Msg::Volunteer)} ": " {offer.volunteer_name} " · " {offer.schedule}</p>
            {(!offer.description.is_empty()).then(|| view! { <p>{offer.description}</p> })}
            {(signed_in && !offer.own).then(|| view! {
                <details class="action-sheet">
                    <summary class="btn primary">{tr(Msg::Book)}</summary>
                    <ActionForm action=book attr:class="form">
                        <input type="hidden" name="offer" value=id/>
                        <input type="hidden" name="idempotency_key" value=offer_key/>
                        <label for=note_id.clone()>{tr(Msg::BookNote)}</label>
                        <input id=note_id name="note" maxlength="1000"/>
                        <button type="submit" class="btn primary">{tr(Msg::Book)}</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}
