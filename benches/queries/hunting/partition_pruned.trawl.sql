-- Hunting: who did what in one account, region and day, through the Security Analytics Bootstrap
-- layout's partition columns (date_partition is 'YYYY/MM/DD'). :account, :region and :day are bound
-- by the harness.
SELECT useridentity.arn AS arn, eventname, count(*) AS total
FROM cloudtrail
WHERE account_partition = :account AND region_partition = :region AND date_partition = :day
GROUP BY useridentity.arn, eventname
ORDER BY total DESC, arn, eventname
LIMIT 20
