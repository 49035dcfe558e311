"""{% once %}: fragments that change only with the language are rendered once per process."""

from __future__ import annotations

import uuid

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation

ENGINE = Engine(builtins=["kalantar.core.templatetags.kalantar"])


def _render(source: str, **context) -> str:
    return ENGINE.from_string(source).render(Context(context))


def test_a_fragment_is_rendered_once_per_language():
    source = '{% once "' + uuid.uuid4().hex + '" %}{{ n }}{% endonce %}'
    with translation.override("fa"):
        assert _render(source, n=1) == "1"
        assert _render(source, n=2) == "1"  # kept: the first rendering stands
    with translation.override("en"):
        assert _render(source, n=3) == "3"
        assert _render(source, n=4) == "3"


def test_each_value_it_varies_on_has_its_own_rendering():
    source = '{% once "' + uuid.uuid4().hex + '" page %}{{ page }}:{{ n }}{% endonce %}'
    with translation.override("fa"):
        assert _render(source, page="track", n=1) == "track:1"
        assert _render(source, page="file", n=2) == "file:2"
        assert _render(source, page="track", n=3) == "track:1"


def test_a_fragment_needs_a_quoted_name():
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string("{% once LANG %}x{% endonce %}")
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string("{% once %}x{% endonce %}")


def test_a_block_cannot_hide_inside_a_fragment():
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string('{% once "x" %}{% block title %}{% endblock %}{% endonce %}')
