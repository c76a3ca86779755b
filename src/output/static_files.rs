//! Copying files that are published as they are: the theme's `static/`, then the
//! site's `static/` (which wins), then the files beside the Markdown in `content/`.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, display_path};

/// A file to copy: (source file, path below the output folder).
pub type StaticFile = (PathBuf, String);

/// Files of a `static/` folder, as (source, destination below the output).
pub fn list_dir(dir: &Path) -> Vec<StaticFile> {
    WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_string_lossy().replace('\\', "/");
            Some((e.path().to_path_buf(), rel))
        })
        .collect()
}

/// Copies `files` into `out`, later entries overwriting earlier ones with the same
/// destination. A generated page is never overwritten: a static file with the
/// same path is skipped with a warning. Returns how many files were copied.
pub fn copy_all(files: Vec<StaticFile>, out: &Path, root: &Path, diagnostics: &Diagnostics) -> usize {
    let mut last: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    for (src, dest) in files {
        last.insert(dest, src);
    }
    last.par_iter()
        .map(|(dest, src)| {
            let target = out.join(dest);
            if target.exists() {
                let shown = src.strip_prefix(root).unwrap_or(src);
                diagnostics.push(
                    Diagnostic::warning(display_path(shown), format!("与生成的页面 /{dest} 同名，没有复制"))
                        .hint("生成的页面优先；如果要替换它，请改用 templates/ 中的模板，或给这个文件换个名字"),
                );
                return 0;
            }
            let result = target
                .parent()
                .map_or(Ok(()), fs::create_dir_all)
                .and_then(|_| fs::copy(src, &target).map(|_| ()));
            match result {
                Ok(()) => 1,
                Err(e) => {
                    let shown = src.strip_prefix(root).unwrap_or(src);
                    diagnostics.push(
                        Diagnostic::io(display_path(shown), "无法复制到输出文件夹", &e)
                            .hint("确认文件没有被其他程序占用，磁盘有空间"),
                    );
                    0
                }
            }
        })
        .sum()
}
