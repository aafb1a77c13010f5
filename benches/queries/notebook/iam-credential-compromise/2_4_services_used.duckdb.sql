-- DuckDB translation of sql/iam-credential-compromise/2_4_services_used.sql (:arn is bound by the harness).
SELECT eventsource, count(*) AS total
FROM cloudtrail
WHERE useridentity.arn = :arn
GROUP BY eventsource
ORDER BY total DESC
