"""The word lists the draft rules read. Plain data, grouped by job; no plan names in here.

A plan item is found at its *head word* (产业带, 开发区, 基地 ...); the head gives its category
and whether it is a facility (a site-like thing drawn as a point). The name runs left from the
head to the nearest boundary: the start of the clause, a governing verb (建设, 打造 ...), 的, or
a list separator after a complete item. Status words are read next to the name.
"""

from __future__ import annotations

import re
from functools import cache

#: (head word, category, site-like). Longest heads are tried first; the category may be
#: refined from the whole name (see ``refine_category``). Site-like items with one county
#: become a stand-in point at the county seat.
HEADS: list[tuple[str, str, bool]] = [
    # belts and corridors
    ("产业带", "industrial_belt", False),
    ("经济带", "industrial_belt", False),
    ("提升带", "industrial_belt", False),
    ("发展带", "industrial_belt", False),
    ("产业走廊", "industrial_belt", False),
    ("经济走廊", "industrial_belt", False),
    ("游览带", "scenic_cultural", False),
    ("旅游带", "scenic_cultural", False),
    ("风光带", "scenic_cultural", False),
    ("景观带", "scenic_cultural", False),
    ("生态带", "ecology", False),
    ("文化带", "scenic_cultural", False),
    ("廊道", "industrial_belt", False),
    # clusters
    ("产业集群", "industry_cluster", False),
    ("创新集群", "industry_cluster", False),
    ("集聚区", "industry_cluster", False),
    ("聚集区", "industry_cluster", False),
    # parks and zones
    ("农业科技园区", "agri_park", True),
    ("农业科技园", "agri_park", True),
    ("农业产业园", "agri_park", True),
    ("田园综合体", "agri_park", True),
    ("经济开发区", "development_zone", True),
    ("技术开发区", "development_zone", True),
    ("产业开发区", "development_zone", True),
    ("开发区", "development_zone", True),
    ("高新区", "development_zone", True),
    ("工业园区", "development_zone", True),
    ("产业园区", "development_zone", True),
    ("物流园区", "development_zone", True),
    ("园区", "development_zone", True),
    ("产业园", "development_zone", True),
    ("工业园", "development_zone", True),
    ("物流园", "development_zone", True),
    ("科技园区", "development_zone", True),
    ("科技园", "development_zone", True),
    ("示范园", "development_zone", True),
    ("保税区", "development_zone", True),
    ("示范区", "development_zone", False),
    ("试验区", "development_zone", False),
    ("先行区", "ecology", False),
    # bases
    ("基地", "production_base", False),
    ("繁育体系", "production_base", False),
    ("种植区", "production_base", False),
    ("养殖区", "production_base", False),
    ("主产区", "production_base", False),
    ("优势区", "production_base", False),
    # reserves, wetlands, water
    ("自然保护区", "ecology", False),
    ("保护区", "ecology", False),
    ("国家公园", "ecology", False),
    ("森林公园", "ecology", True),
    ("湿地公园", "scenic_cultural", True),
    ("湿地", "ecology", False),
    ("水库", "ecology", True),
    ("水源地", "ecology", True),
    # scenic and cultural sites
    ("风景名胜区", "scenic_cultural", True),
    ("景区", "scenic_cultural", True),
    ("度假区", "scenic_cultural", True),
    ("旅游区", "scenic_cultural", True),
    ("地质公园", "scenic_cultural", True),
    ("纪念馆", "scenic_cultural", True),
    ("博物馆", "scenic_cultural", True),
    ("旅游品牌", "scenic_cultural", False),
    ("特色小镇", "scenic_cultural", True),
    ("小镇", "scenic_cultural", True),
    ("非物质文化遗产", "scenic_cultural", False),
    # programmes and industries: heads only in the forms ``accept_head`` allows
    ("产业", "industrial_belt", False),
    ("工程", "production_base", False),
    # stations, labs, centres, platforms, institutions
    ("观测研究站", "research_platform", True),
    ("试验站", "research_platform", True),
    ("观测站", "research_platform", True),
    ("工作站", "research_platform", True),
    ("实验室", "research_platform", True),
    ("研究院", "research_platform", True),
    ("研究所", "research_platform", True),
    ("中心", "research_platform", True),
    ("平台", "research_platform", True),
    ("联合体", "research_platform", False),
    ("创新联盟", "research_platform", False),
    ("战略联盟", "research_platform", False),
    ("产业联盟", "research_platform", False),
    ("资源库", "research_platform", True),
    ("大市场", "research_platform", True),
    ("孵化器", "research_platform", True),
    ("众创空间", "research_platform", True),
    ("职业学院", "research_platform", True),
    ("大学", "research_platform", True),
    ("学院", "research_platform", True),
    ("农科院", "research_platform", True),
    # county designations
    ("创新型县", "county_designation", False),
    ("创新型城市", "county_designation", False),
    ("示范城市", "county_designation", False),
    ("试点城市", "county_designation", False),
    ("基地城市", "county_designation", False),
    ("示范县", "county_designation", False),
    ("试点县", "county_designation", False),
    ("示范市", "county_designation", False),
    ("城市", "county_designation", False),  # only as “零碳”城市, “无废城市” (see items._heads_in_clause)
]
HEADS.sort(key=lambda h: -len(h[0]))
HEAD_RE = re.compile("|".join(re.escape(h) for h, _, _ in HEADS))
HEAD_INFO = {h: (cat, site) for h, cat, site in HEADS}

#: A head followed by one of these is part of a longer word, not the end of a name
#: (基地城市, 园区企业, 中心城区, 平台公司, 集群化).
#: Heads that are items only right after a quoted label: “四个百万”工程, “零碳”城市.
LABELLED_HEADS = ("工程", "城市")

HEAD_CONTINUES = (
    "城市", "城区", "企业", "公司", "化", "型", "内", "外", "建设者", "经济", "管理", "大数据", "数据", "信息", "龙头",
)  # fmt: skip
#: A head starting with 大 after one of these is a verb or adjective (扩大市场, 重大平台).
BIG_VERBS = "扩重强壮广远宏巨伟"

#: Verbs and prepositions that open the phrase naming an item (the name starts after them).
BOUNDARY_WORDS = sorted(
    """
    建设 推进 打造 建立 创建 争创 加快 依托 围绕 实施 推动 支持 成立 组建 新建
    建成 争取 加强 提升 融入 筹建 申报 获批 批复为 认定为 设立 助推 助力 促进 构建 形成
    开展 布局 探索 引进 谋划 完善 发挥 做大做强 做优做强 优化 整合 搭建 实现 现有 已有
    以上 以下 升级改造 成为 列入 纳入 对接
    共建 参与 承接 带动 辐射 挖掘 着力 积极 大力 全力 努力 加大 深化 聚焦 立足 结合
    突出 瞄准 扶持 鼓励 引导 指导 完成 启动 提高 继续 逐步 持续 全面 深入 进一步 主动
    力争 尽快 统筹 引领 支撑 先后 已经 已 还 并 及时 加速 着眼 面向 通过 按照
    根据 认定 备案 选派 健全 其中 包括 把 将 以 在 为 于 被
    """.split(),  # noqa: SIM905
    key=len,
    reverse=True,
)

#: Verbs that also work as modifiers inside names (种苗培育基地, 农业技术推广中心): not a
#: boundary, but dropped when a name starts with them.
LEADING_VERBS = ("培育", "发展", "推广", "利用", "重点", "开发", "实施", "示范", "探索", "加快", "支持", "对")
#: Counts that lead a name and are dropped (建设一批X基地, 作为第一批…遗产).
QUANTIFIERS = ("第一批", "首批", "一大批", "一批", "一系列", "一个", "若干", "多个", "新一轮", "了")

#: After these the phrase is a role the subject is to play, not a new item
#: (将…园区建设为推广新技术高地、试验新品种基地).
ROLE_MARKERS = ("建设为", "建设成为", "打造成为", "打造成", "打造为", "建成为", "成为", "作为", "转型为")

#: After these the phrase is a designation of the subject (甘州区被批复为国家级双创示范区).
DESIGNATION_MARKERS = ("被批复为", "批复为", "被认定为", "认定为", "被评为", "评为", "被列为", "列为", "获批", "申报为")
#: Heads that are titles a place earns: a generic name is still an item (国家知识产权示范城市).
DESIGNATION_HEADS = ("创新型县", "创新型城市", "示范城市", "试点城市", "基地城市", "示范县", "试点县", "示范市", "城市")
#: Verbs whose object may be a title the region aims for (打造国家级高新技术产业开发区).
TARGET_VERBS = ("争创", "创建", "打造", "申报", "申报为")
#: A 的-phrase describing what a thing has (具有中试能力的…) is not part of its name.
DESCRIPTIVE = re.compile(r"具有|具备|拥有|适应|满足|适合")
#: Frames that make an institution the host of an item (以培黎职业学院…项目为载体).
HOST_FRAME = re.compile(r"为(?:载体|依托|基础|龙头|核心|引领|支撑)")

#: Heads of institutions: items only when the plan builds them or they are local (their name
#: carries a place of the plan or the unit word 州/市/县); otherwise they are partners named in
#: a cooperation clause (加强与华中农业大学…的合作).
INSTITUTION_HEADS = ("大学", "学院", "职业学院", "研究院", "研究所", "农科院")
BUILD_VERBS = re.compile(r"建设|筹建|新建|组建|成立|创建|争创|打造|设立|建立|依托|提升|挂牌")

#: A name opening with a count is a number of things, not one (四个省列园区, 两大平台).
COUNTED = re.compile(r"^[一二三四五六七八九十两几数多\d]+[个家所座大批类项条]")
#: ... or a number just before its head (甘肃藏区4景区).
COUNTED_HEAD = re.compile(r"\d+[个家所座处条]?$")

#: Words that join two items: a boundary only when the text before them ends an item.
COORDINATORS = ("以及", "和", "与", "及", "、", "或")

#: Grade words at the start of a shared list head (临夏县、康乐县省级农业科技园区) and of names.
GRADE_WORDS = (
    "国家级", "省级", "市级", "州级", "县级", "国家", "全国", "国际", "区域", "省内", "市内", "州内", "县内",
    "省", "市", "州",
)  # fmt: skip

#: Words that say nothing about a place or a subject: a name made only of these (and a grade
#: word and the head) names a *type* of thing (省级农业科技园区, 创新创业服务平台), not an item.
GENERIC_WORDS = sorted(
    """
    科技 技术 创新 创业 研发 研究 工程 服务 综合 公共 成果 转化 成果转化 孵化 产业 企业
    重点 示范 试点 现代 新型 高新技术 高新 专业 管理 监测 交易 共享 合作 协同 开放 一站式
    网络 应用 推广 检验 检测 标准 培训 科普 教育 农业科技 农业 工业 发展 双创 众创 产学研
    重要 特色 一批 各类 各大 相关 多元 区域 园区 基地 中心 平台 实验 试验 新 高端 龙头
    骨干 领军 功能 共性 关键 核心 基础 条件 保障 支撑 协作 联合 国际 对外 科学 技术转移 转移
    知识产权 质量 旅游 文旅 精品 全市 全州 全县 全省 省内 市内 州内 县域 本地 企业技术 基层
    专家 院士 科研 技能 人才 实训
    """.split(),  # noqa: SIM905
    key=len,
    reverse=True,
)

#: Heads that are places only when something in the name says where or what: a digital or
#: service platform or centre with no place and no research word is an office function.
SERVICE_HEADS = ("平台", "中心")
RESEARCH_WORDS = re.compile(
    r"研发|研究|试验|实验|测试|中试|检测|转化|观测|育种|繁育|种质|工程技术|技术创新|创新中心|科研|技术中心|工程中心"
)
SERVICE_WORDS = re.compile(
    r"大数据|数据|信息|云|服务|管理|监管|交易|营销|指挥|调度|集散|政务|网络|电商|电子商务|金融|风控|溯源|追溯"
)

#: Status words (see layers/SCHEMA.md), read nearest-first before the name, then just after it.
STATUS_BEFORE: list[tuple[str, str]] = [
    ("做大做强", "to_upgrade"), ("做优做强", "to_upgrade"), ("提升", "to_upgrade"), ("升级", "to_upgrade"),
    ("扩建", "to_upgrade"), ("提档", "to_upgrade"), ("优化整合", "to_upgrade"), ("改造", "to_upgrade"),
    ("先后成立了", "existing"), ("成立了", "existing"), ("建成了", "existing"), ("已建成", "existing"),
    ("依托", "existing"), ("现有", "existing"), ("已有", "existing"), ("基于", "existing"),
    ("发挥", "existing"), ("获批", "existing"), ("被批复为", "existing"), ("批复为", "existing"),
    ("认定为", "existing"), ("挂牌成立", "existing"),
    ("建设", "to_build"), ("创建", "to_build"), ("打造", "to_build"), ("培育", "to_build"),
    ("建立", "to_build"), ("新建", "to_build"), ("筹建", "to_build"), ("组建", "to_build"),
    ("争创", "to_build"), ("设立", "to_build"), ("成立", "to_build"), ("布局", "to_build"),
    ("建成", "to_build"), ("申报为", "to_upgrade"), ("推进", "to_build"), ("加快", "to_build"),
]  # fmt: skip
STATUS_AFTER: list[tuple[str, str]] = [
    ("做大做强", "to_upgrade"), ("建设为", "to_upgrade"), ("申报为", "to_upgrade"), ("转型为", "to_upgrade"),
    ("建设水平", "to_upgrade"), ("提质", "to_upgrade"), ("获批", "existing"), ("被批复为", "existing"),
    ("为依托", "existing"), ("为基础", "existing"), ("为核心", "existing"), ("为龙头", "existing"),
    ("为载体", "existing"), ("为引领", "existing"), ("作用", "existing"), ("建设", "to_build"),
]  # fmt: skip

#: English words for the heads (the rest of an English name is pinyin until reviewed).
HEAD_EN: dict[str, str] = {
    "产业带": "industrial belt", "经济带": "economic belt", "提升带": "belt", "发展带": "development belt",
    "产业走廊": "industrial corridor", "经济走廊": "economic corridor", "产业集群": "industry cluster",
    "创新集群": "innovation cluster", "集聚区": "cluster zone", "聚集区": "cluster zone",
    "农业科技园区": "agricultural science and technology park", "农业科技园": "agricultural science park",
    "农业产业园": "agricultural industrial park", "田园综合体": "rural complex",
    "经济开发区": "economic development zone", "技术开发区": "technology development zone",
    "产业开发区": "industrial development zone", "开发区": "development zone", "高新区": "high-tech zone",
    "工业园区": "industrial park", "产业园区": "industrial park", "物流园区": "logistics park", "园区": "park",
    "产业园": "industrial park", "工业园": "industrial park", "物流园": "logistics park",
    "科技园": "science park", "示范园": "demonstration park", "保税区": "bonded zone",
    "示范区": "demonstration zone", "试验区": "pilot zone", "先行区": "pilot zone", "基地": "base",
    "繁育体系": "breeding system", "自然保护区": "nature reserve", "保护区": "reserve",
    "国家公园": "national park", "森林公园": "forest park", "湿地公园": "wetland park", "湿地": "wetland",
    "水库": "reservoir", "水源地": "water source", "风景名胜区": "scenic area", "景区": "scenic area",
    "度假区": "resort", "旅游区": "tourist area", "地质公园": "geopark", "纪念馆": "memorial hall",
    "博物馆": "museum", "旅游品牌": "tourism brand", "非物质文化遗产": "intangible cultural heritage",
    "观测研究站": "observation and research station", "试验站": "experimental station",
    "观测站": "observation station", "工作站": "workstation", "实验室": "laboratory",
    "研究院": "research institute", "研究所": "research institute", "中心": "centre", "平台": "platform",
    "联合体": "consortium", "资源库": "genebank", "大市场": "market", "孵化器": "incubator",
    "职业学院": "vocational college", "大学": "university", "学院": "college",
    "农科院": "academy of agricultural sciences",
    "创新型县": "innovative county", "创新型城市": "innovative city", "示范城市": "demonstration city",
    "试点城市": "pilot city", "基地城市": "base city", "示范县": "demonstration county",
    "试点县": "pilot county", "示范市": "demonstration city", "产业": "industry", "工程": "programme",
}  # fmt: skip
GRADE_EN = {"国家级": "National", "国家": "National", "全国": "National", "省级": "Provincial", "市级": "Municipal"}


#: Used when layers/styles.yaml has no ``site_like`` flags.
SITE_LIKE_DEFAULT = ("development_zone", "agri_park", "ecology", "scenic_cultural", "research_platform")


@cache
def site_like(category: str) -> bool:
    """True for categories whose items are places inside a county (``site_like`` in styles.yaml)."""
    from geo_app.catalog import load_styles

    try:
        flags = {k: v.get("site_like") for k, v in load_styles()["categories"].items()}
    except (OSError, ValueError):
        flags = {}
    if category in flags and flags[category] is not None:
        return bool(flags[category])
    return category in SITE_LIKE_DEFAULT


def refine_category(name: str, head: str, category: str) -> str:
    """The category of an item from its whole name where the head alone is not enough."""
    if re.search(r"农业科技园|农业高新技术产业示范区|现代农业产业园|农业产业园", name):
        return "agri_park"
    if head in ("示范区", "试验区", "先行区") and re.search(r"生态|湿地|保护|治沙|荒漠", name):
        return "ecology"
    if head == "基地":
        if re.search(r"科研|研发|研究|科技创新基地|科普|试验基地|实验基地|中试|成果转化", name):
            return "research_platform"
        if re.search(r"物流|电子商务|电商", name):
            return "development_zone"
        if re.search(r"治沙|生态", name):
            return "ecology"
    if head in ("湿地",) and re.search(r"科研|研究", name):
        return "research_platform"
    if head in ("示范区", "试验区") and re.match(r"(?:\S{0,6}?)(?:国家级|省级|国家|全国)", name):
        return "county_designation"  # 国家级双创示范区: a title, not a site
    return category
