//! Test helpers shared by trawl's crates.
//!
//! The real CloudTrail corpus lives beside the repository in `../shared/data/real` (CI always has
//! it; a user's clone does not). Every test reaches it through [`real_data`].

use std::path::PathBuf;

/// The folder of real public CloudTrail files (`shared/data/real`), found beside the workspace.
///
/// Returns `None`, after printing why, when the folder is missing, so the calling test can skip.
/// Under CI (`CI=true`) a missing folder is a failure instead: there it must be present.
pub fn real_data() -> Option<PathBuf> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = workspace.join("../shared/data/real");
    if dir.join("EXPECTED.json").is_file() {
        return Some(dir.canonicalize().unwrap_or(dir));
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but the real CloudTrail corpus is missing at {}",
            dir.display()
        );
    }
    eprintln!(
        "skipping: the real CloudTrail corpus is not at {} (it ships beside the repo in CI)",
        dir.display()
    );
    None
}

/// The workspace's own fixtures folder (`testdata/`).
pub fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}
