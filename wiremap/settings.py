"""The one settings object. Every field names its environment variable beside it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Frozen runtime configuration, read from the environment once."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    # Kafka. Unset bootstrap servers mean: start (or reuse) the local KRaft broker.
    kafka_bootstrap_servers: str | None = Field(None, validation_alias=_env("KAFKA_BOOTSTRAP_SERVERS"))
    topic_items: str = Field("wire.items", validation_alias=_env("WIREMAP_TOPIC_ITEMS"))
    topic_rejected: str = Field("wire.rejected", validation_alias=_env("WIREMAP_TOPIC_REJECTED"))
    topic_located: str = Field("reports.located", validation_alias=_env("WIREMAP_TOPIC_LOCATED"))
    topic_counts: str = Field("regions.counts", validation_alias=_env("WIREMAP_TOPIC_COUNTS"))
    partitions: int = Field(4, ge=1, validation_alias=_env("WIREMAP_PARTITIONS"))

    # Stream processing.
    app_id: str = Field("wiremap", validation_alias=_env("WIREMAP_APP_ID"))
    dedupe_window_s: float = Field(7 * 86400, gt=0, validation_alias=_env("WIREMAP_DEDUPE_WINDOW_S"))
    story_window_s: float = Field(2 * 86400, gt=0, validation_alias=_env("WIREMAP_STORY_WINDOW_S"))
    story_threshold: float = Field(0.5, gt=0, le=1, validation_alias=_env("WIREMAP_STORY_THRESHOLD"))
    # A report counts in a region when its placement there is at least this likely right
    # (reports carry every placement, down to low-confidence ones; counts should not).
    rollup_min_confidence: float = Field(
        0.5, ge=0, le=1, validation_alias=_env("WIREMAP_ROLLUP_MIN_CONFIDENCE"))

    # Ingest limits.
    max_body_bytes: int = Field(100_000, gt=0, validation_alias=_env("WIREMAP_MAX_BODY_BYTES"))
    max_record_bytes: int = Field(1_000_000, gt=0, validation_alias=_env("WIREMAP_MAX_RECORD_BYTES"))
    intake_host: str = Field("127.0.0.1", validation_alias=_env("WIREMAP_INTAKE_HOST"))
    intake_port: int = Field(8765, validation_alias=_env("WIREMAP_INTAKE_PORT"))

    # Desk map.
    map_host: str = Field("127.0.0.1", validation_alias=_env("WIREMAP_MAP_HOST"))
    map_port: int = Field(8080, validation_alias=_env("WIREMAP_MAP_PORT"))
    map_poll_s: float = Field(2.0, gt=0, validation_alias=_env("WIREMAP_MAP_POLL_S"))
    map_tiles_url: str | None = Field(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png", validation_alias=_env("WIREMAP_MAP_TILES_URL")
    )

    # Local state: broker data, faust tables, jar cache.
    data_dir: Path = Field(Path(".wiremap"), validation_alias=_env("WIREMAP_DATA_DIR"))
    kafka_jars_dir: Path = Field(Path(".cache/kafka-jars"), validation_alias=_env("WIREMAP_KAFKA_JARS"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
