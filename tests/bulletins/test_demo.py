from datetime import date

from sqlalchemy import select

from loa.bulletins import service
from loa.bulletins.gazetteer import gazetteer
from loa.bulletins.models import Bulletin


def test_demo_seeds_a_plausible_tra_vinh_wave_and_a_bulletin_in_review(db, demo_province):
    assert demo_province is not None
    tv = gazetteer().get("84")
    f = service.figures(db, tv, date(2021, 10, 31))
    assert 0 <= f.new_cases < 200 and f.avg7 is not None
    assert 60 < f.dose1_pct < 90 and 20 < f.dose2_pct < f.dose1_pct
    assert f.recoveries_total < f.total_cases and f.region_size == 13
    bulletin = db.scalar(select(Bulletin))
    assert bulletin.unit_code == "84" and bulletin.content_item_id is not None
    assert bulletin.body.index("vắc xin") < bulletin.body.index("ca mắc mới")
