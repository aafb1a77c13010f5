-- The lake stores the partition values as the physical columns account, region and date_partition.
SELECT useridentity.arn AS arn, eventname, count(*) AS total
FROM cloudtrail
WHERE account = :account AND region = :region AND date_partition = :day
GROUP BY useridentity.arn, eventname
ORDER BY total DESC, arn, eventname
LIMIT 20
