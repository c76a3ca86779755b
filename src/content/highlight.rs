//! Syntax highlighting for fenced code. Loading syntect's grammars costs tens of
//! milliseconds, so it happens on the first page that has code, never otherwise.

use std::sync::OnceLock;

use syntect::highlighting::{Theme, ThemeSet};
use syntect::html::highlighted_html_for_string;
use syntect::parsing::SyntaxSet;

struct Highlighter {
    syntaxes: SyntaxSet,
    theme: Theme,
}

fn highlighter() -> &'static Highlighter {
    static CELL: OnceLock<Highlighter> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut themes = ThemeSet::load_defaults();
        // A light theme with enough contrast for body text on white.
        let theme = themes.themes.remove("InspiredGitHub").unwrap_or_default();
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            theme,
        }
    })
}

/// HTML for a code block; unknown languages are shown as plain, escaped text.
pub fn to_html(code: &str, lang: &str) -> String {
    if !lang.is_empty() {
        let h = highlighter();
        if let Some(syntax) = h.syntaxes.find_syntax_by_token(lang)
            && let Ok(html) = highlighted_html_for_string(code, &h.syntaxes, syntax, &h.theme)
        {
            return html;
        }
    }
    format!("<pre><code>{}</code></pre>\n", super::text::escape_html(code))
}
