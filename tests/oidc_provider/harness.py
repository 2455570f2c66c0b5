"""Starts the test identity provider as a real server on 127.0.0.1 (gunicorn, its own SQLite and RSA key in a
temp dir) and stops it: the SSO tests talk to it over HTTP exactly as Concord talks to Entra ID or Okta."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "idp-test-password"
# (e-mail, first name, last name, e-mail verified by the IdP)
PEOPLE = [
    ("em_admin@lindell-oem.example.org", "Dana", "Kowalski", True),
    ("em_staff01@lindell-oem.example.org", "Unconfirmed", "Address", False),
    ("contractor@consultancy.example.org", "Outside", "Contractor", True),
    ("police_officer@ridgeford-pd.example.org", "Pat", "Officer", True),
    ("district_admin@maple-valley.example.org", "Dee", "Admin", True),
    ("stranger@ridgeford-pd.example.org", "No", "Account", True),
]
# One registered client per agency that the tests connect to this provider: the slug names Concord's agency.
AGENCY_SLUGS = ["lindell-oem", "ridgeford-pd", "maple-valley"]


def client_id(slug: str) -> str:
    return f"concord-{slug}"


def client_secret(slug: str) -> str:
    return f"secret-of-{slug}-at-the-idp"


def callback_url(base: str, slug: str) -> str:
    """The redirect URI Concord sends for an agency's provider (allauth's openid_connect callback)."""
    return f"{base}/accounts/oidc/agency-{slug}/login/callback/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class OIDCProvider:
    """A running provider: its issuer URL, and how to register one more redirect URI with a client."""

    issuer: str
    state: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(repr=False)

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
            [sys.executable, "-m", "tests.oidc_provider", *args], cwd=ROOT, env=self.env, check=True
        )

    def allow_redirect(self, slug: str, redirect_uri: str) -> None:
        self.manage("allow_redirect", client_id(slug), redirect_uri)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.state, ignore_errors=True)


def start(*, testserver: str = "http://testserver") -> OIDCProvider:
    """Generate a key, migrate and seed a fresh database, serve it, and wait until discovery answers."""
    state = Path(tempfile.mkdtemp(prefix="concord-idp-"))
    (state / "rsa.pem").write_text(_rsa_key_pem())
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OIDC_PROVIDER_DIR": str(state), "OIDC_PROVIDER_ISSUER": issuer}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    spec = {
        "password": PASSWORD,
        "users": [
            {"email": email, "first_name": first, "last_name": last, "verified": verified}
            for email, first, last, verified in PEOPLE
        ],
        "clients": [
            {
                "client_id": client_id(slug),
                "client_secret": client_secret(slug),
                "redirect_uris": [callback_url(testserver, slug)],
            }
            for slug in AGENCY_SLUGS
        ],
    }
    (state / "seed.json").write_text(json.dumps(spec))
    provider = OIDCProvider(issuer=issuer, state=state, process=None, env=env)  # type: ignore[arg-type]
    provider.manage("migrate", "--noinput", "-v0")
    provider.manage("seed_idp", str(state / "seed.json"))
    log = (state / "server.log").open("wb")
    provider.process = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.oidc_provider.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if provider.process.poll() is not None:
            raise RuntimeError(f"the test identity provider exited: {(state / 'server.log').read_text()}")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                return provider
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    provider.stop()
    raise RuntimeError(f"the test identity provider did not start: {(state / 'server.log').read_text()}")


def main() -> None:
    """`python -m tests.oidc_provider.harness [SITE_URL]`: a provider to try single sign-on with `make run`."""
    site = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped either way, the server goes too
    provider = start(testserver=site)
    print(f"Test identity provider running. Issuer URL: {provider.issuer}")
    for slug in AGENCY_SLUGS:
        print(f"  agency {slug}: client id {client_id(slug)}, client secret {client_secret(slug)}")
    print(f"People (password {PASSWORD}): " + ", ".join(email for email, *_ in PEOPLE))
    print("Ctrl-C stops it.")
    try:
        provider.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()


if __name__ == "__main__":
    main()
