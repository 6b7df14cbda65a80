"""Pre-drawn pools and lookup tables: drawing from them costs one ``random()`` and one index, which is what
lets a million members and ten million visits be written in a few minutes.

The shapes come from the demo county (``demo.population``, ``demo.reserves``, ``demo.organizations``);
only the way of drawing is different.
"""

import random
from datetime import date

from members import idnumbers
from members.models import Education
from members.models import Gender

from ..organizations import ENTERPRISE_BRANDS
from ..organizations import ENTERPRISE_TRADES
from ..organizations import VILLAGE_PREFIXES
from ..organizations import VILLAGE_ROOTS
from ..population import DESTINATIONS
from ..population import ETHNICITIES
from ..population import GIVEN_NAME_CHARACTERS
from ..population import PHONE_PREFIXES
from ..population import POST_DUTIES
from ..population import SURNAMES

TABLE_SIZE = 1000


class Draw:
    """A discrete distribution as a table of TABLE_SIZE outcomes: ``draw(rnd)`` is one index."""

    __slots__ = ("table",)

    def __init__(self, weights: dict):
        total = sum(weights.values())
        table = []
        acc = 0.0
        items = list(weights.items())
        for number, (value, weight) in enumerate(items):
            acc += weight
            end = TABLE_SIZE if number == len(items) - 1 else round(acc / total * TABLE_SIZE)
            table.extend([value] * (end - len(table)))
        self.table = tuple(table)

    def __call__(self, rnd) -> object:
        return self.table[int(rnd() * TABLE_SIZE)]


def prime_at_most(n: int) -> int:
    def is_prime(k):
        return k > 1 and all(k % d for d in range(2, int(k**0.5) + 1))

    while not is_prime(n):
        n -= 1
    return n


class Names:
    """Person names drawn once with the demo's surname and given-name frequencies (POOL_SIZE per gender and
    generation, repeats included, as among real people). ``households`` is a prime-length list of distinct
    names of household heads, so that household ``i`` of a village (``i`` below the prime) never shares its
    name with another household of the village."""

    POOL_SIZE = 8000

    def __init__(self, rng: random.Random):
        surname = Draw(SURNAMES)
        rnd = rng.random
        self.pools = {}
        for (gender, generation), (firsts, lasts) in GIVEN_NAME_CHARACTERS.items():
            pool = []
            for _ in range(self.POOL_SIZE):
                given = lasts[int(rnd() * len(lasts))]
                if rnd() < 0.7:
                    given = firsts[int(rnd() * len(firsts))] + given
                pool.append(surname(rnd) + given)
            self.pools[(gender, generation)] = tuple(pool)
        heads = sorted(set(self.pools[(Gender.MALE, "old")]))
        rng.shuffle(heads)
        self.households = tuple(heads[: prime_at_most(min(len(heads), 2003))])

    def draw(self, rnd, gender: str, birth_year: int) -> str:
        generation = "old" if birth_year < 1975 else "new"
        if rnd() < 0.2:  # names cross generations both ways
            generation = "new" if generation == "old" else "old"
        pool = self.pools[(gender, generation)]
        return pool[int(rnd() * len(pool))]


class Days:
    """ISO strings and ID-number checksum parts for every day from 1920 to the generation day, by ordinal."""

    def __init__(self, last: date):
        self.first = date(1920, 1, 1).toordinal()
        self.last = last.toordinal()
        weights = idnumbers.WEIGHTS

        def part(text, offset):
            return sum(int(digit) * weight for digit, weight in zip(text, weights[offset:], strict=False))

        years = {year: part(f"{year:04d}", 6) for year in range(1920, last.year + 1)}
        months = [part(f"{month:02d}", 10) for month in range(13)]
        days = [part(f"{day:02d}", 12) for day in range(32)]
        iso, checks = [], []
        for ordinal in range(self.first, self.last + 1):
            day = date.fromordinal(ordinal)
            iso.append(day.isoformat())
            checks.append(years[day.year] + months[day.month] + days[day.day])
        self._iso = iso
        self._checks = checks

    def iso(self, ordinal: int) -> str:
        return self._iso[ordinal - self.first]

    def id_number(self, region: str, region_sum: int, ordinal: int, sequence: int) -> str:
        text = self._iso[ordinal - self.first]
        total = region_sum + self._checks[ordinal - self.first] + SEQUENCE_SUMS[sequence]
        return f"{region}{text[0:4]}{text[5:7]}{text[8:10]}{sequence:03d}{idnumbers.CHECK_CHARS[total % 11]}"


SEQUENCE_SUMS = tuple(
    sum(int(d) * w for d, w in zip(f"{n:03d}", idnumbers.WEIGHTS[14:17], strict=True)) for n in range(1000)
)


def region_sum(region: str) -> int:
    return sum(int(d) * w for d, w in zip(region, idnumbers.WEIGHTS[:6], strict=True))


def phone(rnd) -> str:
    return PHONE_PREFIXES[int(rnd() * len(PHONE_PREFIXES))] + f"{int(rnd() * 10**8):08d}"


ETHNICITY = Draw(ETHNICITIES)
DESTINATION = Draw(dict.fromkeys(DESTINATIONS, 1))
POST_DUTY = Draw(dict.fromkeys(POST_DUTIES, 1))

# Education of people joining now: the quota policy asks for half at senior high or above
# (QuotaPolicy.dev_educated_share).
Edu = Education
NEW_EDUCATION_YOUNG = Draw(
    {Edu.JUNIOR_HIGH: 24, Edu.SENIOR_HIGH: 34, Edu.JUNIOR_COLLEGE: 26, Edu.BACHELOR: 15, Edu.POSTGRADUATE: 1}
)
NEW_EDUCATION_OLDER = Draw({Edu.PRIMARY: 6, Edu.JUNIOR_HIGH: 52, Edu.SENIOR_HIGH: 30, Edu.JUNIOR_COLLEGE: 12})

COUNTY_SYLLABLES = "安平清河永宁东阳新华兴隆丰宁怀来崇礼阳原蔚涿鹿赤城康保沽源尚义张北万全宣化围场隆化滦平承德宽城青龙昌黎卢龙抚宁乐亭迁西玉田遵化唐海滦南"  # noqa: E501
TOWNSHIP_SYLLABLES = "东西南北大小前后上下红黄白石马牛羊柳杨榆桑枣杏梨花草山河川沟湾坪堡营屯庄岭峪泉井坝滩台"
COMMUNITY_WORDS = (
    "阳光", "和平", "幸福", "建设", "文化", "新华", "胜利", "团结", "育才", "龙泉", "东关", "西关",
    "南苑", "北苑", "锦绣", "康乐", "民主", "振兴", "长青", "金山", "滨河", "花园", "光明", "迎宾",
    "人民", "丰泽", "安居", "裕民", "翠园", "惠民", "朝阳", "紫金", "怡和", "祥和", "泰和", "明珠",
)  # fmt: skip


def village_name(rnd) -> str:
    prefix = VILLAGE_PREFIXES[int(rnd() * len(VILLAGE_PREFIXES))]
    return f"{prefix}{VILLAGE_ROOTS[int(rnd() * len(VILLAGE_ROOTS))]}"


def enterprise_name(rnd, place: str) -> str:
    brand = ENTERPRISE_BRANDS[int(rnd() * len(ENTERPRISE_BRANDS))]
    trade = ENTERPRISE_TRADES[int(rnd() * len(ENTERPRISE_TRADES))]
    return f"{place}{brand}{trade}有限公司"


MEETING_TOPICS = {
    "assembly": (
        "学习贯彻党的二十大精神",
        "讨论发展党员",
        "通报村级重大事项",
        "选举支部委员",
        "传达上级会议精神",
    ),
    "committee": (
        "研究本月工作安排",
        "研究发展党员工作",
        "研究村集体经济项目",
        "研究困难群众帮扶",
        "研究人居环境整治",
    ),
    "group": ("学习党章党规", "组织党员学习", "讨论党员联系户情况", "开展谈心谈话", "学习惠民政策"),
    "lecture": (
        "书记讲党课：担当作为",
        "学习习近平新时代中国特色社会主义思想",
        "党史学习教育专题党课",
        "基层治理专题党课",
    ),
    "theme_day": (
        "主题党日：志愿服务",
        "主题党日：环境整治",
        "主题党日：重温入党誓词",
        "主题党日：走访慰问",
        "主题党日：政策宣讲",
    ),
    "life_meeting": ("年度组织生活会", "专题组织生活会"),
    "appraisal": ("民主评议党员",),
}
TRAINING_TOPICS = {
    "secretaries": ("村党组织书记集中轮训", "基层党组织书记示范培训班", "村书记乡村振兴专题培训"),
    "two_committees": ("村“两委”干部履职能力培训", "村干部依法办事培训", "村务监督与财务管理培训"),
    "members": ("党员冬春训", "农村党员集中轮训", "党员实用技术培训", "党章党规学习培训"),
    "villagers": (
        "马铃薯种植技术培训",
        "肉羊养殖技术培训",
        "电商直播带货培训",
        "农机操作安全培训",
        "防诈骗宣传讲座",
    ),
    "reserve": ("村级后备干部培训班", "后备干部跟班学习"),
}
CONCERNS = (
    "反映道路硬化问题", "咨询低保政策", "反映饮水不畅", "咨询养老保险缴费", "反映灌溉用水紧张",
    "咨询危房改造补助", "反映路灯损坏", "希望开展技术培训", "反映邻里宅基地纠纷", "咨询医保报销",
    "反映垃圾清运不及时", "希望发展特色产业", "咨询子女就学政策", "反映网络信号差",
)  # fmt: skip
FOLLOW_UPS = ("已上报乡镇", "已协调解决", "已联系相关部门", "已登记，持续跟进", "已当场解释政策")
REVIEW_TOPICS = {
    "committee_report": ("村委会向党支部报告上半年工作", "村委会向党支部报告年度工作"),
    "branch_report": ("党支部向党员大会报告上半年工作", "党支部向党员大会报告年度工作"),
    "member_review": ("党员评议村“两委”干部",),
    "representative_review": ("村民代表评议村“两委”干部",),
}
ROOM_NAMES = ("党员活动室", "党群服务中心", "党员之家")
