"""POST /api/v1/messages/batches/{batch_id}/cancel — buffered (Mangum)."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("message_batch_cancel")
handler = lambda_handler(app)
