"""A saved session chosen with a file picker or dropped onto the page.

Solara's ``FileDrop`` only takes a drop, which a touch screen or a keyboard user
cannot do; this is the same upload (ipyvuetify's ``FileInput`` protocol) behind
a template that offers both.
"""

from __future__ import annotations

import typing

import solara
import traitlets
from ipyvue import Template
from ipyvuetify.extra import FileInput
from ipywidgets import widget_serialization


class FilePickZone(FileInput):
    template = traitlets.Instance(Template).tag(sync=True, **widget_serialization)
    template_file = (__file__, "file_pick.vue")
    label = traitlets.Unicode().tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)


@solara.component
def FilePick(label: str, on_file: typing.Callable[[str, bytes], None]):
    """Call ``on_file(name, content)`` with the file chosen or dropped."""
    file_info, set_file_info = solara.use_state(None)
    wired, set_wired = solara.use_state(typing.cast(list | None, None))
    zone = FilePickZone.element(label=label, on_file_info=set_file_info)

    def wire():  # as Solara's FileDrop does: re-arm the widget's upload for the file chosen (in the render context)
        if not file_info:
            return
        real = typing.cast(FilePickZone, solara.get_widget(zone))
        real.version += 1
        real.reset_stats()
        set_wired(real.get_files())

    solara.use_effect(wire, [file_info])

    def read(cancel):
        if wired:
            on_file(wired[0]["name"], wired[0]["file_obj"].read())

    solara.use_thread(read, [wired])
    return zone
