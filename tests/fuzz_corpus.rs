//! Replays the seed corpus of every fuzz target (`fuzz/corpus/<target>/`) and
//! the inputs kept from the crashes it found (`fuzz/regressions/<target>/`)
//! through the same code as the fuzz targets, so that `cargo test` on stable
//! Rust catches a regression without running the fuzzer.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let result = std::panic::catch_unwind(|| run(&data));
            assert!(result.is_ok(), "{} 出错", file.display());
            count += 1;
        }
    }
    assert!(count > 0, "fuzz/corpus/{target} 里没有样例");
}

#[test]
fn front_matter() {
    replay("front_matter", tongxin::fuzzing::front_matter);
}

#[test]
fn markdown() {
    replay("markdown", tongxin::fuzzing::markdown);
}

#[test]
fn gallery() {
    replay("gallery", tongxin::fuzzing::gallery);
}

#[test]
fn wording() {
    replay("wording", tongxin::fuzzing::wording);
}
