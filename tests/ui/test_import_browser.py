"""Real browser: an inspector imports a lab's XLSX, chooses to record the not-sampled row, and confirms."""

import pytest

from tests.browser import log_in, make_account, offline_browser, streamlit_server
from tests.monitoring import labfiles

pytestmark = pytest.mark.browser


def test_import_records_the_not_sampled_row(tmp_path):
    db = tmp_path / "app.sqlite"
    env = make_account(db)
    lab = tmp_path / "第15周监测结果.xlsx"
    lab.write_bytes(labfiles.xlsx())
    with streamlit_server(env) as url, offline_browser() as (context, outside):
        page = context.new_page()
        log_in(page, url)
        page.get_by_text("已登录").wait_for(timeout=30_000)
        page.goto(url + "/samples")
        page.get_by_role("tab", name="批量导入").click(timeout=30_000)
        page.locator('input[type="file"]').set_input_files(str(lab))
        page.get_by_text("5号塘尾水排口").first.wait_for(state="attached", timeout=30_000)  # the preview grid
        page.get_by_text("记录为“未采样”（保留原因）").click(timeout=30_000)
        page.get_by_role("button", name="确认导入").click()
        page.get_by_text("记录未采样 1 条，跳过未采样 0 行。", exact=False).wait_for(timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert outside == []
    from monitoring.store import Store

    store = Store(f"sqlite:///{db}")
    got = store.not_sampled.of_weeks(["2022-W15"])
    assert list(zip(got.site_code, got.reason, strict=True)) == [("7", "未采（停产）")]
    assert len(store.samples.of_week("2022-W15")) == 5  # beside the documents' results loaded at start
    store.engine.dispose()
