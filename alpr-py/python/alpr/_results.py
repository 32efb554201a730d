"""Result containers: a list of hit rows whose repr and HTML mask plates."""

from __future__ import annotations

import html as _html
from typing import Any

from alpr import _alpr

_SHOWN = 20


def _shown(key: str, value: object, mask: bool) -> object:
    if key == "entry" and mask and isinstance(value, str):
        return _alpr.mask_plate(value)
    return value


class HitList(list[dict[str, Any]]):
    """The rows of ``Registry.match_batch`` and ``Agency.retro_hits`` (without ``as_table``).

    A plain ``list`` of dicts (each row's ``read`` or ``detection``, then the fields of
    ``MatchHit.explain()`` or ``error``); only its ``repr`` and Jupyter HTML differ: they show
    at most 20 rows and mask the ``entry`` plates (``7AB***3``) unless
    ``alpr.set_display(mask_plates=False)``. The rows themselves hold the exact text.
    """

    __slots__ = ()

    def _head(self) -> list[dict[str, object]]:
        mask = bool(_alpr.get_display()["mask_plates"])
        return [{k: _shown(k, v, mask) for k, v in row.items()} for row in self[:_SHOWN]]

    def __repr__(self) -> str:
        body = ", ".join(repr(r) for r in self._head())
        more = f", ... {len(self) - _SHOWN} more" if len(self) > _SHOWN else ""
        return f"HitList([{body}{more}])"

    def _repr_html_(self) -> str:
        rows = self._head()
        columns: list[str] = []
        for r in rows:
            columns.extend(k for k in r if k not in columns)
        head = "".join(f"<th>{_html.escape(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{_html.escape(str(r.get(c, '')))}</td>" for c in columns) + "</tr>" for r in rows
        )
        caption = f"{len(self)} rows" + (f" (first {_SHOWN} shown)" if len(self) > _SHOWN else "")
        return (
            f'<table class="alpr"><caption style="text-align:left">{caption}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
