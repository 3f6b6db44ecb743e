"""M4A / MP4 (ISO base media file format): a bounded box walker blanks user data, tags and XMP
boxes in place (offsets hold, so the sample tables stay valid) and zeroes the creation and
modification times of the movie, track and media headers; mutagen verifies before and after."""

from __future__ import annotations

import io

import mutagen.mp4

from .common import MAX_MP4_BOXES, MSG_MISMATCH, NOTE_VIDEO, damaged, reject, untrusted

# Boxes holding user data / tags / XMP, blanked wherever they occur in these containers.
_MP4_METADATA_BOXES = frozenset({b"udta", b"meta", b"uuid"})
_MP4_CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"moof", b"traf"})
_MP4_TIMED_HEADERS = frozenset({b"mvhd", b"tkhd", b"mdhd"})


class _BoxError(Exception):
    pass


class _BoxWalker:
    def __init__(self, buffer: bytearray):
        self.buffer = buffer
        self.count = 0
        self.has_moov = False
        self.handlers: list[bytes] = []

    def boxes(self, start: int, end: int, top: bool = False):
        buffer = self.buffer
        pos = start
        while pos < end:
            if end - pos < 8:
                if top and not any(buffer[pos:end]):
                    return  # trailing zero padding
                raise _BoxError
            self.count += 1
            if self.count > MAX_MP4_BOXES:
                raise _BoxError
            size = int.from_bytes(buffer[pos : pos + 4], "big")
            box_type = bytes(buffer[pos + 4 : pos + 8])
            header = 8
            if size == 1:
                if end - pos < 16:
                    raise _BoxError
                size = int.from_bytes(buffer[pos + 8 : pos + 16], "big")
                header = 16
            elif size == 0:
                size = end - pos
            if size < header or pos + size > end:
                raise _BoxError
            yield box_type, pos, header, size
            pos += size

    def clean(self, start: int, end: int, depth: int = 0, top: bool = False) -> None:
        for box_type, pos, header, size in self.boxes(start, end, top):
            payload = pos + header
            if box_type == b"moov" and depth == 0:
                self.has_moov = True
            if box_type in _MP4_METADATA_BOXES:
                self._blank(pos, header, size)
            elif box_type in _MP4_CONTAINERS and depth < 8:
                self.clean(payload, pos + size, depth + 1)
            elif box_type in _MP4_TIMED_HEADERS:
                self._zero_times(payload, pos + size)
            elif box_type == b"hdlr" and pos + size - payload >= 12:
                self.handlers.append(bytes(self.buffer[payload + 8 : payload + 12]))

    def _blank(self, pos: int, header: int, size: int) -> None:
        self.buffer[pos + 4 : pos + 8] = b"free"
        self.buffer[pos + header : pos + size] = bytes(size - header)

    def _zero_times(self, payload: int, end: int) -> None:
        if end - payload < 4:
            raise _BoxError
        width = 8 if self.buffer[payload] == 1 else 4
        if end - payload < 4 + 2 * width:
            raise _BoxError
        self.buffer[payload + 4 : payload + 4 + 2 * width] = bytes(2 * width)


def clean_mp4(data: bytes, kind: str) -> tuple[bytes, list]:
    with untrusted():
        mutagen.mp4.MP4(io.BytesIO(data))
        buffer = bytearray(data)
        walker = _BoxWalker(buffer)
        walker.clean(0, len(buffer), top=True)
        if not walker.has_moov:
            raise damaged()
        has_video = b"vide" in walker.handlers
        if kind == "m4a" and has_video:
            raise reject(MSG_MISMATCH, "mismatch")
        cleaned = bytes(buffer)
        check = mutagen.mp4.MP4(io.BytesIO(cleaned))
        if check.tags:
            raise damaged()
    notes = [NOTE_VIDEO] if kind == "mp4" else []
    return cleaned, notes
