//! Splitting long lists into pages: `yaowen/`, `yaowen/page/2/`, …

/// How many pages `items` make at `size` per page (at least one, so an empty
/// column still has its index page).
pub fn page_count(items: usize, size: usize) -> usize {
    items.div_ceil(size.max(1)).max(1)
}

/// The site path of page `number` (1-based) of a list whose first page is `base`.
pub fn page_path(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// The item range shown on page `number`.
pub fn page_range(items: usize, size: usize, number: usize) -> std::ops::Range<usize> {
    let size = size.max(1);
    let start = ((number - 1) * size).min(items);
    start..(start + size).min(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ranges() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(page_range(21, 20, 2), 20..21);
        assert_eq!(page_path("yaowen/", 1), "yaowen/");
        assert_eq!(page_path("yaowen/", 3), "yaowen/page/3/");
    }
}
