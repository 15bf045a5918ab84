from hypothesis import given
from hypothesis import strategies as st

from musichub.core.privacy import (
    FEWER_THAN_5,
    percentage_or_none,
    suppress_count,
    suppress_series,
    suppress_table,
    suppression_mask,
)


def test_counts_from_one_to_four_are_hidden_and_zero_and_five_are_shown():
    assert [suppress_count(n) for n in [0, 1, 4, 5, 12]] == [0, FEWER_THAN_5, FEWER_THAN_5, 5, 12]


def test_a_single_hidden_count_in_a_row_with_a_total_takes_the_next_smallest_with_it():
    assert suppress_series([3, 40, 12, 9]) == [FEWER_THAN_5, 40, 12, FEWER_THAN_5]


def test_two_hidden_counts_need_nothing_more():
    assert suppress_series([3, 2, 40]) == [FEWER_THAN_5, FEWER_THAN_5, 40]


def test_percentages_need_a_base_of_at_least_ten():
    assert percentage_or_none(3, 9) is None
    assert percentage_or_none(3, 10) == 30.0


def test_secondary_suppression_runs_across_rows_and_columns():
    table = [[2, 10, 20], [30, 40, 50], [60, 70, 80]]
    mask = suppression_mask(table)
    assert mask[0][0] and mask[0][1]  # the row
    assert mask[1][0]  # the column of the first cell
    assert sum(hidden for row in mask for hidden in row) >= 4


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(0, 60), min_size=width, max_size=width), min_size=1, max_size=5
    )
)


@given(tables)
def test_no_row_or_column_ever_has_exactly_one_hidden_cell_that_a_total_would_reveal(table):
    mask = suppression_mask(table)
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if 0 < value < 5:
                assert mask[r][c], "every small count is hidden"
    lines = [list(zip(row, mask_row, strict=True)) for row, mask_row in zip(table, mask, strict=True)]
    lines += [
        list(zip(column, mask_column, strict=True))
        for column, mask_column in zip(zip(*table, strict=True), zip(*mask, strict=True), strict=True)
    ]
    for line in lines:
        hidden = [value for value, is_hidden in line if is_hidden]
        shown_nonzero = [value for value, is_hidden in line if not is_hidden and value > 0]
        # A lone hidden cell is only allowed when nothing else in its line could be hidden with it.
        assert len(hidden) != 1 or not shown_nonzero


def test_in_a_two_by_two_table_one_small_count_hides_every_cell():
    # Row, column and the remaining cell would each give the small count away.
    assert suppress_table([[1, 9], [9, 9]]) == [[FEWER_THAN_5, FEWER_THAN_5], [FEWER_THAN_5, FEWER_THAN_5]]


def test_a_table_with_no_small_counts_is_shown_whole():
    assert suppress_table([[0, 9], [5, 7]]) == [[0, 9], [5, 7]]
