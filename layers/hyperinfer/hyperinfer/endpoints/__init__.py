"""One module per function of the function table, each exposing ``async def handle(request)``."""
