-- Hunting: every identity's activity over the whole lake.
SELECT useridentity.arn AS arn, count(*) AS total, count(DISTINCT eventname) AS apis,
       sum(CASE WHEN errorcode IS NULL THEN 0 ELSE 1 END) AS failures
FROM cloudtrail
GROUP BY useridentity.arn
ORDER BY total DESC, arn
LIMIT 20
