from ui.data import data_version, pond_map_parts


def test_the_map_is_built_once_and_handed_out_unchanged():
    version = data_version()
    key, parts, home = pond_map_parts(version, "zh", "none", None)
    # The next run (or another session) gets the very same parts: the browser receives an
    # unchanged element, so Streamlit sends a reference to it instead of the map again.
    again = pond_map_parts(version, "zh", "none", None)
    assert again[0] == key and again[1] is parts
    assert parts["script"].rstrip().endswith(");") and parts["name"] in parts["script"]
    (south, west), (north, east) = home
    assert 29.0 < south < north < 30.0 and 113.0 < west < east < 114.0
    # Another input set is another map, under another key.
    assert pond_map_parts(version, "en", "none", None)[0] != key
