"""image: one picture from OpenAI's Images API (``POST {base}/images/generations``).

The model gets a short note (a picture is megabytes of base64, far too much to feed back); the
picture itself reaches the client after the final answer, as a Markdown image (data URL or link).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

SIZES = ("1024x1024", "1024x1536", "1536x1024", "auto")


class ImageFailed(Exception):
    """Safe for the model: the Images API refused or failed."""


@dataclass(frozen=True)
class GeneratedImage:
    url: str  # https URL, or a data: URL of the base64 the API returned
    revised_prompt: str | None = None


def images_request(
    base: str, api_key: str, upstream_model: str, prompt: str, size: str | None
) -> httpx.Request:
    body: dict[str, Any] = {"model": upstream_model, "prompt": prompt, "n": 1}
    if size and size != "auto":
        body["size"] = size
    return httpx.Request(
        "POST", f"{base}/images/generations", json=body, headers={"Authorization": f"Bearer {api_key}"}
    )


def parse_images(body: Any) -> list[GeneratedImage]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not data:
        raise ImageFailed("the image service returned no image")
    images = []
    for item in data:
        if not isinstance(item, dict):
            continue
        revised = item.get("revised_prompt")
        if item.get("b64_json"):
            images.append(GeneratedImage(f"data:image/png;base64,{item['b64_json']}", revised))
        elif item.get("url"):
            images.append(GeneratedImage(str(item["url"]), revised))
    if not images:
        raise ImageFailed("the image service returned no image")
    return images


async def generate(
    base: str, api_key: str, upstream_model: str, *, prompt: str, size: str | None, http: httpx.AsyncClient
) -> list[GeneratedImage]:
    try:
        response = await http.send(images_request(base, api_key, upstream_model, prompt, size))
    except httpx.HTTPError as error:
        raise ImageFailed(f"the image service is unreachable ({type(error).__name__})") from error
    if response.status_code >= 400:
        raise ImageFailed(f"the image service answered HTTP {response.status_code}")
    try:
        return parse_images(response.json())
    except ValueError as error:
        raise ImageFailed("the image service sent something that is not JSON") from error


def as_markdown(images: list[GeneratedImage]) -> str:
    return "\n\n".join(f"![generated image {n}]({image.url})" for n, image in enumerate(images, start=1))
