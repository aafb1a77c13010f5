-- The question of free_text.trawl.search as an analyst would write it in Athena SQL: the user name as
-- a whole token, any case, in the columns a user name shows up in (identity, messages, request and
-- response JSON). The search looks in every string value of the record, a slightly wider question.
SELECT eventsource AS "eventSource", eventname AS "eventName", count(*) AS "@q.count"
FROM cloudtrail
WHERE regexp_like(
        concat_ws(' ', useridentity.arn, useridentity.username, useridentity.principalid,
                  useridentity.sessioncontext.sessionissuer.username, errormessage,
                  requestparameters, responseelements, additionaleventdata),
        concat('(?i)(^|[^A-Za-z0-9_])', :term, '($|[^A-Za-z0-9_])'))
GROUP BY 1, 2
ORDER BY 3 DESC, 1, 2
