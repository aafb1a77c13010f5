-- Hunting: an administrator policy attached or a port opened to the world, by LIKE on the request
-- parameters' JSON text.
SELECT eventname, count(*) AS total
FROM cloudtrail
WHERE requestparameters LIKE '%AdministratorAccess%' OR requestparameters LIKE '%0.0.0.0/0%'
GROUP BY eventname
ORDER BY total DESC, eventname
