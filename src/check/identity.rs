//! Identity (`identity-*`): what site.yaml must say about who runs the site —
//! ICP备案号, 公安备案号, 网站标识码, 主办单位 and a contact — and the online
//! channel for suggestions (建言渠道), whose absence fails an inspection.

use super::Finding;
use super::links::{Outputs, Target, resolve};
use crate::check::rules::Rule;
use crate::config::{FILE_NAME, SiteConfig};

/// The line of the first of `keys` written in site.yaml, at any depth.
fn line_of(yaml: &str, keys: &[&str]) -> Option<usize> {
    yaml.lines()
        .position(|line| {
            let t = line.trim_start();
            keys.iter()
                .any(|k| t.strip_prefix(k).is_some_and(|r| r.starts_with(':')))
        })
        .map(|i| i + 1)
}

/// Words that name a secret in a key of site.yaml.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "access_key",
    "密码",
    "口令",
    "密钥",
];

/// Passwords, keys and tokens written into site.yaml (`identity-secret`):
/// site.yaml is copied, mailed and put under version control, so `tongxin
/// deploy` takes them from the environment instead. Comments do not count.
fn secrets(yaml: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (n, line) in yaml.lines().enumerate() {
        let line = line
            .split(" #")
            .next()
            .unwrap_or(line)
            .trim_start()
            .trim_start_matches("- ");
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']).to_lowercase();
        let value = value.trim().trim_matches(['"', '\'']);
        if value.is_empty() || !SECRET_WORDS.iter().any(|w| key.contains(w)) {
            continue;
        }
        findings.push(
            Finding::new(
                Rule::IdentitySecret,
                FILE_NAME,
                format!("site.yaml 里写了密码或密钥（{key}）"),
            )
            .line(Some(n + 1))
            .fix(
                "删去这一行并改掉这个密码：site.yaml 常被复制、发送和提交到版本库。发布用的密码和密钥放在环境变量里\
                     （TONGXIN_DEPLOY_PASSWORD、AWS_SECRET_ACCESS_KEY 等），不要写进任何文件",
            ),
        );
    }
    findings
}

/// `yaml` is the text of site.yaml (for lines); `outputs`, when the site could
/// be modelled, to check that a suggestion page exists.
pub fn check(config: &SiteConfig, yaml: &str, outputs: Option<&Outputs>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let identity_line = line_of(yaml, &["identity", "网站标识"]).or(Some(1));
    let id = &config.identity;
    let mut missing = |rule: Rule, what: &str, key: &str, example: &str| {
        findings.push(
            Finding::new(rule, FILE_NAME, format!("site.yaml 没有填写{what}"))
                .line(identity_line)
                .fix(format!(
                    "在 identity（网站标识）下加一行“{key}: {example}”；它显示在每个页面的页脚，检查时必查"
                )),
        );
    };
    if id.icp.trim().is_empty() {
        missing(Rule::IdentityIcp, "ICP备案号", "icp", "明ICP备00000000号-1");
    }
    if id.police.trim().is_empty() {
        missing(
            Rule::IdentityPolice,
            "公安备案号",
            "police",
            "明公网安备 00000000000000号",
        );
    }
    if id.site_code.trim().is_empty() {
        missing(Rule::IdentitySiteCode, "网站标识码", "site_code", "\"0000000000\"");
    }
    let mut malformed = |rule: Rule, keys: &[&str], message: String, fix: &str| {
        findings.push(
            Finding::new(rule, FILE_NAME, message)
                .line(line_of(yaml, keys).or(identity_line))
                .level(super::Level::Warning)
                .fix(fix.to_string()),
        );
    };
    let has_digit = |s: &str| s.chars().any(|c| c.is_ascii_digit());
    let icp_ok = id.icp.contains("ICP备") && has_digit(&id.icp);
    if !id.icp.trim().is_empty() && !icp_ok {
        malformed(
            Rule::IdentityIcp,
            &["icp", "ICP备案号"],
            format!("ICP备案号“{}”的格式不对", id.icp),
            "照工信部备案系统里的写法填写，例如“明ICP备00000000号-1”",
        );
    }
    let police_ok = id.police.contains("公网安备") && has_digit(&id.police);
    if !id.police.trim().is_empty() && !police_ok {
        malformed(
            Rule::IdentityPolice,
            &["police", "公安备案号"],
            format!("公安备案号“{}”的格式不对", id.police),
            "照公安机关备案的写法填写，例如“明公网安备 00000000000000号”",
        );
    }
    let code = id.site_code.trim();
    let code_ok = code.len() == 10 && code.chars().all(|c| c.is_ascii_alphanumeric());
    if !code.is_empty() && !code_ok {
        malformed(
            Rule::IdentitySiteCode,
            &["site_code", "网站标识码"],
            format!("网站标识码“{code}”应是 10 位"),
            "网站标识码由政府网站主管部门分配，共 10 位，写在英文引号里，例如 site_code: \"0000000000\"",
        );
    }

    let organization_line = line_of(yaml, &["organization", "主办单位"]).or(Some(1));
    let org = &config.organization;
    if org.name.trim().is_empty() {
        findings.push(
            Finding::new(Rule::IdentityOrganization, FILE_NAME, "site.yaml 没有填写主办单位名称")
                .line(organization_line)
                .fix("在 organization（主办单位）下加一行“name: 中国人民政治协商会议××区委员会”"),
        );
    }
    if org.phone.trim().is_empty() && org.email.trim().is_empty() {
        findings.push(
            Finding::new(Rule::IdentityContact, FILE_NAME, "site.yaml 没有填写联系电话或邮箱")
                .line(organization_line)
                .fix("在 organization（主办单位）下加一行“phone: 0590-87651200”或“email: bgs@example.cn”"),
        );
    }
    if org.address.trim().is_empty() {
        findings.push(
            Finding::new(Rule::IdentityContact, FILE_NAME, "site.yaml 没有填写主办单位地址")
                .line(organization_line)
                .level(super::Level::Info)
                .fix("在 organization（主办单位）下加一行“address: ……”，显示在页脚"),
        );
    }

    let suggestion_line = line_of(yaml, &["suggestion", "建言渠道"]);
    match &config.suggestion {
        None => findings.push(
            Finding::new(
                Rule::IdentitySuggestion,
                FILE_NAME,
                "没有设置建言渠道：网站没有可用的在线意见建议渠道，检查时单项否决",
            )
            .line(Some(1))
            .fix("在 site.yaml 加上建言渠道，例如\nsuggestion:\n  title: 主席信箱\n  url: /guanyu/lianxi/\nurl 可以是本站页面、mailto:邮箱或外部网址"),
        ),
        Some(s) if s.url.starts_with('/') && !s.url.starts_with("//") => {
            if let Some(outputs) = outputs
                && let Target::Internal { file, .. } = resolve(&s.url, "", config, true)
                && !outputs.contains(&file)
            {
                findings.push(
                    Finding::new(
                        Rule::IdentitySuggestion,
                        FILE_NAME,
                        format!("建言渠道“{}”指向的页面“{}”不存在", s.title, s.url),
                    )
                    .line(suggestion_line)
                    .text(s.url.clone())
                    .fix("写一个存在的本站页面，例如“/guanyu/lianxi/”，或写 mailto:邮箱、外部网址"),
                );
            }
        }
        Some(_) => {}
    }
    findings.extend(secrets(yaml));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_site_yaml_is_an_error_at_its_line() {
        let yaml = "title: 示例\ndeploy:\n  target: /var/www\n  password: abc123\n# 密码: 写在注释里的不算\n发布:\n  密码: \"xyz\"\ntoken:\n";
        let found = secrets(yaml);
        let lines: Vec<Option<usize>> = found.iter().map(|f| f.line).collect();
        assert_eq!(lines, [Some(4), Some(7)]);
        assert!(found.iter().all(|f| f.rule == Rule::IdentitySecret));
        assert!(found[0].message.contains("password"));
        assert!(secrets("title: 口令式的标题不算\nabout: 密码学讲座\n").is_empty());
    }
}
