"""A packet PDF cut into parts that are laid out separately: the cover letter, the contents, the
application data a few sections at a time, the checklist, the representative, the signatures, the
evidence index, and each checklist item's evidence.

A part shows nothing that depends on where it falls in the packet (page numbers, header, footer and
watermark are drawn after the parts are joined), so an unchanged part can be reused as it is. The two
parts that list page numbers, the contents and the evidence index, are "numbered": they are laid out
last, once the other parts' pages are known.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# About two pages of answers (a section heading counts as one). A change to one answer lays out this
# much again, not the whole form. Each run starts a new page; with these figures 52 of the 76 demo
# packets come out as long as a single-pass layout and the others one page longer (of 30, 34, 36, 38,
# 40, 44 and 48 answers, and headings counting 1 or 2, this wasted the fewest pages).
CHUNK_LINES = 40
HEADING_LINES = 1


@dataclass(frozen=True)
class Part:
    name: str
    template: str
    context: dict = field(default_factory=dict)
    nested: bool = False  # a continuation: its bookmarks go under the previous part's last one
    numbered: bool = False
    documents: tuple = ()  # the evidence drawn in this part (snapshot document entries)


def _weight(section: dict) -> int:
    return HEADING_LINES + sum(max(1, len(line.get("rows") or ())) for line in section["lines"])


def application_chunks(sections: list[dict]) -> list[dict]:
    """Runs of whole sections of about CHUNK_LINES answers; a chunk's numbering continues the last."""
    chunks, current, weight, start = [], [], 0, 1
    for section in sections:
        if current and weight + _weight(section) > CHUNK_LINES:
            chunks.append({"sections": current, "start": start})
            start += len(current)
            current, weight = [], 0
        current.append(section)
        weight += _weight(section)
    chunks.append({"sections": current, "start": start})
    for index, chunk in enumerate(chunks):
        chunk["first"], chunk["last"] = index == 0, index == len(chunks) - 1
    return chunks


def plan(snapshot: dict) -> list[Part]:
    """The packet's parts in the order IRCC reads them."""
    parts = [
        Part("cover", "pdf/_cover_letter.html"),
        Part("contents", "pdf/_toc.html", numbered=True),
    ]
    for number, chunk in enumerate(application_chunks(snapshot["sections"]), start=1):
        parts.append(Part(f"application-{number}", "pdf/_application.html", {"chunk": chunk},
                          nested=not chunk["first"]))
    parts += [
        Part("checklist", "pdf/_checklist.html"),
        Part("representative", "pdf/_representative.html"),
        Part("signatures", "pdf/_signatures.html"),
        Part("evidence", "pdf/_evidence_index.html", numbered=True),
    ]
    attached = [item for item in snapshot["checklist"] if item["documents"]]
    for number, item in enumerate(attached, start=1):
        parts.append(Part(f"item-{number}", "pdf/_evidence_item.html",
                          {"item": item, "item_number": number, "attached_count": len(attached)},
                          nested=True, documents=tuple(item["documents"])))
    return parts
