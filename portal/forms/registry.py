"""The packet types: every module in portal/forms/packets that declares PACKET, found when first asked for.

Adding a packet type is adding its module (and its test): triage, deadlines, the screens, the snapshot and
the PDF read what it declares. Nothing registers itself on import; the registry looks.
"""
from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Iterator, Mapping

from portal.forms import packets
from portal.forms.types import PacketType


class PacketTypes(Mapping):
    """Packet types by key, in the order they declare (PacketType.order, then key)."""

    def __init__(self, package=packets):
        self._package = package
        self._types: dict[str, PacketType] | None = None
        self._added: dict[str, PacketType] = {}
        self._lock = threading.Lock()

    def _found(self) -> dict[str, PacketType]:
        if self._types is None:
            with self._lock:
                if self._types is None:
                    self._types = {**_discover(self._package), **self._added}
        return self._types

    def __getitem__(self, key: str) -> PacketType:
        return self._found()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found())

    def __len__(self) -> int:
        return len(self._found())

    def reload(self) -> None:
        """Look again (a test that adds a module to the package)."""
        with self._lock:
            self._types = None

    def add(self, packet_type: PacketType) -> PacketType:
        """A packet type declared outside the package: for tests only."""
        found = self._found()
        if found.get(packet_type.key, packet_type) is not packet_type:
            raise ValueError(f"packet type {packet_type.key!r} is declared twice")
        self._added[packet_type.key] = found[packet_type.key] = packet_type
        return packet_type


def _discover(package) -> dict[str, PacketType]:
    found: dict[str, PacketType] = {}
    for module in pkgutil.iter_modules(package.__path__):
        declared = getattr(importlib.import_module(f"{package.__name__}.{module.name}"), "PACKET", None)
        if declared is None:
            continue
        if declared.key in found:
            raise ValueError(f"packet type {declared.key!r} is declared by two modules")
        found[declared.key] = declared
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


PACKET_TYPES = PacketTypes()


def get_packet_type(key: str) -> PacketType:
    """The packet type; KeyError when there is none by that key."""
    return PACKET_TYPES[key]


def find_packet_type(key: str) -> PacketType | None:
    """The packet type, or None for a key no longer declared (old packets keep their key)."""
    return PACKET_TYPES.get(key)
