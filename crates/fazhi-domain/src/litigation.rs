//! 行政应诉 — responding to administrative litigation under the Administrative Procedure Law
//! (`legal-rules.md` §2), with the 司法建议 / 检察建议 a unit receives.
//!
//! A procedure of the kernel like [`crate::reconsideration`] ([`Litigation`]): statuses, steps
//! and their fields, one transition table, the deadlines each step opens or completes (`apply`,
//! returning shared [`crate::deadline::Effect`]s), and the outcome types with their configurable 败诉 flag. A case
//! runs through instances (一审 / 二审 / 再审), each with its own dates, hearings, head-of-agency
//! appearance and outcome.

use crate::calendar::format_date_cn;
use crate::deadline::PeriodUnit;
use crate::error::Code;
use crate::error::{optional_text, required_text, DomainError, DomainResult};
use crate::fields::{get, parse_date, parse_id, Fields};
use crate::form::{FieldSpec, FieldSpec as F, Values};
use crate::party::{Party, PartyRole};
use crate::procedure::{Context, DeadlineRule, Outcome as StepOutcome, Procedure, StepForm};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// Where a lawsuit stands.
    Status, "status", "案件状态" {
        FirstInstance = "first_instance", "一审审理中";
        AppealWindow = "appeal_window", "已裁判（上诉期内）";
        Appeal = "appeal", "二审审理中";
        Retrial = "retrial", "再审审理中";
        Final = "final", "裁判已生效";
    }
);

impl Status {
    /// A court is hearing the case (an instance without outcome).
    pub fn is_pending(self) -> bool {
        matches!(self, Self::FirstInstance | Self::Appeal | Self::Retrial)
    }
}

coded_enum!(
    /// 审级.
    Level, "level", "审级" {
        First = "first", "一审";
        Appeal = "appeal", "二审";
        Retrial = "retrial", "再审";
    }
);

coded_enum!(
    /// Judgment and ruling types (行诉法 Arts 60, 62, 69–78, 89; `legal-rules.md` §2.3).
    OutcomeType, "outcome", "裁判结果" {
        RejectClaim = "reject_claim", "判决驳回诉讼请求";
        Revoke = "revoke", "判决撤销或部分撤销";
        OrderDuty = "order_duty", "判决履行法定职责";
        OrderPayment = "order_payment", "判决履行给付义务";
        ConfirmIllegal = "confirm_illegal", "判决确认违法";
        ConfirmVoid = "confirm_void", "判决确认无效";
        Change = "change", "判决变更";
        AgreementRemedy = "agreement_remedy", "行政协议判决（继续履行、补救、赔偿或补偿）";
        UpholdOriginal = "uphold_original", "驳回上诉或再审申请，维持原裁判";
        NotRegistered = "not_registered", "裁定不予立案";
        DismissSuit = "dismiss_suit", "裁定驳回起诉";
        Withdrawn = "withdrawn", "裁定准许撤诉（二审、再审中为撤回上诉或再审申请）";
        WithdrawnAfterChange = "withdrawn_after_change", "被告改变行政行为后裁定准许撤诉";
        Mediated = "mediated", "调解结案";
        Remanded = "remanded", "发回重审";
    }
);

impl OutcomeType {
    /// A judgment (判决) after a trial, as opposed to a ruling or mediation.
    pub fn is_judgment(self) -> bool {
        matches!(
            self,
            Self::RejectClaim
                | Self::Revoke
                | Self::OrderDuty
                | Self::OrderPayment
                | Self::ConfirmIllegal
                | Self::ConfirmVoid
                | Self::Change
                | Self::AgreementRemedy
                | Self::UpholdOriginal
        )
    }

    /// The appeal window an outcome opens where it may be appealed (`appealable`: a first
    /// instance, or a retrial heard under the first-instance procedure, 行诉法 Art 85): 15 days for
    /// a judgment — including a retrial's 维持原判 — and 10 for the appealable rulings; none for
    /// withdrawal or mediation.
    pub fn appeal_window(self, appealable: bool) -> Option<u32> {
        match self {
            _ if !appealable => None,
            Self::UpholdOriginal => Some(15),
            other => other.appeal_days(),
        }
    }

    fn appeal_days(self) -> Option<u32> {
        match self {
            Self::NotRegistered | Self::DismissSuit => Some(10),
            Self::Withdrawn | Self::WithdrawnAfterChange | Self::Mediated => None,
            Self::UpholdOriginal | Self::Remanded => None,
            _ => Some(15),
        }
    }

    /// Whether this outcome is a loss (败诉) under the configured table. 维持原裁判, and a
    /// withdrawal at the appeal or retrial level (撤回上诉 / 再审申请), leave the previous outcome in
    /// force and take its loss.
    pub fn is_loss(self, rules: &Rules, level: Level, previous_lost: bool) -> bool {
        match self {
            Self::UpholdOriginal => previous_lost,
            Self::Withdrawn if level != Level::First => previous_lost,
            other => rules.lost_outcomes.contains(&other),
        }
    }
}

coded_enum!(
    /// How a retrial is heard (行诉解释 Art 119): by the first-instance court under the
    /// first-instance procedure (its judgment may be appealed), or under the second-instance
    /// procedure (final).
    RetrialProcedure, "procedure", "再审适用程序" {
        FirstInstance = "first_instance", "按照第一审程序审理（可上诉）";
        SecondInstance = "second_instance", "按照第二审程序审理（终审）";
    }
);

coded_enum!(
    /// Who appeared for the agency at a hearing (出庭规定; `legal-rules.md` §2.2).
    Appearance, "appearance", "出庭情况" {
        Head = "head", "行政机关负责人出庭";
        Staff = "staff", "相应的工作人员出庭";
        LawyerOnly = "lawyer_only", "仅委托律师出庭";
        Absent = "absent", "无人出庭";
    }
);

coded_enum!(
    /// Why the head could not appear (出庭规定 Arts 8–9).
    Excuse, "excuse", "负责人不能出庭的理由" {
        ForceMajeure = "force_majeure", "不可抗力";
        Accident = "accident", "意外事件";
        OfficialDuty = "official_duty", "需要履行他人不能代替的公务";
        Other = "other", "其他正当事由";
    }
);

/// Whether an appearance meets the duty of 行诉法 Art 3(3): the head, or — with a documented
/// excuse when the court asked for the head — the relevant staff. A lawyer alone, or nobody,
/// never does.
pub fn appearance_compliant(a: Appearance, head_notified: bool, excused: bool) -> bool {
    match a {
        Appearance::Head => true,
        Appearance::Staff => !head_notified || excused,
        Appearance::LawyerOnly | Appearance::Absent => false,
    }
}

/// Whether an instance (审级) meets the duty to appear, from its hearings' appearances and each
/// one's own compliance (`None` before its first hearing). One compliant appearance normally
/// satisfies the duty for the instance (出庭规定第七条), but a hearing the agency left to a lawyer
/// alone makes the whole instance non-compliant, whatever the other hearings: 行诉解释第一百二十八条
/// 第二款 (不得仅委托律师出庭), and the court records it (第一百三十二条).
pub fn instance_compliant(hearings: &[(Appearance, bool)]) -> Option<bool> {
    if hearings.is_empty() {
        return None;
    }
    Some(
        hearings.iter().any(|(_, ok)| *ok)
            && !hearings.iter().any(|(a, _)| *a == Appearance::LawyerOnly),
    )
}

coded_enum!(
    /// What followed a refusal to perform a judgment (行诉法 Art 96).
    NonPerformance, "consequence", "不履行的后果" {
        None = "none", "暂无";
        Transfer = "transfer", "通知银行划拨";
        DailyFine = "daily_fine", "对负责人按日处罚款";
        PublicNotice = "public_notice", "公告拒绝履行情况";
        JudicialSuggestion = "judicial_suggestion", "向监察机关或上一级行政机关提出司法建议";
        Detention = "detention", "对直接责任人员予以拘留";
    }
);

coded_enum!(
    /// Deadlines the defendant keeps (`legal-rules.md` §2.1).
    DeadlineKind, "kind", "期限类型" {
        Defence = "defence", "提交答辩状及证据期限";
        EvidenceDelayRequest = "evidence_delay_request", "申请延期提供证据期限";
        LateEvidence = "late_evidence", "延期提供证据期限";
        AppealWindow = "appeal_window", "上诉期限";
        Performance = "performance", "履行判决期限";
    }
);

coded_enum!(
    /// The steps of the response.
    Action, "action", "办理步骤" {
        FileDefence = "file_defence", "提交答辩状及证据";
        RequestEvidenceDelay = "request_evidence_delay", "申请延期提供证据";
        GrantEvidenceDelay = "grant_evidence_delay", "法院准许延期提供证据";
        SubmitLateEvidence = "submit_late_evidence", "补充提交证据";
        ScheduleHearing = "schedule_hearing", "收到开庭传票";
        RecordHearing = "record_hearing", "登记开庭及出庭情况";
        Judge = "judge", "登记裁判结果";
        Appeal = "appeal", "登记上诉";
        Finalize = "finalize", "登记裁判生效";
        Remand = "remand", "登记发回重审";
        Retry = "retry", "登记再审";
        RecordPerformance = "record_performance", "登记履行情况";
    }
);

pub fn allowed_actions(from: Status) -> Vec<Action> {
    crate::procedure::allowed_steps::<Litigation>(from)
}

/// Configurable rules (docs/configuration.md). The 败诉 table is common reporting practice, not
/// statute (`legal-rules.md` §2.3, §13 item 5: UNCONFIRMED).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// Outcomes counted as 败诉. Add `withdrawn_after_change` or `mediated` where the province
    /// counts them.
    pub lost_outcomes: Vec<OutcomeType>,
    /// Which outcome `litigation.lost` and `litigation.loss_rate` count: the final one (default)
    /// or the first instance's. Both are always available as their own keys.
    pub loss_basis: LossBasis,
    /// What 败诉率 divides by: lawsuits received (default; reproduces seed 000's 10/134) or
    /// lawsuits concluded (a variant seen in reports, `legal-rules.md` §11.1).
    pub loss_rate_denominator: LossDenominator,
    /// Reply period for a 司法建议 when the court sets none (UNCONFIRMED: courts set it; 30 days
    /// is common).
    pub judicial_reply_days: u32,
    /// Reply period for a 检察建议 in months (《人民检察院检察建议工作规定》: two months).
    pub procuratorial_reply_months: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LossDenominator {
    #[default]
    Cases,
    Concluded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LossBasis {
    #[default]
    Final,
    FirstInstance,
}

impl Default for Rules {
    fn default() -> Self {
        use OutcomeType as O;
        Self {
            lost_outcomes: vec![
                O::Revoke,
                O::OrderDuty,
                O::OrderPayment,
                O::ConfirmIllegal,
                O::ConfirmVoid,
                O::Change,
                O::AgreementRemedy,
            ],
            loss_basis: LossBasis::Final,
            loss_rate_denominator: LossDenominator::Cases,
            judicial_reply_days: 30,
            procuratorial_reply_months: 2,
        }
    }
}

/// Period, unit, start event and basis of each deadline. `days` overrides the period where the
/// court sets it (performance, a granted evidence delay).
pub fn deadline_rule(kind: DeadlineKind, days: Option<u32>) -> DeadlineRule {
    use DeadlineKind as K;
    use PeriodUnit::CalendarDays;
    let rule = |count, unit, start_event, basis| DeadlineRule {
        count,
        unit,
        start_event,
        basis,
    };
    match kind {
        K::Defence => rule(
            15,
            CalendarDays,
            "收到起诉状副本之日",
            "《行政诉讼法》第六十七条第一款",
        ),
        K::EvidenceDelayRequest => rule(
            15,
            CalendarDays,
            "收到起诉状副本之日",
            "《行政诉讼法》第三十六条第一款、《行诉解释》第三十四条",
        ),
        K::LateEvidence => rule(
            days.unwrap_or(15),
            CalendarDays,
            "正当事由消除之日",
            "《行诉解释》第三十四条",
        ),
        K::AppealWindow => rule(
            days.unwrap_or(15),
            CalendarDays,
            "裁判文书送达之日",
            "《行政诉讼法》第八十五条",
        ),
        K::Performance => rule(
            // Opened only when the judgment sets its period.
            days.unwrap_or_default(),
            CalendarDays,
            "裁判生效之日",
            "生效裁判确定的履行期限",
        ),
    }
}

/// A 案号 as courts write it, e.g. （2024）粤5302行初12号: the year in brackets, the court's code,
/// 行 and the case type (初, 终, 再, 申, 监, 赔初 …), a number and 号. Half-width brackets are
/// accepted and normalised.
pub fn parse_court_case_no(s: &str, field: &str) -> DomainResult<String> {
    let s = s
        .trim()
        .replace('(', "（")
        .replace(')', "）")
        .replace(' ', "");
    if s.is_empty() {
        return Err(DomainError::required(field, "案号"));
    }
    let bad = || {
        DomainError::field(
            Code::InvalidCaseNo,
            field,
            format!("案号“{s}”格式不正确，应为（2024）粤5302行初12号的形式"),
        )
    };
    let rest = s.strip_prefix('（').ok_or_else(bad)?;
    let (year, rest) = rest.split_once('）').ok_or_else(bad)?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || s.chars().count() > 40 {
        return Err(bad());
    }
    // After 行: the type (one or more non-digits), then the number, then 号.
    let body = rest.strip_suffix('号').ok_or_else(bad)?;
    let (_, after) = body.split_once('行').ok_or_else(bad)?;
    let digits = after.chars().rev().take_while(char::is_ascii_digit).count();
    let kind = after.chars().count() - digits;
    if digits == 0 || kind == 0 || after.chars().take(kind).any(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(s)
}

/// What a clerk enters for a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Step {
    FileDefence {
        date: NaiveDate,
    },
    RequestEvidenceDelay {
        date: NaiveDate,
        reason: String,
    },
    GrantEvidenceDelay {
        /// The day the cause ended; the 15 days run from it.
        date: NaiveDate,
    },
    SubmitLateEvidence {
        date: NaiveDate,
    },
    ScheduleHearing {
        date: NaiveDate,
        hearing_date: NaiveDate,
        /// The court notified the head to appear (出庭通知书).
        head_notified: bool,
    },
    RecordHearing {
        date: NaiveDate,
        appearance: Appearance,
        person: Option<String>,
        post: Option<String>,
        lawyer: Option<String>,
        excuse: Option<Excuse>,
        excuse_evidence: Option<String>,
    },
    Judge {
        /// The date of the judgment or ruling.
        date: NaiveDate,
        /// The date it was served on the agency (the appeal window runs from it).
        served_date: NaiveDate,
        outcome: OutcomeType,
        compensation: bool,
        performance_days: Option<u32>,
        summary: Option<String>,
    },
    Appeal {
        date: NaiveDate,
        by_defendant: bool,
        court: String,
        case_no: String,
    },
    Finalize {
        date: NaiveDate,
    },
    Remand {
        date: NaiveDate,
        court: String,
        case_no: String,
    },
    Retry {
        date: NaiveDate,
        court: String,
        case_no: String,
        procedure: RetrialProcedure,
    },
    RecordPerformance {
        date: NaiveDate,
        performed: bool,
        consequence: NonPerformance,
        notes: Option<String>,
    },
}

impl Step {
    pub fn action(&self) -> Action {
        match self {
            Self::FileDefence { .. } => Action::FileDefence,
            Self::RequestEvidenceDelay { .. } => Action::RequestEvidenceDelay,
            Self::GrantEvidenceDelay { .. } => Action::GrantEvidenceDelay,
            Self::SubmitLateEvidence { .. } => Action::SubmitLateEvidence,
            Self::ScheduleHearing { .. } => Action::ScheduleHearing,
            Self::RecordHearing { .. } => Action::RecordHearing,
            Self::Judge { .. } => Action::Judge,
            Self::Appeal { .. } => Action::Appeal,
            Self::Finalize { .. } => Action::Finalize,
            Self::Remand { .. } => Action::Remand,
            Self::Retry { .. } => Action::Retry,
            Self::RecordPerformance { .. } => Action::RecordPerformance,
        }
    }

    pub fn date(&self) -> NaiveDate {
        match self {
            Self::FileDefence { date }
            | Self::RequestEvidenceDelay { date, .. }
            | Self::GrantEvidenceDelay { date }
            | Self::SubmitLateEvidence { date }
            | Self::ScheduleHearing { date, .. }
            | Self::RecordHearing { date, .. }
            | Self::Judge { date, .. }
            | Self::Appeal { date, .. }
            | Self::Finalize { date }
            | Self::Remand { date, .. }
            | Self::Retry { date, .. }
            | Self::RecordPerformance { date, .. } => *date,
        }
    }
}

/// The judgment outcomes the step 登记裁判结果 offers: all but 发回重审, which is its own step (it
/// needs the new court and 案号).
const JUDGMENT_OUTCOMES: &[(&str, &str)] = match OutcomeType::OPTIONS.split_last() {
    Some((_, rest)) => rest,
    None => &[],
};
const CASE_NO: F = F::text("case_no", "案号", 40)
    .format(parse_court_case_no)
    .hint("如（2024）粤53行终8号");

impl Step {
    /// Checks a step's form and reads it (what the kernel does; for tests).
    pub fn parse(action: Action, f: &Fields) -> DomainResult<Self> {
        Litigation::step(
            action,
            &crate::form::check(Litigation::step_form(action).fields, f)?,
        )
    }
}

/// What the procedure needs to know about a case and its current instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub status: Status,
    pub level: Level,
    /// The current instance's registration (立案) date.
    pub registered_date: NaiveDate,
    pub last_event_date: NaiveDate,
    /// Hearings recorded in the current instance.
    pub hearings: i64,
    /// The latest outcome: its date, type and loss (for appeals, 维持原裁判 and finality).
    pub outcome_date: Option<NaiveDate>,
    pub outcome: Option<OutcomeType>,
    pub outcome_lost: bool,
    /// Whether the current instance's judgment may be appealed (一审, and a retrial heard under
    /// the first-instance procedure).
    pub appealable: bool,
    /// The end of the current instance's period to ask for late evidence (15 days from receipt of
    /// the complaint copy), if it has one; filing the defence does not end it.
    pub evidence_request_due: Option<NaiveDate>,
    pub evidence_delay_requested: bool,
    pub late_evidence_open: bool,
    pub performance_days: Option<u32>,
    pub requires_performance: bool,
    /// The open appeal window's due date: the outcome takes effect only after it.
    pub appeal_due: Option<NaiveDate>,
}

/// A new instance a step opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInstance {
    pub level: Level,
    pub appealable: bool,
    pub court: String,
    pub case_no: String,
    pub registered_date: NaiveDate,
}

/// What a step changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The current instance's outcome: (type, date, served, lost).
    pub outcome: Option<(OutcomeType, NaiveDate, NaiveDate, bool)>,
    /// The case's outcome became final on this date.
    pub final_date: Option<NaiveDate>,
    pub requires_performance: Option<bool>,
    /// A new duty to perform starts (its record of performance starts empty).
    pub new_performance_duty: bool,
    pub performance_days: Option<u32>,
    pub performed: Option<bool>,
    pub new_instance: Option<NewInstance>,
}

pub type Effect = crate::deadline::Effect<DeadlineKind>;

/// What a step does to a lawsuit.
pub type Outcome = StepOutcome<Litigation>;

/// 行政应诉 as the procedure kernel runs it.
pub struct Litigation;

impl Procedure for Litigation {
    const MODULE: &'static str = "litigation";
    type Status = Status;
    type Action = Action;
    type Kind = DeadlineKind;
    type Step = Step;
    type Facts = CaseFacts;
    type Changes = Changes;
    type Rules = Rules;

    /// The one transition table.
    fn transition(from: Status, action: Action) -> DomainResult<Status> {
        use Action as A;
        use Status as S;
        let to = match (from, action) {
            (
                s,
                A::FileDefence
                | A::RequestEvidenceDelay
                | A::GrantEvidenceDelay
                | A::SubmitLateEvidence
                | A::ScheduleHearing
                | A::RecordHearing,
            ) if s.is_pending() => s,
            // An outcome that may be appealed opens the appeal window; `apply` makes the others final.
            (s, A::Judge) if s.is_pending() => S::AppealWindow,
            (S::Appeal | S::Retrial, A::Remand) => S::FirstInstance,
            (S::AppealWindow, A::Appeal) => S::Appeal,
            (S::AppealWindow, A::Finalize) => S::Final,
            (S::Final, A::Retry) => S::Retrial,
            (S::Final, A::RecordPerformance) => S::Final,
            _ => return Err(crate::procedure::illegal_transition(from, action)),
        };
        Ok(to)
    }
    /// The one description of each step: its fields and its timeline line.
    fn step_form(action: Action) -> StepForm {
        let (fields, summary): (&'static [F], &'static str) = match action {
            Action::FileDefence => (
                const {
                    &[F::date("date", "提交答辩状日期").hint(
                        "应在收到起诉状副本之日起15日内提交答辩状及作出行政行为的证据和依据",
                    )]
                },
                "向法院提交答辩状及作出行政行为的证据和依据",
            ),
            Action::RequestEvidenceDelay => (
                const {
                    &[
                        F::date("date", "申请日期").hint("应在收到起诉状副本之日起15日内书面申请"),
                        F::textarea("reason", "延期提供证据的正当事由", 500),
                    ]
                },
                "书面申请延期提供证据，理由：{reason}",
            ),
            Action::GrantEvidenceDelay => (
                const {
                    &[F::date("date", "正当事由消除日期")
                        .hint("自次日起15日内提交证据（《行诉解释》第三十四条）")]
                },
                "法院准许延期提供证据，正当事由消除",
            ),
            Action::SubmitLateEvidence => (
                const { &[F::date("date", "补充提交证据日期")] },
                "补充提交证据",
            ),
            Action::ScheduleHearing => (
                const {
                    &[
                        F::date("date", "收到传票日期"),
                        F::date("hearing_date", "开庭日期"),
                        F::yes_no("head_notified", "法院是否通知负责人出庭").or("0"),
                    ]
                },
                "定于{hearing_date}开庭[，法院通知行政机关负责人出庭{head_notified}]",
            ),
            Action::RecordHearing => (
                const {
                    &[
                        F::date("date", "开庭日期"),
                        F::choice("appearance", "出庭情况", Appearance::OPTIONS),
                        F::text("person", "出庭人员姓名", 50)
                            .optional()
                            .hint("负责人或工作人员出庭的必填"),
                        F::text("post", "出庭人员职务", 50)
                            .optional()
                            .hint("负责人出庭的必填，如副局长"),
                        F::text("lawyer", "委托律师", 100).optional(),
                        F::choice("excuse", "负责人不能出庭的理由", Excuse::OPTIONS)
                            .optional()
                            .hint("负责人未出庭的必填（《行政机关负责人出庭应诉规定》第十二条）；不得仅委托律师出庭，仅律师出庭的，本审级出庭不合规"),
                        F::textarea("excuse_evidence", "不能出庭的证明材料", 500)
                            .optional()
                            .hint("填写不能出庭理由的，须注明经正职负责人签字或加盖印章的书面说明"),
                    ]
                },
                "开庭审理：{appearance}[（{person}][，{post}）{?person}][）{?person}{!post}][，委托律师{lawyer}]",
            ),
            Action::Judge => (
                const {
                    &[
                        F::date("date", "裁判日期"),
                        F::date("served_date", "送达日期")
                            .optional()
                            .hint("上诉期限自送达之日起计算；不填写时按裁判日期"),
                        F::choice("outcome", "裁判结果", JUDGMENT_OUTCOMES)
                            .hint("裁定发回重审的，请使用“登记发回重审”步骤（需填写重审法院和案号）"),
                        F::yes_no("compensation", "是否判决行政赔偿").or("0"),
                        F::number("performance_days", "履行期限", 1, 365, "日")
                            .optional()
                            .hint("判决确定的履行期限（日）；败诉且需要履行的，裁判生效后按此期限提醒"),
                        F::textarea("summary", "裁判主要内容", 2000).optional(),
                    ]
                },
                "{outcome}[：{summary}]",
            ),
            Action::Appeal => (
                const {
                    &[
                        F::date("date", "上诉日期"),
                        F::yes_no("by_defendant", "上诉人")
                            .labels("本机关上诉", "原告上诉")
                            .or("0"),
                        F::text("court", "二审法院", 100),
                        CASE_NO,
                    ]
                },
                "[本机关{by_defendant}][原告{!by_defendant}]提起上诉，{court}立案，案号{case_no}",
            ),
            Action::Finalize => (
                const {
                    &[F::date("date", "裁判生效日期").hint("上诉期届满未上诉的，裁判发生法律效力")]
                },
                "上诉期届满，裁判发生法律效力",
            ),
            Action::Remand => (
                const {
                    &[
                        F::date("date", "发回重审裁定日期"),
                        F::text("court", "重审法院", 100),
                        CASE_NO.hint("重审案号，如（2024）粤5302行初30号"),
                    ]
                },
                "裁定发回重审，{court}重新审理，案号{case_no}",
            ),
            Action::Retry => (
                const {
                    &[
                        F::date("date", "再审立案日期"),
                        F::text("court", "再审法院", 100),
                        CASE_NO,
                        F::choice("procedure", "再审适用程序", RetrialProcedure::OPTIONS),
                    ]
                },
                "{court}再审立案，案号{case_no}，{procedure}",
            ),
            Action::RecordPerformance => (
                const {
                    &[
                        F::date("date", "登记日期"),
                        F::yes_no("performed", "履行情况")
                            .labels("已履行", "未履行")
                            .or("1"),
                        F::choice("consequence", "不履行的后果", NonPerformance::OPTIONS)
                            .nothing("none"),
                        F::textarea("notes", "履行情况说明", 1000).optional(),
                    ]
                },
                "[已履行生效裁判{performed}][未履行生效裁判{!performed}][，{consequence}][：{notes}]",
            ),
        };
        StepForm { fields, summary }
    }
    fn step(action: Action, v: &Values) -> DomainResult<Step> {
        let date = v.req_date("date")?;
        let text = |name: &'static str| v.req_text(name);
        Ok(match action {
            Action::FileDefence => Step::FileDefence { date },
            Action::RequestEvidenceDelay => Step::RequestEvidenceDelay {
                date,
                reason: text("reason")?,
            },
            Action::GrantEvidenceDelay => Step::GrantEvidenceDelay { date },
            Action::SubmitLateEvidence => Step::SubmitLateEvidence { date },
            Action::ScheduleHearing => Step::ScheduleHearing {
                date,
                hearing_date: v.req_date("hearing_date")?,
                head_notified: v.yes("head_notified"),
            },
            Action::RecordHearing => Step::RecordHearing {
                date,
                appearance: v.req_choice("appearance", Appearance::parse)?,
                person: v.text("person"),
                post: v.text("post"),
                lawyer: v.text("lawyer"),
                excuse: v.choice("excuse").map(Excuse::parse).transpose()?,
                excuse_evidence: v.text("excuse_evidence"),
            },
            Action::Judge => Step::Judge {
                date,
                served_date: v.date("served_date").unwrap_or(date),
                outcome: v.req_choice("outcome", OutcomeType::parse)?,
                compensation: v.yes("compensation"),
                performance_days: v.number("performance_days").map(|n| n as u32),
                summary: v.text("summary"),
            },
            Action::Appeal => Step::Appeal {
                date,
                by_defendant: v.yes("by_defendant"),
                court: text("court")?,
                case_no: text("case_no")?,
            },
            Action::Finalize => Step::Finalize { date },
            Action::Remand => Step::Remand {
                date,
                court: text("court")?,
                case_no: text("case_no")?,
            },
            Action::Retry => Step::Retry {
                date,
                court: text("court")?,
                case_no: text("case_no")?,
                procedure: v.req_choice("procedure", RetrialProcedure::parse)?,
            },
            Action::RecordPerformance => Step::RecordPerformance {
                date,
                performed: v.yes("performed"),
                consequence: v
                    .choice("consequence")
                    .map(NonPerformance::parse)
                    .transpose()?
                    .unwrap_or(NonPerformance::None),
                notes: v.text("notes"),
            },
        })
    }
    /// Takes one step: checks it against the status and the case's dates and returns the new status,
    /// the changes and the deadline effects.
    fn apply(
        facts: &CaseFacts,
        step: &Step,
        at: &Context<'_>,
        rules: &Rules,
    ) -> DomainResult<Outcome> {
        let today = at.today;
        let mut status = Self::transition(facts.status, step.action())?;
        let date = step.date();
        if let Step::Appeal { .. } = step {
            if let Some(j) = facts.outcome_date.filter(|j| date < *j) {
                return Err(err(
                    Code::AppealBeforeJudgment,
                    "date",
                    format!("上诉日期不能早于裁判日期（{}）", format_date_cn(j)),
                ));
            }
        }
        crate::procedure::check_step_date(date, today, facts.last_event_date)?;
        use DeadlineKind as K;
        let mut ch = Changes::default();
        let mut fx = Vec::new();
        match step {
            Step::FileDefence { date } => {
                fx.push(Effect::Complete {
                    kind: K::Defence,
                    date: *date,
                });
                if !facts.evidence_delay_requested {
                    fx.push(Effect::Complete {
                        kind: K::EvidenceDelayRequest,
                        date: *date,
                    });
                }
            }
            Step::RequestEvidenceDelay { date, .. } => {
                if facts.evidence_delay_requested {
                    return Err(err(
                        Code::AlreadyRequested,
                        "action",
                        "本审级已经申请过延期提供证据",
                    ));
                }
                match facts.evidence_request_due {
                    Some(due) if *date <= due => {}
                    Some(due) => {
                        return Err(err(
                            Code::RequestOutOfTime,
                            "date",
                            format!(
                                "延期提供证据应在收到起诉状副本之日起15日内（{}前）书面申请",
                                format_date_cn(due)
                            ),
                        ))
                    }
                    None => {
                        return Err(err(
                            Code::RequestOutOfTime,
                            "action",
                            "本审级没有延期提供证据的申请期限",
                        ))
                    }
                }
                fx.push(Effect::Complete {
                    kind: K::EvidenceDelayRequest,
                    date: *date,
                });
            }
            Step::GrantEvidenceDelay { date } => {
                if !facts.evidence_delay_requested {
                    return Err(err(Code::NoRequest, "action", "尚未登记延期提供证据申请"));
                }
                fx.push(Effect::Open {
                    kind: K::LateEvidence,
                    start: *date,
                });
            }
            Step::SubmitLateEvidence { date } => {
                if !facts.late_evidence_open {
                    return Err(err(
                        Code::NoDelayGranted,
                        "action",
                        "法院尚未准许延期提供证据",
                    ));
                }
                fx.push(Effect::Complete {
                    kind: K::LateEvidence,
                    date: *date,
                });
            }
            Step::ScheduleHearing {
                date, hearing_date, ..
            } => {
                if hearing_date < date {
                    return Err(err(
                        Code::InvalidDate,
                        "hearing_date",
                        "开庭日期不能早于收到传票日期",
                    ));
                }
            }
            Step::RecordHearing {
                appearance,
                person,
                post,
                lawyer,
                excuse,
                excuse_evidence,
                ..
            } => match appearance {
                Appearance::Head | Appearance::Staff if person.is_none() => {
                    return Err(DomainError::required("person", "出庭人员姓名"))
                }
                Appearance::Head if post.is_none() => {
                    return Err(DomainError::required("post", "出庭负责人职务"))
                }
                Appearance::Head if excuse.is_some() => {
                    return Err(err(
                        Code::InvalidOption,
                        "excuse",
                        "负责人已出庭，无需填写不能出庭的理由",
                    ))
                }
                Appearance::LawyerOnly if lawyer.is_none() => {
                    return Err(DomainError::required("lawyer", "出庭律师"))
                }
                // Whoever appeared instead, the head's absence needs its reason on record (出庭规定
                // 第十二条第一款第一项: 未说明理由 is reported to the supervisory organ; 行诉解释第一百
                // 二十九条第三款).
                Appearance::Staff | Appearance::LawyerOnly | Appearance::Absent
                    if excuse.is_none() =>
                {
                    return Err(err(
                        Code::Required,
                        "excuse",
                        "行政机关负责人未出庭的，应当说明理由（《行政机关负责人出庭应诉规定》第十二条）：请选择负责人不能出庭的理由",
                    ))
                }
                // The excuse must be documented (出庭规定 Art 9; 行诉解释 Art 129(3)).
                _ if excuse.is_some() && excuse_evidence.is_none() => {
                    return Err(DomainError::required(
                        "excuse_evidence",
                        "负责人不能出庭理由的证明材料",
                    ))
                }
                _ => {}
            },
            Step::Judge {
                date,
                served_date,
                outcome,
                performance_days,
                ..
            } => {
                if served_date < date {
                    return Err(err(
                        Code::InvalidDate,
                        "served_date",
                        "送达日期不能早于裁判日期",
                    ));
                }
                if *served_date > today {
                    return Err(err(Code::DateInFuture, "served_date", "送达日期不能晚于今天"));
                }
                if *date < facts.registered_date {
                    return Err(err(
                        Code::DateBeforeRegistration,
                        "date",
                        format!(
                            "裁判日期不能早于本审级立案日期（{}）",
                            format_date_cn(facts.registered_date)
                        ),
                    ));
                }
                // A trial judgment needs a hearing; an appeal may be decided on the papers (Art 86).
                if outcome.is_judgment() && facts.level != Level::Appeal && facts.hearings == 0 {
                    return Err(err(
                        Code::NoHearing,
                        "outcome",
                        format!(
                            "本案{}尚未登记开庭，不能登记判决；请先登记开庭及出庭情况",
                            facts.level.label()
                        ),
                    ));
                }
                if *outcome == OutcomeType::UpholdOriginal && facts.level == Level::First {
                    return Err(err(
                        Code::InvalidOption,
                        "outcome",
                        "一审不能作出“维持原裁判”的结果",
                    ));
                }
                let lost = outcome.is_loss(rules, facts.level, facts.outcome_lost);
                ch.outcome = Some((*outcome, *date, *served_date, lost));
                ch.performance_days = *performance_days;
                fx.push(Effect::Complete {
                    kind: K::Defence,
                    date: *date,
                });
                fx.push(Effect::Complete {
                    kind: K::EvidenceDelayRequest,
                    date: *date,
                });
                fx.push(Effect::Complete {
                    kind: K::LateEvidence,
                    date: *date,
                });
                let appeal = outcome.appeal_window(facts.appealable);
                match appeal {
                    Some(_) => fx.push(Effect::Open {
                        kind: K::AppealWindow,
                        start: *served_date,
                    }),
                    None => {
                        status = Status::Final;
                        finalize(
                            &mut ch,
                            &mut fx,
                            facts,
                            (*outcome, *served_date, lost),
                            performance_days.or(facts.performance_days),
                        );
                    }
                }
            }
            Step::Appeal {
                date,
                court,
                case_no,
                by_defendant,
            } => {
                // The agency's own window runs from its service; a plaintiff served later may
                // still appeal after it, so only the agency's appeal is held to it.
                if let Some(due) = facts.appeal_due.filter(|due| *by_defendant && date > due) {
                    return Err(err(
                        Code::AppealOutOfTime,
                        "date",
                        format!("本机关的上诉期限已于{}届满", format_date_cn(due)),
                    ));
                }
                fx.push(Effect::Complete {
                    kind: K::AppealWindow,
                    date: *date,
                });
                ch.new_instance = Some(NewInstance {
                    level: Level::Appeal,
                    appealable: false,
                    court: court.clone(),
                    case_no: case_no.clone(),
                    registered_date: *date,
                });
            }
            Step::Finalize { date } => {
                if let Some(due) = facts.appeal_due.filter(|due| date <= due) {
                    return Err(err(
                        Code::AppealWindowOpen,
                        "date",
                        format!(
                            "上诉期限至{}届满，届满后方可登记裁判生效",
                            format_date_cn(due)
                        ),
                    ));
                }
                fx.push(Effect::Complete {
                    kind: K::AppealWindow,
                    date: *date,
                });
                let outcome = facts.outcome.unwrap_or(OutcomeType::RejectClaim);
                finalize(
                    &mut ch,
                    &mut fx,
                    facts,
                    (outcome, *date, facts.outcome_lost),
                    facts.performance_days,
                );
            }
            Step::Remand {
                date,
                court,
                case_no,
            } => {
                // A retrial heard by the first-instance court itself cannot send the case back.
                if facts.level == Level::Retrial && facts.appealable {
                    return Err(err(
                        Code::IllegalTransition,
                        "action",
                        "按照第一审程序审理的再审案件不能发回重审",
                    ));
                }
                ch.outcome = Some((OutcomeType::Remanded, *date, *date, false));
                ch.new_instance = Some(NewInstance {
                    level: Level::First,
                    appealable: true,
                    court: court.clone(),
                    case_no: case_no.clone(),
                    registered_date: *date,
                });
            }
            Step::Retry {
                date,
                court,
                case_no,
                procedure,
            } => {
                // A retrial suspends execution of the judgment (行诉解释 Art 118).
                fx.push(Effect::Pause {
                    kind: K::Performance,
                    from: *date,
                    reason: "再审中止执行".into(),
                });
                ch.new_instance = Some(NewInstance {
                    level: Level::Retrial,
                    appealable: *procedure == RetrialProcedure::FirstInstance,
                    court: court.clone(),
                    case_no: case_no.clone(),
                    registered_date: *date,
                });
            }
            Step::RecordPerformance {
                date, performed, ..
            } => {
                if !facts.requires_performance {
                    return Err(err(
                        Code::NoPerformanceRequired,
                        "action",
                        "该案生效裁判未判决行政机关败诉，无需登记履行情况",
                    ));
                }
                ch.performed = Some(*performed);
                if *performed {
                    fx.push(Effect::Complete {
                        kind: K::Performance,
                        date: *date,
                    });
                }
            }
        }
        Ok(Outcome {
            status,
            changes: ch,
            effects: fx,
        })
    }
    fn step_date(step: &Step) -> NaiveDate {
        step.date()
    }
    /// The appeal window is the judgment's (15 days, 10 for a ruling); the performance period the
    /// one the judgment sets.
    fn deadline_rule(
        kind: DeadlineKind,
        facts: &CaseFacts,
        step: &Step,
        changes: &Changes,
        _: &Rules,
    ) -> Option<DeadlineRule> {
        let days = match (kind, step) {
            (DeadlineKind::AppealWindow, Step::Judge { outcome, .. }) => {
                outcome.appeal_window(facts.appealable)
            }
            (DeadlineKind::Performance, _) => changes.performance_days.or(facts.performance_days),
            _ => None,
        };
        Some(deadline_rule(kind, days))
    }
}

fn err(code: Code, field: &str, msg: impl Into<String>) -> DomainError {
    DomainError::field(code, field, msg)
}

/// The outcome takes effect: a lost case must be performed (within the period the judgment set,
/// when it set one). After a retrial, the performance it suspended resumes when the outcome leaves
/// the judgment in force (维持, 撤回再审申请); otherwise that duty ends, and a new loss starts a new
/// one with its own period.
fn finalize(
    ch: &mut Changes,
    fx: &mut Vec<Effect>,
    facts: &CaseFacts,
    (outcome, date, lost): (OutcomeType, NaiveDate, bool),
    performance_days: Option<u32>,
) {
    let kind = DeadlineKind::Performance;
    ch.final_date = Some(date);
    ch.requires_performance = Some(lost);
    let keeps_old = matches!(
        outcome,
        OutcomeType::UpholdOriginal | OutcomeType::Withdrawn
    ) && facts.level != Level::First;
    if facts.requires_performance {
        fx.push(Effect::Resume { kind, date });
        if keeps_old {
            return;
        }
        fx.push(Effect::Complete { kind, date });
    }
    ch.new_performance_duty = lost;
    if lost && performance_days.is_some() {
        fx.push(Effect::Open { kind, start: date });
    }
}

/// A new lawsuit (行政诉讼案件) as registered: the first instance, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lawsuit {
    pub court: String,
    pub case_no: String,
    pub registered_date: NaiveDate,
    /// The day the agency received the complaint copy (起诉状副本): the defence period runs from it.
    pub copy_received_date: NaiveDate,
    /// The unit that answers (被告).
    pub defendant_unit_id: i64,
    pub act_name: String,
    pub act_doc_no: Option<String>,
    pub claim: String,
    /// A 复议后起诉: the reconsideration case number, if any.
    pub rc_case_no: Option<String>,
    pub parties: Vec<Party>,
}

impl Lawsuit {
    pub fn parse(f: &Fields, today: NaiveDate) -> DomainResult<Self> {
        let court = required_text(get(f, "court"), "court", "受理法院", 100)?;
        let case_no = parse_court_case_no(get(f, "case_no"), "case_no")?;
        let registered_date = parse_date(get(f, "registered_date"), "registered_date", "立案日期")?;
        let copy_received_date = parse_date(
            get(f, "copy_received_date"),
            "copy_received_date",
            "收到起诉状副本日期",
        )?;
        if copy_received_date > today {
            return Err(err(
                Code::DateInFuture,
                "copy_received_date",
                "收到起诉状副本日期不能晚于今天",
            ));
        }
        if copy_received_date < registered_date {
            return Err(err(
                Code::DateOrder,
                "copy_received_date",
                "收到起诉状副本日期不能早于立案日期",
            ));
        }
        let defendant_unit_id = parse_id(f, "defendant_unit_id", "被告（应诉单位）")?;
        let act_name = required_text(get(f, "act_name"), "act_name", "被诉行政行为", 200)?;
        let act_doc_no = optional_text(get(f, "act_doc_no"), "act_doc_no", "行政行为文书号", 100)?;
        let claim = required_text(get(f, "claim"), "claim", "诉讼请求", 2000)?;
        let rc_case_no = optional_text(get(f, "rc_case_no"), "rc_case_no", "关联行政复议案号", 50)?;
        let mut parties = Vec::new();
        parties.extend(Party::parse(PartyRole::Plaintiff, "plaintiff", f, true)?);
        parties.extend(Party::parse(PartyRole::Plaintiff, "plaintiff2", f, false)?);
        parties.extend(Party::parse(PartyRole::Agent, "agent", f, false)?);
        parties.extend(Party::parse(
            PartyRole::ThirdParty,
            "third_party",
            f,
            false,
        )?);
        Ok(Self {
            court,
            case_no,
            registered_date,
            copy_received_date,
            defendant_unit_id,
            act_name,
            act_doc_no,
            claim,
            rc_case_no,
            parties,
        })
    }

    pub fn plaintiff_names(&self) -> String {
        crate::party::names(&self.parties, PartyRole::Plaintiff)
    }
}

coded_enum!(
    /// 司法建议 (from a court) or 检察建议 (from a procuratorate).
    SuggestionKind, "kind", "建议类型" {
        Judicial = "judicial", "司法建议";
        Procuratorial = "procuratorial", "检察建议";
    }
);

coded_enum!(
    SuggestionStatus, "status", "办理状态" {
        Pending = "pending", "待回复";
        Replied = "replied", "已回复";
        Rectified = "rectified", "已整改";
    }
);

coded_enum!(
    /// The one deadline of a suggestion.
    SuggestionDeadline, "kind", "期限类型" {
        Reply = "reply", "回复期限";
    }
);

coded_enum!(
    SuggestionAction, "action", "办理步骤" {
        Reply = "reply", "登记回复";
        Rectify = "rectify", "登记整改完成";
    }
);

/// A 司法建议 / 检察建议 as registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub issuer: String,
    pub doc_no: Option<String>,
    pub received_date: NaiveDate,
    /// The unit it is addressed to (被建议单位).
    pub unit_id: i64,
    pub content: String,
    /// The reply period the document sets, in days; else the configured default.
    pub reply_days: Option<u32>,
    /// The lawsuit it arose from, by 案号, if any.
    pub case_no: Option<String>,
}

impl Suggestion {
    pub fn parse(f: &Fields, today: NaiveDate) -> DomainResult<Self> {
        let received_date = parse_date(get(f, "received_date"), "received_date", "收到日期")?;
        if received_date > today {
            return Err(err(
                Code::DateInFuture,
                "received_date",
                "收到日期不能晚于今天",
            ));
        }
        let reply_days = match get(f, "reply_days").trim() {
            "" => None,
            s => Some(
                s.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=365).contains(n))
                    .ok_or_else(|| {
                        err(
                            Code::InvalidNumber,
                            "reply_days",
                            "回复期限应为1至365的整数（日）",
                        )
                    })?,
            ),
        };
        let case_no = match get(f, "case_no").trim() {
            "" => None,
            s => Some(parse_court_case_no(s, "case_no")?),
        };
        Ok(Self {
            kind: SuggestionKind::parse(get(f, "kind"))?,
            issuer: required_text(get(f, "issuer"), "issuer", "制发机关", 100)?,
            doc_no: optional_text(get(f, "doc_no"), "doc_no", "文书编号", 100)?,
            received_date,
            unit_id: parse_id(f, "unit_id", "被建议单位")?,
            content: required_text(get(f, "content"), "content", "建议内容", 2000)?,
            reply_days,
            case_no,
        })
    }
}

/// A step on a suggestion: the reply, then the rectification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionStep {
    pub action: SuggestionAction,
    pub date: NaiveDate,
    pub notes: String,
}

/// What a suggestion's step needs to know of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuggestionFacts {
    pub status: SuggestionStatus,
    pub received: NaiveDate,
    pub last: Option<NaiveDate>,
}

/// The reply deadline's rule: the period the document sets, else the configured default.
pub fn reply_rule(kind: SuggestionKind, reply_days: Option<u32>, rules: &Rules) -> DeadlineRule {
    let (count, unit, start_event, basis) = match (kind, reply_days) {
        (_, Some(n)) => (
            n,
            PeriodUnit::CalendarDays,
            "收到建议书之日",
            "建议书确定的回复期限",
        ),
        (SuggestionKind::Judicial, None) => (
            rules.judicial_reply_days,
            PeriodUnit::CalendarDays,
            "收到司法建议书之日",
            "法院确定的回复期限（未载明时按配置，默认30日）",
        ),
        (SuggestionKind::Procuratorial, None) => (
            rules.procuratorial_reply_months,
            PeriodUnit::Months,
            "收到检察建议书之日",
            "《人民检察院检察建议工作规定》（书面回复期限两个月）",
        ),
    };
    DeadlineRule {
        count,
        unit,
        start_event,
        basis,
    }
}

/// 司法建议 / 检察建议 as a procedure of the kernel: 待回复 → 登记回复 → 已回复 → 登记整改完成 →
/// 已整改. The reply deadline is opened at registration ([`reply_rule`]).
pub struct SuggestionProcedure;

const REPLY_FIELDS: &[FieldSpec] = &[
    FieldSpec::date("date", "回复日期"),
    FieldSpec::textarea("notes", "回复内容", 2000),
];
const RECTIFY_FIELDS: &[FieldSpec] = &[
    FieldSpec::date("date", "整改完成日期"),
    FieldSpec::textarea("notes", "整改情况", 2000),
];

impl Procedure for SuggestionProcedure {
    const MODULE: &'static str = "suggestion";
    type Status = SuggestionStatus;
    type Action = SuggestionAction;
    type Kind = SuggestionDeadline;
    type Step = SuggestionStep;
    type Facts = SuggestionFacts;
    type Changes = ();
    type Rules = Rules;

    fn transition(
        from: SuggestionStatus,
        action: SuggestionAction,
    ) -> DomainResult<SuggestionStatus> {
        use SuggestionAction as A;
        use SuggestionStatus as S;
        match (from, action) {
            (S::Pending, A::Reply) => Ok(S::Replied),
            (S::Replied, A::Rectify) => Ok(S::Rectified),
            _ => Err(crate::procedure::illegal_transition(from, action)),
        }
    }

    fn step_form(action: SuggestionAction) -> StepForm {
        match action {
            SuggestionAction::Reply => StepForm {
                fields: REPLY_FIELDS,
                summary: "登记回复：{notes}",
            },
            SuggestionAction::Rectify => StepForm {
                fields: RECTIFY_FIELDS,
                summary: "登记整改完成：{notes}",
            },
        }
    }

    fn step(action: SuggestionAction, v: &Values) -> DomainResult<SuggestionStep> {
        Ok(SuggestionStep {
            action,
            date: v.req_date("date")?,
            notes: v.req_text("notes")?,
        })
    }

    fn step_date(step: &SuggestionStep) -> NaiveDate {
        step.date
    }

    /// Checks the step against the suggestion's status and dates; the reply completes the reply
    /// deadline.
    fn apply(
        facts: &SuggestionFacts,
        step: &SuggestionStep,
        at: &Context<'_>,
        _: &Rules,
    ) -> DomainResult<StepOutcome<Self>> {
        let status = Self::transition(facts.status, step.action)?;
        if step.date > at.today {
            return Err(err(Code::DateInFuture, "date", "日期不能晚于今天"));
        }
        let floor = facts.last.unwrap_or(facts.received).max(facts.received);
        if step.date < floor {
            return Err(err(
                Code::DateBeforePreviousStep,
                "date",
                format!("日期不能早于{}", format_date_cn(floor)),
            ));
        }
        let effects = match step.action {
            SuggestionAction::Reply => vec![crate::deadline::Effect::Complete {
                kind: SuggestionDeadline::Reply,
                date: step.date,
            }],
            SuggestionAction::Rectify => vec![],
        };
        Ok(StepOutcome {
            status,
            changes: (),
            effects,
        })
    }

    /// The reply deadline is opened at registration; no step opens one.
    fn deadline_rule(
        _: SuggestionDeadline,
        _: &SuggestionFacts,
        _: &SuggestionStep,
        _: &(),
        _: &Rules,
    ) -> Option<DeadlineRule> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(f: &CaseFacts, step: &Step, today: NaiveDate, rules: &Rules) -> DomainResult<Outcome> {
        crate::procedure::apply_on::<Litigation>(f, step, today, rules)
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> CaseFacts {
        CaseFacts {
            status: Status::FirstInstance,
            level: Level::First,
            registered_date: d("2024-03-01"),
            last_event_date: d("2024-03-05"),
            hearings: 0,
            outcome_date: None,
            outcome: None,
            outcome_lost: false,
            appealable: true,
            evidence_request_due: Some(d("2024-03-20")),
            evidence_delay_requested: false,
            late_evidence_open: false,
            performance_days: None,
            requires_performance: false,
            appeal_due: None,
        }
    }

    fn step(a: Action, pairs: &[(&str, &str)]) -> DomainResult<Step> {
        let f: Fields = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Step::parse(a, &f)
    }

    const TODAY: &str = "2024-12-31";

    #[test]
    fn case_numbers() {
        assert_eq!(
            parse_court_case_no("(2024)粤5302行初12号", "case_no").unwrap(),
            "（2024）粤5302行初12号"
        );
        for bad in [
            "2024粤5302行初12号",
            "（24）粤行初1号",
            "（2024）粤5302民初12号",
            "",
        ] {
            assert!(parse_court_case_no(bad, "case_no").is_err(), "{bad}");
        }
    }

    #[test]
    fn judgment_needs_a_hearing_at_first_instance_but_not_on_appeal() {
        let s = step(
            Action::Judge,
            &[("date", "2024-06-01"), ("outcome", "revoke")],
        )
        .unwrap();
        let e = apply(&facts(), &s, d(TODAY), &Rules::default()).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("no_hearing", Some("outcome"))
        );
        // A ruling needs no hearing.
        let r = step(
            Action::Judge,
            &[("date", "2024-06-01"), ("outcome", "dismiss_suit")],
        )
        .unwrap();
        let o = apply(&facts(), &r, d(TODAY), &Rules::default()).unwrap();
        assert_eq!(o.status, Status::AppealWindow);
        assert!(o.effects.contains(&Effect::Open {
            kind: DeadlineKind::AppealWindow,
            start: d("2024-06-01")
        }));
        // Appeal instances may be decided on the papers (行诉法 Art 86).
        let appeal = CaseFacts {
            status: Status::Appeal,
            level: Level::Appeal,
            appealable: false,
            ..facts()
        };
        let o = apply(&appeal, &s, d(TODAY), &Rules::default()).unwrap();
        assert_eq!(o.status, Status::Final);
        assert_eq!(o.changes.final_date, Some(d("2024-06-01")));
        assert_eq!(o.changes.requires_performance, Some(true));
    }

    #[test]
    fn withdrawal_is_final_at_once_and_not_a_loss_by_default() {
        let s = step(
            Action::Judge,
            &[
                ("date", "2024-06-01"),
                ("outcome", "withdrawn_after_change"),
            ],
        )
        .unwrap();
        let o = apply(&facts(), &s, d(TODAY), &Rules::default()).unwrap();
        assert_eq!(o.status, Status::Final);
        assert!(!o.changes.outcome.unwrap().3);
        let mut rules = Rules::default();
        rules.lost_outcomes.push(OutcomeType::WithdrawnAfterChange);
        let o = apply(&facts(), &s, d(TODAY), &rules).unwrap();
        assert!(o.changes.outcome.unwrap().3, "the table is configurable");
    }

    #[test]
    fn appeal_before_judgment_is_refused() {
        let f = CaseFacts {
            status: Status::AppealWindow,
            outcome_date: Some(d("2024-06-01")),
            last_event_date: d("2024-05-20"),
            ..facts()
        };
        let s = step(
            Action::Appeal,
            &[
                ("date", "2024-05-30"),
                ("court", "示例市中级人民法院"),
                ("case_no", "（2024）粤53行终8号"),
            ],
        )
        .unwrap();
        let e = apply(&f, &s, d(TODAY), &Rules::default()).unwrap_err();
        assert_eq!(e.code, "appeal_before_judgment");
    }

    #[test]
    fn head_appearance_needs_a_named_person() {
        let e = step(
            Action::RecordHearing,
            &[("date", "2024-04-01"), ("appearance", "head")],
        )
        .and_then(|s| apply(&facts(), &s, d(TODAY), &Rules::default()))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("person"));
        let e = step(
            Action::RecordHearing,
            &[
                ("date", "2024-04-01"),
                ("appearance", "head"),
                ("person", "张三"),
            ],
        )
        .and_then(|s| apply(&facts(), &s, d(TODAY), &Rules::default()))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("post"));
        assert!(!appearance_compliant(Appearance::LawyerOnly, false, true));
        assert!(appearance_compliant(Appearance::Staff, false, false));
        assert!(!appearance_compliant(Appearance::Staff, true, false));
        assert!(appearance_compliant(Appearance::Staff, true, true));
    }

    #[test]
    fn evidence_delay_must_be_asked_within_fifteen_days() {
        let late = step(
            Action::RequestEvidenceDelay,
            &[("date", "2024-03-21"), ("reason", "证据在外地档案馆")],
        )
        .unwrap();
        let e = apply(&facts(), &late, d(TODAY), &Rules::default()).unwrap_err();
        assert_eq!(e.code, "request_out_of_time");
        let ok = step(
            Action::RequestEvidenceDelay,
            &[("date", "2024-03-20"), ("reason", "证据在外地档案馆")],
        )
        .unwrap();
        assert!(apply(&facts(), &ok, d(TODAY), &Rules::default()).is_ok());
    }

    #[test]
    fn uphold_takes_the_upheld_loss_and_performance_opens_on_finality() {
        let f = CaseFacts {
            status: Status::Appeal,
            level: Level::Appeal,
            appealable: false,
            outcome_lost: true,
            ..facts()
        };
        let s = step(
            Action::Judge,
            &[
                ("date", "2024-09-01"),
                ("outcome", "uphold_original"),
                ("performance_days", "60"),
            ],
        )
        .unwrap();
        let o = apply(&f, &s, d(TODAY), &Rules::default()).unwrap();
        assert!(o.changes.outcome.unwrap().3);
        assert!(o.effects.contains(&Effect::Open {
            kind: DeadlineKind::Performance,
            start: d("2024-09-01")
        }));
        let first = step(
            Action::Judge,
            &[("date", "2024-09-01"), ("outcome", "uphold_original")],
        )
        .unwrap();
        let with_hearing = CaseFacts {
            hearings: 1,
            ..facts()
        };
        assert!(apply(&with_hearing, &first, d(TODAY), &Rules::default()).is_err());
    }

    #[test]
    fn stricter_case_numbers_and_yes_no() {
        for bad in [
            "（2024）行号",
            "（2024）粤5302行12号",
            "（2024）粤5302行初号",
        ] {
            assert!(parse_court_case_no(bad, "case_no").is_err(), "{bad}");
        }
        assert!(parse_court_case_no("（2024）粤53行赔初3号", "case_no").is_ok());
        let e = step(
            Action::ScheduleHearing,
            &[
                ("date", "2024-04-01"),
                ("hearing_date", "2024-04-10"),
                ("head_notified", "maybe"),
            ],
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_option", Some("head_notified"))
        );
    }

    #[test]
    fn an_excuse_needs_its_evidence() {
        let e = step(
            Action::RecordHearing,
            &[
                ("date", "2024-04-01"),
                ("appearance", "staff"),
                ("person", "李四"),
                ("excuse", "official_duty"),
            ],
        )
        .and_then(|s| apply(&facts(), &s, d(TODAY), &Rules::default()))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("excuse_evidence"));
    }

    #[test]
    fn retrial_under_first_instance_procedure_may_be_appealed_and_suspends_performance() {
        let final_lost = CaseFacts {
            status: Status::Final,
            outcome_lost: true,
            requires_performance: true,
            performance_days: Some(30),
            ..facts()
        };
        let retry = step(
            Action::Retry,
            &[
                ("date", "2024-07-01"),
                ("court", "示例区人民法院"),
                ("case_no", "（2024）示0101行再1号"),
                ("procedure", "first_instance"),
            ],
        )
        .unwrap();
        let o = apply(&final_lost, &retry, d(TODAY), &Rules::default()).unwrap();
        assert_eq!(o.status, Status::Retrial);
        assert!(o.changes.new_instance.as_ref().unwrap().appealable);
        assert!(matches!(
            o.effects[0],
            Effect::Pause {
                kind: DeadlineKind::Performance,
                ..
            }
        ));
        // The retrial court, hearing it as a first instance, revokes nothing: appealable.
        let retrial = CaseFacts {
            status: Status::Retrial,
            level: Level::Retrial,
            hearings: 1,
            last_event_date: d("2024-07-01"),
            ..final_lost.clone()
        };
        let judge = step(
            Action::Judge,
            &[("date", "2024-08-01"), ("outcome", "reject_claim")],
        )
        .unwrap();
        let o = apply(&retrial, &judge, d(TODAY), &Rules::default()).unwrap();
        assert_eq!(o.status, Status::AppealWindow);
        // Under the second-instance procedure it is final, and the suspended performance ends.
        let second = CaseFacts {
            appealable: false,
            ..retrial
        };
        let o = apply(&second, &judge, d(TODAY), &Rules::default()).unwrap();
        assert_eq!(o.status, Status::Final);
        assert!(o.effects.iter().any(|e| matches!(
            e,
            Effect::Resume {
                kind: DeadlineKind::Performance,
                ..
            }
        )));
        assert!(o.effects.iter().any(|e| matches!(
            e,
            Effect::Complete {
                kind: DeadlineKind::Performance,
                ..
            }
        )));
    }

    #[test]
    fn remand_returns_to_first_instance_and_agency_appeal_keeps_its_window() {
        let appeal = CaseFacts {
            status: Status::Appeal,
            level: Level::Appeal,
            appealable: false,
            ..facts()
        };
        let r = step(
            Action::Remand,
            &[
                ("date", "2024-09-01"),
                ("court", "示例区人民法院"),
                ("case_no", "（2024）示0101行初30号"),
            ],
        )
        .unwrap();
        let o = apply(&appeal, &r, d(TODAY), &Rules::default()).unwrap();
        assert_eq!(o.status, Status::FirstInstance);
        assert_eq!(o.changes.new_instance.unwrap().level, Level::First);
        let window = CaseFacts {
            status: Status::AppealWindow,
            outcome_date: Some(d("2024-06-01")),
            appeal_due: Some(d("2024-06-17")),
            ..facts()
        };
        let late = step(
            Action::Appeal,
            &[
                ("date", "2024-06-20"),
                ("by_defendant", "1"),
                ("court", "示例市中级人民法院"),
                ("case_no", "（2024）示01行终9号"),
            ],
        )
        .unwrap();
        assert_eq!(
            apply(&window, &late, d(TODAY), &Rules::default())
                .unwrap_err()
                .code,
            "appeal_out_of_time"
        );
    }

    #[test]
    fn a_retrial_as_first_instance_may_be_appealed_even_when_it_upholds_and_cannot_remand() {
        let retrial = CaseFacts {
            status: Status::Retrial,
            level: Level::Retrial,
            hearings: 1,
            outcome_lost: true,
            requires_performance: true,
            ..facts()
        };
        let uphold = step(
            Action::Judge,
            &[("date", "2024-08-01"), ("outcome", "uphold_original")],
        )
        .unwrap();
        let o = apply(&retrial, &uphold, d(TODAY), &Rules::default()).unwrap();
        assert_eq!(o.status, Status::AppealWindow);
        let remand = step(
            Action::Remand,
            &[
                ("date", "2024-08-01"),
                ("court", "示例区人民法院"),
                ("case_no", "（2024）示0101行初31号"),
            ],
        )
        .unwrap();
        assert!(apply(&retrial, &remand, d(TODAY), &Rules::default()).is_err());
        // Under the second-instance procedure, a new loss ends the suspended duty and starts its own.
        let second = CaseFacts {
            appealable: false,
            ..retrial
        };
        let change = step(
            Action::Judge,
            &[
                ("date", "2024-08-01"),
                ("outcome", "change"),
                ("performance_days", "20"),
            ],
        )
        .unwrap();
        let o = apply(&second, &change, d(TODAY), &Rules::default()).unwrap();
        assert!(o.changes.new_performance_duty);
        let kinds: Vec<&str> = o
            .effects
            .iter()
            .map(|e| match e {
                Effect::Resume { .. } => "resume",
                Effect::Complete { .. } => "complete",
                Effect::Open { .. } => "open",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            ["complete", "complete", "complete", "resume", "complete", "open"]
        );
    }

    /// 出庭规定第十二条 (负责人未出庭应诉，且未说明理由): whenever the head did not appear — staff
    /// instead, a lawyer alone or nobody — the reason is required; the head's own appearance
    /// takes none.
    #[test]
    fn head_absence_needs_a_reason_art_12() {
        for (appearance, extra) in [
            ("staff", ("person", "李四")),
            ("lawyer_only", ("lawyer", "王律师")),
            ("absent", ("notes", "")),
        ] {
            let e = step(
                Action::RecordHearing,
                &[("date", "2024-04-01"), ("appearance", appearance), extra],
            )
            .and_then(|s| apply(&facts(), &s, d(TODAY), &Rules::default()))
            .unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.field.as_deref()),
                ("required", Some("excuse")),
                "{appearance}"
            );
            assert!(e.message.contains("第十二条"), "{}", e.message);
            let with_reason = step(
                Action::RecordHearing,
                &[
                    ("date", "2024-04-01"),
                    ("appearance", appearance),
                    extra,
                    ("excuse", "official_duty"),
                    ("excuse_evidence", "局长同日参加市政府常务会议，有会议通知"),
                ],
            )
            .unwrap();
            assert!(
                apply(&facts(), &with_reason, d(TODAY), &Rules::default()).is_ok(),
                "{appearance}"
            );
        }
        let head = step(
            Action::RecordHearing,
            &[
                ("date", "2024-04-01"),
                ("appearance", "head"),
                ("person", "王东"),
                ("post", "镇长"),
            ],
        )
        .unwrap();
        assert!(apply(&facts(), &head, d(TODAY), &Rules::default()).is_ok());
    }

    /// 行诉解释第一百二十八条第二款 (不得仅委托律师出庭) and 第一百三十二条: one hearing left to a
    /// lawyer alone makes the instance non-compliant, even when the head appears at another
    /// (出庭规定第七条 otherwise lets one appearance per instance suffice).
    #[test]
    fn a_lawyer_only_hearing_makes_the_instance_non_compliant_art_128_132() {
        use Appearance as A;
        assert_eq!(instance_compliant(&[]), None);
        assert_eq!(instance_compliant(&[(A::Head, true)]), Some(true));
        assert_eq!(
            instance_compliant(&[(A::Staff, false), (A::Head, true)]),
            Some(true),
            "one compliant appearance per instance suffices (Art 7)"
        );
        assert_eq!(
            instance_compliant(&[(A::LawyerOnly, false), (A::Head, true)]),
            Some(false)
        );
        assert_eq!(
            instance_compliant(&[(A::Head, true), (A::LawyerOnly, false)]),
            Some(false)
        );
        assert_eq!(instance_compliant(&[(A::Absent, false)]), Some(false));
    }
}
