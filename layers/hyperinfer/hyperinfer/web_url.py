"""An http(s) URL in the catalog, checked as pydantic's ``HttpUrl`` checks it: the same parser in
pydantic-core, the same limits and the same errors, kept as pydantic-core's own ``Url`` (``host``,
``scheme``; ``str()`` is the normalised URL). ``HttpUrl`` itself lives in ``pydantic.networks``,
whose import costs ~3 ms of every cold start that reads the catalog."""

from typing import Annotated

from pydantic import GetPydanticSchema
from pydantic_core import Url, core_schema

WebUrl = Annotated[
    Url,
    GetPydanticSchema(
        lambda _source, _handler: core_schema.url_schema(
            allowed_schemes=["http", "https"], max_length=2083, host_required=True
        )
    ),
]
