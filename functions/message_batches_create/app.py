"""POST /api/v1/messages/batches — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("message_batches_create")
handler = lambda_handler(app)
