"""TLS is always verified; COURT_WATCH_CA_BUNDLE adds roots (the Russian Trusted Root CA) to
the system's and certifi's, never replacing them. A real HTTPS court site on loopback with a
certificate from a root of the test's own."""

import datetime as dt
import ipaddress
import ssl

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from courtwatch.fetch import FetchFailed, card_fetch, ssl_context
from tests.courtwatch.conftest import DEFAULT_HOSTS
from tests.courtwatch.court_server import CourtServer, card_bytes


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A root ("Test Trusted Root CA") and a certificate for 127.0.0.1 it issued: file paths."""
    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Trusted Root CA"))
        .issuer_name(_name("Test Trusted Root CA"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("court.test"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    paths = {name: folder / f"{name}.pem" for name in ("root", "cert", "key")}
    paths["root"].write_bytes(root.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@pytest.fixture
def tls_court(settings, certificates):
    settings.COURT_WATCH_ALLOW_LOOPBACK = True
    settings.COURT_WATCH_HOSTS = [*DEFAULT_HOSTS, "127.0.0.1"]
    server = CourtServer(tls=(str(certificates["cert"]), str(certificates["key"])))
    yield server
    server.close()


def test_a_certificate_from_an_unknown_root_is_refused(tls_court, settings):
    settings.COURT_WATCH_CA_BUNDLE = ""
    with pytest.raises(FetchFailed) as failed:
        card_fetch(tls_court.url("/cards/mos-gorsud.html"))
    assert failed.value.problem == "connection"
    assert failed.value.detail.startswith("TLS: ")
    assert "CERTIFICATE_VERIFY_FAILED" in failed.value.detail
    assert tls_court.arrivals == []  # no request was sent over an unverified connection


def test_the_ca_bundle_adds_the_root_and_the_card_is_fetched(tls_court, settings, certificates):
    settings.COURT_WATCH_CA_BUNDLE = str(certificates["root"])
    fetched = card_fetch(tls_court.url("/cards/mos-gorsud.html"))
    assert (fetched.status, fetched.body) == (200, card_bytes("mos-gorsud.html"))


def test_the_bundle_is_added_to_the_default_roots_not_put_in_their_place(certificates):
    plain = ssl_context("")
    with_bundle = ssl_context(str(certificates["root"]))
    assert with_bundle.verify_mode == ssl.CERT_REQUIRED
    assert with_bundle.check_hostname is True
    subjects = [dict(item[0] for item in cert["subject"]).get("commonName") for cert in with_bundle.get_ca_certs()]
    assert "Test Trusted Root CA" in subjects
    assert len(with_bundle.get_ca_certs()) == len(plain.get_ca_certs()) + 1
    # certifi's roots are in both (the system's too, from its default paths)
    certifi_count = ssl.create_default_context(cafile=certifi.where()).cert_store_stats()["x509_ca"]
    assert plain.cert_store_stats()["x509_ca"] >= certifi_count


def test_a_redirect_from_https_to_http_is_refused(tls_court, settings, certificates):
    settings.COURT_WATCH_CA_BUNDLE = str(certificates["root"])
    plain = CourtServer()
    try:
        target = plain.url("/cards/mos-gorsud.html")
        with pytest.raises(FetchFailed) as failed:
            card_fetch(tls_court.url(f"/redirect?to={target}"))
        assert (failed.value.problem, failed.value.detail) == (
            "refused",
            f"redirected from https to {target}, without TLS",
        )
        assert plain.arrivals == []
    finally:
        plain.close()
