-- The question of sql/unusual-api-activity/q1_failed_calls.search, written by hand in Athena SQL:
-- failed calls (errorCode present) with first and last time, by service, API, error, account and ARN.
SELECT eventsource AS "eventSource", eventname AS "eventName", errorcode AS "errorCode",
       useridentity.accountid AS "userIdentity.accountId", useridentity.arn AS "userIdentity.arn",
       count(*) AS "@q.count", min(eventtime) AS "firstTime", max(eventtime) AS "lastTime"
FROM cloudtrail
WHERE errorcode IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 6 DESC, 1, 2, 3, 4, 5
