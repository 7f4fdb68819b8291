//! Fixtures shared by the integration tests and the benchmarks.
#![allow(dead_code)]
use sqlx::SqlitePool;

/// Adds `n` residents of micro-grids inside the area named `area`, verified by grid staff
/// (so they may vote), each with a live session made the way sign-in makes one (only the
/// token's hash is stored). Returns
/// (account id, `Cookie` header value) per resident.
pub async fn residents_with_sessions(pool: &SqlitePool, area: &str, n: usize, first_phone: u64) -> Vec<(i64, String)> {
    let micro_grids: Vec<i64> = sqlx::query_scalar(
        "SELECT m.id FROM grid_nodes m JOIN grid_nodes a ON m.code GLOB a.code || '*'
         WHERE a.name = ? AND m.level = 'micro_grid' ORDER BY m.id",
    )
    .bind(area)
    .fetch_all(pool)
    .await
    .expect("micro-grids");
    assert!(!micro_grids.is_empty(), "no micro-grid in {area}");
    let mut out = Vec::with_capacity(n);
    let mut tx = pool.begin().await.expect("tx");
    for i in 0..n {
        let phone = (first_phone + i as u64).to_string();
        let micro = micro_grids[i % micro_grids.len()];
        let person: i64 =
            sqlx::query_scalar("INSERT INTO people (full_name, phone, micro_grid_id) VALUES (?, ?, ?) RETURNING id")
                .bind(format!("测试居民{i}"))
                .bind(&phone)
                .bind(micro)
                .fetch_one(&mut *tx)
                .await
                .expect("person");
        let account: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (person_id, phone, password_hash, verified_at) VALUES (?, ?, 'unused', unixepoch())
             RETURNING id",
        )
        .bind(person)
        .bind(&phone)
        .fetch_one(&mut *tx)
        .await
        .expect("account");
        sqlx::query("INSERT INTO role_assignments (account_id, role, node_id) VALUES (?, 'resident', ?)")
            .bind(account)
            .bind(micro)
            .execute(&mut *tx)
            .await
            .expect("role");
        let token = app::auth::new_token();
        sqlx::query("INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?, ?, unixepoch() + 86400)")
            .bind(app::auth::token_hash(&token))
            .bind(account)
            .execute(&mut *tx)
            .await
            .expect("session");
        out.push((account, format!("gs_session={token}")));
    }
    tx.commit().await.expect("commit");
    out
}

/// The approved candidates of the election that is open for voting now.
pub async fn running_candidates(pool: &SqlitePool) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT n.id FROM nominations n JOIN star_elections e ON e.id = n.election_id
         WHERE n.status = 'approved' AND e.voting_start <= unixepoch() AND e.voting_end > unixepoch() ORDER BY n.id",
    )
    .fetch_all(pool)
    .await
    .expect("candidates")
}

/// Reads an event stream until its text contains `needle`; returns all it read (panics after
/// 10 s).
pub async fn read_until<B: AsRef<[u8]>>(
    stream: &mut (impl futures::Stream<Item = reqwest::Result<B>> + Unpin),
    needle: &str,
) -> String {
    use futures::StreamExt;
    let mut seen = String::new();
    let found = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(chunk) = stream.next().await {
            seen.push_str(&String::from_utf8_lossy(chunk.expect("chunk").as_ref()));
            if seen.contains(needle) {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    assert!(found, "no {needle:?} in {seen:?}");
    seen
}

/// A PNG of `w` × `h` pixels of one colour.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([20, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}
