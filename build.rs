//! Embeds the default theme (themes/default/) into the binary, so that
//! `tongxin init` can write it into a new site from any folder; and names the
//! build by a hash of its sources (`TONGXIN_BUILD_ID`), so that what an
//! incremental build kept from another version of Tongxin is never reused.
//!
//! Writes `$OUT_DIR/default_theme.rs`: a list of (path inside the theme, bytes)
//! with `include_bytes!` for each file. Cargo reruns this script whenever
//! anything under themes/default changes (a folder given to
//! `rerun-if-changed` is watched as a whole), so an edited theme is always the
//! one embedded.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let theme = manifest.join("themes").join("default");
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rustc-env=TONGXIN_BUILD_ID={:016x}", source_hash(&manifest));

    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The files of themes/default: (path inside the theme, contents).\npub const FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, absolute) in &files {
        writeln!(code, "    ({rel:?}, include_bytes!({absolute:?})),").expect("writing to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("default_theme.rs"), code).expect("OUT_DIR is writable");
}

/// A hash of every file of `src/`, of Cargo.lock and of the theme: two
/// binaries built from different code get different ids.
fn source_hash(manifest: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut files = Vec::new();
    for dir in ["src", "themes/default"] {
        let base = manifest.join(dir);
        collect(&base, &base, &mut files);
    }
    files.sort();
    files.push((
        "Cargo.lock".into(),
        manifest.join("Cargo.lock").to_string_lossy().into_owned(),
    ));
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (rel, absolute) in files {
        rel.hash(&mut h);
        std::fs::read(&absolute).unwrap_or_default().hash(&mut h);
    }
    h.finish()
}

/// Every file below `dir`, as (path relative to `base` with `/`, absolute path).
fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable theme folder").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, files);
        } else {
            let rel = path
                .strip_prefix(base)
                .expect("below the theme folder")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, path.to_string_lossy().into_owned()));
        }
    }
}
