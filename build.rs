//! Embeds the default theme (themes/default/) into the binary, so that
//! `tongxin init` can write it into a new site from any folder; names the
//! build by a hash of its sources (`TONGXIN_BUILD_ID`), so that what an
//! incremental build kept from another version of Tongxin is never reused;
//! and embeds jieba's dictionary as it ships in the jieba-rs package
//! (`$OUT_DIR/jieba_dictionary.rs`). jieba-rs would embed it compressed with
//! zstd, whose C library takes ~40 s of a clean release build on two cores;
//! uncompressed it costs ~3 MB of binary and nothing to decompress at startup.
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

    let dictionary = jieba_dictionary(&manifest, &out);
    println!("cargo:rerun-if-changed={}", dictionary.display());
    let code = format!(
        "/// jieba's dictionary (`word frequency tag` per line), from the jieba-rs package.\npub const DICTIONARY: &str = include_str!({:?});\n",
        dictionary.to_string_lossy()
    );
    std::fs::write(out.join("jieba_dictionary.rs"), code).expect("OUT_DIR is writable");
}

/// Where the jieba-rs package this build uses keeps `src/data/dict.txt`, as
/// `cargo metadata` says (it knows registries, vendored sources and git
/// checkouts alike). The answer is kept in `OUT_DIR` for the same Cargo.lock:
/// this script runs again on every source change, `cargo metadata` need not.
fn jieba_dictionary(manifest: &Path, out: &Path) -> PathBuf {
    let lock = std::fs::read(manifest.join("Cargo.lock")).unwrap_or_default();
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        lock.hash(&mut h);
        format!("{:016x}", h.finish())
    };
    let cache = out.join("jieba_dictionary.path");
    if let Ok(kept) = std::fs::read_to_string(&cache)
        && let Some((k, path)) = kept.split_once('\n')
        && k == key
        && Path::new(path).is_file()
    {
        return PathBuf::from(path);
    }
    // The registry first: `cargo metadata` resolves dev-dependencies too, and
    // on a fresh machine `cargo build` has not downloaded those, so offline it
    // fails (online, it would wait for the package lock this build holds).
    if let Some(path) = registry_dictionary(&lock) {
        std::fs::write(&cache, format!("{key}\n{}", path.to_string_lossy())).expect("OUT_DIR is writable");
        return path;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--filter-platform"])
        .arg(std::env::var("TARGET").expect("cargo sets TARGET"))
        .arg("--manifest-path")
        .arg(manifest.join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = String::from_utf8_lossy(&output.stdout);
    // Each package's "manifest_path":"…"; jieba-rs's folder is named
    // jieba-rs-<version> in a registry, jieba-rs in a vendor folder.
    let path = json
        .split("\"manifest_path\":\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|p| PathBuf::from(p.replace("\\\\", "\\")))
        .filter_map(|p| p.parent().map(|dir| dir.join("src").join("data").join("dict.txt")))
        .find(|dict| {
            dict.ancestors()
                .nth(3)
                .and_then(|d| d.file_name())
                .is_some_and(|n| n.to_string_lossy().starts_with("jieba-rs"))
                && dict.is_file()
        })
        .expect("cargo metadata names the jieba-rs package, with src/data/dict.txt");
    std::fs::write(&cache, format!("{key}\n{}", path.to_string_lossy())).expect("OUT_DIR is writable");
    path
}

/// jieba-rs's dictionary in Cargo's registry, for the version Cargo.lock
/// names, if it is there (`$CARGO_HOME/registry/src/<index>/jieba-rs-<version>`).
fn registry_dictionary(lock: &[u8]) -> Option<PathBuf> {
    let lock = String::from_utf8_lossy(lock);
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"jieba-rs\"\n"))?
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))?
        .trim_end_matches('"')
        .to_string();
    let home = std::env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|h| PathBuf::from(h).join(".cargo"))
    })?;
    std::fs::read_dir(home.join("registry").join("src"))
        .ok()?
        .flatten()
        .map(|index| {
            index
                .path()
                .join(format!("jieba-rs-{version}"))
                .join("src")
                .join("data")
                .join("dict.txt")
        })
        .find(|dict| dict.is_file())
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
