"""Reads of the community app, each scoped to what the user may see (core.scoping).

Station staff see their units' records; a volunteer sees their own group only."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum

from kalantar.community import rules
from kalantar.community.models import (
    Alert,
    Assignment,
    Attendance,
    HoursEntry,
    Neighbourhood,
    Recognition,
    SafetyReport,
    SubscriberCount,
    TrainingSession,
    Volunteer,
    WatchGroup,
)
from kalantar.core.jalali import TEHRAN
from kalantar.core.persian import localized_name, normalize_for_search, to_latin_digits
from kalantar.org.models import Unit


@dataclass(frozen=True)
class VolunteerFilters:
    q: str | None = None
    group: WatchGroup | None = None
    programme: str | None = None
    vetting: str | None = None


def volunteers_for(user, filters: VolunteerFilters = VolunteerFilters()) -> QuerySet[Volunteer]:
    qs = Volunteer.objects.visible_to(user).select_related("group", "station")
    qs = qs.annotate(
        approved_hours=Sum("hours__hours", filter=Q(hours__status=HoursEntry.Status.APPROVED))
    ).order_by("full_name", "pk")
    if filters.q:
        q = normalize_for_search(filters.q)
        qs = qs.filter(
            Q(full_name__icontains=q) | Q(national_code=to_latin_digits(q)) | Q(skills__icontains=q)
        )
    if filters.group:
        qs = qs.filter(group=filters.group)
    if filters.programme:
        qs = qs.filter(programme=filters.programme)
    return _vetting(qs, filters.vetting)


def _vetting(qs: QuerySet[Volunteer], state: str | None) -> QuerySet[Volunteer]:
    if state == "none":
        return qs.filter(check_requested_at__isnull=True)
    if state == "requested":
        return qs.filter(check_requested_at__isnull=False, check_answer="")
    if state:
        return qs.filter(check_answer=state)
    return qs


def volunteer_for(user, pk: int) -> Volunteer | None:
    return (
        Volunteer.objects.visible_to(user)
        .select_related("group", "station", "user")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class VolunteerRecord:
    """What a volunteer's page lists beside the volunteer: latest assignments and hours,
    recognitions, and the training sessions they were on the roll of (newest first)."""

    assignments: QuerySet[Assignment]
    hours: QuerySet[HoursEntry]
    recognitions: QuerySet[Recognition]
    sessions: QuerySet[Attendance]


def volunteer_record(volunteer: Volunteer, latest: int = 20) -> VolunteerRecord:
    return VolunteerRecord(
        assignments=Assignment.objects.filter(volunteer=volunteer)[:latest],
        hours=HoursEntry.objects.filter(volunteer=volunteer).select_related("decided_by")[:latest],
        recognitions=Recognition.objects.filter(volunteer=volunteer),
        sessions=Attendance.objects.filter(volunteer=volunteer)
        .select_related("session")
        .order_by("-session__held_on"),
    )


def groups_for(user) -> QuerySet[WatchGroup]:
    return (
        WatchGroup.objects.visible_to(user)
        .select_related("station", "neighbourhood", "contact_officer")
        .annotate(n_members=Count("members"))
        .order_by("name", "pk")
    )


def group_for(user, pk: int) -> WatchGroup | None:
    return groups_for(user).filter(pk=pk).first()


def group_news(group: WatchGroup) -> tuple[QuerySet[TrainingSession], QuerySet[Alert]]:
    """A watch group's latest training sessions and its neighbourhood's latest alerts."""
    return (
        TrainingSession.objects.filter(group=group)[:10],
        Alert.objects.filter(neighbourhood_id=group.neighbourhood_id)[:5],
    )


def neighbourhoods_for(user) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.visible_to(user).select_related("station")


def public_neighbourhoods() -> QuerySet[Neighbourhood]:
    """Every neighbourhood, for the public forms: anyone may report from or subscribe to
    any of them."""
    return Neighbourhood.objects.select_related("station").order_by("station__name", "name")


def neighbourhoods_to_report(volunteer: Volunteer | None = None) -> QuerySet[Neighbourhood]:
    """The neighbourhoods a report may name: a volunteer in a watch group reports from
    their own station's only, the public from any."""
    hoods = public_neighbourhoods()
    if volunteer is not None and volunteer.group_id:
        hoods = hoods.filter(station=volunteer.station)
    return hoods


def areas_geojson(neighbourhoods) -> str:
    """The neighbourhoods' drawn areas as one GeoJSON text, for a map's data attribute."""
    features = [
        {"type": "Feature", "properties": {"name": localized_name(h)}, "geometry": h.area}
        for h in neighbourhoods
        if h.area
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def stations_for(user) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).stations().order_by("name")


def officers_for(user) -> QuerySet:
    return (
        get_user_model()
        .objects.visible_to(user)
        .filter(is_active=True, unit__kind__in=Unit.STATION_KINDS)
        .exclude(groups__name="volunteer")
        .order_by("username")
    )


def hours_for(user, status: str | None = None) -> QuerySet[HoursEntry]:
    qs = HoursEntry.objects.visible_to(user).select_related("volunteer", "decided_by")
    return qs.filter(status=status) if status else qs


def hours_entry_for(user, pk: int) -> HoursEntry | None:
    return HoursEntry.objects.visible_to(user).select_related("volunteer").filter(pk=pk).first()


def sessions_for(user) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.visible_to(user)
        .select_related("group", "station")
        .annotate(n_present=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("-held_on", "pk")
    )


def session_for(user, pk: int) -> TrainingSession | None:
    return sessions_for(user).filter(pk=pk).first()


def session_roll(user, session: TrainingSession) -> tuple[QuerySet[Volunteer], list[int]]:
    """Who may be on a session's roll (the user's volunteers of its station, and of its
    group when it has one), and the ids of those marked present."""
    volunteers = volunteers_for(user).filter(station=session.station_id)
    if session.group_id:
        volunteers = volunteers.filter(group=session.group_id)
    present = Attendance.objects.filter(session=session, present=True)
    return volunteers, list(present.values_list("volunteer_id", flat=True))


def alerts_for(user) -> QuerySet[Alert]:
    return Alert.objects.visible_to(user).select_related("neighbourhood", "station", "created_by")


def reports_for(user, status: str | None = None) -> QuerySet[SafetyReport]:
    qs = SafetyReport.objects.visible_to(user).select_related("neighbourhood", "volunteer")
    return qs.filter(status=status) if status else qs


def report_for(user, pk: int) -> SafetyReport | None:
    return reports_for(user).filter(pk=pk).first()


@dataclass(frozen=True)
class Preview:
    recipients: int
    quiet_now: int
    volunteers: int


def preview(*, neighbourhood: Neighbourhood, topic: str, priority: int, now) -> Preview:
    """Who an alert would reach: counts only, never a number or a name.

    From the kept counts (a few rows per kind of quiet hours), not by counting subscribers:
    the composer stays quick while the queue's drain keeps the database busy."""
    rows = SubscriberCount.objects.filter(
        neighbourhood=neighbourhood, topic=topic, min_priority__lte=priority, count__gt=0
    ).values_list("quiet", "count")
    local = now.astimezone(TEHRAN).time()
    total = quiet = 0
    for key, count in rows:
        total += count
        if rules.in_quiet_hours(local, *rules.quiet_from_key(key)):
            quiet += count
    volunteers = Volunteer.objects.filter(
        group__neighbourhood=neighbourhood, user__isnull=False
    ).count()
    return Preview(total, quiet, volunteers)


# --- The volunteer's own page ---------------------------------------------------------------


def own_volunteer(user) -> Volunteer | None:
    """The volunteer record of a logged-in volunteer, or None."""
    return (
        Volunteer.objects.select_related(
            "group__neighbourhood", "group__contact_officer", "station"
        )
        .filter(user=user)
        .first()
    )


@dataclass
class GroupPage:
    volunteer: Volunteer
    members: list
    sessions: list
    hours: list
    alerts: list
    reports: list
    assignments: list


def group_page(volunteer: Volunteer) -> GroupPage:
    group = volunteer.group
    members = list(group.members.order_by("full_name")) if group else [volunteer]
    sessions = (
        list(TrainingSession.objects.filter(group=group).order_by("-held_on")[:10]) if group else []
    )
    alerts = (
        list(Alert.objects.filter(neighbourhood=group.neighbourhood).order_by("-created_at")[:10])
        if group
        else []
    )
    return GroupPage(
        volunteer=volunteer,
        members=members,
        sessions=sessions,
        hours=list(volunteer.hours.order_by("-worked_on")[:20]),
        alerts=alerts,
        reports=list(volunteer.reports.order_by("-created_at")[:10]),
        assignments=list(volunteer.assignments.order_by("-starts_on")[:10]),
    )
