//! A browser-like client for the HTTP tests: signs in through the API, then sends pages' requests
//! with the session cookie (and CSRF token) or the API's with the bearer token; redirects are not
//! followed, so a test sees each `303` and its `Location`.

use serde_json::{json, Value};

/// A signed-in user: the session as a cookie (pages) and a bearer token (API), the CSRF token.
pub struct User {
    pub token: String,
    pub csrf: String,
}

/// The server under test.
pub struct Web {
    pub base: String,
    pub http: reqwest::Client,
}

/// An answer: status, `Location`, content type, headers, body.
pub struct Answer {
    pub status: u16,
    pub location: String,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The body as text, with the slashes the templates escape in attributes (`&#x2f;`) read back.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).replace("&#x2f;", "/")
    }

    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

impl Web {
    /// A client of the server at `base` (as [`crate::spawn`] returns it).
    pub fn new(base: String) -> Self {
        Web {
            base,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
        }
    }

    /// Signs in a demo account (its published password).
    pub async fn login(&self, username: &str) -> User {
        let r = self
            .http
            .post(format!("{}/api/v1/session", self.base))
            .json(&json!({"username": username, "password": fazhi_app::demo::DEMO_PASSWORD}))
            .send()
            .await
            .expect("login request");
        assert_eq!(r.status(), 201, "login {username}");
        let b: Value = r.json().await.expect("login answer");
        User {
            token: b["token"].as_str().unwrap_or_default().to_string(),
            csrf: b["csrf_token"].as_str().unwrap_or_default().to_string(),
        }
    }

    /// Sends a request and reads the whole answer.
    pub async fn answer(r: reqwest::RequestBuilder) -> Answer {
        let r = r.send().await.expect("request");
        let header = |k: &str| {
            r.headers()
                .get(k)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (status, location, content_type) = (
            r.status().as_u16(),
            header("location"),
            header("content-type"),
        );
        let headers = r.headers().clone();
        let bytes = r.bytes().await.expect("body").to_vec();
        Answer {
            status,
            location,
            content_type,
            headers,
            bytes,
        }
    }

    pub fn cookie(u: &User) -> String {
        format!("{}={}", fazhi_web::SESSION_COOKIE, u.token)
    }

    /// A page.
    pub async fn get(&self, u: &User, path: &str) -> Answer {
        Self::answer(
            self.http
                .get(format!("{}{path}", self.base))
                .header("cookie", Self::cookie(u)),
        )
        .await
    }

    /// Posts a page form with the user's CSRF token.
    pub async fn post(&self, u: &User, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut f: Vec<(&str, &str)> = vec![("csrf_token", u.csrf.as_str())];
        f.extend_from_slice(fields);
        Self::answer(
            self.http
                .post(format!("{}{path}", self.base))
                .header("cookie", Self::cookie(u))
                .form(&f),
        )
        .await
    }

    /// Posts a multipart page form (text fields, as an upload form sends them) with the user's
    /// CSRF token.
    pub async fn post_multipart(&self, u: &User, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut form = reqwest::multipart::Form::new().text("csrf_token", u.csrf.clone());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        Self::answer(
            self.http
                .post(format!("{}{path}", self.base))
                .header("cookie", Self::cookie(u))
                .multipart(form),
        )
        .await
    }
}

/// Signs in through the login page as a browser does: GET the page (its form's token and the
/// cookie holding the same), then POST the form with `fields` (user name, password, next).
/// Returns the answer to the POST (a `303` to the next page on success).
pub async fn page_login(
    http: &reqwest::Client,
    base: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = http
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page");
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("fazhi_login="))
        .and_then(|v| v.split(';').next())
        .expect("login cookie")
        .to_string();
    let html = page.text().await.expect("login page body");
    let token = html
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("login form token")
        .to_string();
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    http.post(format!("{base}/login"))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .expect("login form")
}
