"""The render runs with Python's cycle collector off (it walked WeasyPrint's whole box tree
again and again: about a sixth of a large render) and always turns it back on."""

import gc

import pytest

from documents.dossier import render


def test_the_render_runs_without_the_cycle_collector_and_turns_it_back_on(monkeypatch):
    seen = []
    real_render = render.HTML.render

    def spy(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(render.HTML, "render", spy)
    assert gc.isenabled()

    pdf = render.html_to_pdf('<html lang="en"><title>t</title><p>Text</p></html>')

    assert pdf.startswith(b"%PDF-")
    assert seen == [False]
    assert gc.isenabled()


def test_a_failed_render_turns_the_collector_back_on_too(monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(render.HTML, "render", broken)

    with pytest.raises(RuntimeError, match="layout failed"):
        render.html_to_pdf("<p>x</p>")
    assert gc.isenabled()
