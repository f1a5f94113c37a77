"""Geospatial core of Yehu Monitor: register, coordinates, boundaries, zones, QA, maps.

Pure functions over (Geo)DataFrames; never imports Streamlit.
"""
