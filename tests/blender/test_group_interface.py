"""Group interfaces as a compositor user sees them: names, defaults and ranges from aceskit.rgc.UI_PARAMS."""

import pytest

from aceskit import rgc
from aceskit.targets import blender as backend


def _inputs(group):
    return [i for i in group.interface.items_tree if i.item_type == "SOCKET" and i.in_out == "INPUT"]


def test_parametric_interface_matches_ui_params(bpy, groups):
    g = bpy.data.node_groups[backend.RGC_PARAMETRIC]
    items = _inputs(g)
    assert [i.name for i in items] == ["Image", backend.WORKING_SPACE, *[p.label for p in rgc.UI_PARAMS], "Invert"]
    by_name = {i.name: i for i in items}
    for p in rgc.UI_PARAMS:
        item = by_name[p.label]
        assert item.socket_type == "NodeSocketFloat"
        assert item.default_value == pytest.approx(p.default, rel=1e-7)
        assert item.min_value == pytest.approx(p.min, rel=1e-7)
        assert item.max_value == pytest.approx(p.max, rel=1e-7)
    assert by_name["Invert"].socket_type == "NodeSocketBool" and by_name["Invert"].default_value is False
    space = by_name[backend.WORKING_SPACE]
    if backend.api(bpy).menus:
        assert space.socket_type == "NodeSocketMenu"
    else:  # Blender 4.5: an integer with the spaces' indices as its range
        assert space.socket_type == "NodeSocketInt"
        assert (space.min_value, space.max_value, space.default_value) == (0, len(backend.HOST.rgc_spaces) - 1, 0)
        assert "1 = ACEScg" in space.description


def test_reference_interface(bpy, groups):
    g = bpy.data.node_groups[backend.RGC_REFERENCE]
    assert [i.name for i in _inputs(g)] == ["Image", backend.WORKING_SPACE, "Invert"]
    assert g.bl_idname == "CompositorNodeTree"


def test_group_node_shows_defaults_and_working_space(bpy, groups, space_value):
    tree = bpy.data.node_groups.new("interface-probe", "CompositorNodeTree")
    try:
        node = tree.nodes.new("CompositorNodeGroup")
        node.node_tree = bpy.data.node_groups[backend.RGC_PARAMETRIC]
        assert node.inputs["Roll-off"].default_value == pytest.approx(rgc.POWER, rel=1e-7)
        assert node.inputs["Limit Cyan"].default_value == pytest.approx(rgc.LIMIT[0], rel=1e-7)
        space = node.inputs[backend.WORKING_SPACE]
        assert space.default_value == space_value("ACES2065-1")
        space.default_value = space_value("ACEScg")
        assert space.default_value == space_value("ACEScg")
        if backend.api(bpy).menus:
            with pytest.raises(TypeError):
                space.default_value = "Linear Rec.709"
    finally:
        bpy.data.node_groups.remove(tree)


def test_refresh_keeps_the_datablock(bpy, groups):
    """Re-running the backend refreshes a group in place, so existing group nodes follow it."""
    before = bpy.data.node_groups[backend.RGC_REFERENCE]
    count = len(before.nodes)
    before.nodes.clear()
    backend.ensure_groups(bpy, [backend.RGC_REFERENCE])
    after = bpy.data.node_groups[backend.RGC_REFERENCE]
    assert after == before and len(after.nodes) == count


def test_refresh_keeps_values_set_on_group_nodes(bpy, groups, space_value):
    tree = bpy.data.node_groups.new("refresh-probe", "CompositorNodeTree")
    try:
        node = tree.nodes.new("CompositorNodeGroup")
        node.node_tree = bpy.data.node_groups[backend.RGC_PARAMETRIC]
        node.inputs["Limit Yellow"].default_value = 1.5
        node.inputs[backend.WORKING_SPACE].default_value = space_value("ACEScg")
        backend.ensure_groups(bpy, [backend.RGC_PARAMETRIC])
        assert node.inputs["Limit Yellow"].default_value == pytest.approx(1.5)
        assert node.inputs[backend.WORKING_SPACE].default_value == space_value("ACEScg")
    finally:
        bpy.data.node_groups.remove(tree)


def test_a_file_from_blender_4_5_keeps_every_choice(bpy, groups, space_value):
    """A file saved in 4.5 holds RGC groups with an integer Working Space; opening it in 5.0
    rebuilds them with a menu.  Each group node keeps the space chosen on it and its other
    values (in 4.5 the group is current and stays as it is)."""
    tree = bpy.data.node_groups.new("upgrade-probe", "CompositorNodeTree")
    try:
        backend.build(backend.spec(backend.RGC_PARAMETRIC, menus=False), bpy)  # as Blender 4.5 has it
        node = tree.nodes.new("CompositorNodeGroup")
        node.node_tree = bpy.data.node_groups[backend.RGC_PARAMETRIC]
        node.inputs[backend.WORKING_SPACE].default_value = backend.HOST.rgc_spaces.index("ACEScct")
        node.inputs["Limit Yellow"].default_value = 1.5
        node.inputs["Invert"].default_value = True
        backend.ensure_groups(bpy, [backend.RGC_PARAMETRIC], force=False)  # what opening a file runs
        assert node.inputs[backend.WORKING_SPACE].default_value == space_value("ACEScct")
        assert node.inputs["Limit Yellow"].default_value == pytest.approx(1.5)
        assert node.inputs["Invert"].default_value is True
    finally:
        bpy.data.node_groups.remove(tree)
        backend.ensure_groups(bpy, [backend.RGC_PARAMETRIC])
