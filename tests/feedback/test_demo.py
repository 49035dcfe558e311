"""The demo: a year of 197 messages in every class, reconciled and inspected cases, survey
answers; conduct reports stay out of the station's view."""

import pytest

from kalantar.feedback import demo, selectors
from kalantar.feedback.models import FeedbackMessage, SurveyAnswer

pytestmark = pytest.mark.django_db


def test_the_demo_fills_every_class_and_outcome(org_tree, chief1):
    demo.load(lambda line: None)
    classes = set(FeedbackMessage.objects.values_list("msg_class", flat=True))
    assert {"suggestion", "appreciation", "criticism", "complaint"} <= classes
    outcomes = set(FeedbackMessage.objects.values_list("outcome", flat=True))
    assert {"reconciled", "inspected"} <= outcomes
    assert SurveyAnswer.objects.exists()
    conduct = FeedbackMessage.objects.filter(is_conduct=True)
    assert conduct.exists()
    assert not selectors.messages_for(chief1).filter(is_conduct=True).exists()
