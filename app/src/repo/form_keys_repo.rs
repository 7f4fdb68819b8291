//! Which object each create form's key made (see `domain::form_key`). Called inside the
//! create's own `BEGIN IMMEDIATE` transaction, so a second request with the same key
//! waits for the first and then finds its object.
use crate::domain::form_key::FormKey;
use crate::domain::ids::AccountId;
use sqlx::SqliteConnection;

/// The object an earlier submission of this form with this key created, if any.
pub async fn seen(
    conn: &mut SqliteConnection,
    form: &str,
    actor: AccountId,
    key: Option<&FormKey>,
) -> Result<Option<i64>, sqlx::Error> {
    let Some(key) = key else { return Ok(None) };
    sqlx::query_scalar("SELECT object_id FROM form_keys WHERE form = ? AND actor = ? AND key = ?")
        .bind(form)
        .bind(actor)
        .bind(key.as_str())
        .fetch_optional(&mut *conn)
        .await
}

/// Remembers that this submission created `object`.
pub async fn remember(
    conn: &mut SqliteConnection,
    form: &str,
    actor: AccountId,
    key: Option<&FormKey>,
    object: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let Some(key) = key else { return Ok(()) };
    sqlx::query("INSERT INTO form_keys (form, actor, key, object_id, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(form)
        .bind(actor)
        .bind(key.as_str())
        .bind(object)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
