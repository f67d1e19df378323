"""The YAML loader for scenario files: PyYAML's safe loader, refusing what a scenario file must
not hold (a key given twice, an impossible date, sets, ordered maps, binary values, tags on
blocks), each where it is in the file (moved from ``load.py``)."""

from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (YAML would silently keep the
    last one) and reporting an impossible date (2017-02-30) where it is, not as a traceback."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            before = None   # the value of the entry before, as written
            for key_node, value_node in node.value:
                if (node.flow_style and key_node.tag == "tag:yaml.org,2002:int"
                        and isinstance(key_node, yaml.ScalarNode) and not key_node.style
                        and value_node.tag == "tag:yaml.org,2002:null" and not value_node.value):
                    # {referrals_per_year: 6,250}: the comma ends the entry, so YAML reads 6
                    # and an entry '250' with no value ("demand.250: Keys should be strings")
                    head = before if isinstance(before, str) and before.isdigit() else None
                    tail = key_node.value
                    if not head:
                        example = ("(6,250) reads as two; write numbers without separators "
                                   "(6250)")
                    elif len(tail) == 3:
                        example = (f"({head},{tail}) reads as two; write numbers without "
                                   f"separators ({head}{tail} or {head}_{tail})")
                    else:   # 22,6: a decimal comma
                        example = (f"({head},{tail}) reads as two; write a decimal point, not "
                                   f"a comma ({head}.{tail})")
                    raise yaml.constructor.ConstructorError(
                        None, None, f"'{tail}' is an entry with no value: in a {{ }} block a "
                        f"comma separates entries, so a number written with a comma {example}",
                        key_node.start_mark)
                before = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
                if key_node.tag == "tag:yaml.org,2002:merge":
                    # PyYAML resolves a list of merged mappings against the YAML spec (the later
                    # one can win, depending on Python's string interning), and a merged key
                    # escapes the check below: a scenario builds on another with `base:`
                    raise yaml.constructor.ConstructorError(
                        None, None, "a YAML merge key ('<<') is not read in scenario files: "
                        "write the values out, or build on another scenario file with `base:`",
                        key_node.start_mark)
                key = self.construct_object(key_node, deep=True)
                if key is None or isinstance(key, bool):
                    # `yes:`, `off:`, `~:` are read by YAML 1.1 as true, false or nothing: a
                    # field name or a team called so would be reported as "1" or "None"
                    read = "nothing (null)" if key is None else str(key).lower()
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key_node.value}' is read by YAML as {read}, not "
                        f"as a name; quote it ('{key_node.value}') if it is a name",
                        key_node.start_mark)
                try:
                    line = first_line.get(key)
                except TypeError:
                    continue  # an unhashable key: the base class reports it
                if line is not None:
                    where = "on the same line" if line == key_node.start_mark.line \
                        else f"first at line {line + 1}"
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key_node.value}' is given twice ({where}); "
                        f"give it once", key_node.start_mark)
                first_line[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a date ({exc})", node.start_mark) from None


    def _on_a_value(self, node):
        # !!int above a list or a block: was "'[ScalarNode(...)]' would be read as a base-60 number"
        if not isinstance(node, yaml.ScalarNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a block of fields"
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise yaml.constructor.ConstructorError(
                None, None, f"a tag for a single value ({tag}) is on {kind}; remove the tag",
                node.start_mark)

    def construct_yaml_int(self, node):
        self._on_a_value(node)
        # YAML 1.1 reads 06250 as octal (3240) and 1:30 as base 60 (90): a count or a rate
        # written so would be silently wrong, so both are refused with the number meant
        text = str(node.value).replace("_", "")
        if ":" in text:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' would be read as a base-60 number (YAML 1.1); write "
                f"the number itself, or quote it if it is text", node.start_mark)
        digits = text.lstrip("+-")
        try:
            value = super().construct_yaml_int(node)
        except ValueError:
            # an explicit tag on something else (`!!int 6250.5`, `!!int many`): int() would raise
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is tagged !!int but is not a whole number; write a "
                f"whole number (or drop the tag)", node.start_mark) from None
        if digits[:2].lower() == "0o":   # `!!int 0o17` was read as 15; 0o17 alone is refused
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is an octal number; write it in ordinary digits: "
                f"{value}", node.start_mark)
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
            mark = node.start_mark
            text = mark.buffer or ""
            at = mark.pointer
            if 1 < at <= len(text) and text[at - 1] == "," and text[at - 2].isdigit():
                # [30, 91, 365, 730, 1,095]: the comma separates entries in [ ] and { }
                head = text[:at - 1].split(",")[-1].split("[")[-1].split("{")[-1].split()[-1]
                tail = str(node.value)
                meant = (f"write numbers without thousands separators ({head}{tail})"
                         if len(tail) == 3 else
                         f"write a decimal point, not a comma ({head}.{tail})")
                raise yaml.constructor.ConstructorError(
                    None, None, f"'{head},{tail}' reads as two numbers, {head} and {tail} (in "
                    f"[ ] and {{ }} a comma separates entries); {meant}", node.start_mark)
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' has a leading zero, which YAML 1.1 reads as an "
                f"octal number ({value}); write it without the leading zero", node.start_mark)
        return value

    def construct_yaml_float(self, node):
        self._on_a_value(node)
        if ":" in str(node.value):
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' would be read as a base-60 number (YAML 1.1); write "
                f"the number itself, or quote it if it is text", node.start_mark)
        try:
            return super().construct_yaml_float(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is tagged !!float but is not a number; write a "
                f"number (or drop the tag)", node.start_mark) from None

    def construct_yaml_binary(self, node):
        # base64 bytes: pydantic would read b"1234" as the number 1234 or the text "1234", so a
        # value nobody can read in the file would be used silently
        raise yaml.constructor.ConstructorError(
            None, None, "a binary value (!!binary, base64) where a scenario file holds numbers, "
            "dates and text; write the value itself", node.start_mark)


def _unordered(loader, node):
    # a set keeps no order (and drops a value given twice): !!set {0.7, 0.2, 0.1} for sibling
    # groups ran as (0.7, 0.1, 0.2); an ordered map or pairs reads as a list of pairs
    kind = node.tag.rsplit(":", 1)[-1]
    why = "a set keeps no order" if kind == "set" else "it reads as a list of pairs"
    raise yaml.constructor.ConstructorError(
        None, None, f"a YAML {kind} (!!{kind}) is not read in scenario files ({why}); write a "
        f"list [a, b, ...] or a block of field: value", node.start_mark)


_Loader.add_constructor("tag:yaml.org,2002:set", _unordered)
_Loader.add_constructor("tag:yaml.org,2002:omap", _unordered)
_Loader.add_constructor("tag:yaml.org,2002:pairs", _unordered)
_Loader.add_constructor("tag:yaml.org,2002:binary", _Loader.construct_yaml_binary)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
