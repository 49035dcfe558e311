"""The places where a domain app plugs into the shell, each filled from the app's `ready()`.

Apps do not edit one another: an app declares its navigation entries, periodic jobs,
demo processes and demo data here, and the shell (navigation bar, `run_scheduler`,
`run_demo`, `load_demo`) reads these registries. Registration is idempotent by name, so
a `ready()` that runs twice (as in some test runners) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: object  # lazy translation
    url_name: str
    icon: str  # a Bootstrap Icons name
    permission: str | None = None  # None: any logged-in user
    staff_only: bool = False
    order: int = 50  # lower comes first
    section: str = ""  # a key of core.nav.SECTIONS: the menu it sits in; "" = the bar itself


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[], str | None]  # returns a line to print when it did something
    every_seconds: int = 60
    label: Any = ""  # what the administrator reads (a lazy translation); the name otherwise


@dataclass(frozen=True)
class DemoProcess:
    name: str
    # Called with (host, port) of the web server; returns the command line to start.
    argv: Callable[[str, int], list[str]]


@dataclass(frozen=True)
class DemoLoader:
    name: str
    # Called with a progress callback after the demo province exists.
    load: Callable[[Callable[[str], None]], None]
    order: int = 50


@dataclass(frozen=True)
class AttachmentKind:
    """One app's attachments, opened at /files/<name>/<id>/ (core.views.attachment)."""

    name: str
    # (user, attachment id) → the attachment, when the user may see the record it belongs
    # to; None otherwise. The owning app's selector: it alone knows its scoping rules.
    find: Callable[[Any, int], Any]


@dataclass(frozen=True)
class AddressSource:
    """One app's recorded addresses, offered by the maps' place search (org.places)."""

    name: str
    # (user, words of the query normalised for search, at most how many) → (address,
    # lon, lat) of the records the user may see whose address holds every word. The owning
    # app's selector: it alone knows its scoping rules.
    search: Callable[[Any, list[str], int], list[tuple[str, float, float]]]


_NAV: dict[str, NavItem] = {}
_JOBS: dict[str, PeriodicJob] = {}
_PROCESSES: dict[str, DemoProcess] = {}


@dataclass(frozen=True)
class HomeCard:
    """A part of the staff home page that an app fills."""

    name: str
    template: str  # rendered with `card` (what `context` returned) in its context
    # Called with the user; returns the card's context, or None to leave it out.
    context: Callable[[object], dict | None]
    order: int = 50  # lower comes first


_LOADERS: dict[str, DemoLoader] = {}
_HOME_CARDS: dict[str, HomeCard] = {}
_ATTACHMENT_KINDS: dict[str, AttachmentKind] = {}
_ADDRESS_SOURCES: dict[str, AddressSource] = {}


def add_nav_item(item: NavItem) -> None:
    _NAV[item.url_name] = item


def add_periodic_job(job: PeriodicJob) -> None:
    _JOBS[job.name] = job


def add_demo_process(process: DemoProcess) -> None:
    _PROCESSES[process.name] = process


def add_demo_loader(loader: DemoLoader) -> None:
    _LOADERS[loader.name] = loader


def add_attachment_kind(kind: AttachmentKind) -> None:
    _ATTACHMENT_KINDS[kind.name] = kind


def attachment_kind(name: str) -> AttachmentKind | None:
    return _ATTACHMENT_KINDS.get(name)


def add_address_source(source: AddressSource) -> None:
    _ADDRESS_SOURCES[source.name] = source


def address_sources() -> list[AddressSource]:
    return list(_ADDRESS_SOURCES.values())


def nav_items() -> list[NavItem]:
    return sorted(_NAV.values(), key=lambda item: item.order)


def periodic_jobs() -> list[PeriodicJob]:
    return list(_JOBS.values())


def demo_processes() -> list[DemoProcess]:
    return list(_PROCESSES.values())


def add_home_card(card: HomeCard) -> None:
    _HOME_CARDS[card.name] = card


def home_cards(user) -> list[tuple[str, dict]]:
    """(template, context) of every card the user's home page shows, in order."""
    shown = []
    for card in sorted(_HOME_CARDS.values(), key=lambda card: card.order):
        context = card.context(user)
        if context is not None:
            shown.append((card.template, context))
    return shown


def demo_loaders() -> list[DemoLoader]:
    return sorted(_LOADERS.values(), key=lambda loader: loader.order)


@dataclass(frozen=True)
class RecordPanel:
    """A part of another app's record page (an incident's, a complaint's) that an app
    fills: the page names its record's kind and passes the record."""

    name: str
    kind: str  # the record's model label, e.g. "incidents.incident"
    template: str  # rendered with `panel` (what `context` returned) and `record`
    # Called with (user, record); returns the panel's context, or None to leave it out.
    context: Callable[[object, object], dict | None]
    order: int = 50


_RECORD_PANELS: dict[str, RecordPanel] = {}


def add_record_panel(panel: RecordPanel) -> None:
    _RECORD_PANELS[panel.name] = panel


def record_panels(user, record) -> list[tuple[str, dict]]:
    """(template, context) of every panel the user sees on `record`'s page, in order."""
    kind = record._meta.label_lower
    shown = []
    for panel in sorted(_RECORD_PANELS.values(), key=lambda panel: panel.order):
        if panel.kind != kind:
            continue
        context = panel.context(user, record)
        if context is not None:
            shown.append((panel.template, context))
    return shown


@dataclass(frozen=True)
class ProblemLead:
    """A place an app found that a station may want to take up as a problem-solving
    project (an app beside the problems app cannot import it: it offers leads here)."""

    source: str  # the lead's kind, e.g. "perception_gap"
    unit_id: int  # the unit that found it (a station or the province)
    cell: str  # the H3 cell of the place
    title: str  # a proposed project title, in the active language
    trigger: str  # what triggered it, in words, with the test used
    evidence_url: str = ""  # the page that shows the figures


@dataclass(frozen=True)
class ProblemLeadSource:
    name: str
    # Called with the user; the leads in what the user may see.
    leads: Callable[[object], list[ProblemLead]]


_LEAD_SOURCES: dict[str, ProblemLeadSource] = {}


def add_problem_lead_source(source: ProblemLeadSource) -> None:
    _LEAD_SOURCES[source.name] = source


def problem_leads(user) -> list[ProblemLead]:
    return [lead for source in _LEAD_SOURCES.values() for lead in source.leads(user)]
