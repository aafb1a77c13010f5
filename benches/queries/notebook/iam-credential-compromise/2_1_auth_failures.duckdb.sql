-- DuckDB translation of sql/iam-credential-compromise/2_1_auth_failures.sql.
-- `select *` becomes the columns trawl's `cloudtrail` (the Security Analytics Bootstrap layout) returns.
SELECT eventversion, useridentity, eventtime, eventsource, eventname, awsregion, sourceipaddress, useragent,
       errorcode, errormessage, requestparameters, responseelements, additionaleventdata, requestid, eventid,
       resources, eventtype, apiversion, readonly, recipientaccountid, serviceeventdetails, sharedeventid,
       vpcendpointid, date_partition, region AS region_partition, account AS account_partition
FROM cloudtrail
WHERE errorcode IN ('Client.UnauthorizedOperation', 'Client.InvalidPermission.NotFound',
                    'Client.OperationNotPermitted', 'AccessDenied')
  AND useridentity.arn LIKE '%iam%'
ORDER BY eventtime DESC
LIMIT 10
