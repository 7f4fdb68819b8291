//! `server create-admin PHONE NAME SUBDISTRICT-CODE SUBDISTRICT-NAME`: the first
//! administrator of a new installation, whose database starts empty (the demo city is
//! seeded only on request). The password comes from `GRIDSTATION_ADMIN_PASSWORD`, never
//! from the command line, where other users of the machine could read it.
use app::domain::audit::Action;
use app::domain::phone::PhoneNumber;
use app::domain::text::FreeText;

/// Creates the subdistrict and its administrator on the database at `url` (migrating it
/// first). Every refusal is a sentence for the operator.
pub async fn create(url: &str, args: &[String], password: &str) -> Result<app::domain::ids::AccountId, String> {
    let [phone, name, code, subdistrict] = args else {
        return Err(
            "usage: GRIDSTATION_ADMIN_PASSWORD=… server create-admin PHONE NAME SUBDISTRICT-CODE SUBDISTRICT-NAME \
                    (e.g. 13900000001 周建华 320602001 幸福街道)"
                .into(),
        );
    };
    let phone = PhoneNumber::parse(phone).map_err(|_| format!("{phone} is not a mainland mobile number"))?;
    let name = FreeText::parse(name, 1..=40).map_err(|_| "the name must be 1 to 40 characters".to_string())?;
    let name = name.as_str();
    if !(6..=12).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{code}: a subdistrict code is 6 to 12 digits (e.g. 320602001)"));
    }
    let subdistrict = FreeText::parse(subdistrict, 1..=80)
        .map_err(|_| "the subdistrict name must be 1 to 80 characters".to_string())?;
    let subdistrict = subdistrict.as_str();
    app::domain::password::check_new_password(password)
        .map_err(|e| format!("GRIDSTATION_ADMIN_PASSWORD is not accepted: {e:?}"))?;
    crate::config::check_database_url(url).map_err(|e| e.to_string())?;
    crate::config::ensure_db_dir(url).map_err(|e| format!("cannot create the database directory: {e}"))?;
    let pool = app::repo::db::connect(url, 2).await.map_err(|e| format!("database: {e}"))?;
    let hash = app::auth::hash_password(password.to_string()).await.map_err(|e| format!("{e:?}"))?;
    let mut tx = app::repo::begin_immediate(&pool).await.map_err(|e| format!("database: {e}"))?;
    let account =
        app::repo::accounts_repo::create_first_admin(&mut tx, (code, subdistrict), name, phone.as_str(), &hash)
            .await
            .map_err(|e| format!("database: {e}"))?
            .ok_or_else(|| format!("the code {code} or the number {phone} is already in use"))?;
    app::repo::audit_repo::record(
        &mut tx,
        app::repo::audit_repo::AuditEntry {
            actor_id: Some(account),
            object_id: Some(account.get()),
            detail: format!("{subdistrict} ({code}), from the command line"),
            ..app::repo::audit_repo::AuditEntry::of(Action::CreateFirstAdmin, "account")
        },
    )
    .await
    .map_err(|e| format!("database: {e}"))?;
    tx.commit().await.map_err(|e| format!("database: {e}"))?;
    Ok(account)
}
