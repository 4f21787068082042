//! Settings, layered by the CLI: defaults → TOML file → `FAZHI_*` environment → flags. This file
//! only defines them and their defaults; `fazhi config default` prints the commented example
//! (`data/fazhi.example.toml`).

use fazhi_domain::calendar::{CalendarRules, HolidayCalendar};
use fazhi_domain::deadline::WarningWindow;
use fazhi_domain::rate::PercentFormat;
use fazhi_domain::reconsideration::Rules;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The commented example configuration, printed by `fazhi config default`.
pub const EXAMPLE_TOML: &str = include_str!("../../../data/fazhi.example.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    /// Extra holiday files (`YYYY.toml`), added to or replacing the shipped years.
    pub calendar_dir: Option<PathBuf>,
    pub calendar: CalendarRules,
    pub warning: WarningWindow,
    pub reconsideration: Rules,
    pub litigation: fazhi_domain::litigation::Rules,
    pub indicators: IndicatorSettings,
    /// Directory of `.j2` files overriding or adding to the report's data-sentence templates
    /// (`data/report/sentences/`).
    pub report_template_dir: Option<PathBuf>,
    /// Fonts the DOCX names: `standard` (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, as installed
    /// on office PCs) or `free` (Noto Serif/Sans CJK SC, AR PL UKai CN) where those are missing.
    pub report_docx_fonts: fazhi_report::docx::FontNaming,
    /// When each module's records started (`reconsideration`, `litigation`, `supervision`): a
    /// year from then on is computed from records; before, the report takes filed values.
    /// Without an entry, the module's first record marks the start.
    pub report_records_from: std::collections::BTreeMap<String, chrono::NaiveDate>,
    /// The last days of the report's reporting chain (督察工作规定; docs/configuration.md).
    pub report_chain: fazhi_domain::report::ChainRules,
    pub session: SessionSettings,
    pub accounts: AccountSettings,
    /// Send cookies with `Secure` (when served over TLS behind a proxy) and HSTS.
    pub secure_cookies: bool,
    /// Behind a reverse proxy on this machine: the request header in which the proxy passes the
    /// client's address (e.g. `X-Real-IP`), taken only from a loopback connection
    /// (docs/deployment.md). Unset: the connection's address.
    pub client_ip_header: Option<String>,
    /// Which units a writer may name in what he registers (`org::naming_scope`).
    pub scope: ScopeSettings,
    /// The audit log's signed checkpoints outside the database (`checkpoint.rs`).
    pub audit: AuditSettings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://fazhi-data/fazhi.db".into(),
            listen: "127.0.0.1:8080".into(),
            calendar_dir: None,
            calendar: CalendarRules::default(),
            warning: WarningWindow::default(),
            reconsideration: Rules::default(),
            litigation: Default::default(),
            indicators: IndicatorSettings::default(),
            report_template_dir: None,
            report_docx_fonts: Default::default(),
            report_records_from: Default::default(),
            report_chain: Default::default(),
            session: SessionSettings::default(),
            accounts: AccountSettings::default(),
            secure_cookies: false,
            client_ip_header: None,
            scope: ScopeSettings::default(),
            audit: AuditSettings::default(),
        }
    }
}

/// Which units a writer may name (docs/security.md, Authorisation).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScopeSettings {
    /// Names of the legal offices (the 司法局: 复议机构 of the government and the office that
    /// answers its lawsuits). Their 复议 and 应诉 clerks (and those of units below them) name any
    /// unit of the jurisdiction as respondent, defendant or addressee; every other writer names
    /// only his own unit and the units below it. An entry is a unit's exact name, or `*` and
    /// the end of a name: the default `*司法局` is the unit named like every county's, district's
    /// or city's 司法局 (示例区司法局, 某某县司法局).
    pub legal_offices: Vec<String>,
}

impl Default for ScopeSettings {
    fn default() -> Self {
        Self {
            legal_offices: vec!["*司法局".into()],
        }
    }
}

/// The audit log's external anchor (docs/security.md, Audit log): signed checkpoints of the
/// chain's head written outside the database.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditSettings {
    /// Folder of the checkpoint file (`audit-checkpoints.jsonl`, JSON lines, appended): on
    /// another disk or host than the database, writable by the server's account only. Unset: no
    /// checkpoints.
    pub checkpoint_dir: Option<PathBuf>,
    /// File holding the HMAC-SHA256 key (at least 32 bytes; surrounding whitespace ignored),
    /// readable by the server's account and the verifier only, never stored in the database or
    /// its backups.
    pub checkpoint_key_file: Option<PathBuf>,
    /// The key itself, for environments that pass secrets as variables
    /// (`FAZHI_AUDIT__CHECKPOINT_KEY`); `checkpoint_key_file` is preferred.
    pub checkpoint_key: Option<String>,
    /// Also send each checkpoint to syslog: `udp://HOST:PORT` or `unix:///dev/log`.
    pub checkpoint_syslog: Option<String>,
}

/// Never prints the key.
impl std::fmt::Debug for AuditSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditSettings")
            .field("checkpoint_dir", &self.checkpoint_dir)
            .field("checkpoint_key_file", &self.checkpoint_key_file)
            .field("checkpoint_key", &self.checkpoint_key.as_ref().map(|_| "…"))
            .field("checkpoint_syslog", &self.checkpoint_syslog)
            .finish()
    }
}

/// Which cases the 纠错率 divides by (`indicators.md`; the national denominator is UNCONFIRMED).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionDenominator {
    /// Cases closed by a decision on the merits (default; fits seed 002's 9/24).
    #[default]
    Merits,
    /// All concluded cases (decision, mediation, termination).
    Concluded,
    /// Applications received.
    Applications,
}

/// What 审结率 and 起诉率 of 行政复议 divide by (issue 14 §2.9; legal-rules §11.1 names both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IntakeDenominator {
    /// Applications received in the year (收到申请; default, reproduces seed 000's 86/94 =
    /// 91.49% and 20/94 = 21.28%).
    #[default]
    Applications,
    /// Applications accepted (or deemed accepted) in the year (受理).
    Accepted,
}

impl IntakeDenominator {
    /// The indicator key divided by, and the words of the formula.
    pub fn key_and_words(self) -> (&'static str, &'static str) {
        match self {
            Self::Applications => ("reconsideration.applications", "收到申请件数"),
            Self::Accepted => ("reconsideration.accepted", "受理件数"),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct IndicatorSettings {
    pub correction_denominator: CorrectionDenominator,
    /// 审结率 = 审结 ÷ this.
    pub conclusion_denominator: IntakeDenominator,
    /// 起诉率 (复议后起诉率) = 复议后起诉 ÷ this.
    pub litigation_denominator: IntakeDenominator,
    pub percent: PercentFormat,
}

/// Sessions and accounts (等保2.0 identity controls; docs/security.md).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionSettings {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
    /// Failed logins in a row, per account name and client address, after which each further
    /// failure from that address makes it wait (a progressive delay, docs/security.md).
    pub lockout_attempts: i64,
    /// The longest such delay.
    pub lockout_minutes: i64,
    /// A password older than this must be changed at the next login (0: never).
    pub password_max_age_days: i64,
    /// Login attempts allowed per client address per minute.
    pub login_attempts_per_minute: u32,
    /// How many of an account's last passwords (the current one included) a new one may not be.
    pub password_history: i64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            absolute_hours: 12,
            lockout_attempts: 5,
            lockout_minutes: 15,
            password_max_age_days: 90,
            login_attempts_per_minute: 20,
            password_history: 5,
        }
    }
}

/// Separation of duties between business roles (三员分立 between the three administrators is
/// fixed and not configurable).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AccountSettings {
    /// Pairs of roles one account may not hold together. The default: the report's preparer
    /// (依法治区办) and its approver (领导).
    pub conflicting_roles: Vec<[fazhi_domain::org::Role; 2]>,
}

impl Default for AccountSettings {
    fn default() -> Self {
        use fazhi_domain::org::Role;
        Self {
            conflicting_roles: vec![[Role::RuleOfLawOffice, Role::Leader]],
        }
    }
}

impl Config {
    /// The data-sentence templates: the shipped ones and those in `report_template_dir`. Every
    /// template is compiled here, so a broken one stops the start with its file and line.
    pub fn load_sentences(&self) -> anyhow::Result<fazhi_report::sentences::Sentences> {
        let mut overrides = Vec::new();
        if let Some(dir) = &self.report_template_dir {
            for entry in std::fs::read_dir(dir)
                .map_err(|e| anyhow::anyhow!("无法读取报告模板目录 {}：{e}", dir.display()))?
            {
                let path = entry?.path();
                if path.extension().is_some_and(|x| x == "j2") {
                    let name = path
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    overrides.push((name, std::fs::read_to_string(&path)?));
                }
            }
        }
        fazhi_report::sentences::Sentences::new(overrides)
            .map_err(|e| anyhow::anyhow!("{}", e.message))
    }

    /// The shipped calendar plus any files in `calendar_dir`, with the configured switches.
    pub fn load_calendar(&self) -> anyhow::Result<HolidayCalendar> {
        let mut files = fazhi_domain::calendar::embedded_files();
        if let Some(dir) = &self.calendar_dir {
            let mut extra = Vec::new();
            for entry in std::fs::read_dir(dir)
                .map_err(|e| anyhow::anyhow!("无法读取节假日数据目录 {}：{e}", dir.display()))?
            {
                let path = entry?.path();
                if path.extension().is_some_and(|x| x == "toml") {
                    let name = path
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    extra.push((name, std::fs::read_to_string(&path)?));
                }
            }
            extra.sort();
            files.extend(extra);
        }
        Ok(HolidayCalendar::from_files(files, self.calendar)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_gives_the_account_defaults_and_unknown_roles_are_refused() {
        let c: Config = toml::from_str(EXAMPLE_TOML).unwrap();
        assert_eq!(c.accounts, AccountSettings::default());
        assert_eq!(
            c.accounts.conflicting_roles,
            [[
                fazhi_domain::org::Role::RuleOfLawOffice,
                fazhi_domain::org::Role::Leader
            ]]
        );
        assert_eq!(c.session.password_history, 5);
        let e =
            toml::from_str::<Config>("[accounts]\nconflicting_roles = [[\"leader\", \"boss\"]]\n")
                .unwrap_err();
        assert!(e.to_string().contains("boss"), "{e}");
    }

    #[test]
    fn an_administrators_templates_override_the_shipped_ones_and_errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mediation.j2"),
            "全年化解纠纷{{ fig(\"mediation.disputes_mediated\") }}件。\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a template").unwrap();
        let config = Config {
            report_template_dir: Some(dir.path().to_path_buf()),
            ..Config::default()
        };
        let s = config.load_sentences().unwrap();
        assert!(s.has("mediation") && s.has("reconsideration"));
        let values = std::sync::Arc::new(fazhi_report::sentences::Values {
            year: 2024,
            scope: "全区".into(),
            percent: Default::default(),
            keys: [(
                "mediation.disputes_mediated".to_string(),
                fazhi_report::sentences::KeyValue {
                    this: Some(fazhi_report::sentences::Num::Count(2265)),
                    ..Default::default()
                },
            )]
            .into(),
        });
        let text: String = s.render("mediation", &values).unwrap()[0]
            .iter()
            .map(|i| i.text().to_string())
            .collect();
        assert_eq!(text, "全年化解纠纷2265件。");
        // A broken template stops the start, naming its file and line.
        std::fs::write(dir.path().join("extra.j2"), "第一行\n第二行{% if %}\n").unwrap();
        let e = config.load_sentences().unwrap_err().to_string();
        assert!(e.contains("extra.j2") && e.contains("第2行"), "{e}");
        // So does a missing directory.
        let missing = Config {
            report_template_dir: Some(dir.path().join("nowhere")),
            ..Config::default()
        };
        assert!(missing
            .load_sentences()
            .unwrap_err()
            .to_string()
            .contains("nowhere"));
    }
}
