SELECT eventsource, eventname, count(*) AS total
FROM cloudtrail
WHERE eventtime >= :start AND eventtime < :end
GROUP BY eventsource, eventname
ORDER BY total DESC, eventsource, eventname
LIMIT 20
