//! An item's photos: the server's upload and image handlers call these with the viewer
//! they resolved (the bytes are checked, resized and re-encoded there).
#![cfg(feature = "ssr")]

use super::facts_of;
use super::steps::{on_item, stepped};
use crate::domain::audit::Action;
use crate::domain::sentiment::Standing;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::repo::sentiment_repo::{self, ItemRow};
use crate::server_fns::write::Writer;
use crate::session::SessionUser;
use crate::state::AppState;
use sqlx::SqliteConnection;

/// At most this many photos per item.
pub const MAX_PHOTOS: i64 = 3;

/// The item, if the user may add a photo to it now: its reporter or grid staff over it,
/// while it is open and has room for one more.
async fn open_for_photo(conn: &mut SqliteConnection, user: &SessionUser, id: i64) -> Result<ItemRow, AppError> {
    let row = sentiment_repo::item(conn, id).await?.ok_or(AppError::NotFound)?;
    let facts = facts_of(user, &row);
    if facts.standing < Standing::Member && !facts.is_reporter {
        return Err(AppError::Forbidden);
    }
    if facts.stage.is_final() {
        return Err(AppError::Conflict(Msg::ErrItemChanged));
    }
    if sentiment_repo::photo_count(conn, id).await? >= MAX_PHOTOS {
        return Err(AppError::Conflict(Msg::ErrPhotoCount));
    }
    Ok(row)
}

/// Adds a photo (already checked, resized and re-encoded by the server) to an item.
pub async fn add_photo(
    state: &AppState,
    user: &SessionUser,
    id: i64,
    mime: &str,
    size: (u32, u32),
    bytes: &[u8],
) -> Result<i64, AppError> {
    let w = Writer { state: state.clone(), actor: Some(user.account_id) };
    w.run(on_item(Action::AddPhoto, id), async |tx, out| {
        let row = open_for_photo(tx, user, id).await?;
        let photo = sentiment_repo::add_photo(tx, id, mime, size, bytes).await?;
        stepped(out, "photo", &row, serde_json::json!({ "photo": photo, "bytes": bytes.len() }));
        Ok(photo)
    })
    .await
}

/// Whether the user may add a photo to the item now (checked before any decoding).
pub async fn may_add_photo(state: &AppState, user: &SessionUser, id: i64) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    open_for_photo(&mut conn, user, id).await.map(|_| ())
}

/// A photo's type and bytes, for whoever may see its item.
pub async fn photo_for(state: &AppState, user: &SessionUser, photo: i64) -> Result<(String, Vec<u8>), AppError> {
    let (item, mime, bytes) = sentiment_repo::photo(&state.pool, photo).await?.ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let row = sentiment_repo::item(&mut conn, item).await?.ok_or(AppError::NotFound)?;
    let facts = facts_of(user, &row);
    if facts.standing < Standing::Member && !facts.is_reporter && !facts.is_handler {
        return Err(AppError::Forbidden);
    }
    Ok((mime, bytes))
}
