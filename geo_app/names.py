"""Chinese administrative names: short forms for matching, English names for display.

People write 东乡县 for 东乡族自治县 and 积石山县 for 积石山保安族东乡族撒拉族自治县,
so matching compares *stems*: the name without its administrative suffix and without
the ethnic groups of an autonomous area. English names follow the official pattern
("Linxia Hui Autonomous Prefecture", "Hezheng County", "Ganzhou District") using
pinyin for the stem.
"""

from __future__ import annotations

import re
from functools import cache

# The 55 recognised minority groups (name without 族) and their English names.
ETHNIC_GROUPS: dict[str, str] = {
    "蒙古": "Mongol",
    "回": "Hui",
    "藏": "Tibetan",
    "维吾尔": "Uyghur",
    "苗": "Miao",
    "彝": "Yi",
    "壮": "Zhuang",
    "布依": "Bouyei",
    "朝鲜": "Korean",
    "满": "Manchu",
    "侗": "Dong",
    "瑶": "Yao",
    "白": "Bai",
    "土家": "Tujia",
    "哈尼": "Hani",
    "哈萨克": "Kazakh",
    "傣": "Dai",
    "黎": "Li",
    "傈僳": "Lisu",
    "佤": "Va",
    "畲": "She",
    "高山": "Gaoshan",
    "拉祜": "Lahu",
    "水": "Sui",
    "东乡": "Dongxiang",
    "纳西": "Naxi",
    "景颇": "Jingpo",
    "柯尔克孜": "Kyrgyz",
    "土": "Tu",
    "达斡尔": "Daur",
    "仫佬": "Mulao",
    "羌": "Qiang",
    "布朗": "Blang",
    "撒拉": "Salar",
    "毛南": "Maonan",
    "仡佬": "Gelao",
    "锡伯": "Xibe",
    "阿昌": "Achang",
    "普米": "Pumi",
    "塔吉克": "Tajik",
    "怒": "Nu",
    "乌孜别克": "Uzbek",
    "俄罗斯": "Russian",
    "鄂温克": "Evenki",
    "德昂": "De'ang",
    "保安": "Bonan",
    "裕固": "Yugur",
    "京": "Gin",
    "塔塔尔": "Tatar",
    "独龙": "Derung",
    "鄂伦春": "Oroqen",
    "赫哲": "Hezhen",
    "门巴": "Monba",
    "珞巴": "Lhoba",
    "基诺": "Jino",
}

PROVINCES_EN: dict[str, str] = {
    "北京市": "Beijing",
    "天津市": "Tianjin",
    "河北省": "Hebei",
    "山西省": "Shanxi",
    "内蒙古自治区": "Inner Mongolia",
    "辽宁省": "Liaoning",
    "吉林省": "Jilin",
    "黑龙江省": "Heilongjiang",
    "上海市": "Shanghai",
    "江苏省": "Jiangsu",
    "浙江省": "Zhejiang",
    "安徽省": "Anhui",
    "福建省": "Fujian",
    "江西省": "Jiangxi",
    "山东省": "Shandong",
    "河南省": "Henan",
    "湖北省": "Hubei",
    "湖南省": "Hunan",
    "广东省": "Guangdong",
    "广西壮族自治区": "Guangxi",
    "海南省": "Hainan",
    "重庆市": "Chongqing",
    "四川省": "Sichuan",
    "贵州省": "Guizhou",
    "云南省": "Yunnan",
    "西藏自治区": "Tibet",
    "陕西省": "Shaanxi",
    "甘肃省": "Gansu",
    "青海省": "Qinghai",
    "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang",
    "台湾省": "Taiwan",
    "香港特别行政区": "Hong Kong",
    "澳门特别行政区": "Macao",
}

# Administrative suffixes, longest first, with their English word and a "kind" used to
# prefer e.g. a county when the query says 县.
_SUFFIXES: list[tuple[str, str, str]] = [
    ("特别行政区", "Special Administrative Region", "province"),
    ("自治区", "Autonomous Region", "province"),
    ("自治州", "Autonomous Prefecture", "prefecture"),
    ("自治县", "Autonomous County", "county"),
    ("自治旗", "Autonomous Banner", "county"),
    ("地区", "Prefecture", "prefecture"),
    ("林区", "Forestry District", "county"),
    ("特区", "Special District", "county"),
    ("省", "Province", "province"),
    ("州", "Prefecture", "prefecture"),
    ("盟", "League", "prefecture"),
    ("县", "County", "county"),
    ("旗", "Banner", "county"),
    ("区", "District", "district"),
    ("市", "City", "city"),
]
_ETHNIC_RE = "|".join(sorted((re.escape(k) for k in ETHNIC_GROUPS), key=len, reverse=True))


def split_suffix(name: str) -> tuple[str, str]:
    """Split '和政县' into ('和政', '县'); names without a known suffix keep ''."""
    for suffix, _, _ in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def suffix_kind(suffix: str) -> str:
    """'county', 'prefecture', ... for an administrative suffix ('' for none)."""
    for s, _, kind in _SUFFIXES:
        if s == suffix:
            return kind
    return ""


def _strip_ethnic(body: str) -> tuple[str, list[str]]:
    """'积石山保安族东乡族撒拉族' -> ('积石山', ['保安', '东乡', '撒拉'])."""
    groups: list[str] = []
    while True:
        m = re.search(f"({_ETHNIC_RE})族$", body)
        if not m:
            return body, groups
        rest = body[: m.start()]
        if len(rest) < 2:  # the place is named after the group: 东乡族 -> 东乡
            groups.insert(0, m.group(1))
            return (rest + m.group(1) if not rest else body[:-1]), groups
        groups.insert(0, m.group(1))
        body = rest


@cache
def stem(name: str) -> str:
    """The short form used for matching: 东乡族自治县 -> 东乡, 肃南县 -> 肃南."""
    body, _ = split_suffix(name.strip())
    body, _ = _strip_ethnic(body)
    return body


# Place-name readings pypinyin gets wrong (it reads the common-word sound).
_READINGS: dict[str, list[str]] = {
    "民乐": ["min", "le"],
    "乐都": ["le", "du"],
    "乐亭": ["lao", "ting"],
    "乐清": ["yue", "qing"],
    "长治": ["chang", "zhi"],
    "长子": ["zhang", "zi"],
    "六安": ["lu", "an"],
    "蚌埠": ["beng", "bu"],
    "番禺": ["pan", "yu"],
    "尉犁": ["yu", "li"],
    "莘县": ["shen", "xian"],
    "铅山": ["yan", "shan"],
    "东阿": ["dong", "e"],
    "单县": ["shan", "xian"],
    "大埔": ["da", "bu"],
    "黄陂": ["huang", "pi"],
}


def _syllables(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin  # 0.26 s to import: only when a name is romanised

    out: list[str] = []
    i = 0
    while i < len(text):
        for key, reading in _READINGS.items():
            if text.startswith(key, i):
                out.extend(reading)
                i += len(key)
                break
        else:
            j = i + 1
            while j < len(text) and not any(text.startswith(k, j) for k in _READINGS):
                j += 1
            out.extend(lazy_pinyin(text[i:j], style=Style.NORMAL, errors="ignore"))
            i = j
    return out


def _pinyin(text: str) -> str:
    syllables = _syllables(text)
    out = ""
    for i, s in enumerate(syllables):
        if i and s[:1] in "aoe":
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


def _join_en(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@cache
def english_name(name_zh: str) -> str:
    """Official-style English name of a Chinese administrative unit."""
    name_zh = name_zh.strip()
    if name_zh in PROVINCES_EN:
        return PROVINCES_EN[name_zh]
    body, suffix = split_suffix(name_zh)
    place, groups = _strip_ethnic(body)
    word = next((w for s, w, _ in _SUFFIXES if s == suffix), "")
    parts = [_pinyin(place)]
    groups_en = [ETHNIC_GROUPS[g] for g in groups if _pinyin(place) != ETHNIC_GROUPS[g]]
    if groups_en and suffix.startswith("自治"):
        parts.append(_join_en(groups_en))
    if word:
        parts.append(word)
    return " ".join(p for p in parts if p)


#: Characters that end an administrative name: a bare stem followed by one of these is a
#: different unit (临夏 in 临夏州 is not 临夏县).
_ADMIN_CHARS = "省市州县区旗盟"
_SHORT_SUFFIX = {"county": "县", "district": "区", "city": "市", "prefecture": "州", "province": "省"}


@cache
def short_forms(name_zh: str) -> tuple[str, ...]:
    """The written forms of an administrative name, longest first.

    积石山保安族东乡族撒拉族自治县 -> (full name, 积石山自治县, 积石山县); 甘州区 -> (甘州区,);
    临夏回族自治州 -> (full name, 临夏自治州, 临夏州). Bare stems (和政) are matched separately by
    ``mentions`` because they are ambiguous between levels.
    """
    name_zh = name_zh.strip()
    _, suffix = split_suffix(name_zh)
    place = stem(name_zh)
    forms = {name_zh}
    kind = suffix_kind(suffix)
    if suffix.startswith("自治"):
        forms.add(place + suffix)
    if kind in _SHORT_SUFFIX:
        forms.add(place + _SHORT_SUFFIX[kind])
    if kind == "prefecture" and suffix in ("自治州", "地区"):
        forms.add(place + "州")
    return tuple(sorted(forms, key=len, reverse=True))


def mention_spans(text: str, name_zh: str, bare: bool = True) -> list[tuple[int, int]]:
    """Where ``text`` names the unit ``name_zh``: by full name, short form or (``bare``) its stem.

    A bare stem counts only when it is not followed by another administrative suffix
    (so 临夏 in 临夏州 or 临夏市 is not the county 临夏县) and is at least two characters long.
    """
    spans: list[tuple[int, int]] = []
    taken = [False] * (len(text) + 1)
    for form in short_forms(name_zh):
        start = text.find(form)
        while start >= 0:
            if not any(taken[start : start + len(form)]):
                spans.append((start, start + len(form)))
                for i in range(start, start + len(form)):
                    taken[i] = True
            start = text.find(form, start + 1)
    place = stem(name_zh)
    if bare and len(place) >= 2:
        start = text.find(place)
        while start >= 0:
            end = start + len(place)
            nxt = text[end : end + 1]
            if not any(taken[start:end]) and (not nxt or nxt not in _ADMIN_CHARS):
                spans.append((start, end))
            start = text.find(place, start + 1)
    return sorted(spans)


def mentions(text: str, name_zh: str, bare: bool = True) -> bool:
    """True when ``text`` names the administrative unit ``name_zh`` (see ``mention_spans``)."""
    return bool(mention_spans(text, name_zh, bare))
