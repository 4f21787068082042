-- Recomputing provisional deadlines (issue 14 §1): when a year's official holiday file is added,
-- every open deadline stored 暂定 is recomputed in one audited transaction. Each run that changed
-- something is kept with the deadlines it changed, old due date → new, for the office's page.
CREATE TABLE deadline_recompute_runs (
    id INTEGER PRIMARY KEY,
    run_at TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    -- The official years of the calendar used, e.g. "2019-2027".
    official_years TEXT NOT NULL,
    recomputed INTEGER NOT NULL,
    moved INTEGER NOT NULL
);

CREATE TABLE deadline_recompute_items (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES deadline_recompute_runs(id),
    deadline_id INTEGER NOT NULL,
    module TEXT NOT NULL,
    case_id INTEGER NOT NULL,
    case_no TEXT NOT NULL,
    kind TEXT NOT NULL,
    kind_label TEXT NOT NULL,
    old_due TEXT,
    new_due TEXT,
    -- Still 暂定 after the recompute (it also counts days of a later provisional year).
    provisional INTEGER NOT NULL
);
CREATE INDEX deadline_recompute_items_run ON deadline_recompute_items (run_id);
