"""Listening services, the module's face: taxonomy (``topics``), sources and polling (``sources``), ingestion
(``ingest``), uploaded exports (``uploads``) and their resumable import (``imports``), trends (``trends``) and
rising-topic alerts (``alerts``), retention (``retention``). Plain functions over a ``Session``; only the
resumable import commits, batch by batch (see ``loa.listening.imports``)."""

from __future__ import annotations

from loa.listening.alerts import alerts, close_alert, detect, example_items, get_alert, rising, upper_tail
from loa.listening.imports import import_key, import_posts, list_imports, run_import, start_import
from loa.listening.ingest import DayCounts, Ingestor, IngestStats, add_counts, ingest, load_index
from loa.listening.retention import apply_retention
from loa.listening.sources import (
    create_source,
    due_sources,
    get_source,
    import_feed_bytes,
    list_sources,
    poll,
    poll_source,
    set_source_active,
    upload_source,
)
from loa.listening.topics import topics, update_topic
from loa.listening.trends import change_pct, daily_counts, days_between, overview, recent_items
from loa.listening.uploads import (
    COUNT_FIELDS,
    FIELD_LABELS,
    FIELDS,
    REQUIRED_FIELDS,
    SOURCE_TYPES,
    SYNONYMS,
    check_mapping,
    columns,
    file_format,
    guess_mapping,
    identity_column,
    parse_time,
    read_rows,
    row_post,
    strip_identity,
    validate,
)

__all__ = [
    "COUNT_FIELDS",
    "FIELD_LABELS",
    "FIELDS",
    "REQUIRED_FIELDS",
    "SOURCE_TYPES",
    "SYNONYMS",
    "DayCounts",
    "IngestStats",
    "Ingestor",
    "add_counts",
    "alerts",
    "apply_retention",
    "change_pct",
    "check_mapping",
    "close_alert",
    "columns",
    "create_source",
    "daily_counts",
    "days_between",
    "detect",
    "due_sources",
    "example_items",
    "file_format",
    "get_alert",
    "get_source",
    "guess_mapping",
    "identity_column",
    "import_feed_bytes",
    "import_key",
    "import_posts",
    "ingest",
    "list_imports",
    "list_sources",
    "load_index",
    "overview",
    "parse_time",
    "poll",
    "poll_source",
    "read_rows",
    "recent_items",
    "rising",
    "upper_tail",
    "row_post",
    "run_import",
    "set_source_active",
    "start_import",
    "strip_identity",
    "topics",
    "update_topic",
    "upload_source",
    "validate",
]
