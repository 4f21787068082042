-- The annual report's reporting chain (issue 14 §2.8; 督察工作规定, legal-rules §9): each leg
-- (departments → 本级党委和政府, government → 同级党委、人大常委会, → 上一级党委和政府) is recorded
-- with the date it went out, once per jurisdiction and year; publication is the report's own
-- 发布 step. A correction of a record updates the row, and the audit log keeps the old value.
CREATE TABLE rp_chain (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    step TEXT NOT NULL,
    done_date TEXT NOT NULL,
    note TEXT,
    recorded_by INTEGER REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    UNIQUE (unit_id, year, step)
);
