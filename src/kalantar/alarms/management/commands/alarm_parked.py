from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.alarms import fanin, parked, services


class Command(BaseCommand):
    help = (
        "List the alarm events the stream's consumers parked (could not store), with why; "
        "replay them onto the stream (an event already stored is stored nothing twice) "
        "or drop one with a reason. Replays and drops are audited."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--replay", type=int, metavar="ID", help="replay one parked event")
        what.add_argument(
            "--all", dest="replay_all", action="store_true", help="replay every parked event"
        )
        what.add_argument("--drop", type=int, metavar="ID", help="drop one parked event")
        parser.add_argument("--reason", default="", help="why the event is dropped")

    def handle(self, *args, replay, replay_all, drop, reason, **options):
        if not fanin.configured():
            raise CommandError(_("NATS_URL is not set: alarm events are not parked."))
        if drop is not None:
            self._drop(drop, reason)
        elif replay is not None or replay_all:
            self._replay(None if replay_all else [replay])
        else:
            self._list()

    def _list(self) -> None:
        found = parked.list_parked()
        for e in found:
            at = e.parked_at.isoformat(timespec="seconds") if e.parked_at else "-"
            what = e.key or _("(not an alarm event)")
            self.stdout.write(f"{e.seq}\t{at}\t{what}\t{e.deliveries}\t{e.reason}")
        self.stdout.write(_("%(n)s parked events") % {"n": len(found)})

    def _replay(self, seqs: list[int] | None) -> None:
        outcomes = services.replay_parked(by=None, seqs=seqs)
        words = {
            "missing": _("no such parked event"),
            "not_an_event": _("not an alarm event: drop it"),
            "remembered": _("still in the stream's duplicate window: try again later"),
        }
        for o in outcomes:
            if o.done:
                self.stdout.write(_("%(seq)s replayed (%(key)s)") % {"seq": o.seq, "key": o.key})
            else:
                self.stderr.write(f"{o.seq}: {words[o.why]}")
        done = sum(o.done for o in outcomes)
        self.stdout.write(_("%(done)s of %(n)s replayed") % {"done": done, "n": len(outcomes)})
        if done < len(outcomes):
            raise CommandError(_("Some parked events were not replayed."))

    def _drop(self, seq: int, reason: str) -> None:
        try:
            outcome = services.drop_parked(by=None, seq=seq, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not outcome.done:
            raise CommandError(_("No such parked event."))
        self.stdout.write(_("%(seq)s dropped") % {"seq": seq})
