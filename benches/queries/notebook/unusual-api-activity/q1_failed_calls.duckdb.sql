-- DuckDB translation of sql/unusual-api-activity/q1_failed_calls.search.
-- `%ingest.source_type: 'aws:cloudtrail'` holds for every row of a CloudTrail lake; `errorCode: *` means
-- the field is present; `stats … by …` adds the always-present `@q.count` (search-language.md §4.1).
SELECT eventsource AS "eventSource", eventname AS "eventName", errorcode AS "errorCode",
       useridentity.accountid AS "userIdentity.accountId", useridentity.arn AS "userIdentity.arn",
       count(*) AS "@q.count", min(eventtime) AS "firstTime", max(eventtime) AS "lastTime"
FROM cloudtrail
WHERE errorcode IS NOT NULL
GROUP BY ALL
ORDER BY "@q.count" DESC, 1, 2, 3, 4, 5
