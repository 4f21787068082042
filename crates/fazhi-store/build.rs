//! Rebuilds the crate when a migration is added or changed: `sqlx::migrate!` embeds the files at
//! compile time and does not track the folders by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
