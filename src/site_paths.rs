//! Paths inside the published site, as links and image sources write them:
//! percent-decoded and with `.` and `..` resolved. `check` follows links with
//! these and the image stage finds the photos a page shows.

/// `%E7%85%A7.jpg` → `照.jpg`; text that is not valid percent-encoding stays.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Removes `.` and `..` from a path below the site root, keeping a final `/`;
/// `None` when `..` climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') || path.is_empty() || path.ends_with("/.") || path.ends_with("/..");
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_resolves() {
        assert_eq!(percent_decode("%E7%85%A7.jpg"), "照.jpg");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a%zzb"), "a%zzb");
        assert_eq!(normalize("yaowen/a/../b/"), Some("yaowen/b/".into()));
        assert_eq!(normalize("yaowen/./a.jpg"), Some("yaowen/a.jpg".into()));
        assert_eq!(normalize("yaowen/.."), Some(String::new()));
        assert_eq!(normalize("../x"), None);
    }
}
