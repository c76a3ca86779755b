//! Leaders (领导之窗): the 主席、副主席、秘书长 of the committee, one page each with
//! photo, position (`roles`, 职务), responsibilities (`duties`, 分工) and CV
//! (the body), in rank order (`weight`). Each leader's page lists, like a
//! member's record, the speeches they gave (speech posts whose `speaker` names
//! them) and the activities they took part in (posts whose `members` name
//! them), found automatically.
//!
//! A leader is named by the file's name (the leader id), by their name, or —
//! when they are also a member (`member`, 委员编号) — by the member's id or
//! name; the two pages then link to each other.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml::read;

use super::Site;
use super::column::ColumnKind;
use super::files::FileLink;
use super::members::Directory;
use super::page::Page;

#[derive(Debug)]
pub struct Leader {
    /// Index into `Site::pages`.
    pub page: usize,
    /// The file's name without `.md`.
    pub id: String,
    pub name: String,
    /// 职务, e.g. 区政协主席.
    pub position: String,
    /// 分工.
    pub duties: String,
    pub photo_file: Option<String>,
    /// The photo, found on disk.
    pub photo: Option<FileLink>,
    /// Index into `Site::members` when the leader is also a member.
    pub member: Option<usize>,
    /// Indices into `Site::pages`, newest first.
    pub speeches: Vec<usize>,
    pub activities: Vec<usize>,
}

/// Reads the leaders of every `leaders` column (in their column's order),
/// links them to their member pages and gathers their speeches and
/// activities from `newest_first` (every page, newest first). Members must be
/// collected first.
pub fn collect(site: &mut Site, newest_first: &[usize], diagnostics: &Diagnostics) {
    let directory = Directory::new(&site.members);
    let mut leaders: Vec<Leader> = Vec::new();
    for column in site.columns.iter().filter(|c| c.kind == ColumnKind::Leaders) {
        for &p in &column.pages {
            leaders.push(leader_of(p, &site.pages[p], &directory, diagnostics));
        }
    }
    let keys = keys_of(&leaders, site);
    for &p in newest_first {
        let page = &site.pages[p];
        if page.meta.draft {
            continue;
        }
        let kind = page.column.map(|c| site.columns[c].kind);
        if kind == Some(ColumnKind::Leaders) {
            continue;
        }
        let mut speech_of = None;
        if kind == Some(ColumnKind::Speech)
            && let Some(speaker) = &page.meta.speaker
            && let Some(&l) = keys.get(speaker.trim())
        {
            leaders[l].speeches.push(p);
            speech_of = Some(l);
        }
        let mut named: Vec<usize> = page
            .meta
            .members
            .iter()
            .filter_map(|key| keys.get(key.trim()).copied())
            .filter(|&l| Some(l) != speech_of)
            .collect();
        named.sort_unstable();
        named.dedup();
        for l in named {
            leaders[l].activities.push(p);
        }
    }
    for (i, leader) in leaders.iter().enumerate() {
        site.pages[leader.page].leader = Some(i);
    }
    site.leader_keys = keys;
    site.leaders = leaders;
}

/// The leader a profile page describes, with their member found in
/// `directory`; speeches, activities and the photo are filled in later.
pub fn leader_of(index: usize, page: &Page, directory: &Directory, diagnostics: &Diagnostics) -> Leader {
    let extra = &page.meta.extra;
    let text = |key: &str| extra.get(key).and_then(read::string).unwrap_or_default();
    let id = super::members::file_id(&page.rel);
    let name = match text("name") {
        n if !n.trim().is_empty() => n.trim().to_string(),
        _ => page.title.clone(),
    };
    // 职务 may be a list, as members write it.
    let position = match extra.get("roles").map(read::string_list) {
        Some(Some(list)) => list.join("、"),
        _ => text("roles"),
    };
    let member = match text("member").trim() {
        "" => None,
        key => {
            let found = directory.find(key);
            if found.is_none() {
                let how = "member（委员编号）写这位领导在委员风采栏目里的文件名；不是委员的，删掉这一行";
                let hint = match directory.suggest(key) {
                    Some(close) => format!("是不是想写“{close}”？{how}"),
                    None => how.to_string(),
                };
                let mut d = Diagnostic::error(&page.shown, format!("委员编号“{key}”不是本站的委员")).hint(hint);
                if let Some(line) = page.meta.line_of("member") {
                    d = d.at_line(line);
                }
                diagnostics.push(d);
            }
            found
        }
    };
    if position.trim().is_empty() {
        diagnostics.push(
            Diagnostic::warning(&page.shown, format!("领导“{name}”没有写职务 roles（职务）"))
                .at_line(page.meta.line_of("name").unwrap_or(1))
                .hint("加一行，例如“roles: 区政协副主席”"),
        );
    }
    Leader {
        page: index,
        id,
        name,
        position,
        duties: text("duties").trim().to_string(),
        photo_file: Some(text("photo")).filter(|s| !s.trim().is_empty()),
        photo: None,
        member,
        speeches: Vec::new(),
        activities: Vec::new(),
    }
}

/// Every way a leader is named: id, name, and their member's id and name.
fn keys_of(leaders: &[Leader], site: &Site) -> HashMap<String, usize> {
    let mut keys = HashMap::new();
    for (i, leader) in leaders.iter().enumerate() {
        keys.entry(leader.name.clone()).or_insert(i);
        if let Some(m) = leader.member {
            let member = &site.members[m];
            keys.entry(member.name.clone()).or_insert(i);
            keys.insert(member.id.clone(), i);
        }
    }
    // Leader ids win over names when they clash.
    for (i, leader) in leaders.iter().enumerate() {
        keys.insert(leader.id.clone(), i);
    }
    keys
}
