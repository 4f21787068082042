//! The statutory modules, in one list: what the shared use cases and pages — 超期预警, the
//! recompute of provisional deadlines, the annual report's sources, the CLI — need to know of each
//! module. A new module adds its [`Entry`] to [`MODULES`]; nothing else names it. (The entry's
//! type is the kernel's, below the modules, so that a module can declare its entry without
//! importing this list.)

pub use crate::kernel::{label, Entry, ReportSource};
use crate::{litigation as lt, reconsideration as rc};

/// Every statutory module, in the order pages list them.
pub static MODULES: &[&Entry] = &[&rc::ENTRY, &lt::ENTRY, &lt::SUGGESTION_ENTRY];

/// The module of that name.
pub fn find(name: &str) -> Option<&'static Entry> {
    MODULES.iter().copied().find(|m| m.name == name)
}
