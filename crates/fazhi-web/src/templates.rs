//! The page templates, compiled into the binary (the server needs no files beside it), rendered
//! by minijinja with HTML autoescaping.

use minijinja::Environment;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("password.html", include_str!("../templates/password.html")),
    ("security.html", include_str!("../templates/security.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("rc_list.html", include_str!("../templates/rc_list.html")),
    (
        "rc_detail.html",
        include_str!("../templates/rc_detail.html"),
    ),
    ("form.html", include_str!("../templates/form.html")),
    ("import.html", include_str!("../templates/import.html")),
    ("lt_list.html", include_str!("../templates/lt_list.html")),
    (
        "lt_detail.html",
        include_str!("../templates/lt_detail.html"),
    ),
    (
        "lt_suggestions.html",
        include_str!("../templates/lt_suggestions.html"),
    ),
    (
        "lt_suggestion.html",
        include_str!("../templates/lt_suggestion.html"),
    ),
    ("warnings.html", include_str!("../templates/warnings.html")),
    (
        "indicators.html",
        include_str!("../templates/indicators.html"),
    ),
    ("audit.html", include_str!("../templates/audit.html")),
    ("users.html", include_str!("../templates/users.html")),
    ("calendar.html", include_str!("../templates/calendar.html")),
    ("st_home.html", include_str!("../templates/st_home.html")),
    ("st_round.html", include_str!("../templates/st_round.html")),
    ("st_form.html", include_str!("../templates/st_form.html")),
    ("rp_list.html", include_str!("../templates/rp_list.html")),
    (
        "rp_detail.html",
        include_str!("../templates/rp_detail.html"),
    ),
    ("rp_edit.html", include_str!("../templates/rp_edit.html")),
    ("an_list.html", include_str!("../templates/an_list.html")),
    (
        "an_detail.html",
        include_str!("../templates/an_detail.html"),
    ),
    (
        "an_baseline.html",
        include_str!("../templates/an_baseline.html"),
    ),
    (
        "an_compare.html",
        include_str!("../templates/an_compare.html"),
    ),
    (
        "recompute.html",
        include_str!("../templates/recompute.html"),
    ),
];

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Autoescape every template as HTML (names end in .html).
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
    for (name, src) in TEMPLATES {
        env.add_template(name, src).expect("templates compile");
    }
    env.add_filter("date_cn", |s: String| -> String {
        s.parse::<chrono::NaiveDate>()
            .map(fazhi_domain::calendar::format_date_cn)
            .unwrap_or(s)
    });
    // Stored timestamps are RFC 3339 in UTC; users read them in Beijing time (UTC+8), or a
    // record made after 16:00 UTC would show the day before.
    env.add_filter("time_cn", |s: String| -> String {
        let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
        chrono::DateTime::parse_from_rfc3339(&s)
            .map(|t| {
                t.with_timezone(&beijing)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or(s)
    });
    env
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_shown_in_beijing_time() {
        let env = super::environment();
        let t = env
            .template_from_str("{{ t|time_cn }} {{ (t|time_cn)[:10]|date_cn }}")
            .unwrap();
        let out = t
            .render(minijinja::context! { t => "2026-12-04T17:20:05.123Z" })
            .unwrap();
        assert_eq!(out, "2026-12-05 01:20 2026年12月5日");
    }

    #[test]
    fn all_templates_compile() {
        let env = super::environment();
        assert!(env.get_template("rc_detail.html").is_ok());
    }
}
