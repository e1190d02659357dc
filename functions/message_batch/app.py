"""GET /api/v1/messages/batches/{batch_id} — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("message_batch")
handler = lambda_handler(app)
