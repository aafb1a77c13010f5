-- Hunting: which buckets are touched, from the requestParameters JSON text of every event.
SELECT json_extract_scalar(requestparameters, '$.bucketName') AS bucket, count(*) AS total
FROM cloudtrail
WHERE json_extract_scalar(requestparameters, '$.bucketName') IS NOT NULL
GROUP BY json_extract_scalar(requestparameters, '$.bucketName')
ORDER BY total DESC, bucket
LIMIT 20
