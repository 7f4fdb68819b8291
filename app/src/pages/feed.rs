//! /feed: 朋友圈, the community feed, newest first, paged, with likes.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, FieldMsg, Loading};
use crate::i18n::{age_text, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::feed::{feed_data, LikePost, PostNews};
use crate::{tr, use_viewer};
use leptos::prelude::*;

fn kind_label(kind: &str) -> Msg {
    match kind {
        "thanks" => Msg::KindThanks,
        "service_done" => Msg::KindDone,
        _ => Msg::KindNews,
    }
}

#[island(lazy)]
pub fn FeedPage() -> impl IntoView {
    let live = use_live();
    let signed_in = use_viewer().user.is_some();
    let query = crate::components::use_query();
    let before = Memo::new(move |_| query.read().get("before").and_then(|b| b.parse::<i64>().ok()));
    let like = ServerAction::<LikePost>::new();
    let news = ServerAction::<PostNews>::new();
    let news_error = Signal::derive(move || news.value().get().and_then(|r| r.err()));
    let data = Resource::new(
        move || (before.get(), live.version(Topic::Notices), like.version().get(), news.version().get()),
        |(b, ..)| feed_data(b),
    );
    let locale = use_viewer().locale;
    view! {
        <header class="page-head"><h1>{tr(Msg::FeedTitle)}</h1></header>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(feed) => view! {
                        {feed.may_post_news.then(|| view! {
                            <section class="card">
                                <ActionForm action=news attr:class="form">
                                    <label for="news-body">{tr(Msg::PostNews)}</label>
                                    <textarea id="news-body" name="body" rows="2" maxlength="500" required></textarea>
                                    <FieldMsg error=news_error field="body"/>
                                    <button type="submit" class="btn">{tr(Msg::Submit)}</button>
                                </ActionForm>
                            </section>
                        })}
                        <ul class="feed card">
                            {feed.posts.into_iter().map(|p| {
                                let id = p.id.to_string();
                                view! {
                                    <li>
                                        <p class="muted"><span class="tag">{tr(kind_label(&p.kind))}</span> " " {p.author_masked.unwrap_or_default()} " · " {age_text(locale, p.age_secs)}</p>
                                        <p>{p.body}</p>
                                        {if signed_in {
                                            view! {
                                                <ActionForm action=like attr:class="like">
                                                    <input type="hidden" name="post" value=id/>
                                                    <button type="submit" class="btn small" aria-pressed=if p.liked { "true" } else { "false" }>
                                                        {if p.liked { tr(Msg::Liked) } else { tr(Msg::Like) }} " " {p.likes}
                                                    </button>
                                                </ActionForm>
                                            }.into_any()
                                        } else {
                                            view! { <p class="muted">{tr(Msg::Like)} " " {p.likes}</p> }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {feed.next.map(|n| view! { <p><a href=format!("/feed?before={n}") class="btn">{tr(Msg::Older)}</a></p> })}
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
