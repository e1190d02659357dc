"""GET /api/v1/report-uploads/{upload_id} — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("report_upload_status")
handler = lambda_handler(app)
