-- Provisional calendars (issue 14 §1): a deadline counted on a year without the State Council's
-- holiday notice (statutory holidays only, 全国年节及纪念日放假办法) is 暂定. The flag marks the open
-- deadlines to recompute when the year's official file is added.
ALTER TABLE deadlines ADD COLUMN provisional BIGINT NOT NULL DEFAULT 0;
CREATE INDEX deadlines_provisional ON deadlines (provisional, completed_date);
