"""The map's self-served tile archive: byte ranges, as a PMTiles reader asks for them."""

from __future__ import annotations

import pytest

from kalantar.core.byte_ranges import UnsatisfiableRange, parse_range

ARCHIVE = bytes(range(256)) * 40  # 10,240 bytes, each position's byte known


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 10239)),
        ("bytes=-10", (10230, 10239)),
        ("bytes=10000-20000", (10000, 10239)),
        ("bytes=-20000", (0, 10239)),
    ],
)
def test_a_single_range_is_read_as_a_reader_means_it(header, expected):
    assert parse_range(header, len(ARCHIVE)) == expected


@pytest.mark.parametrize(
    "header",
    ["bytes=10240-", "bytes=50-10", "bytes=-0", "bytes=-", "items=0-9", "bytes=0-9,20-29", "x"],
)
def test_a_range_outside_the_file_or_malformed_is_refused(header):
    with pytest.raises(UnsatisfiableRange):
        parse_range(header, len(ARCHIVE))


@pytest.fixture
def archive(settings, tmp_path):
    path = tmp_path / "hamedan.pmtiles"
    path.write_bytes(ARCHIVE)
    settings.MAP_PMTILES_PATH = str(path)
    return path


def test_the_tile_archive_answers_a_range_with_exactly_those_bytes(client, archive):
    response = client.get("/map/tiles.pmtiles", HTTP_RANGE="bytes=1000-1099")
    assert response.status_code == 206
    assert response.content == ARCHIVE[1000:1100]
    assert response["Content-Range"] == "bytes 1000-1099/10240"
    assert response["Accept-Ranges"] == "bytes"


def test_the_tile_archive_refuses_a_range_past_its_end_with_416(client, archive):
    response = client.get("/map/tiles.pmtiles", HTTP_RANGE="bytes=20000-20100")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */10240"


def test_the_whole_archive_is_served_without_a_range(client, archive):
    response = client.get("/map/tiles.pmtiles")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ARCHIVE


def test_no_archive_configured_is_not_found(client, settings):
    settings.MAP_PMTILES_PATH = ""
    assert client.get("/map/tiles.pmtiles", HTTP_RANGE="bytes=0-9").status_code == 404


def test_the_archive_cannot_be_written_to(client, archive):
    assert client.post("/map/tiles.pmtiles").status_code == 405
