-- The notebook's text, except the ARN: it wrote the literal
-- 'insert ARN of IAM Credential from query in 2.2', trawl binds the parameter :arn.
select eventTime, eventSource, eventName, awsregion, count(*) AS total 
from "{db_name}"."cloudtrail" 
where userIdentity.arn=:arn
group by eventName, eventSource, eventTime, awsregion
order by eventTime DESC
