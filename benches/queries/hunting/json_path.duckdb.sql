SELECT json_extract_string(requestparameters, '$.bucketName') AS bucket, count(*) AS total
FROM cloudtrail
WHERE json_extract_string(requestparameters, '$.bucketName') IS NOT NULL
GROUP BY json_extract_string(requestparameters, '$.bucketName')
ORDER BY total DESC, bucket
LIMIT 20
