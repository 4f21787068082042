-- Issue 14 §2.4: the respondent's written answer is a clock of its own (行政复议法第四十八条、第五十四
-- 条), counted from the respondent's receipt of the application copy. A case still under review
-- whose copy was sent before this release has none: it gets one, waiting for that receipt date
-- (登记送达日期), so the clerk can record it and a late answer is flagged (第七十条). The JSON is
-- the deadline kernel's `Clock` (crates/fazhi-domain/src/deadline.rs) with `waiting` set.
INSERT INTO deadlines (module, case_id, kind, clock_json, period_unit, due_date, completed_date, created_at, provisional)
SELECT 'reconsideration', c.id, 'answer',
       '{"start":"' || sent.completed_date || '","start_event":"被申请人收到申请书副本之日","count":'
       || CASE WHEN c.procedure_kind = 'simplified' THEN '5' ELSE '10' END
       || ',"unit":"working_days","basis":"'
       || CASE WHEN c.procedure_kind = 'simplified'
               THEN '《行政复议法》第五十四条第一款、第八十八条第二款'
               ELSE '《行政复议法》第四十八条、第八十八条第二款' END
       || '","pauses":[],"extensions":[],"waiting":true}',
       'working_days', NULL, NULL, sent.completed_date, 0
FROM rc_cases c
JOIN (SELECT case_id, MAX(completed_date) AS completed_date FROM deadlines
      WHERE module = 'reconsideration' AND kind = 'copy_to_respondent' AND completed_date IS NOT NULL
      GROUP BY case_id) sent ON sent.case_id = c.id
WHERE c.status IN ('under_review', 'suspended')
  AND NOT EXISTS (SELECT 1 FROM deadlines a
                  WHERE a.module = 'reconsideration' AND a.case_id = c.id AND a.kind = 'answer');
