"""Server tools the gateway runs itself for any model: web_search, web_fetch, pdf, datetime, image.

Each tool lives in its own module and is imported only when a request activates it, so a request
without server tools pays nothing for them.
"""
