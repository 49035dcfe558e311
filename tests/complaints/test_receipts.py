"""Signed receipts: a genuine receipt verifies, and any change to it does not."""

from __future__ import annotations

import base64
import random
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from kalantar.complaints import receipts
from kalantar.complaints.codes import new_tracking_code
from kalantar.complaints.receipts import (
    KEY_FILE_NAME,
    ReceiptError,
    ReceiptFacts,
    build_receipt_path,
    generate_private_key_text,
    load_private_key,
    load_public_key,
    parse_receipt_url,
    public_key_pem,
    public_key_text,
    qr_svg,
    signing_key,
    verify_receipt_url,
    well_known_document,
)

SEED = bytes(range(32))
TEHRAN = timezone(timedelta(hours=3, minutes=30))


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return load_private_key(base64.b64encode(SEED).decode())


@pytest.fixture(scope="module")
def other_key() -> Ed25519PrivateKey:
    return load_private_key(generate_private_key_text())


def make_facts(**changes) -> ReceiptFacts:
    fields = {
        "tracking_code": new_tracking_code(random.Random(4)),
        "issued_at": datetime(2025, 3, 20, 9, 30, 15, tzinfo=UTC),
        "station": "HM01K01",
        "category": "theft",
    }
    return ReceiptFacts(**(fields | changes))


def reason_of(url: str, key) -> str:
    with pytest.raises(ReceiptError) as caught:
        verify_receipt_url(url, key)
    return caught.value.reason


# --- Round trip -----------------------------------------------------------------------------


def test_round_trip(key):
    facts = make_facts()
    path = build_receipt_path(facts, key)
    assert path.startswith(f"/r/{facts.tracking_code}?t={facts.unix_seconds}&u=HM01K01&c=theft&s=")
    assert verify_receipt_url(path, key) == facts
    assert verify_receipt_url(path, key.public_key()) == facts
    assert parse_receipt_url(path).facts == facts


def test_full_urls_and_sites_under_a_prefix_verify(key):
    facts = make_facts()
    path = build_receipt_path(facts, key)
    for base in ("https://kalantar.example", "http://127.0.0.1:8000", "https://gov.example/kal"):
        assert verify_receipt_url(base + path, key) == facts
    assert verify_receipt_url(f"  {path}\n", key) == facts  # pasted with stray whitespace


def test_the_signed_message_is_the_published_format(key):
    facts = make_facts()
    expected = f"kalantar-receipt:v1|{facts.tracking_code}|1742463015|HM01K01|theft".encode()
    assert facts.message() == expected
    claim = parse_receipt_url(build_receipt_path(facts, key))
    key.public_key().verify(claim.signature, expected)


def test_codes_in_other_scripts_are_percent_encoded_and_verify(key):
    facts = make_facts(station="کلانتری۱۱", category="سرقت_خودرو")
    path = build_receipt_path(facts, key)
    assert path.isascii()
    assert verify_receipt_url(path, key) == facts


def test_issue_time_is_kept_in_utc_whole_seconds(key):
    local = datetime(2025, 3, 20, 13, 0, 15, 987654, tzinfo=TEHRAN)
    facts = make_facts(issued_at=local)
    assert facts.issued_at == datetime(2025, 3, 20, 9, 30, 15, tzinfo=UTC)
    assert facts.issued_at.tzinfo is UTC
    assert verify_receipt_url(build_receipt_path(facts, key), key) == facts


# --- Facts that cannot be signed ------------------------------------------------------------


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="aware"):
        make_facts(issued_at=datetime(2025, 3, 20, 9, 30))


@pytest.mark.parametrize(
    "changes",
    [
        {"tracking_code": "1234567890"},  # check digit wrong
        {"tracking_code": "۱۲۳۴۵۶۷۸۹۰"},
        {"tracking_code": "123-456-7890"},
        {"station": ""},
        {"station": "HM01|K01"},  # the separator would make two receipts share a message
        {"station": "HM01 K01"},
        {"category": "theft\n"},
        {"category": "x" * 65},
        {"issued_at": datetime(1969, 12, 31, tzinfo=UTC)},
        {"issued_at": "2025-03-20T09:30:00Z"},
    ],
)
def test_unsignable_facts_are_rejected(changes):
    with pytest.raises(ValueError):
        make_facts(**changes)


# --- Tampering ------------------------------------------------------------------------------

REPLACEMENTS = [*"0159aAzZ-_=&?/%+.~#| \t;", "۱", "١", "é", "%41", ""]


def mutations(url: str):
    """Each character replaced by many others (and removed), one change at a time."""
    for i, original in enumerate(url):
        others = set(REPLACEMENTS) | {original.swapcase(), chr(ord(original) + 1)}
        if ord(original) > 32:
            others.add(chr(ord(original) - 1))
        for other in others:
            mutated = url[:i] + other + url[i + 1 :]
            if mutated != url:
                yield mutated


@pytest.mark.parametrize(
    "facts",
    [make_facts(), make_facts(station="کلانتری۱۱", category="سرقت")],
    ids=["latin", "persian"],
)
def test_changing_any_character_of_path_or_query_fails(key, facts):
    url = build_receipt_path(facts, key)
    reasons: set[str] = set()
    count = 0
    for mutated in mutations(url):
        with pytest.raises(ReceiptError) as caught:
            verify_receipt_url(mutated, key)
        reasons.add(caught.value.reason)
        count += 1
    assert count > 20 * len(url)
    assert reasons == {ReceiptError.MALFORMED, ReceiptError.BAD_CODE, ReceiptError.BAD_SIGNATURE}


def test_station_case_matters(key):
    url = build_receipt_path(make_facts(station="HM01K01"), key)
    assert reason_of(url.replace("u=HM01K01", "u=hm01k01"), key) == ReceiptError.BAD_SIGNATURE


def test_a_wrong_key_fails(key, other_key):
    url = build_receipt_path(make_facts(), other_key)
    assert reason_of(url, key) == ReceiptError.BAD_SIGNATURE
    assert reason_of(url, key.public_key()) == ReceiptError.BAD_SIGNATURE


def test_a_signature_cannot_be_moved_to_another_receipt(key):
    first = build_receipt_path(make_facts(), key)
    second = build_receipt_path(make_facts(category="fraud"), key)
    signature = first.rsplit("&s=", 1)[1]
    forged = second.rsplit("&s=", 1)[0] + "&s=" + signature
    assert reason_of(forged, key) == ReceiptError.BAD_SIGNATURE


def test_the_spare_bits_of_the_last_signature_character_must_be_zero(key):
    url = build_receipt_path(make_facts(), key)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(url[-1])
    assert last & 0b1111 == 0
    for spare in range(1, 16):
        # Decodes to the same 64 bytes in a lenient decoder; here it is a different URL.
        lenient = url[:-1] + alphabet[last | spare]
        assert reason_of(lenient, key) == ReceiptError.MALFORMED


def split_query(url: str) -> tuple[str, list[str]]:
    path, query = url.split("?")
    return path, query.split("&")


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda items: [*items, "x=1"], id="extra"),
        pytest.param(lambda items: [*items, items[0]], id="duplicated-t"),
        pytest.param(lambda items: [*items, items[3]], id="duplicated-s"),
        pytest.param(lambda items: items[1:], id="missing-t"),
        pytest.param(lambda items: items[:3], id="missing-s"),
        pytest.param(lambda items: [*items, ""], id="trailing-ampersand"),
        pytest.param(lambda items: [items[0], "u", *items[2:]], id="no-value"),
        pytest.param(lambda items: [*items[:3], items[3] + "=="], id="padded-signature"),
        pytest.param(lambda items: [*items[:3], items[3].replace("s=", "s=A")], id="long-sig"),
        pytest.param(lambda items: [items[0].replace("t=", "t=0"), *items[1:]], id="leading-0"),
        pytest.param(lambda items: [items[0].replace("t=", "t=+"), *items[1:]], id="signed-t"),
        pytest.param(lambda items: [items[0].replace("t=", "T="), *items[1:]], id="name-case"),
        pytest.param(lambda items: ["t=" + "9" * 13, *items[1:]], id="huge-t"),
        pytest.param(lambda items: [items[0], "u=HM01%4BK01", *items[2:]], id="needless-%"),
    ],
)
def test_query_must_hold_exactly_the_four_parameters_once(key, edit):
    path, items = split_query(build_receipt_path(make_facts(station="HM01KK01"), key))
    url = path + "?" + "&".join(edit(items))
    assert reason_of(url, key) == ReceiptError.MALFORMED


def test_parameter_order_does_not_matter(key):
    facts = make_facts()
    path, items = split_query(build_receipt_path(facts, key))
    assert verify_receipt_url(path + "?" + "&".join(reversed(items)), key) == facts


@pytest.mark.parametrize(
    "url",
    [
        "",
        "/r/",
        "/r/?t=1",
        "https://kalantar.example/",
        "/complaints/1234567890",
        None,
        b"/r/1234567890",
    ],
)
def test_things_that_are_not_receipt_urls_are_malformed(key, url):
    assert reason_of(url, key) == ReceiptError.MALFORMED


def test_other_path_shapes_fail(key):
    facts = make_facts()
    path = build_receipt_path(facts, key)
    code = facts.tracking_code
    for url in (
        path.replace(f"/r/{code}", f"/r/{code}/"),
        path.replace(f"/r/{code}", f"/R/{code}"),
        path.replace(f"/r/{code}", f"r/{code}"),
        path.replace(f"/r/{code}", f"/r/{code[:3]}-{code[3:]}"),
        "ftp://kalantar.example" + path,
        path + "#top",
    ):
        assert reason_of(url, key) == ReceiptError.MALFORMED, url


def test_receipt_error_is_a_value_error():
    assert issubclass(ReceiptError, ValueError)
    assert ReceiptError("bad_signature").reason == "bad_signature"


# --- Keys and the published document -------------------------------------------------------


def test_private_keys_load_from_standard_or_urlsafe_base64(key):
    standard = base64.b64encode(SEED).decode()
    urlsafe = base64.urlsafe_b64encode(SEED).decode()
    for text in (standard, urlsafe, urlsafe.rstrip("="), f" {standard}\n"):
        assert public_key_text(load_private_key(text)) == public_key_text(key)


@pytest.mark.parametrize("text", ["", "not base64!", base64.b64encode(bytes(31)).decode()])
def test_bad_private_keys_are_refused(text):
    with pytest.raises(ValueError):
        load_private_key(text)


def test_generated_keys_are_new_and_loadable():
    first, second = generate_private_key_text(), generate_private_key_text()
    assert first != second
    assert len(base64.b64decode(first)) == 32
    load_private_key(first)


def test_public_keys_round_trip_as_text_and_pem(key):
    facts = make_facts()
    url = build_receipt_path(facts, key)
    for text in (public_key_text(key), public_key_pem(key)):
        assert verify_receipt_url(url, load_public_key(text)) == facts
    assert public_key_pem(key).startswith("-----BEGIN PUBLIC KEY-----")
    with pytest.raises(ValueError):
        load_public_key(base64.b64encode(bytes(16)).decode())


def test_well_known_document_lets_anyone_verify(key):
    doc = well_known_document(key, "https://kalantar.example/")
    assert doc["algorithm"] == "Ed25519"
    assert doc["url_format"].startswith("https://kalantar.example/r/<tracking_code>?t=")
    assert set(doc) >= {"public_key", "public_key_pem", "message_format", "how_to_verify"}
    facts = make_facts()
    message = (
        doc["message_format"]
        .replace("<tracking_code>", facts.tracking_code)
        .replace("<unix_seconds>", str(facts.unix_seconds))
        .replace("<station>", facts.station)
        .replace("<category>", facts.category)
    )
    assert message.encode() == facts.message()
    signature = key.sign(message.encode())
    load_public_key(doc["public_key"]).verify(signature, message.encode())
    load_public_key(doc["public_key_pem"]).verify(signature, message.encode())


# --- QR code --------------------------------------------------------------------------------


def test_qr_svg_is_inline_svg_with_a_path(key):
    svg = qr_svg("https://kalantar.example" + build_receipt_path(make_facts(), key))
    assert svg.startswith("<svg ")
    assert svg.rstrip().endswith("</svg>")
    assert "<path" in svg and ' d="M' in svg
    assert 'class="receipt-qr"' in svg
    assert "viewBox=" in svg and 'width="' in svg
    assert "<?xml" not in svg


# --- The site's signing key -----------------------------------------------------------------


@pytest.fixture
def fresh_key_cache():
    receipts.clear_signing_key_cache()
    yield
    receipts.clear_signing_key_cache()


def test_configured_signing_key_is_used(settings, tmp_path, fresh_key_cache, key):
    settings.VAR_DIR = tmp_path
    settings.RECEIPT_SIGNING_KEY = base64.urlsafe_b64encode(SEED).decode()
    assert public_key_text(signing_key()) == public_key_text(key)
    assert signing_key() is signing_key()  # cached
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_development_key_is_made_once_and_kept_private(settings, tmp_path, fresh_key_cache):
    settings.PRODUCTION = False
    settings.RECEIPT_SIGNING_KEY = ""
    settings.VAR_DIR = tmp_path / "var"
    first = signing_key()
    path = tmp_path / "var" / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # nothing left behind
    receipts.clear_signing_key_cache()
    assert public_key_text(signing_key()) == public_key_text(first)
    assert public_key_text(load_private_key(path.read_text())) == public_key_text(first)


def test_production_requires_a_configured_key(settings, tmp_path, fresh_key_cache):
    settings.PRODUCTION = True
    settings.RECEIPT_SIGNING_KEY = ""
    settings.VAR_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured):
        signing_key()
    assert not (tmp_path / KEY_FILE_NAME).exists()
    settings.RECEIPT_SIGNING_KEY = generate_private_key_text()
    assert isinstance(signing_key(), Ed25519PrivateKey)


def test_a_bad_configured_key_is_a_configuration_error(settings, tmp_path, fresh_key_cache):
    settings.VAR_DIR = tmp_path
    settings.RECEIPT_SIGNING_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured):
        signing_key()


def test_a_damaged_key_file_is_not_replaced(settings, tmp_path, fresh_key_cache):
    settings.PRODUCTION = False
    settings.RECEIPT_SIGNING_KEY = ""
    settings.VAR_DIR = tmp_path
    (tmp_path / KEY_FILE_NAME).write_text("damaged")
    with pytest.raises(ImproperlyConfigured):
        signing_key()
    assert (tmp_path / KEY_FILE_NAME).read_text() == "damaged"
