"""Settings: development defaults work; production refuses them; bad values are named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from thidua.settings import Settings, redacted

pytestmark = pytest.mark.fast


def test_development_defaults_use_an_embedded_temporal_and_a_sqlite_file(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.temporal_is_embedded
    assert settings.resolved_temporal_address == "127.0.0.1:7233"
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path / 'thidua.sqlite3'}"


def test_production_refuses_the_development_secrets():
    with pytest.raises(ValidationError) as error:
        Settings(environment="production")
    message = str(error.value)
    assert "THIDUA_SECRET_KEY" in message and "THIDUA_PAYLOAD_ENCRYPTION_KEY" in message


def test_production_accepts_real_secrets():
    settings = Settings(
        environment="production",
        secret_key="x" * 40,
        payload_encryption_key="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        signing_key_passphrase="a real passphrase",
    )
    assert settings.environment == "production"


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1:", "http://x:7233", "a b:1"])
def test_a_malformed_temporal_address_is_refused_with_its_value(address):
    with pytest.raises(ValidationError) as error:
        Settings(temporal_address=address)
    assert "host:port" in str(error.value)


def test_redacted_settings_hide_secrets_and_database_passwords():
    values = redacted(
        Settings(database_url="postgresql://thidua:s3cret@db/thidua", smtp_password="mailpass")
    )
    assert "s3cret" not in str(values) and "mailpass" not in str(values)
    assert values["secret_key"] == "***"
