"""Small-count suppression for figures shown outside the Tim WBS.

A positive count below the threshold is hidden (primary suppression). Because totals are shown,
one hidden cell in a row or column could be recovered by subtraction, so every row and column
(each read as cells + total) must hide either none or at least two values: the smallest other
non-zero value is hidden too (secondary suppression), repeated until that holds everywhere.
"""

PRIMARY = "primary"
SECONDARY = "secondary"


def suppress_grid(cells: list[list[int]], threshold: int) -> dict:
    """Suppress a table with row totals, column totals and a grand total.

    Returns {"cells": flags[r][c], "row_totals": flags[r], "col_totals": flags[c],
    "total": flag}; each flag is None (shown), PRIMARY or SECONDARY."""
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    row_totals = [sum(r) for r in cells]
    col_totals = [sum(cells[r][c] for r in range(rows)) for c in range(cols)]
    grand = sum(row_totals)
    # One grid including totals: index rows/cols; the total row/column is the last.
    grid = [[*cells[r], row_totals[r]] for r in range(rows)] + [[*col_totals, grand]]
    flags = [[PRIMARY if 0 < v < threshold else None for v in row] for row in grid]

    def lines():
        for r in range(rows + 1):
            yield [(r, c) for c in range(cols + 1)]
        for c in range(cols + 1):
            yield [(r, c) for r in range(rows + 1)]

    changed = True
    while changed:
        changed = False
        for line in lines():
            hidden = [p for p in line if flags[p[0]][p[1]]]
            if len(hidden) != 1:
                continue
            candidates = [p for p in line if not flags[p[0]][p[1]] and grid[p[0]][p[1]] > 0]
            if not candidates:
                continue
            r, c = min(candidates, key=lambda p: (grid[p[0]][p[1]], p))
            flags[r][c] = SECONDARY
            changed = True
    return {
        "cells": [row[:cols] for row in flags[:rows]],
        "row_totals": [flags[r][cols] for r in range(rows)],
        "col_totals": flags[rows][:cols],
        "total": flags[rows][cols],
    }


def suppress_list(values: list[int], threshold: int) -> dict:
    """A single column of counts with its total."""
    result = suppress_grid([[v] for v in values], threshold)
    return {"cells": [row[0] for row in result["cells"]], "total": result["total"]}


def shown(value: int, flag, threshold: int) -> str:
    if flag == PRIMARY:
        return f"<{threshold}"
    if flag == SECONDARY:
        return "•"
    return f"{value:,}".replace(",", ".")
