"""Reads of the security-firms register, each scoped to what the user may see; and the one
public read, the licence check, which answers a fixed, small set of facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kalantar.core.jalali import tehran_today
from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.core.scoping import found_or_404, get_visible_or_404
from kalantar.org.models import Unit
from kalantar.security_firms import card, services
from kalantar.security_firms.models import (
    Assessment,
    Checkpoint,
    ContractSite,
    Finding,
    Guard,
    GuardPhone,
    GuardReport,
    GuardReview,
    Indicator,
    Institution,
    InstitutionKey,
    InstitutionStaff,
    LicenceStatus,
    Post,
    RosterAssignment,
    RosterNotice,
    Sanction,
    Shift,
    TourPlan,
    TrainingRecord,
    VettingCheck,
)

EXPIRY_WINDOWS = (30, 60, 90)
POST_SPACING = 0.0004  # degrees of longitude, about 35 m


def guards_for(user) -> QuerySet[Guard]:
    return Guard.objects.visible_to(user).select_related("institution")


def find_guard(user, pk: int) -> Guard | None:
    return guards_for(user).filter(pk=pk).first()


def applicants_for(user) -> QuerySet[Guard]:
    return guards_for(user).filter(status=Guard.Status.APPLICANT)


def guard_for(user, pk: int) -> Guard:
    return get_visible_or_404(Guard.objects.select_related("institution__province"), user, pk=pk)


def checks_of(guard: Guard) -> QuerySet[VettingCheck]:
    """A guard's vetting checks in the order they were recorded."""
    return VettingCheck.objects.filter(guard=guard).select_related("checked_by").order_by("pk")


def trainings_of(guard: Guard) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(guard=guard).order_by("completed_on")


def assignments_of(guard: Guard, limit: int = 20) -> QuerySet[RosterAssignment]:
    """A guard's latest shifts, the newest first."""
    return (
        RosterAssignment.objects.filter(guard=guard)
        .select_related("shift__post__site")
        .order_by("-shift__starts_at")[:limit]
    )


def reports_of(guard: Guard, since) -> QuerySet[GuardReport]:
    """What a guard reported since `since`, with the incidents the reports opened."""
    return GuardReport.objects.filter(guard=guard, reported_at__gte=since).select_related(
        "incident"
    )


SEARCH_COUNT_CAP = 1000


class GuardSearch:
    """The guards a search finds, as parts read one after the other, each in the order of
    its own index: a page then costs its own rows and not every match (a common surname is
    a tenth of the register), and the count stops at SEARCH_COUNT_CAP, as a page never
    needs more. Sliced like a queryset; `count()` as the API's pagination asks for it."""

    def __init__(self, *parts: QuerySet[Guard]) -> None:
        self.parts = parts
        self.capped = False

    def all(self) -> GuardSearch:
        return self

    def count(self) -> int:
        total = 0
        for part in self.parts:
            total += part.order_by()[: SEARCH_COUNT_CAP + 1 - total].count()
            if total > SEARCH_COUNT_CAP:
                self.capped = True
                return SEARCH_COUNT_CAP
        return total

    def __getitem__(self, page: slice) -> list[Guard]:
        skip, want = page.start or 0, page.stop - (page.start or 0)
        found: list[Guard] = []
        for part in self.parts:
            if want <= 0:
                break
            rows = list(part[skip : skip + want])
            if rows:
                found += rows
                want -= len(rows)
                skip = 0
            else:  # the whole part lies before the page: at most `skip` rows to count
                skip -= part.order_by()[:skip].count()
        return found


def search_guards(user, text: str) -> GuardSearch:
    """By national code (10 digits, Persian or Latin) or by name, normalised: guards whose
    surname, or "surname first name", starts with the text first, then those whose first
    name, or "first name surname", does."""
    text = normalize_text(text).strip()
    found = guards_for(user)
    digits = to_latin_digits(text).replace("-", "").replace(" ", "")
    if digits.isdigit():
        return GuardSearch(found.filter(national_code=digits).order_by("pk"))
    if not text:
        return GuardSearch(found.order_by("pk"))
    # Prefixes as index ranges (on both databases), each part in its index's order.
    end = text + "\U0010ffff"
    by_surname = Q(surname_search__gte=text, surname_search__lt=end)
    by_name = Q(name_search__gte=text, name_search__lt=end)
    return GuardSearch(
        found.filter(by_surname).order_by("surname_search", "institution_id", "pk"),
        found.filter(by_name).exclude(by_surname).order_by("name_search", "institution_id", "pk"),
    )


def institutions_for(user) -> QuerySet[Institution]:
    return Institution.objects.visible_to(user).select_related("province")


def institutions_in_order(user) -> QuerySet[Institution]:
    """By name (the id breaks ties, so pages of the API never overlap)."""
    return institutions_for(user).order_by("name", "pk")


def active_institutions_for(user) -> QuerySet[Institution]:
    return institutions_for(user).filter(status=LicenceStatus.ACTIVE)


def institution_for(user, pk: int) -> Institution:
    return get_visible_or_404(Institution.objects.select_related("province"), user, pk=pk)


def assessment_for(user, pk: int) -> Assessment:
    return get_visible_or_404(
        Assessment.objects.select_related("institution__province", "decided_by"), user, pk=pk
    )


def findings_of(assessment: Assessment) -> QuerySet[Finding]:
    return Finding.objects.filter(assessment=assessment).select_related("indicator", "recorded_by")


def assessments_of(institution: Institution) -> QuerySet[Assessment]:
    """With the number of findings of each kind (`must_fix`, `should_fix`, `good_practice`)."""
    kinds = {kind: Count("findings", filter=Q(findings__kind=kind)) for kind in Finding.Kind.values}
    return institution.assessments.annotate(**kinds).order_by("-year")


def sanctions_of(institution: Institution) -> QuerySet[Sanction]:
    return institution.sanctions.select_related("assessment", "imposed_by", "lifted_by")


def sanction_for(user, pk: int) -> Sanction:
    return get_visible_or_404(Sanction.objects.select_related("institution"), user, pk=pk)


def published_indicators() -> QuerySet[Indicator]:
    """The standard institutions are assessed against, as anyone may read it."""
    return Indicator.objects.filter(is_active=True)


def due_for_assessment(user, year: int) -> QuerySet[Institution]:
    """Active institutions not yet assessed for `year`."""
    return (
        institutions_for(user)
        .filter(status="active")
        .exclude(assessments__year=year)
        .order_by("name")
    )


def applications(user) -> QuerySet[Guard]:
    passed = Count("checks", filter=Q(checks__result=VettingCheck.Result.PASSED))
    failed = Count("checks", filter=Q(checks__result=VettingCheck.Result.FAILED))
    return (
        applicants_for(user)
        .annotate(passed=passed, failed=failed, total=Count("checks"))
        .order_by("applied_at")
    )


def expiring(user, today: date | None = None) -> dict[int, list[Guard]]:
    """Active licences expiring within 30, 60 and 90 days (each window apart)."""
    today = today or tehran_today()
    active = guards_for(user).filter(status=Guard.Status.ACTIVE, licence_expires__gte=today)
    windows, start = {}, today
    for days in EXPIRY_WINDOWS:
        end = today + timedelta(days=days)
        windows[days] = list(
            active.filter(licence_expires__gte=start, licence_expires__lt=end).order_by(
                "licence_expires"
            )[:200]
        )
        start = end
    return windows


def overdue_training(user, today: date | None = None, limit: int = 200) -> list[tuple]:
    """Active guards whose training is overdue, with the step that is late."""
    today = today or tehran_today()
    late = []
    active = (
        guards_for(user)
        .filter(status=Guard.Status.ACTIVE)
        .select_related("institution")
        .prefetch_related("trainings")
    )
    policies = services.training_policies()
    for guard in active.iterator(chunk_size=500):
        standing = services.training_standing(guard, today, policies)
        if not standing.ok:
            late.append((guard, standing.overdue[0]))
            if len(late) >= limit:
                break
    return late


def dashboard(user) -> dict:
    """The province's figures: institutions, guards by status, applications decided and how
    long they took, revocations, roster notices."""
    guards = guards_for(user)
    by_status = dict(guards.values_list("status").annotate(n=Count("id")).order_by())
    decided = guards.exclude(status=Guard.Status.APPLICANT).exclude(licence_issued__isnull=True)
    pairs = decided.order_by("-licence_issued").values_list("licence_issued", "applied_at")
    days = [(issued - timezone.localtime(applied).date()).days for issued, applied in pairs[:5000]]
    within = sum(1 for d in days if d <= 30)
    return {
        "institutions": institutions_for(user).count(),
        "by_status": [(s, label, by_status.get(s, 0)) for s, label in Guard.Status.choices],
        "decided": len(days),
        "within_target": within,
        "revoked": by_status.get(Guard.Status.REVOKED, 0),
        "notices": RosterNotice.objects.filter(
            institution__in=institutions_for(user).values("pk")
        ).count(),
    }


# --- The station's view ------------------------------------------------------------------------


def sites_for(user) -> QuerySet[ContractSite]:
    return ContractSite.objects.visible_to(user).select_related("institution", "station")


def sites_with_posts(user) -> QuerySet[ContractSite]:
    return sites_for(user).prefetch_related("posts")


def posts_for(user) -> QuerySet[Post]:
    return Post.objects.visible_to(user).select_related("site__institution")


def on_duty(user, at=None) -> QuerySet[RosterAssignment]:
    """Who stands at a post in the user's jurisdiction right now."""
    at = at or timezone.now()
    return (
        RosterAssignment.objects.visible_to(user)
        .on_roster()
        .filter(shift__starts_at__lte=at, shift__ends_at__gt=at)
        .select_related("guard__institution", "shift__post__site")
        .order_by("shift__post__site__name", "shift__post__name")
    )


def notices_for(user) -> QuerySet[RosterNotice]:
    return RosterNotice.objects.visible_to(user).select_related("guard", "institution", "station")


def notices_of_institution(institution: Institution) -> QuerySet[RosterNotice]:
    """What an institution's own key may read: its guards taken off rosters."""
    return RosterNotice.objects.filter(institution=institution).select_related("guard", "station")


def site_for(user, pk: int) -> ContractSite:
    return get_visible_or_404(ContractSite.objects, user, pk=pk)


def report_for(user, pk: int) -> GuardReport:
    return get_visible_or_404(
        GuardReport.objects.select_related("guard", "institution", "incident", "site"), user, pk=pk
    )


def review_for(user, pk: int) -> GuardReview:
    return get_visible_or_404(
        GuardReview.objects.select_related("guard", "guard__institution", "incident", "complaint"),
        user,
        pk=pk,
    )


def coming_shifts(site: ContractSite, limit: int = 50) -> list[Shift]:
    """The site's shifts not yet over, soonest first, with who stands them."""
    return list(
        Shift.objects.filter(post__site=site, ends_at__gt=timezone.now())
        .select_related("post")
        .prefetch_related("assignments__guard")
        .order_by("starts_at")[:limit]
    )


def map_features(user, at=None) -> dict:
    """The sites and posts of the user's jurisdiction as GeoJSON, with who is on duty."""
    duty: dict[int, list[str]] = {}
    for a in on_duty(user, at):
        duty.setdefault(a.shift.post_id, []).append(a.guard.full_name)
    features, seen = [], {}
    for post in posts_for(user).filter(is_active=True).order_by("site", "pk"):
        site = post.site
        # Posts without a point of their own are drawn side by side around their site's.
        k = seen[site.pk] = seen.get(site.pk, -1) + 1
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [post.lon or site.lon + k * POST_SPACING, post.lat or site.lat],
                },
                "properties": {
                    "site": site.name,
                    "post": post.name,
                    "institution": site.institution.name,
                    "on_duty": duty.get(post.pk, []),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def station_units(user) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).filter(kind__in=Unit.STATION_KINDS)


# --- An institution's own reads: its key, its desk staff, its guards' phones ------------------


def institution_key(token: str) -> InstitutionKey | None:
    """The usable key a bearer token opens, with its institution."""
    return InstitutionKey.objects.select_related("institution").matching(token)


def staff_institution(user) -> Institution | None:
    """The institution whose desk the user works at, if any."""
    link = InstitutionStaff.objects.filter(user=user).select_related("institution").first()
    return link.institution if link else None


def guard_phone(token: str | None) -> GuardPhone | None:
    """The guard's phone a secret link (or the cookie keeping it) opens."""
    return GuardPhone.objects.matching(token)


def own_site(user, pk: int) -> ContractSite:
    """A site of the institution whose desk the user works at; 404 for any other site, and
    for a user at no institution's desk."""
    institution = staff_institution(user)
    if institution is None:
        raise Http404
    return found_or_404(ContractSite.objects.filter(pk=pk, institution=institution).first())


def own_guard(user, pk: int) -> Guard:
    """A guard of the institution whose desk the user works at (404 otherwise)."""
    institution = staff_institution(user)
    if institution is None:
        raise Http404
    return found_or_404(Guard.objects.filter(pk=pk, institution=institution).first())


def screen_checkpoint(pk: int) -> Checkpoint:
    """An active QR checkpoint, for its screen (who may see its site is the caller's check)."""
    return found_or_404(
        Checkpoint.objects.filter(pk=pk, kind=Checkpoint.Kind.QR, is_active=True).first()
    )


def active_checkpoints(site: ContractSite) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(site=site, is_active=True)


def active_posts(site: ContractSite) -> QuerySet[Post]:
    return Post.objects.filter(site=site, is_active=True)


def tour_plans_of(site: ContractSite) -> QuerySet[TourPlan]:
    """A site's tour plans with their stops, in the order of the plans' default ordering."""
    return TourPlan.objects.filter(site=site).prefetch_related("stops__checkpoint")


def post_of(institution: Institution, pk: int) -> Post | None:
    return Post.objects.filter(pk=pk, site__institution=institution).first()


def guard_of(institution: Institution, licence_number: str) -> Guard | None:
    return Guard.objects.filter(licence_number=licence_number, institution=institution).first()


def active_guards_of(institution_id: int) -> QuerySet[Guard]:
    return Guard.objects.filter(institution_id=institution_id, status=Guard.Status.ACTIVE)


def active_sites_of(institution_id: int) -> QuerySet[ContractSite]:
    return ContractSite.objects.filter(institution_id=institution_id, is_active=True)


# --- The public check --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicAnswer:
    """Everything the public check may say. `status` is one of valid, expired, suspended,
    revoked, or not_found (for a number that is unknown and for one that is malformed)."""

    status: str
    licence_number: str = ""
    name: str = ""
    institution: str = ""
    expires: date | None = None
    has_photo: bool = False

    def as_json(self, photo_url: str = "") -> dict:
        return {
            "status": self.status,
            "licence_number": self.licence_number or None,
            "name": self.name or None,
            "institution": self.institution or None,
            "expires": self.expires.isoformat() if self.expires else None,
            "photo": photo_url or None,
        }


NOT_FOUND = PublicAnswer("not_found")
_STATUS = {
    Guard.Status.ACTIVE: "valid",
    Guard.Status.EXPIRED: "expired",
    Guard.Status.SUSPENDED: "suspended",
    Guard.Status.REVOKED: "revoked",
}


def clean_licence_number(text: str) -> str | None:
    number = to_latin_digits(normalize_text(text or "")).strip().upper().replace(" ", "")
    return number if card.LICENCE.fullmatch(number) else None


def public_guard(number: str) -> Guard | None:
    return (
        Guard.objects.select_related("institution")
        .filter(licence_number=number, status__in=list(_STATUS))
        .only(
            "first_name",
            "last_name",
            "photo",
            "status",
            "licence_number",
            "licence_expires",
            "institution__name",
        )
        .first()
    )


def public_check(text: str, today: date | None = None) -> PublicAnswer:
    """The register's answer for a licence number as typed."""
    number = clean_licence_number(text)
    guard = public_guard(number) if number else None
    if guard is None:
        return NOT_FOUND
    today = today or tehran_today()
    status = _STATUS[guard.status]
    if status == "valid" and guard.licence_expires and guard.licence_expires < today:
        status = "expired"
    return PublicAnswer(
        status=status,
        licence_number=guard.licence_number,
        name=guard.full_name,
        institution=guard.institution.name,
        expires=guard.licence_expires,
        has_photo=bool(guard.photo),
    )
