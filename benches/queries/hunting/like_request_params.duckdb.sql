SELECT eventname, count(*) AS total
FROM cloudtrail
WHERE requestparameters LIKE '%AdministratorAccess%' OR requestparameters LIKE '%0.0.0.0/0%'
GROUP BY eventname
ORDER BY total DESC, eventname
