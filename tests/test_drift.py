"""The drift check itself: rounding in the last digits passes, any other change fails."""

import pytest

from drift import assert_no_drift, differences

GIZMO = "ColorMatrix {\n matrix {{0.695452241357446 0.140678696470730 0.163869062171823}}\n name AP0_to_AP1\n}\n"


def test_last_digit_rounding_and_alignment_are_not_drift():
    assert differences(GIZMO.replace("0.695452241357446", "0.695452241357448"), GIZMO) == []
    assert differences("a = -1.2e-17; b = 3", "a = 4e-18; b =   3") == []
    assert differences("  0.0094361264505047    0.16", "0.00943612645050473   0.16") == []


@pytest.mark.parametrize("changed", [
    GIZMO.replace("0.695452241357446", "0.695452251357446"),     # a constant, 1.4e-8 relative
    GIZMO.replace("AP0_to_AP1", "AP0_to_AP2"),                   # a digit glued to a name is text
    GIZMO.replace("matrix", "matrlx"),
    GIZMO.replace(" 0.163869062171823", ""),                     # one number fewer
    GIZMO.replace("0.140678696470730", "-0.140678696470730"),
    GIZMO.replace("\n name", "\n\n name"),
])
def test_every_other_change_is_drift(changed):
    assert differences(changed, GIZMO)
    with pytest.raises(AssertionError, match="differs"):
        assert_no_drift(changed, GIZMO, "gizmo")
