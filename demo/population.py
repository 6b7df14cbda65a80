"""What the demo county's party members look like, by field (village, community, institution, ...): names,
ethnicities, phones, ages, education, occupations, where migrant workers go and the posts given to members
without a job. ``demo.members`` draws the roster from these tables, and ``demo.scale.pools`` pre-draws the
scale tiers from the same shapes.

The shapes are those of rural party members: many old members with junior-high schooling or less, young
ones better educated, men the large majority in villages, migrant workers kept as mobile members with a
contact person, members without a job given a set post (设岗定责).
"""

import random

from branches.models import Organization
from branches.models import OrganizationField
from members.models import Education
from members.models import Gender
from members.models import Occupation

Field = OrganizationField
Edu = Education
Job = Occupation

COUNTY_REGION = "130799"  # not an assigned county code, so no demo ID number can be a real person's
OTHER_REGIONS = ("130702", "130703", "130705", "130722", "130723", "130725", "130728", "150102", "110105")

SURNAMES = {
    "王": 75, "李": 72, "张": 70, "刘": 58, "赵": 32, "杨": 30, "陈": 28, "郭": 20, "马": 18, "高": 18,
    "孙": 16, "田": 14, "武": 12, "白": 12, "贾": 11, "郝": 11, "吴": 10, "周": 10, "徐": 10, "胡": 9,
    "朱": 9, "何": 8, "韩": 8, "冯": 8, "于": 8, "董": 8, "曹": 7, "宋": 7, "许": 7, "乔": 7, "史": 7,
    "侯": 7, "常": 6, "阎": 6, "吕": 6, "苏": 6, "梁": 6, "孟": 6, "康": 5, "魏": 5, "薛": 5, "范": 5,
    "任": 5, "姜": 5, "石": 5, "姚": 5, "谢": 4, "崔": 4, "唐": 4, "邢": 4, "霍": 4, "杜": 4, "安": 4,
    "程": 4, "袁": 4, "卢": 3, "牛": 3, "段": 3, "齐": 3, "尹": 3, "秦": 3, "温": 3, "岳": 3, "申": 2,
}  # fmt: skip
# (first characters of two-character given names, characters that also stand alone as a given name)
GIVEN_NAME_CHARACTERS = {
    (Gender.MALE, "old"): (
        "国建志海明永福德文春玉占继振树长宝金",
        "林忠军华平山贵成发生庆和全瑞祥顺胜旺利喜",
    ),
    (Gender.MALE, "new"): ("子一嘉浩宇俊博家志晨天明", "轩宇杰航辰阳鹏磊强涛凯超辉飞帅鑫亮斌睿泽昊宁"),
    (Gender.FEMALE, "old"): ("秀淑玉桂凤春翠素彩爱金", "英兰珍芳华梅荣琴云霞莲萍花香"),
    (Gender.FEMALE, "new"): ("佳欣雨思梦诗子雅晓", "丽静敏燕艳娜婷颖雪晶慧琳悦怡涵萌璐倩蕾薇瑶"),
}
ETHNICITIES = {"汉族": 955, "满族": 20, "蒙古族": 18, "回族": 7}
PHONE_PREFIXES = (
    *(f"13{digit}" for digit in range(10)),
    "150", "151", "152", "155", "156", "157", "158", "159",
    *(f"18{digit}" for digit in range(10)),
)  # fmt: skip
DESTINATIONS = (
    "北京市朝阳区", "北京市大兴区", "北京市昌平区", "天津市滨海新区", "河北省张家口市桥东区",
    "河北省石家庄市长安区", "河北省唐山市路北区", "内蒙古自治区呼和浩特市赛罕区", "山西省大同市平城区",
    "上海市浦东新区", "广东省深圳市宝安区", "内蒙古自治区锡林郭勒盟锡林浩特市",
)  # fmt: skip
# The set posts the reference township gives members without a job, plus the usual village ones.
POST_DUTIES = (
    "红白理事会成员", "矛盾纠纷调解员", "护林防火巡查员", "禁赌协会成员", "移风易俗工作组成员",
    "政策宣传员", "环境卫生监督员", "治安巡逻员", "文明劝导员", "结对帮扶联系人", "村务监督联络员",
)  # fmt: skip

# (weight, youngest, oldest) age bands of full members; rural rolls are old: village branches are ageing.
AGE_BANDS = {
    Field.VILLAGE: ((12, 22, 34), (18, 35, 49), (32, 50, 64), (28, 65, 79), (10, 80, 90)),
    Field.COMMUNITY: ((15, 25, 39), (30, 40, 59), (40, 60, 79), (15, 80, 90)),
    Field.COOPERATIVE: ((30, 25, 39), (50, 40, 59), (20, 60, 70)),
    Field.INSTITUTION: ((25, 24, 34), (40, 35, 49), (35, 50, 59)),
    Field.SCHOOL: ((35, 24, 34), (40, 35, 49), (25, 50, 59)),
    None: ((40, 23, 34), (45, 35, 49), (15, 50, 58)),
}
# New members are mostly young: the quota policy asks for 70% of them under 35 (QuotaPolicy.dev_young_share).
PROBATIONARY_AGE_BANDS = ((55, 19, 28), (30, 29, 35), (15, 36, 45))
# A new member applied at 18 or later and spent over a year as an activist before the branch assembly, so
# they were at least this old (plus a few months) when admitted; ``demo.pipeline`` relies on it.
AGE_AT_ADMISSION = 19
MALE_SHARE = {
    Field.VILLAGE: 0.8,
    Field.COOPERATIVE: 0.8,
    Field.COMMUNITY: 0.55,
    Field.SCHOOL: 0.45,
    None: 0.6,
}

RURAL_EDUCATION = (  # (oldest age of the band, {education: weight}), ...
    (34, {Edu.JUNIOR_HIGH: 25, Edu.SENIOR_HIGH: 35, Edu.JUNIOR_COLLEGE: 25, Edu.BACHELOR: 15}),
    (49, {Edu.PRIMARY: 5, Edu.JUNIOR_HIGH: 50, Edu.SENIOR_HIGH: 30, Edu.JUNIOR_COLLEGE: 12, Edu.BACHELOR: 3}),
    (64, {Edu.PRIMARY: 20, Edu.JUNIOR_HIGH: 58, Edu.SENIOR_HIGH: 18, Edu.JUNIOR_COLLEGE: 4}),
    (200, {Edu.PRIMARY: 50, Edu.JUNIOR_HIGH: 42, Edu.SENIOR_HIGH: 8}),
)
EDUCATION = {
    Field.VILLAGE: RURAL_EDUCATION,
    Field.COOPERATIVE: RURAL_EDUCATION,
    Field.COMMUNITY: (
        (34, {Edu.SENIOR_HIGH: 15, Edu.JUNIOR_COLLEGE: 35, Edu.BACHELOR: 45, Edu.POSTGRADUATE: 5}),
        (49, {Edu.JUNIOR_HIGH: 15, Edu.SENIOR_HIGH: 35, Edu.JUNIOR_COLLEGE: 30, Edu.BACHELOR: 20}),
        (64, {Edu.JUNIOR_HIGH: 35, Edu.SENIOR_HIGH: 40, Edu.JUNIOR_COLLEGE: 15, Edu.BACHELOR: 10}),
        (200, {Edu.PRIMARY: 25, Edu.JUNIOR_HIGH: 45, Edu.SENIOR_HIGH: 25, Edu.JUNIOR_COLLEGE: 5}),
    ),
    Field.INSTITUTION: (
        (49, {Edu.JUNIOR_COLLEGE: 20, Edu.BACHELOR: 68, Edu.POSTGRADUATE: 12}),
        (200, {Edu.SENIOR_HIGH: 10, Edu.JUNIOR_COLLEGE: 40, Edu.BACHELOR: 48, Edu.POSTGRADUATE: 2}),
    ),
    Field.SCHOOL: ((200, {Edu.JUNIOR_COLLEGE: 15, Edu.BACHELOR: 75, Edu.POSTGRADUATE: 10}),),
    None: ((200, {Edu.SENIOR_HIGH: 25, Edu.JUNIOR_COLLEGE: 35, Edu.BACHELOR: 35, Edu.POSTGRADUATE: 5}),),
}
OCCUPATIONS = {
    Field.VILLAGE: (
        (59, {Job.FARMER: 55, Job.MIGRANT_WORKER: 30, Job.ENTERPRISE: 5, Job.OTHER: 5, Job.UNEMPLOYED: 5}),
        (200, {Job.FARMER: 85, Job.RETIRED: 8, Job.OTHER: 7}),
    ),
    Field.COMMUNITY: (
        (
            59,
            {
                Job.ENTERPRISE: 45,
                Job.PUBLIC_SECTOR: 10,
                Job.UNEMPLOYED: 15,
                Job.OTHER: 20,
                Job.MIGRANT_WORKER: 10,
            },
        ),
        (200, {Job.RETIRED: 85, Job.OTHER: 10, Job.UNEMPLOYED: 5}),
    ),
    Field.COOPERATIVE: ((200, {Job.FARMER: 70, Job.ENTERPRISE: 30}),),
    Field.INSTITUTION: ((200, {Job.PUBLIC_SECTOR: 1}),),
    Field.SCHOOL: ((200, {Job.PUBLIC_SECTOR: 1}),),
    Field.SOCIAL_ORG: ((200, {Job.OTHER: 50, Job.ENTERPRISE: 50}),),
    None: ((200, {Job.ENTERPRISE: 1}),),
}
VILLAGE_CADRES = (3, 5)  # members of a village branch who sit on the two committees
WITHOUT_JOB = frozenset({Job.FARMER, Job.RETIRED, Job.UNEMPLOYED, Job.OTHER})
RURAL_FIELDS = frozenset({Field.VILLAGE, Field.COMMUNITY, Field.COOPERATIVE})


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def by_age(bands, age: int) -> dict:
    return next(weights for oldest, weights in bands if age <= oldest)


def for_field(table: dict, branch: Organization):
    return table.get(branch.field, table[None])
