"""API keys in the settings database's ``api_credentials`` table, as ciphertext only.

Two kinds of rows: Fernet tokens under the home's master key (OS keyring or key file, see
home_master_key.py), or values sealed with a passphrase (passphrase_cipher.py). A row says which it is,
so the same code reads a row restored from any backup and says why when it cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken

from upbit_auto_trading.application.credentials.errors import (
    PASSPHRASE_ENV,
    CredentialsLockedError,
    WrongPassphraseError,
)
from upbit_auto_trading.application.credentials.ports import PASSPHRASE, CredentialStatus
from upbit_auto_trading.domain.credentials.api_key_pair import ApiKeyPair, mask
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.infrastructure.logging.redaction import register_secret
from upbit_auto_trading.infrastructure.secrets.home_master_key import HomeMasterKey
from upbit_auto_trading.infrastructure.secrets.master_key import MasterKeyError
from upbit_auto_trading.infrastructure.secrets.passphrase_cipher import (
    DEFAULT_SCRYPT_N,
    ScryptParams,
    derive,
    is_sealed,
    seal,
    unseal,
)
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

EXCHANGE = "upbit"
# What opening a row with the wrong key (or opening a damaged row) raises: a failed MAC, a value that is not
# a token or not text, or text that is not a key.
_UNREADABLE = (InvalidToken, ValueError, DomainError)
_SET_AGAIN = "run `keys set` to enter the keys again (Settings > API keys)"


@dataclass(frozen=True)
class _Row:
    access: bytes
    secret: bytes
    updated_at: datetime


class _Unreadable(Exception):
    """Internal: the row cannot be opened here; ``status`` carries the details, ``kind`` what load raises."""

    def __init__(self, status: CredentialStatus, kind: str = "") -> None:
        super().__init__(status.problem)
        self.status = status
        self.kind = kind  # "locked", "wrong passphrase" or "" (unreadable: load returns None)


class SqliteCredentialVault:
    def __init__(
        self,
        session: DatabaseSession,
        master_key: HomeMasterKey,
        passphrase_from_environment: Callable[[], str | None] = lambda: None,
        scrypt_n: int = DEFAULT_SCRYPT_N,  # lower only in tests, to keep them fast
    ) -> None:
        self._session = session
        self._master = master_key
        self._environment = passphrase_from_environment
        self._scrypt_n = scrypt_n
        self._unlocked: dict[ScryptParams, Fernet] = {}  # passphrase-derived keys given in this process

    # --- storing -----------------------------------------------------------------------------------------

    def save(self, keys: ApiKeyPair, passphrase: str | None = None) -> None:
        if passphrase is not None:
            register_secret(passphrase)
            params = ScryptParams.new(self._scrypt_n)
            cipher = derive(passphrase, params)
            access = seal(cipher.encrypt(keys.access_key.encode()), params)
            secret = seal(cipher.encrypt(keys.secret_key.encode()), params)
        else:
            cipher = Fernet(self._master_key_for_saving())
            access, secret = cipher.encrypt(keys.access_key.encode()), cipher.encrypt(keys.secret_key.encode())
        self._remember(keys)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._session.settings.transaction() as conn:
            conn.execute(
                "INSERT INTO api_credentials (exchange, access_key_ciphertext, secret_key_ciphertext, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (exchange) DO UPDATE SET"
                " access_key_ciphertext = excluded.access_key_ciphertext,"
                " secret_key_ciphertext = excluded.secret_key_ciphertext, updated_at = excluded.updated_at",
                (EXCHANGE, access, secret, now, now),
            )
        if passphrase is not None:
            self._unlocked[params] = cipher  # the user has just typed it: no need to ask again in this process

    def _master_key_for_saving(self) -> bytes:
        found = self._master.lookup_or_create()
        assert found.key is not None  # lookup_or_create returns a key or raises MasterKeyError
        return found.key

    def delete(self) -> bool:
        with self._session.settings.transaction() as conn:
            return conn.execute("DELETE FROM api_credentials WHERE exchange = ?", (EXCHANGE,)).rowcount > 0

    # --- reading -----------------------------------------------------------------------------------------

    def _row(self) -> _Row | None:
        row = (
            self._session.settings.connection()
            .execute(
                "SELECT access_key_ciphertext, secret_key_ciphertext, updated_at FROM api_credentials WHERE exchange = ?",
                (EXCHANGE,),
            )
            .fetchone()
        )
        if row is None:
            return None
        updated = datetime.strptime(row[2], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return _Row(_as_bytes(row[0]), _as_bytes(row[1]), updated)

    def _open(self, row: _Row) -> tuple[ApiKeyPair, CredentialStatus]:
        """The keys and their status; raises _Unreadable (with the status to show) when they cannot be read."""
        if is_sealed(row.access):
            return self._open_sealed(row)
        try:
            found = self._master.lookup()
        except MasterKeyError as exc:
            raise _Unreadable(self._unreadable(row, "", "", str(exc))) from exc
        if found.key is None:
            problem = f"Stored keys cannot be read: {found.problem}; {_SET_AGAIN}."
            raise _Unreadable(self._unreadable(row, found.protection, found.location, problem))
        try:
            keys = _decrypt(Fernet(found.key), row.access, row.secret)
        except _UNREADABLE as exc:
            problem = (
                "Stored keys cannot be read: they were encrypted with another master key (another machine or "
                f"home, or a replaced key file); {_SET_AGAIN}."
            )
            raise _Unreadable(self._unreadable(row, found.protection, found.location, problem)) from exc
        return keys, self._readable(row, keys, found.protection, found.location)

    def _open_sealed(self, row: _Row) -> tuple[ApiKeyPair, CredentialStatus]:
        params, access_token, secret_token = self._unseal(row)
        location = params.describe()
        cipher = self._unlocked.get(params)
        source = "the passphrase"
        if cipher is None:
            given = self._environment()
            if not given:
                problem = f"{CredentialsLockedError()} Or {_SET_AGAIN}."
                status = self._unreadable(row, PASSPHRASE, location, problem)
                raise _Unreadable(replace(status, locked=True), "locked")
            register_secret(given)
            cipher, source = derive(given, params), PASSPHRASE_ENV
        try:
            keys = _decrypt(cipher, access_token, secret_token)
        except _UNREADABLE as exc:
            problem = str(WrongPassphraseError(source))
            raise _Unreadable(self._unreadable(row, PASSPHRASE, location, problem), "wrong passphrase") from exc
        self._unlocked[params] = cipher  # one derivation per process, however often the keys are read
        return keys, self._readable(row, keys, PASSPHRASE, location)

    def _unseal(self, row: _Row) -> tuple[ScryptParams, bytes, bytes]:
        try:
            params, access_token = unseal(row.access)
            secret_params, secret_token = unseal(row.secret)
        except ValueError as exc:
            problem = f"Stored keys are damaged; {_SET_AGAIN}."
            raise _Unreadable(self._unreadable(row, PASSPHRASE, "", problem)) from exc
        if secret_params != params:  # save seals both with one salt; anything else was not written here
            raise _Unreadable(self._unreadable(row, PASSPHRASE, "", f"Stored keys are damaged; {_SET_AGAIN}."))
        return params, access_token, secret_token

    def _readable(self, row: _Row, keys: ApiKeyPair, protection: str, location: str) -> CredentialStatus:
        self._remember(keys)
        return CredentialStatus(
            stored=True,
            masked_access_key=mask(keys.access_key),
            updated_at=row.updated_at,
            protection=protection,
            location=location,
        )

    @staticmethod
    def _unreadable(row: _Row, protection: str, location: str, problem: str) -> CredentialStatus:
        return CredentialStatus(
            stored=True, updated_at=row.updated_at, readable=False, protection=protection, location=location,
            problem=problem,
        )  # fmt: skip

    @staticmethod
    def _remember(keys: ApiKeyPair) -> None:
        register_secret(keys.access_key)
        register_secret(keys.secret_key)

    def load(self) -> ApiKeyPair | None:
        """The keys; None when none are stored or they cannot be read with any master key here.

        Passphrase-protected keys with no passphrase given raise CredentialsLockedError, and with a wrong
        one WrongPassphraseError: "no keys" would send the user to enter keys that are there."""
        row = self._row()
        if row is None:
            return None
        try:
            return self._open(row)[0]
        except _Unreadable as exc:
            if exc.kind == "locked":
                raise CredentialsLockedError() from None
            if exc.kind == "wrong passphrase":
                raise WrongPassphraseError(PASSPHRASE_ENV) from None
            return None

    def status(self) -> CredentialStatus:
        row = self._row()
        if row is None:
            try:
                protection, location = self._master.describe()
            except MasterKeyError as exc:
                return CredentialStatus(stored=False, problem=str(exc))
            return CredentialStatus(stored=False, protection=protection, location=location)
        try:
            return self._open(row)[1]
        except _Unreadable as exc:
            return exc.status

    def unlock(self, passphrase: str) -> CredentialStatus:
        """Check ``passphrase`` against passphrase-protected keys and keep the derived key for this process.

        Raises WrongPassphraseError when it does not fit; keys not protected by a passphrase are left as they
        are (their status is returned)."""
        row = self._row()
        if row is None or not is_sealed(row.access):
            return self.status()
        register_secret(passphrase)
        try:
            params, access_token, secret_token = self._unseal(row)
        except _Unreadable as exc:
            return exc.status  # damaged: no passphrase opens it
        cipher = derive(passphrase, params)
        try:
            _decrypt(cipher, access_token, secret_token)
        except _UNREADABLE:
            raise WrongPassphraseError() from None
        self._unlocked[params] = cipher
        return self.status()


def _decrypt(cipher: Fernet, access: bytes, secret: bytes) -> ApiKeyPair:
    return ApiKeyPair(cipher.decrypt(access).decode(), cipher.decrypt(secret).decode())


def _as_bytes(value: bytes | str | memoryview) -> bytes:
    return value.encode("ascii") if isinstance(value, str) else bytes(value)
