"""Benchmark: an alert to 100,000 subscribers, queued while the composer's page answers.

Builds a throw-away database (SQLite by default; --db postgres empties and uses the
database of DATABASE_URL, by default the local kalantar_bench) with one station, one
neighbourhood and --subscribers consenting subscribers, then measures in the same run:

- the trivial views (/healthz, and a staff page of the same layout and login that does no
  work) and the composer's page (GET /community/alerts/new/ for an area, topic and
  priority, which counts the recipients for its preview) while nothing else runs;
- queuing the alert (POST of the composer): the page answers once the alert row is stored,
  never after the messages;
- the same pages, and more composer POSTs, while another process drains the queue as the
  scheduler would (fan-out of one delivery per subscriber, then sending through the SMS
  backend in batches);
- the queue's drain rate: messages handed to the SMS backend per second.

Goal (issue 16): the composer answers within 2x the trivial staff page while the queue
drains.

    python bench/community.py [--subscribers N] [--requests N] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import benchdb

GOAL_RATIO = 2.0


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60, help="requests per measured page")
    benchdb.add_db_argument(parser)
    parser.add_argument("--drain-only", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _setup(args) -> str:
    where = benchdb.setup(args.db, "community", SMS_BACKEND="kalantar.core.sms.LocmemSmsBackend")
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = "__main__"
    _urls()
    return where


def _build(count: int):
    from django.utils import timezone

    from kalantar.community import services
    from kalantar.community.models import Subscriber

    *_above, station = benchdb.hamedan_units(4)
    ring = [[48.5, 34.8], [48.51, 34.8], [48.51, 34.81], [48.5, 34.81], [48.5, 34.8]]
    hood = services.add_neighbourhood(
        by=None, station=station, name="محله مدرس", area={"type": "Polygon", "coordinates": [ring]}
    )
    now = timezone.now()
    rows = (
        Subscriber(
            neighbourhood=hood,
            mobile=f"09{350000000 + n:09d}",
            kind="resident",
            topics=",burglary,scam,",
            min_priority=1,
            consented_at=now,
            consent_version="1",
        )
        for n in range(count)
    )
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            Subscriber.objects.bulk_create(batch)
            batch = []
    Subscriber.objects.bulk_create(batch)
    if hasattr(services, "recount_subscribers"):  # the counts the composer's preview reads
        services.recount_subscribers()
    user = benchdb.add_user("liaison", "community_officer", "HM01K01")
    return hood, user


def _times(client, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        out.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    return out


def _drain_in_another_process(alert_id: int) -> subprocess.Popen:
    """The periodic job runs in the scheduler's process, not the web server's: so here.
    It drains the one alert queued before it started; those queued while it runs wait."""
    env = dict(os.environ)
    return subprocess.Popen(
        [sys.executable, __file__, "--drain-only", str(alert_id)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def _drain_only(alert_id: int) -> int:
    import django

    django.setup()
    from kalantar.community import sending
    from kalantar.community.models import Alert

    t = time.perf_counter()
    sending.fan_out(Alert.objects.get(pk=alert_id))
    fan_out_s, t = time.perf_counter() - t, time.perf_counter()
    sent = 0
    while done := sending.drain():
        sent += done
    print(json.dumps({"fan_out_s": fan_out_s, "drain_s": time.perf_counter() - t, "sent": sent}))
    return 0


def trivial_page(request):
    """The baseline: a staff page of the same layout, behind the same login, with no work."""
    from django.shortcuts import redirect, render

    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "base.html")


def _urls() -> None:
    """This module is the URLconf: the product's URLs plus the trivial page."""
    from django.urls import include, path

    globals()["urlpatterns"] = [
        path("bench/trivial/", trivial_page),
        path("", include("kalantar.urls")),
    ]


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def _measure(client, urls: dict[str, str], n: int, post=None) -> dict[str, list[float]]:
    """Interleaved requests to each page, so that both see the same load."""
    times: dict[str, list[float]] = {name: [] for name in urls}
    if post is not None:
        times["post"] = []
    for i in range(n):
        for name, url in urls.items():
            times[name] += _times(client, url, 1)
        if post is not None:
            t = time.perf_counter()
            post(i)
            times["post"].append(time.perf_counter() - t)
    return times


def main(argv=None) -> int:
    args = _parse_args(argv)
    if args.drain_only:
        return _drain_only(args.drain_only)
    where = _setup(args)
    from django.test import Client
    from django.urls import reverse

    from kalantar.community.models import Alert, Delivery

    benchdb.print_header(f"community benchmark — {args.subscribers:,} subscribers", args.db, where)
    t = time.perf_counter()
    hood, user = _build(args.subscribers)
    print(f"data built in {time.perf_counter() - t:.1f} s")
    client = Client()
    client.force_login(user)
    composer = reverse("community:alert_new")
    urls = {
        "healthz": reverse("healthz"),
        "trivial": "/bench/trivial/",
        "composer": f"{composer}?neighbourhood={hood.pk}&topic=burglary&priority=2",
    }
    text = "سه سرقت منزل در هفتهٔ گذشته در خیابان‌های اطراف میدان؛ درها را دو قفله کنید. ({})"

    def post(i: int) -> None:
        data = {
            "neighbourhood": hood.pk,
            "topic": "burglary",
            "priority": 2,
            "text": text.format(i),
        }
        response = client.post(composer, data)
        assert response.status_code == 302, response.content[:300]

    _measure(client, urls, 5)  # warm up
    idle = _measure(client, urls, args.requests)
    t = time.perf_counter()
    post(0)
    queued_s = time.perf_counter() - t

    drainer = _drain_in_another_process(Alert.objects.get().pk)
    time.sleep(0.5)
    busy = {name: [] for name in [*urls, "post"]}
    while drainer.poll() is None:
        for name, values in _measure(client, urls, 1, post=post).items():
            busy[name] += values
    drained = json.loads(drainer.stdout.read())
    first = Alert.objects.order_by("pk").first()
    waiting = Delivery.objects.filter(status=Delivery.Status.QUEUED).count()

    print("\n  median response, ms        idle    while the queue drains")
    for name, label in (
        ("healthz", "/healthz (no session, JSON)"),
        ("trivial", "trivial staff page"),
        ("composer", "composer with preview"),
        ("post", "composer POST (queues)"),
    ):
        idle_ms = f"{_ms(idle[name]):7.1f}" if name in idle else f"{queued_s * 1000:7.1f}"
        print(f"  {label:28} {idle_ms}    {_ms(busy[name]):7.1f}  ({len(busy[name])} requests)")
    ratio = _ms(busy["composer"]) / _ms(busy["trivial"])
    post_ratio = _ms(busy["post"]) / _ms(busy["trivial"])
    verdict = "met" if max(ratio, post_ratio) <= GOAL_RATIO else "MISSED"
    print(
        f"\n  while draining: composer / trivial page {ratio:4.2f}x, POST / trivial page "
        f"{post_ratio:4.2f}x (goal ≤ {GOAL_RATIO}x: {verdict})"
    )
    print(
        f"  while draining: composer / healthz {_ms(busy['composer']) / _ms(busy['healthz']):4.2f}x"
    )
    print(
        f"\n  fan-out: {first.recipients:,} deliveries in {drained['fan_out_s']:.1f} s "
        f"({first.recipients / max(drained['fan_out_s'], 1e-9):,.0f}/s)"
    )
    print(
        f"  drain:   {drained['sent']:,} messages in {drained['drain_s']:.1f} s "
        f"({drained['sent'] / max(drained['drain_s'], 1e-9):,.0f}/s); first alert {first.status}, "
        f"{first.sms_sent:,} counted sent; {waiting:,} deliveries left waiting"
    )
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
