"""Domain and persistence of Yehu Monitor: samples, compliance, tracing, ledger.

All data access goes through :class:`monitoring.store.Store`.  Never imports Streamlit.
"""
