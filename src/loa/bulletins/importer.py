"""Reading statistics files (CSV or XLSX, long or wide, cumulative or daily) and checking them before anything
is stored. Pure functions: nothing here touches the database.

Long form: one row per unit and day — a date column, a unit column (absent: the whole country) and one column per
metric. Wide form: a date column and one column per unit, all of one metric. Each finding is a ``Problem``:
warnings may be accepted by the person importing, errors must be fixed in the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from loa.archives import xlsx_rows
from loa.bulletins.gazetteer import NATIONAL, fold, gazetteer
from loa.bulletins.models import METRICS
from loa.clock import parse_date
from loa.errors import UserError
from loa.formats import parse_number, vn_date, vn_number

MODES = ("cumulative", "daily")
DATE_COLUMNS = {"date", "ngay", "day", "ngay bao cao", "thoi gian"}
UNIT_COLUMNS = {
    "unit",
    "province",
    "tinh",
    "tinh thanh",
    "tinh thanh pho",
    "tinh tp",
    "don vi",
    "dia phuong",
    "location",
    "district",
    "huyen",
    "quan huyen",
    "area",
}
# folded header → (metric, says cumulative?)
METRIC_COLUMNS = {
    "cases": ("cases", None),
    "confirmed": ("cases", None),
    "ca mac": ("cases", None),
    "ca nhiem": ("cases", None),
    "so ca": ("cases", None),
    "ca mac moi": ("cases", False),
    "new cases": ("cases", False),
    "confirmed total": ("cases", True),
    "tong ca mac": ("cases", True),
    "cases total": ("cases", True),
    "recoveries": ("recoveries", None),
    "recovered": ("recoveries", None),
    "khoi": ("recoveries", None),
    "khoi benh": ("recoveries", None),
    "recovered total": ("recoveries", True),
    "deaths": ("deaths", None),
    "tu vong": ("deaths", None),
    "deaths total": ("deaths", True),
    "vaccinated 1": ("vaccinated_1", None),
    "mui 1": ("vaccinated_1", None),
    "dose 1": ("vaccinated_1", None),
    "first dose": ("vaccinated_1", None),
    "tiem mui 1": ("vaccinated_1", None),
    "vaccinated 2": ("vaccinated_2", None),
    "mui 2": ("vaccinated_2", None),
    "dose 2": ("vaccinated_2", None),
    "second dose": ("vaccinated_2", None),
    "tiem mui 2": ("vaccinated_2", None),
}
OUTLIER_FACTOR = 4  # a day above 4× the previous 7 days' mean (and 20 above it) is flagged
PROGRESS_EVERY = 200  # rows between two calls of analyse's ``progress``


@dataclass
class Problem:
    """One finding of the validation report. ``id`` is stable for the same file, so it can be accepted."""

    id: str
    kind: str  # unknown_unit | duplicate_day | gap | decrease | negative | outlier | mode | bad_value | bad_date
    severity: str  # warning | error
    message: str
    message_en: str
    unit: str = ""
    day: date | None = None
    line: int | None = None  # the file's line (row) the finding is about, when it is about one

    def as_dict(self) -> dict:
        found = {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "message_en": self.message_en,
            "unit": self.unit,
            "day": self.day.isoformat() if self.day else None,
        }
        return {**found, "line": self.line} if self.line else found


@dataclass
class Analysis:
    """What a file holds and what is wrong with it; ``series`` maps (unit code, metric) → {day: value}."""

    filename: str
    content_hash: str
    layout: str
    detected_mode: str
    mode: str
    metrics: list[str]
    series: dict[tuple[str, str], dict[date, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def days(self) -> list[date]:
        return sorted({d for values in self.series.values() for d in values})

    @property
    def units(self) -> list[str]:
        return sorted({u for u, _m in self.series})

    def summary(self) -> dict:
        days = self.days
        return {
            "filename": self.filename,
            "content_hash": self.content_hash,
            "layout": self.layout,
            "detected_mode": self.detected_mode,
            "mode": self.mode,
            "metrics": self.metrics,
            "units": self.units,
            "first_day": days[0].isoformat() if days else None,
            "last_day": days[-1].isoformat() if days else None,
            "values": sum(len(v) for v in self.series.values()),
            "ignored_columns": self.ignored_columns,
            "problems": [p.as_dict() for p in self.problems],
        }


# ---- reading ------------------------------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> list[list]:
    """Rows of cells from CSV (any common encoding, , ; or tab) or XLSX (first sheet)."""
    name = filename.lower()
    if not content.strip():
        raise UserError("Tệp trống.", "The file is empty.")
    if name.endswith(".xls") and not content.startswith(b"PK"):
        raise UserError(
            "Tệp Excel cũ (.xls) chưa được hỗ trợ: hãy lưu lại dưới dạng .xlsx hoặc .csv.",
            "Old Excel files (.xls) are not supported: save as .xlsx or .csv.",
        )
    if name.endswith((".xlsx", ".xlsm")) or content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    return _read_csv(_decode(content))


def _read_xlsx(content: bytes) -> list[list]:
    """The non-empty rows of the first sheet (checked and streamed by ``loa.archives``)."""
    return [list(r) for r in xlsx_rows(content) if any(c not in (None, "") for c in r)]


def _decode(content: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1258 (Excel's "CSV" on Vietnamese Windows, tones as
    combining marks: NFC composes them). Units read wrongly from another encoding are reported as unknown."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return unicodedata.normalize("NFC", content.decode("utf-16"))
        except UnicodeDecodeError:
            pass
    else:
        try:
            return unicodedata.normalize("NFC", content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            pass
    try:
        if b"\x00" in content:
            raise UnicodeDecodeError("cp1258", content, 0, 1, "NUL byte")
        return unicodedata.normalize("NFC", content.decode("cp1258"))
    except UnicodeDecodeError as exc:
        raise UserError(
            "Không nhận ra bảng mã của tệp CSV: hãy lưu lại với bảng mã UTF-8.",
            "Cannot tell the CSV file's encoding: save it as UTF-8.",
        ) from exc


def _read_csv(text: str) -> list[list]:
    sample = text[:4096]
    delimiter = max([",", ";", "\t"], key=lambda d: sample.split("\n", 1)[0].count(d))
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise UserError("Tệp CSV sai định dạng.", f"Malformed CSV file: {exc}") from exc
    return [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]


def parse_count(value) -> int | None:
    """A count: 1234, 12.0 (a spreadsheet's number), or typed in Vietnamese notation ("1.234", "1 234"; see
    :func:`loa.formats.parse_number`); "" → None; anything else (a fraction, "1,234" that could be read two ways)
    raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = parse_number(value)
    except UserError as exc:
        raise ValueError(value) from exc
    if not isinstance(number, int):
        raise ValueError(value)
    return number


# ---- analysis -----------------------------------------------------------------------------------------


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check_options(mode: str | None, metric: str) -> None:
    """Refuse an unknown mode (None: detect it) or metric."""
    if mode not in (None, *MODES):
        raise UserError("Kiểu số liệu phải là “cộng dồn” hoặc “theo ngày”.", "Mode must be cumulative or daily.")
    if metric not in METRICS:
        raise UserError(f"Chỉ số không hợp lệ: {metric}.", f"Unknown metric: {metric}.")


def analyse(
    content: bytes,
    filename: str,
    mode: str | None = None,
    metric: str = "cases",
    within: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Analysis:
    """Read a file and report every problem; ``mode`` is what the person states (None: as detected).
    ``progress(rows read, rows in the file)`` is called every ``PROGRESS_EVERY`` rows and at the end."""
    check_options(mode, metric)
    rows = read_table(content, filename)
    if len(rows) < 2:
        raise UserError("Tệp không có dòng số liệu nào.", "The file has no data rows.")
    columns = _columns(rows[0])
    raw, problems = _read_rows(rows, columns, metric, progress)
    series, labels_of, unit_problems = _resolve(raw, within)
    detected = _detect_mode(series, columns.said_cumulative)
    analysis = Analysis(
        filename=filename,
        content_hash=content_hash(content),
        layout=columns.layout,
        detected_mode=detected,
        mode=mode or detected,
        metrics=sorted({m for _u, m in series}, key=list(METRICS).index),
        ignored_columns=columns.ignored,
    )
    analysis.series = series
    analysis.problems = problems + unit_problems + _mode_problems(mode, detected)
    for (unit, m), values in series.items():
        analysis.problems += _series_problems(labels_of[(unit, m)], unit, m, values, analysis.mode)
    if progress:
        progress(len(rows) - 1, len(rows) - 1)
    return analysis


@dataclass
class _Columns:
    """Where a file's values are: the date column, and per layout the value columns: index → metric (long form,
    with the unit column; None: the whole country) or index → unit label (wide form, all of one metric)."""

    layout: str
    date: int
    unit: int | None = None
    metrics: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    said_cumulative: set[bool] = field(default_factory=set)
    ignored: list[str] = field(default_factory=list)


def _columns(first_row: list) -> _Columns:
    """The columns named by the header row; a header without a date or any value column is refused."""
    header = [fold(str(c or "")) for c in first_row]
    date_col = next((i for i, h in enumerate(header) if h in DATE_COLUMNS), None)
    if date_col is None:
        raise _header_error(
            "Không thấy cột ngày (date/ngày) ở dòng đầu.", "No date column (date/ngày) in the first row."
        )
    unit_col = next((i for i, h in enumerate(header) if h in UNIT_COLUMNS), None)
    metric_cols = {
        i: METRIC_COLUMNS[h.replace("_", " ")]
        for i, h in enumerate(header)
        if h.replace("_", " ") in METRIC_COLUMNS and i != date_col
    }
    if unit_col is None and not metric_cols:
        return _Columns(
            "wide",
            date_col,
            units={i: str(c).strip() for i, c in enumerate(first_row) if i != date_col and str(c or "").strip()},
        )
    metrics = {i: m for i, (m, _c) in metric_cols.items()}
    if not metrics:
        raise _header_error(
            "Không thấy cột số liệu nào (ca mắc, khỏi bệnh, tử vong, mũi 1, mũi 2).",
            "No metric column (cases, recoveries, deaths, first/second dose).",
        )
    return _Columns(
        "long",
        date_col,
        unit_col,
        metrics,
        said_cumulative={c for _m, c in metric_cols.values() if c is not None},
        ignored=[str(first_row[i]) for i in range(len(header)) if i not in metrics and i not in (date_col, unit_col)],
    )


def _header_error(vi: str, en: str) -> UserError:
    return UserError(vi, en, details=[{"line": 1, "message": vi, "message_en": en}])


def _report(progress: Callable[[int, int], None] | None, done: int, total: int) -> None:
    if progress and done % PROGRESS_EVERY == 0:
        progress(done, total)


def _cell(row: list, i: int):
    return row[i] if i < len(row) else None


def _read_rows(
    rows: list[list], columns: _Columns, metric: str, progress: Callable[[int, int], None] | None
) -> tuple[dict[tuple[str, str], list[tuple[date, int, int]]], list[Problem]]:
    """The values, (unit label, metric) → [(day, value, row)], and the rows' problems: dates and counts that
    cannot be read, units missing. ``metric`` is the metric of a wide file."""
    raw: dict[tuple[str, str], list[tuple[date, int, int]]] = {}
    problems: list[Problem] = []
    for n, row in enumerate(rows[1:], start=2):
        _report(progress, n - 1, len(rows) - 1)
        value = _cell(row, columns.date)
        day = parse_date(value)
        if day is None:
            problems.append(
                Problem(
                    f"bad_date:{n}",
                    "bad_date",
                    "error",
                    f"Dòng {n}: ngày “{value}” không đọc được (dùng 2021-10-25 hoặc 25/10/2021).",
                    f"Row {n}: cannot read the date “{value}” (use 2021-10-25 or 25/10/2021).",
                    line=n,
                )
            )
        if columns.layout == "wide":
            cells = [(label, metric, i) for i, label in columns.units.items()]
        else:
            label = (
                str(row[columns.unit] or "").strip()
                if columns.unit is not None and columns.unit < len(row)
                else NATIONAL
            )
            if not label:
                problems.append(
                    Problem(
                        f"bad_value:{n}:unit",
                        "bad_value",
                        "error",
                        f"Dòng {n}: thiếu tên đơn vị.",
                        f"Row {n}: the unit is missing.",
                        line=n,
                    )
                )
                continue
            cells = [(label, m, i) for i, m in columns.metrics.items()]
        if day is None:
            continue
        for label, m, i in cells:
            cell = _cell(row, i)
            try:
                count = parse_count(cell)
            except ValueError:
                problems.append(
                    Problem(
                        f"bad_value:{n}:{label}:{m}",
                        "bad_value",
                        "error",
                        f"Dòng {n}, {label}: “{cell}” không phải là một số đếm.",
                        f"Row {n}, {label}: “{cell}” is not a count.",
                        label,
                        day,
                        n,
                    )
                )
                continue
            if count is not None:
                raw.setdefault((label, m), []).append((day, count, n))
    return raw, problems


def _resolve(raw, within):
    """Map labels to unit codes: (series, unit names, problems); unknown labels are (acceptable: skipped)
    problems, and so is a day given twice."""
    g = gazetteer()
    series: dict[tuple[str, str], dict[date, int]] = {}
    labels_of: dict[tuple[str, str], str] = {}
    problems: list[Problem] = []
    unknown: dict[str, int] = {}
    for (label, metric), values in raw.items():
        unit = g.resolve(label, within=within)
        if unit is None:
            unknown[label] = unknown.get(label, 0) + len(values)
            continue
        target = series.setdefault((unit.code, metric), {})
        labels_of[(unit.code, metric)] = unit.name
        for day, value, n in sorted(values, key=lambda v: v[2]):
            if day in target:
                same = target[day] == value
                problems.append(
                    Problem(
                        f"duplicate_day:{unit.code}:{metric}:{day}",
                        "duplicate_day",
                        "warning",
                        f"{unit.name}, {METRICS[metric][0].lower()}: ngày {vn_date(day)} xuất hiện hai lần "
                        f"({'cùng giá trị' if same else f'{target[day]} và {value}'}); "
                        f"nếu chấp nhận, giữ giá trị ở dòng {n}.",
                        f"{unit.name}, {METRICS[metric][1].lower()}: {day} appears twice "
                        f"({'same value' if same else f'{target[day]} and {value}'}); accepting keeps row {n}.",
                        unit.code,
                        day,
                        n,
                    )
                )
            target[day] = value
    for label, count in unknown.items():
        hints = ", ".join(u.name for u in g.suggest(label))
        problems.append(
            Problem(
                f"unknown_unit:{fold(label)}",
                "unknown_unit",
                "warning",
                f"Không nhận ra đơn vị “{label}” ({count} giá trị)"
                + (f"; có phải là: {hints}?" if hints else "")
                + " Sửa tên trong tệp, hoặc chấp nhận để bỏ qua đơn vị này.",
                f"Unknown unit “{label}” ({count} values)"
                + (f"; did you mean: {hints}?" if hints else "")
                + " Fix the name in the file, or accept to skip this unit.",
                label,
            )
        )
    return series, labels_of, problems


def _detect_mode(series, said_cumulative: set[bool]) -> str:
    """Cumulative when the headers say so, or when the values (nearly) never fall from one day to the next
    and grow over the file; daily otherwise."""
    if said_cumulative:
        return "cumulative" if True in said_cumulative else "daily"
    steps = falls = growing = 0
    for values in series.values():
        seq = [values[d] for d in sorted(values)]
        steps += len(seq) - 1
        falls += sum(b < a for a, b in zip(seq, seq[1:]))
        growing += len(seq) > 1 and seq[-1] > seq[0]
    return "cumulative" if growing and falls <= 0.05 * steps else "daily"


def _mode_problems(mode: str | None, detected: str) -> list[Problem]:
    """The stated mode when the values look otherwise."""
    if not mode or mode == detected:
        return []
    if mode == "cumulative":
        return [
            Problem(
                "mode:cumulative",
                "mode",
                "warning",
                "Bạn chọn “cộng dồn” nhưng số liệu có vẻ là số theo ngày (có ngày giảm so với ngày trước).",
                "You chose cumulative but the data look daily (some days decrease).",
            )
        ]
    return [
        Problem(
            "mode:daily",
            "mode",
            "warning",
            "Bạn chọn “theo ngày” nhưng số liệu có vẻ là số cộng dồn (chỉ tăng, không bao giờ giảm).",
            "You chose daily but the data look cumulative (they only ever grow).",
        )
    ]


def daily_values(values: dict[date, int], mode: str) -> dict[date, int | None]:
    """Each day's new count: the value itself (daily), or the change from the day before (cumulative; None
    for the first day and after a gap)."""
    if mode == "daily":
        return dict(values)
    out: dict[date, int | None] = {}
    for day in sorted(values):
        prev = values.get(day - timedelta(days=1))
        out[day] = values[day] - prev if prev is not None else None
    return out


def _series_problems(name: str, unit: str, metric: str, values: dict[date, int], mode: str) -> list[Problem]:
    """One unit's series: its gaps, then the days that fall or stand out, in day order."""
    daily = daily_values(values, mode)
    by_day = _falls(name, unit, metric, values, daily, mode) + _outliers(name, unit, metric, daily)
    return _gaps(name, unit, metric, values) + sorted(by_day, key=lambda p: p.day)


def _words(metric: str) -> tuple[str, str]:
    return METRICS[metric][0].lower(), METRICS[metric][1].lower()


def _gaps(name: str, unit: str, metric: str, values: dict[date, int]) -> list[Problem]:
    """Days missing between two days with data."""
    problems = []
    label, label_en = _words(metric)
    days = sorted(values)
    for a, b in zip(days, days[1:]):
        if (b - a).days > 1:
            first, last = a + timedelta(days=1), b - timedelta(days=1)
            span = vn_date(first) if first == last else f"{vn_date(first)}–{vn_date(last)}"
            problems.append(
                Problem(
                    f"gap:{unit}:{metric}:{first}",
                    "gap",
                    "warning",
                    f"{name}, {label}: thiếu số liệu ngày {span}; nếu chấp nhận, các ngày này để trống.",
                    f"{name}, {label_en}: no data for {first}–{last}; accepting leaves these days empty.",
                    unit,
                    first,
                )
            )
    return problems


def _falls(
    name: str, unit: str, metric: str, values: dict[date, int], daily: dict[date, int | None], mode: str
) -> list[Problem]:
    """Days whose new count is below zero: a running total that falls, or a negative daily count."""
    problems = []
    label, label_en = _words(metric)
    for day in sorted(values):
        change = daily[day]
        if change is None or change >= 0:
            continue
        if mode == "cumulative":
            msg = (
                f"{name}, {label}: số cộng dồn giảm {-change} vào ngày {vn_date(day)} "
                f"({values[day - timedelta(days=1)]} → {values[day]})."
            )
            msg_en = f"{name}, {label_en}: the cumulative total falls by {-change} on {day}."
            problems.append(Problem(f"decrease:{unit}:{metric}:{day}", "decrease", "warning", msg, msg_en, unit, day))
        else:
            problems.append(
                Problem(
                    f"negative:{unit}:{metric}:{day}",
                    "negative",
                    "warning",
                    f"{name}, {label}: số âm ({change}) ngày {vn_date(day)}.",
                    f"{name}, {label_en}: negative count ({change}) on {day}.",
                    unit,
                    day,
                )
            )
    return problems


def _outliers(name: str, unit: str, metric: str, daily: dict[date, int | None]) -> list[Problem]:
    """Days far above the mean of the 7 days before (``OUTLIER_FACTOR``), when all 7 are known."""
    problems = []
    label, label_en = _words(metric)
    for day in sorted(daily):
        change = daily[day]
        if change is None or change < 0:
            continue
        before = [daily.get(day - timedelta(days=k)) for k in range(1, 8)]
        if any(v is None for v in before):
            continue
        mean = sum(before) / 7
        if change > OUTLIER_FACTOR * mean and change - mean >= 20:
            problems.append(
                Problem(
                    f"outlier:{unit}:{metric}:{day}",
                    "outlier",
                    "warning",
                    f"{name}, {label}: ngày {vn_date(day)} có {vn_number(change)}, cao bất thường so với trung bình "
                    f"7 ngày trước ({vn_number(mean, 1)}). Kiểm tra lại, hoặc chấp nhận nếu đúng.",
                    f"{name}, {label_en}: {change} on {day} is far above the previous 7 days' mean ({mean:.1f}).",
                    unit,
                    day,
                )
            )
    return problems
