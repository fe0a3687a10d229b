//! Gives the binary a build identity: a hash of every file it is built from (`src/`,
//! `templates/`, `vendor/`, `rubrics/`, the manifest and the lock file). The result cache
//! keys entries by it, so a rebuilt binary never reads results an older one wrote.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut all = Vec::new();
    for dir in ["src", "templates", "vendor", "rubrics"] {
        println!("cargo::rerun-if-changed={dir}");
        files(Path::new(dir), &mut all);
    }
    for f in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo::rerun-if-changed={f}");
        all.push(PathBuf::from(f));
    }
    all.sort();
    let mut h = DefaultHasher::new();
    for p in &all {
        p.hash(&mut h);
        std::fs::read(p).unwrap_or_default().hash(&mut h);
    }
    println!("cargo::rustc-env=QBANK_BUILD_ID={:016x}", h.finish());
}
