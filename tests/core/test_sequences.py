"""Reference numbers: consecutive per numbering and period, shared by nobody, given back on
rollback."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from kalantar.core import sequences


@pytest.mark.django_db
def test_numbers_are_consecutive_per_name_and_period():
    assert sequences.take_one("P-K01", "1405") == 1
    assert sequences.take_one("P-K01", "1405") == 2
    assert sequences.take("P-K01", "1405", 3) == range(3, 6)
    assert sequences.take_one("P-K01", "1406") == 1
    assert sequences.take_one("R-K01", "1405") == 1


@pytest.mark.django_db
def test_a_rolled_back_write_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequences.take_one("P-K01", "1405") == 1
        raise RuntimeError("the write failed")
    assert sequences.take_one("P-K01", "1405") == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_get_distinct_consecutive_numbers():
    start = threading.Barrier(6)

    def take(_: int) -> list[int]:
        try:
            start.wait()
            with transaction.atomic():
                return list(sequences.take("incidents", "1405", 2))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        taken = [n for numbers in pool.map(take, range(6)) for n in numbers]
    assert sorted(taken) == list(range(1, 13))
