"""The examples in the classes' docstrings run and print what they say."""

import doctest

import sparkprop.ml


def test_the_docstring_examples_hold(spark):
    result = doctest.testmod(sparkprop.ml, extraglobs={"spark": spark}, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted >= 10 and result.failed == 0, result
