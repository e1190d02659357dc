"""Request-log reporting: reports accepted by the API, buffered in SQS, stored once in DynamoDB."""
