"""Primitives, all from libsodium through PyNaCl. Nothing outside wbs.vault imports this module.

Blob formats carry a version byte so the scheme can change later:
- field ciphertext:  b"\\x01" + nonce(24) + XChaCha20-Poly1305-IETF(ciphertext+tag),
  with associated data naming the row and field it belongs to;
- file ciphertext:   b"WBSF1" + secretstream header(24) + frames of [len(4, big-endian) + chunk],
  the last chunk tagged FINAL so a truncated file fails;
- wrapped key:       Argon2id-derived key + field ciphertext format.
"""

import hashlib
import hmac
import secrets
import struct
from collections.abc import Iterable, Iterator

import nacl.bindings as b
import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.pwhash.argon2id as argon2id
from django.conf import settings
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = 32
SALT_BYTES = argon2id.SALTBYTES
FIELD_VERSION = b"\x01"
FILE_MAGIC = b"WBSF1"
FILE_CHUNK = 64 * 1024
_NONCE = b.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
_SS_ABYTES = b.crypto_secretstream_xchacha20poly1305_ABYTES
_SS_HEADER = b.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_TAG_MESSAGE = b.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = b.crypto_secretstream_xchacha20poly1305_TAG_FINAL


class DecryptionError(Exception):
    """A ciphertext did not authenticate: wrong key, wrong place, or tampered."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def aad(table: str, field: str, pk: object) -> bytes:
    return f"wbs:v1:{table}:{field}:{pk}".encode()


def encrypt(key: bytes, plaintext: bytes, *, ad: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    ct = b.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, nonce, key)
    return FIELD_VERSION + nonce + ct


def decrypt(key: bytes, blob: bytes, *, ad: bytes) -> bytes:
    blob = bytes(blob)
    if not blob.startswith(FIELD_VERSION) or len(blob) < 1 + _NONCE + 16:
        raise DecryptionError("unknown ciphertext format")
    nonce, ct = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
    try:
        return b.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, ad, nonce, key)
    except nacl.exceptions.CryptoError:
        raise DecryptionError("ciphertext does not authenticate") from None


# --- key pairs -------------------------------------------------------------------------------


def new_keypair() -> tuple[bytes, bytes]:
    """Return (public key, private key) of a fresh X25519 key pair."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def public_key_of(private_key: bytes) -> bytes:
    """The X25519 public key that belongs to `private_key`."""
    return bytes(PrivateKey(bytes(private_key)).public_key)


def seal(public_key: bytes, data: bytes) -> bytes:
    return SealedBox(PublicKey(bytes(public_key))).encrypt(data)


def unseal(private_key: bytes, blob: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(blob))
    except nacl.exceptions.CryptoError:
        raise DecryptionError("sealed box does not open") from None


# --- password / code based keys --------------------------------------------------------------


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


# The cost parameters are read from rows (so that they can be raised); whoever can write a row
# must not make a log-in or a status check allocate gigabytes or run for minutes. Outside this
# fixed range nothing is derived (the row opens nothing).
KDF_OPSLIMIT_RANGE = (argon2id.OPSLIMIT_MIN, 16)
KDF_MEMLIMIT_RANGE = (argon2id.MEMLIMIT_MIN, 1024 * 1024 * 1024)


class UnsafeKdfParameters(DecryptionError):
    """Argon2id parameters outside the fixed range: refused before any work."""


def derive_key(secret: bytes, salt: bytes, *, opslimit: int, memlimit: int) -> bytes:
    """Argon2id. The parameters are stored beside every wrapped key so they can be raised,
    within KDF_OPSLIMIT_RANGE and KDF_MEMLIMIT_RANGE (else UnsafeKdfParameters)."""
    low_ops, high_ops = KDF_OPSLIMIT_RANGE
    low_mem, high_mem = KDF_MEMLIMIT_RANGE
    if not (low_ops <= opslimit <= high_ops and low_mem <= memlimit <= high_mem):
        raise UnsafeKdfParameters("Argon2id parameters outside the allowed range")
    return argon2id.kdf(KEY_BYTES, secret, bytes(salt), opslimit=opslimit, memlimit=memlimit)


def derive_code_key(secret: bytes, salt: bytes) -> bytes:
    """The key that wraps a report's keys under its Kode Akses: keyed BLAKE2b (libsodium's
    generichash) of the code, keyed with a key derived from the pepper (kept outside the
    database), salted per report. Fast on purpose: the code carries 120 random bits, so no
    derivation cost changes what guessing can do, and without the pepper a stolen database
    cannot even test a guess (docs/adr/0016-access-code-key-derivation.md)."""
    if len(salt) != SALT_BYTES:
        raise DecryptionError("a code key needs a 16-byte salt")
    pepper_key = hmac.new(settings.WBS_PEPPER.encode(), b"access-code-key", hashlib.sha256).digest()
    return nacl.hash.blake2b(
        secret,
        digest_size=KEY_BYTES,
        key=pepper_key,
        salt=bytes(salt),
        person=b"wbs-code-key-v1\0",
        encoder=nacl.encoding.RawEncoder,
    )


# --- keyed hashes ----------------------------------------------------------------------------


def keyed_hash(purpose: str, data: bytes) -> str:
    """HMAC-SHA256 under the pepper (kept outside the database), separated by purpose."""
    key = hmac.new(settings.WBS_PEPPER.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def constant_time_equal(a: str | bytes, b_: str | bytes) -> bool:
    if isinstance(a, str):
        a = a.encode()
    if isinstance(b_, str):
        b_ = b_.encode()
    return hmac.compare_digest(a, b_)


# --- files -----------------------------------------------------------------------------------


def encrypt_stream(key: bytes, chunks: Iterable[bytes], *, ad: bytes) -> Iterator[bytes]:
    """Encrypt an iterable of plaintext pieces into the WBSF1 format, chunk by chunk."""
    state = b.crypto_secretstream_xchacha20poly1305_state()
    header = b.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    yield FILE_MAGIC + header
    buffer = bytearray()
    for piece in chunks:
        buffer.extend(piece)
        while len(buffer) > FILE_CHUNK:
            chunk = bytes(buffer[:FILE_CHUNK])
            del buffer[:FILE_CHUNK]
            ct = b.crypto_secretstream_xchacha20poly1305_push(state, chunk, ad, _TAG_MESSAGE)
            yield struct.pack(">I", len(ct)) + ct
    ct = b.crypto_secretstream_xchacha20poly1305_push(state, bytes(buffer), ad, _TAG_FINAL)
    yield struct.pack(">I", len(ct)) + ct


def decrypt_stream(key: bytes, read, *, ad: bytes) -> Iterator[bytes]:
    """Decrypt WBSF1 data from a `read(n)` callable; raises DecryptionError on any fault."""
    head = read(len(FILE_MAGIC) + _SS_HEADER)
    if len(head) != len(FILE_MAGIC) + _SS_HEADER or not head.startswith(FILE_MAGIC):
        raise DecryptionError("unknown file format")
    state = b.crypto_secretstream_xchacha20poly1305_state()
    try:
        b.crypto_secretstream_xchacha20poly1305_init_pull(state, head[len(FILE_MAGIC) :], key)
    except nacl.exceptions.CryptoError:
        raise DecryptionError("bad file header") from None
    while True:
        size_bytes = read(4)
        if len(size_bytes) != 4:
            raise DecryptionError("file is truncated")
        (size,) = struct.unpack(">I", size_bytes)
        if size < _SS_ABYTES or size > FILE_CHUNK + _SS_ABYTES:
            raise DecryptionError("bad chunk size")
        ct = read(size)
        if len(ct) != size:
            raise DecryptionError("file is truncated")
        try:
            plain, tag = b.crypto_secretstream_xchacha20poly1305_pull(state, ct, ad)
        except nacl.exceptions.CryptoError:
            raise DecryptionError("file chunk does not authenticate") from None
        yield plain
        if tag == _TAG_FINAL:
            if read(1):
                raise DecryptionError("data after the final chunk")
            return


def encrypt_bytes_to_file(key: bytes, data: bytes, *, ad: bytes) -> bytes:
    pieces = (data[i : i + FILE_CHUNK] for i in range(0, len(data), FILE_CHUNK))
    return b"".join(encrypt_stream(key, pieces, ad=ad))


class StreamEncryptor:
    """Push-style WBSF1 encryption for data that arrives in pieces (uploads)."""

    def __init__(self, key: bytes, *, ad: bytes):
        self._ad = ad
        self._state = b.crypto_secretstream_xchacha20poly1305_state()
        self._header = b.crypto_secretstream_xchacha20poly1305_init_push(self._state, key)
        self._buffer = bytearray()
        self._started = False

    def _frame(self, chunk: bytes, tag: int) -> bytes:
        ct = b.crypto_secretstream_xchacha20poly1305_push(self._state, chunk, self._ad, tag)
        return struct.pack(">I", len(ct)) + ct

    def push(self, data: bytes) -> bytes:
        out = bytearray()
        if not self._started:
            out += FILE_MAGIC + self._header
            self._started = True
        self._buffer.extend(data)
        while len(self._buffer) > FILE_CHUNK:
            out += self._frame(bytes(self._buffer[:FILE_CHUNK]), _TAG_MESSAGE)
            del self._buffer[:FILE_CHUNK]
        return bytes(out)

    def finish(self) -> bytes:
        head = b"" if self._started else FILE_MAGIC + self._header
        self._started = True
        out = head + self._frame(bytes(self._buffer), _TAG_FINAL)
        self._buffer.clear()
        return out
