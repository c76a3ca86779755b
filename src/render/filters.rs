//! Template filters and functions for Chinese pages.
//!
//! - `date_cn`: `2025-03-02T…` → `2025年3月2日` (`time=true` adds `14:30`).
//! - `pub_date`: `2025-03-02T14:30…` → `2025-03-02 14:30` (the `PubDate` page tag).
//! - `summary(length=120)`: the first characters of a text or HTML, cut by
//!   characters, never mid-character.
//! - `reading_time`: minutes to read a text (or a character count), ~400 a minute.
//! - `url(path="css/site.css")`: a path under the site's base path.
//! - `qr(text=current_url, label="…")`: the QR code of a text as inline SVG.
//! - `json_ld`: a value as JSON that is safe inside `<script type="application/ld+json">`.

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::content::text;

pub fn register(tera: &mut Tera, base_path: &str) {
    tera.register_filter("date_cn", date_cn);
    tera.register_filter("pub_date", pub_date);
    tera.register_filter("summary", summary);
    tera.register_filter("reading_time", reading_time);
    tera.register_filter("json_ld", json_ld);
    let base = base_path.to_string();
    tera.register_function("url", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
        let path: String = kwargs.must_get("path")?;
        Ok(join_url(&base, &path))
    });
    tera.register_function("qr", |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let text: String = kwargs.must_get("text")?;
        let label: String = kwargs.get("label")?.unwrap_or_else(|| "本页网址的二维码".to_string());
        // A text too long for a QR code draws nothing rather than failing the page.
        Ok(super::qr::svg(&text, &label).map_or(Value::from(""), |svg| Value::safe_string(&svg)))
    });
}

pub fn join_url(base_path: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") || path.starts_with("//") {
        return path.to_string();
    }
    format!("{base_path}{}", path.trim_start_matches('/'))
}

fn date_cn(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    if value.is_none() || value.is_undefined() {
        return Ok(String::new());
    }
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::message("date_cn 只能用于日期文字"))?;
    let with_time: bool = kwargs.get("time")?.unwrap_or(false);
    Ok(format_date_cn(text, with_time).unwrap_or_else(|| text.to_string()))
}

/// `2025-03-02T14:30:00+08:00` → `2025年3月2日` (or `2025年3月2日 14:30`).
pub fn format_date_cn(text: &str, with_time: bool) -> Option<String> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year: u32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let mut out = format!("{year}年{month}月{day}日");
    if with_time && let Some(time) = text.get(11..16) {
        out.push(' ');
        out.push_str(time);
    }
    Some(out)
}

/// `2025-03-02T14:30:00+08:00` → `2025-03-02 14:30`, the form of the government
/// page tag `PubDate`.
fn pub_date(value: &Value, _: Kwargs, _: &State) -> TeraResult<String> {
    let text = value.as_str().unwrap_or_default();
    match (text.get(..10), text.get(11..16)) {
        (Some(day), Some(time)) => Ok(format!("{day} {time}")),
        _ => Ok(text.to_string()),
    }
}

/// JSON for a `<script>` element. Autoescaping would turn quotes into `&quot;`,
/// which a script's text does not decode, so the JSON is marked safe instead,
/// and the characters that could end the element or start a comment (`<`, `>`,
/// `&`) are written as `\u` escapes, which every JSON reader decodes back.
///
/// Keys come out sorted (a template's map has no fixed order, and the same
/// site must give the same bytes) and empty values (`none`) are left out.
fn json_ld(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let mut data =
        serde_json::to_value(value).map_err(|e| tera::Error::message(format!("无法把数据写成 JSON：{e}")))?;
    drop_nulls_and_sort(&mut data);
    let json = data.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            // Line separators end a line in old JavaScript parsers.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(Value::safe_string(&out))
}

fn drop_nulls_and_sort(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            // Sorted already, unless a dependency turns on `preserve_order`.
            map.sort_keys();
            map.values_mut().for_each(drop_nulls_and_sort);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls_and_sort),
        _ => {}
    }
}

fn summary(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let length: usize = kwargs.get("length")?.unwrap_or(text::SUMMARY_CHARS);
    let input = value.as_str().unwrap_or_default();
    let plain = if input.contains('<') {
        text::strip_html(input)
    } else {
        input.to_string()
    };
    Ok(text::summarize(&plain, length))
}

fn reading_time(value: &Value, _: Kwargs, _: &State) -> TeraResult<usize> {
    let chars = match value.as_u64() {
        Some(n) => n as usize,
        None => text::char_count(&text::strip_html(value.as_str().unwrap_or_default())),
    };
    Ok(text::reading_minutes(chars))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Context;

    fn render(template: &str, ctx: &Context) -> String {
        let mut tera = Tera::default();
        register(&mut tera, "/zx/");
        tera.add_raw_template("t.html", template).unwrap();
        tera.render("t.html", ctx).unwrap()
    }

    #[test]
    fn chinese_dates() {
        let mut ctx = Context::new();
        ctx.insert("d", "2025-03-02T14:30:00+08:00");
        assert_eq!(render("{{ d | date_cn }}", &ctx), "2025年3月2日");
        assert_eq!(render("{{ d | date_cn(time=true) }}", &ctx), "2025年3月2日 14:30");
        assert_eq!(render("{{ d | pub_date }}", &ctx), "2025-03-02 14:30");
    }

    #[test]
    fn summaries_and_reading_time() {
        let mut ctx = Context::new();
        ctx.insert("html", &format!("<p>{}</p>", "字".repeat(500)));
        assert_eq!(render("{{ html | summary(length=3) }}", &ctx), "字字字……");
        assert_eq!(render("{{ html | reading_time }}", &ctx), "2");
        assert_eq!(render("{{ 1550 | reading_time }}", &ctx), "4");
    }

    #[test]
    fn urls_under_the_base_path() {
        let ctx = Context::new();
        assert_eq!(render("{{ url(path=\"/css/site.css\") }}", &ctx), "/zx/css/site.css");
        assert_eq!(join_url("/", "https://a.cn/x"), "https://a.cn/x");
    }

    #[test]
    fn qr_codes_are_inline_svg_not_escaped() {
        let mut ctx = Context::new();
        ctx.insert("u", "https://a.cn/x/");
        let out = render("{{ qr(text=u, label=\"分享\") }}", &ctx);
        assert!(out.starts_with("<svg"), "{out}");
        assert!(out.contains("aria-label=\"分享\""));
    }

    #[test]
    fn json_ld_cannot_end_its_script_element() {
        let mut ctx = Context::new();
        ctx.insert("t", "</script><script>alert(\"x\")</script> & <!--");
        let out = render(
            r#"{{ {"headline": t, "image": none, "@type": "NewsArticle"} | json_ld }}"#,
            &ctx,
        );
        assert!(
            out.starts_with(r#"{"@type":"NewsArticle","headline":"#),
            "sorted, no null: {out}"
        );
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["headline"], "</script><script>alert(\"x\")</script> & <!--");
    }
}
