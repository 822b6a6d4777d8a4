"""The one typed settings object, read lazily from ``KEHOACH_*`` env vars and ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path(__file__).parent / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEHOACH_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Folder of the embedded SQLite file")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in data_dir"
    )
    timezone: str = "Asia/Ho_Chi_Minh"
    registry_path: Path = DATA_DIR / "agencies.toml"
    holidays_path: Path = DATA_DIR / "holidays.toml"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 30.0
    mail_from: str = Field(default="", description="Sender address; must be set to send")
    mail_from_name: str = Field(
        default="Hệ thống theo dõi thực hiện kế hoạch",
        description="Sender's display name (the From header)",
    )
    org_name: str = Field(
        default="",
        description="The issuing body named in the web pages' header; default: the most "
        "common issuer of the stored plans",
    )
    base_url: str = "http://127.0.0.1:8080"
    trusted_proxies: str = Field(
        default="",
        description="Reverse proxies (addresses or networks, comma-separated) whose "
        "X-Forwarded-For/-Proto are believed; default none: the peer's address is the client",
    )
    secret_key: str = Field(default="", description="Signs action links; must be set to send")

    reminder_offsets: str = "7,3,1,0"  # working days before the deadline
    overdue_repeat_days: int = 3
    escalation_days: str = "0,3,7,14"  # working days overdue for: body, head, coordinator, leaders
    contributor_lead_days: int = 5  # contributors report this many working days before the lead
    sweep_times: str = "08:00"  # local times (comma-separated) at which the sweep runs
    delivery_interval_seconds: int = 300  # how often `serve` drains retries due in the outbox
    web_workers: int = 1  # `serve`'s web processes beside its one scheduler; 0: one per core

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kehoach.db').resolve()}"

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [item.strip() for item in self.trusted_proxies.split(",") if item.strip()]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings are built on first use, never at import time."""
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change env vars between cases)."""
    get_settings.cache_clear()
