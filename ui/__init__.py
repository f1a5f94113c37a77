"""Streamlit pages and UI helpers."""
