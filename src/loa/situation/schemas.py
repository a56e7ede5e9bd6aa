"""The periodic report as JSON for the level above (``GET /api/v1/reports/periodic``): one schema every province
answers in, so that a ministry or a central board can add many provinces' reports up figure by figure."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Period(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="First local day (ISO date), included")
    to: str = Field(description="Last local day (ISO date), included")


class ReportFigure(BaseModel):
    """One headline figure: the same ``section``/``key`` in every province's report, so they add up."""

    section: Literal["plan", "content", "loudspeakers", "listening", "misinformation", "questions"] = Field(
        description="The module the figure comes from"
    )
    key: str = Field(description="The figure within its section, e.g. `published`, `completion_pct`")
    label: str = Field(description="Its Vietnamese name")
    kind: Literal["count", "pct", "share", "hours"] = Field(
        description="count: a number of things; pct: a percentage 0–100; share: a fraction 0–1; hours: a median"
    )
    value: float | None = Field(description="This period's value; null when the module cannot tell")
    previous: float | None = Field(description="The previous period's (of equal length)")
    change: float | None = Field(description="value − previous (percentage points for pct and share)")
    as_of: str = Field(description="The date or time the figure is from (ISO)")
    url: str = Field(description="The page with its detail, relative to the province's Loa address")


class GroupResult(BaseModel):
    """Results of one agency group of the plan (its "Tổ chức thực hiện" entry, or a kind of agency)."""

    group: str
    tasks: int
    done: int
    completion_pct: float | None = Field(description="Share of tasks done, 0–100")
    not_reported: list[str] = Field(description="Agencies of the group that filed no progress report in the period")


class Assessment(BaseModel):
    strengths: list[str] = Field(description="Ưu điểm, one point each")
    weaknesses: list[str] = Field(description="Hạn chế, one point each")


class PeriodicReport(BaseModel):
    """ "Báo cáo công tác thông tin, tuyên truyền phòng, chống dịch" of one province for one period."""

    title: str
    province: str
    period: Period
    previous_period: Period
    generated_at: str = Field(description="When the figures were read (UTC, ISO)")
    figures: list[ReportFigure]
    plan_groups: list[GroupResult]
    assessment: Assessment
    direction: list[str] = Field(description="Phương hướng, nhiệm vụ thời gian tới")
    proposals: list[str] = Field(description="Đề xuất, kiến nghị")
    edited: bool = Field(description="The assessment and direction were edited by the coordinator (else drafted)")
    sections: dict[str, dict] = Field(
        description="Each module's full answer for the period, by section key (see docs/modules/situation.md)"
    )
