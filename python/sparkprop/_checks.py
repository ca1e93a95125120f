"""Checks of param values in Python, from the limits the Java params declare.

Each training param of the Java estimators carries, in the generated catalog, what it accepts
(kind, bounds or names, and the phrase the Java check uses). :func:`checked` turns that into a
pyspark ``typeConverter``, so a bad value is refused when it is set, with the message Java would
give, before any JVM call or Spark job.
"""

from __future__ import annotations

import decimal
import difflib
import math
from typing import Any, Callable, Dict, List

__all__ = ["checked"]


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _java_double(x: float) -> str:
    """A double as Java prints it (NaN, Infinity, 1.0E-5), so both sides show a refused value alike."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0 or 1e-3 <= abs(x) < 1e7:
        return repr(x)
    d = decimal.Decimal(repr(abs(x)))  # the shortest digits that give x back, as Java's
    digits = "".join(str(n) for n in d.as_tuple().digits).rstrip("0") or "0"
    sign = "-" if x < 0 else ""
    return "%s%s.%sE%d" % (sign, digits[0], digits[1:] or "0", d.adjusted())


def _refuse(name: str, value: Any, expected: str) -> ValueError:
    return ValueError("parameter %s = %s is not accepted: expected %s" % (name, _shown(value), expected))


def _is_int(value: Any) -> bool:
    # Python's bool is an int; a flag is no count. numpy integers pass through __index__.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return hasattr(value, "__index__") and not isinstance(value, float)


def _did_you_mean(value: str, names: List[str]) -> str:
    close = difflib.get_close_matches(value.strip().lower(), names, n=2, cutoff=0.6)
    return "; did you mean " + " or ".join("'" + c + "'" for c in close) + "?" if close else ""


def checked(name: str, limits: Dict[str, Any]) -> Callable[[Any], Any]:
    """A converter for the param ``name``: the value as the JVM should get it, or a ValueError."""
    kind = limits["kind"]
    expected = limits["expected"]

    def check(value: Any) -> Any:
        if kind == "boolean":
            if not isinstance(value, bool):
                raise _refuse(name, value, expected)
            return value
        if kind in ("int", "long"):
            if not _is_int(value):
                raise _refuse(name, value, expected)
            v = int(value.__index__())
            alone = limits.get("alone")
            if v > limits["max"]:
                raise _refuse(name, value, expected + " and <= " + str(limits["max"]))
            if v < limits["min"] and (alone is None or v != alone):
                raise _refuse(name, value, expected)
            return v
        if kind == "double":
            if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
                raise _refuse(name, value, expected)
            v = float(value)
            lo, hi = limits["lo"], limits["hi"]
            ok = math.isfinite(v)
            ok = ok and (lo is None or (v >= lo if limits["loIncluded"] else v > lo))
            ok = ok and (hi is None or (v <= hi if limits["hiIncluded"] else v < hi))
            if not ok:
                raise _refuse(name, value, expected)
            return v
        if kind == "autoDouble":
            # Java holds "auto" or the number as text (Double.toString's spelling for a number given).
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) and not hasattr(value, "__float__"):
                raise _refuse(name, value, expected)
            text = value.strip() if isinstance(value, str) else _java_double(float(value))
            if text.lower() == "auto":
                return "auto"
            try:
                v = float(text)
            except ValueError:
                raise _refuse(name, text, expected) from None
            lo, hi = limits["lo"], limits["hi"]
            ok = math.isfinite(v)
            ok = ok and (lo is None or (v >= lo if limits["loIncluded"] else v > lo))
            ok = ok and (hi is None or (v <= hi if limits["hiIncluded"] else v < hi))
            if not ok:
                raise _refuse(name, text, expected)
            return text
        if kind == "string":
            if not isinstance(value, str) or (limits["nonEmpty"] and value == ""):
                raise _refuse(name, value, expected)
            return value
        if kind == "oneOf":
            names = limits["names"]
            if not isinstance(value, str):
                raise _refuse(name, value, expected)
            if value.strip().lower() not in [n.lower() for n in names]:
                raise _refuse(name, value, expected + _did_you_mean(value, names))
            return value
        if kind == "intList":
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise _refuse(name, value, expected)
            items = list(value)
            for x in items:
                if not _is_int(x) or int(x) < limits["min"]:
                    raise _refuse(name, items, expected + "; " + _shown(x) + " is not")
            return [int(x) for x in items]
        if kind == "distinct":
            names = limits["names"]
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise _refuse(name, value, expected)
            items = list(value)
            seen: List[str] = []
            for x in items:
                match = [n for n in names if isinstance(x, str) and n.lower() == x.strip().lower()]
                if not match:
                    hint = _did_you_mean(x, names) if isinstance(x, str) else ""
                    raise _refuse(name, items, expected + "; " + _shown(x) + " is not one" + hint)
                if match[0] in seen:
                    raise _refuse(name, items, expected + "; '" + match[0] + "' appears twice")
                seen.append(match[0])
            return [str(x) for x in items]
        if kind == "classWeights":
            # none, balanced, or one weight >= 0 per class (a list, or text "1,5"), as Java reads it.
            text = ",".join(str(x) for x in value) if isinstance(value, (list, tuple)) else value
            if not isinstance(text, str):
                raise _refuse(name, value, expected)
            t = text.strip().lower()
            if t in ("", "none", "balanced"):
                return text.strip()
            try:
                weights = [float(p) for p in t.split(",")]
            except ValueError:
                raise _refuse(name, value, expected) from None
            if len(weights) < 2 or not all(math.isfinite(w) and w >= 0 for w in weights) or max(weights) == 0:
                raise _refuse(name, value, expected)
            return text.strip()
        if kind == "stopTarget":
            # "" or METRIC=VALUE, METRIC one of accuracy, loss, mse (any case), VALUE finite, as Java reads it.
            if not isinstance(value, str):
                raise _refuse(name, value, expected)
            if not value.strip():
                return ""
            metric, eq, number = value.partition("=")
            try:
                finite = eq == "=" and math.isfinite(float(number.strip()))
            except ValueError:
                finite = False
            if not finite or metric.strip().lower() not in ("accuracy", "loss", "mse"):
                raise _refuse(name, value, expected)
            return value.strip()
        raise AssertionError("no check for params of kind " + kind)

    check.__name__ = "checked_" + name
    return check
