"""The charts of a report, named for files and uploads."""

from __future__ import annotations

from dataclasses import dataclass

from bot.report.charts import budget_chart, mttr_chart
from bot.report.trends import Report

MTTR_CHART = "mttr-median.png"
BUDGET_CHART = "error-budget.png"


@dataclass(frozen=True)
class Chart:
    """A chart's file name and PNG bytes, or why it was not drawn."""

    filename: str
    title: str
    png: bytes | None
    missing_reason: str


def draw_charts(report: Report) -> tuple[Chart, Chart]:
    """Draw the MTTR and error-budget charts, saying why one has no data."""
    return (
        Chart(
            MTTR_CHART,
            f"MTTR median per {report.period_kind}",
            mttr_chart(report),
            "no incident in the window is resolved",
        ),
        Chart(
            BUDGET_CHART,
            "Error budget consumed per service",
            budget_chart(report),
            "SLO data is not configured"
            if not report.budget_configured
            else "no service has an SLO",
        ),
    )
