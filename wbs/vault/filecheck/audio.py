"""MP3: every tag is removed and so is anything before the first audio frame; the audio frames
themselves are passed through byte for byte.

mutagen removes what it knows how to remove, on in-memory file objects:
- ID3v2 at the start (`mutagen.id3.delete`, one tag per call: stacked tags take several calls),
- ID3v1 at the end (`mutagen.id3.delete`),
- APEv2 at the end, before an ID3v1 tag or before Lyrics3v2 + ID3v1, or at the start
  (`APEv2().delete`, mutagen's own removal; the `mutagen.apev2.delete` shortcut first loads the
  items and so leaves an item-less tag in place).

Hand-written, because mutagen cannot remove them:
- the 10-byte footer of a leading ID3v2.4 tag (mutagen deletes header and body only),
- Lyrics3v2 blocks (mutagen only steps over them to find an APEv2 tag),
- the "Enhanced TAG" (TAG+) block in front of an ID3v1 tag,
- ID3v2 tags appended at the end (recognised by their "3DI" footer; mutagen reads ID3v2 at the
  start of a file only),
- an ID3v1 tag that mutagen's search misses because the bytes "TAG" occur again just before it.

Refused as damaged: files mutagen cannot parse or calls sketchy (before and after), sizes that do
not fit, more than 16 rounds of tags, and results in which mutagen still finds a tag.
"""

from __future__ import annotations

import io

import mutagen.apev2
import mutagen.id3
import mutagen.mp3

from .common import damaged, untrusted

_MAX_TAG_ROUNDS = 16


def clean_mp3(data: bytes) -> tuple[bytes, list]:
    with untrusted():
        original = mutagen.mp3.MP3(io.BytesIO(data))
        if original.info.sketchy:
            raise damaged()
        stripped = _strip_trailing_tags(_strip_leading_id3v2(data))
        audio = mutagen.mp3.MP3(io.BytesIO(stripped))
        if audio.info.sketchy:
            raise damaged()
        # Anything between the (removed) tags and the first audio frame is dropped as well.
        cleaned = stripped[audio.info.frame_offset :]
        check = mutagen.mp3.MP3(io.BytesIO(cleaned))
        if check.tags is not None or check.info.sketchy or _has_apev2(cleaned):
            raise damaged()
        return cleaned, []


def _without(delete, data: bytes, **options) -> bytes:
    """`data` after one of mutagen's delete functions has run on it in memory."""
    fileobj = io.BytesIO(data)
    delete(fileobj, **options)
    return fileobj.getvalue()


def _delete_apev2(fileobj) -> None:
    mutagen.apev2.APEv2().delete(fileobj)


def _has_apev2(data: bytes) -> bool:
    try:
        mutagen.apev2.APEv2(io.BytesIO(data))
    except mutagen.apev2.APENoHeaderError:
        return False
    return True


def _strip_leading_id3v2(data: bytes) -> bytes:
    for _round in range(_MAX_TAG_ROUNDS):
        if data[:3] != b"ID3" or len(data) < 10:
            return data
        if any(byte & 0x80 for byte in data[6:10]):
            raise ValueError  # not a syncsafe size: not a tag mutagen would measure right
        has_footer = data[5] & 0x10
        data = _without(mutagen.id3.delete, data, delete_v1=False, delete_v2=True)
        if has_footer:  # hand-written: mutagen leaves the footer of an ID3v2.4 tag behind
            if len(data) < 10:
                raise ValueError
            data = data[10:]
    raise ValueError


def _strip_trailing_tags(data: bytes) -> bytes:
    for _round in range(_MAX_TAG_ROUNDS):
        before = len(data)
        data = _without(_delete_apev2, data)
        without_ape = len(data)
        data = _without(mutagen.id3.delete, data, delete_v1=True, delete_v2=False)
        if len(data) < without_ape and len(data) >= 227 and data[-227:-223] == b"TAG+":
            data = data[:-227]  # hand-written: the Enhanced TAG block in front of ID3v1
        data = _strip_unknown_to_mutagen(data)
        if len(data) == before:
            return data
    raise ValueError


def _syncsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        if byte & 0x80:
            raise ValueError
        value = (value << 7) | byte
    return value


def _strip_unknown_to_mutagen(data: bytes) -> bytes:
    """Remove one trailing block that mutagen cannot remove (see the module docstring)."""
    if len(data) >= 15 and data[-9:] == b"LYRICS200" and data[-15:-9].isdigit():
        total = int(data[-15:-9]) + 15
    elif len(data) >= 10 and data[-10:-7] == b"3DI":
        total = _syncsafe(data[-4:]) + 20
    elif len(data) >= 128 and data[-128:-125] == b"TAG":
        total = 128 + (227 if len(data) >= 355 and data[-355:-351] == b"TAG+" else 0)
    else:
        return data
    if total > len(data):
        raise ValueError
    return data[:-total]
