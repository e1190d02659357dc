"""POST /api/v1/chat/completions — streaming: uvicorn serves `app` under the Lambda Web Adapter."""

from hyperinfer.web import function_app

app = function_app("chat_completions")
