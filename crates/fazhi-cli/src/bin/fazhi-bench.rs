//! Benchmark: fills a fresh database with N generated 行政复议 cases, then times the year's
//! indicators, the first page of a filtered case list, a case detail and the .xlsx export of
//! about 100,000 rows; with `--lawsuits M`, also M 行政应诉 cases made through the use cases
//! (registration, defence, hearings, judgments, appeals) and the same measurements on them.
//! Prints Markdown tables for docs/performance.md.
//!
//! cargo run --release -p fazhi-cli --bin fazhi-bench -- --database-url sqlite:///tmp/bench.db --cases 1000000
//! cargo run --release -p fazhi-cli --bin fazhi-bench -- --database-url sqlite:///tmp/lt.db --cases 0 --lawsuits 20000
//!
//! The report analyzer's speed (issue 6) is measured in its own crate:
//! `cargo bench -p fazhi-text --bench throughput` (crates/fazhi-text/benches/throughput.rs).

use anyhow::{Context, Result};
use clap::Parser;
use fazhi_app::{auth, demo, litigation as lt, reconsideration as rc, App, Config, FixedClock};
use fazhi_store::Db;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// A new SQLite file (must not exist) or a PostgreSQL URL of an empty database.
    #[arg(long)]
    database_url: String,
    #[arg(long, default_value_t = 1_000_000)]
    cases: usize,
    /// 行政应诉 cases to generate through the use cases (slow: about a dozen steps each).
    #[arg(long, default_value_t = 0)]
    lawsuits: usize,
    /// Repetitions per measurement (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Also file a value for every catalogue key (2024 and 2025) in statistics rounds and time
    /// the annual report: values, sentences, check, and the DOCX, HTML and Markdown.
    #[arg(long)]
    report: bool,
    /// Instead of the measurements: print the plan of this SQL and time it (for tuning).
    #[arg(long)]
    query: Option<String>,
    /// Instead of the measurements: time the .xlsx import of this many valid 行政复议
    /// applications (one file, all or nothing) into the database after the generated cases.
    #[arg(long)]
    import: Option<usize>,
}

/// Times `rc::import` of `n` generated applications in one .xlsx (issue 15: ≥ 50,000 rows/s).
async fn import(app: &App, n: usize) -> Result<()> {
    // The 复议工作人员 of the 司法局, who registers applications.
    let clerk = auth::actor_by_username(app, "fuyi")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let headers: Vec<&str> = rc::IMPORT_COLUMNS.iter().map(|c| c.0).collect();
    let surnames = ["张", "王", "李", "赵", "陈", "刘", "杨", "黄"];
    let given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "军"];
    let rows = (0..n).map(|i| {
        let name = format!(
            "{}{}{}",
            surnames[i % 8],
            given[i / 8 % 10],
            given[i / 80 % 10]
        );
        let (received, act) = (
            format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            "2024-01-01",
        );
        [
            received.as_str(),
            "窗口",
            "区市场监督管理局",
            "行政处罚决定",
            "",
            act,
            "请求撤销该行政处罚决定",
            "自然人",
            &name,
            "11010519491231002X",
            "",
            "",
            "",
            "",
        ]
        .map(String::from)
        .to_vec()
    });
    let bytes = fazhi_app::xlsx::write_table("行政复议申请导入", &headers, rows)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let t = Instant::now();
    let numbers = rc::import(app, &clerk, &bytes)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let d = t.elapsed();
    println!(
        "| .xlsx import of {n} applications ({:?}, {} KB) | {} | {:.0} rows/s |",
        app.db.backend,
        bytes.len() / 1024,
        ms(d),
        numbers.len() as f64 / d.as_secs_f64()
    );
    Ok(())
}

/// Prints the backend's plan for `sql` and the median time of running it.
async fn explain(db: &Db, sql: &str, runs: usize) -> Result<()> {
    use sqlx::Row;
    let plan_sql = match db.backend {
        fazhi_store::Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        fazhi_store::Backend::Postgres => format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"),
    };
    for r in sqlx::query(&plan_sql).fetch_all(&db.pool).await? {
        let cols = r.columns().len();
        let line: Vec<String> = (0..cols)
            .map(|i| {
                r.try_get::<String, _>(i)
                    .or_else(|_| r.try_get::<i64, _>(i).map(|v| v.to_string()))
                    .unwrap_or_default()
            })
            .collect();
        println!("{}", line.join(" | "));
    }
    let mut times = vec![];
    for _ in 0..runs {
        let t = Instant::now();
        let rows = sqlx::query(sql).fetch_all(&db.pool).await?;
        times.push((t.elapsed(), rows.len()));
    }
    times.sort();
    let (d, n) = times[times.len() / 2];
    println!("{n} rows, median {}", ms(d));
    Ok(())
}

async fn time<T, F: std::future::Future<Output = fazhi_app::AppResult<T>>>(
    runs: usize,
    mut f: impl FnMut() -> F,
) -> Result<(Duration, T)> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        times.push(t.elapsed());
        last = Some(v);
    }
    times.sort();
    Ok((times[times.len() / 2], last.context("no run")?))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let database_url = args.database_url.clone();
    let db = Db::connect(&database_url, true).await?;
    db.migrate().await?;
    if let Some(sql) = &args.query {
        return explain(&db, sql, args.runs).await;
    }
    let today = "2026-11-20".parse()?;
    let app = App::new(
        db,
        Config {
            database_url,
            ..Config::default()
        },
        Arc::new(FixedClock(today)),
    )?;
    let t = Instant::now();
    if !demo::seed(&app, 0)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
    {
        eprintln!("database already holds data; reusing it");
    } else {
        demo::bulk_generate(&app, args.cases, 7)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        eprintln!(
            "generated {} cases in {:.1} s",
            args.cases,
            t.elapsed().as_secs_f64()
        );
        if args.lawsuits > 0 {
            let t = Instant::now();
            demo::generate_lawsuits(&app, args.lawsuits, 11, false)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            eprintln!(
                "generated {} lawsuits in {:.1} s",
                args.lawsuits,
                t.elapsed().as_secs_f64()
            );
        }
    }
    if let Some(n) = args.import {
        return import(&app, n).await;
    }
    // Fresh planner statistics (and on PostgreSQL the visibility map that index-only scans need),
    // as a deployment's autovacuum / `PRAGMA optimize` would have.
    let analyze = match app.db.backend {
        fazhi_store::Backend::Sqlite => "ANALYZE",
        fazhi_store::Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::query(analyze).execute(&app.db.pool).await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rc_cases")
        .fetch_one(&app.db.pool)
        .await?;
    let office = auth::actor_by_username(&app, "fzb")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let clerk = auth::actor_by_username(&app, "fuyi")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let township = auth::actor_by_username(&app, "dongshan")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let runs = args.runs;
    println!(
        "| measurement ({} cases, {:?}) | median of {runs} | result |",
        total, app.db.backend
    );
    println!("|---|---|---|");
    let (d, v) = time(runs, || {
        app.indicators.clear();
        rc::ENTRY.values(&app, &office, 2024, None, true)
    })
    .await?;
    println!(
        "| indicators 2024 (with 2023), whole jurisdiction, recounted | {} | {} values, applications = {} |",
        ms(d),
        v.len(),
        v[0].display
    );
    let (d, _) = time(runs, || rc::ENTRY.values(&app, &office, 2024, None, true)).await?;
    println!(
        "| the same, no record changed since (kept values) | {} | |",
        ms(d)
    );
    let q = rc::ListQuery {
        year: "2024".into(),
        status: "decided".into(),
        ..Default::default()
    };
    for (who, a) in [
        ("依法治区办 (all units)", &office),
        ("复议工作人员 (司法局)", &clerk),
        ("镇街填报员 (one township)", &township),
    ] {
        let (d, p) = time(runs, || rc::list(&app, a, &q)).await?;
        println!(
            "| list page 1, year=2024 status=decided, {who} | {} | {} of {} |",
            ms(d),
            p.items.len(),
            p.total
        );
    }
    let all = rc::ListQuery::default();
    let (d, p) = time(runs, || rc::list(&app, &office, &all)).await?;
    println!(
        "| list page 1, no filter (all years), 依法治区办 | {} | {} of {} |",
        ms(d),
        p.items.len(),
        p.total
    );
    let q2 = rc::ListQuery {
        deadline: "overdue".into(),
        ..Default::default()
    };
    let (d, p) = time(runs, || rc::list(&app, &office, &q2)).await?;
    println!(
        "| list page 1, deadline=overdue, 依法治区办 | {} | {} of {} |",
        ms(d),
        p.items.len(),
        p.total
    );
    let q3 = rc::ListQuery {
        text: "张伟".into(),
        ..Default::default()
    };
    let (d, p) = time(runs, || rc::list(&app, &office, &q3)).await?;
    println!(
        "| list page 1, text search 张伟, 依法治区办 | {} | {} of {} |",
        ms(d),
        p.items.len(),
        p.total
    );
    if args.report {
        report(&app, runs, &office).await?;
    }
    if total == 0 {
        // Only lawsuits were generated.
        return litigation(&app, runs, &office).await;
    }
    let id = total / 2;
    let (d, det) = time(runs, || rc::detail(&app, &clerk, id)).await?;
    println!(
        "| case detail (timeline, deadlines with explanations) | {} | {} |",
        ms(d),
        det.case.case_no
    );
    // About 100,000 rows: one year's cases received in the first ten months.
    let q4 = rc::ListQuery {
        year: "2024".into(),
        ..Default::default()
    };
    let (d, bytes) = time(runs.min(3), || rc::export(&app, &office, &q4)).await?;
    let rows = rc::list(
        &app,
        &office,
        &rc::ListQuery {
            per_page: Some(1),
            ..q4.clone()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?
    .total;
    println!(
        "| xlsx export, year=2024 ({rows} rows) | {} | {:.1} MB |",
        ms(d),
        bytes.len() as f64 / 1e6
    );
    if args.lawsuits > 0 {
        litigation(&app, runs, &office).await?;
    }
    Ok(())
}

/// Values for every key of the catalogue that pass a form's checks (a rate's numerator below its
/// denominator, the catalogue's `[[check]]` rules), varied by key and unit.
fn every_key(salt: u64) -> fazhi_domain::fields::Fields {
    use fazhi_domain::catalogue::{Catalogue, Kind};
    use std::collections::BTreeMap;
    let cat = Catalogue::embedded();
    let mut v: BTreeMap<&str, i64> = BTreeMap::new();
    for e in cat.entries.iter().filter(|e| e.kind != Kind::Rate) {
        let h = e
            .key
            .bytes()
            .fold(salt, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
        v.insert(&e.key, 100 + (h % 900) as i64);
    }
    for _ in 0..3 {
        for e in cat
            .entries
            .iter()
            .filter(|e| e.kind == Kind::Rate && !e.can_exceed)
        {
            let (n, d) = (
                e.numerator.as_deref().unwrap_or(""),
                e.denominator.as_deref().unwrap_or(""),
            );
            let den = v[d];
            v.insert(n, den * 9 / 10);
        }
        for c in &cat.checks {
            let limit: i64 = c.at_most.iter().map(|k| v[k.as_str()]).sum();
            if v[c.key.as_str()] > limit {
                v.insert(&c.key, limit);
            }
        }
    }
    v.into_iter()
        .map(|(k, n)| {
            let kind = cat.get(k).map(|e| e.kind).unwrap_or(Kind::Count);
            let n = if kind == Kind::Amount {
                n * 10_000 + 25
            } else {
                n
            };
            (
                fazhi_domain::filing::field_name(k),
                fazhi_domain::filing::format_value(kind, n),
            )
        })
        .collect()
}

/// Files every key for 2024 and 2025 (three units, approved), then times the 2025 report.
async fn report(app: &App, runs: usize, office: &fazhi_app::Actor) -> Result<()> {
    use fazhi_app::{filing, report};
    let e = |e: fazhi_app::AppError| anyhow::anyhow!("{e:?}");
    let clerks = [
        auth::actor_by_username(app, "scj").await.map_err(e)?,
        auth::actor_by_username(app, "dongshan").await.map_err(e)?,
        auth::actor_by_username(app, "xihe").await.map_err(e)?,
    ];
    let keys: Vec<String> = fazhi_domain::catalogue::Catalogue::embedded()
        .entries
        .iter()
        .map(|e| e.key.clone())
        .collect();
    let filed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM st_rounds WHERE title LIKE '%全部指标%'")
            .fetch_one(&app.db.pool)
            .await?;
    if filed == 0 {
        if report::latest(app, 2025).await.map_err(e)?.is_none() {
            fazhi_app::demo_report::seed(app, 2025).await.map_err(e)?;
        }
        for year in [2024, 2025] {
            let units: Vec<String> = clerks.iter().map(|c| c.unit_id.to_string()).collect();
            let f: fazhi_domain::fields::Fields = [
                ("year", year.to_string()),
                ("title", format!("{year}年度全部指标填报")),
                ("due_date", "2026-12-31".to_string()),
                ("keys", keys.join(",")),
                ("unit_ids", units.join(",")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            let round = filing::create_round(app, office, &f).await.map_err(e)?;
            let forms = filing::round(app, office, round).await.map_err(e)?.forms;
            for (n, clerk) in clerks.iter().enumerate() {
                let form = forms
                    .iter()
                    .find(|f| f.unit_id == clerk.unit_id)
                    .context("form")?
                    .id;
                let values = every_key(year as u64 * 10 + n as u64);
                let v = filing::form(app, clerk, form).await.map_err(e)?.version;
                filing::act(app, clerk, form, "submit", &values, Some(v))
                    .await
                    .map_err(e)?;
                let v = filing::form(app, office, form).await.map_err(e)?.version;
                filing::act(app, office, form, "approve", &Default::default(), Some(v))
                    .await
                    .map_err(e)?;
            }
        }
    }
    let id = report::latest(app, 2025)
        .await
        .map_err(e)?
        .context("the demo's 2025 report")?;
    let (d, g) = time(runs, || report::generate(app, office, id)).await?;
    let g = g.1;
    let values = g.values.values.keys.len();
    println!();
    println!("| measurement (annual report 2025) | median of {runs} | result |");
    println!("|---|---|---|");
    println!(
        "| values (records and filed), sentences, check | {} | {values} keys, {} blocks, {} findings |",
        ms(d),
        g.document.blocks.len(),
        g.issues.len()
    );
    let mut sizes = Vec::new();
    for (name, format) in [
        ("DOCX (with charts)", report::Format::Docx),
        ("HTML", report::Format::Html),
        ("Markdown", report::Format::Markdown),
    ] {
        let (d, bytes) = time(runs, || async { report::render(&g.document, format) }).await?;
        sizes.push(bytes.len());
        println!(
            "| render {name} | {} | {:.0} KB |",
            ms(d),
            bytes.len() as f64 / 1e3
        );
    }
    let (d, _) = time(runs, || async {
        let (_, g) = report::generate(app, office, id).await?;
        for f in [
            report::Format::Docx,
            report::Format::Html,
            report::Format::Markdown,
        ] {
            report::render(&g.document, f)?;
        }
        Ok(())
    })
    .await?;
    println!("| **whole report, all three formats** | **{}** | |", ms(d));
    Ok(())
}

/// The 行政应诉 measurements: indicators, lists for three roles, the overdue list, the warnings
/// of every module, a detail, the export.
async fn litigation(app: &App, runs: usize, office: &fazhi_app::Actor) -> Result<()> {
    let who = |u: &'static str| async move {
        auth::actor_by_username(app, u)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    };
    let (clerk, township) = (who("yingsu").await?, who("dongshan").await?);
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM lt_cases")
        .fetch_one(&app.db.pool)
        .await?;
    println!();
    println!("| measurement ({total} lawsuits) | median of {runs} | result |");
    println!("|---|---|---|");
    let (d, v) = time(runs, || {
        app.indicators.clear();
        lt::ENTRY.values(app, office, 2025, None, true)
    })
    .await?;
    println!(
        "| litigation indicators 2025 (with 2024), recounted | {} | {} values, cases = {} |",
        ms(d),
        v.len(),
        v[0].display
    );
    let (d, v) = time(runs, || {
        app.indicators.clear();
        lt::SUGGESTION_ENTRY.values(app, office, 2025, None, true)
    })
    .await?;
    println!(
        "| supervision indicators 2025, recounted | {} | {} values, suggestions = {} |",
        ms(d),
        v.len(),
        v[0].display
    );
    let q = rc::ListQuery {
        year: "2025".into(),
        status: "final".into(),
        ..Default::default()
    };
    for (name, a) in [
        ("依法治区办 (all units)", office),
        ("应诉工作人员 (司法局)", &clerk),
        ("镇街填报员 (one township)", &township),
    ] {
        let (d, p) = time(runs, || lt::list(app, a, &q)).await?;
        println!(
            "| list page 1, year=2025 status=final, {name} | {} | {} of {} |",
            ms(d),
            p.items.len(),
            p.total
        );
    }
    let overdue = rc::ListQuery {
        deadline: "overdue".into(),
        ..Default::default()
    };
    let (d, p) = time(runs, || lt::list(app, office, &overdue)).await?;
    println!(
        "| list page 1, deadline=overdue | {} | {} of {} |",
        ms(d),
        p.items.len(),
        p.total
    );
    let (d, w) = time(runs, || fazhi_app::warnings::all(app, office)).await?;
    println!(
        "| 超期预警, every module | {} | {} entries |",
        ms(d),
        w.len()
    );
    let (d, det) = time(runs, || lt::detail(app, &clerk, total / 2)).await?;
    println!(
        "| lawsuit detail (instances, appearances, deadlines) | {} | {} |",
        ms(d),
        det.case.case_no
    );
    let year = rc::ListQuery {
        year: "2025".into(),
        ..Default::default()
    };
    let (d, bytes) = time(runs.min(3), || lt::export(app, office, &year)).await?;
    println!(
        "| xlsx export, year=2025 | {} | {:.1} MB |",
        ms(d),
        bytes.len() as f64 / 1e6
    );
    Ok(())
}
