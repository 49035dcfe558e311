import pytest
from django.core.cache import cache

from kalantar.core import sms
from kalantar.core.sms import LocmemSmsBackend
from kalantar.feedback import services


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("feedback-model")


@pytest.fixture(autouse=True)
def _model_in_tmp(settings, model_dir):
    """One trained model for the whole run, kept out of the real var folder."""
    settings.VAR_DIR = model_dir


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "kalantar.core.sms.LocmemSmsBackend"
    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()
    cache.clear()
    yield LocmemSmsBackend.outbox
    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def operator(make_user):
    return make_user("op197", "feedback_operator", "HM")


@pytest.fixture
def record(operator, org_tree):
    def make(text="از مأموران راهور چهارراه بوعلی صمیمانه تشکر می‌کنم", **fields):
        fields.setdefault("unit", org_tree["HM01K01"])
        fields.setdefault("channel", "phone")
        return services.record_message(by=operator, intake=services.Intake(text=text, **fields))

    return make
