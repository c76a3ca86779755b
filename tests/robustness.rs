//! No input may make a build panic: mangled front matter, Markdown and settings
//! must end in a result (success or a list of errors), never a crash.

mod common;

use common::*;

const POST: &str = "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-02 14:30\ntags: [乡村振兴, 民主监督]\nattachments:\n  - file: a.pdf\n    title: 附件\n---\n\u{3000}\u{3000}正文第一段。\n\n## 一、会议概况\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n见[链接](@/yaowen/2025-03-01-post-1.md)[^1]。\n\n```rust\nfn main() {}\n```\n\n[^1]: 注释。\n";

/// Small deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

const PIECES: &[&str] = &[
    "---",
    "\n",
    ":",
    "：",
    "\t",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "#",
    "- ",
    "|",
    "`",
    "```",
    "@/",
    "](",
    "\u{feff}",
    "\r\n",
    "标题",
    "date: 2099-99-99",
    "kind: x",
    "    ",
    "\u{3000}",
    "*",
    "&",
    "<",
    ">",
    "{{",
    "{%",
    "\\",
    "!",
    "[^",
    "\0",
];

fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.next() % 6 {
        let at = rng.next() % (bytes.len() + 1);
        match rng.next() % 4 {
            0 => {
                let piece = PIECES[rng.next() % PIECES.len()];
                bytes.splice(at..at, piece.bytes());
            }
            1 if at < bytes.len() => {
                let end = (at + rng.next() % 8).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => bytes.insert(at, (rng.next() % 256) as u8),
            _ => {
                let end = (at + rng.next() % 40).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
        }
    }
    bytes
}

/// Writes `rounds` mangled versions of `original` to `file` and builds each one:
/// every build must end in a result, and every error must be in Chinese.
fn mangle_and_build(file: &str, original: &str, seed: u64, rounds: usize) {
    let f = Fixture::with_news(1);
    let mut rng = Rng(seed);
    for round in 0..rounds {
        let bytes = mutate(&mut rng, original);
        f.write_bytes(file, &bytes);
        let result = std::panic::catch_unwind(|| tongxin::build(&f.options()));
        let shown = String::from_utf8_lossy(&bytes);
        let Ok(result) = result else {
            panic!("round {round} panicked on:\n{shown}")
        };
        if let Err(failure) = result {
            for d in failure.errors() {
                let chinese = d.message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                assert!(chinese, "round {round}: message not in Chinese: {d}");
            }
        }
    }
}

#[test]
fn mangled_posts_never_panic() {
    mangle_and_build("content/yaowen/2025-03-02-x.md", POST, 0x5eed_1234_abcd_0001, 200);
}

#[test]
fn mangled_site_yaml_never_panics() {
    let base = format!("{SITE_YAML}nav: [yaowen]\nmourning: [2026-04-04~2026-04-06]\nidentity:\n  icp: 测ICP备1号\n");
    mangle_and_build("site.yaml", &base, 0x5eed_1234_abcd_0002, 100);
}
