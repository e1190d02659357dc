"""Build the shared Lambda layer (Python 3.12) without Docker.

    python scripts/build_layer.py [--arch arm64|x86_64] [--out build/layer]

arm64 is what the functions run on; the x86_64 twin (same pins) exists to measure cold starts on
this machine's CPU (bench/cold_start.py).

Layout: ``<out>/python/`` (dependencies + hyperinfer, on sys.path at /opt/python) and
``<out>/providers.json`` (the catalog, validated at build time and read at /opt/providers.json).

The layer holds only what Lambda runs: the emulator and fakes, the CLIs and the distributions only
they use are left out (``DEVELOPER_ONLY_*``), and ``tests/functional/test_layer_contents.py``
lists a built layer's files to keep it so.
"""

from __future__ import annotations

import argparse
import csv
import glob
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Lambda architecture -> the machine name in manylinux wheel tags.
MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
DEFAULT_OUT = {"arm64": "build/layer", "x86_64": "build/layer-x86_64"}
# Parts of the hyperinfer package only a developer runs (relative to the package): the emulator and
# the fake providers, the `hyperinfer` CLI with its admin and report commands, `hyperinfer invoke`.
DEVELOPER_ONLY_MODULES = (
    "local",
    "admin",
    "cli.py",
    "invoke.py",
    "reports/cli.py",
    "reports/upload_client.py",
    "reports/redrive.py",
)
# Runtime dependencies no function imports on Lambda: boto3 (and its s3transfer) serve only a
# developer's profile credentials and the emulator's bucket set-up (hyperinfer.aws), PyYAML only a
# YAML catalog (the layer ships JSON). botocore stays: the X-Ray SDK imports it when tracing is on.
DEVELOPER_ONLY_DISTRIBUTIONS = ("boto3", "s3transfer", "PyYAML")


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


def remove_distribution(site: Path, name: str) -> int:
    """Delete one installed distribution's files, as its ``*.dist-info/RECORD`` lists them; returns
    how many. Unknown names are an error: a renamed dependency must not silently stay in."""
    normalized = name.lower().replace("-", "_")
    infos = [info for info in site.glob("*.dist-info") if info.name.lower().startswith(normalized + "-")]
    if not infos:
        raise SystemExit(f"{name} is not installed in {site}; DEVELOPER_ONLY_DISTRIBUTIONS is stale")
    removed = 0
    for info in infos:
        with (info / "RECORD").open(newline="") as record:
            for row in csv.reader(record):
                path = site / row[0]
                if path.is_file() and site.resolve() in path.resolve().parents:
                    path.unlink()
                    removed += 1
        shutil.rmtree(info, ignore_errors=True)
    for directory in sorted(site.rglob("*"), reverse=True):  # the packages' now-empty folders
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return removed


def remove_developer_modules(package: Path) -> None:
    for relative in DEVELOPER_ONLY_MODULES:
        path = package / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()
        else:
            raise SystemExit(f"{path} does not exist; DEVELOPER_ONLY_MODULES is stale")


def tree_size(root: Path) -> tuple[int, int]:
    """(files, bytes) under root, unzipped."""
    files = total = 0
    for directory, _, names in os.walk(root):
        for name in names:
            files += 1
            total += (Path(directory) / name).stat().st_size
    return files, total


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
    remove_developer_modules(site / "hyperinfer")
    for distribution in DEVELOPER_ONLY_DISTRIBUTIONS:
        remove_distribution(site, distribution)
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
    files, size = tree_size(out)
    print(f"{out}: {files} files, {size / 1e6:.1f} MB unzipped")


if __name__ == "__main__":
    main()
