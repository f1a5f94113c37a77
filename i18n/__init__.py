"""The one translation catalogue: every user-facing string, Chinese first.

``t(key, lang, **params)`` looks a key up and formats it.  The UI, the map
builder and the command lines all take their words from here, so no screen
mixes languages.  A missing key raises ``KeyError`` (tests check that every
key has both languages).
"""

from __future__ import annotations

__all__ = ["LANGS", "MESSAGES", "describe_flag", "describe_hypothesis", "t"]

#: Supported languages, the default first.
LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # --- app shell -------------------------------------------------------
    "app.title": ("冶湖监管", "Yehu Monitor"),
    "app.subtitle": ("冶湖水环境管控和周边精养池退养", "Yehu water quality and pond retirement"),
    "app.language": ("语言 / Language", "语言 / Language"),
    "page.map": ("地图", "Map"),
    "page.samples": ("采样", "Samples"),
    "page.retirement": ("退养台账", "Retirement"),
    "page.dashboard": ("领导看板", "Dashboard"),
    "page.admin": ("管理", "Admin"),
    "page.not_built": (
        "此页面尚未建成：{what}。当前版本不提供任何示例或虚构数据。",
        "This page is not built yet: {what}. No sample or made-up content is shown.",
    ),
    "page.samples.todo": (
        "水样录入、导入与每周总磷达标",
        "water sample entry, import and weekly phosphorus compliance",
    ),
    "page.retirement.todo": ("退养台账、巡查与有奖举报", "retirement ledger, patrols and public tips"),
    "page.patrols.todo": ("日常巡查记录与有奖举报受理", "the patrol log and public tips"),
    "page.dashboard.todo": (
        "退养进度、逾期事项与本周采样",
        "retirement progress, overdue items and this week's sampling",
    ),
    "data.error": ("数据加载失败", "Data failed to load"),
    # --- register fields ---------------------------------------------------
    "field.pond_id": ("序号", "No."),
    "field.town": ("镇", "Town"),
    "field.village": ("村", "Village"),
    "field.farm_name": ("养殖场名称", "Farm"),
    "field.location": ("位置", "Location"),
    "field.coord_text": ("坐标", "Coordinate"),
    "field.seed_coord_text": ("原表坐标", "Coordinate as printed"),
    "field.seed_uses": ("原表用途与面积", "Uses as printed"),
    "field.verified": ("现场核实", "Field check"),
    "field.lon": ("经度", "Longitude"),
    "field.lat": ("纬度", "Latitude"),
    "field.area_mu": ("水面面积（亩）", "Water area (mu)"),
    "field.area_m2": ("水面面积（m²）", "Water area (m²)"),
    "field.uses": ("用途", "Use"),
    "field.stocked_this_year": ("今年是否投放鱼苗", "Stocked fry this year"),
    "field.coord_datum": ("坐标基准", "Datum"),
    "field.coord_status": ("坐标状态", "Coordinate status"),
    "field.source_ref": ("来源", "Source"),
    "value.unknown": ("未知", "unknown"),
    "list.sep": ("、", ", "),
    "fmt.area": ("{mu:g} 亩（{m2:,.0f} m²）", "{mu:g} mu ({m2:,.0f} m²)"),
    "value.yes": ("是", "yes"),
    "value.no": ("否", "no"),
    "value.unstated": ("未说明（按 CGCS2000 处理）", "not stated (treated as CGCS2000)"),
    "value.provisional": ("暂定（未经现场核实）", "provisional (not checked on site)"),
    "value.verified": ("已现场核实", "verified on site"),
    # --- classification ----------------------------------------------------
    "field.shore_distance_m": ("距湖岸（m）", "To shore (m)"),
    "field.in_lake": ("在湖内", "In the lake"),
    "field.in_ban_zone": ("在1公里禁投区内", "In 1 km ban zone"),
    "field.in_nofish_zone": ("在禁捕区内", "In no-fishing zone"),
    "field.nearest_section": ("最近断面", "Nearest section"),
    "field.section_distance_m": ("距断面（m）", "To section (m)"),
    "field.zone_class": ("分区", "Zone"),
    "field.geometry_provisional": ("依据暂定几何", "Rests on provisional geometry"),
    "field.coord_suspect": ("坐标存疑", "Suspect coordinate"),
    "field.flags": ("质检标记", "QA flags"),
    "zone.lake": ("湖内", "in the lake"),
    "zone.nofish": ("断面禁捕区内", "in a no-fishing zone"),
    "zone.ban": ("1公里禁投区内", "in the 1 km ban zone"),
    "zone.outside": ("1公里禁投区外", "outside the 1 km zone"),
    # --- map ---------------------------------------------------------------
    "map.legend": ("图例", "Legend"),
    "map.legend.suspect": ("坐标存疑（虚线边）", "suspect coordinate (dashed ring)"),
    "map.legend.verified": ("坐标已现场核实（绿色粗边）", "position verified on site (thick green ring)"),
    "map.legend.shared": (
        "多塘共用一个坐标点（黑边，环形错开显示）",
        "ponds sharing one point (black ring, fanned out)",
    ),
    "map.legend.provisional": (
        "湖泊轮廓与断面位置为暂定示意，非实测",
        "lake outline and section position are provisional placeholders, not surveyed",
    ),
    "map.banner.provisional": (
        "暂定：冶湖轮廓与省控断面位置均为占位示意（实际位置未知），分区结果仅供参考。",
        "Provisional: the lake outline and the section point are placeholders (real positions unknown);"
        " zone results are indicative only.",
    ),
    "map.banner.short": ("暂定示意：湖泊轮廓与断面位置未经核实", "Provisional: lake outline and section unverified"),
    "map.layer.lake": ("冶湖轮廓", "Lake outline"),
    "map.layer.ban": ("1公里禁投区", "1 km ban zone"),
    "map.layer.nofish": ("省控断面及禁捕区", "Sections and no-fishing zones"),
    "map.layer.ponds": ("精养鱼池", "Fish ponds"),
    "map.layer.cases": ("进行中的溯源案件", "Open source-tracing cases"),
    "map.case_tip": ("{site} 点位：{n} 个进行中的溯源案件", "Site {site}: {n} open source-tracing case(s)"),
    "map.name": ("名称", "Name"),
    "map.source": ("来源", "Source"),
    "map.notes": ("说明", "Notes"),
    "map.pond": ("鱼池", "Pond"),
    "map.shared_point": (
        "{ponds}号塘的共同坐标点（原文如此）；各塘在周围错开显示",
        "the one point printed for ponds {ponds}; each pond is drawn around it",
    ),
    "map.selected": ("已选中", "Selected"),
    "value.provisional_short": ("暂定", "provisional"),
    "field.status": ("退养状态", "Retirement status"),
    "status.not_started": ("未退养", "not started"),
    "status.in_progress": ("退养中", "in progress"),
    "status.retired": ("已退养销号", "retired and closed out"),
    "basemap.none": ("无底图（离线）", "No basemap (offline)"),
    "basemap.tianditu_vec": ("天地图 矢量", "Tianditu vector"),
    "basemap.tianditu_img": ("天地图 影像", "Tianditu imagery"),
    "basemap.gaode": ("高德地图（GCJ-02）", "Gaode (GCJ-02)"),
    "basemap.osm": ("OpenStreetMap", "OpenStreetMap"),
    "map.basemap": ("底图", "Basemap"),
    "map.tianditu_no_key": (
        "未配置天地图密钥（环境变量 TIANDITU_KEY 或 secrets 中的 tianditu_key），已改用无底图。",
        "No Tianditu key (TIANDITU_KEY or tianditu_key in secrets): showing no basemap.",
    ),
    "map.basemap_online": (
        "在线底图需要访问互联网；无法加载时地图的其他图层不受影响。",
        "Online basemaps need the internet; if tiles cannot load, the other layers still draw.",
    ),
    "map.gcj_note": (
        "高德底图使用 GCJ-02 坐标，所有图层已相应偏移（约 640 m）。",
        "Gaode uses GCJ-02: every layer is shifted to match it (about 640 m).",
    ),
    "map.details": ("鱼池详情", "Pond details"),
    "map.pick": ("选择鱼池", "Choose a pond"),
    "map.pick_hint": ("点击地图上的鱼池，或在此选择。", "Click a pond on the map, or choose it here."),
    "map.none": ("—", "—"),
    "map.far_list": ("坐标远离冶湖的鱼池", "Ponds printed far from the lake"),
    "map.far_hint": (
        "这些鱼池按原文坐标绘制，位于默认视图之外。点击可跳转。",
        "These ponds are drawn where printed, outside the default view. Click to jump there.",
    ),
    "map.jump": ("定位 {pid}号 {farm}（{km:.0f} km）", "Go to No. {pid} {farm} ({km:.0f} km)"),
    "map.reset_view": ("回到冶湖", "Back to the lake"),
    "map.show_all": ("显示全部鱼池（含远处）", "Show all ponds (far ones too)"),
    "map.table": ("鱼池一览", "All ponds"),
    "map.filter.town": ("镇", "Town"),
    "map.filter.zone": ("分区", "Zone"),
    "map.filter.flag": ("质检", "QA"),
    "map.flag.all": ("全部", "all"),
    "map.flag.suspect": ("坐标存疑", "suspect coordinate"),
    "map.flag.noted": ("有标记", "any flag"),
    "map.flag.clean": ("无标记", "no flag"),
    "map.table_hint": ("选中表格中的一行即在地图上选中该鱼池。", "Select a row to select the pond on the map."),
    "map.register": ("名录信息", "Register"),
    "map.classification": ("分区结果", "Classification"),
    "map.qa": ("坐标质检", "Coordinate QA"),
    "map.qa_none": ("无质检标记。", "No QA flag."),
    "map.hypotheses": ("可能的笔误（待现场核实）", "Possible typos (check on site)"),
    "map.area_help": ("1 亩 = 2000/3 m² ≈ 666.67 m²", "1 mu = 2000/3 m² ≈ 666.67 m²"),
    "map.count": ("显示 {n} / {total} 个鱼池", "Showing {n} of {total} ponds"),
    "map.field": ("字段", "Field"),
    "map.value": ("值", "Value"),
    # --- accounts and permissions -------------------------------------------
    "page.login": ("登录", "Log in"),
    "page.account": ("我的账户", "My account"),
    "role.viewer": ("查看", "viewer"),
    "role.inspector": ("巡查员", "inspector"),
    "role.leader": ("领导", "leader"),
    "role.admin": ("管理员", "administrator"),
    "role.anonymous": ("未登录", "not logged in"),
    "auth.username": ("用户名", "Username"),
    "auth.password": ("密码", "Password"),
    "auth.login": ("登录", "Log in"),
    "auth.logout": ("退出登录", "Log out"),
    "auth.signed_in": ("已登录：**{name}**（{role}）", "Logged in: **{name}** ({role})"),
    "auth.bad_login": ("用户名或密码错误。", "Wrong username or password."),
    "auth.locked": (
        "登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试。",
        "Too many failed logins: locked, try again in {minutes} min.",
    ),
    "auth.ended": (
        "会话已结束（超时或已退出），请重新登录。",
        "Your session ended (idle or logged out); log in again.",
    ),
    "auth.no_users": (
        "尚无账户。请在服务器上创建第一个管理员：python -m monitoring users create --role admin 用户名",
        "No accounts yet. Create the first administrator on the server: "
        "python -m monitoring users create --role admin NAME",
    ),
    "auth.public_map": ("未登录也可查看地图（只读）。", "The map can be viewed without logging in (read-only)."),
    "auth.denied": ("您的角色（{role}）不能{action}。", "Your role ({role}) may not {action}."),
    "auth.read_only": (
        "您的角色（{role}）在此页只读：不能{actions}。",
        "Your role ({role}) is read-only here: it may not {actions}.",
    ),
    "auth.change_password": ("修改密码", "Change password"),
    "auth.old_password": ("当前密码", "Current password"),
    "auth.new_password": ("新密码（至少 10 个字符）", "New password (at least 10 characters)"),
    "auth.new_password2": ("再次输入新密码", "New password again"),
    "auth.password_changed": ("密码已修改。", "Password changed."),
    "auth.mismatch": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "auth.error": ("{error}", "{error}"),
    "action.sample.add": ("录入样品", "enter samples"),
    "action.sample.correct": ("更正或撤回样品", "correct or retract samples"),
    "action.sample.retract": ("撤回样品", "retract samples"),
    "action.sample.import": ("批量导入样品", "import samples"),
    "action.case.update": ("处理溯源案件", "work on tracing cases"),
    "action.case.close": ("关闭溯源案件", "close tracing cases"),
    "action.patrol.add": ("登记巡查", "log patrols"),
    "action.patrol.case": ("处理巡查案件", "work on patrol cases"),
    "action.tip.add": ("登记举报", "take in tips"),
    "action.tip.update": ("处理举报", "work on tips"),
    "action.ledger.record": ("登记退养步骤", "record retirement steps"),
    "action.ledger.void": ("作废台账记录", "void ledger entries"),
    "action.site.add": ("新增监测点", "add sites"),
    "action.register.load": ("载入鱼池名录", "load the register"),
    "action.register.correct": ("更正名录", "correct the register"),
    "action.register.verify": ("登记现场核实坐标", "record field-verified positions"),
    "action.boundary.upload": ("上传边界", "upload boundaries"),
    "action.demo.load": ("载入演示数据", "load demo data"),
    "action.demo.remove": ("删除演示数据", "remove demo data"),
    "action.user.create": ("创建账户", "create accounts"),
    "action.user.update": ("修改账户", "change accounts"),
    # --- admin page ---------------------------------------------------------
    "adm.tab.users": ("账户", "Accounts"),
    "adm.tab.audit": ("审计记录", "Audit trail"),
    "adm.tab.register": ("名录更正与核实", "Register corrections"),
    "adm.tab.boundaries": ("边界", "Boundaries"),
    "adm.tab.demo": ("演示数据", "Demo data"),
    "adm.display_name": ("姓名", "Full name"),
    "adm.role": ("角色", "Role"),
    "adm.active": ("启用", "Active"),
    "adm.updated": ("更新时间", "Updated"),
    "adm.updated_by": ("更新人", "Updated by"),
    "adm.new_user": ("新建账户", "New account"),
    "adm.create": ("创建", "Create"),
    "adm.created": ("已创建账户 {name}。", "Account {name} created."),
    "adm.edit_user": ("修改账户", "Change an account"),
    "adm.state": ("状态", "State"),
    "adm.state.keep": ("不变", "unchanged"),
    "adm.state.enable": ("启用", "enable"),
    "adm.state.disable": ("停用", "disable"),
    "adm.reset_password": ("重置密码（留空则不变）", "Reset password (blank: unchanged)"),
    "adm.apply": ("保存", "Save"),
    "adm.updated_ok": ("已更新账户 {name}。", "Account {name} updated."),
    "adm.audit_help": (
        "每次数据变更都记录一条审计（谁、何时、操作、对象、变更前后），审计记录不可修改或删除。",
        "Every change writes one audit row (who, when, action, entity, before, after); audit rows are never changed.",
    ),
    "adm.actor": ("操作人", "Who"),
    "adm.action": ("操作", "Action"),
    "adm.action_help": (
        "完整名称（如 sample.add），或以“.”结尾的前缀（如 sample.）",
        "Full name (e.g. sample.add) or a prefix ending in '.' (e.g. sample.)",
    ),
    "adm.entity": ("对象", "Entity"),
    "adm.entity_id": ("对象编号", "Entity id"),
    "adm.dates": ("日期范围", "Dates"),
    "adm.when": ("时间", "When"),
    "adm.before": ("变更前", "Before"),
    "adm.after": ("变更后", "After"),
    "adm.audit_count": ("{n} 条记录（最多显示 5000 条）", "{n} rows (at most 5,000 shown)"),
    "adm.audit_csv": ("下载 CSV", "Download CSV"),
    "adm.register_help": (
        "原表（临政办发〔2022〕9号附件）数值始终保留；更正与现场核实另行记录，并写入审计。",
        "The printed values (the plan's attachment) are always kept; corrections and field checks are recorded "
        "separately, with an audit row.",
    ),
    "adm.pond": ("鱼池", "Pond"),
    "adm.field": ("字段", "Field"),
    "adm.seed": ("原表", "As printed"),
    "adm.current": ("当前", "Current"),
    "adm.coord": ("坐标", "Coordinate"),
    "adm.uses": ("用途及面积", "Uses with areas"),
    "adm.area": ("水面面积（亩）", "Water area (mu)"),
    "adm.coord_status": ("坐标状态", "Position"),
    "adm.verified_by": ("已现场核实（{by}，{on}）", "verified on site ({by}, {on})"),
    "adm.provisional": ("暂定", "provisional"),
    "adm.not_provisional": ("已核实", "verified"),
    "adm.correct": ("更正（案头）", "Correct (desk)"),
    "adm.coord_help": ("任意支持的写法，如 E113.4229 N29.6532", "Any accepted notation, e.g. E113.4229 N29.6532"),
    "adm.uses_help": (
        "如 精养虾30亩;精养鱼池16亩（面积为各项之和）",
        "e.g. 精养虾30亩;精养鱼池16亩 (the area is their sum)",
    ),
    "adm.reason": ("依据 / 原因", "Reason / source"),
    "adm.save_correction": ("保存更正", "Save correction"),
    "adm.verify": ("现场核实（GPS）", "Field check (GPS)"),
    "adm.gps": ("GPS 坐标", "GPS position"),
    "adm.gps_by": ("核实人", "Checked by"),
    "adm.gps_on": ("核实日期", "Checked on"),
    "adm.note": ("备注", "Note"),
    "adm.save_verification": ("保存核实", "Save field check"),
    "adm.saved": ("已保存。", "Saved."),
    "adm.edit_history": ("更正与核实记录", "Corrections and field checks"),
    "adm.no_edits": ("无（使用原表数值）。", "None (the printed values are in use)."),
    "adm.kind": ("类型", "Kind"),
    "adm.kind.correct": ("更正", "correction"),
    "adm.kind.verify": ("现场核实", "field check"),
    "adm.changes": ("新值", "New values"),
    "adm.bounds_help": (
        "上传新的湖体边界或断面点（{exts}，不超过 {mb} MB）。上传后立即启用，旧版本保留。",
        "Upload a new lake outline or section points ({exts}, at most {mb} MB). It is used at once; earlier "
        "versions are kept.",
    ),
    "adm.layer": ("图层", "Layer"),
    "adm.layer.lake": ("湖体边界", "lake outline"),
    "adm.layer.sections": ("断面点", "section points"),
    "adm.layer_in_use": ("当前{kind}：{file}，{n} 个要素，{state}", "In use, {kind}: {file}, {n} feature(s), {state}"),
    "adm.file": ("文件", "File"),
    "adm.upload": ("上传", "Upload"),
    "adm.no_file": ("请选择文件。", "Choose a file."),
    "adm.uploaded": ("已保存为第 {id} 版并启用。", "Stored as version {id} and in use."),
    "adm.no_versions": (
        "尚无上传版本（使用 data/boundaries/ 中的文件）。",
        "No uploads yet (the files in data/boundaries/ are in use).",
    ),
    "adm.features": ("要素数", "Features"),
    "adm.warnings": ("载入提示", "Load notes"),
    "adm.download_version": ("下载版本", "Download version"),
    "adm.download": ("下载", "Download"),
    "adm.demo_help": (
        "演示数据为合成数据，全程标注，可随时删除；真实数据不受影响。",
        "Demo data is synthetic, labelled everywhere and removable at any time; real data is never touched.",
    ),
    "adm.demo_load": ("载入演示数据", "Load demo data"),
    "adm.demo_remove": ("删除演示数据", "Remove demo data"),
    "adm.demo_loaded": ("已载入 {n} 条合成样品。", "{n} synthetic samples loaded."),
    "adm.demo_removed": ("已删除 {n} 条合成样品。", "{n} synthetic samples removed."),
    # --- samples ---------------------------------------------------------
    "s.demo_banner": (
        "数据库中含有演示数据（合成，非实测）。删除：python -m monitoring demo-data --remove",
        "The database holds synthetic demo data (not measurements). Remove: python -m monitoring demo-data --remove",
    ),
    "s.operator": ("录入人", "Entered by"),
    "s.tab.entry": ("录入", "Entry"),
    "s.tab.import": ("批量导入", "Import"),
    "s.tab.weekly": ("每周达标", "Weekly"),
    "s.tab.tracing": ("异常溯源", "Source tracing"),
    "s.tab.history": ("历史与图表", "History & charts"),
    "s.site": ("点位", "Site"),
    "s.site_help": (
        "鱼池点位编号即名录序号；在地图页点选的鱼池会预先选中。",
        "Pond sites use the register number; a pond picked on the map is preselected.",
    ),
    "s.date": ("采样日期", "Sampling date"),
    "s.time": ("采样时间（北京时间）", "Sampling time (Asia/Shanghai)"),
    "s.parameter": ("指标", "Parameter"),
    "s.value": ("结果", "Result"),
    "s.value_help": (
        "如 0.15、<0.01、0.01L、ND（需填检出限）",
        "e.g. 0.15, <0.01, 0.01L, ND (needs a detection limit)",
    ),
    "s.unit": ("单位", "Unit"),
    "s.dl": ("检出限（可选）", "Detection limit (optional)"),
    "s.kind": ("样品类型", "Sample kind"),
    "s.qc": ("质控类型", "QC type"),
    "s.method": ("分析方法", "Method"),
    "s.lab": ("实验室", "Laboratory"),
    "s.inspector": ("采样人", "Inspector"),
    "s.notes": ("备注", "Notes"),
    "s.save": ("保存", "Save"),
    "s.saved": ("已保存：{site} 点位 {when} {value}", "Saved: site {site} {when} {value}"),
    "s.case_opened": ("超标：已自动建立溯源案件。", "Exceedance: a source-tracing case was opened."),
    "s.error": ("未保存：{field} = {value}：{reason}", "Not saved: {field} = {value}: {reason}"),
    "s.history_of": ("{site} 点位的样品", "Samples at site {site}"),
    "s.no_samples": ("暂无样品。", "No samples yet."),
    "s.upload": ("上传 CSV 或 XLSX（UTF-8 或 GBK）", "Upload CSV or XLSX (UTF-8 or GBK)"),
    "s.upload_help": (
        "表头可用中文或英文，如 塘号/点位、采样时间、总磷(mg/L)、检出限、采样人、备注。整份文件要么全部导入，要么全部不导入。",
        "Chinese or English headers, e.g. 塘号/site, 采样时间/date, 总磷(mg/L)/value, 检出限, 采样人, 备注."
        " A file is imported completely or not at all.",
    ),
    "s.import": ("导入", "Import"),
    "s.import_ok": (
        "已导入 {n} 条样品，新建溯源案件 {cases} 个。",
        "Imported {n} samples; {cases} tracing case(s) opened.",
    ),
    "s.import_again": ("该文件已导入过，未写入任何新数据。", "This file was imported before; nothing new was written."),
    "s.import_rejected": (
        "文件被拒绝，未写入任何数据。共 {n} 处问题：",
        "File rejected, nothing written. {n} problem(s):",
    ),
    "s.import_failed": ("无法读取文件：{error}", "Cannot read the file: {error}"),
    "s.row": ("行", "Row"),
    "s.column": ("列", "Column"),
    "s.reason": ("原因", "Reason"),
    "s.week": ("周（ISO，周一至周日，北京时间）", "Week (ISO, Monday-Sunday, Asia/Shanghai)"),
    "s.weeks_shown": ("显示周数", "Weeks shown"),
    "s.grid": ("达标网格（点位 × 周）", "Compliance grid (sites × weeks)"),
    "s.exceedances": ("本周超标", "Exceedances this week"),
    "s.missing": ("本周未采样", "Not sampled this week"),
    "s.none": ("无", "None"),
    "s.summary": (
        "本周应采 {due} 个点位，已采 {sampled} 个，超标 {exceeds} 个，无法判定 {ind} 个。",
        "{due} sites due this week, {sampled} sampled, {exceeds} exceeding, {ind} indeterminate.",
    ),
    "status.compliant": ("达标", "compliant"),
    "status.exceeds": ("超标", "exceeds"),
    "status.indeterminate": ("无法判定（检出限高于限值）", "indeterminate (detection limit above the limit)"),
    "status.missing": ("未采样", "not sampled"),
    "status.no_limit": ("无适用限值", "no limit in force"),
    "s.limit": ("限值（mg/L）", "Limit (mg/L)"),
    "s.status": ("达标情况", "Compliance"),
    "s.max": ("最大值（mg/L）", "Maximum (mg/L)"),
    "s.n": ("样品数", "Samples"),
    "s.grade": ("水质类别", "Class"),
    "s.cases_open": ("进行中的溯源案件", "Open tracing cases"),
    "s.cases_closed": ("已结案", "Closed cases"),
    "s.case": ("案件", "Case"),
    "s.case_pick": ("选择案件", "Choose a case"),
    "s.candidates": (
        "可能来源（{km:g} km 内鱼池，由近及远）",
        "Candidate sources (ponds within {km:g} km, nearest first)",
    ),
    "s.distance": ("距点位（m）", "Distance to the site (m)"),
    "s.findings": ("排查情况", "Findings"),
    "s.action": ("处理措施", "Action taken"),
    "s.unit_resp": ("责任单位", "Responsible unit"),
    "s.deadline": ("整改期限", "Deadline"),
    "s.case_save": ("保存案件", "Save case"),
    "s.case_close": ("结案（需该点位后续达标样品）", "Close (needs a later compliant sample at the site)"),
    "s.case_saved": ("案件已更新。", "Case updated."),
    "s.case_closed": ("已结案。", "Case closed."),
    "s.no_cases": ("无进行中的溯源案件。", "No open tracing case."),
    "s.chart_site": ("点位", "Site"),
    "s.censored_note": (
        "空心点为低于检出限的结果（按检出限绘制）；红线为限值。",
        "Hollow points are below the detection limit (drawn at the limit); the red line is the limit.",
    ),
    "s.versions": ("版本", "Version"),
    "s.correct": ("更正或撤回", "Correct or retract"),
    "s.sample_pick": ("选择样品", "Choose a sample"),
    "s.new_value": ("更正后的结果", "Corrected result"),
    "s.change_reason": ("原因（必填）", "Reason (required)"),
    "s.do_correct": ("保存更正", "Save correction"),
    "s.do_retract": ("撤回该样品", "Retract this sample"),
    "s.corrected": (
        "已保存为第 {v} 版，原记录保留在历史中。",
        "Saved as version {v}; the earlier version stays in the history.",
    ),
    "kind.tail_water": ("塘口尾水", "pond tail water"),
    "kind.lake": ("湖水", "lake water"),
    "kind.inlet": ("进水", "inlet"),
    "kind.other": ("其他", "other"),
    "qc.regular": ("常规", "regular"),
    "qc.field_duplicate": ("现场平行样", "field duplicate"),
    "qc.blank": ("空白", "blank"),
    # --- retirement ledger ---------------------------------------------
    "r.grid": ("退养台账（鱼池 × 步骤）", "Retirement ledger (ponds × steps)"),
    "r.done": ("✓ {date}", "✓ {date}"),
    "r.overdue": ("逾期 {days} 天", "{days} days overdue"),
    "r.pending": ("待办（期限 {date}）", "to do (by {date})"),
    "r.ongoing": ("持续推进", "ongoing"),
    "r.pond": ("鱼池", "Pond"),
    "r.record": ("记录完成的步骤", "Record a completed step"),
    "r.step": ("步骤", "Step"),
    "r.date": ("完成日期", "Date done"),
    "r.unit": ("责任单位（默认按方案）", "Responsible unit (default from the plan)"),
    "r.note": ("说明", "Note"),
    "r.doc": ("文号", "Document number"),
    "r.photo": ("照片（JPEG/PNG，≤5 MB）", "Photo (JPEG/PNG, ≤ 5 MB)"),
    "r.save": ("记录", "Record"),
    "r.saved": ("已记录。", "Recorded."),
    "r.refused": ("未记录：{reason}", "Not recorded: {reason}"),
    "r.events": ("该鱼池的台账记录（只增不改）", "This pond's ledger entries (append-only)"),
    "r.void": ("撤销一条记录（保留原记录）", "Cancel an entry (the original is kept)"),
    "r.void_pick": ("要撤销的记录", "Entry to cancel"),
    "r.reason": ("原因（必填）", "Reason (required)"),
    "r.do_void": ("撤销", "Cancel entry"),
    "r.voided": ("已撤销。", "Cancelled."),
    "r.kind.done": ("完成", "done"),
    "r.kind.void": ("撤销", "cancelled"),
    "r.no_events": ("暂无记录。", "No entries yet."),
    "r.duties": ("责任分工", "Responsibilities"),
    "r.duty_unit": ("单位", "Unit"),
    "r.duty_text": ("职责（方案 三、责任分工）", "Duties (plan, section 3)"),
    "r.duty_steps": ("负责的退养步骤", "Retirement steps owned"),
    "r.duty_open": ("未完成事项", "Open items"),
    "r.duty_overdue": ("其中逾期", "of which overdue"),
    "r.duty_cases": ("溯源案件", "Tracing cases"),
    "r.show_photo": ("查看照片", "Show photo"),
    "r.tab.ledger": ("退养台账", "Retirement ledger"),
    "r.tab.patrols": ("日常巡查", "Patrols"),
    "r.tab.tips": ("有奖举报", "Public tips"),
    "p.new": ("新增巡查记录", "New patrol"),
    "p.date": ("巡查日期", "Patrol date"),
    "p.inspectors": ("巡查人员", "Inspectors"),
    "p.ponds": ("巡查鱼池", "Ponds visited"),
    "p.ponds_help": ("在地图页点选的鱼池会预先选中。", "The pond picked on the map is preselected."),
    "p.area": ("巡查区域（文字）", "Area visited (in words)"),
    "p.findings": ("发现问题", "Findings"),
    "p.f.feeding": ("发现投饵", "feeding seen"),
    "p.f.fertiliser_drugs": ("投肥或施药", "fertiliser or drug use"),
    "p.f.fry_stocking": ("投放鱼苗", "fry stocking"),
    "p.f.dead_fish": ("发现死鱼", "dead fish found"),
    "p.f.fishing_nofish": ("禁捕区内垂钓捕捞", "fishing inside a no-fishing zone"),
    "p.f.other": ("其他", "other"),
    "p.disposal": ("死鱼无害化处理方式", "How dead fish were disposed of"),
    "p.open_case": ("立案跟踪（需有发现问题）", "Open a case for the findings"),
    "p.list": ("巡查记录", "Patrol log"),
    "p.case": ("案件", "Case"),
    "p.case.none": ("—", "—"),
    "p.case.open": ("进行中", "open"),
    "p.case.closed": ("已结案", "closed"),
    "p.case_pick": ("选择巡查案件", "Choose a patrol case"),
    "p.close": ("结案（需填写处理措施）", "Close (needs the action taken)"),
    "t.new": ("受理举报", "Take in a tip"),
    "t.date": ("受理日期", "Date received"),
    "t.what": ("举报内容", "What was seen"),
    "t.location": ("位置（坐标）", "Location (coordinates)"),
    "t.location_help": (
        "可填 E113.4136 N29.6635、113.4136, 29.6635、东经113°24′49″ 北纬29°39′49″ 等；或先在地图页点击位置。",
        "E113.4136 N29.6635, 113.4136, 29.6635, 113°24′49″E 29°39′49″N …; or click the place on the map first.",
    ),
    "t.map_point": (
        "已带入地图点击位置：{lon:.6f}, {lat:.6f}",
        "Using the point clicked on the map: {lon:.6f}, {lat:.6f}",
    ),
    "t.contact": ("联系方式（可选）", "Contact (optional)"),
    "t.saved": (
        "已受理。在1公里禁投区内：{ban}；在禁捕区内：{nofish}；最近鱼池 {pond}号（{m:,.0f} m）。",
        "Received. In the 1 km ban zone: {ban}; in a no-fishing zone: {nofish}; nearest pond No. {pond} ({m:,.0f} m).",
    ),
    "t.list": ("举报记录", "Tips"),
    "t.nearest": ("最近鱼池", "Nearest pond"),
    "t.reward": ("奖励（元）", "Reward (yuan)"),
    "t.reward_grant": ("发放奖励", "Grant a reward"),
    "t.amount": ("奖励金额（元）", "Reward amount (yuan)"),
    "t.pick": ("选择举报", "Choose a tip"),
    "t.s.received": ("已受理", "received"),
    "t.s.verified": ("查证属实", "verified"),
    "t.s.unfounded": ("查无实据", "unfounded"),
    "t.s.resolved": ("已处理", "resolved"),
    # --- dashboard -------------------------------------------------------
    "d.retired": ("已退养销号", "Retired & closed out"),
    "d.area": ("退养面积（亩）", "Area retired (mu)"),
    "d.overdue": ("逾期事项", "Overdue items"),
    "d.sampled": ("本周已采样点位", "Sites sampled this week"),
    "d.exceed": ("本周超标", "Exceedances this week"),
    "d.cases": ("进行中的溯源案件", "Open tracing cases"),
    "d.by_town": ("按镇", "By town"),
    "d.by_step": ("按步骤", "By step"),
    "d.overdue_list": ("逾期清单", "Overdue list"),
    "d.none_overdue": ("无逾期事项。", "Nothing overdue."),
    "d.cumulative": ("累计退养销号", "Ponds retired over time"),
    "d.lake": ("湖体水质（最新）", "Lake water (latest)"),
    "d.lake_line": (
        "{site}：{grade} 类（目标 {target} 类），{when}",
        "{site}: class {grade} (target {target}), {when}",
    ),
    "d.lake_none": ("{site}：暂无数据", "{site}: no data yet"),
    "d.open": ("查看", "Open"),
    "d.exports": ("导出", "Exports"),
    "d.xlsx": ("台账 XLSX", "Ledger XLSX"),
    "d.days": ("逾期天数", "Days overdue"),
    "d.deadline": ("期限", "Deadline"),
    "d.done_of": ("完成/总数", "Done / total"),
    # --- QA --------------------------------------------------------------
    "qa.far.lake": (
        "距冶湖轮廓 {km:.1f} km，超过 {limit_km:g} km 阈值",
        "{km:.1f} km from the lake outline, beyond the {limit_km:g} km threshold",
    ),
    "qa.far.median": (
        "距全部鱼池中位点 {km:.1f} km，超过 {limit_km:g} km 阈值",
        "{km:.1f} km from the median of all ponds, beyond the {limit_km:g} km threshold",
    ),
    "qa.far.mates": (
        "；同村（{village}）{mates}号塘在 {mates_km:.1f} km 外",
        "; the other pond(s) of {village} (No. {mates}) are {mates_km:.1f} km away",
    ),
    "qa.shared_point": (
        "{ponds}号塘共用同一坐标点（代表点，非各塘位置）",
        "ponds {ponds} share one point (a representative point, not each pond's position)",
    ),
    "qa.outside_china": ("坐标在中国境外（{lon:g}, {lat:g}）", "outside China ({lon:g}, {lat:g})"),
    "qa.verified": (
        "坐标已现场核实（GPS，{by}，{on}）；原表坐标：{seed}",
        "position verified on site (GPS, {by}, {on}); printed coordinate: {seed}",
    ),
    "qa.corrected": (
        "坐标已更正（未经现场核实）；原表坐标：{seed}",
        "coordinate corrected (not yet verified on site); printed coordinate: {seed}",
    ),
    "qa.area_corrected": ("面积/用途已更正；原表：{seed}", "area or uses corrected; as printed: {seed}"),
    "qa.run_together": (
        "原文 E 与 N 之间无空格（{text}），仅作记录",
        "printed with no space between E and N ({text}); noted only",
    ),
    "qa.hypothesis": (
        "若第 {pos} 个字符 {old}→{new}：{text}，距参照 {km:.1f} km",
        "if character {pos} were {new} instead of {old}: {text}, {km:.1f} km from the reference",
    ),
    "qa.no_hypothesis": (
        "改动单个字符都无法使其落在同村其他鱼池 {km:g} km 以内",
        "no single-character change puts it within {km:g} km of its village's other ponds",
    ),
    "qa.suspect": ("存疑", "suspect"),
    "qa.note": ("说明", "note"),
    "qa.hint": (
        "以上为待现场核实的猜测，系统未做任何修改。",
        "These are guesses to check on site; nothing has been changed.",
    ),
    # --- errors (i18n/errors.py: every UserError code is error.<code>) -------------
    "error.unexpected": (
        "出现意外错误（事件编号 {incident}），详情已记入服务器日志。",
        "Something went wrong (incident {incident}). The details are in the server log.",
    ),
    "error.at_row": ("第 {row} 行", "row {row}"),
    "error.quoted_value": ("“{value}”", "'{value}'"),
    "error.where_sep": ("，", ", "),
    "error.where_why": ("{where}：{why}", "{where}: {why}"),
    # --- command line ------------------------------------------------------
    "cli.register": ("鱼池名录：{path}，{n} 个鱼池，合计 {mu:g} 亩", "Register: {path}, {n} ponds, {mu:g} mu in all"),
    "cli.boundary": ("{kind}：{path}，{n} 个要素，{prov}", "{kind}: {path}, {n} feature(s), {prov}"),
    "cli.kind.lake": ("湖泊轮廓", "Lake outline"),
    "cli.kind.sections": ("省控断面监测点", "Section points"),
    "cli.provisional": ("暂定（{source}）", "provisional ({source})"),
    "cli.verified": ("已核实", "verified"),
    "cli.warning": ("  注意：{text}", "  warning: {text}"),
    "cli.suspect_header": ("坐标存疑的鱼池（{n} 个）：", "Ponds with a suspect coordinate ({n}):"),
    "cli.note_header": ("其他说明：", "Other notes:"),
    "cli.pond": ("  {pid}号 {farm}（{village}）{coord}", "  No. {pid} {farm} ({village}) {coord}"),
    "cli.load_failed": ("加载失败：{error}", "Failed to load: {error}"),
    "cli.ok": (
        "检查完成：数据可加载，{n} 个鱼池坐标存疑。",
        "Check done: data loads, {n} pond(s) with a suspect coordinate.",
    ),
    "cli.provisional_footer": (
        "分类依据暂定几何（湖泊轮廓和断面位置均为占位示意），结果仅供参考。",
        "Classification rests on provisional geometry (placeholder lake and section); indicative only.",
    ),
}


def t(key: str, lang: str = "zh", /, **params) -> str:
    """Translate and format one message.

    Parameters
    ----------
    key : str
        Catalogue key.
    lang : {'zh', 'en'}
        Language.
    **params
        Values for the message's placeholders.

    Returns
    -------
    str

    Examples
    --------
    >>> t("page.map", "en")
    'Map'
    >>> t("qa.outside_china", "zh", lon=-1.0, lat=2.0)
    '坐标在中国境外（-1, 2）'
    """
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    text = MESSAGES[key][LANGS.index(lang)]
    return text.format(**params) if params else text


def _ids(ids, lang):
    return ("、" if lang == "zh" else ", ").join(str(i) for i in ids)


def describe_flag(flag, lang: str = "zh") -> str:
    """Render a :class:`geo.qa.Flag` as a sentence.

    Parameters
    ----------
    flag : geo.qa.Flag
    lang : {'zh', 'en'}

    Returns
    -------
    str
    """
    p = flag.params
    if flag.code == "far":
        text = t(f"qa.far.{p['reference']}", lang, km=p["distance_m"] / 1000, limit_km=p["threshold_m"] / 1000)
        if "mates" in p:
            text += t(
                "qa.far.mates",
                lang,
                village=p["village"],
                mates=_ids(p["mates"], lang),
                mates_km=p["mates_distance_m"] / 1000,
            )
        return text
    if flag.code == "shared_point":
        return t("qa.shared_point", lang, ponds=_ids(p["ponds"], lang))
    return t(f"qa.{flag.code}", lang, **p)


def describe_hypothesis(h, lang: str = "zh") -> str:
    """Render a :class:`geo.qa.Hypothesis` as a sentence.

    Parameters
    ----------
    h : geo.qa.Hypothesis
    lang : {'zh', 'en'}

    Returns
    -------
    str
    """
    return t("qa.hypothesis", lang, pos=h.position + 1, old=h.old, new=h.new, text=h.text, km=h.distance_m / 1000)
