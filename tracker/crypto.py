"""Field encryption at rest (issue 20): what would hurt most in a copied database or backup.

A thin layer over `cryptography`'s Fernet (AES-128-CBC + HMAC-SHA256, authenticated) and
MultiFernet (a list of keys: the first encrypts, every one decrypts; `rotate()` re-encrypts with
the first). Keys come from the environment (`FIELD_ENCRYPTION_KEYS`, settings.py), never from
the database. A keyed hash (HMAC-SHA256 with `FIELD_HASH_KEY`, a separate key) stands beside a
value that must be found or kept unique without being readable, e.g. a subscriber's address.

Why not django-fernet-encrypted-fields (0.4.0): it derives its keys from SECRET_KEY with PBKDF2
(rotating SECRET_KEY then silently strands the data, and session signing and field encryption
share one secret), it hands back the ciphertext as if it were the value when decryption fails,
stores "" as NULL (our columns are NOT NULL, blank ""), and offers no key rotation command.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from collections.abc import Callable
from functools import lru_cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any, AnyStr

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Every Fernet token starts with the version byte 0x80, "gAAAAA" in URL-safe base64.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a secret)


class UnreadableField(ImproperlyConfigured):
    """A stored value no configured key opens: a missing key in FIELD_ENCRYPTION_KEYS."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: private fields cannot be read or written.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    """The token of `value`; "" stays "" (an empty private field says only that it is empty)."""
    if not value:
        return value
    return fernet().encrypt(value.encode()).decode()


# Recently opened tokens, per process: a token never changes its plaintext, and the same rows
# are read again and again (a list, then the case; every sync). A decryption costs ~7-9 us, a
# look-up ~0.1 us; bounded (emptied when full) and emptied when the keys change, so a key taken
# out of FIELD_ENCRYPTION_KEYS stops opening anything at once.
_OPENED: dict[str, str] = {}
_OPENED_MAX = 20_000
_OPENED_KEYS: list[tuple[str, ...]] = [()]


def _opened_cache() -> tuple[tuple[str, ...], dict[str, str]]:
    """The configured keys and the cache of tokens they opened (emptied when the keys change)."""
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if keys != _OPENED_KEYS[0]:
        _OPENED.clear()
        _OPENED_KEYS[0] = keys
    return keys, _OPENED


def _open(opener: MultiFernet, token: str) -> str:
    """`token` opened by `opener` and remembered (raises InvalidToken)."""
    text = opener.decrypt(token.encode()).decode()
    if len(_OPENED) >= _OPENED_MAX:
        _OPENED.clear()
    _OPENED[token] = text
    return text


def decrypt(token: str) -> str:
    if not token:
        return token
    keys, opened = _opened_cache()
    text = opened.get(token)
    if text is not None:
        return text
    try:
        return _open(_fernet(keys), token)
    except InvalidToken:
        raise UnreadableField(
            "A private field could not be decrypted with any key in FIELD_ENCRYPTION_KEYS: "
            "the key that encrypted it is missing (see `manage.py rotate_field_keys`)."
        ) from None


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def rotate(token: str) -> str:
    """The same value encrypted with the first key (MultiFernet.rotate)."""
    if not token:
        return token
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableField(
            "A private field could not be decrypted with any key in FIELD_ENCRYPTION_KEYS: "
            "keep the old key in the list until `manage.py rotate_field_keys` has run."
        ) from None


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of `value` under FIELD_HASH_KEY, hex: equal values give equal hashes, and
    nobody without the key can test a guess against a copied database."""
    key = settings.FIELD_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


# --- JSON built by PostgreSQL (api/cases/sql_json.py) -----------------------------------------
# The SQL writes an encrypted column as U+0001 followed by its token; json_build_object escapes
# the control character as \u0001, which user text can only contain escaped the same way, and
# then a forged token fails Fernet's HMAC and is left alone.
SQL_MARK = "\\u0001"
_SEALED_START = f'"{SQL_MARK}{TOKEN_PREFIX}'
_SEALED_START_BYTES = _SEALED_START.encode()
_TOKEN_ALPHABET = (string.ascii_letters + string.digits + "_-=").encode()


def open_sql_json(text: AnyStr) -> AnyStr:
    """`text` (JSON made in SQL) with every sealed value replaced by its plaintext: str in, str
    out; bytes (UTF-8, as PostgreSQL sent them) in, bytes out.

    One pass over the page (a case list holds 50 sealed notes): each mark found with find(), the
    keys and the cache looked up once, each value written as JSON by the encoder's own C function,
    the text joined once. (bench/RESULTS.md: re.sub over the page, calling a function that called
    decrypt and json.dumps per value, was most of what field encryption added to the case list;
    the regular expression's search alone cost more than finding the marks.) The case list passes
    its page as bytes: slicing and joining a str that holds Cyrillic re-scans every piece for its
    widest character, bytes are only copied, and the response is bytes anyway."""
    if isinstance(text, bytes):
        return _open_marked(text, _SEALED_START_BYTES, b'"', _encode_utf8)
    return _open_marked(text, _SEALED_START, '"', encode_basestring)


def _encode_utf8(plain: str) -> bytes:
    return encode_basestring(plain).encode()


def _is_token(raw: str | bytes) -> bool:
    """Whether `raw` (what follows a mark up to the next quote, starting with the prefix) is a
    whole token as the pattern `gAAAAA[A-Za-z0-9_=-]+` reads one: something after the prefix, and
    only the token alphabet (a backslash, as in an escaped quote, leaves it alone). Deleting the
    alphabet with bytes.translate is a table look-up a byte; the pattern's match was ~2,500
    instructions a token, 127,000 a page of the case list (callgrind, bench/RESULTS.md)."""
    if len(raw) <= len(TOKEN_PREFIX):
        return False
    if isinstance(raw, str):
        if not raw.isascii():
            return False
        raw = raw.encode("ascii")
    return not raw.translate(None, _TOKEN_ALPHABET)


def _open_marked(text: Any, sealed_start: Any, quote: Any, encode: Callable[[str], Any]) -> Any:
    start = text.find(sealed_start)
    if start == -1:
        return text
    keys, opened = _opened_cache()
    opener = _fernet(keys)
    parts: list[Any] = []
    done = 0
    while start != -1:
        token_at = start + len(sealed_start) - len(TOKEN_PREFIX)
        end = text.find(quote, token_at)
        raw = text[token_at:end] if end != -1 else text[:0]
        if _is_token(raw):
            token = raw if isinstance(raw, str) else raw.decode("ascii")
            plain = opened.get(token)
            if plain is None:
                try:
                    plain = _open(opener, token)
                except InvalidToken:
                    # Text a user typed that merely looks sealed (a plain column); a missing key
                    # shows itself loudly on every other read of the same rows.
                    plain = None
            if plain is not None:
                # What json.dumps(plain, ensure_ascii=False) gives for a string, without its dispatch.
                parts += (text[done:start], encode(plain))
                done = end + 1
            start = text.find(sealed_start, end + 1)  # the search goes on after the match, opened or not
        else:
            start = text.find(sealed_start, start + 1)
    parts.append(text[done:])
    return text[:0].join(parts)


def derived_key(secret: str, purpose: str) -> str:
    """A Fernet key derived from SECRET_KEY: for DEBUG (make run) and the tests only."""
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()
