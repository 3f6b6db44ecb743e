import itertools

from wbs.monitoring.suppression import PRIMARY, SECONDARY, suppress_grid, suppress_list


def _recoverable(cells, result):
    """True if some hidden cell can be recomputed from the shown values of one line."""
    rows, cols = len(cells), len(cells[0])
    grid = [[*cells[r], sum(cells[r])] for r in range(rows)]
    grid.append(
        [*(sum(cells[r][c] for r in range(rows)) for c in range(cols)), sum(map(sum, cells))]
    )
    flags = [[*result["cells"][r], result["row_totals"][r]] for r in range(rows)]
    flags.append([*result["col_totals"], result["total"]])
    lines = [[(r, c) for c in range(cols + 1)] for r in range(rows + 1)]
    lines += [[(r, c) for r in range(rows + 1)] for c in range(cols + 1)]
    return any(sum(1 for r, c in line if flags[r][c]) == 1 for line in lines)


def test_small_cell_is_primary():
    assert suppress_list([10, 2, 7], 3)["cells"][1] == PRIMARY


def test_one_hidden_cell_gets_a_partner():
    result = suppress_list([10, 2, 7], 3)
    assert result["cells"] == [None, PRIMARY, SECONDARY]


def test_zero_is_not_hidden():
    assert suppress_list([0, 5, 9], 3)["cells"] == [None, None, None]


def test_total_below_threshold_is_hidden():
    result = suppress_list([1, 0, 0], 3)
    assert result["cells"][0] == PRIMARY and result["total"] == PRIMARY


def test_grid_rows_and_columns_cannot_give_a_cell_back():
    cells = [[5, 1, 8], [6, 7, 9], [4, 12, 2]]
    assert not _recoverable(cells, suppress_grid(cells, 3))


def test_every_small_grid_is_protected():
    for values in itertools.product([0, 1, 2, 4], repeat=4):
        cells = [list(values[:2]), list(values[2:])]
        result = suppress_grid(cells, 3)
        assert not _recoverable(cells, result), cells


def test_large_values_stay_visible():
    result = suppress_grid([[10, 20], [30, 40]], 3)
    assert all(flag is None for row in result["cells"] for flag in row)


def test_secondary_flag_is_distinct():
    assert SECONDARY in suppress_list([2, 9, 9], 3)["cells"]


def test_percentile_from_histogram_equals_percentile_cont():
    import random

    from wbs.monitoring.figures import percentile_cont, percentile_from_histogram

    rng = random.Random(7)
    for _ in range(200):
        values = sorted(rng.randint(0, 30) for _ in range(rng.randint(1, 40)))
        histogram = {}
        for v in values:
            histogram[v] = histogram.get(v, 0) + 1
        for fraction in (0.5, 0.9):
            assert percentile_from_histogram(histogram, fraction) == percentile_cont(
                values, fraction
            )
