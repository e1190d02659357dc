"""POST /api/v1/batches/{batch_id}/cancel — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("batch_cancel")
handler = lambda_handler(app)
