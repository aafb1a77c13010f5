-- The question of sql/unusual-api-activity/q2_user_activity.search, written by hand in Athena SQL: the
-- user name as a whole token, any case, in the columns a user name shows up in (the search looks in
-- every string value of the record, a slightly wider question), by session issuer, service, API and error.
SELECT useridentity.sessioncontext.sessionissuer.arn AS "userArn", eventsource AS "eventSource",
       eventname AS "eventName", errorcode AS "errorCode",
       count(*) AS "@q.count", min(eventtime) AS "firstTime", max(eventtime) AS "lastTime"
FROM cloudtrail
WHERE regexp_like(
        concat_ws(' ', useridentity.arn, useridentity.username, useridentity.principalid,
                  useridentity.sessioncontext.sessionissuer.username, errormessage,
                  requestparameters, responseelements, additionaleventdata),
        concat('(?i)(^|[^A-Za-z0-9_])', :user_identity_name, '($|[^A-Za-z0-9_])'))
GROUP BY 1, 2, 3, 4
ORDER BY 5 DESC, 1, 2, 3, 4
