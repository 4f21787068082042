-- Issue 14 §2.3 and §2.6. A 确认违法 decision records whether it rests on a violation of statutory
-- procedure (行诉解释第二十二条: then not a change of the act, so the organ is co-defendant in a
-- later suit); NULL for cases decided before this column.
ALTER TABLE rc_cases ADD COLUMN procedural_ground INTEGER;

-- Each 行政复议 hearing held, with the respondent's head attending (name, post) or, if not, the
-- reason and the staff delegated (行政复议法第五十一条第三款). Indicator
-- reconsideration.hearing_head_attended counts from it.
CREATE TABLE rc_hearings (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES rc_cases(id),
    hearing_date TEXT NOT NULL,
    head_attended INTEGER NOT NULL,
    head_name TEXT,
    head_post TEXT,
    absence_reason TEXT,
    delegate TEXT
);
CREATE INDEX rc_hearings_case ON rc_hearings (case_id);
CREATE INDEX rc_hearings_date ON rc_hearings (hearing_date, head_attended, case_id);

-- Issue 14 §2.7: an instance with a hearing attended by a lawyer alone is non-compliant whatever
-- its other hearings (行诉解释第一百二十八条第二款、第一百三十二条); instances recorded before
-- this rule are brought in line.
UPDATE lt_instances SET compliant = 0
WHERE id IN (SELECT a.instance_id FROM lt_appearances a WHERE a.appearance = 'lawyer_only');
