-- The notebook's text, except the ARN: it wrote the literal
-- 'insert ARN of IAM Credential from query in 2.2', trawl binds the parameter :arn.
select *
from "{db_name}"."cloudtrail" 
where userIdentity.arn=:arn
limit 5
