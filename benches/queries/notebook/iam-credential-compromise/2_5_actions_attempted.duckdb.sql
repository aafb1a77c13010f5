-- DuckDB translation of sql/iam-credential-compromise/2_5_actions_attempted.sql (:arn is bound by the harness).
SELECT eventname, count(*) AS total
FROM cloudtrail
WHERE useridentity.arn = :arn
GROUP BY eventname
ORDER BY total DESC
