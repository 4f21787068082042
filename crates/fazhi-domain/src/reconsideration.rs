//! 行政复议 — administrative reconsideration under the 2023 Administrative Reconsideration Law
//! (`legal-rules.md` §1).
//!
//! This module holds the whole procedure as data and pure functions: the statuses, the steps a
//! clerk can take, the one transition table ([`transition`]), the deadlines each step opens,
//! completes, pauses or extends ([`apply`]), and the outcome types with their 纠错 flag. The
//! application layer only loads a case, calls [`apply`], and stores what comes back.

use crate::deadline::PeriodUnit;
use crate::error::{optional_text, required_text, DomainError, DomainResult};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// Where a case stands.
    Status, "status", "案件状态" {
        Received = "received", "待受理审查";
        CorrectionRequested = "correction", "补正中";
        NotAccepted = "not_accepted", "不予受理";
        Abandoned = "abandoned", "视为放弃";
        UnderReview = "under_review", "审理中";
        Suspended = "suspended", "中止";
        Decided = "decided", "已决定";
        Mediated = "mediated", "调解结案";
        Terminated = "terminated", "已终止";
    }
);

impl Status {
    /// Whether the case has been concluded (审结): by decision, mediation or termination.
    pub fn is_concluded(self) -> bool {
        matches!(self, Self::Decided | Self::Mediated | Self::Terminated)
    }
    /// Whether the case is closed in any way (no further procedure except follow-up records).
    pub fn is_closed(self) -> bool {
        self.is_concluded() || matches!(self, Self::NotAccepted | Self::Abandoned)
    }
}

coded_enum!(
    /// 普通程序 / 简易程序 (Arts 48–55).
    Procedure, "procedure", "审理程序" {
        Ordinary = "ordinary", "普通程序";
        Simplified = "simplified", "简易程序";
    }
);

coded_enum!(
    /// How the application arrived (Art 22).
    Channel, "channel", "申请方式" {
        Window = "window", "窗口";
        Mail = "mail", "邮寄";
        Online = "online", "网上";
        Oral = "oral", "口头";
    }
);

coded_enum!(
    /// Decision types (Arts 63–69, 33), with their statistical 纠错 flag in [`DecisionType::is_correction`].
    DecisionType, "decision_type", "决定类型" {
        Change = "change", "变更";
        PartialChange = "partial_change", "部分变更";
        Revoke = "revoke", "撤销";
        PartialRevoke = "partial_revoke", "部分撤销";
        ConfirmIllegal = "confirm_illegal", "确认违法";
        OrderPerform = "order_perform", "责令履行";
        ConfirmVoid = "confirm_void", "确认无效";
        Maintain = "maintain", "维持";
        RejectClaim = "reject_claim", "驳回复议请求";
        RejectApplication = "reject_application", "驳回复议申请";
    }
);

impl DecisionType {
    /// Counts as 纠错 (`legal-rules.md` §1.4). 确认无效 is configurable (UNCONFIRMED nationally).
    pub fn is_correction(self, rules: &Rules) -> bool {
        match self {
            Self::Change
            | Self::PartialChange
            | Self::Revoke
            | Self::PartialRevoke
            | Self::ConfirmIllegal
            | Self::OrderPerform => true,
            Self::ConfirmVoid => rules.confirm_void_is_correction,
            Self::Maintain | Self::RejectClaim | Self::RejectApplication => false,
        }
    }
    /// Whether the respondent usually has something to perform; the clerk may override.
    pub fn usually_requires_performance(self) -> bool {
        matches!(
            self,
            Self::Revoke | Self::PartialRevoke | Self::OrderPerform | Self::ConfirmIllegal
        )
    }
}

coded_enum!(
    /// Grounds for termination (Arts 41, 74).
    TerminationReason, "reason", "终止原因" {
        Withdrawn = "withdrawn", "申请人撤回申请";
        SettledWithdrawn = "settled_withdrawn", "和解后撤回申请";
        ApplicantDied = "applicant_died", "申请人死亡，无近亲属或近亲属放弃";
        Dissolved = "dissolved", "法人或其他组织终止，无承受人或承受人放弃";
        CriminalMeasures = "criminal_measures", "因同一违法行为被采取刑事强制措施";
        SuspensionExpired = "suspension_expired", "中止满六十日原因仍未消除";
    }
);

coded_enum!(
    /// Grounds for suspension (Art 39(1)), abbreviated.
    SuspensionGround, "ground", "中止原因" {
        ApplicantDied = "applicant_died", "作为申请人的公民死亡，其近亲属尚未确定是否参加";
        Incapacity = "incapacity", "申请人丧失参加行政复议的行为能力，尚未确定法定代理人";
        Absent = "absent", "申请人下落不明或被宣告失踪";
        Dissolved = "dissolved", "作为申请人的法人或其他组织终止，尚未确定权利义务承受人";
        ForceMajeure = "force_majeure", "因不可抗力等正当理由不能参加";
        Mediation = "mediation", "依法进行调解、和解，申请人和被申请人同意中止";
        LawApplication = "law_application", "法律适用问题需有权机关作出解释或确认";
        RelatedCase = "related_case", "以其他案件审理结果为依据而其他案件尚未审结";
        DocumentReview = "document_review", "申请人依法提出规范性文件附带审查申请";
        Other = "other", "需要中止的其他情形";
    }
);

impl SuspensionGround {
    /// Art 41(5): after 60 days unresolved under items 1, 2 or 4, the case is terminated.
    pub fn has_sixty_day_limit(self) -> bool {
        matches!(
            self,
            Self::ApplicantDied | Self::Incapacity | Self::Dissolved
        )
    }
}

coded_enum!(
    /// 行政复议意见书 (Art 76) / 行政复议建议书.
    LetterKind, "kind", "文书类型" {
        Opinion = "opinion", "行政复议意见书";
        Suggestion = "suggestion", "行政复议建议书";
    }
);

coded_enum!(
    /// Deadlines the procedure keeps (`legal-rules.md` §1.3).
    DeadlineKind, "kind", "期限类型" {
        AcceptanceReview = "acceptance_review", "受理审查期限";
        Correction = "correction", "申请人补正期限";
        CopyToRespondent = "copy_to_respondent", "发送申请书副本期限";
        Decision = "decision", "复议决定期限";
        Performance = "performance", "履行期限";
        OpinionReply = "opinion_reply", "意见书反馈期限";
    }
);

coded_enum!(
    /// The steps of the procedure.
    Action, "action", "办理步骤" {
        Accept = "accept", "受理";
        Refuse = "refuse", "不予受理";
        RequestCorrection = "request_correction", "通知补正";
        ReceiveCorrection = "receive_correction", "收到补正材料";
        Abandon = "abandon", "视为放弃申请";
        DeemAccept = "deem_accept", "视为受理";
        SendCopy = "send_copy", "发送申请书副本";
        ConvertToOrdinary = "convert_to_ordinary", "简易程序转普通程序";
        ScheduleHearing = "schedule_hearing", "安排听证";
        RecordHearing = "record_hearing", "记录听证";
        Suspend = "suspend", "中止审理";
        Resume = "resume", "恢复审理";
        Extend = "extend", "延长审理期限";
        Decide = "decide", "作出复议决定";
        Mediate = "mediate", "调解结案";
        Terminate = "terminate", "终止审理";
        IssueLetter = "issue_letter", "制发意见书/建议书";
        RecordOpinionReply = "record_opinion_reply", "登记意见书反馈";
        RecordPerformance = "record_performance", "登记履行情况";
        RecordLitigation = "record_litigation", "登记复议后起诉";
    }
);

/// The one transition table. Returns the status after `action`, or an error naming both.
pub fn transition(from: Status, action: Action) -> DomainResult<Status> {
    use Action as A;
    use Status as S;
    let to = match (from, action) {
        (S::Received, A::Accept | A::DeemAccept) => S::UnderReview,
        (S::Received, A::Refuse) => S::NotAccepted,
        (S::Received, A::RequestCorrection) => S::CorrectionRequested,
        (S::CorrectionRequested, A::ReceiveCorrection) => S::Received,
        (S::CorrectionRequested, A::Abandon) => S::Abandoned,
        (
            S::UnderReview,
            A::SendCopy | A::ConvertToOrdinary | A::ScheduleHearing | A::RecordHearing | A::Extend,
        ) => S::UnderReview,
        (S::UnderReview, A::Suspend) => S::Suspended,
        (S::Suspended, A::Resume) => S::UnderReview,
        (S::UnderReview, A::Decide) => S::Decided,
        (S::UnderReview, A::Mediate) => S::Mediated,
        (S::UnderReview | S::Suspended, A::Terminate) => S::Terminated,
        (
            s @ (S::UnderReview | S::Suspended | S::Decided | S::Mediated | S::Terminated),
            A::IssueLetter | A::RecordOpinionReply,
        ) => s,
        (s @ (S::Decided | S::Mediated), A::RecordPerformance) => s,
        (s @ (S::Decided | S::NotAccepted | S::Terminated), A::RecordLitigation) => s,
        _ => return Err(crate::procedure::illegal_transition(from, action)),
    };
    Ok(to)
}

/// The steps allowed from a status (for buttons on the detail page).
pub fn allowed_actions(from: Status) -> Vec<Action> {
    crate::procedure::allowed(Action::ALL, from, transition)
}

/// Configurable rules, with the defaults `legal-rules.md` recommends. Every UNCONFIRMED point of
/// §13 item 3–4 that touches this module is a switch here (see docs/configuration.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// Whether 确认无效 counts as 纠错 (UNCONFIRMED; default yes).
    pub confirm_void_is_correction: bool,
    /// Whether suspension (中止) time is excluded from the decision period (UNCONFIRMED; default yes).
    pub suspension_pauses_decision: bool,
    /// Period for performance after 撤销/责令履行 when the decision sets none (复议条例 Art 49: 60).
    pub performance_days: u32,
    /// After converting 简易 → 普通: the decision period becomes 60 days from acceptance
    /// (UNCONFIRMED; default yes). If false, the 30-day clock is kept.
    pub conversion_restarts_as_ordinary: bool,
    /// The decisions after which the organ is co-defendant in the applicant's lawsuit (行政诉讼法
    /// 第二十六条第二款): see [`organ_is_co_defendant`] and docs/configuration.md.
    pub co_defendant_decisions: Vec<CoDefendantDecision>,
}

impl Default for Rules {
    fn default() -> Self {
        use CoDefendantDecision as C;
        Self {
            confirm_void_is_correction: true,
            suspension_pauses_decision: true,
            performance_days: 60,
            conversion_restarts_as_ordinary: true,
            co_defendant_decisions: vec![
                C::Decision(DecisionType::Maintain),
                C::Decision(DecisionType::RejectClaim),
                C::Decision(DecisionType::PartialRevoke),
                C::Decision(DecisionType::PartialChange),
                C::ConfirmIllegalProcedural,
            ],
        }
    }
}

/// An entry of `reconsideration.co_defendant_decisions`: a decision type by its code, or
/// `confirm_illegal_procedural` — 确认违法 on the ground of a violation of statutory procedure
/// (行诉解释第二十二条第三款), which the law does not count as a change of the act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoDefendantDecision {
    Decision(DecisionType),
    ConfirmIllegalProcedural,
}

const CONFIRM_ILLEGAL_PROCEDURAL: &str = "confirm_illegal_procedural";

impl CoDefendantDecision {
    pub fn code(self) -> &'static str {
        match self {
            Self::Decision(t) => t.code(),
            Self::ConfirmIllegalProcedural => CONFIRM_ILLEGAL_PROCEDURAL,
        }
    }
}

impl Serialize for CoDefendantDecision {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for CoDefendantDecision {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        if code == CONFIRM_ILLEGAL_PROCEDURAL {
            return Ok(Self::ConfirmIllegalProcedural);
        }
        DecisionType::ALL
            .iter()
            .find(|t| t.code() == code)
            .map(|t| Self::Decision(*t))
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown decision \"{code}\" (a decision type code or \"{CONFIRM_ILLEGAL_PROCEDURAL}\")"
                ))
            })
    }
}

/// Whether the reconsideration organ is co-defendant in a lawsuit against an act it decided on
/// (复议后起诉). 行政诉讼法第二十六条第二款: when the organ maintained the act, the original agency and
/// the organ are co-defendants; 行诉解释第一百三十三条 counts 驳回复议请求 as maintaining, but not a
/// rejection because the application did not meet the acceptance conditions (驳回复议申请);
/// 行诉解释第二十二条 counts as a change only a change of the act's result, and not 确认违法 on
/// procedural grounds; 行诉解释第一百三十四条 makes both co-defendants, also when the decision
/// maintains part of the act and changes another part (部分撤销, 部分变更). Which decisions count is
/// the setting `co_defendant_decisions` (legal-rules.md records only Art 26(2) and Art 133; the
/// rest is to be confirmed by the bureau); listing `confirm_illegal` covers 确认违法 on any ground.
pub fn organ_is_co_defendant(decision: DecisionType, procedural: bool, rules: &Rules) -> bool {
    let listed = |c| rules.co_defendant_decisions.contains(&c);
    listed(CoDefendantDecision::Decision(decision))
        || (decision == DecisionType::ConfirmIllegal
            && procedural
            && listed(CoDefendantDecision::ConfirmIllegalProcedural))
}

/// Period, unit, start event and legal basis of each deadline.
pub fn deadline_rule(
    kind: DeadlineKind,
    procedure: Option<Procedure>,
    rules: &Rules,
) -> (u32, PeriodUnit, &'static str, &'static str) {
    use DeadlineKind as K;
    use PeriodUnit::*;
    let simplified = procedure == Some(Procedure::Simplified);
    match kind {
        K::AcceptanceReview => (
            5,
            WorkingDays,
            "收到行政复议申请之日",
            "《行政复议法》第三十条、第八十八条第二款",
        ),
        K::Correction => (
            10,
            WorkingDays,
            "申请人收到补正通知之日",
            "《行政复议法》第三十一条",
        ),
        K::CopyToRespondent if simplified => {
            (3, WorkingDays, "受理之日", "《行政复议法》第五十四条")
        }
        K::CopyToRespondent => (7, WorkingDays, "受理之日", "《行政复议法》第四十八条"),
        K::Decision if simplified => (
            30,
            CalendarDays,
            "受理之日",
            "《行政复议法》第六十二条第二款",
        ),
        K::Decision => (
            60,
            CalendarDays,
            "受理之日",
            "《行政复议法》第六十二条第一款",
        ),
        K::Performance => (
            rules.performance_days,
            CalendarDays,
            "复议决定送达之日",
            "《行政复议法实施条例》第四十九条（可配置）",
        ),
        K::OpinionReply => (
            60,
            CalendarDays,
            "收到行政复议意见书之日",
            "《行政复议法》第七十六条",
        ),
    }
}

/// What a clerk enters for a step, parsed and validated. Dates are the dates of the legal event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Step {
    Accept {
        date: NaiveDate,
        procedure: Procedure,
        handler: Option<String>,
    },
    Refuse {
        date: NaiveDate,
        reason: String,
        legal_ground: String,
    },
    RequestCorrection {
        date: NaiveDate,
        items: String,
    },
    ReceiveCorrection {
        date: NaiveDate,
    },
    Abandon {
        date: NaiveDate,
    },
    DeemAccept {
        date: NaiveDate,
        procedure: Procedure,
    },
    SendCopy {
        date: NaiveDate,
    },
    ConvertToOrdinary {
        date: NaiveDate,
        approved_by: String,
    },
    ScheduleHearing {
        date: NaiveDate,
        hearing_date: NaiveDate,
        place: String,
    },
    RecordHearing {
        date: NaiveDate,
        notes: Option<String>,
        respondent: HearingRespondent,
    },
    Suspend {
        date: NaiveDate,
        ground: SuspensionGround,
    },
    Resume {
        date: NaiveDate,
    },
    Extend {
        date: NaiveDate,
        days: u32,
        approved_by: String,
        reason: String,
    },
    Decide {
        date: NaiveDate,
        decision_type: DecisionType,
        /// 确认违法 on the ground of a violation of statutory procedure (以违反法定程序为由,
        /// 行诉解释第二十二条第三款): only with `ConfirmIllegal`.
        #[serde(default)]
        procedural_ground: bool,
        requires_performance: bool,
        summary: Option<String>,
    },
    Mediate {
        date: NaiveDate,
        requires_performance: bool,
        summary: Option<String>,
    },
    Terminate {
        date: NaiveDate,
        reason: TerminationReason,
    },
    IssueLetter {
        date: NaiveDate,
        kind: LetterKind,
        addressee: String,
        summary: Option<String>,
    },
    RecordOpinionReply {
        date: NaiveDate,
        notes: Option<String>,
    },
    RecordPerformance {
        date: NaiveDate,
        performed: bool,
        notes: Option<String>,
    },
    RecordLitigation {
        date: NaiveDate,
        court: Option<String>,
    },
}

/// Who attended a hearing for the respondent (行政复议法第五十一条第二款: 被申请人的负责人应当参加听证；
/// 不能参加的，应当说明理由并委托相应的工作人员参加).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HearingRespondent {
    /// The respondent's head attended.
    Head { name: String, post: String },
    /// The head did not attend: the reason given and the staff delegated.
    Delegated { reason: String, delegate: String },
}

impl HearingRespondent {
    fn parse(f: &Fields) -> DomainResult<Self> {
        let text = |k: &str, label: &str, max| required_text(get(f, k), k, label, max);
        let attended = match get(f, "head_attended").trim() {
            "" => {
                return Err(DomainError::required(
                    "head_attended",
                    "被申请人负责人是否参加听证",
                ))
            }
            s => parse_yes_no(s, "head_attended", "被申请人负责人是否参加听证", false)?,
        };
        Ok(if attended {
            Self::Head {
                name: text("head_name", "参加听证的被申请人负责人姓名", 50)?,
                post: text("head_post", "参加听证的被申请人负责人职务", 50)?,
            }
        } else {
            Self::Delegated {
                reason: text(
                    "head_absence_reason",
                    "被申请人负责人不能参加听证的理由（《行政复议法》第五十一条第二款）",
                    500,
                )?,
                delegate: text(
                    "head_delegate",
                    "被申请人委托参加听证的工作人员（《行政复议法》第五十一条第二款）",
                    100,
                )?,
            }
        })
    }

    pub fn head_attended(&self) -> bool {
        matches!(self, Self::Head { .. })
    }
}

/// The earliest hearing date for a notice given on `notice`: the written notice must reach the
/// parties at least five working days before the hearing (行政复议法第五十一条; 第八十八条第二款:
/// "五日" in this law are working days). Counted as a deadline on the platform's calendar — the
/// fifth working day after the notice — so a provisional year gives a provisional date.
pub fn earliest_hearing_date(
    notice: NaiveDate,
    cal: &crate::calendar::HolidayCalendar,
) -> DomainResult<crate::deadline::Computed> {
    crate::deadline::Clock::new(
        notice,
        "听证通知之日",
        5,
        PeriodUnit::WorkingDays,
        "《行政复议法》第五十一条、第八十八条第二款",
    )
    .compute(cal)
}

/// Refuses a hearing set less than five working days after its notice (行政复议法第五十一条,
/// 第八十八条第二款), naming `hearing_date` and the earliest allowed date.
pub fn check_hearing_notice(
    notice: NaiveDate,
    hearing_date: NaiveDate,
    cal: &crate::calendar::HolidayCalendar,
) -> DomainResult<()> {
    let earliest = earliest_hearing_date(notice, cal)?;
    match earliest.due {
        Some(e) if hearing_date < e => Err(DomainError::field(
            "hearing_notice_too_short",
            "hearing_date",
            format!(
                "听证日期不得早于{}{}：听证通知应当在举行听证的五个工作日前送达当事人（《行政复议法》第五十一条、第八十八条第二款）",
                crate::calendar::format_date_cn(e),
                if earliest.provisional { "（按暂定节假日计算）" } else { "" }
            ),
        )),
        _ => Ok(()),
    }
}

use crate::fields::{get, or_default, parse_bool, parse_yes_no};
pub use crate::fields::{parse_date, Fields};
pub use crate::party::{Party, PartyKind, PartyRole};

impl Step {
    pub fn action(&self) -> Action {
        match self {
            Self::Accept { .. } => Action::Accept,
            Self::Refuse { .. } => Action::Refuse,
            Self::RequestCorrection { .. } => Action::RequestCorrection,
            Self::ReceiveCorrection { .. } => Action::ReceiveCorrection,
            Self::Abandon { .. } => Action::Abandon,
            Self::DeemAccept { .. } => Action::DeemAccept,
            Self::SendCopy { .. } => Action::SendCopy,
            Self::ConvertToOrdinary { .. } => Action::ConvertToOrdinary,
            Self::ScheduleHearing { .. } => Action::ScheduleHearing,
            Self::RecordHearing { .. } => Action::RecordHearing,
            Self::Suspend { .. } => Action::Suspend,
            Self::Resume { .. } => Action::Resume,
            Self::Extend { .. } => Action::Extend,
            Self::Decide { .. } => Action::Decide,
            Self::Mediate { .. } => Action::Mediate,
            Self::Terminate { .. } => Action::Terminate,
            Self::IssueLetter { .. } => Action::IssueLetter,
            Self::RecordOpinionReply { .. } => Action::RecordOpinionReply,
            Self::RecordPerformance { .. } => Action::RecordPerformance,
            Self::RecordLitigation { .. } => Action::RecordLitigation,
        }
    }

    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Accept { date, .. }
            | Self::Refuse { date, .. }
            | Self::RequestCorrection { date, .. }
            | Self::ReceiveCorrection { date }
            | Self::Abandon { date }
            | Self::DeemAccept { date, .. }
            | Self::SendCopy { date }
            | Self::ConvertToOrdinary { date, .. }
            | Self::ScheduleHearing { date, .. }
            | Self::RecordHearing { date, .. }
            | Self::Suspend { date, .. }
            | Self::Resume { date }
            | Self::Extend { date, .. }
            | Self::Decide { date, .. }
            | Self::Mediate { date, .. }
            | Self::Terminate { date, .. }
            | Self::IssueLetter { date, .. }
            | Self::RecordOpinionReply { date, .. }
            | Self::RecordPerformance { date, .. }
            | Self::RecordLitigation { date, .. } => *date,
        }
    }

    /// Parses the fields of a step form. Field names are the API's; errors name them in Chinese.
    pub fn parse(action: Action, f: &Fields) -> DomainResult<Self> {
        let date = |label: &str| parse_date(get(f, "date"), "date", label);
        let text = |k: &str, label: &str, max| required_text(get(f, k), k, label, max);
        let opt = |k: &str, label: &str, max| optional_text(get(f, k), k, label, max);
        Ok(match action {
            Action::Accept => Self::Accept {
                date: date("受理日期")?,
                procedure: Procedure::parse(or_default(get(f, "procedure"), "ordinary"))?,
                handler: opt("handler", "承办人", 50)?,
            },
            Action::Refuse => Self::Refuse {
                date: date("不予受理决定日期")?,
                reason: text("reason", "不予受理理由", 1000)?,
                legal_ground: text("legal_ground", "法律依据", 200)?,
            },
            Action::RequestCorrection => Self::RequestCorrection {
                date: date("补正通知送达日期")?,
                items: text("items", "补正事项", 1000)?,
            },
            Action::ReceiveCorrection => Self::ReceiveCorrection {
                date: date("收到补正材料日期")?,
            },
            Action::Abandon => Self::Abandon {
                date: date("视为放弃日期")?,
            },
            Action::DeemAccept => Self::DeemAccept {
                date: date("视为受理日期")?,
                procedure: Procedure::parse(or_default(get(f, "procedure"), "ordinary"))?,
            },
            Action::SendCopy => Self::SendCopy {
                date: date("发送日期")?,
            },
            Action::ConvertToOrdinary => Self::ConvertToOrdinary {
                date: date("转换日期")?,
                approved_by: text("approved_by", "批准人", 50)?,
            },
            Action::ScheduleHearing => Self::ScheduleHearing {
                date: date("听证通知日期")?,
                hearing_date: parse_date(get(f, "hearing_date"), "hearing_date", "听证日期")?,
                place: text("place", "听证地点", 200)?,
            },
            Action::RecordHearing => Self::RecordHearing {
                date: date("听证日期")?,
                notes: opt("notes", "听证情况", 2000)?,
                respondent: HearingRespondent::parse(f)?,
            },
            Action::Suspend => Self::Suspend {
                date: date("中止日期")?,
                ground: SuspensionGround::parse(get(f, "ground"))?,
            },
            Action::Resume => Self::Resume {
                date: date("恢复审理日期")?,
            },
            Action::Extend => Self::Extend {
                date: date("延期决定日期")?,
                days: parse_days(get(f, "days"))?,
                approved_by: text("approved_by", "批准人（复议机构负责人）", 50)?,
                reason: text("reason", "延期理由", 500)?,
            },
            Action::Decide => {
                let decision_type = DecisionType::parse(get(f, "decision_type"))?;
                let rp = f.get("requires_performance").map(|s| parse_bool(s));
                let procedural_ground = parse_yes_no(
                    get(f, "procedural_ground"),
                    "procedural_ground",
                    "是否以违反法定程序为由确认违法",
                    false,
                )?;
                if procedural_ground && decision_type != DecisionType::ConfirmIllegal {
                    return Err(DomainError::field(
                        "invalid_option",
                        "procedural_ground",
                        "只有确认违法决定才能注明“以违反法定程序为由”",
                    ));
                }
                Self::Decide {
                    date: date("决定日期")?,
                    decision_type,
                    procedural_ground,
                    requires_performance: rp
                        .unwrap_or_else(|| decision_type.usually_requires_performance()),
                    summary: opt("summary", "决定摘要", 2000)?,
                }
            }
            Action::Mediate => Self::Mediate {
                date: date("调解书生效日期")?,
                requires_performance: f.get("requires_performance").is_some_and(|s| parse_bool(s)),
                summary: opt("summary", "调解协议内容", 2000)?,
            },
            Action::Terminate => Self::Terminate {
                date: date("终止日期")?,
                reason: TerminationReason::parse(get(f, "reason"))?,
            },
            Action::IssueLetter => Self::IssueLetter {
                date: date("制发日期")?,
                kind: LetterKind::parse(get(f, "kind"))?,
                addressee: text("addressee", "主送单位", 100)?,
                summary: opt("summary", "主要内容", 2000)?,
            },
            Action::RecordOpinionReply => Self::RecordOpinionReply {
                date: date("收到反馈日期")?,
                notes: opt("notes", "整改情况", 1000)?,
            },
            Action::RecordPerformance => Self::RecordPerformance {
                date: date("履行日期")?,
                performed: parse_bool(or_default(get(f, "performed"), "1")),
                notes: opt("notes", "履行情况", 1000)?,
            },
            Action::RecordLitigation => Self::RecordLitigation {
                date: date("起诉日期")?,
                court: opt("court", "受理法院", 100)?,
            },
        })
    }
}

fn parse_days(s: &str) -> DomainResult<u32> {
    let n: u32 = s
        .trim()
        .parse()
        .map_err(|_| DomainError::field("invalid_number", "days", "延长天数应为1至30的整数"))?;
    if !(1..=30).contains(&n) {
        return Err(DomainError::field(
            "invalid_number",
            "days",
            "延长天数应为1至30的整数（《行政复议法》第六十二条）",
        ));
    }
    Ok(n)
}

/// What the procedure needs to know about a case to take a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub status: Status,
    pub procedure: Option<Procedure>,
    pub received_date: NaiveDate,
    /// Date of the latest step; a new step may not be dated before it.
    pub last_event_date: NaiveDate,
    pub extended: bool,
    pub requires_performance: bool,
    /// Due date of the open acceptance review, for 视为受理.
    pub acceptance_due: Option<NaiveDate>,
    /// Whether an 意见书 awaits its reply (Art 76).
    pub opinion_reply_open: bool,
}

/// A change to one of this module's deadlines.
pub type Effect = crate::deadline::Effect<DeadlineKind>;

/// Changes to the case row a step causes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseChanges {
    pub procedure: Option<Procedure>,
    pub accepted_date: Option<NaiveDate>,
    pub concluded_date: Option<NaiveDate>,
    pub decision_type: Option<DecisionType>,
    /// With a decision: whether it is 确认违法 on procedural grounds.
    pub procedural_ground: Option<bool>,
    pub termination_reason: Option<TerminationReason>,
    pub requires_performance: Option<bool>,
    pub performed: Option<bool>,
    pub litigation_date: Option<NaiveDate>,
    pub extended: Option<bool>,
    pub hearing_held: bool,
    pub letter_issued: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub changes: CaseChanges,
    pub effects: Vec<Effect>,
}

/// A refusal (Art 30(2)) or a request for correction (Art 31(1)) is made within the review
/// period; after it the application is deemed accepted (Art 30(3)) and neither may follow.
fn review_still_open(facts: &CaseFacts, date: NaiveDate, what: &str) -> DomainResult<()> {
    match facts.acceptance_due {
        Some(due) if date > due => Err(DomainError::field(
            "review_period_over",
            "date",
            format!(
                "受理审查期限已于{}届满，申请依法视为受理（行政复议法第三十条第三款），不能再{}；请办理受理",
                crate::calendar::format_date_cn(due),
                what
            ),
        )),
        _ => Ok(()),
    }
}

/// Takes one step: checks it is allowed from the case's status and that its dates make sense,
/// and returns the new status, the changes to the case and the deadline effects.
pub fn apply(
    facts: &CaseFacts,
    step: &Step,
    today: NaiveDate,
    rules: &Rules,
) -> DomainResult<Outcome> {
    let status = transition(facts.status, step.action())?;
    let date = step.date();
    crate::procedure::check_step_date(date, today, facts.last_event_date)?;
    use DeadlineKind as K;
    let mut ch = CaseChanges::default();
    let mut fx = Vec::new();
    match step {
        Step::Accept {
            date, procedure, ..
        }
        | Step::DeemAccept { date, procedure } => {
            if let Step::DeemAccept { .. } = step {
                // Art 30(3): acceptance is deemed on the day the review period expires.
                match facts.acceptance_due {
                    Some(due) if *date == due => {}
                    Some(due) => {
                        return Err(DomainError::field(
                            "not_deemed_accepted",
                            "date",
                            format!(
                                "视为受理日期应为受理审查期限届满之日（{}）",
                                crate::calendar::format_date_cn(due)
                            ),
                        ))
                    }
                    None => {
                        return Err(DomainError::field(
                            "not_deemed_accepted",
                            "date",
                            "受理审查期限尚未确定，不能视为受理",
                        ))
                    }
                }
            }
            // Art 30(3): an application not decided on within the review period is accepted on
            // the day the period ends; a later acceptance records that day, and the decision
            // and the copy to the respondent run from it, not from the late date.
            let accepted = match facts.acceptance_due {
                Some(due) if *date > due => due,
                _ => *date,
            };
            ch.procedure = Some(*procedure);
            ch.accepted_date = Some(accepted);
            fx.push(Effect::Complete {
                kind: K::AcceptanceReview,
                date: *date,
            });
            fx.push(Effect::Open {
                kind: K::Decision,
                start: accepted,
            });
            fx.push(Effect::Open {
                kind: K::CopyToRespondent,
                start: accepted,
            });
        }
        Step::Refuse { date, .. } => {
            review_still_open(facts, *date, "作出不予受理决定")?;
            fx.push(Effect::Complete {
                kind: K::AcceptanceReview,
                date: *date,
            })
        }
        Step::RequestCorrection { date, .. } => {
            review_still_open(facts, *date, "通知补正")?;
            fx.push(Effect::Complete {
                kind: K::AcceptanceReview,
                date: *date,
            });
            fx.push(Effect::Open {
                kind: K::Correction,
                start: *date,
            });
        }
        Step::ReceiveCorrection { date } => {
            // The review clock restarts on receipt of the materials (Art 31).
            fx.push(Effect::Complete {
                kind: K::Correction,
                date: *date,
            });
            fx.push(Effect::Open {
                kind: K::AcceptanceReview,
                start: *date,
            });
        }
        Step::Abandon { date } => fx.push(Effect::Complete {
            kind: K::Correction,
            date: *date,
        }),
        Step::SendCopy { date } => fx.push(Effect::Complete {
            kind: K::CopyToRespondent,
            date: *date,
        }),
        Step::ConvertToOrdinary { .. } => {
            if facts.procedure != Some(Procedure::Simplified) {
                return Err(DomainError::field(
                    "not_simplified",
                    "action",
                    "只有适用简易程序的案件才能转为普通程序",
                ));
            }
            ch.procedure = Some(Procedure::Ordinary);
            if rules.conversion_restarts_as_ordinary {
                let (count, _, _, basis) =
                    deadline_rule(K::Decision, Some(Procedure::Ordinary), rules);
                fx.push(Effect::Retime {
                    kind: K::Decision,
                    count,
                    basis: basis.into(),
                });
            }
        }
        // The notice period needs the calendar: [`check_hearing_notice`].
        Step::ScheduleHearing { .. } => {}
        Step::RecordHearing { .. } => ch.hearing_held = true,
        Step::Suspend { date, ground } => {
            if rules.suspension_pauses_decision {
                fx.push(Effect::Pause {
                    kind: K::Decision,
                    from: *date,
                    reason: format!("中止（{}）", ground.label()),
                });
            }
        }
        Step::Resume { date } => {
            if rules.suspension_pauses_decision {
                fx.push(Effect::Resume {
                    kind: K::Decision,
                    date: *date,
                });
            }
        }
        Step::Extend {
            days,
            approved_by,
            reason,
            ..
        } => {
            if facts.procedure != Some(Procedure::Ordinary) {
                return Err(DomainError::field(
                    "extension_not_allowed",
                    "action",
                    "简易程序案件不能延长审理期限（《行政复议法》第六十二条）",
                ));
            }
            if facts.extended {
                return Err(DomainError::field(
                    "extension_not_allowed",
                    "days",
                    "审理期限已经延长过，不能再次延长",
                ));
            }
            ch.extended = Some(true);
            fx.push(Effect::Extend {
                kind: K::Decision,
                count: *days,
                approved_by: approved_by.clone(),
                reason: reason.clone(),
            });
        }
        Step::Decide {
            date,
            decision_type,
            procedural_ground,
            requires_performance,
            ..
        } => {
            ch.concluded_date = Some(*date);
            ch.decision_type = Some(*decision_type);
            ch.procedural_ground = Some(*procedural_ground);
            ch.requires_performance = Some(*requires_performance);
            fx.push(Effect::Complete {
                kind: K::Decision,
                date: *date,
            });
            fx.push(Effect::Complete {
                kind: K::CopyToRespondent,
                date: *date,
            });
            if *requires_performance {
                fx.push(Effect::Open {
                    kind: K::Performance,
                    start: *date,
                });
            }
        }
        Step::Mediate {
            date,
            requires_performance,
            ..
        } => {
            ch.concluded_date = Some(*date);
            ch.requires_performance = Some(*requires_performance);
            fx.push(Effect::Complete {
                kind: K::Decision,
                date: *date,
            });
            fx.push(Effect::Complete {
                kind: K::CopyToRespondent,
                date: *date,
            });
            if *requires_performance {
                fx.push(Effect::Open {
                    kind: K::Performance,
                    start: *date,
                });
            }
        }
        Step::Terminate { date, reason } => {
            ch.concluded_date = Some(*date);
            ch.termination_reason = Some(*reason);
            if facts.status == Status::Suspended && rules.suspension_pauses_decision {
                fx.push(Effect::Resume {
                    kind: K::Decision,
                    date: *date,
                });
            }
            fx.push(Effect::Complete {
                kind: K::Decision,
                date: *date,
            });
            fx.push(Effect::Complete {
                kind: K::CopyToRespondent,
                date: *date,
            });
        }
        Step::IssueLetter { date, kind, .. } => {
            ch.letter_issued = true;
            if *kind == LetterKind::Opinion {
                fx.push(Effect::Open {
                    kind: K::OpinionReply,
                    start: *date,
                });
            }
        }
        Step::RecordOpinionReply { date, .. } => {
            if !facts.opinion_reply_open {
                return Err(DomainError::field(
                    "no_opinion_pending",
                    "action",
                    "该案件没有待反馈的行政复议意见书",
                ));
            }
            fx.push(Effect::Complete {
                kind: K::OpinionReply,
                date: *date,
            });
        }
        Step::RecordPerformance {
            date, performed, ..
        } => {
            if !facts.requires_performance {
                return Err(DomainError::field(
                    "no_performance_required",
                    "action",
                    "该案件的决定不涉及履行，无需登记履行情况",
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
        Step::RecordLitigation { date, .. } => ch.litigation_date = Some(*date),
    }
    Ok(Outcome {
        status,
        changes: ch,
        effects: fx,
    })
}

/// A new application (行政复议申请) as registered, validated (Arts 14–22).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub received_date: NaiveDate,
    pub channel: Channel,
    /// The respondent agency (被申请人), a unit of the jurisdiction, by id.
    pub respondent_unit_id: i64,
    /// The administrative act under review (被申请复议的行政行为).
    pub act_name: String,
    pub act_doc_no: Option<String>,
    pub act_date: NaiveDate,
    /// The request (复议请求).
    pub request: String,
    pub parties: Vec<Party>,
}

impl Application {
    /// Parses the registration form: one applicant (required), an agent and a third party
    /// (optional). Checks that no date is in the future and that the act precedes receipt.
    pub fn parse(f: &Fields, today: NaiveDate) -> DomainResult<Self> {
        let received_date = parse_date(get(f, "received_date"), "received_date", "收到申请日期")?;
        if received_date > today {
            return Err(DomainError::field(
                "date_in_future",
                "received_date",
                "收到申请日期不能晚于今天",
            ));
        }
        let act_date = parse_date(get(f, "act_date"), "act_date", "行政行为作出日期")?;
        if act_date > received_date {
            return Err(DomainError::field(
                "date_order",
                "act_date",
                "行政行为作出日期不能晚于收到申请日期",
            ));
        }
        let channel = Channel::parse(get(f, "channel")).map_err(|e| DomainError {
            field: Some("channel".into()),
            ..e
        })?;
        let respondent_unit_id = crate::fields::parse_id(f, "respondent_unit_id", "被申请人")?;
        let act_name = required_text(get(f, "act_name"), "act_name", "被申请复议的行政行为", 200)?;
        let act_doc_no = optional_text(get(f, "act_doc_no"), "act_doc_no", "行政行为文书号", 100)?;
        let request = required_text(get(f, "request"), "request", "行政复议请求", 2000)?;
        let mut parties = Vec::new();
        parties.extend(Party::parse(PartyRole::Applicant, "applicant", f, true)?);
        parties.extend(Party::parse(PartyRole::Agent, "agent", f, false)?);
        parties.extend(Party::parse(
            PartyRole::ThirdParty,
            "third_party",
            f,
            false,
        )?);
        Ok(Self {
            received_date,
            channel,
            respondent_unit_id,
            act_name,
            act_doc_no,
            act_date,
            request,
            parties,
        })
    }

    pub fn applicant_names(&self) -> String {
        crate::party::names(&self.parties, PartyRole::Applicant)
    }
}

/// A case number in the usual form: 示例复〔2024〕12号. The prefix is the organ's short name and
/// the character 复; the number is unique per year and organ and never reused.
pub fn format_case_no(prefix: &str, year: i32, seq: i64) -> String {
    format!("{prefix}〔{year}〕{seq}号")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(status: Status) -> CaseFacts {
        CaseFacts {
            status,
            procedure: Some(Procedure::Ordinary),
            received_date: d("2024-03-01"),
            last_event_date: d("2024-03-01"),
            extended: false,
            requires_performance: false,
            acceptance_due: Some(d("2024-03-08")),
            opinion_reply_open: false,
        }
    }

    #[test]
    fn illegal_step_names_state_and_step() {
        let e = transition(Status::Decided, Action::Accept).unwrap_err();
        assert_eq!(e.code, "illegal_transition");
        assert_eq!(e.message, "当前状态为“已决定”，不能执行“受理”");
    }

    #[test]
    fn every_status_has_a_way_forward_or_is_closed() {
        for s in Status::ALL {
            assert!(s.is_closed() || !allowed_actions(*s).is_empty(), "{s:?}");
        }
        assert!(allowed_actions(Status::Abandoned).is_empty());
    }

    #[test]
    fn accept_opens_decision_clock() {
        let step = Step::Accept {
            date: d("2024-03-05"),
            procedure: Procedure::Simplified,
            handler: None,
        };
        let o = apply(
            &facts(Status::Received),
            &step,
            d("2024-12-31"),
            &Rules::default(),
        )
        .unwrap();
        assert_eq!(o.status, Status::UnderReview);
        assert!(o.effects.contains(&Effect::Open {
            kind: DeadlineKind::Decision,
            start: d("2024-03-05")
        }));
        assert_eq!(
            deadline_rule(
                DeadlineKind::Decision,
                Some(Procedure::Simplified),
                &Rules::default()
            )
            .0,
            30
        );
    }

    /// 行政复议法第三十条第三款: received 2024-03-01, review due 03-08, accepted 03-20 — the case
    /// is accepted on 03-08 and the 60-day decision period runs from it (due 05-07, not 05-20);
    /// 第三十条第二款, 第三十一条第一款: no refusal and no request for correction after 03-08.
    #[test]
    fn a_late_acceptance_counts_from_the_end_of_the_review_period() {
        let f = facts(Status::Received);
        let late = Step::Accept {
            date: d("2024-03-20"),
            procedure: Procedure::Ordinary,
            handler: None,
        };
        let o = apply(&f, &late, d("2024-12-31"), &Rules::default()).unwrap();
        assert_eq!(o.changes.accepted_date, Some(d("2024-03-08")));
        assert!(o.effects.contains(&Effect::Open {
            kind: DeadlineKind::Decision,
            start: d("2024-03-08")
        }));
        assert!(o.effects.contains(&Effect::Open {
            kind: DeadlineKind::CopyToRespondent,
            start: d("2024-03-08")
        }));
        // The review itself is recorded as completed late, on the day it was.
        assert!(o.effects.contains(&Effect::Complete {
            kind: DeadlineKind::AcceptanceReview,
            date: d("2024-03-20")
        }));
        let cal = crate::calendar::HolidayCalendar::embedded();
        let (n, unit, event, basis) = deadline_rule(
            DeadlineKind::Decision,
            Some(Procedure::Ordinary),
            &Rules::default(),
        );
        let due = crate::deadline::Clock::new(d("2024-03-08"), event, n, unit, basis)
            .compute(&cal)
            .unwrap()
            .due;
        assert_eq!(due, Some(d("2024-05-07")));
        // On time, the acceptance date is the step's.
        let on_time = Step::Accept {
            date: d("2024-03-06"),
            procedure: Procedure::Ordinary,
            handler: None,
        };
        let o = apply(&f, &on_time, d("2024-12-31"), &Rules::default()).unwrap();
        assert_eq!(o.changes.accepted_date, Some(d("2024-03-06")));
        // A refusal or a request for correction after the period is refused.
        for late in [
            Step::Refuse {
                date: d("2024-03-11"),
                reason: "x".into(),
                legal_ground: "x".into(),
            },
            Step::RequestCorrection {
                date: d("2024-03-11"),
                items: "x".into(),
            },
        ] {
            let e = apply(&f, &late, d("2024-12-31"), &Rules::default()).unwrap_err();
            assert_eq!(e.code, "review_period_over", "{late:?}");
            assert!(e.message.contains("第三十条第三款"), "{}", e.message);
        }
    }

    #[test]
    fn dates_are_checked() {
        let step = Step::Accept {
            date: d("2024-02-01"),
            procedure: Procedure::Ordinary,
            handler: None,
        };
        assert_eq!(
            apply(
                &facts(Status::Received),
                &step,
                d("2024-12-31"),
                &Rules::default()
            )
            .unwrap_err()
            .code,
            "date_before_previous_step"
        );
        let step = Step::Accept {
            date: d("2025-02-01"),
            procedure: Procedure::Ordinary,
            handler: None,
        };
        assert_eq!(
            apply(
                &facts(Status::Received),
                &step,
                d("2024-12-31"),
                &Rules::default()
            )
            .unwrap_err()
            .code,
            "date_in_future"
        );
    }

    #[test]
    fn extension_only_once_and_only_ordinary() {
        let step = Step::Extend {
            date: d("2024-03-05"),
            days: 30,
            approved_by: "王五".into(),
            reason: "复杂".into(),
        };
        let mut f = facts(Status::UnderReview);
        assert!(apply(&f, &step, d("2024-12-31"), &Rules::default()).is_ok());
        f.extended = true;
        assert_eq!(
            apply(&f, &step, d("2024-12-31"), &Rules::default())
                .unwrap_err()
                .code,
            "extension_not_allowed"
        );
        f.extended = false;
        f.procedure = Some(Procedure::Simplified);
        assert_eq!(
            apply(&f, &step, d("2024-12-31"), &Rules::default())
                .unwrap_err()
                .code,
            "extension_not_allowed"
        );
    }

    #[test]
    fn deemed_acceptance_is_on_expiry_day() {
        let f = facts(Status::Received);
        let ok = Step::DeemAccept {
            date: d("2024-03-08"),
            procedure: Procedure::Ordinary,
        };
        assert!(apply(&f, &ok, d("2024-12-31"), &Rules::default()).is_ok());
        let bad = Step::DeemAccept {
            date: d("2024-03-07"),
            procedure: Procedure::Ordinary,
        };
        assert_eq!(
            apply(&f, &bad, d("2024-12-31"), &Rules::default())
                .unwrap_err()
                .code,
            "not_deemed_accepted"
        );
    }

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn valid_application() -> Fields {
        form(&[
            ("received_date", "2024-09-27"),
            ("channel", "窗口"),
            ("respondent_unit_id", "3"),
            ("act_name", "行政处罚决定"),
            ("act_date", "2024-09-01"),
            ("request", "撤销该处罚决定"),
            ("applicant_name", "张三"),
            ("applicant_id_number", "11010519491231002X"),
            ("applicant_phone", "13812345678"),
        ])
    }

    #[test]
    fn application_is_validated() {
        let today = d("2024-12-31");
        let a = Application::parse(&valid_application(), today).unwrap();
        assert_eq!(a.applicant_names(), "张三");
        assert_eq!(a.parties[0].masked_identity(), "1101**********002X");

        let mut f = valid_application();
        f.insert("applicant_id_number".into(), "110105194912310021".into());
        let e = Application::parse(&f, today).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            ("invalid_id_number", Some("applicant_id_number"))
        );
        assert!(e.message.starts_with("申请人身份证号码"), "{}", e.message);

        let mut f = valid_application();
        f.insert("applicant_kind".into(), "organisation".into());
        f.insert("applicant_credit_code".into(), "914403001922038217".into());
        assert_eq!(
            Application::parse(&f, today).unwrap_err().field.as_deref(),
            Some("applicant_credit_code")
        );

        let mut f = valid_application();
        f.insert("act_date".into(), "2024-10-01".into());
        assert_eq!(
            Application::parse(&f, today).unwrap_err().code,
            "date_order"
        );

        let e = Application::parse(&valid_application(), d("2024-09-26")).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            ("date_in_future", Some("received_date"))
        );

        let mut f = valid_application();
        f.insert("request".into(), "长".repeat(2001));
        assert_eq!(Application::parse(&f, today).unwrap_err().code, "too_long");
        assert_eq!(format_case_no("示例复", 2024, 12), "示例复〔2024〕12号");
    }

    #[test]
    fn opinion_reply_needs_an_open_opinion() {
        let step = Step::RecordOpinionReply {
            date: d("2024-05-01"),
            notes: None,
        };
        let mut f = facts(Status::Decided);
        assert_eq!(
            apply(&f, &step, d("2024-12-31"), &Rules::default())
                .unwrap_err()
                .code,
            "no_opinion_pending"
        );
        f.opinion_reply_open = true;
        let o = apply(&f, &step, d("2024-12-31"), &Rules::default()).unwrap();
        assert_eq!(
            o.effects,
            vec![Effect::Complete {
                kind: DeadlineKind::OpinionReply,
                date: d("2024-05-01")
            }]
        );
    }

    #[test]
    fn parse_names_the_field() {
        let mut f = Fields::new();
        f.insert("date".into(), "2024-13-01".into());
        let e = Step::parse(Action::Accept, &f).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), ("invalid_date", Some("date")));
        assert!(e.message.contains("受理日期"));
        f.insert("date".into(), "2024年3月5日".into());
        f.insert("decision_type".into(), "撤销".into());
        let s = Step::parse(Action::Decide, &f).unwrap();
        assert!(matches!(
            s,
            Step::Decide {
                requires_performance: true,
                decision_type: DecisionType::Revoke,
                ..
            }
        ));
        assert!(DecisionType::ConfirmVoid.is_correction(&Rules::default()));
        assert!(!DecisionType::Maintain.is_correction(&Rules::default()));
    }

    /// 行政复议法第五十一条 with 第八十八条第二款: the hearing notice at least five working days
    /// before the hearing. Notice on Friday 2024-09-27: 09-29 (a Sunday worked for 国庆), 09-30,
    /// then the 国庆 holiday 10-01 to 10-07, 10-08, 10-09 — four working days, refused — and
    /// 10-10, the fifth, allowed. The error names hearing_date and the earliest date.
    #[test]
    fn hearing_notice_at_least_five_working_days_art_51() {
        let cal = crate::calendar::HolidayCalendar::embedded();
        let e = check_hearing_notice(d("2024-09-27"), d("2024-10-09"), &cal).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            ("hearing_notice_too_short", Some("hearing_date"))
        );
        assert!(e.message.contains("2024年10月10日"), "{}", e.message);
        assert!(e.message.contains("第五十一条"), "{}", e.message);
        assert!(check_hearing_notice(d("2024-09-27"), d("2024-10-10"), &cal).is_ok());
        // Seven calendar days are not enough across a weekend: Wednesday 2024-03-06 to Wednesday
        // 03-13 holds five working days, Tuesday 03-12 only four.
        assert!(check_hearing_notice(d("2024-03-06"), d("2024-03-12"), &cal).is_err());
        assert!(check_hearing_notice(d("2024-03-06"), d("2024-03-13"), &cal).is_ok());
        // A hearing before its notice is refused the same way.
        assert!(check_hearing_notice(d("2024-03-06"), d("2024-03-01"), &cal).is_err());
    }

    /// The notice period is counted on a provisional year too (no State Council notice yet), and
    /// the refusal says the date is provisional.
    #[test]
    fn hearing_notice_on_a_provisional_year_art_51() {
        let cal = crate::calendar::HolidayCalendar::embedded().with_today(d("2026-12-04"));
        assert!(cal.is_provisional_year(2027));
        let earliest = earliest_hearing_date(d("2027-03-01"), &cal).unwrap();
        assert_eq!(earliest.due, Some(d("2027-03-08")));
        assert!(earliest.provisional);
        let e = check_hearing_notice(d("2027-03-01"), d("2027-03-05"), &cal).unwrap_err();
        assert!(
            e.message.contains("2027年3月8日") && e.message.contains("暂定"),
            "{}",
            e.message
        );
    }

    /// 行政复议法第五十一条第二款: the respondent's head attends the hearing (name and post), or the
    /// respondent gives the reason and names the staff it delegates — both required then.
    #[test]
    fn respondent_head_attends_or_gives_reason_and_delegate_art_51_2() {
        let parse = |pairs: &[(&str, &str)]| {
            let mut f = form(&[("date", "2024-05-10")]);
            f.extend(form(pairs));
            Step::parse(Action::RecordHearing, &f)
        };
        let field = |pairs: &[(&str, &str)]| parse(pairs).unwrap_err().field.unwrap();
        assert_eq!(field(&[]), "head_attended");
        assert_eq!(field(&[("head_attended", "1")]), "head_name");
        assert_eq!(
            field(&[("head_attended", "1"), ("head_name", "王东")]),
            "head_post"
        );
        assert_eq!(field(&[("head_attended", "0")]), "head_absence_reason");
        assert_eq!(
            field(&[
                ("head_attended", "0"),
                ("head_absence_reason", "参加防汛会议")
            ]),
            "head_delegate"
        );
        let s = parse(&[
            ("head_attended", "0"),
            ("head_absence_reason", "参加防汛会议"),
            ("head_delegate", "法制股股长 李四"),
        ])
        .unwrap();
        let Step::RecordHearing { respondent, .. } = &s else {
            panic!("{s:?}")
        };
        assert!(!respondent.head_attended());
        let s = parse(&[
            ("head_attended", "是"),
            ("head_name", "王东"),
            ("head_post", "副局长"),
        ])
        .unwrap();
        let o = apply(
            &facts(Status::UnderReview),
            &s,
            d("2024-12-31"),
            &Rules::default(),
        )
        .unwrap();
        assert!(o.changes.hearing_held);
    }

    /// 行政诉讼法第二十六条第二款; 行诉解释第二十二条、第一百三十三条、第一百三十四条: the organ is
    /// co-defendant after 维持, 驳回复议请求, 部分撤销, 部分变更 and 确认违法 on procedural grounds;
    /// not after 驳回复议申请 (the application did not meet the acceptance conditions), 撤销, 变更 or
    /// 确认违法 on other grounds. The list is a setting.
    #[test]
    fn co_defendant_decisions_art_26_and_interpretation_22_133_134() {
        use DecisionType as T;
        let rules = Rules::default();
        for t in [
            T::Maintain,
            T::RejectClaim,
            T::PartialRevoke,
            T::PartialChange,
        ] {
            assert!(organ_is_co_defendant(t, false, &rules), "{t:?}");
        }
        assert!(organ_is_co_defendant(T::ConfirmIllegal, true, &rules));
        for t in [
            T::RejectApplication,
            T::Revoke,
            T::Change,
            T::ConfirmIllegal,
            T::OrderPerform,
            T::ConfirmVoid,
        ] {
            assert!(!organ_is_co_defendant(t, false, &rules), "{t:?}");
        }
        // The setting, as docs/configuration.md shows it.
        let custom: Rules =
            toml::from_str("co_defendant_decisions = [\"maintain\", \"reject_claim\"]").unwrap();
        assert!(!organ_is_co_defendant(T::PartialRevoke, false, &custom));
        assert!(!organ_is_co_defendant(T::ConfirmIllegal, true, &custom));
        assert!(organ_is_co_defendant(T::Maintain, false, &custom));
        let all: Rules = toml::from_str("co_defendant_decisions = [\"confirm_illegal\"]").unwrap();
        assert!(organ_is_co_defendant(T::ConfirmIllegal, true, &all));
        assert!(organ_is_co_defendant(T::ConfirmIllegal, false, &all));
        let e = toml::from_str::<Rules>("co_defendant_decisions = [\"upheld\"]").unwrap_err();
        assert!(e.to_string().contains("upheld"), "{e}");
        // 部分变更 is a 纠错 like 变更.
        assert!(T::PartialChange.is_correction(&rules));
    }

    /// The procedural ground belongs to 确认违法 only (行诉解释第二十二条第三款).
    #[test]
    fn the_procedural_ground_is_for_confirm_illegal_only() {
        let mut f = form(&[
            ("date", "2024-05-10"),
            ("decision_type", "confirm_illegal"),
            ("procedural_ground", "1"),
        ]);
        let s = Step::parse(Action::Decide, &f).unwrap();
        let o = apply(
            &facts(Status::UnderReview),
            &s,
            d("2024-12-31"),
            &Rules::default(),
        )
        .unwrap();
        assert_eq!(o.changes.procedural_ground, Some(true));
        f.insert("decision_type".into(), "revoke".into());
        let e = Step::parse(Action::Decide, &f).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            ("invalid_option", Some("procedural_ground"))
        );
    }
}
