"""Table rows whose cells were run together ("本年新收政府信息公开申请数量640020470").

Copy-paste and crawlers sometimes drop the separators between a row's cells, so
several integers arrive as one digit string. Such a row is decoded only with the
form's own arithmetic, and only when exactly one way of cutting the digits
satisfies every rule:

- a row rule: in the applications table the 总计 column is the sum of the six
  applicant columns; in the appeals table each group's 总计 is the sum of its four;
- column rules across rows: e.g. row 一 + row 二 = row （七）总计 + row 四, and
  （七）总计 = the sum of the outcome rows, column by column.

A cut never starts a number with 0 unless the number is 0. Rows that stay
ambiguous (or that no cut satisfies) are left undecoded: the caller warns and
names them. Nothing is guessed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator, Sequence

Values = tuple[int, ...]
RowRule = Callable[[Values], bool]
# A column rule: (keys of rows added on the left, keys of rows added on the right), per column.
ColumnRule = tuple[tuple[Hashable, ...], tuple[Hashable, ...]]

_MAX_COMBINATIONS = 200_000
_MAX_CUTS = 50_000


def is_run(stated: Sequence[str]) -> bool:
    """Could these stated cells be integers run together (digits only, no unit, no decimal point)?"""
    return bool(stated) and all(s.isdigit() for s in stated)


def cuts(stated: Sequence[str], width: int) -> Iterator[Values]:
    """Every way of cutting the stated digit strings into ``width`` integers, each string cut on its own."""
    if len(stated) > width or sum(len(s) for s in stated) < width:
        return
    for shares in _compositions(width, len(stated), [len(s) for s in stated]):
        for parts in itertools.product(*(_cut(s, k) for s, k in zip(stated, shares, strict=True))):
            yield tuple(v for part in parts for v in part)


def _compositions(total: int, count: int, limits: list[int]) -> Iterator[tuple[int, ...]]:
    """Ways to give each of ``count`` strings at least one and at most its length of ``total`` numbers."""
    if count == 0:
        if total == 0:
            yield ()
        return
    for first in range(1, min(limits[0], total - (count - 1)) + 1):
        for rest in _compositions(total - first, count - 1, limits[1:]):
            yield (first, *rest)


def _cut(digits: str, count: int) -> list[Values]:
    """Cuts of one digit string into ``count`` integers with no leading zeros."""
    if count == 1:
        return [(int(digits),)] if digits == "0" or not digits.startswith("0") else []
    found: list[Values] = []
    if digits.startswith("0"):
        return [((0,) + rest) for rest in _cut(digits[1:], count - 1)] if len(digits) > 1 else []
    for end in range(1, len(digits) - count + 2):
        for rest in _cut(digits[end:], count - 1):
            found.append((int(digits[:end]),) + rest)
            if len(found) > _MAX_CUTS:
                return found
    return found


def total_is_sum(values: Values) -> bool:
    """The last column is the sum of the others."""
    return len(values) > 1 and values[-1] == sum(values[:-1])


def groups_sum(size: int) -> RowRule:
    """Each group of ``size`` columns ends with the sum of the others in the group."""
    return lambda values: len(values) % size == 0 and all(total_is_sum(values[i : i + size]) for i in range(0, len(values), size))


def decode(
    runs: dict[Hashable, Sequence[str]],
    width: int,
    row_rule: RowRule | None = None,
    fixed: dict[Hashable, Values] | None = None,
    column_rules: Sequence[ColumnRule] = (),
) -> dict[Hashable, Values | None]:
    """Decode run-together rows: each key's values when exactly one cut satisfies every rule, else None.

    ``fixed`` rows were read with their separators and take part in the column rules as stated.
    A column rule is checked only when every row it names is present.
    """
    fixed = fixed or {}
    candidates = {key: [v for v in cuts(stated, width) if row_rule is None or row_rule(v)] for key, stated in runs.items()}
    keys = [key for key in runs if candidates[key]]
    rules = [rule for rule in column_rules if all(k in fixed or k in candidates for k in rule[0] + rule[1])]
    rules = [rule for rule in rules if any(k in runs for k in rule[0] + rule[1])]
    result: dict[Hashable, Values | None] = {key: None for key in runs}
    linked = {k for rule in rules for k in rule[0] + rule[1] if k in runs}
    for key in keys:  # rows no column rule reaches stand on their own row rule
        if key not in linked and len(candidates[key]) == 1:
            result[key] = candidates[key][0]
    linked_keys = [k for k in keys if k in linked]
    if not linked_keys or any(not candidates[k] for k in linked):
        return result
    combinations = 1
    for key in linked_keys:
        combinations *= len(candidates[key])
    if combinations > _MAX_COMBINATIONS:
        return result
    valid: list[dict[Hashable, Values]] = []
    for choice in itertools.product(*(candidates[k] for k in linked_keys)):
        rows = {**fixed, **dict(zip(linked_keys, choice, strict=True))}
        if all(_holds(rule, rows, width) for rule in rules):
            valid.append(dict(zip(linked_keys, choice, strict=True)))
    for key in linked_keys:
        if valid and len({v[key] for v in valid}) == 1:
            result[key] = valid[0][key]
    return result


def _holds(rule: ColumnRule, rows: dict[Hashable, Values], width: int) -> bool:
    left, right = rule
    for column in range(width):
        try:
            if sum(rows[k][column] for k in left) != sum(rows[k][column] for k in right):
                return False
        except IndexError:
            return False
    return True
