-- The notebook's text, except the ARN: it wrote the literal
-- 'insert ARN of IAM Credential from query in 2.2', trawl binds the parameter :arn.
select eventSource, count(*) as total
from "{db_name}"."cloudtrail" 
where userIdentity.arn=:arn
group by eventSource
order by total desc
