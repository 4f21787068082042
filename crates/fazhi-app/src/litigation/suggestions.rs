//! 司法建议 / 检察建议 a unit receives (行诉法第九十六条, 人民检察院行政诉讼监督规则): registered, answered and
//! rectified on the kernel, with their reply deadline.

use super::*;

const SUGGESTION_COLUMNS: &str = "c.id, c.kind, c.issuer, c.doc_no, c.received_date, a.name, c.content, c.status, c.reply_date, \
     c.rectified_date, c.next_due, c.next_due_unit, c.version, c.unit_id, c.addressee_unit_id, c.case_id, c.reply, c.rectification, c.last_event_date";

/// How suggestions are listed and counted: in the scope of the unit that registered them and of
/// the unit they are addressed to.
pub const SUGGESTIONS: Table = Table {
    table: "lt_suggestions c",
    from: "lt_suggestions c LEFT JOIN units a ON a.id = c.addressee_unit_id",
    columns: SUGGESTION_COLUMNS,
    scope: &["c.unit_id", "c.addressee_unit_id"],
    year: "c.received_year",
    order: "c.received_date DESC, c.id DESC",
    text: "(c.issuer LIKE $1 OR c.doc_no LIKE $1 OR c.content LIKE $1 \
           OR c.addressee_unit_id IN (SELECT u.id FROM units u WHERE u.name LIKE $1))",
    status: |s| SuggestionStatus::parse(s).map(SuggestionStatus::code),
};

#[derive(Debug, Clone, Serialize)]
pub struct SuggestionRow {
    pub id: i64,
    pub kind_label: &'static str,
    pub issuer: String,
    pub doc_no: Option<String>,
    pub received_date: String,
    pub addressee: String,
    pub content: String,
    pub status: String,
    pub status_label: &'static str,
    pub reply_date: Option<String>,
    pub rectified_date: Option<String>,
    #[serde(flatten)]
    pub due: deadlines::RowDue,
    pub version: i64,
    pub unit_id: i64,
    pub case_id: Option<i64>,
    pub reply: Option<String>,
    pub rectification: Option<String>,
}

pub(super) fn suggestion_row(app: &App, r: &AnyRow) -> SuggestionRow {
    let status: String = r.get(7);
    SuggestionRow {
        id: r.get(0),
        kind_label: label_of(r.get(1), SuggestionKind::parse, SuggestionKind::label),
        issuer: r.get(2),
        doc_no: r.get(3),
        received_date: r.get(4),
        addressee: r.get::<Option<String>, _>(5).unwrap_or_default(),
        content: r.get(6),
        status_label: SuggestionStatus::parse(&status)
            .map(|s| s.label())
            .unwrap_or(""),
        status,
        reply_date: r.get(8),
        rectified_date: r.get(9),
        due: deadlines::RowDue::of(app, r.get(10), r.get(11)),
        version: r.get(12),
        unit_id: r.get(13),
        case_id: r.get(15),
        reply: r.get(16),
        rectification: r.get(17),
    }
}

pub async fn list_suggestions(
    app: &App,
    actor: &Actor,
    q: &ListQuery,
) -> AppResult<Page<SuggestionRow>> {
    actor.require(Permission::ReadCases)?;
    let defs = suggestion_indicator_defs();
    let (where_sql, binds) = SUGGESTIONS.filter(app, actor, q, &defs).await?;
    let (rows, total, page, per_page) = SUGGESTIONS.page(app, &where_sql, &binds, q).await?;
    let items = rows.iter().map(|r| suggestion_row(app, r)).collect();
    Ok(Page::new(items, total, page, per_page))
}

#[derive(Debug, Clone, Serialize)]
pub struct SuggestionDetail {
    pub s: SuggestionRow,
    /// The lawsuit it arose from: (id, 案号).
    pub lawsuit: Option<(i64, String)>,
    pub events: Vec<EventView>,
    pub deadlines: Vec<deadlines::DeadlineView>,
    pub actions: Vec<(String, &'static str)>,
    /// The actor may take steps on this suggestion (a step's form is shown only then).
    pub may_write: bool,
}

async fn load_suggestion(conn: &mut AnyConnection, actor: &Actor, id: i64) -> AppResult<AnyRow> {
    let sql = format!(
        "SELECT {SUGGESTION_COLUMNS} FROM {} WHERE c.id = $1 AND {}",
        SUGGESTIONS.from,
        actor.scope.sql(SUGGESTIONS.scope)
    );
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound("建议"))
}

pub async fn suggestion_detail(app: &App, actor: &Actor, id: i64) -> AppResult<SuggestionDetail> {
    actor.require(Permission::ReadCases)?;
    let mut conn = app.db.pool.acquire().await?;
    let r = load_suggestion(&mut conn, actor, id).await?;
    let s = suggestion_row(app, &r);
    let lawsuit = match s.case_id {
        Some(cid) => sqlx::query_scalar::<_, String>(&format!(
            "SELECT c.case_no FROM lt_cases c WHERE c.id = $1 AND {}",
            actor.scope.sql(TABLE.scope)
        ))
        .bind(cid)
        .fetch_optional(&mut *conn)
        .await?
        .map(|no| (cid, no)),
        None => None,
    };
    let events = cases::load_events(&mut conn, SUGGESTION_MODULE, id, |a| {
        if a == "register" {
            "登记建议"
        } else {
            SuggestionAction::parse(a).map(|a| a.label()).unwrap_or("")
        }
    })
    .await?;
    let ds = deadlines::load(&mut conn, SUGGESTION_MODULE, id).await?;
    let deadlines = ds
        .iter()
        .map(|d| deadlines::view(app, d, lt::SuggestionDeadline::Reply.label()))
        .collect();
    let actions = if may_write(actor, s.unit_id) {
        kernel::actions::<Suggestions>(&s.status)
    } else {
        vec![]
    };
    let may_write = may_write(actor, s.unit_id);
    Ok(SuggestionDetail {
        s,
        lawsuit,
        events,
        deadlines,
        actions,
        may_write,
    })
}

impl kernel::Views for Suggestions {
    type Summary = SuggestionRow;
    type Detail = SuggestionDetail;

    async fn list(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<Page<SuggestionRow>> {
        list_suggestions(app, actor, q).await
    }

    async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<SuggestionDetail> {
        suggestion_detail(app, actor, id).await
    }

    /// A suggestion without a 文号 goes by its kind.
    fn head(d: &SuggestionDetail) -> kernel::CaseHead {
        kernel::CaseHead {
            case_no: d
                .s
                .doc_no
                .clone()
                .unwrap_or_else(|| d.s.kind_label.to_string()),
            status_label: d.s.status_label,
            version: d.s.version,
            may_write: d.may_write,
            registered: "已登记".into(),
        }
    }
}

/// Registers a 司法建议 / 检察建议 received by a unit, and opens its reply deadline.
pub async fn register_suggestion(app: &App, actor: &Actor, f: &Fields) -> AppResult<i64> {
    Ok(kernel::register::register::<Suggestions>(app, actor, f)
        .await?
        .0)
}

impl kernel::Register for Suggestions {
    type New = Suggestion;
    const WRITE: Permission = Permission::WriteLitigation;
    const NUMBERED: bool = false;

    fn parse(f: &Fields, today: NaiveDate) -> fazhi_domain::DomainResult<Suggestion> {
        Suggestion::parse(f, today)
    }

    async fn prepare(
        tx: &mut Transaction<'_, Any>,
        app: &App,
        actor: &Actor,
        naming: &org::Naming,
        news: &[Suggestion],
    ) -> AppResult<Vec<kernel::NewCase>> {
        use fazhi_store::rows::Val;
        let mut out = Vec::with_capacity(news.len());
        for s in news {
            let addressee = naming.name(s.unit_id, "unit_id", "被建议单位")?;
            let case_id = match &s.case_no {
                Some(no) => {
                    let sql = format!(
                        "SELECT c.id FROM lt_cases c WHERE c.case_no = $1 AND {}",
                        actor.scope.sql(TABLE.scope)
                    );
                    Some(
                        sqlx::query_scalar::<_, i64>(&sql)
                            .bind(no)
                            .fetch_optional(&mut **tx)
                            .await?
                            .ok_or_else(|| {
                                DomainError::field(
                                    Code::NotFound,
                                    "case_no",
                                    format!("关联应诉案号“{no}”不存在或无权查看"),
                                )
                            })?,
                    )
                }
                None => None,
            };
            let clock =
                lt::reply_rule(s.kind, s.reply_days, &app.config.litigation).clock(s.received_date);
            let columns: Vec<(&'static str, Val)> = vec![
                ("unit_id", actor.unit_id.into()),
                ("addressee_unit_id", s.unit_id.into()),
                ("case_id", case_id.into()),
                ("kind", s.kind.code().into()),
                ("issuer", s.issuer.as_str().into()),
                ("doc_no", s.doc_no.clone().into()),
                ("received_date", s.received_date.to_string().into()),
                ("received_year", i64::from(s.received_date.year()).into()),
                ("content", s.content.as_str().into()),
                ("status", SuggestionStatus::Pending.code().into()),
            ];
            out.push(kernel::NewCase {
                columns,
                number: s.doc_no.clone().unwrap_or_default(),
                parties: Vec::new(),
                date: s.received_date,
                summary: format!("{}向{}制发{}", s.issuer, addressee, s.kind.label()),
                deadlines: vec![(lt::SuggestionDeadline::Reply.code(), clock)],
                children: Vec::new(),
                audit: serde_json::to_value(s)?,
            });
        }
        Ok(out)
    }
}

/// Records the reply to a suggestion, or its rectification (through the kernel).
pub async fn suggestion_step(
    app: &App,
    actor: &Actor,
    id: i64,
    action: &str,
    f: &Fields,
    expected_version: Option<i64>,
) -> AppResult<()> {
    kernel::take_step::<Suggestions>(app, actor, id, action, f, expected_version).await
}

/// 司法建议 / 检察建议 in the kernel: `lt_suggestions`, its timeline in `case_events`.
pub struct Suggestions;

impl kernel::Module for Suggestions {
    type P = lt::SuggestionProcedure;
    type Row = SuggestionRow;
    const CASES: &'static str = "lt_suggestions";
    const ENTITY: &'static str = "lt_suggestion";

    fn rules(app: &App) -> &lt::Rules {
        &app.config.litigation
    }

    async fn load(
        tx: &mut Transaction<'_, Any>,
        app: &App,
        actor: &Actor,
        id: i64,
    ) -> AppResult<kernel::Loaded<SuggestionRow>> {
        let r = load_suggestion(tx, actor, id).await?;
        let s = suggestion_row(app, &r);
        Ok(kernel::Loaded {
            head: kernel::Head {
                status: s.status.clone(),
                version: s.version,
                last_event_date: stored_date(&r.get::<String, _>(18))?,
                may_write: may_write(actor, s.unit_id),
            },
            row: s,
        })
    }

    fn facts(
        _: &App,
        case: &kernel::Loaded<SuggestionRow>,
        _: &[deadlines::StoredDeadline],
    ) -> AppResult<lt::SuggestionFacts> {
        Ok(lt::SuggestionFacts {
            status: SuggestionStatus::parse(&case.row.status)?,
            received: stored_date(&case.row.received_date)?,
            last: Some(case.head.last_event_date),
        })
    }

    async fn write(
        tx: &mut Transaction<'_, Any>,
        _: &App,
        id: i64,
        _: &kernel::Loaded<SuggestionRow>,
        step: &lt::SuggestionStep,
        _: &kernel::StepOutcome<Self>,
    ) -> AppResult<Option<serde_json::Value>> {
        let sql = match step.action {
            SuggestionAction::Reply => {
                "UPDATE lt_suggestions SET reply_date = $1, reply = $2 WHERE id = $3"
            }
            SuggestionAction::Rectify => {
                "UPDATE lt_suggestions SET rectified_date = $1, rectification = $2 WHERE id = $3"
            }
        };
        sqlx::query(sql)
            .bind(step.date.to_string())
            .bind(&step.notes)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(None)
    }
}

/// `supervision.*` (`indicators.md`): suggestions received in the period and their replies.
pub fn suggestion_indicator_defs() -> Vec<IndicatorDef> {
    let count = |key, label, unit, def, cond: &str| {
        IndicatorDef::count(key, label, unit, def, CountDef::cases(cond.into()))
    };
    vec![
        count(
            "supervision.suggestions",
            "收到司法建议、检察建议",
            "件",
            "本期收到的司法建议和检察建议件数",
            "c.received_year = {Y}",
        ),
        count(
            "supervision.judicial_suggestions",
            "司法建议",
            "件",
            "本期收到的司法建议件数",
            "c.received_year = {Y} AND c.kind = 'judicial'",
        ),
        count(
            "supervision.procuratorial_suggestions",
            "检察建议",
            "件",
            "本期收到的检察建议件数",
            "c.received_year = {Y} AND c.kind = 'procuratorial'",
        ),
        count(
            "supervision.replied",
            "已回复",
            "件",
            "本期收到且已回复的件数",
            "c.received_year = {Y} AND c.reply_date IS NOT NULL",
        ),
        IndicatorDef::rate(
            "supervision.reply_rate",
            "回复率",
            "已回复件数 ÷ 收到件数",
            "supervision.replied",
            "supervision.suggestions",
        ),
        count(
            "supervision.rectified",
            "已整改",
            "件",
            "本期收到且已整改完成的件数",
            "c.received_year = {Y} AND c.rectified_date IS NOT NULL",
        ),
    ]
}

/// 司法建议 / 检察建议 in the registry of modules.
pub static SUGGESTION_ENTRY: kernel::Entry = kernel::Entry {
    name: SUGGESTION_MODULE,
    label: "司法建议、检察建议",
    list_url: "/lt/suggestions",
    table: &SUGGESTIONS,
    cases: "lt_suggestions",
    number: "COALESCE(c.doc_no, c.issuer || '（未编号）')",
    parties: "c.issuer",
    unit: "a.name",
    row_label: Some(("c.kind", kernel::label::<SuggestionKind>)),
    status_label: kernel::label::<SuggestionStatus>,
    deadline_label: kernel::label::<lt::SuggestionDeadline>,
    indicators: |_| suggestion_indicator_defs(),
    report: Some(kernel::ReportSource {
        key: "supervision",
        records: "司法建议、检察建议记录",
        first_record: "SELECT MIN(received_date) FROM lt_suggestions",
    }),
    excel: None,
    home: None,
    use_cases: kernel::UseCases::of::<Suggestions>(),
    pages: kernel::Pages {
        nav: "lt_suggestions",
        list: "lt_suggestions.html",
        detail: "lt_suggestion.html",
    },
    indicators_api: "/lt/indicators",
};
