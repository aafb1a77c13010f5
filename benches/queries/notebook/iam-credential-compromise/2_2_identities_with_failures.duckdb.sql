-- DuckDB translation of sql/iam-credential-compromise/2_2_identities_with_failures.sql.
SELECT useridentity.arn AS arn, count(*) AS total
FROM cloudtrail
WHERE errorcode IN ('Client.UnauthorizedOperation', 'Client.InvalidPermission.NotFound',
                    'Client.OperationNotPermitted', 'AccessDenied')
  AND useridentity.arn LIKE '%iam%'
GROUP BY useridentity.arn
ORDER BY total DESC
