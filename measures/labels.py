"""The label set of the annotation guide, and the parsing of label strings.

The ids, their order and their Chinese names are the contract shared by the training
data, the model files and every benchmark; nothing else in the package spells them out
but the report's colours (``report.COLORS``, one per id; a test holds that they match).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Label", "LABELS", "LABEL_IDS", "OTHER", "LabelError", "parse_labels", "joined_labels", "label_info",
           "zh_name"]

OTHER = "other"


@dataclass(frozen=True)
class Label:
    id: str
    zh: str
    en: str
    #: nearest indicators of the Oxford COVID-19 Government Response Tracker
    oxcgrt: tuple[str, ...]
    #: nearest categories of the WHO PHSM taxonomy (Public Health and Social Measures)
    who_phsm: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"id": self.id, "zh": self.zh, "en": self.en,
                "oxcgrt": list(self.oxcgrt), "who_phsm": list(self.who_phsm)}


LABELS: tuple[Label, ...] = (
    Label("testing", "核酸检测", "testing",
          ("H2 Testing policy",),
          ("3.1.2 Active case detection",)),
    # OxCGRT has no indicator for isolating cases or quarantining contacts: C6 records
    # orders confining the general population to the home (community_control's lockdowns),
    # and C8's "quarantine arrivals" level is border_import's
    Label("isolation_transfer", "隔离转运", "isolation and transfer",
          (),
          ("3.1.3 Isolation", "3.2.2 Quarantine of contacts")),
    Label("disinfection", "环境消杀", "disinfection",
          (),
          ("2.1 Cleaning and disinfecting surfaces and objects", "2.2 Improving air ventilation")),
    Label("supply", "物资保供", "supply",
          (),
          ("8.2 Scaling up", "8.3 Financial packages")),
    Label("medical_treatment", "医疗救治", "medical treatment",
          ("H4 Emergency investment in healthcare",),
          ("6.2 Using medications for treatment", "8.2 Scaling up")),
    Label("community_control", "社区管控", "community control",
          ("C1 School closing", "C2 Workplace closing", "C3 Cancel public events",
           "C4 Restrictions on gatherings", "C6 Stay at home requirements",
           "C7 Restrictions on internal movement", "H6 Facial coverings"),
          ("4 Social and physical distancing measures", "1.4 Wearing a mask")),
    Label("tracing", "流调溯源", "contact tracing",
          ("H3 Contact tracing",),
          ("3.2.1 Contact tracing", "3.1.2 Active case detection")),
    Label("vaccination", "疫苗接种", "vaccination",
          ("H7 Vaccination policy", "H5 Investment in vaccines"),
          ("7.2 Using vaccines for prevention",)),
    Label("border_import", "外防输入", "imported infection",
          ("C8 International travel controls", "C7 Restrictions on internal movement"),
          ("5 International travel measures", "4.5 Domestic travel")),
    Label("case_report", "疫情通报", "case report",
          (),
          ("3 Surveillance and response measures",)),
    Label("organization", "组织保障", "organisation",
          (),
          ("8.1 Legal and policy regulations", "8.2 Scaling up")),
    Label("publicity", "宣传引导", "public communication",
          ("H1 Public information campaigns",),
          ("8.4 Communications and engagement",)),
    Label("economy", "复工复产", "economic recovery",
          ("E1 Income support", "E3 Fiscal measures"),
          ("8.3 Financial packages",)),
    Label(OTHER, "其他", "other", (), ()),
)

LABEL_IDS: tuple[str, ...] = tuple(label.id for label in LABELS)
_BY_ID = {label.id: label for label in LABELS}
_KNOWN_IDS = ", ".join(LABEL_IDS)  # as errors list them


class LabelError(ValueError):
    """A label string that breaks the annotation guide."""


def label_info(label_id: str | Label) -> Label:
    """The :class:`Label` for an id, with its Chinese name and external codes. A Label
    (one of ``LABELS``) is looked up by its id, as an Enum member given to its Enum is, so
    one kept from an older version gets the guide's codes as they are now.

    Anything else is a :class:`LabelError` naming it: an index, whose label depends on
    the list it came from (a model's ``classes_`` need not be the guide's order), or two
    labels at once (a sentence's ``labels``, ``"testing|tracing"``)."""
    if isinstance(label_id, Label):
        label_id = label_id.id
    if not isinstance(label_id, str):
        several = isinstance(label_id, (list, tuple)) and all(isinstance(i, str) for i in label_id)
        raise LabelError(f"expected a label id as a string, got {type(label_id).__name__} {label_id!r:.60}"
                         + ("; one at a time: [label_info(i) for i in labels]" if several else "")
                         + f"; known ids: {_KNOWN_IDS}")
    try:
        return _BY_ID[label_id]
    except KeyError:
        if sum(bool(part.strip()) for part in label_id.split("|")) > 1:
            # _unknown's "did you mean" would offer one of the ids, dropping the others
            raise LabelError(f"expected one label id, got {label_id!r}, labels joined by '|'; one at a time: "
                             f"[label_info(i) for i in {label_id!r}.split('|')]") from None
        raise LabelError(_unknown(label_id)) from None


def zh_name(label_id: str) -> str:
    """The Chinese name of a label; an id outside the guide's set stands for itself."""
    found = _BY_ID.get(label_id)
    return found.zh if found else label_id


def _unknown(label_id: str) -> str:
    known = _known_as(label_id)
    # the separators people type instead of "|", a Chinese input method's ｜ and 丨 among them
    parts = [part for part in re.split(r"[,;，；、/｜丨\s]+", label_id.strip()) if part]
    if known:  # a Chinese name, capitals, a space or hyphen for the underscore
        hint = f"; did you mean {known!r}?"
    elif len(parts) > 1 and all(_known_as(part) for part in parts):
        shown = "|".join(_known_as(part) or part for part in parts)
        broken = _broken(shown)
        hint = (f"; labels are joined by '|': {shown!r}" if broken is None
                else f"; labels are joined by '|', though {shown!r} breaks the guide too: {broken}")
    else:
        close = _closest(label_id)
        hint = f"; did you mean {close!r}?" if close else f"; known ids: {_KNOWN_IDS}"
    return f"unknown label id {label_id!r}{hint}"


def _closest(label_id: str) -> str | None:
    """The id ``label_id`` stands for or was most likely meant to be (a typo), if any."""
    close = difflib.get_close_matches(label_id.lower(), LABEL_IDS, n=1, cutoff=0.5)
    return _known_as(label_id) or (close[0] if close else None)


def _broken(value: str) -> str | None:
    """Which of the guide's rules labels made of known ids break, if any."""
    ids = label_tuple(value)
    if len(set(ids)) != len(ids):
        return "repeated label"
    if OTHER in ids and len(ids) > 1:
        return "'other' is never combined with another label"
    return None


def _known_as(value: str) -> str | None:
    """The id ``value`` stands for, written as its Chinese name or with capitals, spaces
    or hyphens; None if it stands for none."""
    value = unicodedata.normalize("NFKC", value).strip()  # full-width letters, typed by an input method
    found = next((label.id for label in LABELS if label.zh == value), None)
    key = re.sub(r"[\s-]+", "_", value.lower())
    return found or (key if key in _BY_ID else None)


def joined_labels(value) -> str:
    """Labels given as ``"primary|second"`` or as a sequence of ids, as one such string;
    anything else (None, a number, a float NaN from an empty pandas cell) is a
    :class:`LabelError`."""
    if isinstance(value, str):
        return value
    if isinstance(value, (set, frozenset)):  # its order, so its primary label, changes from run to run
        raise LabelError(f"expected labels in order, primary first ('primary|second' or a list of ids), not a "
                         f"set, which has no order: {value!r:.60}")
    if not isinstance(value, (bytes, dict)):
        try:
            ids = list(value)
        except TypeError:
            ids = None
        if ids is not None and all(isinstance(i, str) for i in ids):
            return "|".join(ids)
    raise LabelError(f"expected labels as 'primary|second' or a list of ids, got {type(value).__name__} {value!r:.60}")


def label_tuple(value) -> tuple[str, ...]:
    """``"primary|second"`` or a sequence of ids as a tuple of ids, unchecked: for rows
    already checked and for predictions. Spaces around ids go, as :func:`parse_labels`
    drops them (``"testing | tracing"`` is trained on as two known ids, and scored so)."""
    parts = value.split("|") if isinstance(value, str) else value
    return tuple(part.strip() if isinstance(part, str) else part for part in parts)


def reads_as_labels(value: str) -> bool:
    """Whether :func:`parse_labels` takes ``value`` (spaces around it and its ids aside)."""
    try:
        parse_labels(value)
    except LabelError:
        return False
    return True


def parse_labels(value: str) -> tuple[str, ...]:
    """Split ``"primary|second"`` into ids, checking them against the guide.

    Raises :class:`LabelError` for unknown or repeated ids, an empty value, and
    ``other`` combined with a measure (guide: ``other`` is never combined).
    """
    ids = tuple(part.strip() for part in value.split("|"))
    if not value.strip():
        raise LabelError("no labels given")
    if any(not part for part in ids):
        raise LabelError(f"empty label in {value!r}")
    unknown = [label_id for label_id in ids if label_id not in _BY_ID]
    if unknown:  # all of them at once, so that a spreadsheet's export is mended in one pass
        guesses = {label_id: _closest(label_id) for label_id in unknown}
        fixed = "|".join(guesses.get(label_id) or label_id for label_id in ids)
        # a row offered is one the guide takes; one it would not take is said to be so
        broken = _broken(fixed) if all(guesses.values()) and len(ids) > 1 else None
        also = f"; and {fixed!r} would break the guide: {broken}" if broken else ""
        if len(unknown) == 1:
            raise LabelError(_unknown(unknown[0]) + also)
        if all(guesses.values()) and broken is None:
            raise LabelError(f"unknown label ids {', '.join(map(repr, unknown))}; did you mean {fixed!r}?")
        named = ", ".join(f"{label_id!r}" + (f" (did you mean {guesses[label_id]!r}?)" if guesses[label_id] else "")
                          for label_id in unknown)
        raise LabelError(f"unknown label ids {named}{also}")
    broken = _broken(value)
    if broken:
        raise LabelError(f"{broken} in {value!r}" if broken == "repeated label" else f"{broken}, got {value!r}")
    return ids
