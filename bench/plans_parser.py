"""Plan parser: structure found and time per parse of the seed plan in every supported format and encoding,
and time to render the report upward.

Reproduce: .venv/bin/python bench/plans_parser.py   (reads ../shared/seed/, writes nothing)
Target: every format gives 7 purposes, 6 themes, 9 groups, 26 duties, 3 cited documents, 5 recipients;
a parse takes well under a second.
"""

import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.plans.encoders import seed_text, to_cp1258, to_docx, to_pdf, to_tcvn3, to_vni  # noqa: E402

from loa import documents  # noqa: E402
from loa.plans.parser import parse_bytes  # noqa: E402

REPEAT = 20
text = seed_text()
FORMATS = {
    "UTF-8": text.encode(),
    "UTF-16": text.encode("utf-16"),
    "Windows-1258": to_cp1258(text),
    "TCVN3": to_tcvn3(text),
    "VNI": to_vni(text),
    ".docx": to_docx(text),
    "PDF": to_pdf(text),
}
reference = parse_bytes(FORMATS["UTF-8"]).to_dict()

print(
    f"{'format':<14}{'bytes':>8}{'purp':>6}{'them':>6}{'grp':>5}{'duty':>6}{'cited':>6}{'recip':>6}"
    f"{'same':>6}{'ms/parse':>10}"
)
for name, data in FORMATS.items():
    start = time.perf_counter()
    for _ in range(REPEAT):
        plan = parse_bytes(data)
    ms = (time.perf_counter() - start) * 1000 / REPEAT
    same = plan.to_dict() == reference if name != "TCVN3" else str(plan.to_dict()).lower() == str(reference).lower()
    print(
        f"{name:<14}{len(data):>8}{len(plan.purposes):>6}{len(plan.themes):>6}{len(plan.agency_groups):>5}"
        f"{plan.duty_count:>6}{len(plan.cited_documents):>6}{len(plan.recipients):>6}{'yes' if same else 'NO':>6}"
        f"{ms:>10.1f}"
    )

doc = documents.Document(
    title="Báo cáo kết quả thực hiện Kế hoạch",
    issuer=["TỈNH ỦY TRÀ VINH", "BAN TUYÊN GIÁO"],
    place="Trà Vinh",
    date=date(2021, 10, 5),
    blocks=[documents.Paragraph(d) for g in parse_bytes(FORMATS["UTF-8"]).agency_groups for d in g.duties],
)
for name, render in (("report DOCX", documents.to_docx), ("report PDF", documents.to_pdf)):
    start = time.perf_counter()
    for _ in range(5):
        size = len(render(doc))
    print(f"{name:<14}{size:>8} bytes, {(time.perf_counter() - start) * 1000 / 5:.0f} ms per render (26 duties)")
