"""Build the shared Lambda layer (Python 3.12) without Docker.

    python scripts/build_layer.py [--arch arm64|x86_64] [--out build/layer]

arm64 is what the functions run on; the x86_64 twin (same pins) exists to measure cold starts on
this machine's CPU (bench/cold_start.py).

Layout: ``<out>/python/`` (dependencies + hyperinfer, on sys.path at /opt/python) and
``<out>/providers.json`` (the catalog, validated at build time and read at /opt/providers.json).
"""

from __future__ import annotations

import argparse
import glob
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Lambda architecture -> the machine name in manylinux wheel tags.
MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
DEFAULT_OUT = {"arm64": "build/layer", "x86_64": "build/layer-x86_64"}


def pip_platform_args(arch: str) -> list[str]:
    machine = MACHINES[arch]
    # Both tags: older wheels only ship manylinux2014, newer ones only manylinux_2_28.
    return [
        "--platform",
        f"manylinux2014_{machine}",
        "--platform",
        f"manylinux_2_28_{machine}",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        "3.12",
        "--no-compile",
    ]


def runtime_dependencies() -> list[str]:
    with (REPO_ROOT / "pyproject.toml").open("rb") as file:
        return list(tomllib.load(file)["project"]["dependencies"])


def _runs(python: str) -> bool:
    return subprocess.run([python, "-c", ""], capture_output=True, check=False).returncode == 0


def find_python312() -> str | None:
    # A pyenv shim is on PATH even when 3.12 is not selected, so each candidate must actually run.
    pyenv = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.12*/bin/python3.12")), reverse=True)
    for candidate in [shutil.which("python3.12"), *pyenv]:
        if candidate and _runs(candidate):
            return candidate
    return None


def write_ca_directory(bundle: Path, directory: Path) -> int:
    """certifi's bundle as an OpenSSL hashed directory (``<subject hash>.<n>``, see hyperinfer.tls):
    regular files, not ``openssl rehash`` symlinks, which a zipped asset may not keep."""
    directory.mkdir(parents=True, exist_ok=True)
    marker = "-----END CERTIFICATE-----"
    blocks = [block for block in bundle.read_text().split(marker) if "-----BEGIN" in block]
    certificates = [block[block.index("-----BEGIN") :] + marker + "\n" for block in blocks]
    for pem in certificates:
        command = ["openssl", "x509", "-noout", "-subject_hash"]
        found = subprocess.run(command, input=pem, capture_output=True, text=True, check=True)
        subject_hash = found.stdout.strip()
        n = 0
        while (directory / f"{subject_hash}.{n}").exists():  # distinct CAs may share a subject hash
            n += 1
        (directory / f"{subject_hash}.{n}").write_text(pem)
    return len(certificates)


def write_openapi(package: Path) -> Path:
    """The OpenAPI document, rendered at build time rather than on each cold start (~0.4 s of
    schema building); ``hyperinfer.endpoints.openapi_doc`` serves the file."""
    sys.path.insert(0, str(REPO_ROOT / "layers/hyperinfer"))
    from hyperinfer.endpoints.openapi_doc import PREBUILT, render

    target = package / PREBUILT.name
    target.write_bytes(render())
    return target


def write_catalog(source: Path, target: Path) -> Path:
    """The catalog as JSON: a mistake in providers.yaml fails the build, not the first request,
    and a cold start validates JSON in pydantic-core instead of importing and running a YAML parser."""
    sys.path.insert(0, str(REPO_ROOT / "layers/hyperinfer"))
    from hyperinfer.catalog import load_catalog, write_catalog_json

    return write_catalog_json(load_catalog(source), target)


def build(out: Path, arch: str = "arm64") -> None:
    providers = REPO_ROOT / "providers.yaml"
    if not providers.is_file():
        raise SystemExit(f"{providers} is missing; the layer ships it as /opt/providers.json")
    shutil.rmtree(out, ignore_errors=True)
    site = out / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            *pip_platform_args(arch),
            "--target",
            str(site),
            *runtime_dependencies(),
        ],
        check=True,
    )
    shutil.copytree(
        REPO_ROOT / "layers/hyperinfer/hyperinfer",
        site / "hyperinfer",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    write_catalog(providers, out / "providers.json")
    write_openapi(site / "hyperinfer")
    if shutil.which("openssl"):
        write_ca_directory(site / "certifi" / "cacert.pem", site / "hyperinfer" / "_ca")
    else:
        print("warning: no openssl CLI; TLS loads the CA bundle file (~60 ms slower)", file=sys.stderr)
    python312 = find_python312()
    if python312 is None:
        print(
            "warning: no python3.12 found; the layer ships without bytecode (slower cold starts)",
            file=sys.stderr,
        )
        return
    # unchecked-hash: the CDK zips assets with a fixed mtime, which would invalidate timestamp pycs,
    # and /opt is read-only, so Lambda could never rewrite them.
    subprocess.run(
        [python312, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(site)],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--arch", choices=sorted(MACHINES), default="arm64")
    parser.add_argument("--out", type=Path, help="default: build/layer (arm64), build/layer-x86_64")
    args = parser.parse_args()
    out = args.out or REPO_ROOT / DEFAULT_OUT[args.arch]
    build(out.resolve(), args.arch)


if __name__ == "__main__":
    main()
