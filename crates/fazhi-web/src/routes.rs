//! Routes and their access rules, declared together: a route is added to the router and to the
//! access table ([`crate::routes`]) by one call, so the table cannot drift from the routers. The
//! authorisation matrix tests (`fazhi-testkit/tests/authz*.rs`) call every route in the table
//! with users of every role.

use crate::AppState;
use axum::handler::Handler;
use axum::routing::{delete, get, post, MethodRouter};
use axum::Router;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (login, the style sheet, the OpenAPI document).
    Public,
    /// Any signed-in user, about himself or shared reference data (own session and password, the
    /// calendar, the home page, the blank import template).
    Own,
    /// Case records, filtered by role and unit scope: outside it, 403/404 or an empty result.
    ReadScoped,
    /// Changes an existing case record: needs the write permission and the record in the
    /// caller's write scope. (Registering and importing create records in the caller's own unit
    /// and are declared `Needs(` the module's write permission `)`.)
    WriteScoped,
    /// Needs this permission, whatever the unit.
    Needs(fazhi_domain::org::Permission),
    /// Account administration: the 系统管理员 or the 安全管理员, each for his own steps.
    AccountAdmin,
    /// Needs any one of these permissions.
    AnyOf(&'static [fazhi_domain::org::Permission]),
}

/// A route as the access table lists it; API paths with their `/api/v1` prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: String,
    pub access: Access,
}

/// The router being built and its access table.
#[derive(Default)]
pub(crate) struct Routes {
    router: Router<AppState>,
    table: Vec<Route>,
}

impl Routes {
    pub(crate) fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        access: Access,
        h: H,
    ) -> Self {
        self.add("GET", path, access, get(h))
    }

    pub(crate) fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        access: Access,
        h: H,
    ) -> Self {
        self.add("POST", path, access, post(h))
    }

    pub(crate) fn delete<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        access: Access,
        h: H,
    ) -> Self {
        self.add("DELETE", path, access, delete(h))
    }

    /// axum merges the method routers of one path, so a path's methods may be added one by one.
    fn add(
        mut self,
        method: &'static str,
        path: &str,
        access: Access,
        m: MethodRouter<AppState>,
    ) -> Self {
        self.router = self.router.route(path, m);
        self.table.push(Route {
            method,
            path: path.to_string(),
            access,
        });
        self
    }

    pub(crate) fn into_parts(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.table)
    }
}
