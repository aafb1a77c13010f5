-- A whole-token, case-sensitive match anywhere in the record (see the notebook's q2 translation).
SELECT eventsource AS "eventSource", eventname AS "eventName", count(*) AS "@q.count"
FROM cloudtrail
WHERE has_token(concat_ws(' ', eventversion, useridentity::VARCHAR, eventtime, eventsource, eventname, awsregion,
                          sourceipaddress, useragent, errorcode, errormessage, requestparameters, responseelements,
                          additionaleventdata, requestid, eventid, readonly, resources::VARCHAR, eventtype,
                          apiversion, recipientaccountid, serviceeventdetails, sharedeventid, vpcendpointid,
                          vpcendpointaccountid, eventcategory, addendum::VARCHAR, sessioncredentialfromconsole,
                          edgedevicedetails, tlsdetails::VARCHAR),
                :term)
GROUP BY ALL
ORDER BY "@q.count" DESC, 1, 2
