// Re-embed the migrations (sqlx::migrate!) and the seed file whenever they change.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    println!("cargo:rerun-if-changed=../seeds");
}
