//! Finding source objects and reading them, all through `object_store`, so that S3 is one more
//! store rather than another code path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::TryStreamExt;
use futures::executor::block_on;
use object_store::local::LocalFileSystem;
use object_store::{ObjectStore, ObjectStoreExt, path::Path as ObjectPath};

use crate::Error;

/// One object to ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceObject {
    /// Location inside the store.
    pub location: ObjectPath,
    /// Size in bytes as listed.
    pub size: u64,
}

impl SourceObject {
    /// The path recorded in the lake (`_source_path`, the manifest): absolute, `/`-separated.
    pub fn display_path(&self) -> String {
        format!("/{}", self.location)
    }

    /// What the object's key says about it.
    pub fn key(&self) -> KeyInfo {
        KeyInfo::parse(self.location.as_ref())
    }
}

/// Facts read from an S3 delivery key (`…/AWSLogs/[o-id/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/…`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyInfo {
    /// The account segment, when the key follows the delivery layout.
    pub account: Option<String>,
    /// The region segment, when the key follows the delivery layout.
    pub region: Option<String>,
    /// The key names a CloudTrail digest (`CloudTrail-Digest/` folder or `_CloudTrail-Digest_` name).
    pub digest: bool,
    /// The file name is not one a trail log can have (`.DS_Store`, `README.md`, `*.csv`, …).
    pub not_a_log_name: bool,
}

impl KeyInfo {
    /// Reads a key.
    pub fn parse(key: &str) -> KeyInfo {
        let segments: Vec<&str> = key.split('/').collect();
        let name = segments.last().copied().unwrap_or_default();
        let digest = key.contains("/CloudTrail-Digest/") || name.contains("_CloudTrail-Digest_");
        let lower = name.to_ascii_lowercase();
        let not_a_log_name = name.starts_with('.')
            || !(lower.ends_with(".json")
                || lower.ends_with(".gz")
                || lower.ends_with(".jsonl")
                || lower.ends_with(".ndjson")
                || !lower.contains('.'));
        let mut info = KeyInfo {
            digest,
            not_a_log_name,
            ..KeyInfo::default()
        };
        if let Some(i) = segments.iter().rposition(|s| *s == "AWSLogs") {
            let mut rest = &segments[i + 1..];
            if rest.first().is_some_and(|s| s.starts_with("o-")) {
                rest = &rest[1..];
            }
            if let [account, kind, region, ..] = rest
                && kind.starts_with("CloudTrail")
            {
                info.account = Some(account.to_string());
                info.region = Some(region.to_string());
            }
        }
        info
    }
}

/// The store that holds the sources (the local file system for now).
///
/// Its calls block the calling thread. Ingest makes them on threads of its own, outside any tokio
/// runtime, where object_store's local store lists and reads in place; inside a runtime it hops to
/// tokio's blocking pool and back for every object, which made a 1 M-event ingest take about 7 %
/// longer (more thread wake-ups than objects, on 2 cores that are already busy). A store that needs
/// a runtime (S3) would run these futures on one.
#[derive(Debug)]
pub struct Sources {
    store: Arc<dyn ObjectStore>,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            store: Arc::new(LocalFileSystem::new()),
        }
    }
}

impl Sources {
    /// Lists every object under the given files or folders, sorted by key, without duplicates.
    pub fn list(&self, roots: &[PathBuf]) -> Result<Vec<SourceObject>, Error> {
        block_on(self.list_async(roots))
    }

    async fn list_async(&self, roots: &[PathBuf]) -> Result<Vec<SourceObject>, Error> {
        let mut found = Vec::new();
        for root in roots {
            let absolute = std::path::absolute(root).map_err(|e| Error::Source {
                path: root.display().to_string(),
                reason: e.to_string(),
            })?;
            let meta = std::fs::metadata(&absolute).map_err(|e| Error::Source {
                path: root.display().to_string(),
                reason: format!("{e} (give a delivery folder, any sub-folder of it, or files)"),
            })?;
            let location = object_path(&absolute)?;
            if meta.is_dir() {
                let listed: Vec<_> = self
                    .store
                    .list(Some(&location))
                    .try_collect()
                    .await
                    .map_err(|e| Error::Source {
                        path: absolute.display().to_string(),
                        reason: e.to_string(),
                    })?;
                found.extend(listed.into_iter().map(|m| SourceObject {
                    location: m.location,
                    size: m.size,
                }));
            } else {
                found.push(SourceObject {
                    location,
                    size: meta.len(),
                });
            }
        }
        found.sort_by(|a, b| a.location.cmp(&b.location));
        found.dedup_by(|a, b| a.location == b.location);
        Ok(found)
    }

    /// Reads a whole object.
    pub fn read(&self, object: &SourceObject) -> Result<bytes::Bytes, String> {
        block_on(async {
            let result = self
                .store
                .get(&object.location)
                .await
                .map_err(|e| e.to_string())?;
            result.bytes().await.map_err(|e| e.to_string())
        })
    }
}

fn object_path(path: &Path) -> Result<ObjectPath, Error> {
    ObjectPath::from_absolute_path(path).map_err(|e| Error::Source {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_keys_give_account_and_region() {
        let k = KeyInfo::parse(
            "x/AWSLogs/o-abcd/811596193553/CloudTrail/us-east-1/2020/10/01/811596193553_CloudTrail_us-east-1-20201001T0000.json.gz",
        );
        assert_eq!(k.account.as_deref(), Some("811596193553"));
        assert_eq!(k.region.as_deref(), Some("us-east-1"));
        assert!(!k.digest && !k.not_a_log_name);
        let d = KeyInfo::parse(
            "AWSLogs/1/CloudTrail-Digest/us-east-2/2015/08/20/1_CloudTrail-Digest_x.json.gz",
        );
        assert!(d.digest);
        assert!(KeyInfo::parse("logs/.DS_Store").not_a_log_name);
        assert!(KeyInfo::parse("logs/README.md").not_a_log_name);
        assert_eq!(KeyInfo::parse("copied/by/hand.json"), KeyInfo::default());
    }
}
