//! `fazhi`: the one binary. A thin shell over `fazhi-app` use cases and the `fazhi-web` server.

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use clap::{Parser, Subcommand, ValueEnum};
use fazhi_app::registry::{self, Entry};
use fazhi_app::{
    auth, demo, org, reconsideration as rc, Actor, App, AppError, Config, SystemClock,
};
use fazhi_domain::deadline::{Clock, PeriodUnit};
use fazhi_domain::org::Role;
use fazhi_store::Db;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "fazhi", version, about = "法治政府建设管理平台 Fazhi")]
struct Cli {
    /// Configuration file (TOML); see `fazhi config default`.
    #[arg(long, global = true, env = "FAZHI_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (overrides the file and FAZHI_DATABASE_URL).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the web server.
    Serve {
        #[arg(long)]
        listen: Option<String>,
    },
    /// Create the database if needed, load demo data (once), print the demo accounts and serve.
    Demo {
        /// Number of generated 行政复议 cases.
        #[arg(long, default_value_t = 600)]
        cases: usize,
        /// Load the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply database migrations.
    Migrate {
        /// Create the SQLite file when it does not exist.
        #[arg(long)]
        create: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Compute a legal deadline on the official calendar (暂定 on a year without its notice).
    Deadline {
        /// The start event's date (not counted).
        #[arg(long)]
        from: String,
        #[arg(long, conflicts_with = "days")]
        working_days: Option<u32>,
        #[arg(long)]
        days: Option<u32>,
        /// Print the computation steps (期限计算说明).
        #[arg(long)]
        explain: bool,
    },
    /// The official holiday calendar: `fazhi calendar import NOTICE.txt` reads the State
    /// Council's notice into a year file.
    Calendar {
        #[command(subcommand)]
        cmd: CalendarCmd,
    },
    /// Print a module's indicators for a year, or (`--catalogue`) every indicator key.
    Indicators {
        /// List the indicator catalogue (data/indicators.toml) instead.
        #[arg(long)]
        catalogue: bool,
        #[arg(long, default_value = "reconsideration", value_parser = module_named)]
        module: &'static Entry,
        #[arg(long)]
        year: Option<i32>,
        /// A unit id (with its children).
        #[arg(long)]
        unit: Option<i64>,
        #[arg(long, value_enum, default_value_t = OutFormat::Table)]
        format: OutFormat,
    },
    /// Export a module's case list to .xlsx.
    Export {
        #[arg(long, default_value = "reconsideration", value_parser = module_named)]
        module: &'static Entry,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "")]
        year: String,
        #[arg(long, default_value = "")]
        status: String,
    },
    /// Import 行政复议 applications or 行政应诉 cases from an .xlsx made from the template.
    Import {
        #[arg(long, default_value = "reconsideration", value_parser = module_named)]
        module: &'static Entry,
        file: PathBuf,
        /// Write the template to FILE instead of importing.
        #[arg(long)]
        template: bool,
    },
    /// Make a consistent copy of the database while it is in use (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump --format=custom).
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup made by `fazhi backup` into the configured database (server stopped).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Overwrite a database that already holds data.
        #[arg(long)]
        force: bool,
    },
    /// The audit log: `fazhi audit verify` checks its hash chain.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// The annual report (法治政府建设年度报告).
    Report {
        #[command(subcommand)]
        cmd: ReportCmd,
    },
    /// Analyse published annual reports (.txt, .html, .docx; UTF-8, UTF-16 or GB18030): facts,
    /// outline, figures and checks; `--compare` puts the places side by side.
    Analyze {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = AnalyzeFormat::Table)]
        format: AnalyzeFormat,
        /// Print places × indicators and write the workbook (to --out, else 报告对比.xlsx).
        #[arg(long)]
        compare: bool,
        /// Output file of the workbook (required with --format xlsx).
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
        /// Use the (one) report as the baseline of its year (已发布报告作为基线): print which of
        /// its figures would become filed values and file them as a closed round with one
        /// approved form of the root unit.
        #[arg(long, conflicts_with_all = ["compare", "format", "out"])]
        baseline: bool,
        /// With --baseline: print the plan only, write nothing.
        #[arg(long, requires = "baseline")]
        dry_run: bool,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        cmd: ConfigCmd,
    },
}

#[derive(Subcommand)]
enum ReportCmd {
    /// Generate the year's report: the latest stored version, or (when the year has none) the
    /// skeleton with its data sentences. Findings of the check go to standard error.
    Annual {
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value_t = ReportFormat::Docx)]
        format: ReportFormat,
        /// Output file.
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Docx,
    Html,
    Md,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account; the password is read from standard input (or FAZHI_PASSWORD).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Unit name (as in the unit tree).
        #[arg(long)]
        unit: String,
        /// Role code or Chinese name; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Do not require a new password at first login (the operator is the account's owner).
        #[arg(long)]
        keep_password: bool,
    },
    /// List accounts.
    List,
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the hash chain and report the first broken link (exit status 1 if any).
    Verify {
        /// Also check a checkpoint file (`audit-checkpoints.jsonl`): each line's signature, and
        /// that its entry is still in the chain with the same hash.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Write a signed checkpoint of the chain's head to `audit.checkpoint_dir` (and syslog).
    Checkpoint,
}

#[derive(Subcommand)]
enum CalendarCmd {
    /// Read 国务院办公厅关于YYYY年部分节假日安排的通知 (the text as published, UTF-8) and print
    /// what it says; with --write, save it as YYYY.toml in `calendar_dir` (audited). The file
    /// takes effect when the server next starts.
    Import {
        /// The notice's text file ("-" for standard input).
        file: PathBuf,
        /// Write the year file into the configured `calendar_dir`.
        #[arg(long)]
        write: bool,
        /// With --write: replace an existing YYYY.toml in `calendar_dir`.
        #[arg(long, requires = "write")]
        force: bool,
        /// The notice's address (gov.cn), recorded as the file's source; repeat for several.
        #[arg(long = "source")]
        sources: Vec<String>,
    },
    /// Recompute every open provisional (暂定) deadline on the calendar as now loaded (shipped
    /// years plus `calendar_dir`), in one audited transaction, and print each case whose due date
    /// moved. Also done at every server start and after `import --write`.
    Recompute,
}

#[derive(Subcommand)]
enum ConfigCmd {
    /// Print the commented default configuration.
    Default,
}

/// A statutory module by its name in the registry (`--module reconsideration`).
fn module_named(name: &str) -> Result<&'static Entry, String> {
    registry::find(name).ok_or_else(|| {
        let known: Vec<String> = registry::MODULES
            .iter()
            .map(|m| format!("{}（{}）", m.name, m.label))
            .collect();
        format!("未知的模块“{name}”，可选：{}", known.join("、"))
    })
}

/// The module's Excel, or the error saying it has none.
fn excel_of(m: &'static Entry) -> anyhow::Result<&'static fazhi_app::kernel::Excel> {
    m.excel
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("{}没有Excel导入导出", m.label))
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AnalyzeFormat {
    Table,
    Json,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutFormat {
    Table,
    Json,
}

fn load_config(cli: &Cli) -> Result<Config> {
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    if let Some(path) = &cli.config {
        if !path.exists() {
            bail!("配置文件不存在：{}", path.display());
        }
        fig = fig.merge(Toml::file(path));
    }
    // Only variables naming a setting are read (FAZHI_DATABASE_URL, FAZHI_SESSION__IDLE_MINUTES,
    // …); others with the prefix (FAZHI_LOG, FAZHI_PASSWORD, test switches) are not settings.
    let keys: Vec<String> = serde_json::to_value(Config::default())?
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    fig = fig.merge(
        Env::prefixed("FAZHI_")
            .filter(move |k| {
                let k = k.as_str().to_ascii_lowercase();
                keys.iter()
                    .any(|key| k.split("__").next() == Some(key.as_str()))
            })
            .split("__"),
    );
    if let Some(url) = &cli.database_url {
        fig = fig.merge(Serialized::default("database_url", url));
    }
    fig.extract().context("配置有误")
}

async fn open_app(config: Config, create: bool) -> Result<App> {
    let db = Db::connect(&config.database_url, create)
        .await
        .with_context(|| {
            format!(
                "无法打开数据库 {}",
                fazhi_store::redact(&config.database_url)
            )
        })?;
    db.migrate().await.context("数据库迁移失败")?;
    App::new(db, config, Arc::new(SystemClock))
}

fn show(e: AppError) -> anyhow::Error {
    match e {
        AppError::Rows(rows) => {
            let lines: Vec<String> = rows
                .iter()
                .map(|r| format!("  第{}行 {}：{}", r.row, r.column, r.message))
                .collect();
            anyhow::anyhow!(
                "文件中有{}处错误，未导入任何数据：\n{}",
                rows.len(),
                lines.join("\n")
            )
        }
        AppError::Domain(d) => anyhow::anyhow!("{}（{}）", d.message, d.code),
        other => anyhow::anyhow!("{}", other.user_message()),
    }
}

/// `fazhi calendar import`: reads and prints; with `write`, saves (nothing on any error).
async fn calendar_import(
    config: Config,
    file: &std::path::Path,
    write: bool,
    force: bool,
    sources: &[String],
) -> Result<()> {
    let mut bytes = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes)?;
    } else {
        bytes =
            std::fs::read(file).with_context(|| format!("无法读取通知文件 {}", file.display()))?;
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("通知文件 {} 不是 UTF-8 编码的文本", file.display()))?;
    let dir = config.calendar_dir.clone();
    let p = fazhi_app::calendar_import::preview(dir.as_deref(), &text, sources).map_err(show)?;
    for line in &p.summary {
        println!("{line}");
    }
    if !write {
        match (&p.path, p.exists) {
            (Some(path), true) => println!(
                "（未写入。{} 已存在，加 --write --force 以本通知替换）",
                path.display()
            ),
            (Some(path), false) => println!("（未写入。加 --write 保存为 {}）", path.display()),
            (None, _) => println!("（未写入。保存前请在配置文件中设置 calendar_dir）"),
        }
        return Ok(());
    }
    if dir.is_none() {
        bail!("未配置节假日数据目录（配置项 calendar_dir），无法保存节假日安排。请在配置文件中设置 calendar_dir 后重试");
    }
    if p.exists && !force {
        bail!(
            "节假日数据文件 {} 已存在，未覆盖。如需以本通知替换，请加 --force",
            p.path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
    }
    let app = open_app(config.clone(), false).await?;
    let mut actor = cli_actor(&app, "命令行 fazhi calendar import").await?;
    // Whoever runs the server's command line with its configuration keeps the system's data: he
    // acts as the 系统管理员 here (the permission the calendar page asks for).
    actor.roles.push(Role::SysAdmin);
    let p = fazhi_app::calendar_import::write(&app, &actor, &text, sources, force)
        .await
        .map_err(show)?;
    println!(
        "已写入 {}（{}年节假日安排），运行中的服务重新启动后生效",
        p.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        p.notice.year
    );
    // The file is in `calendar_dir`, which this process's configuration reads: a calendar loaded
    // now includes it, so the provisional deadlines are recomputed at once.
    drop(app);
    match open_app(config, false).await {
        Ok(app) if app.cal().covered_years().contains(&p.notice.year) => {
            recompute(&app, "命令行 fazhi calendar import").await?;
        }
        _ => println!("暂定期限将在服务下次启动时按新的节假日安排重新计算"),
    }
    Ok(())
}

/// Recomputes the provisional deadlines on `app`'s calendar and prints what moved.
async fn recompute(app: &App, purpose: &str) -> Result<()> {
    let actor = cli_actor(app, purpose).await?;
    let out = fazhi_app::recompute::run(app, &actor).await.map_err(show)?;
    for line in recompute_lines(&out) {
        println!("{line}");
    }
    Ok(())
}

/// The command's report of a run, in Chinese.
fn recompute_lines(out: &fazhi_app::recompute::Outcome) -> Vec<String> {
    if out.items.is_empty() {
        return vec!["暂定期限重新计算：没有需要调整的期限，未作任何修改".into()];
    }
    let moved: Vec<_> = out.moved().collect();
    let mut lines = vec![format!(
        "暂定期限重新计算：共{}项期限按正式节假日安排重新计算，其中{}项到期日变动{}",
        out.items.len(),
        moved.len(),
        if moved.is_empty() { "" } else { "：" }
    )];
    lines.extend(moved.iter().map(|i| format!("  {}", i.line())));
    let same = out.items.len() - moved.len();
    if same > 0 {
        lines.push(format!(
            "另有{same}项期限到期日未变，已不再为暂定或仍待后续年度安排"
        ));
    }
    lines
}

/// At server start: the calendar was just loaded, so an official year added since the last start
/// is applied now. A failure is reported and the server starts anyway (the deadlines stay 暂定).
async fn recompute_at_start(app: &App) {
    if org::all_units(app)
        .await
        .map(|u| u.is_empty())
        .unwrap_or(true)
    {
        return;
    }
    // Said on standard error, and only when something changed: standard output's first line is
    // the server's "已启动" (scripts and the crash test wait for it).
    let run = async {
        let actor = cli_actor(app, "服务启动").await?;
        fazhi_app::recompute::run(app, &actor).await.map_err(show)
    };
    match run.await {
        Ok(out) if out.items.is_empty() => {}
        Ok(out) => {
            for line in recompute_lines(&out) {
                eprintln!("{line}");
            }
        }
        Err(e) => eprintln!("暂定期限重新计算失败（期限仍标为暂定，下次启动时重试）：{e:#}"),
    }
}

async fn cli_actor(app: &App, purpose: &str) -> Result<Actor> {
    let root: i64 = org::all_units(app)
        .await
        .map_err(show)?
        .first()
        .map(|u| u.id)
        .context("数据库尚未初始化（请先运行 fazhi demo 或建立行政区划）")?;
    Ok(Actor::system(purpose, root))
}

async fn serve(app: App, listen: &str) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 {listen}"))?;
    println!(
        "法治政府建设管理平台已启动：http://{}",
        listener.local_addr()?
    );
    // The daily signed checkpoint of the audit log, outside the database (when configured).
    let _checkpoints = fazhi_app::checkpoint::spawn_daily(app.clone())?;
    fazhi_web::serve(app, listener).await?;
    Ok(())
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FAZHI_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("错误：{e:#}");
        std::process::exit(1);
    }
}

/// Reads a report file (.txt, .html, .docx) as text; an empty, binary or undecodable file is
/// refused with a message naming it.
fn read_report(path: &std::path::Path) -> Result<String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("无法读取文件 {name}"))?;
    fazhi_text::read_document(&name, &bytes)
        .map(|d| d.text)
        .map_err(|e| anyhow::anyhow!(e.message(&name)))
}

fn analyze(
    files: &[PathBuf],
    format: AnalyzeFormat,
    compare: bool,
    out: Option<&std::path::Path>,
) -> Result<()> {
    let mut results = Vec::new();
    for path in files {
        let text = read_report(path)?;
        results.push((path.display().to_string(), fazhi_text::analyze(&text)));
    }
    let workbook_to = match (format, compare, out) {
        (AnalyzeFormat::Xlsx, _, None) => bail!("--format xlsx 需要用 -o 指定输出文件"),
        (AnalyzeFormat::Xlsx, _, Some(p)) | (_, true, Some(p)) => Some(p.to_path_buf()),
        (_, true, None) => Some(PathBuf::from("报告对比.xlsx")),
        _ => None,
    };
    let comparison = compare.then(|| {
        let named: Vec<(&str, &fazhi_text::Analysis)> =
            results.iter().map(|(n, a)| (n.as_str(), a)).collect();
        fazhi_text::compare::compare(&named)
    });
    if let (Some(c), AnalyzeFormat::Table) = (&comparison, format) {
        print!("{:<40}\t指标", "指标键");
        for p in &c.places {
            print!("\t{}", p.heading());
        }
        println!();
        for r in &c.rows {
            print!("{:<40}\t{}", r.key, r.label);
            for cell in &r.cells {
                match cell {
                    // 约24%, 逾300卷: an approximate figure is never shown as exact.
                    Some(cell) if cell.qualifier != fazhi_text::number::Qualifier::Exact => {
                        print!("\t{}{}{}", cell.qualifier.label(), cell.value, cell.unit)
                    }
                    Some(cell) => print!("\t{}{}", cell.value, cell.unit),
                    None => print!("\t—"),
                }
            }
            println!();
        }
    }
    match format {
        AnalyzeFormat::Json => {
            let mut objects = Vec::new();
            for (name, a) in &results {
                let mut v = serde_json::to_value(a)?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("file".into(), name.clone().into());
                }
                objects.push(v);
            }
            // With --compare: {"reports": [...], "comparison": {places, rows}}.
            let out = match &comparison {
                Some(c) => serde_json::json!({"reports": objects, "comparison": c}),
                None if objects.len() == 1 => objects.pop().unwrap_or_default(),
                None => serde_json::Value::Array(objects),
            };
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        AnalyzeFormat::Table if !compare => {
            for (name, a) in &results {
                println!(
                    "{}\t{}\t{}",
                    name,
                    a.title.as_deref().unwrap_or("（无标题）"),
                    a.year.map_or("—".to_string(), |y| format!("{y}年"))
                );
                for f in &a.figures {
                    println!(
                        "  {:<40} {:>14} {:>6}  {}",
                        f.key.as_deref().unwrap_or(&f.label),
                        format!("{}{}", f.value, f.unit),
                        f.year.map_or("—".to_string(), |y| y.to_string()),
                        f.quote
                    );
                }
            }
        }
        AnalyzeFormat::Table | AnalyzeFormat::Xlsx => {}
    }
    if let Some(path) = workbook_to {
        let bytes = fazhi_app::analysis::workbook(&results).map_err(show)?;
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        eprintln!("已写入 {}", path.display());
    }
    Ok(())
}

/// Reads the one report of `--baseline`, prints its plan (values filed, figures skipped with the
/// reason) and returns the analysis with its source.
fn baseline_plan(files: &[PathBuf]) -> Result<(fazhi_text::Analysis, fazhi_app::baseline::Source)> {
    let [path] = files else {
        bail!("--baseline 一次只能用一份报告");
    };
    let name = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("无法读取文件 {name}"))?;
    let text = fazhi_text::read_document(&name, &bytes)
        .map(|d| d.text)
        .map_err(|e| anyhow::anyhow!(e.message(&name)))?;
    let analysis = fazhi_text::analyze(&text);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(name);
    let source = fazhi_app::baseline::Source::of(&analysis, &file_name, &bytes);
    let plan = fazhi_app::baseline::plan(&analysis);
    println!(
        "《{}》\t{}",
        source.title,
        plan.year
            .map_or("年度未识别".to_string(), |y| format!("{y}年"))
    );
    println!("将填报的数值（{}项）：", plan.values.len());
    for v in &plan.values {
        println!("  {:<40} {:>14}{}  “{}”", v.key, v.text, v.unit, v.quote);
    }
    println!("未填报的数值（{}项）：", plan.skipped.len());
    for s in &plan.skipped {
        println!(
            "  {:<40} {:>14}  {}（{}）",
            s.key.as_deref().unwrap_or(&s.label),
            s.printed,
            s.reason,
            s.quote
        );
    }
    Ok((analysis, source))
}

async fn run(cli: Cli) -> Result<()> {
    if let Cmd::Analyze {
        files,
        format,
        compare,
        out,
        baseline,
        dry_run,
    } = &cli.cmd
    {
        if !baseline {
            return analyze(files, *format, *compare, out.as_deref());
        }
        if *dry_run {
            return baseline_plan(files).map(|_| ());
        }
    }
    let config = load_config(&cli)?;
    match cli.cmd {
        Cmd::Analyze { files, .. } => {
            let (analysis, source) = baseline_plan(&files)?;
            let Some(year) = analysis.year else {
                bail!("未识别出报告年度，不能作为基线填报");
            };
            let app = open_app(config, false).await?;
            let actor = cli_actor(&app, "命令行 fazhi analyze --baseline").await?;
            let before = fazhi_app::baseline::existing(&app, year, &source.sha256)
                .await
                .map_err(show)?;
            let round = fazhi_app::baseline::apply(&app, &actor, &source, &analysis, year)
                .await
                .map_err(show)?;
            match before {
                Some(_) => println!(
                    "该报告已作为{year}年的基线填报过（填报轮次 {round}），未重复填报：/filing/rounds/{round}"
                ),
                None => println!("已填报为{year}年的基线：填报轮次 {round}，/filing/rounds/{round}"),
            }
        }
        Cmd::Config {
            cmd: ConfigCmd::Default,
        } => print!("{}", fazhi_app::config::EXAMPLE_TOML),
        Cmd::Calendar {
            cmd:
                CalendarCmd::Import {
                    file,
                    write,
                    force,
                    sources,
                },
        } => calendar_import(config, &file, write, force, &sources).await?,
        Cmd::Calendar {
            cmd: CalendarCmd::Recompute,
        } => {
            let app = open_app(config, false).await?;
            recompute(&app, "命令行 fazhi calendar recompute").await?;
        }
        Cmd::Deadline {
            from,
            working_days,
            days,
            explain,
        } => {
            // Provisional years reach five years past today (or the last official year).
            let cal = config
                .load_calendar()?
                .with_today(fazhi_app::Clock::today(&fazhi_app::SystemClock));
            let start: NaiveDate =
                fazhi_domain::reconsideration::parse_date(&from, "from", "起算日期")
                    .map_err(|e| anyhow::anyhow!(e.message))?;
            let (n, unit) = match (working_days, days) {
                (Some(n), None) => (n, PeriodUnit::WorkingDays),
                (None, Some(n)) => (n, PeriodUnit::CalendarDays),
                _ => bail!("请指定 --working-days N 或 --days N"),
            };
            let c = Clock::new(start, "起算日", n, unit, "命令行计算")
                .compute(&cal)
                .map_err(|e| anyhow::anyhow!("{}（{}）", e.message, e.code))?;
            match c.due {
                Some(d) if c.provisional => println!("{d}（暂定）"),
                Some(d) => println!("{d}"),
                None => println!("暂停计算"),
            }
            if c.provisional && !explain {
                // The provisional notes are the last steps; --explain prints them with the rest.
                for s in c.steps.iter().filter(|s| s.contains("放假安排尚未发布")) {
                    println!("{s}");
                }
            }
            if explain {
                for (i, s) in c.steps.iter().enumerate() {
                    println!("{}. {s}", i + 1);
                }
            }
        }
        Cmd::Migrate { create } => {
            open_app(config, create).await?;
            println!("数据库迁移完成");
        }
        Cmd::Serve { listen } => {
            let listen = listen.unwrap_or_else(|| config.listen.clone());
            let app = open_app(config, false).await?;
            recompute_at_start(&app).await;
            serve(app, &listen).await?;
        }
        Cmd::Demo {
            cases,
            no_serve,
            listen,
        } => {
            let listen = listen.unwrap_or_else(|| config.listen.clone());
            let app = open_app(config, true).await?;
            if app.db.is_empty().await? {
                println!("正在生成演示数据（示例区，{cases}件行政复议案件）……");
            }
            let created = demo::seed(&app, cases).await.map_err(show)?;
            if !created {
                println!("数据库中已有数据，未重复生成演示数据。");
            }
            let last = app
                .cal()
                .covered_years()
                .last()
                .copied()
                .unwrap_or_default();
            if app.today().year() >= last && app.today().month() >= 11 {
                println!("提示：国务院{}年放假安排尚未录入，期限届满日落在该年的按法定节假日暂算，并标注“暂定”；通知发布后请用 fazhi calendar import 录入（见 README“配置”）。", last + 1);
            }
            recompute_at_start(&app).await;
            println!("演示账号（密码均为 {}）：", demo::DEMO_PASSWORD);
            for a in demo::accounts() {
                println!("  {:<10} {}（{}，{}）", a.username, a.name, a.role, a.unit);
            }
            if !no_serve {
                println!(
                    "请用浏览器打开 http://{listen} 并以上述账号登录，例如 fuyi / {}",
                    demo::DEMO_PASSWORD
                );
                serve(app, &listen).await?;
            }
        }
        Cmd::User { cmd } => {
            let app = open_app(config, false).await?;
            match cmd {
                UserCmd::List => {
                    let actor = Actor {
                        roles: vec![Role::SysAdmin],
                        ..cli_actor(&app, "命令行").await?
                    };
                    for u in auth::list_users(&app, &actor).await.map_err(show)? {
                        println!(
                            "{:<12} {:<8} {:<20} {}{}",
                            u.username,
                            u.display_name,
                            u.unit_name,
                            u.roles,
                            if u.active { "" } else { "（停用）" }
                        );
                    }
                }
                UserCmd::Add {
                    username,
                    name,
                    unit,
                    roles,
                    keep_password,
                } => {
                    let unit_id = org::find_unit_by_name(&app, &unit)
                        .await
                        .map_err(show)?
                        .with_context(|| format!("单位“{unit}”不存在"))?;
                    let roles = roles
                        .iter()
                        .map(|r| Role::from_code(r))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| anyhow::anyhow!(e.message))?;
                    let password = match std::env::var("FAZHI_PASSWORD") {
                        Ok(p) => p,
                        Err(_) => {
                            eprintln!("请输入新账号的密码（回车结束）：");
                            let mut s = String::new();
                            std::io::stdin().read_to_string(&mut s)?;
                            s.lines().next().unwrap_or_default().to_string()
                        }
                    };
                    let actor = cli_actor(&app, "命令行 fazhi user add").await?;
                    let id = auth::create_user(
                        &app,
                        &actor,
                        auth::NewUser {
                            username: username.clone(),
                            display_name: name,
                            unit_id,
                            roles,
                            password,
                            must_change_password: !keep_password,
                        },
                    )
                    .await
                    .map_err(show)?;
                    println!("已创建账号 {username}（id {id}）");
                }
            }
        }
        Cmd::Indicators {
            catalogue: true,
            format,
            ..
        } => {
            let cat = fazhi_domain::catalogue::Catalogue::embedded();
            match format {
                OutFormat::Json => println!("{}", serde_json::to_string_pretty(cat)?),
                OutFormat::Table => {
                    for e in &cat.entries {
                        let source = match e.source {
                            fazhi_domain::catalogue::Source::Computed => "系统计算",
                            fazhi_domain::catalogue::Source::Filed => "单位填报",
                        };
                        println!("{:<42} {:<24} {:<6} {source}", e.key, e.label, e.unit);
                    }
                }
            }
        }
        Cmd::Indicators {
            module,
            year,
            unit,
            format,
            ..
        } => {
            let app = open_app(config, false).await?;
            let actor = cli_actor(&app, "命令行").await?;
            let year = year.unwrap_or_else(|| app.today().year());
            let values = module
                .values(&app, &actor, year, unit, true)
                .await
                .map_err(show)?;
            match format {
                OutFormat::Json => println!("{}", serde_json::to_string_pretty(&values)?),
                OutFormat::Table => {
                    println!(
                        "{:<40} {:<18} {:>14} {:>14}  同比",
                        "指标键",
                        "指标",
                        format!("{year}年"),
                        format!("{}年", year - 1)
                    );
                    for v in values {
                        println!(
                            "{:<40} {:<18} {:>14} {:>14}  {}",
                            v.key,
                            v.label,
                            v.display,
                            v.previous.display(v.unit),
                            v.change.unwrap_or_default()
                        );
                    }
                }
            }
        }
        Cmd::Export {
            module,
            out,
            year,
            status,
        } => {
            let app = open_app(config, false).await?;
            let actor = cli_actor(&app, "命令行 fazhi export").await?;
            let q = rc::ListQuery {
                year,
                status,
                ..Default::default()
            };
            let bytes = (excel_of(module)?.export)(&app, &actor, &q)
                .await
                .map_err(show)?;
            std::fs::write(&out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
            println!("已导出到 {}", out.display());
        }
        Cmd::Import {
            module,
            file,
            template,
        } => {
            if template {
                let bytes = (excel_of(module)?.template)();
                std::fs::write(&file, bytes.map_err(show)?)?;
                println!("导入模板已写入 {}", file.display());
                return Ok(());
            }
            let app = open_app(config, false).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let mut actor = cli_actor(&app, "命令行 fazhi import").await?;
            actor.unit_id = org::find_unit_by_name(&app, "区司法局")
                .await
                .map_err(show)?
                .unwrap_or(actor.unit_id);
            let nos = (excel_of(module)?.import)(&app, &actor, &bytes)
                .await
                .map_err(show)?;
            println!("已导入{}件：{}", nos.len(), nos.join("、"));
        }
        Cmd::Audit {
            cmd: AuditCmd::Verify { checkpoint },
        } => {
            let app = open_app(config, false).await?;
            let r = fazhi_app::audit::verify_chain(&app).await.map_err(show)?;
            if r.unchained > 0 {
                println!("哈希链建立前的日志{}条（不在校验范围内）", r.unchained);
            }
            let mut failed = false;
            match r.broken {
                None => {
                    println!(
                        "审计日志完整：已校验{}条，链头哈希 {}",
                        r.verified, r.head_hash
                    );
                }
                Some((seq, why)) => {
                    println!(
                        "审计日志校验未通过：前{}条完好；第{seq}条：{why}",
                        r.verified
                    );
                    failed = true;
                }
            }
            if let Some(file) = checkpoint {
                let c = fazhi_app::checkpoint::verify(&app, &file).await?;
                for f in &c.findings {
                    println!(
                        "审计检查点不符：{} 第{}行{}：{}",
                        file.display(),
                        f.line,
                        match (&f.seq, &f.at) {
                            (Some(seq), Some(at)) => format!("（第{seq}条，{at}）"),
                            _ => String::new(),
                        },
                        f.problem
                    );
                }
                if c.findings.is_empty() {
                    println!("审计检查点相符：{}个检查点均在日志中", c.held);
                } else {
                    failed = true;
                }
            }
            if failed {
                std::process::exit(1);
            }
        }
        Cmd::Audit {
            cmd: AuditCmd::Checkpoint,
        } => {
            let app = open_app(config, false).await?;
            let (cp, path) = fazhi_app::checkpoint::write(&app).await?;
            println!(
                "已写入审计检查点：第{}条，链头哈希 {}，共{}条日志（{}）",
                cp.seq,
                cp.hash,
                cp.count,
                path.display()
            );
        }
        Cmd::Report {
            cmd: ReportCmd::Annual { year, format, out },
        } => {
            use fazhi_app::report;
            let app = open_app(config, false).await?;
            let actor = cli_actor(&app, "命令行 fazhi report").await?;
            let format = match format {
                ReportFormat::Docx => report::Format::Docx,
                ReportFormat::Html => report::Format::Html,
                ReportFormat::Md => report::Format::Markdown,
            };
            let (bytes, issues) = match report::latest(&app, year).await.map_err(show)? {
                Some(id) => {
                    let (bytes, name, issues) = report::export(&app, &actor, id, format)
                        .await
                        .map_err(show)?;
                    let d = report::detail(&app, &actor, id).await.map_err(show)?;
                    eprintln!("{name}：{}", d.report.status_label);
                    (bytes, issues)
                }
                None => {
                    let (_, government, name) = fazhi_app::org::root(&app).await.map_err(show)?;
                    let content =
                        fazhi_domain::report::ReportContent::skeleton(&name, &government, year);
                    let settings = fazhi_domain::report::ReportSettings::default();
                    let g = report::generate_content(&app, year, &content, &settings, None)
                        .await
                        .map_err(show)?;
                    (
                        report::render_for(&app, &g.document, format).map_err(show)?,
                        g.issues,
                    )
                }
            };
            std::fs::write(&out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
            for i in &issues {
                eprintln!("提示：{}：{}", i.kind_label, i.message);
            }
            println!("已生成 {}", out.display());
        }
        Cmd::Backup { out } => {
            let app = open_app(config, false).await?;
            app.db.backup(&app.config.database_url, &out).await?;
            println!("已备份到 {}", out.display());
        }
        Cmd::Restore { from, force } => {
            fazhi_store::restore(&from, &config.database_url, force).await?;
            let app = open_app(config, false).await?;
            let r = fazhi_app::audit::verify_chain(&app).await.map_err(show)?;
            println!(
                "已从 {} 恢复；审计日志{}",
                from.display(),
                match r.broken {
                    None => format!("完整（{}条）", r.verified),
                    Some((seq, why)) => format!("校验未通过：第{seq}条 {why}"),
                }
            );
        }
    }
    Ok(())
}
