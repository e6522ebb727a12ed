"""Plan workbench: the draft rules on small texts (lists, short forms, quotes, status, location)."""

from __future__ import annotations

import re

import pytest

from geo_app.workbench.draft import draft_plan
from geo_app.workbench.gazetteer import build_gazetteer

LINXIA, ZHANGYE = 622900, 620700
LINXIA_COUNTY, KANGLE, YONGJING, GUANGHE, HEZHENG, DONGXIANG = 622921, 622922, 622923, 622924, 622925, 622926
GANZHOU, SHANDAN = 620702, 620725


def _ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


def draft(text: str, region: int = LINXIA):
    return draft_plan(text, [region], "t").items


def by_name(items):
    return {it.name_zh: it for it in items}


@pytest.fixture(scope="module")
def linxia_gazetteer():
    return build_gazetteer([LINXIA])


# ---------------------------------------------------------------- places


def test_short_forms_and_bare_stems(linxia_gazetteer):
    gaz = linxia_gazetteer
    assert gaz.county_codes(gaz.scan("东乡县")) == [DONGXIANG]
    assert gaz.county_codes(gaz.scan("东乡族自治县")) == [DONGXIANG]
    assert gaz.county_codes(gaz.scan("以和政、康乐为重点")) == [HEZHENG, KANGLE]
    assert gaz.county_codes(gaz.scan("积石山保安族东乡族撒拉族自治县")) == [622927]  # not also 东乡


def test_prefecture_short_form_is_the_region_not_a_county(linxia_gazetteer):
    gaz = linxia_gazetteer
    mentions = gaz.scan("临夏州")
    assert [m.place.level for m in mentions] == ["prefecture"]
    assert gaz.county_codes(mentions) == []


def test_ambiguous_stem_resolves_to_no_county(linxia_gazetteer):
    gaz = linxia_gazetteer
    mentions = gaz.scan("在临夏设立分支机构")
    assert len(mentions) == 1 and mentions[0].place is None
    assert {p.name_zh for p in mentions[0].candidates} >= {"临夏回族自治州", "临夏市", "临夏县"}
    assert gaz.county_codes(gaz.scan("临夏县和临夏市")) == [LINXIA_COUNTY, 622901]


def test_zhangye_short_forms():
    gaz = build_gazetteer([ZHANGYE])
    assert gaz.county_codes(gaz.scan("甘州区")) == [GANZHOU]
    assert gaz.county_codes(gaz.scan("甘州、山丹两地")) == [GANZHOU, SHANDAN]


# ---------------------------------------------------------------- lists


def test_county_list_shares_the_head():
    text = "将临夏县、康乐县、永靖县、广河县省级农业科技园区建设为推广新技术高地、试验新品种基地。"
    items = draft(text)
    assert [it.name_zh for it in items] == [
        "临夏县省级农业科技园区",
        "康乐县省级农业科技园区",
        "永靖县省级农业科技园区",
        "广河县省级农业科技园区",
    ]
    assert [it.counties for it in items] == [[LINXIA_COUNTY], [KANGLE], [YONGJING], [GUANGHE]]
    assert {it.category for it in items} == {"agri_park"}
    assert all(it.quote == _ws(text).rstrip("。") or _ws(it.quote) in _ws(text) for it in items)


def test_list_of_whole_items_and_list_of_modifiers():
    items = by_name(
        draft("推进高原夏菜生产基地、中药材生产基地、食用菌产业园建设。提升蚕豆、乳制品省级工程技术研究中心建设水平。")
    )
    assert {"高原夏菜生产基地", "中药材生产基地", "食用菌产业园"} <= set(items)
    assert {"蚕豆省级工程技术研究中心", "乳制品省级工程技术研究中心"} <= set(items)
    assert items["蚕豆省级工程技术研究中心"].status == "to_upgrade"


def test_examples_with_deng_are_one_item():
    items = draft("推进玉米、马铃薯、花卉、蔬菜等优质种子生产基地建设。", ZHANGYE)
    assert [it.name_zh for it in items] == ["玉米、马铃薯、花卉、蔬菜等优质种子生产基地"]


def test_counted_label_splits_the_list():
    items = draft("加大绿色蔬菜、奶牛肉牛“两个百亿元”农业产业集群关键技术研发力度。", ZHANGYE)
    assert [it.name_zh for it in items] == ["绿色蔬菜“百亿元”农业产业集群", "奶牛肉牛“百亿元”农业产业集群"]


def test_type_words_are_not_items():
    assert draft("争取创建企业孵化器、众创空间、新型研发机构、农业科技园区等创新平台。") == []
    assert draft("建设科技金融综合服务平台。") == []
    assert draft("加强与华中农业大学、兰州大学等高校的合作。") == []


# ---------------------------------------------------------------- quotes, status, framing


def test_quotes_are_verbatim_across_line_breaks_and_full_width():
    original = "三、重点任务\n（一）园区\n推进临夏经济开发区、广河经\n济开发区建设，打造ＡＢＣ数字经济产业园。\n"
    items = draft(original)
    assert {"临夏经济开发区", "广河经济开发区", "ＡＢＣ数字经济产业园"} <= {it.name_zh for it in items}
    for it in items:
        assert _ws(it.quote) in _ws(original), it.quote
    guanghe = by_name(items)["广河经济开发区"]
    assert guanghe.quote == "推进临夏经济开发区、广河经济开发区建设，"
    assert guanghe.section == "三、（一）"
    assert "ＡＢＣ" in by_name(items)["ＡＢＣ数字经济产业园"].quote  # the text's own characters


def test_framing_clause_gives_the_counties():
    items = draft("以甘州区、民乐县、山丹县为重点区域，建设中药材种植养殖基地和大宗优质中药材生产基地。", ZHANGYE)
    assert [it.name_zh for it in items] == ["中药材种植养殖基地", "大宗优质中药材生产基地"]
    assert all(it.counties == [GANZHOU, 620722, SHANDAN] for it in items)
    assert items[0].quote.startswith("以甘州区")


def test_counties_come_from_the_item_clause_only():
    text = (
        "助推以广河县、东乡县为主的牛羊产业集群，以和政县、康乐县为重点的沿太子山麓食用菌产业带，"
        "以临夏市为主的花卉产业发展。"
    )
    items = by_name(draft(text))
    assert items["牛羊产业集群"].counties == [GUANGHE, DONGXIANG]
    assert items["沿太子山麓食用菌产业带"].counties == [HEZHENG, KANGLE]
    assert items["花卉产业"].counties == [622901]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("建设食用菌菌种研发中心。", "to_build"),
        ("提升蚕豆省级工程技术研究中心建设水平。", "to_upgrade"),
        ("依托凹土研发工程中心，开展研究。", "existing"),
        ("加强牛羊种质资源研发中心的研究力量。", None),
    ],
)
def test_status_words(text, status):
    items = draft(text)
    assert len(items) == 1
    assert items[0].status == status


def test_designation_of_a_county():
    items = draft("甘州区被批复为国家级双创示范区，高台县被批复为国家级创新型县。", ZHANGYE)
    assert [(it.name_zh, it.counties, it.category) for it in items] == [
        ("甘州区国家级双创示范区", [GANZHOU], "county_designation"),
        ("高台县国家级创新型县", [620724], "county_designation"),
    ]
    assert {it.status for it in items} == {"existing"}


def test_traditional_characters_are_read_but_quoted_as_written():
    items = draft("以陇东为重点,建设肉牛産业带;以临夏为重点建设油菜种子生産基地。", LINXIA)
    names = [it.name_zh for it in items]
    assert names == ["肉牛産业带", "油菜种子生産基地"]  # found through 产业带 / 基地, named as written
    assert all(_ws(it.quote) in "以陇东为重点,建设肉牛産业带;以临夏为重点建设油菜种子生産基地。" for it in items)


# ---------------------------------------------------------------- location kinds


def test_location_kinds():
    text = (
        "推进广河经济开发区建设。以和政县、康乐县为重点发展牛羊产业集群。建设食用菌菌种研发中心。"
        "打造沿黄河洮河民族团结进步提升带。"
    )
    items = by_name(draft(text))
    guanghe = items["广河经济开发区"]
    assert guanghe.location == "stand_in"
    assert guanghe.geometry == {"recipe": "point", "at": "town-guanghe-chengguanzhen"}
    assert "广河" in guanghe.location_source_zh
    assert items["牛羊产业集群"].location == "named_area"
    assert items["牛羊产业集群"].geometry == {"recipe": "counties"}
    centre = items["食用菌菌种研发中心"]
    assert (centre.location, centre.geometry, centre.counties) == ("region_wide", None, [])
    belt = items["沿黄河洮河民族团结进步提升带"]
    assert belt.location == "zone"
    assert belt.geometry["recipe"] == "zone" and set(belt.geometry["near"]) == {"river-yellow", "river-tao"}
    assert belt.geometry["width"] == "assumed" and belt.location_source


def test_facility_named_after_the_prefecture_stands_at_its_seat():
    items = by_name(draft("加快张掖大数据产业园建设。", ZHANGYE))
    park = items["张掖大数据产业园"]
    assert park.location == "stand_in" and park.counties == []  # the plan names no county
    assert park.geometry == {"recipe": "point", "at": "town-zhangye"}


def test_ids_are_unique_ascii_and_prefixed():
    items = draft("建设食用菌菌种研发中心。推进广河经济开发区建设。推进东乡经济开发区建设。")
    ids = [it.id for it in items]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"t-[a-z0-9-]+", i) for i in ids)
    assert all(it.name_en for it in items)


# ---------------------------------------------------------------- head-less patterns and other regions


def test_counted_list_label_makes_one_item_per_element():
    text = "按照文化旅游、特色种植业、沿黄河洮河工业产业、临夏美食产业“四个百亿级产业”布局，构建创新体系。"
    names = [it.name_zh for it in draft(text)]
    assert "文化旅游（百亿级产业）" in names and "临夏美食产业（百亿级产业）" in names
    assert len(names) == 4 and sum("沿黄河洮河工业产业" in n for n in names) == 1  # once, not twice


def test_focus_area_named_after_the_paragraph_topic():
    text = "加快生物医药科技创新发展。以山丹、高台、肃南为重点区域，培育生物科技龙头企业。"
    items = draft(text, ZHANGYE)
    assert [(it.name_zh, it.counties) for it in items] == [("生物医药科技重点区域", [SHANDAN, 620724, 620721])]


def test_local_products_and_labelled_city_titles():
    items = by_name(draft("立足“临泽小枣”特色品牌优势，开发新产品。推进“零碳”城市创建。", ZHANGYE))
    assert items["临泽小枣"].category == "gi_product" and items["临泽小枣"].counties == [620723]
    assert items["“零碳”城市"].category == "county_designation"


def test_towns_to_be_built_in_another_prefecture():
    text = "培育建设旅游特色小镇，包括夏河县拉卜楞寺民族风情小镇、碌曲县郎木寺镇、天祝县天堂镇3个。"
    items = by_name(draft_plan(text, [623000, 620623], "t").items)
    assert {"夏河县拉卜楞寺民族风情小镇", "碌曲县郎木寺镇", "天祝县天堂镇"} <= set(items)
    assert items["天祝县天堂镇"].counties == [620623]
    assert items["天祝县天堂镇"].category == "scenic_cultural"


def test_prefectures_of_a_multi_prefecture_plan():
    regions = [620100, 620400, 622900]  # 兰州, 白银, 临夏: 白银 and 临夏 are also county-level names
    gaz = build_gazetteer(regions)
    assert gaz.multi_region
    assert gaz.county_codes(gaz.scan("以兰州、白银、临夏等为重点")) == [620100, 620400, 622900]
    items = draft_plan("以临夏为重点建设油菜种子生产基地。", regions, "t").items
    assert [(it.name_zh, it.counties, it.location) for it in items] == [("油菜种子生产基地", [622900], "named_area")]
