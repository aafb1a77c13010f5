-- Hunting: what happened in a six-hour window. eventtime is ISO text; the lake's files are sorted by
-- it, so Parquet statistics skip the rest. :start and :end are bound by the harness.
SELECT eventsource, eventname, count(*) AS total
FROM cloudtrail
WHERE eventtime >= :start AND eventtime < :end
GROUP BY eventsource, eventname
ORDER BY total DESC, eventsource, eventname
LIMIT 20
