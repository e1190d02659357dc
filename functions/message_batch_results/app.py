"""GET /api/v1/messages/batches/{batch_id}/results — buffered (Mangum)."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("message_batch_results")
handler = lambda_handler(app)
