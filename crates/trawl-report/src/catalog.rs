//! Finding playbooks: listing a playbook folder (`trawl report --list`) and resolving a name or path.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::playbook::{PLAYBOOK_FILE, Playbook};

/// A playbook found while listing a folder; `playbook` holds the load error of a broken one.
#[derive(Debug)]
pub struct Listed {
    /// Folder name.
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
    /// The loaded playbook, or why it does not load.
    pub playbook: Result<Playbook>,
}

/// Lists the playbooks in `dir` (each sub-folder holding a `playbook.toml`), sorted by name.
pub fn list(dir: &Path) -> Result<Vec<Listed>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.join(PLAYBOOK_FILE).is_file() {
            found.push(Listed {
                name: entry.file_name().to_string_lossy().into_owned(),
                playbook: Playbook::load(&path),
                dir: path,
            });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// Resolves `name_or_path`: a folder holding `playbook.toml`, a `playbook.toml` file, or the
/// name of a playbook folder inside `dir`.
pub fn resolve(name_or_path: &str, dir: &Path) -> Result<Playbook> {
    let as_path = Path::new(name_or_path);
    if as_path.is_file() || as_path.join(PLAYBOOK_FILE).is_file() {
        return Playbook::load(as_path);
    }
    let is_plain_name = as_path.components().count() == 1;
    let candidate = dir.join(name_or_path);
    if is_plain_name && candidate.join(PLAYBOOK_FILE).is_file() {
        return Playbook::load(&candidate);
    }
    let available = list(dir)
        .map(|l| l.into_iter().map(|p| p.name).collect())
        .unwrap_or_default();
    Err(Error::NotFound {
        name: name_or_path.to_string(),
        dir: dir.to_path_buf(),
        available,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playbook(dir: &Path, name: &str, toml: &str) {
        let p = dir.join(name);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join(PLAYBOOK_FILE), toml).unwrap();
        std::fs::write(p.join("q.sql"), "select 1").unwrap();
    }

    const OK: &str = "title = \"T\"\n[[steps]]\nid = \"1\"\ntitle = \"S\"\nsql = \"q.sql\"\n";

    #[test]
    fn lists_sorted_with_broken_ones_reported() {
        let dir = tempfile::tempdir().unwrap();
        playbook(dir.path(), "zeta", OK);
        playbook(dir.path(), "alpha", OK);
        playbook(dir.path(), "broken", "title = ");
        std::fs::create_dir(dir.path().join("not-a-playbook")).unwrap();
        let listed = list(dir.path()).unwrap();
        let names: Vec<_> = listed.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["alpha", "broken", "zeta"]);
        assert!(listed[0].playbook.is_ok());
        assert!(listed[1].playbook.is_err());
    }

    #[test]
    fn resolves_names_and_paths() {
        let dir = tempfile::tempdir().unwrap();
        playbook(dir.path(), "alpha", OK);
        assert_eq!(resolve("alpha", dir.path()).unwrap().name, "alpha");
        let by_path = dir.path().join("alpha").join(PLAYBOOK_FILE);
        assert_eq!(
            resolve(by_path.to_str().unwrap(), Path::new("/nonexistent"))
                .unwrap()
                .name,
            "alpha"
        );
        let e = resolve("beta", dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("no playbook named `beta`") && e.contains("available: alpha"),
            "{e}"
        );
    }
}
