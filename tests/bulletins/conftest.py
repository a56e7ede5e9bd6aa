"""Fixtures for the bulletins tests: the real 2021 series from shared/ (read at run time, never committed),
and fixture files derived from it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from loa.bulletins import service

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vn-covid-stats"
PROVINCES = DATA / "vnexpress_timeseries-vietnam-provinces-confirmed-total.csv"
NATIONAL = DATA / "vnexpress_timeseries-vietnam-combined.csv"


@pytest.fixture(scope="session")
def provinces_csv() -> bytes:
    assert PROVINCES.exists(), f"the shared data set is missing: {PROVINCES}"
    return PROVINCES.read_bytes()


@pytest.fixture(scope="session")
def national_csv() -> bytes:
    return NATIONAL.read_bytes()


def table(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def to_csv(rows: list[list], delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def last_days(content: bytes, n: int, columns: list[str] | None = None) -> list[list[str]]:
    """The header and last ``n`` rows of a wide file, keeping only ``columns`` (all when None)."""
    rows = table(content)
    keep = [0] + [i for i, h in enumerate(rows[0]) if i and (columns is None or h in columns)]
    return [[r[i] for i in keep] for r in [rows[0]] + rows[1:][-n:]]


@pytest.fixture(scope="session")
def delta_csv(provinces_csv) -> bytes:
    """The real series of the 13 Mekong Delta provinces (Trà Vinh's region), whole period."""
    from loa.bulletins.gazetteer import gazetteer

    names = [u.name for u in gazetteer().region_provinces("dbscl")]
    header = table(provinces_csv)[0]
    columns = [h for h in header if gazetteer().resolve(h) and gazetteer().resolve(h).name in names]
    assert len(columns) == 13
    return to_csv(last_days(provinces_csv, 10_000, columns))


@pytest.fixture
def real_data(db, delta_csv, national_csv):
    """The real Mekong Delta series and the national totals, imported (all warnings accepted)."""
    service.import_stats(db, delta_csv, "dbscl.csv", accepted=True)
    service.import_stats(db, national_csv, NATIONAL.name, accepted=True)
    db.commit()
    return db
