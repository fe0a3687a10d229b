//! Where qbank writes: every output path stays inside the folder the user named, and
//! every file is written whole or not at all.

use crate::codes::Code;
use std::fmt;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Why an output path was refused, or the write failed.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// The path would leave `root`: it climbs out with `..`, is absolute, or goes
    /// through a symbolic link that points outside.
    Escape {
        root: PathBuf,
        rel: PathBuf,
        why: &'static str,
    },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl WriteError {
    /// The path that was refused or could not be written.
    pub(crate) fn path(&self) -> PathBuf {
        match self {
            WriteError::Escape { root, rel, .. } => root.join(rel),
            WriteError::Io { path, .. } => path.clone(),
        }
    }

    /// The error as a diagnostic at the path, for commands that report through one.
    pub(crate) fn diagnostic(&self) -> crate::diagnostic::Diagnostic {
        use crate::diagnostic::{Diagnostic, Location};
        match self {
            WriteError::Escape { .. } => Diagnostic::error(Code::UnsafePath, self.to_string())
                .at(Location::file(self.path()))
                .help(self.help().unwrap_or_default()),
            WriteError::Io { path, error } => {
                Diagnostic::error(Code::Io, format!("could not write: {error}"))
                    .at(Location::file(path))
            }
        }
    }

    /// What to do about it.
    pub(crate) fn help(&self) -> Option<&'static str> {
        match self {
            WriteError::Escape { .. } => Some(
                "qbank writes only inside the folder it is given; check the name the file is built from (a slug or an id) and any symbolic link in that folder",
            ),
            WriteError::Io { .. } => None,
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Escape { root, rel, why } => write!(
                f,
                "refusing to write `{}` in {}: {why}",
                rel.display(),
                crate::diagnostic::display_path(root)
            ),
            WriteError::Io { path, error } => write!(
                f,
                "could not write {}: {error}",
                crate::diagnostic::display_path(path)
            ),
        }
    }
}

/// `root` joined with the relative path `rel`, normalised, or an error when the result
/// would not be inside `root`: `rel` is absolute, climbs above `root` with `..`, names
/// nothing, or an existing part of it below `root` is a symbolic link that resolves
/// outside `root` (or does not resolve). Parts that do not exist yet are created as
/// plain folders and files by [`write_in`], so they cannot lead outside.
pub(crate) fn inside(root: &Path, rel: &Path) -> Result<PathBuf, WriteError> {
    let escape = |why| WriteError::Escape {
        root: root.to_path_buf(),
        rel: rel.to_path_buf(),
        why,
    };
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(p) => parts.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(escape("it climbs out of the folder with `..`"));
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(escape("it is an absolute path"));
            }
        }
    }
    if parts.is_empty() {
        return Err(escape("it names no file"));
    }
    let mut path = root.to_path_buf();
    // The folder as the system resolves it; known only once it exists.
    let real_root = std::fs::canonicalize(root).ok();
    let mut exists = real_root.is_some();
    for p in parts {
        path.push(p);
        if !exists {
            continue;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::canonicalize(&path)
                    .map_err(|_| escape("it goes through a symbolic link that does not resolve"))?;
                if !real_root.as_ref().is_some_and(|r| target.starts_with(r)) {
                    return Err(escape(
                        "it goes through a symbolic link that points outside the folder",
                    ));
                }
            }
            Ok(_) => {}
            Err(_) => exists = false,
        }
    }
    Ok(path)
}

/// Writes `bytes` to `rel` inside the folder `root` (checked with [`inside`]) and
/// returns the path written.
pub(crate) fn write_in(root: &Path, rel: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let path = inside(root, rel)?;
    write_atomic(&path, bytes).map_err(|error| WriteError::Io {
        path: path.clone(),
        error,
    })?;
    Ok(path)
}

/// Writes `bytes` to the file the user named: inside its own folder, so a symbolic
/// link there that points elsewhere is refused as in [`write_in`].
pub(crate) fn write_named(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let (dir, name) = split(path);
    write_in(&dir, Path::new(&name), bytes)
}

/// The check of [`write_named`] alone, for a command that writes late and should
/// refuse early.
pub(crate) fn check_named(path: &Path) -> Result<PathBuf, WriteError> {
    let (dir, name) = split(path);
    inside(&dir, Path::new(&name))
}

/// The folder of a file path (`.` when it has none) and its file name.
fn split(path: &Path) -> (PathBuf, std::ffi::OsString) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(ToOwned::to_owned)
        .unwrap_or_else(|| path.as_os_str().to_owned());
    (dir, name)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename,
/// so a reader never sees half a file. Callers check `path` first ([`write_in`]).
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, _) = split(path);
    std::fs::create_dir_all(&dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); a written output is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(root: &Path, rel: &str) -> bool {
        matches!(inside(root, Path::new(rel)), Err(WriteError::Escape { .. }))
    }

    #[test]
    fn relative_paths_inside_are_joined_and_normalised() {
        let root = Path::new("out/dist");
        assert_eq!(
            inside(root, Path::new("a/./b/../c.md")).unwrap(),
            Path::new("out/dist/a/c.md")
        );
        assert_eq!(
            inside(root, Path::new("bank.yaml")).unwrap(),
            Path::new("out/dist/bank.yaml")
        );
    }

    #[test]
    fn climbing_out_absolute_and_empty_paths_are_refused() {
        let root = Path::new("out/dist");
        assert!(refused(root, "../../escaped.md"));
        assert!(refused(root, "a/../../x"));
        assert!(refused(root, "/etc/passwd"));
        assert!(refused(root, ""));
        assert!(refused(root, "a/.."));
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_of_the_folder_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("out");
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("link")).unwrap();
        std::os::unix::fs::symlink(root.join("sub"), root.join("inner")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("f.md"), root.join("f.md")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), root.join("dangling")).unwrap();

        assert!(refused(&root, "link/x.md"));
        assert!(refused(&root, "f.md"));
        assert!(refused(&root, "dangling"));
        assert!(inside(&root, Path::new("inner/x.md")).is_ok());
        assert!(inside(&root, Path::new("sub/new/x.md")).is_ok());
        assert!(matches!(
            write_in(&root, Path::new("link/x.md"), b"x"),
            Err(WriteError::Escape { .. })
        ));
        assert!(!elsewhere.join("x.md").exists());
        write_in(&root, Path::new("sub/new/x.md"), b"x").unwrap();
        assert_eq!(std::fs::read(root.join("sub/new/x.md")).unwrap(), b"x");
    }

    #[test]
    fn a_named_file_is_written_in_its_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a/b.tsv");
        assert_eq!(write_named(&p, b"1").unwrap(), p);
        assert_eq!(std::fs::read(&p).unwrap(), b"1");
    }
}
