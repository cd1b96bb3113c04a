//! The declared minimum Rust version is true: no locked dependency needs a
//! newer Rust than `rust-version` in Cargo.toml says. (Clippy's
//! `incompatible_msrv` lint, on under `-D warnings`, keeps our own code to
//! it.) Regression (issue 9): the manifest said 1.85 while the lock file
//! pinned crates needing 1.91.

use std::process::Command;

use serde_json::Value;

/// `"1.88.0"` or `"1.91"` → `(1, 88, 0)`.
fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_the_manifest_declares() {
    let declared = env!("CARGO_PKG_RUST_VERSION");
    assert!(!declared.is_empty(), "Cargo.toml declares rust-version");
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata is JSON");
    let packages = metadata["packages"].as_array().expect("a package list");
    assert!(packages.len() > 50, "every locked package is listed");
    let too_new: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let needs = p["rust_version"].as_str()?;
            (version(needs) > version(declared)).then(|| {
                let field = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
                format!("{} {} needs Rust {needs}", field("name"), field("version"))
            })
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "Cargo.toml declares rust-version {declared}, but:\n{}\n\
         Raise rust-version (and the README), or pin older versions.",
        too_new.join("\n")
    );
}
