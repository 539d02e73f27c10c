"""API keys in the settings database's ``api_credentials`` table, as Fernet ciphertext only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from upbit_auto_trading.application.credentials.ports import CredentialStatus
from upbit_auto_trading.domain.credentials.api_key_pair import ApiKeyPair, mask
from upbit_auto_trading.infrastructure.secrets.master_key import load_or_create_master_key
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

EXCHANGE = "upbit"


class SqliteCredentialVault:
    def __init__(self, session: DatabaseSession, master_key_path: Path) -> None:
        self._session = session
        self._master_key_path = master_key_path
        self._fernet: Fernet | None = None

    def _cipher(self) -> Fernet:
        if self._fernet is None:
            self._fernet = Fernet(load_or_create_master_key(self._master_key_path))
        return self._fernet

    def save(self, keys: ApiKeyPair) -> None:
        cipher = self._cipher()
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._session.settings.transaction() as conn:
            conn.execute(
                "INSERT INTO api_credentials (exchange, access_key_ciphertext, secret_key_ciphertext, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (exchange) DO UPDATE SET"
                " access_key_ciphertext = excluded.access_key_ciphertext,"
                " secret_key_ciphertext = excluded.secret_key_ciphertext, updated_at = excluded.updated_at",
                (EXCHANGE, cipher.encrypt(keys.access_key.encode()), cipher.encrypt(keys.secret_key.encode()), now, now),
            )

    def _row(self):
        return (
            self._session.settings.connection()
            .execute(
                "SELECT access_key_ciphertext, secret_key_ciphertext, updated_at FROM api_credentials WHERE exchange = ?",
                (EXCHANGE,),
            )
            .fetchone()
        )

    def load(self) -> ApiKeyPair | None:
        row = self._row()
        if row is None:
            return None
        try:
            cipher = self._cipher()
            return ApiKeyPair(cipher.decrypt(row[0]).decode(), cipher.decrypt(row[1]).decode())
        except InvalidToken:
            return None

    def delete(self) -> bool:
        with self._session.settings.transaction() as conn:
            return conn.execute("DELETE FROM api_credentials WHERE exchange = ?", (EXCHANGE,)).rowcount > 0

    def status(self) -> CredentialStatus:
        row = self._row()
        if row is None:
            return CredentialStatus(stored=False)
        updated = datetime.strptime(row[2], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        try:
            access = self._cipher().decrypt(row[0]).decode()
        except InvalidToken:
            return CredentialStatus(stored=True, updated_at=updated, readable=False)
        return CredentialStatus(stored=True, masked_access_key=mask(access), updated_at=updated)
