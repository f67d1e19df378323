"""The one error a scenario raises: a user's mistake, printed as one message, never a traceback."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from typing import TYPE_CHECKING

from ..errors import UserError

if TYPE_CHECKING:
    from pydantic import ValidationError


class ScenarioError(UserError, ValueError):
    """A scenario file or parameter is not valid. The message names file, field and expectation.

    A :class:`~workbench.errors.UserError` (so every front end prints it without a traceback) and a
    ``ValueError`` (what it was before there was a common user-error class).
    """


#: Characters of a bad value quoted in a message.
MAX_SHOWN = 80
#: A number typed as a person writes it: 6,250 or 6 250 (thousands), 22,6 (a decimal comma),
#: 22.6% or £3,000 (a sign), 6k or 1.5m (a multiple).
_SEPARATED = re.compile(r"[+-]?\d{1,3}(?:[,\s\u00a0\u202f']\d{3})+(?:\.\d+)?")
_POINTS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3}){2,}")   # 6.250.000: thousands points
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}|[+-]?\d+,\d{4,}")
_WITH_UNIT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*([A-Za-z][A-Za-z .'/-]*)")   # 5 years, 3 months
_MULTIPLE = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*([kKmM])")
_FRACTION = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")     # next: {close: 1/2}


def number_hint(text: str, field: str = "_pct") -> str | None:
    """What to write instead of ``text``, a number typed with separators, a sign or a multiple
    that a scenario file does not read (pydantic said only "unable to parse string as a
    number"), or None when ``text`` is not such a number. ``field`` is the field's name: a % in
    a field that is not a percentage (``fte: 50%``) is a share, written 0.5."""
    t = text.strip()
    head, hash_, _ = t.partition("#")
    if hash_ and head and not head[-1].isspace():
        # 6250# comment: YAML starts a comment only at a # after a space
        return (f"a comment starts at a # after a space; write {head.strip()} #..., not "
                f"{head.strip()}#...")
    if t.endswith("%") and "_pct" not in field:
        bare = t.removesuffix("%").strip()
        try:
            share = float(bare) / 100
        except ValueError:
            return None
        return (f"write the number alone, without a % sign: {field} is not a percentage (its "
                f"name has no _pct), so {bare}% is written {share:g}")
    for sign, what in (("%", "a % sign (a _pct field is already a percentage)"),
                       ("£", "a £ sign"), ("GBP", "GBP")):
        if t.endswith(sign) or t.startswith(sign):
            bare = t.removesuffix(sign).removeprefix(sign).strip()
            hint = number_hint(bare)
            if hint:
                return hint
            try:
                float(bare)
            except ValueError:
                return None
            return f"write the number alone, without {what}: {bare}"
    if _SEPARATED.fullmatch(t) or _POINTS.fullmatch(t):
        plain = re.sub(r"[,.\s\u00a0\u202f']", "", t) if _POINTS.fullmatch(t) else \
            re.sub(r"[,\s\u00a0\u202f']", "", t)
        return f"write the number without thousands separators: {plain}"
    if _DECIMAL_COMMA.fullmatch(t):
        return f"write a decimal point, not a comma: {t.replace(',', '.')}"
    m = _WITH_UNIT.fullmatch(t)
    if m and not _MULTIPLE.fullmatch(t):
        return (f"write a number alone, without '{m[2]}', in the unit the field's name gives "
                f"(_days, _weeks, _hours, _pct, _gbp, _years, per_year ...)")
    m = _MULTIPLE.fullmatch(t)
    if m:
        whole = float(m[1]) * (1000 if m[2] in "kK" else 1_000_000)
        return f"write the number in full: {whole:.15g}"
    if re.fullmatch(r"[+-]?0[oO][0-7]+", t):
        # 0o17 (YAML 1.2's octal): "unable to parse string as a number"
        return f"{t} is an octal number; write it in ordinary digits: {int(t, 8)}"
    m = _FRACTION.fullmatch(t)
    if m and float(m[2]) > 0:
        return f"write a fraction as a decimal: {float(m[1]) / float(m[2]):.4g}, not {t}"
    return None


def meant_field(name: str, names: tuple[str, ...]) -> str | None:
    """The field of ``names`` (the schema's) that an unknown field ``name`` most likely meant
    (``Demand``, ``referals_per_year``), or None when none is close."""
    # NFKC: a name typed in full-width letters (an East Asian keyboard's \uff44emand) is demand
    low = unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "_").replace("-", "_")
    if low in names:
        return low
    close = difflib.get_close_matches(low, names, n=1, cutoff=0.85)
    return close[0] if close else None


_YES_NO = re.compile(r"(\w+): (expected (?:a number, got a yes/no value|text, got |names, got a "
                     r"yes/no value).*)", re.S)


def format_errors(err: ValidationError, source: str, field_names: tuple[str, ...] = ()) -> str:
    """pydantic's errors as one message: the source, then a line a problem naming its field
    (dotted), what was expected and the value given (shortened past :data:`MAX_SHOWN`); an
    unknown field is offered the closest of ``field_names`` (the schema's every field)."""
    lines = []
    for e in err.errors(include_url=False):
        loc = ".".join(str(p) for p in e["loc"]
                       if not str(p).startswith("function-after") and p != "[key]")
        # drop discriminator tags such as 'lognormal' that pydantic inserts in union paths
        msg = e["msg"].removeprefix("Value error, ")
        typ = e["type"]
        if typ == "extra_forbidden":
            msg = "unknown field (check the spelling; unknown fields are not allowed)"
            meant = meant_field(str(e["loc"][-1]), field_names)
            tag = str(e["loc"][-2]) if len(e["loc"]) > 1 else ""
            other = [d for d, fields in DIST_FIELDS.items() if str(e["loc"][-1]) in fields]
            if tag in DIST_FIELDS and other and tag not in other:
                # {low: 1, high: 3} over a base's lognormal: 'unknown field', of the base's
                meant = None
                msg = (f"'{e['loc'][-1]}' is a field of a {' or '.join(other)} distribution, "
                       f"not of a {tag} one (one written without dist: keeps its base's); give "
                       f"dist: {other[0]} with {', '.join(DIST_FIELDS[other[0]])}, or the "
                       f"{tag}'s {', '.join(DIST_FIELDS[tag])}")
            if meant and meant != str(e["loc"][-1]):
                msg = f"unknown field; did you mean '{meant}'? (field names are lower case)" \
                    if meant == str(e["loc"][-1]).lower() else f"unknown field; did you mean '{meant}'?"
        elif typ == "missing":
            msg = "required field is missing"
        elif typ == "union_tag_invalid":
            # pydantic's "Input tag 'normal' found using 'dist' does not match any of the
            # expected tags: ..."
            ctx = e.get("ctx") or {}
            tag = str(ctx.get("tag"))
            why = ("; names are lower case" if tag.lower() in DIST_FIELDS else
                   " (for a normal one, lognormal or gamma, by its mean and cv: neither draws a "
                   "value below 0)" if tag.lower() in ("normal", "gaussian") else "")
            msg = (f"dist: '{tag}' is not a distribution the workbench draws from; give one of "
                   f"{ctx.get('expected_tags')}{why}")
        elif typ == "model_attributes_type" and len(e["loc"]) == 2 and e["loc"][0] == "uncertain":
            # a value or a list where a range goes ("Input should be a valid dictionary or
            # object to extract fields from" said nothing of what to write)
            msg = ("an uncertain input takes a distribution, e.g. {dist: uniform, low: <lowest>, "
                   "high: <highest>}; a single known value goes at the field itself")
        if e["loc"][:1] == ("uncertain",) and _TIME_WHY in msg and not any(
                w in str(e["loc"][1:2]) for w in ("hours", "days", "weeks", "_wd")):
            # a range of referrals up to 1e9 was refused as 'far longer than any run'
            msg = msg.replace(_TIME_WHY, "the most a range may reach; no input of a scenario is "
                                         "as large")
        given = e.get("input")
        if typ.endswith("_type") and given is None and loc:
            # `demand:` with nothing under it (its fields left commented out in a template):
            # "Input should be a valid dictionary or instance of Demand (got None)" named a
            # Python class and a Python value
            msg = ("is empty (nothing after its name, or under it): give its value, or remove "
                   "the line")
        elif typ in ("model_type", "dict_type"):
            msg = "expected a block (a dictionary) of fields under it: indented lines of field: value"
        elif typ in ("tuple_type", "list_type"):
            msg = ("expected a list: [a, b, ...] or one entry a line, each starting with '- '")
        elif (typ == "model_attributes_type" and isinstance(given, (int, float))
              and not isinstance(given, bool) and e["loc"][0] != "uncertain"):
            # `work_hours: 4`: "Input should be a valid dictionary or object to extract fields
            # from" did not say that a distribution goes there
            msg = (f"expected a distribution, not a single number: {{dist: fixed, value: "
                   f"{given:g}}} for always {given:g}, or one that varies, e.g. {{dist: "
                   f"lognormal, mean: {given:g}, cv: 0.5}}")
        elif typ == "string_type" and isinstance(given, (list, dict)):
            # `name: [a]`: "Input should be a valid string" said nothing of what was given
            what = "a list ([...] or lines starting '- ')" if isinstance(given, list) else \
                "a block of fields ({...} or indented lines)"
            msg = f"expected text, got {what}; write the text itself"
        elif typ == "date_from_datetime_inexact":
            # 2017-10-31 09:00: pydantic's "Datetimes provided to dates should have zero time"
            msg = "expected a date (YYYY-MM-DD) without a time of day; remove the time"
        if typ in ("float_parsing", "int_parsing") and isinstance(e.get("input"), str):
            hint = number_hint(e["input"], str(e["loc"][-1]) if e["loc"] else "_pct")
            if hint:
                msg = f"expected a number; {hint}"
        m = _YES_NO.fullmatch(msg)
        if m:  # the check of a block's raw fields names the field in its message
            loc, msg = ".".join(p for p in (loc, m[1]) if p), m[2]
        if not loc:
            # the whole-scenario checks: each problem on its own line, already naming its field
            lines.extend(f"  - {problem}" for problem in msg.split("\n"))
            continue
        value = e.get("input")
        shown = ""
        if isinstance(value, dt.date):
            shown = f" (got {value.isoformat()})"
        elif typ not in ("missing",) and not isinstance(value, (dict, list)) \
                and not (value is None and typ.endswith("_type")):
            text = repr(value)
            if len(text) > MAX_SHOWN:  # a 100,000-character name, a 400-digit number
                # the count is of the value, not of its quoted form (201 characters, not 203)
                size = len(value) if isinstance(value, str) else len(text)
                text = f"{text[:MAX_SHOWN]}... ({size:,} characters)"
            shown = f" (got {text})"
        lines.append(f"  - {loc}: {msg}{shown}")
    # counted as listed: pydantic counts the whole-scenario checks as one error, however many
    # problems they list ("1 problem(s)" above two)
    more = len(lines) - MAX_LINES
    if more > 0:
        # a generated file with the same slip 20,000 times printed 20,000 lines
        kinds = sorted({line.split(": ", 1)[-1].split(" (got ")[0] for line in lines[MAX_LINES:]})
        lines = lines[:MAX_LINES] + [f"  ... and {more:,} more ({len(kinds):,} kind(s) of "
                                     f"problem; the first {MAX_LINES} are listed above)"]
        return "\n".join([f"{source}: {MAX_LINES + more} problem(s) in the scenario:"] + lines)
    return "\n".join([f"{source}: {len(lines)} problem(s) in the scenario:"] + lines)


#: Problems listed in a message; the others are counted (as the extracts' messages do).
MAX_LINES = 200
#: Each distribution's fields (the ``dist:`` tags of :data:`~.basics.Dist`).
DIST_FIELDS = {"fixed": ("value",), "exponential": ("mean",), "lognormal": ("mean", "cv"),
               "gamma": ("mean", "cv"), "uniform": ("low", "high"), "histogram": ("edges", "probs")}
#: Why a distribution's values are bounded (:data:`~.basics.TIME_MAX`), said of times.
_TIME_WHY = "far longer than any run; larger values overflow the simulation clock"
