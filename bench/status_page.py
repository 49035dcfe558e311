"""Benchmark: the two hand-made parts of the citizen status page, each against what it replaced.

1. The status card (kalantar.portal.status_card, built with format_html) against the same
   markup as Django template nodes (the naive way, and what the page used before).
2. Fragments that change only with the language: {% once %} against Django's {% cache %}
   (locmem, the per-process cache it used before). Each render runs on a fresh thread, as
   every request does under ASGI, where the cache framework builds its backend anew.

Both print the median CPU time per render over alternating rounds, and the ratio. No
database is needed.

    .venv/bin/python bench/status_page.py [--renders N] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# The card as template nodes: the markup status_card builds, written the template way.
CARD_AS_TEMPLATE = """{% load i18n %}
  <h1 class="h4">{% translate "Complaint" %} <span dir="ltr" id="tracking-code">{{ code|digits }}</span></h1>
  <p class="lead mb-2" id="status-text">{{ status_text }}</p>
  <dl class="row mb-2">
    <dt class="col-sm-4">{% translate "Status" %}</dt>
    <dd class="col-sm-8"><span class="badge text-bg-secondary" id="status-label">{{ status_label }}</span></dd>
    <dt class="col-sm-4">{% translate "Category" %}</dt>
    <dd class="col-sm-8">{% if LANGUAGE_CODE == "en" and view.category_en %}{{ view.category_en }}{% else %}{{ view.category|digits }}{% endif %}</dd>
    <dt class="col-sm-4">{% translate "Handled by" %}</dt>
    <dd class="col-sm-8">{% if LANGUAGE_CODE == "en" and view.unit_name_en %}{{ view.unit_name_en }}{% else %}{{ view.unit_name|digits }}{% endif %}</dd>
    <dt class="col-sm-4">{% translate "Registered" %}</dt>
    <dd class="col-sm-8">{{ view.filed_at|jdatetime:"long" }}</dd>
    <dt class="col-sm-4">{% translate "First action expected by" %}</dt>
    <dd class="col-sm-8">{{ view.first_action_due|jdatetime:"long" }}</dd>
    <dt class="col-sm-4">{% translate "Closure expected by" %}</dt>
    <dd class="col-sm-8">{{ view.closure_due|jdate:"long" }}</dd>
  </dl>
  {% if view.rejection_reason %}
  <div class="alert alert-secondary" id="rejection-reason"><strong>{% translate "Reason:" %}</strong> <bdi>{{ view.rejection_reason|digits }}</bdi></div>
  {% endif %}
  <h2 class="h6 mt-3">{% translate "Steps so far" %}</h2>
  <ol class="list-group mb-3" id="timeline">
    {% for event in view.events %}
    <li class="list-group-item d-flex justify-content-between align-items-start" data-kind="{{ event.kind }}" data-status="{{ event.to_status }}">
      <span class="ms-2 me-auto">{{ event.label }}</span>
      <span class="text-muted small">{{ event.at|jdatetime }}</span>
    </li>
    {% endfor %}
  </ol>"""  # noqa: E501

# Five fragments, as on every page: some links, labels and static files each.
_FRAGMENT_BODY = (
    '<link rel="stylesheet" href="{% static "kalantar/kalantar.css" %}">'
    '<a href="{% url "portal:track" %}">{% translate "Follow a complaint" %}</a>'
    '<a href="{% url "portal:file" %}">{% translate "File a complaint" %}</a>'
)
FRAGMENTS_CACHE = "{% load cache static i18n %}" + "".join(
    f"{{% cache 300 f{i} LANGUAGE_CODE %}}{_FRAGMENT_BODY}{{% endcache %}}" for i in range(5)
)
FRAGMENTS_ONCE = "{% load static i18n %}" + "".join(
    f'{{% once "bench{i}" %}}{_FRAGMENT_BODY}{{% endonce %}}' for i in range(5)
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--renders", type=int, default=2000, help="renders per round and variant")
    p.add_argument("--rounds", type=int, default=5)
    return p.parse_args(argv)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")
    os.environ.setdefault("KALANTAR_VAR_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "kb"))
    import django

    django.setup()


def sample_views(n: int) -> list:
    from kalantar.complaints import workflow
    from kalantar.complaints.codes import new_tracking_code
    from kalantar.complaints.selectors import CitizenStep, CitizenView

    start = datetime(2025, 10, 7, 6, 30, tzinfo=UTC)
    statuses = [workflow.REGISTERED, workflow.ASSIGNED, workflow.INVESTIGATING, workflow.REJECTED]
    views = []
    for i in range(n):
        steps = [
            CitizenStep(kind="status", at=start + timedelta(hours=h), to_status=status)
            for h, status in enumerate(statuses[: 1 + i % len(statuses)])
        ]
        views.append(
            CitizenView(
                tracking_code=new_tracking_code(),
                category="سرقت از منزل",
                category_en="Home burglary",
                unit_name=f"کلانتری {11 + i % 30} همدان",
                unit_name_en=f"Police Station {11 + i % 30}, Hamedan",
                status=steps[-1].to_status,
                filed_at=start,
                first_action_due=start + timedelta(days=1),
                closure_due=start + timedelta(days=30),
                events=steps,
                rejection_reason="در صلاحیت این کلانتری نیست" if i % 4 == 3 else "",
                can_rate=False,
                satisfaction=None,
            )
        )
    return views


def cpu_per_call(fn, n: int) -> float:
    started = time.thread_time()
    for i in range(n):
        fn(i)
    return (time.thread_time() - started) / n * 1000


def on_fresh_thread(fn, n: int) -> float:
    """Median CPU ms of fn, each call on a thread of its own (a request under ASGI)."""
    times: list[float] = []

    def one(i: int) -> None:
        started = time.thread_time()
        fn(i)
        times.append((time.thread_time() - started) * 1000)

    for i in range(n):
        thread = threading.Thread(target=one, args=(i,))
        thread.start()
        thread.join()
    return statistics.median(times)


def compare(name: str, variants: dict, rounds: int, n: int, runner) -> None:
    results: dict[str, list[float]] = {label: [] for label in variants}
    for fn in variants.values():  # warm up: templates compiled, fragments rendered
        runner(fn, 50)
    for _ in range(rounds):
        for label, fn in variants.items():
            results[label].append(runner(fn, n))
    (base_label, ours_label) = variants
    base, ours = statistics.median(results[base_label]), statistics.median(results[ours_label])
    print(f"\n{name}")
    for label in variants:
        rounds_text = " ".join(f"{x:.3f}" for x in results[label])
        print(f"  {label:28s} median {statistics.median(results[label]):7.3f} ms  ({rounds_text})")
    print(f"  {ours_label} takes {ours / base:.2f} × the CPU of {base_label}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    from django.template import engines
    from django.utils import translation

    from kalantar.complaints import workflow
    from kalantar.complaints.codes import format_tracking_code
    from kalantar.portal.status_card import status_card

    engine = engines["django"]
    views = sample_views(200)
    card_template = engine.from_string(CARD_AS_TEMPLATE)

    def card_nodes(i: int) -> str:
        view = views[i % len(views)]
        return card_template.render(
            {
                "view": view,
                "code": format_tracking_code(view.tracking_code),
                "status_label": workflow.status_label(view.status),
                "status_text": workflow.CITIZEN_TEXT.get(view.status, ""),
                "LANGUAGE_CODE": translation.get_language(),
            }
        )

    def card_format_html(i: int) -> str:
        return status_card(views[i % len(views)])

    cached, once = engine.from_string(FRAGMENTS_CACHE), engine.from_string(FRAGMENTS_ONCE)

    def in_persian(render):
        def run(i: int) -> str:
            with translation.override("fa"):
                return render(i)

        return run

    print(
        f"status page parts: {args.renders:,} renders per round, {args.rounds} rounds, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    with translation.override("fa"):
        compare(
            "status card, CPU per render (Persian)",
            {"template nodes (before)": card_nodes, "status_card (format_html)": card_format_html},
            args.rounds,
            args.renders,
            cpu_per_call,
        )
    compare(
        "five language-only fragments, CPU per render on a fresh thread",
        {
            "{% cache %} (before)": in_persian(lambda i: cached.render({"LANGUAGE_CODE": "fa"})),
            "{% once %}": in_persian(lambda i: once.render({})),
        },
        args.rounds,
        max(args.renders // 4, 50),
        on_fresh_thread,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
