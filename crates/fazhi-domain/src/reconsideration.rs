//! 行政复议 — administrative reconsideration under the 2023 Administrative Reconsideration Law
//! (`legal-rules.md` §1).
//!
//! This module holds the whole procedure as data and pure functions, as the procedure kernel's
//! [`Reconsideration`] ([`crate::procedure::Procedure`]): the statuses, the steps a clerk can take
//! and the one description of each step's fields, the one transition table, the deadlines each
//! step opens, completes, pauses or extends (`apply`), and the outcome types with their 纠错 flag.
//! The application's kernel loads a case, calls `apply`, and stores what comes back.

use crate::deadline::PeriodUnit;
use crate::error::Code;
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
        Answer = "answer", "被申请人答复期限";
    }
);

coded_enum!(
    /// A document whose service (送达) or receipt starts a clock, for the step 登记送达日期: the
    /// respondent's receipt of the application copy starts the answer period (Arts 48, 54), the
    /// service of the decision the performance period (Art 75(2)), the addressee's receipt of an
    /// 意见书 its reply period (Art 76), the applicant's receipt of a 补正 notice the correction
    /// period (Art 31(2)).
    ServedDocument, "document", "送达的文书" {
        Copy = "copy", "行政复议申请书副本（被申请人收到）";
        Decision = "decision", "行政复议决定书";
        Opinion = "opinion", "行政复议意见书";
        CorrectionNotice = "correction_notice", "补正通知（申请人收到）";
    }
);

impl ServedDocument {
    /// The deadline that runs from this document's service.
    pub fn deadline(self) -> DeadlineKind {
        match self {
            Self::Copy => DeadlineKind::Answer,
            Self::Decision => DeadlineKind::Performance,
            Self::Opinion => DeadlineKind::OpinionReply,
            Self::CorrectionNotice => DeadlineKind::Correction,
        }
    }
}

/// 第七十条: what follows when the respondent's written answer is late or missing.
pub const ANSWER_LATE_NOTE: &str = "被申请人未在法定期限内提出书面答复、提交作出行政行为的证据、依据和其他有关材料：\
视为该行政行为没有证据、依据，行政复议机关决定撤销、部分撤销该行政行为、确认该行政行为违法、无效或者决定被申请人在一定期限内履行，\
但是行政行为涉及第三人合法权益，第三人提供证据的除外（《行政复议法》第七十条）。";

/// Whether the respondent's answer is late (Art 70): the answer clock's due date has passed
/// without an answer (`closed` is the day the clock was completed: the answer's receipt, or the
/// conclusion of the case without one).
pub fn answer_late(due: NaiveDate, closed: Option<NaiveDate>, today: NaiveDate) -> bool {
    closed.unwrap_or(today) > due
}

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
        RecordService = "record_service", "登记送达日期";
        RecordAnswer = "record_answer", "收到被申请人答复";
        ExtendCorrection = "extend_correction", "延长补正期限";
    }
);

/// The steps allowed from a status (for buttons on the detail page).
pub fn allowed_actions(from: Status) -> Vec<Action> {
    crate::procedure::allowed_steps::<Reconsideration>(from)
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
    /// (UNCONFIRMED; default yes). If false, the 30-day clock is kept. The same switch re-times
    /// the copy to the respondent (3 → 7 working days) and the respondent's answer (5 → 10).
    pub conversion_restarts_as_ordinary: bool,
    /// The decisions after which the organ is co-defendant in the applicant's lawsuit (行政诉讼法
    /// 第二十六条第二款): see [`organ_is_co_defendant`] and docs/configuration.md.
    pub co_defendant_decisions: Vec<CoDefendantDecision>,
    /// Longest extension of the correction period (补正期限) one step may grant, in working days.
    /// Art 31(2) allows "合理的补正期限" without a figure; this bounds input, it is not law.
    pub max_correction_extension_days: u32,
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
            max_correction_extension_days: 30,
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
                    "复议机关为共同被告的决定类型“{code}”不存在：应为决定类型代码（如 maintain、partial_revoke）或“{CONFIRM_ILLEGAL_PROCEDURAL}”"
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

/// The rule of each deadline: period, unit, start event and legal basis.
pub fn deadline_rule(
    kind: DeadlineKind,
    procedure: Option<Procedure>,
    rules: &Rules,
) -> DeadlineRule {
    use DeadlineKind as K;
    use PeriodUnit::*;
    let rule = |count, unit, start_event, basis| DeadlineRule {
        count,
        unit,
        start_event,
        basis,
    };
    let simplified = procedure == Some(Procedure::Simplified);
    match kind {
        K::AcceptanceReview => rule(
            5,
            WorkingDays,
            "收到行政复议申请之日",
            "《行政复议法》第三十条、第八十八条第二款",
        ),
        K::Correction => rule(
            10,
            WorkingDays,
            "申请人收到补正通知之日",
            "《行政复议法》第三十一条第二款、第八十八条第二款",
        ),
        K::CopyToRespondent if simplified => rule(
            3,
            WorkingDays,
            "受理之日",
            "《行政复议法》第五十四条第一款、第八十八条第二款",
        ),
        K::CopyToRespondent => rule(
            7,
            WorkingDays,
            "受理之日",
            "《行政复议法》第四十八条、第八十八条第二款",
        ),
        K::Answer if simplified => rule(
            5,
            WorkingDays,
            "被申请人收到申请书副本之日",
            "《行政复议法》第五十四条第一款、第八十八条第二款",
        ),
        K::Answer => rule(
            10,
            WorkingDays,
            "被申请人收到申请书副本之日",
            "《行政复议法》第四十八条、第八十八条第二款",
        ),
        K::Decision if simplified => rule(
            30,
            CalendarDays,
            "受理之日",
            "《行政复议法》第六十二条第二款",
        ),
        K::Decision => rule(
            60,
            CalendarDays,
            "受理之日",
            "《行政复议法》第六十二条第一款",
        ),
        // A decision takes effect on service (Art 75(2)); a 调解书 on the parties' signatures
        // (Art 73(1)), which the step 调解结案 records as its date.
        K::Performance => rule(
            rules.performance_days,
            CalendarDays,
            "行政复议决定书送达之日（调解书为生效之日）",
            "《行政复议法》第七十五条第二款、第七十三条第一款；《行政复议法实施条例》第四十九条（期间可配置）",
        ),
        K::OpinionReply => rule(
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
        /// The day the notice went out (within the review period, Art 31(1)).
        date: NaiveDate,
        items: String,
        /// The applicant's receipt of the notice, when known: the period runs from it (Art
        /// 31(2)); until it is recorded the clock waits.
        #[serde(default)]
        served: Option<NaiveDate>,
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
        /// The respondent's receipt of the copy, when already known (starts the answer period).
        served: Option<NaiveDate>,
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
        /// Service of the decision, when already known (starts the performance period).
        served: Option<NaiveDate>,
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
        /// The addressee's receipt of an 意见书, when already known (starts its reply period).
        served: Option<NaiveDate>,
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
    /// 登记送达日期: the date a document was served or received, recorded after the step that
    /// sent it; dated with that date (which may precede the case's latest step).
    RecordService {
        date: NaiveDate,
        document: ServedDocument,
    },
    /// 收到被申请人答复 (Arts 48, 54).
    RecordAnswer {
        date: NaiveDate,
        notes: Option<String>,
    },
    /// 延长补正期限 for good cause (Art 31(2)), in working days.
    ExtendCorrection {
        date: NaiveDate,
        days: u32,
        approved_by: String,
        reason: String,
    },
}

/// Who attended a hearing for the respondent (行政复议法第五十一条第三款: 被申请人的负责人应当参加听证；
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
            Code::HearingNoticeTooShort,
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

use crate::fields::get;
pub use crate::fields::{parse_date, Fields};
use crate::form::{FieldSpec as F, Values};
pub use crate::party::{Party, PartyKind, PartyRole};
use crate::procedure::{Context, DeadlineRule, Procedure as _, StepForm};

/// The hint of a service date entered with the step that sends the document.
macro_rules! served_hint {
    ($what:literal) => {
        concat!(
            "已知时填写，",
            $what,
            "自次日起算；未知的可稍后通过“登记送达日期”登记，期限显示为“待登记送达日期”"
        )
    };
}

const PROCEDURE: F = F::choice("procedure", "审理程序", Procedure::OPTIONS).or("ordinary");
const YES_NO_PERFORMANCE: F = F::yes_no("requires_performance", "是否需要履行").optional();

const HEAD_ABSENCE_REASON: &str =
    "被申请人负责人不能参加听证的理由（《行政复议法》第五十一条第三款）";
const HEAD_DELEGATE: &str = "被申请人委托参加听证的工作人员（《行政复议法》第五十一条第三款）";

impl HearingRespondent {
    /// From the checked hearing form: the head's name and post when the head attended, the
    /// reason and the delegate otherwise — each required then (Art 51(3)).
    fn from_values(v: &Values) -> DomainResult<Self> {
        let need = |name: &'static str, label: &str| {
            v.text(name)
                .ok_or_else(|| DomainError::required(name, label))
        };
        Ok(if v.yes("head_attended") {
            Self::Head {
                name: need("head_name", "参加听证的被申请人负责人姓名")?,
                post: need("head_post", "参加听证的被申请人负责人职务")?,
            }
        } else {
            Self::Delegated {
                reason: need("head_absence_reason", HEAD_ABSENCE_REASON)?,
                delegate: need("head_delegate", HEAD_DELEGATE)?,
            }
        })
    }
}

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
            Self::RecordService { .. } => Action::RecordService,
            Self::RecordAnswer { .. } => Action::RecordAnswer,
            Self::ExtendCorrection { .. } => Action::ExtendCorrection,
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
            | Self::SendCopy { date, .. }
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
            | Self::RecordLitigation { date, .. }
            | Self::RecordService { date, .. }
            | Self::RecordAnswer { date, .. }
            | Self::ExtendCorrection { date, .. } => *date,
        }
    }

    /// Checks a step's form and reads it (what the kernel does; for tests and imports).
    pub fn parse(action: Action, f: &Fields) -> DomainResult<Self> {
        Reconsideration::step(
            action,
            &crate::form::check(Reconsideration::step_form(action).fields, f)?,
        )
    }
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
    /// A correction notice was already sent (it is one-time, Art 31(1)).
    pub correction_requested: bool,
    /// Due date of the open correction period (Art 31(2)).
    pub correction_due: Option<NaiveDate>,
    /// The application copy was sent (an answer clock exists).
    pub copy_sent: bool,
    /// The respondent's answer is still awaited (an open answer clock).
    pub answer_open: bool,
    /// Open deadlines waiting for their start event, with the day each was set up.
    pub awaiting: Vec<(DeadlineKind, NaiveDate)>,
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

/// What a step does to a case.
pub type Outcome = crate::procedure::Outcome<Reconsideration>;

/// 行政复议 as the procedure kernel runs it.
pub struct Reconsideration;

impl crate::procedure::Procedure for Reconsideration {
    const MODULE: &'static str = "reconsideration";
    type Status = Status;
    type Action = Action;
    type Kind = DeadlineKind;
    type Step = Step;
    type Facts = CaseFacts;
    type Changes = CaseChanges;
    type Rules = Rules;

    fn step_date(step: &Step) -> NaiveDate {
        step.date()
    }
    /// Every kind is timed by the procedure the step leaves the case in.
    fn deadline_rule(
        kind: DeadlineKind,
        facts: &CaseFacts,
        _: &Step,
        changes: &CaseChanges,
        rules: &Rules,
    ) -> Option<DeadlineRule> {
        Some(deadline_rule(
            kind,
            changes.procedure.or(facts.procedure),
            rules,
        ))
    }
    /// The one transition table. Returns the status after `action`, or an error naming both.
    fn transition(from: Status, action: Action) -> DomainResult<Status> {
        use Action as A;
        use Status as S;
        let to = match (from, action) {
            (S::Received, A::Accept | A::DeemAccept) => S::UnderReview,
            (S::Received, A::Refuse) => S::NotAccepted,
            (S::Received, A::RequestCorrection) => S::CorrectionRequested,
            (S::CorrectionRequested, A::ReceiveCorrection) => S::Received,
            (S::CorrectionRequested, A::Abandon) => S::Abandoned,
            (S::CorrectionRequested, A::ExtendCorrection) => S::CorrectionRequested,
            (s @ (S::UnderReview | S::Suspended), A::RecordAnswer) => s,
            (
                s @ (S::CorrectionRequested
                | S::UnderReview
                | S::Suspended
                | S::Decided
                | S::Mediated
                | S::Terminated),
                A::RecordService,
            ) => s,
            (
                S::UnderReview,
                A::SendCopy
                | A::ConvertToOrdinary
                | A::ScheduleHearing
                | A::RecordHearing
                | A::Extend,
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
    /// The one description of each step: its fields (checked, rendered as the form, read by
    /// [`Reconsideration::step`]) and its timeline line ([`crate::form::summarize`]).
    fn step_form(action: Action) -> StepForm {
        let (fields, summary): (&'static [F], &'static str) = match action {
            Action::Accept => (
                const {
                    &[
                        F::date("date", "受理日期"),
                        PROCEDURE,
                        F::text("handler", "承办人", 50).optional(),
                    ]
                },
                "决定受理，适用{procedure}[，承办人：{handler}]",
            ),
            Action::DeemAccept => (
                const {
                    &[
                        F::date("date", "视为受理日期")
                            .hint("应为受理审查期限届满之日（《行政复议法》第三十条第三款）"),
                        PROCEDURE,
                    ]
                },
                "受理审查期限届满未作决定，视为受理，适用{procedure}",
            ),
            Action::Refuse => (
                const {
                    &[
                        F::date("date", "不予受理决定日期"),
                        F::textarea("reason", "不予受理理由", 1000),
                        F::text("legal_ground", "法律依据", 200),
                    ]
                },
                "决定不予受理。理由：{reason}；依据：{legal_ground}",
            ),
            Action::RequestCorrection => (
                const {
                    &[
                        F::date("date", "补正通知日期").hint(
                            "应在收到申请之日起5个工作日内书面通知（《行政复议法》第三十一条第一款）",
                        ),
                        F::textarea("items", "补正事项", 1000),
                        F::date("served_date", "申请人收到补正通知日期")
                            .optional()
                            .hint(served_hint!(
                                "补正期限（10个工作日，《行政复议法》第三十一条第二款）"
                            )),
                    ]
                },
                "通知申请人补正：{items}",
            ),
            Action::ReceiveCorrection => (
                const {
                    &[F::date("date", "收到补正材料日期")
                        .hint("受理审查期限自收到补正材料次日起重新计算")]
                },
                "收到补正材料，重新计算受理审查期限",
            ),
            Action::Abandon => (
                const {
                    &[F::date("date", "视为放弃日期").hint(
                        "补正期限届满后申请人无正当理由仍未补正的，才视为放弃（《行政复议法》第三十一条第二款）",
                    )]
                },
                "申请人无正当理由逾期不补正，视为放弃行政复议申请",
            ),
            Action::ExtendCorrection => (
                const {
                    &[
                        F::date("date", "延长决定日期"),
                        // The upper bound is the setting `max_correction_extension_days`, checked
                        // by `apply`.
                        F::number("days", "延长天数（工作日）", 1, 365, "").hint(
                            "申请人有正当理由不能按期补正的，可以延长合理的补正期限（《行政复议法》第三十一条第二款）",
                        ),
                        F::textarea("reason", "延长理由（不能按期补正的正当理由）", 500),
                        F::text("approved_by", "批准人", 50)
                            .or("行政复议机关")
                            .hint("不填写时记为“行政复议机关”"),
                    ]
                },
                "经{approved_by}同意，补正期限延长{days}个工作日，理由：{reason}",
            ),
            Action::SendCopy => (
                const {
                    &[
                        F::date("date", "发送日期"),
                        F::date("served_date", "被申请人收到副本日期")
                            .optional()
                            .hint(served_hint!(
                                "被申请人书面答复期限（普通程序10个工作日、简易程序5个工作日）"
                            )),
                    ]
                },
                "向被申请人发送申请书副本[，被申请人于{served_date}收到，答复期限自次日起算]",
            ),
            Action::RecordService => (
                const {
                    &[
                        F::choice("document", "送达的文书", ServedDocument::OPTIONS),
                        F::date("date", "送达（收到）日期").hint(
                            "受送达人签收之日；补正、答复、履行、意见书反馈期限自次日起算",
                        ),
                    ]
                },
                "登记{document}送达（收到）日期：{date}，相关期限自次日起算",
            ),
            Action::RecordAnswer => (
                const {
                    &[
                        F::date("date", "收到答复日期"),
                        F::textarea("notes", "答复及证据材料", 1000).optional(),
                    ]
                },
                "收到被申请人书面答复及证据、依据等材料[：{notes}]",
            ),
            Action::ConvertToOrdinary => (
                const {
                    &[
                        F::date("date", "转换日期"),
                        F::text("approved_by", "批准人", 50),
                    ]
                },
                "经{approved_by}批准，转为普通程序审理",
            ),
            Action::ScheduleHearing => (
                const {
                    &[
                        F::date("date", "听证通知日期"),
                        F::date("hearing_date", "听证日期").hint(
                            "听证通知应于举行听证5个工作日前送达当事人（《行政复议法》第五十一条），听证日期不得早于通知日期后第5个工作日",
                        ),
                        F::text("place", "听证地点", 200),
                    ]
                },
                "定于{hearing_date}在{place}举行听证",
            ),
            Action::RecordHearing => (
                const {
                    &[
                        F::date("date", "听证日期"),
                        F::yes_no("head_attended", "被申请人负责人是否参加听证").hint(
                            "被申请人的负责人应当参加听证；不能参加的，应当说明理由并委托相应的工作人员参加（《行政复议法》第五十一条第三款）",
                        ),
                        F::text("head_name", "参加听证的被申请人负责人姓名", 50)
                            .optional()
                            .hint("负责人参加的必填"),
                        F::text("head_post", "参加听证的被申请人负责人职务", 50)
                            .optional()
                            .hint("负责人参加的必填，如副局长"),
                        F::textarea("head_absence_reason", HEAD_ABSENCE_REASON, 500)
                            .optional()
                            .hint("负责人未参加的必填"),
                        F::text("head_delegate", HEAD_DELEGATE, 100)
                            .optional()
                            .hint("负责人未参加的必填，写明姓名和职务"),
                        F::textarea("notes", "听证情况", 2000).optional(),
                    ]
                },
                "举行听证[，被申请人负责人{head_name}（{head_post}）参加听证{head_attended}]\
                 [，被申请人负责人未参加听证（理由：{head_absence_reason}），委托{head_delegate}参加{!head_attended}][：{notes}]",
            ),
            Action::Suspend => (
                const {
                    &[
                        F::date("date", "中止日期"),
                        F::choice("ground", "中止原因", SuspensionGround::OPTIONS),
                    ]
                },
                "中止审理：{ground}",
            ),
            Action::Resume => (
                const { &[F::date("date", "恢复审理日期")] },
                "中止原因消除，恢复审理",
            ),
            Action::Extend => (
                const {
                    &[
                        F::date("date", "延期决定日期"),
                        F::number("days", "延长天数", 1, 30, "《行政复议法》第六十二条")
                            .hint("最多30日（《行政复议法》第六十二条）"),
                        F::text("approved_by", "批准人（复议机构负责人）", 50),
                        F::textarea("reason", "延期理由", 500),
                    ]
                },
                "经{approved_by}批准延长审理期限{days}日，理由：{reason}",
            ),
            Action::Decide => (
                const {
                    &[
                        F::date("date", "决定日期"),
                        F::choice("decision_type", "决定类型", DecisionType::OPTIONS),
                        F::yes_no("procedural_ground", "是否以违反法定程序为由确认违法")
                            .or("0")
                            .hint("仅确认违法决定填写；以违反法定程序为由确认违法的，复议机关在复议后诉讼中为共同被告（《行诉解释》第二十二条）"),
                        YES_NO_PERFORMANCE.hint("不选择时按决定类型确定"),
                        F::textarea("summary", "决定摘要", 2000).optional(),
                        F::date("served_date", "决定书送达日期")
                            .optional()
                            .hint(served_hint!("履行期限")),
                    ]
                },
                "作出{decision_type}决定[（以违反法定程序为由）{procedural_ground}][：{summary}]\
                 [，决定书于{served_date}送达]",
            ),
            Action::Mediate => (
                const {
                    &[
                        F::date("date", "调解书生效日期"),
                        YES_NO_PERFORMANCE,
                        F::textarea("summary", "调解协议内容", 2000).optional(),
                    ]
                },
                "调解结案[：{summary}]",
            ),
            Action::Terminate => (
                const {
                    &[
                        F::date("date", "终止日期"),
                        F::choice("reason", "终止原因", TerminationReason::OPTIONS),
                    ]
                },
                "终止行政复议：{reason}",
            ),
            Action::IssueLetter => (
                const {
                    &[
                        F::date("date", "制发日期"),
                        F::choice("kind", "文书类型", LetterKind::OPTIONS),
                        F::text("addressee", "主送单位", 100),
                        F::textarea("summary", "主要内容", 2000).optional(),
                        F::date("served_date", "意见书送达日期")
                            .optional()
                            .hint(served_hint!("意见书的60日反馈期限")),
                    ]
                },
                "向{addressee}制发{kind}[，于{served_date}送达]",
            ),
            Action::RecordOpinionReply => (
                const {
                    &[
                        F::date("date", "收到反馈日期"),
                        F::textarea("notes", "整改情况", 1000).optional(),
                    ]
                },
                "收到意见书落实情况反馈[：{notes}]",
            ),
            Action::RecordPerformance => (
                const {
                    &[
                        F::date("date", "履行日期"),
                        F::yes_no("performed", "是否已履行").or("1"),
                        F::textarea("notes", "履行情况", 1000).optional(),
                    ]
                },
                "被申请人[已履行{performed}][未履行{!performed}][：{notes}]",
            ),
            Action::RecordLitigation => (
                const {
                    &[
                        F::date("date", "起诉日期"),
                        F::text("court", "受理法院", 100).optional(),
                    ]
                },
                "申请人不服复议决定提起行政诉讼[（{court}）]",
            ),
        };
        StepForm { fields, summary }
    }
    fn step(action: Action, v: &Values) -> DomainResult<Step> {
        let date = v.req_date("date")?;
        let served = v.date("served_date");
        let text = |name: &'static str| v.req_text(name);
        let days = |name: &'static str| {
            v.number(name)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| DomainError::required(name, "天数"))
        };
        let procedure = || v.req_choice("procedure", Procedure::parse);
        Ok(match action {
            Action::Accept => Step::Accept {
                date,
                procedure: procedure()?,
                handler: v.text("handler"),
            },
            Action::Refuse => Step::Refuse {
                date,
                reason: text("reason")?,
                legal_ground: text("legal_ground")?,
            },
            Action::RequestCorrection => Step::RequestCorrection {
                date,
                items: text("items")?,
                served,
            },
            Action::ReceiveCorrection => Step::ReceiveCorrection { date },
            Action::Abandon => Step::Abandon { date },
            Action::DeemAccept => Step::DeemAccept {
                date,
                procedure: procedure()?,
            },
            Action::SendCopy => Step::SendCopy { date, served },
            Action::ConvertToOrdinary => Step::ConvertToOrdinary {
                date,
                approved_by: text("approved_by")?,
            },
            Action::ScheduleHearing => Step::ScheduleHearing {
                date,
                hearing_date: v.req_date("hearing_date")?,
                place: text("place")?,
            },
            Action::RecordHearing => Step::RecordHearing {
                date,
                notes: v.text("notes"),
                respondent: HearingRespondent::from_values(v)?,
            },
            Action::Suspend => Step::Suspend {
                date,
                ground: v.req_choice("ground", SuspensionGround::parse)?,
            },
            Action::Resume => Step::Resume { date },
            Action::Extend => Step::Extend {
                date,
                days: days("days")?,
                approved_by: text("approved_by")?,
                reason: text("reason")?,
            },
            Action::Decide => {
                let decision_type = v.req_choice("decision_type", DecisionType::parse)?;
                let procedural_ground = v.yes("procedural_ground");
                if procedural_ground && decision_type != DecisionType::ConfirmIllegal {
                    return Err(DomainError::field(
                        Code::InvalidOption,
                        "procedural_ground",
                        "只有确认违法决定才能注明“以违反法定程序为由”",
                    ));
                }
                Step::Decide {
                    date,
                    decision_type,
                    procedural_ground,
                    requires_performance: if v.given("requires_performance") {
                        v.yes("requires_performance")
                    } else {
                        decision_type.usually_requires_performance()
                    },
                    summary: v.text("summary"),
                    served,
                }
            }
            Action::Mediate => Step::Mediate {
                date,
                requires_performance: v.yes("requires_performance"),
                summary: v.text("summary"),
            },
            Action::Terminate => Step::Terminate {
                date,
                reason: v.req_choice("reason", TerminationReason::parse)?,
            },
            Action::IssueLetter => Step::IssueLetter {
                date,
                kind: v.req_choice("kind", LetterKind::parse)?,
                addressee: text("addressee")?,
                summary: v.text("summary"),
                served,
            },
            Action::RecordOpinionReply => Step::RecordOpinionReply {
                date,
                notes: v.text("notes"),
            },
            Action::RecordPerformance => Step::RecordPerformance {
                date,
                performed: v.yes("performed"),
                notes: v.text("notes"),
            },
            Action::RecordLitigation => Step::RecordLitigation {
                date,
                court: v.text("court"),
            },
            Action::RecordService => Step::RecordService {
                date,
                document: v.req_choice("document", ServedDocument::parse)?,
            },
            Action::RecordAnswer => Step::RecordAnswer {
                date,
                notes: v.text("notes"),
            },
            Action::ExtendCorrection => Step::ExtendCorrection {
                date,
                days: days("days")?,
                approved_by: text("approved_by")?,
                reason: text("reason")?,
            },
        })
    }
    /// Takes one step: checks it is allowed from the case's status and that its dates make sense,
    /// and returns the new status, the changes to the case and the deadline effects.
    fn apply(
        facts: &CaseFacts,
        step: &Step,
        at: &Context<'_>,
        rules: &Rules,
    ) -> DomainResult<Outcome> {
        let today = at.today;
        let status = Self::transition(facts.status, step.action())?;
        let date = step.date();
        // A service date is learnt after other steps may have followed the document; it is checked
        // against the document's own date below instead of the latest step's.
        let floor = match step {
            Step::RecordService { .. } => NaiveDate::MIN,
            _ => facts.last_event_date,
        };
        crate::procedure::check_step_date(date, today, floor)?;
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
                                Code::NotDeemedAccepted,
                                "date",
                                format!(
                                    "视为受理日期应为受理审查期限届满之日（{}）",
                                    crate::calendar::format_date_cn(due)
                                ),
                            ))
                        }
                        None => {
                            return Err(DomainError::field(
                                Code::NotDeemedAccepted,
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
            Step::RequestCorrection { date, served, .. } => {
                review_still_open(facts, *date, "通知补正")?;
                // Art 31(1): the notice lists everything to correct at once (一次性载明).
                if facts.correction_requested {
                    return Err(DomainError::field(
                        Code::CorrectionAlreadyRequested,
                        "action",
                        "补正通知应当一次性载明需要补正的事项，本案已经通知过补正，不能再次通知补正（《行政复议法》第三十一条第一款）",
                    ));
                }
                fx.push(Effect::Complete {
                    kind: K::AcceptanceReview,
                    date: *date,
                });
                // Art 31(2): ten working days from the applicant's receipt of the notice.
                fx.push(start_or_await(
                    K::Correction,
                    *date,
                    check_served(*served, *date, today)?,
                ));
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
            Step::Abandon { date } => {
                // Art 31(2): only a failure to correct by the end of the period (逾期不补正) is
                // deemed a withdrawal; while the period (with any extension) runs, it is not, nor
                // before it has started (the applicant's receipt of the notice not yet recorded).
                if facts.awaiting.iter().any(|(k, _)| *k == K::Correction) {
                    return Err(DomainError::field(
                        Code::CorrectionNoticeNotServed,
                        "date",
                        "申请人收到补正通知的日期尚未登记，补正期限尚未起算，不能视为放弃；请先通过“登记送达日期”登记收到日期（《行政复议法》第三十一条第二款）",
                    ));
                }
                if let Some(due) = facts.correction_due {
                    if *date <= due {
                        return Err(DomainError::field(
                            Code::CorrectionPeriodRunning,
                            "date",
                            format!(
                                "补正期限至{}届满，期限届满前不能视为放弃行政复议申请（《行政复议法》第三十一条第二款：无正当理由逾期不补正的，才视为放弃）",
                                crate::calendar::format_date_cn(due)
                            ),
                        ));
                    }
                }
                fx.push(Effect::Complete {
                    kind: K::Correction,
                    date: *date,
                })
            }
            Step::ExtendCorrection {
                days,
                approved_by,
                reason,
                ..
            } => {
                // Art 31(2): 有正当理由不能按期补正的，可以延长合理的补正期限.
                if *days > rules.max_correction_extension_days {
                    return Err(DomainError::field(
                        Code::InvalidNumber,
                        "days",
                        format!(
                            "延长补正期限最多{}个工作日（本系统设置）",
                            rules.max_correction_extension_days
                        ),
                    ));
                }
                fx.push(Effect::Extend {
                    kind: K::Correction,
                    count: *days,
                    approved_by: approved_by.clone(),
                    reason: reason.clone(),
                });
            }
            Step::SendCopy { date, served } => {
                if facts.copy_sent {
                    return Err(DomainError::field(
                        Code::CopyAlreadySent,
                        "action",
                        "申请书副本已经发送，被申请人收到日期请通过“登记送达日期”登记",
                    ));
                }
                fx.push(Effect::Complete {
                    kind: K::CopyToRespondent,
                    date: *date,
                });
                // Arts 48, 54: the answer period runs from the respondent's receipt of the copy.
                fx.push(start_or_await(
                    K::Answer,
                    *date,
                    check_served(*served, *date, today)?,
                ));
            }
            Step::RecordService { date, document } => {
                let kind = document.deadline();
                let Some(&(_, since)) = facts.awaiting.iter().rev().find(|(k, _)| *k == kind)
                else {
                    return Err(DomainError::field(
                        Code::NothingAwaitsService,
                        "document",
                        format!(
                            "本案没有等待登记送达日期的{}（未发出，或送达日期已登记）",
                            document.label()
                        ),
                    ));
                };
                if *date < since {
                    return Err(DomainError::field(
                        Code::DateOrder,
                        "date",
                        format!(
                            "送达（收到）日期不能早于文书发出日期（{}）",
                            crate::calendar::format_date_cn(since)
                        ),
                    ));
                }
                fx.push(Effect::Start { kind, start: *date });
            }
            Step::RecordAnswer { date, .. } => {
                if !facts.answer_open {
                    return Err(DomainError::field(
                        Code::NoAnswerPending,
                        "action",
                        "本案没有等待被申请人答复的期限（申请书副本尚未发送，或答复已登记）",
                    ));
                }
                fx.push(Effect::Complete {
                    kind: K::Answer,
                    date: *date,
                });
            }
            Step::ConvertToOrdinary { .. } => {
                if facts.procedure != Some(Procedure::Simplified) {
                    return Err(DomainError::field(
                        Code::NotSimplified,
                        "action",
                        "只有适用简易程序的案件才能转为普通程序",
                    ));
                }
                ch.procedure = Some(Procedure::Ordinary);
                // The ordinary procedure's periods then govern what is still running. The law says
                // nothing on conversion (Art 55); the copy (Art 48: 7 days, not 3) and the answer
                // (Art 48: 10 days from receipt, not 5) follow the same setting as the decision
                // period, keeping their start; a clock already completed is not touched.
                if rules.conversion_restarts_as_ordinary {
                    for kind in [K::Decision, K::CopyToRespondent, K::Answer] {
                        let rule = deadline_rule(kind, Some(Procedure::Ordinary), rules);
                        fx.push(Effect::Retime {
                            kind,
                            count: rule.count,
                            basis: rule.basis.into(),
                        });
                    }
                }
            }
            Step::ScheduleHearing {
                date, hearing_date, ..
            } => check_hearing_notice(*date, *hearing_date, at.calendar)?,
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
                        Code::ExtensionNotAllowed,
                        "action",
                        "简易程序案件不能延长审理期限（《行政复议法》第六十二条）",
                    ));
                }
                if facts.extended {
                    return Err(DomainError::field(
                        Code::ExtensionNotAllowed,
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
                served,
                ..
            } => {
                let served = check_served(*served, *date, today)?;
                ch.concluded_date = Some(*date);
                ch.decision_type = Some(*decision_type);
                ch.procedural_ground = Some(*procedural_ground);
                ch.requires_performance = Some(*requires_performance);
                fx.extend(close_review(*date));
                // Art 75(2): the decision takes effect on service; performance runs from it.
                if *requires_performance {
                    fx.push(start_or_await(K::Performance, *date, served));
                }
            }
            Step::Mediate {
                date,
                requires_performance,
                ..
            } => {
                ch.concluded_date = Some(*date);
                ch.requires_performance = Some(*requires_performance);
                fx.extend(close_review(*date));
                // Art 73(1): a 调解书 takes effect on the parties' signatures, the step's date.
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
                fx.extend(close_review(*date));
            }
            Step::IssueLetter {
                date, kind, served, ..
            } => {
                let served = check_served(*served, *date, today)?;
                ch.letter_issued = true;
                // Art 76: the addressee reports within 60 days of receiving the 意见书.
                if *kind == LetterKind::Opinion {
                    fx.push(start_or_await(K::OpinionReply, *date, served));
                }
            }
            Step::RecordOpinionReply { date, .. } => {
                if !facts.opinion_reply_open {
                    return Err(DomainError::field(
                        Code::NoOpinionPending,
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
                        Code::NoPerformanceRequired,
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
}

/// A refusal (Art 30(2)) or a request for correction (Art 31(1)) is made within the review
/// period; after it the application is deemed accepted (Art 30(3)) and neither may follow.
fn review_still_open(facts: &CaseFacts, date: NaiveDate, what: &str) -> DomainResult<()> {
    match facts.acceptance_due {
        Some(due) if date > due => Err(DomainError::field(
            Code::ReviewPeriodOver,
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

/// A clock that runs from a document's service: from `served` when it is known, otherwise
/// waiting for it from `sent`, the day the document went out.
fn start_or_await(kind: DeadlineKind, sent: NaiveDate, served: Option<NaiveDate>) -> Effect {
    match served {
        Some(start) => Effect::Open { kind, start },
        None => Effect::Await { kind, since: sent },
    }
}

/// A service date entered with the step that sends the document: not before it, not in the future.
fn check_served(
    served: Option<NaiveDate>,
    sent: NaiveDate,
    today: NaiveDate,
) -> DomainResult<Option<NaiveDate>> {
    match served {
        Some(s) if s < sent => Err(DomainError::field(
            Code::DateOrder,
            "served_date",
            "送达（收到）日期不能早于本步骤日期",
        )),
        Some(s) if s > today => Err(DomainError::field(
            Code::DateInFuture,
            "served_date",
            "送达（收到）日期不能晚于今天",
        )),
        s => Ok(s),
    }
}

/// The review's clocks a conclusion (decision, mediation, termination) completes. An answer still
/// awaited is closed on that day; if its period had run out, [`answer_late`] still tells.
fn close_review(date: NaiveDate) -> [Effect; 3] {
    use DeadlineKind as K;
    [K::Decision, K::CopyToRespondent, K::Answer].map(|kind| Effect::Complete { kind, date })
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
                Code::DateInFuture,
                "received_date",
                "收到申请日期不能晚于今天",
            ));
        }
        let act_date = parse_date(get(f, "act_date"), "act_date", "行政行为作出日期")?;
        if act_date > received_date {
            return Err(DomainError::field(
                Code::DateOrder,
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
            correction_requested: false,
            correction_due: None,
            copy_sent: false,
            answer_open: false,
            awaiting: vec![],
        }
    }

    #[test]
    fn illegal_step_names_state_and_step() {
        let e = Reconsideration::transition(Status::Decided, Action::Accept).unwrap_err();
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
            .count,
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
        let due = deadline_rule(
            DeadlineKind::Decision,
            Some(Procedure::Ordinary),
            &Rules::default(),
        )
        .clock(d("2024-03-08"))
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
                served: None,
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
            (e.code.as_str(), e.field.as_deref()),
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
            (e.code.as_str(), e.field.as_deref()),
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

    fn run(f: &CaseFacts, step: Step) -> DomainResult<Outcome> {
        apply(f, &step, d("2024-12-31"), &Rules::default())
    }

    fn apply(f: &CaseFacts, step: &Step, today: NaiveDate, rules: &Rules) -> DomainResult<Outcome> {
        crate::procedure::apply_on::<Reconsideration>(f, step, today, rules)
    }

    fn due_of(kind: DeadlineKind, procedure: Procedure, start: &str) -> Option<NaiveDate> {
        deadline_rule(kind, Some(procedure), &Rules::default())
            .clock(d(start))
            .compute(&crate::calendar::HolidayCalendar::embedded())
            .unwrap()
            .due
    }

    /// 行政复议法第三十一条第一款: the correction notice lists everything at once (一次性载明); a
    /// second notice on the same case is refused, also after the materials came in.
    #[test]
    fn correction_notice_is_one_time_art_31_1() {
        let step = Step::RequestCorrection {
            date: d("2024-03-04"),
            items: "身份证明".into(),
            served: None,
        };
        let mut f = facts(Status::Received);
        assert!(run(&f, step.clone()).is_ok());
        f.correction_requested = true;
        let e = run(&f, step).unwrap_err();
        assert_eq!(e.code, "correction_already_requested");
        assert!(e.message.contains("一次性"), "{}", e.message);
        assert!(e.message.contains("第三十一条第一款"), "{}", e.message);
    }

    /// 行政复议法第三十一条第二款: 申请人应当自收到补正通知之日起十日内提交补正材料 — the period
    /// runs from the applicant's receipt of the notice, not from the day it went out; unknown
    /// receipt → the clock waits, and 登记送达日期 (补正通知) starts it.
    #[test]
    fn correction_period_runs_from_receipt_of_the_notice_art_31_2() {
        let f = facts(Status::Received);
        let notice = |served| Step::RequestCorrection {
            date: d("2024-03-04"),
            items: "身份证明".into(),
            served,
        };
        let o = run(&f, notice(Some(d("2024-03-07")))).unwrap();
        assert!(o.effects.contains(&Effect::Open {
            kind: DeadlineKind::Correction,
            start: d("2024-03-07")
        }));
        let o = run(&f, notice(None)).unwrap();
        assert!(o.effects.contains(&Effect::Await {
            kind: DeadlineKind::Correction,
            since: d("2024-03-04")
        }));
        // A receipt before the notice went out is refused, naming the field.
        let e = run(&f, notice(Some(d("2024-03-01")))).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("served_date"));
        // Recorded later: the waiting clock starts on the receipt.
        let mut w = facts(Status::CorrectionRequested);
        w.awaiting = vec![(DeadlineKind::Correction, d("2024-03-04"))];
        let o = run(
            &w,
            Step::RecordService {
                date: d("2024-03-08"),
                document: ServedDocument::CorrectionNotice,
            },
        )
        .unwrap();
        assert_eq!(
            o.effects,
            vec![Effect::Start {
                kind: DeadlineKind::Correction,
                start: d("2024-03-08")
            }]
        );
    }

    /// 行政复议法第三十一条第二款: 视为放弃 only after the correction period has run out without
    /// the materials (逾期不补正); on or before its last day the step is refused.
    #[test]
    fn abandon_only_after_the_correction_period_art_31_2() {
        let mut f = facts(Status::CorrectionRequested);
        f.correction_requested = true;
        f.correction_due = Some(d("2024-03-18"));
        let on_last_day = Step::Abandon {
            date: d("2024-03-18"),
        };
        let e = run(&f, on_last_day).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("correction_period_running", Some("date"))
        );
        assert!(e.message.contains("2024年3月18日"), "{}", e.message);
        let after = Step::Abandon {
            date: d("2024-03-19"),
        };
        // Not while the period waits for the applicant's receipt of the notice.
        let mut waiting = f.clone();
        waiting.correction_due = None;
        waiting.awaiting = vec![(DeadlineKind::Correction, d("2024-03-01"))];
        let e = run(&waiting, after.clone()).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("correction_notice_not_served", Some("date"))
        );
        let o = run(&f, after).unwrap();
        assert_eq!(o.status, Status::Abandoned);
        assert_eq!(
            o.effects,
            vec![Effect::Complete {
                kind: DeadlineKind::Correction,
                date: d("2024-03-19")
            }]
        );
    }

    /// 行政复议法第三十一条第二款: 有正当理由不能按期补正的，可以延长合理的补正期限 — the step
    /// extends the correction clock by working days, within the configured bound.
    #[test]
    fn correction_period_can_be_extended_for_good_cause_art_31_2() {
        let mut fields = Fields::new();
        fields.insert("date".into(), "2024-03-12".into());
        fields.insert("days".into(), "5".into());
        fields.insert("reason".into(), "申请人住院治疗".into());
        let step = Step::parse(Action::ExtendCorrection, &fields).unwrap();
        let f = facts(Status::CorrectionRequested);
        let o = run(&f, step).unwrap();
        assert_eq!(o.status, Status::CorrectionRequested);
        assert_eq!(
            o.effects,
            vec![Effect::Extend {
                kind: DeadlineKind::Correction,
                count: 5,
                approved_by: "行政复议机关".into(),
                reason: "申请人住院治疗".into(),
            }]
        );
        fields.insert("days".into(), "31".into());
        let e = run(&f, Step::parse(Action::ExtendCorrection, &fields).unwrap()).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_number", Some("days"))
        );
        fields.insert("days".into(), "0".into());
        let e = Step::parse(Action::ExtendCorrection, &fields).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("days"));
        fields.insert("days".into(), "5".into());
        fields.remove("reason");
        let e = Step::parse(Action::ExtendCorrection, &fields).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("required", Some("reason"))
        );
        assert_eq!(
            Reconsideration::transition(Status::Received, Action::ExtendCorrection)
                .unwrap_err()
                .code,
            "illegal_transition"
        );
    }

    /// 行政复议法第四十八条、第五十四条、第八十八条第二款: the respondent answers within 10
    /// (ordinary) / 5 (simplified) working days from RECEIPT of the copy; until the receipt is
    /// recorded the clock waits.
    #[test]
    fn answer_clock_runs_from_receipt_of_the_copy_arts_48_54() {
        let mut f = facts(Status::UnderReview);
        let o = run(
            &f,
            Step::SendCopy {
                date: d("2024-03-05"),
                served: None,
            },
        )
        .unwrap();
        assert_eq!(
            o.effects,
            vec![
                Effect::Complete {
                    kind: DeadlineKind::CopyToRespondent,
                    date: d("2024-03-05")
                },
                Effect::Await {
                    kind: DeadlineKind::Answer,
                    since: d("2024-03-05")
                },
            ]
        );
        let o = run(
            &f,
            Step::SendCopy {
                date: d("2024-03-05"),
                served: Some(d("2024-03-07")),
            },
        )
        .unwrap();
        assert!(o.effects.contains(&Effect::Open {
            kind: DeadlineKind::Answer,
            start: d("2024-03-07")
        }));
        // Receipt before sending is refused, on the field.
        let e = run(
            &f,
            Step::SendCopy {
                date: d("2024-03-05"),
                served: Some(d("2024-03-04")),
            },
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("served_date"));
        // A second copy is refused (the receipt is recorded by 登记送达日期).
        f.copy_sent = true;
        assert_eq!(
            run(
                &f,
                Step::SendCopy {
                    date: d("2024-03-05"),
                    served: None
                }
            )
            .unwrap_err()
            .code,
            "copy_already_sent"
        );
        // Received Friday 2024-09-27: 09-29 (Sunday, make-up day) counts, 10-01..07 do not,
        // 10-12 (Saturday, make-up day) counts → the tenth working day is 2024-10-16.
        assert_eq!(
            due_of(DeadlineKind::Answer, Procedure::Ordinary, "2024-09-27"),
            Some(d("2024-10-16"))
        );
        // Simplified: 5 working days → 2024-10-10.
        assert_eq!(
            due_of(DeadlineKind::Answer, Procedure::Simplified, "2024-09-27"),
            Some(d("2024-10-10"))
        );
        let DeadlineRule {
            start_event: event,
            basis,
            ..
        } = deadline_rule(DeadlineKind::Answer, None, &Rules::default());
        assert_eq!(event, "被申请人收到申请书副本之日");
        assert!(basis.contains("第四十八条") && basis.contains("第八十八条第二款"));
    }

    /// 登记送达日期 starts the waiting clock of its document; it may be dated before the latest
    /// step (learnt later), never before the document went out, and needs a waiting clock.
    #[test]
    fn recording_a_service_date_starts_the_waiting_clock() {
        let mut f = facts(Status::Decided);
        f.last_event_date = d("2024-05-20");
        let step = Step::RecordService {
            date: d("2024-05-10"),
            document: ServedDocument::Decision,
        };
        let e = run(&f, step.clone()).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("nothing_awaits_service", Some("document"))
        );
        f.awaiting = vec![(DeadlineKind::Performance, d("2024-05-06"))];
        let o = run(&f, step).unwrap();
        assert_eq!(o.status, Status::Decided);
        assert_eq!(
            o.effects,
            vec![Effect::Start {
                kind: DeadlineKind::Performance,
                start: d("2024-05-10")
            }]
        );
        let early = Step::RecordService {
            date: d("2024-05-05"),
            document: ServedDocument::Decision,
        };
        assert_eq!(run(&f, early).unwrap_err().code, "date_order");
        let future = Step::RecordService {
            date: d("2025-01-02"),
            document: ServedDocument::Decision,
        };
        assert_eq!(run(&f, future).unwrap_err().code, "date_in_future");
    }

    /// 行政复议法第七十五条第二款: the decision takes effect on service, and the performance
    /// period runs from it, not from the decision date; unknown service → the clock waits.
    #[test]
    fn performance_runs_from_service_of_the_decision_art_75_2() {
        let f = facts(Status::UnderReview);
        let decide = |served| Step::Decide {
            date: d("2024-05-06"),
            decision_type: DecisionType::Revoke,
            procedural_ground: false,
            requires_performance: true,
            summary: None,
            served,
        };
        let o = run(&f, decide(None)).unwrap();
        assert!(o.effects.contains(&Effect::Await {
            kind: DeadlineKind::Performance,
            since: d("2024-05-06")
        }));
        assert!(!o.effects.iter().any(|e| matches!(e, Effect::Open { .. })));
        // The answer still awaited is closed with the case.
        assert!(o.effects.contains(&Effect::Complete {
            kind: DeadlineKind::Answer,
            date: d("2024-05-06")
        }));
        let o = run(&f, decide(Some(d("2024-05-09")))).unwrap();
        assert!(o.effects.contains(&Effect::Open {
            kind: DeadlineKind::Performance,
            start: d("2024-05-09")
        }));
        let DeadlineRule {
            start_event: event,
            basis,
            ..
        } = deadline_rule(DeadlineKind::Performance, None, &Rules::default());
        assert!(event.starts_with("行政复议决定书送达之日"), "{event}");
        assert!(basis.contains("第七十五条第二款"), "{basis}");
    }

    /// 行政复议法第七十六条: the addressee reports within 60 days of RECEIVING the 意见书.
    #[test]
    fn opinion_reply_runs_from_receipt_art_76() {
        let f = facts(Status::Decided);
        let letter = |kind, served| Step::IssueLetter {
            date: d("2024-06-03"),
            kind,
            addressee: "区市场监督管理局".into(),
            summary: None,
            served,
        };
        let o = run(&f, letter(LetterKind::Opinion, None)).unwrap();
        assert_eq!(
            o.effects,
            vec![Effect::Await {
                kind: DeadlineKind::OpinionReply,
                since: d("2024-06-03")
            }]
        );
        let o = run(&f, letter(LetterKind::Opinion, Some(d("2024-06-05")))).unwrap();
        assert_eq!(
            o.effects,
            vec![Effect::Open {
                kind: DeadlineKind::OpinionReply,
                start: d("2024-06-05")
            }]
        );
        assert!(run(&f, letter(LetterKind::Suggestion, None))
            .unwrap()
            .effects
            .is_empty());
        let DeadlineRule {
            count: n,
            unit,
            start_event: event,
            ..
        } = deadline_rule(DeadlineKind::OpinionReply, None, &Rules::default());
        assert_eq!(
            (n, unit, event),
            (60, PeriodUnit::CalendarDays, "收到行政复议意见书之日")
        );
    }

    /// 行政复议法第七十条: an answer not in by the end of its period — still missing, or in late
    /// — is flagged; one in on the last day is not.
    #[test]
    fn a_late_or_missing_answer_is_flagged_art_70() {
        let due = d("2024-10-16");
        assert!(!answer_late(due, None, d("2024-10-16")));
        assert!(answer_late(due, None, d("2024-10-17")));
        assert!(!answer_late(due, Some(d("2024-10-16")), d("2024-12-31")));
        assert!(answer_late(due, Some(d("2024-10-18")), d("2024-12-31")));
        assert!(ANSWER_LATE_NOTE.contains("视为该行政行为没有证据、依据"));
        assert!(ANSWER_LATE_NOTE.contains("第七十条"));
        let mut f = facts(Status::UnderReview);
        let answer = Step::RecordAnswer {
            date: d("2024-10-15"),
            notes: None,
        };
        assert_eq!(
            run(&f, answer.clone()).unwrap_err().code,
            "no_answer_pending"
        );
        f.answer_open = true;
        assert_eq!(
            run(&f, answer).unwrap().effects,
            vec![Effect::Complete {
                kind: DeadlineKind::Answer,
                date: d("2024-10-15")
            }]
        );
    }

    /// 行政复议法第五十五条 (conversion 简易 → 普通): with `conversion_restarts_as_ordinary`, the
    /// copy and answer clocks take the ordinary periods of Art 48 like the decision clock.
    #[test]
    fn conversion_retimes_the_answer_like_the_decision() {
        let mut f = facts(Status::UnderReview);
        f.procedure = Some(Procedure::Simplified);
        let step = Step::ConvertToOrdinary {
            date: d("2024-03-06"),
            approved_by: "王五".into(),
        };
        let o = run(&f, step.clone()).unwrap();
        assert!(o.effects.iter().any(|e| matches!(
            e,
            Effect::Retime {
                kind: DeadlineKind::Answer,
                count: 10,
                ..
            }
        )));
        assert!(o.effects.iter().any(|e| matches!(
            e,
            Effect::Retime {
                kind: DeadlineKind::Decision,
                count: 60,
                ..
            }
        )));
        let rules = Rules {
            conversion_restarts_as_ordinary: false,
            ..Rules::default()
        };
        assert!(apply(&f, &step, d("2024-12-31"), &rules)
            .unwrap()
            .effects
            .is_empty());
    }

    #[test]
    fn parse_names_the_field() {
        let mut f = Fields::new();
        f.insert("date".into(), "2024-13-01".into());
        let e = Step::parse(Action::Accept, &f).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_date", Some("date"))
        );
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
            (e.code.as_str(), e.field.as_deref()),
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

    /// 行政复议法第五十一条第三款: the respondent's head attends the hearing (name and post), or the
    /// respondent gives the reason and names the staff it delegates — both required then.
    #[test]
    fn respondent_head_attends_or_gives_reason_and_delegate_art_51_3() {
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
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_option", Some("procedural_ground"))
        );
    }
}
