from streamlit_folium import _get_map_string

from ui.data import data_version, pond_map


def render(m):
    """What st_folium does to a map before sending it to the browser."""
    m.get_root().render()
    m.render()
    return _get_map_string(m)


def test_each_run_gets_a_fresh_copy_of_the_cached_map():
    version = data_version()
    first = pond_map(version, "zh", "none", None)
    script = render(first)
    # The next run (or another session) must get the same, intact script ...
    second = pond_map(version, "zh", "none", None)
    assert second is not first
    assert render(second) == script
    # ... because rendering one object twice yields a different, broken script.
    assert render(first) != script
