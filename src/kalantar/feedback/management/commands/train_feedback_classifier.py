"""Retrain the 197 classifier from the shipped dataset and the operators' labels."""

from django.core.management.base import BaseCommand

from kalantar.feedback import services


class Command(BaseCommand):
    help = "Retrain the 197 message classifier from the dataset and the operators' corrections."

    def handle(self, *args, **options) -> None:
        shipped, confirmed = services.train_classifier()
        self.stdout.write(
            f"trained on {shipped} dataset messages and {confirmed} confirmed by operators; "
            f"model at {services.model_path()}"
        )
