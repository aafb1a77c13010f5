-- DuckDB translation of sql/unusual-api-activity/q2_user_activity.search (:user_identity_name is bound by
-- the harness). The free-text term matches a whole-token run anywhere in the record, case-sensitively
-- (search-language.md §2.2–2.4): `has_token` (a regex macro the harness defines) over the text of every
-- record column, structs and lists cast to text.
SELECT useridentity.sessioncontext.sessionissuer.arn AS "userArn", eventsource AS "eventSource",
       eventname AS "eventName", errorcode AS "errorCode",
       count(*) AS "@q.count", min(eventtime) AS "firstTime", max(eventtime) AS "lastTime"
FROM cloudtrail
WHERE has_token(concat_ws(' ', eventversion, useridentity::VARCHAR, eventtime, eventsource, eventname, awsregion,
                          sourceipaddress, useragent, errorcode, errormessage, requestparameters, responseelements,
                          additionaleventdata, requestid, eventid, readonly, resources::VARCHAR, eventtype,
                          apiversion, recipientaccountid, serviceeventdetails, sharedeventid, vpcendpointid,
                          vpcendpointaccountid, eventcategory, addendum::VARCHAR, sessioncredentialfromconsole,
                          edgedevicedetails, tlsdetails::VARCHAR),
                :user_identity_name)
GROUP BY ALL
ORDER BY "@q.count" DESC, 1, 2, 3, 4
