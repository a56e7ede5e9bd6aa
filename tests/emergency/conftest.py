"""A province with its commune register, a portal and a loudspeaker channel, and a leader among the people."""

import pytest

from loa.auth import service as auth
from loa.channels import service as channels
from loa.content import service as content
from tests.conftest import PASSWORD


@pytest.fixture
def setup(db, settings, people):
    coordinator = people["coordinator"]
    people["leader"] = auth.create_user(
        db, settings, "leader", PASSWORD, full_name="Leader", roles=["leader"], agency=people["agencies"]["other"]
    )
    channels.seed_register(db, coordinator, "Trà Vinh")
    content.create_channel(db, "Cổng thông tin điện tử tỉnh", "portal", slug="cong-thong-tin")
    content.create_channel(db, "Loa truyền thanh cơ sở", "loudspeaker", slug="loa-xa")
    db.commit()
