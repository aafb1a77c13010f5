-- DuckDB translation of sql/iam-credential-compromise/2_3_identity_events.sql (:arn is bound by the harness).
SELECT eventversion, useridentity, eventtime, eventsource, eventname, awsregion, sourceipaddress, useragent,
       errorcode, errormessage, requestparameters, responseelements, additionaleventdata, requestid, eventid,
       resources, eventtype, apiversion, readonly, recipientaccountid, serviceeventdetails, sharedeventid,
       vpcendpointid, date_partition, region AS region_partition, account AS account_partition
FROM cloudtrail
WHERE useridentity.arn = :arn
LIMIT 5
