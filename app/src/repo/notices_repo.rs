//! The notices people receive: one row per reader, as a kind and its arguments
//! (`domain::notice`), put into words when shown.
use crate::domain::ids::{AccountId, PersonId};
use crate::domain::notice::Notice;
use sqlx::SqliteConnection;

/// The same notice to each of `accounts`.
pub async fn notify(conn: &mut SqliteConnection, accounts: &[AccountId], notice: &Notice) -> Result<(), sqlx::Error> {
    let (args, link) = (notice.args_json(), notice.link());
    for account in accounts {
        sqlx::query("INSERT INTO notifications (account_id, kind, args_json, link) VALUES (?, ?, ?, ?)")
            .bind(account)
            .bind(notice.kind())
            .bind(&args)
            .bind(&link)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The notice to the account of a person (a volunteer named by their person id).
pub async fn notify_person(conn: &mut SqliteConnection, person: PersonId, notice: &Notice) -> Result<(), sqlx::Error> {
    let accounts: Vec<AccountId> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE person_id = ?").bind(person).fetch_all(&mut *conn).await?;
    notify(conn, &accounts, notice).await
}

/// A stored notice: (kind, arguments, link, created at, read at).
pub type NoticeRow = (String, String, String, i64, Option<i64>);

/// The latest notices of an account, newest first.
pub async fn latest(
    conn: &mut SqliteConnection,
    account: AccountId,
    limit: i64,
) -> Result<Vec<NoticeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, args_json, link, created_at, read_at FROM notifications
          WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    )
    .bind(account)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}
