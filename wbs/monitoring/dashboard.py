"""The dashboard's tables and charts, ready for the template. With `suppress` (Pembina, and
anything public) small counts are hidden with secondary suppression (suppression.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cases.models import Status
from wbs.directory.models import Category, Unit, Wilayah

from . import charts, figures
from .suppression import PRIMARY, shown, suppress_grid, suppress_list

CHART_TITLES = {
    "category": gettext_lazy("Reports by category"),
    "wilayah": gettext_lazy("Reports by Irban area"),
    "unit": gettext_lazy("Reports by Perangkat Daerah"),
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def percent_text(value: float) -> str:
    """83.24 → "83,24%" (Indonesian decimal comma)."""
    return f"{value:.2f}%".replace(".", ",")


def _list_table(
    counts: dict,
    labels: list[tuple],
    *,
    suppress: bool,
    threshold: int,
    chart_title: str,
    chart_id: str,
) -> dict:
    values = [counts.get(key, 0) for key, _label in labels]
    flags = (
        suppress_list(values, threshold)
        if suppress
        else {"cells": [None] * len(values), "total": None}
    )
    rows = [
        {"label": str(label), "value": v, "text": shown(v, flag, threshold), "hidden": bool(flag)}
        for (key, label), v, flag in zip(labels, values, flags["cells"], strict=True)
    ]
    total = sum(values)
    chart_rows = [(r["label"], None if r["hidden"] else r["value"], r["text"]) for r in rows]
    return {
        "rows": rows,
        "total": shown(total, flags["total"], threshold),
        "chart": charts.bar_chart(chart_rows, title=chart_title, chart_id=chart_id),
    }


def build(filters: figures.Filters, *, suppress: bool, threshold: int) -> dict:
    data: dict = {"suppressed": suppress, "threshold": threshold}
    summary = figures.Summary(filters)

    # Tabel 1: year × (received, followed up); percentages hidden with either count.
    t1 = summary.table1()
    grid = [[row["received"], row["followed"]] for row in t1]
    flags = suppress_grid(grid, threshold) if suppress and grid else None
    data["table1"] = []
    for i, row in enumerate(t1):
        f_received = flags["cells"][i][0] if flags else None
        f_followed = flags["cells"][i][1] if flags else None
        data["table1"].append(
            {
                "year": row["year"],
                "received": shown(row["received"], f_received, threshold),
                "followed": shown(row["followed"], f_followed, threshold),
                "percent": "•" if (f_received or f_followed) else percent_text(row["percent"]),
                "received_n": row["received"],
                "followed_n": row["followed"],
                "percent_n": row["percent"],
            }
        )

    by_status = summary.counts_by("status")
    data["status"] = _list_table(
        by_status,
        [(s.value, s.label) for s in Status],
        suppress=suppress,
        threshold=threshold,
        chart_title=_("Reports by status"),
        chart_id="ch-status",
    )
    data["waiting"] = by_status.get(Status.PERLU_KELENGKAPAN, 0)
    # The same text as the status table's row, so a secondary suppression there holds here.
    waiting_row = list(Status).index(Status.PERLU_KELENGKAPAN)
    data["waiting_text"] = data["status"]["rows"][waiting_row]["text"]
    for key, field, labels in (
        ("category", "category_id", Category.objects.values_list("pk", "name")),
        ("wilayah", "wilayah_id", Wilayah.objects.values_list("pk", "short_name")),
        ("unit", "unit_id", Unit.objects.values_list("pk", "name")),
    ):
        data[key] = _list_table(
            summary.counts_by(field),
            list(labels),
            suppress=suppress,
            threshold=threshold,
            chart_title=CHART_TITLES[key],
            chart_id=f"ch-{key}",
        )

    # Year × month grid with totals.
    monthly = summary.monthly()
    years = sorted({year for year, _m in monthly})
    grid = [[monthly.get((year, m), 0) for m in range(1, 13)] for year in years]
    flags = suppress_grid(grid, threshold) if suppress and grid else None
    data["months"] = MONTHS
    data["monthly"] = [
        {
            "year": year,
            "cells": [
                shown(v, flags["cells"][i][m] if flags else None, threshold)
                for m, v in enumerate(grid[i])
            ],
            "total": shown(sum(grid[i]), flags["row_totals"][i] if flags else None, threshold),
        }
        for i, year in enumerate(years)
    ]
    data["monthly_chart"] = charts.bar_chart(
        [
            (
                str(row["year"]),
                None if (flags and flags["row_totals"][i]) else sum(grid[i]),
                row["total"],
            )
            for i, row in enumerate(data["monthly"])
        ],
        title=_("Reports received per year"),
        chart_id="ch-year",
    )

    times = figures.stage_times(filters)
    data["stages"] = []
    labels = {status: str(Status(status).label) for status in figures.STAGES}
    # The first-answer clock counts like a stage (SOP: first answer in 30 hari kerja).
    labels[figures.FIRST_ANSWER] = str(_("First answer to the reporter"))
    answer = figures.first_answer_times(filters)
    if answer:
        times = {**times, figures.FIRST_ANSWER: answer}
    for status in [*figures.STAGES, figures.FIRST_ANSWER]:
        row = times.get(status)
        if not row:
            continue
        hide = suppress and 0 < row["n"] < threshold
        data["stages"].append(
            {
                "label": labels[status],
                "n_value": row["n"],
                "median_value": row.get("median"),
                "p90_value": row.get("p90"),
                "compliance_value": row["compliance"],
                "n": shown(row["n"], PRIMARY if hide else None, threshold),
                "median": "•" if hide else _days(row.get("median")),
                "p90": "•" if hide else _days(row.get("p90")),
                "compliance": "•"
                if hide
                else ("—" if row["compliance"] is None else percent_text(row["compliance"])),
            }
        )
    return data


def _days(value) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",")
