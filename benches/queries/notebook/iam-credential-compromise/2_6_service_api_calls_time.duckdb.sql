-- DuckDB translation of sql/iam-credential-compromise/2_6_service_api_calls_time.sql (:arn is bound by the harness).
SELECT eventtime, eventsource, eventname, awsregion, count(*) AS total
FROM cloudtrail
WHERE useridentity.arn = :arn
GROUP BY eventname, eventsource, eventtime, awsregion
ORDER BY eventtime DESC
