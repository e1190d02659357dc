"""Batches for any catalog model: the Anthropic Message Batches API and the OpenAI Batch API.

A batch is stored (DynamoDB for the batch and its requests, S3 for request and result bodies) and
run by a queue consumer through the same translation, provider and billing code as the live
endpoints. See docs/batches.md for the data layout and the exactly-once argument.
"""
