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


def test_the_worker_keeps_the_collector_off_until_the_dossier_is_stored(monkeypatch):
    # given a render service that notes whether the collector runs, and a render inside it
    from documents import services, tasks

    seen = []

    def dossier_render(*, dossier_id):
        seen.append(gc.isenabled())
        render.html_to_pdf('<html lang="en"><title>t</title><p>Text</p></html>')
        seen.append(gc.isenabled())  # the render inside did not turn it back on

    monkeypatch.setattr(services, "dossier_render", dossier_render)
    assert gc.isenabled()

    # when the worker's task runs
    tasks.dossier_render_task(1)

    # then the collector was off for the whole service call (render and store), and is on again
    assert seen == [False, False]
    assert gc.isenabled()
