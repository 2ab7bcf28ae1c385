"""Apache Kafka for wiremap: a local KRaft broker from Maven Central jars, and its topics."""

from wiremap.broker._process import LocalBroker
from wiremap.broker._resolve import resolve_bootstrap
from wiremap.broker._topics import contract_topic_configs, create_topics, ensure_topics

__all__ = [
    "LocalBroker",
    "contract_topic_configs",
    "create_topics",
    "ensure_topics",
    "resolve_bootstrap",
]
