"""POST /api/v1/messages/count_tokens — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("messages_count_tokens")
handler = lambda_handler(app)
