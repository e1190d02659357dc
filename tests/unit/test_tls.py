"""The shared TLS context: a hashed CA directory (as the layer ships it) trusts what its bundle
trusts and nothing else. A real TLS server on loopback, with a CA made for the test."""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import certifi
import httpx
import pytest
from hyperinfer.tls import context_for

from scripts.build_layer import write_ca_directory


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pki")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=HyperInfer Test CA", cwd=root)  # fmt: skip
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost", cwd=root)
    (root / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "san.ext", cwd=root)  # fmt: skip
    return root


@pytest.fixture(scope="module")
def server(pki: Path) -> Iterator[str]:
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *_: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki / "server.pem", pki / "server.key")
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_a_hashed_directory_trusts_the_cas_of_its_bundle(pki: Path, server: str, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(Path(certifi.where()).read_text() + (pki / "ca.pem").read_text())
    written = write_ca_directory(bundle, tmp_path / "ca")
    files = sorted(p.name for p in (tmp_path / "ca").iterdir())
    assert written == len(files) == bundle.read_text().count("BEGIN CERTIFICATE")
    assert all(name.split(".")[1].isdigit() and len(name.split(".")[0]) == 8 for name in files)

    with httpx.Client(verify=context_for(tmp_path / "ca")) as client:
        assert client.get(server).text == "hello"


def test_a_ca_outside_the_bundle_is_refused(server: str, tmp_path: Path) -> None:
    write_ca_directory(Path(certifi.where()), tmp_path / "ca")
    for directory in (tmp_path / "ca", tmp_path / "missing"):  # the directory, and the bundle fallback
        with (
            httpx.Client(verify=context_for(directory)) as client,
            pytest.raises(httpx.ConnectError, match="CERTIFICATE"),
        ):
            client.get(server)
