"""Static lists behind the demo data set: organisations, accounts, names and story templates
(the programs and categories are the real catalogue, app/programs/catalogue.py).

Every person, group, street, township, community, school and work unit below is invented;
only the city, its districts, its rivers and the programs are real.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.programs import catalogue

# Demo accounts all share this password (documented in the README for `make run`).
DEMO_PASSWORD = "luohe-demo"  # noqa: S105  # nosec B105 # the documented demo password

# Seed of the random generator behind the fictional registry: same seed, same data set.
SEED = 20150101

# The catalogue (categories, programs, feeds) is the real one: app/programs/catalogue.py.
# The category codes are re-exported for the registry generator and the benchmarks.
CLASSIC_CATEGORIES = catalogue.CLASSIC_CATEGORIES
YOUTH_CATEGORIES = catalogue.YOUTH_CATEGORIES

# --------------------------------------------------------------------------- organisations

CITY = ("luohe", "漯河市")
CITY_OFFICE = ("luohe-office", "漯河市文明办")

# (code, name, ((township name, (community names...)), ...)); streets, townships and
# communities are invented. Codes: <district>-s<i> and <district>-s<i>-c<j>.
DISTRICTS: tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "yuanhui",
        "源汇区",
        (
            ("澧滨街道", ("柳岸社区", "新华里社区", "澧兴社区")),
            ("槐荫街道", ("槐荫社区", "东园社区")),
            ("安澜镇", ("安澜村", "前李村", "河湾村")),
        ),
    ),
    (
        "yancheng",
        "郾城区",
        (
            ("临湖街道", ("临湖社区", "书香苑社区")),
            ("杏坛镇", ("杏坛村", "杨庄村", "北岗村")),
        ),
    ),
    (
        "zhaoling",
        "召陵区",
        (
            ("青枫街道", ("青枫社区", "和平里社区")),
            ("麦香镇", ("麦香村", "王楼村", "柳林村")),
            ("清泉乡", ("清泉村", "白杨村")),
        ),
    ),
    (
        "wuyang",
        "舞阳县",
        (
            ("春晖街道", ("春晖社区", "泉水社区")),
            ("桃源镇", ("桃源村", "吴岗村", "南湾村")),
        ),
    ),
    (
        "linying",
        "临颍县",
        (
            ("颍秀街道", ("颍秀社区", "新城社区", "东关社区")),
            ("椒香镇", ("椒香村", "大郭村")),
            ("丰禾乡", ("丰禾村", "小张村")),
        ),
    ),
    (
        "jingkai",
        "经济技术开发区",
        (
            ("兴业街道", ("兴业社区", "创新社区")),
            ("嘉禾街道", ("嘉禾社区", "和美社区")),
        ),
    ),
    (
        "xicheng",
        "西城区",
        (
            ("澧西街道", ("澧西社区", "银杏社区")),
            ("松岗镇", ("松岗村", "孟庄村", "西湖村")),
        ),
    ),
    (
        "chengxiang",
        "城乡一体化示范区",
        (
            ("明珠街道", ("明珠社区", "锦绣社区")),
            ("湖畔街道", ("湖畔社区", "临河社区", "春华社区")),
        ),
    ),
)

HOSPITAL = "漯河市康济医院"
BUS_COMPANY = "漯河市润通公交有限公司"
FOOD_COMPANY = "漯河市澧河食品有限公司"
MEDIA = "漯河澧风融媒体中心"

# Work units, media outlet and offices besides the city office: (code, name, kind, parent).
OTHER_ORGS: tuple[tuple[str, str, str, str], ...] = (
    ("luohe-hospital", HOSPITAL, "work_unit", "luohe"),
    ("luohe-bus", BUS_COMPANY, "work_unit", "luohe"),
    ("luohe-food", FOOD_COMPANY, "work_unit", "luohe"),
    ("yancheng-school", "郾城区明德实验学校", "work_unit", "yancheng"),
    ("linying-clinic", "临颍县惠民中心卫生院", "work_unit", "linying"),
    ("luohe-media", MEDIA, "media", "luohe"),
)

# --------------------------------------------------------------------------- history span

# The fictional registry's local monthly lists run up to this month (inclusive).
LAST_LUOHE_GOOD_MONTH = (2026, 9)
TOP_TEN_MONTHS = ((2026, 1), (2026, 9))  # first and last month with 十佳市民 honorees

# The published lists of the history that are held as cycles (their honors are linked to
# them and each went through a committee vote): (program, period).
HISTORY_CYCLES: tuple[tuple[str, str], ...] = (
    ("luohe_good", "2026-09"),
    ("top_ten_citizens", "2026-09"),
)

# The live sample cycles (services.live_cycles) honour periods around the day the demo is
# loaded, never one before this month: the history's lists end just before it.
FIRST_LIVE_MONTH = (2026, 12)

# --------------------------------------------------------------------------- accounts

# (username, display name, roles, organisation code)
USERS: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = (
    ("demo-admin", "系统管理员", ("admin", "staff"), "luohe-office"),
    ("demo-staff", "文明办 王秘书", ("staff",), "luohe-office"),
    ("demo-nominator", "柳岸社区 推荐员", ("nominator",), "yuanhui-s1-c1"),
    ("demo-nominator2", "颍秀社区 推荐员", ("nominator",), "linying-s1-c1"),
    ("demo-committee", "评委 周明远", ("committee",), None),
    ("demo-committee2", "评委 孙慧敏", ("committee",), None),
    ("demo-committee3", "评委 郭建平", ("committee",), None),
    ("demo-committee4", "评委 冯秀兰", ("committee",), None),
    ("demo-committee5", "评委 韩立群", ("committee",), None),
    ("demo-committee6", "评委 曹文静", ("committee",), None),
    ("demo-committee7", "评委 邓国栋", ("committee",), None),
)

# --------------------------------------------------------------------------- names

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
GIVEN_MALE = "建国军伟强磊洋勇杰涛明超辉刚平俊峰鹏华春宏志忠振海林东文庆德宝山成永新广"
GIVEN_FEMALE = "秀英兰芳娟霞玲丽梅桂凤敏静燕红艳萍琴雪慧云莉翠荣淑珍月娥巧玉春爱晓"
GIVEN_CHILD_MALE = "子浩宇轩博睿梓涵一铭泽晨阳皓然思远嘉航"
GIVEN_CHILD_FEMALE = "梓萱欣怡雨涵诗琪可馨思彤佳悦若曦语桐沐瑶"
# Combinations that happen to be well-known people are skipped.
NAME_BLOCKLIST = frozenset(
    {
        "刘德华",
        "张学友",
        "李连杰",
        "王志文",
        "刘晓庆",
        "李小龙",
        "张国荣",
        "王宝强",
        "杨丽萍",
        "李宇春",
        "周杰伦",
        "张海迪",
        "雷锋",
        "焦裕禄",
        "王杰",
        "李秀英",
        "张桂梅",
        "黄文秀",
    }
)

ETHNICITIES = ("汉族",) * 19 + ("回族",)
EDUCATION = ("小学", "初中", "初中", "高中", "中专", "大专", "本科", "本科")
POLITICAL = ("群众", "群众", "群众", "中共党员", "中共党员", "共青团员")

RIVERS = ("沙河", "澧河", "颍河")

PRIMARY_SCHOOLS = (
    "源汇区育英小学",
    "郾城区启明小学",
    "召陵区春蕾小学",
    "舞阳县晨光小学",
    "临颍县明德小学",
    "西城区博雅小学",
)
MIDDLE_SCHOOLS = ("漯河市澧滨中学", "郾城区明德实验学校", "临颍县颍秀初级中学", "舞阳县春晖中学")
HIGH_SCHOOLS = ("漯河市嘉禾高级中学", "临颍县颍秀高级中学")
# Grade by age at the reference date.
GRADES = {
    7: "一年级学生",
    8: "二年级学生",
    9: "三年级学生",
    10: "四年级学生",
    11: "五年级学生",
    12: "六年级学生",
    13: "七年级学生",
    14: "八年级学生",
    15: "九年级学生",
    16: "高一学生",
    17: "高二学生",
}

# --------------------------------------------------------------------------- story templates
#
# Placeholders: {name} {he} (他/她) {elder} (大哥/大姐) {relative} {community} {committee}
# (居委会/村委会 of the community) {township} {district} {year} (year of the deed) {start_year}
# {years} {num} {amount} {river} {media} {unit} {post}; youth add {school} {grade} {age};
# groups add {leader} {size}.


@dataclass(frozen=True)
class StoryTemplate:
    key: str
    category: str
    headline: str
    summary: str
    story: str
    posts: tuple[tuple[str, str | None], ...] = (("{committee}", "居民"),)
    gender: str | None = None  # "male", "female" or None for either
    age: tuple[int, int] = (32, 70)  # age at the first honor
    years: tuple[int, int] = (8, 25)
    num: tuple[int, int] = (10, 60)
    relatives: tuple[str, str] = ("", "")  # (for a man, for a woman)
    amounts: tuple[str, ...] = ("",)  # {amount} choices, in 万元


PERSON_TEMPLATES: tuple[StoryTemplate, ...] = (
    StoryTemplate(
        "elderly_meals",
        "altruistic",
        "{years}年为独居老人送餐上门的“爱心{elder}”",
        "{name}是{district}{township}{community}的一名普通居民。{years}年来，{he}坚持为社区里的"
        "独居、高龄老人送饭上门，帮他们买药、打扫卫生，先后照顾过的老人有{num}位。在{he}的"
        "带动下，社区成立了爱心助老志愿服务小组，越来越多的居民加入进来。",
        "{name}家住{township}{community}。{start_year}年，{he}偶然发现楼下一位独居老人因腿脚"
        "不便，常常一天只吃一顿饭。从那天起，{he}每天多做一份饭菜，给老人送去。\n\n"
        "### 一份饭菜，一送就是{years}年\n\n"
        "这一送，就是{years}年。{years}年里，{he}照顾过的独居、高龄老人先后有{num}位。谁家的"
        "水管坏了，谁需要去医院复查，谁的子女在外地打工顾不上，{he}心里都有一本账。{he}常说："
        "“谁都有老的那一天，帮人就是帮自己。”\n\n"
        "### 带动更多人加入\n\n"
        "在{he}的影响下，{community}成立了爱心助老志愿服务小组，已有三十多名居民参与：\n\n"
        "- 每周为独居老人上门打扫卫生、理发\n"
        "- 逢年过节组织老人一起包饺子、过生日\n"
        "- 建立老人紧急联系人名单，做到有事随叫随到\n\n"
        "如今，{name}已经成为老人们口中最亲的“{elder}”。",
        posts=(("{committee}", "志愿者"), ("退休职工", None)),
        age=(48, 72),
        years=(8, 20),
        num=(12, 40),
    ),
    StoryTemplate(
        "free_haircut",
        "altruistic",
        "走村入户{years}年，为老人和残疾人义务理发",
        "{name}在{township}经营着一家小理发店。{years}年来，{he}每月固定抽出两天时间，走村入户"
        "为行动不便的老人、残疾人和困难群众义务理发，累计服务超过{num}00人次，从未收过一分钱。",
        "{name}的理发店不大，只有两把椅子，却是{township}远近闻名的“爱心小店”。店门口的小黑板"
        "上写着：“七十岁以上老人、残疾人理发免费。”\n\n"
        "### 背着工具箱走村入户\n\n"
        "{start_year}年起，{he}发现不少老人腿脚不便，来不了店里，便背上工具箱，每月两次骑着"
        "电动车到周边村里上门服务。夏天顶着烈日，冬天冒着寒风，{years}年来从未间断。"
        "累计服务超过{num}00人次，{he}没有收过一分钱，还常常自掏腰包给老人带去米面油。\n\n"
        "### “手艺是用来帮人的”\n\n"
        "有人劝{he}：“你这样图个啥？”{name}笑着说：“我就会这一门手艺，能帮一个是一个。”"
        "在{he}的带动下，{township}已有十多位理发师加入了义务理发的行列，{media}也多次报道"
        "了{he}的故事。",
        posts=(("个体经营者", "理发师"),),
        age=(35, 62),
        years=(8, 22),
        num=(20, 90),
    ),
    StoryTemplate(
        "blood_donor",
        "altruistic",
        "无偿献血{num}次的“热血”{post}",
        "{name}是{unit}的一名{post}。自{start_year}年第一次献血以来，{he}已累计无偿献血{num}次，"
        "献血量相当于一个成年人全身血量的数倍；{he}还加入了中华骨髓库，并动员身边同事参加献血。",
        "{start_year}年，{name}在街头看到献血车前的宣传板：“您的一次献血，可能挽救一个生命。”"
        "{he}毫不犹豫地挽起了袖子。从那以后，献血成了{he}生活中的一件“固定的事”。\n\n"
        "### 坚持{years}年的约定\n\n"
        "{years}年来，{he}累计献血{num}次，其中多次是捐献机采血小板。为了保证血液质量，{he}"
        "戒了烟，每天坚持锻炼，饮食也格外注意。每逢血库告急，血站的工作人员第一个想到的就是"
        "{he}。\n\n"
        "### 把爱心传递给更多人\n\n"
        "{he}还加入了中华骨髓库，并在单位里发起“热血同行”献血小组，带动身边三十多名同事"
        "成为固定献血者。{name}说：“献血对我来说只是举手之劳，但对病人来说，可能就是活下去"
        "的希望。”",
        posts=((BUS_COMPANY, "驾驶员"), (FOOD_COMPANY, "质检员"), (FOOD_COMPANY, "车间主任")),
        age=(32, 55),
        years=(10, 25),
        num=(40, 120),
    ),
    StoryTemplate(
        "drowning_child",
        "brave",
        "纵身跳入{river}，救起落水儿童",
        "{year}年夏天，{name}在{river}岸边散步时发现一名儿童落水，{he}来不及脱下外衣便跳入"
        "河中，将孩子托上岸边，又配合赶来的群众进行急救，孩子转危为安。事后{he}悄然离开，"
        "孩子家人多方寻找才找到了{he}。",
        "{year}年夏天的一个傍晚，{name}像往常一样在{river}岸边散步。突然，河边传来“有孩子"
        "掉水里了”的呼救声。\n\n"
        "### 危急时刻挺身而出\n\n"
        "{name}循声望去，只见一名约七八岁的男孩在离岸十多米的水中挣扎。{he}来不及多想，甩掉"
        "鞋子便跳进了河里。河水湍急，{he}奋力游到孩子身边，一手托住孩子，一手划水，用了将近"
        "十分钟才把孩子推到岸边。岸上的群众接过孩子，{name}顾不上自己浑身湿透，和大家一起为"
        "孩子控水、保暖，直到急救车赶到。\n\n"
        "### 不愿留名的救人者\n\n"
        "孩子脱险后，{name}悄悄离开了现场。孩子的家人多方打听，才在{community}找到了{he}。"
        "面对感谢，{he}只说：“换了谁都会这么做，孩子没事就好。”\n\n"
        "- 平时热心社区事务，多次参加防溺水宣传\n"
        "- 事迹经{media}报道后，在全市引起广泛反响",
        posts=(("{committee}", "居民"), (FOOD_COMPANY, "职工"), ("个体经营者", None)),
        age=(24, 58),
    ),
    StoryTemplate(
        "fire_rescue",
        "brave",
        "冲进浓烟，从火场中背出被困老人",
        "{year}年冬天，{community}一户居民家中突发火灾，一位八旬老人被困屋内。路过的{name}"
        "用湿毛巾捂住口鼻冲进浓烟，摸索着找到老人并将其背出火场，自己的手臂和脸部却被"
        "烧伤。",
        "那是{year}年冬天的一个清晨。{name}骑车路过{community}时，看到一户人家的窗口冒出"
        "滚滚浓烟，有邻居在喊：“屋里还有老人！”\n\n"
        "### 三进三出的几分钟\n\n"
        "{name}把车一扔，接过邻居递来的湿毛巾捂住口鼻，弯着腰冲进屋里。浓烟中什么都看不清，"
        "{he}只能贴着墙一点点摸索，终于在卧室床边找到了已经昏迷的老人。{he}把老人背起来，"
        "跌跌撞撞冲出门外，又返回屋里关掉了燃气阀门。\n\n"
        "等消防车赶到时，老人已经被送上救护车。{name}的手臂和脸部多处被烧伤，却一直说自己"
        "“没事”。\n\n"
        "### 邻里眼中的热心人\n\n"
        "在{community}，{name}是出了名的热心人：谁家有事，{he}总是第一个到。老人出院后，"
        "家属专程送来锦旗，上面写着：“危难之中显身手，舍己救人见真情。”",
        posts=(("{committee}", "居民"), (BUS_COMPANY, "维修工"), ("个体经营者", "货车司机")),
        gender="male",
        age=(26, 55),
    ),
    StoryTemplate(
        "thief_chase",
        "brave",
        "勇追抢包歹徒，协助民警将其抓获",
        "{year}年，{name}在{township}街头目睹一名男子抢夺路人挎包后逃跑。{he}立即追赶数百米，"
        "在群众协助下将歹徒拦截，并一直控制到民警赶到，被抢财物全部追回，{he}自己却在搏斗中"
        "受了伤。",
        "{year}年春天的一个午后，{name}正在{township}的一家超市门口等人，忽然听见一声尖叫："
        "“抢包了！”只见一名男子拽着一个挎包飞快地向巷子里跑去。\n\n"
        "### 追出去的那几百米\n\n"
        "{name}没有丝毫犹豫，拔腿就追。歹徒慌不择路，翻过一道矮墙，{he}也跟着翻了过去。"
        "追出四百多米后，{he}终于把歹徒扑倒在地。歹徒掏出随身携带的小刀乱挥，{name}的手掌被"
        "划伤，却始终没有松手。闻讯赶来的群众一起帮忙，把歹徒控制住，直到民警赶到。\n\n"
        "### “看见了就不能不管”\n\n"
        "被抢的挎包里有失主刚取的救命钱，全部被追回。事后，公安机关为{name}申报了见义勇为"
        "奖励。{he}却说：“看见了就不能不管，要是大家都不管，坏人就更猖狂了。”",
        posts=((FOOD_COMPANY, "保安"), ("个体经营者", "外卖骑手"), ("{committee}", "居民")),
        gender="male",
        age=(22, 48),
    ),
    StoryTemplate(
        "lost_money",
        "honest",
        "拾得{amount}万元现金，苦等失主完璧归赵",
        "{name}是一名出租车司机。{year}年，{he}在车后座发现乘客遗落的手提包，内有现金{amount}万元"
        "和多张银行卡。{he}放弃营运，辗转多处寻找失主，终于将财物如数归还，婉拒了失主的酬谢。",
        "{year}年的一个雨夜，{name}收车前清理车厢时，在后座发现了一个黑色手提包。打开一看，"
        "里面装着厚厚几沓现金，足有{amount}万元，还有身份证和几张银行卡。\n\n"
        "### 一夜没合眼的寻找\n\n"
        "{name}回想起，这位乘客是在火车站下的车，说话带着外地口音。{he}顾不上吃饭，先把车开"
        "回火车站附近等候，又联系出租车调度台发布寻人信息。直到深夜，失主仍没有消息，{he}"
        "便带着手提包来到派出所求助。\n\n"
        "第二天一早，失主终于被找到。原来这是他给住院的母亲筹来的手术费，丢失后急得一夜未眠。"
        "失主拿出两千元表示感谢，被{name}婉言谢绝。\n\n"
        "### 开车{years}年的“老规矩”\n\n"
        "开出租车{years}年来，{name}归还乘客遗失的手机、钱包等物品已有{num}次。{he}说："
        "“不是自己的，一分也不能要，这是做人的本分。”",
        posts=(("个体经营者", "出租车司机"),),
        age=(35, 60),
        years=(8, 20),
        num=(15, 60),
        amounts=("1.2", "2.6", "3.5", "5", "8.6"),
    ),
    StoryTemplate(
        "repay_debts",
        "honest",
        "{years}年替已故{relative}偿还{amount}万元欠款",
        "{start_year}年，{name}的{relative}因病去世，留下{amount}万元债务。许多债主没有借条，"
        "{he}却按照{relative}留下的账本逐一登门，承诺“人走债不烂”。{years}年来，{he}省吃俭用，"
        "终于还清了最后一笔欠款。",
        "{start_year}年，{name}的{relative}突发重病去世，留下了一本记得密密麻麻的账本：为了"
        "办养殖场，前前后后向亲戚、乡邻借了{amount}万元。\n\n"
        "### “账本上的每一笔，都要还”\n\n"
        "料理完后事，{name}拿着账本，挨家挨户登门。许多乡亲当初借钱时没打借条，劝{he}"
        "“先顾好自己的日子”。{name}却说：“人走了，债不能烂。账本上的每一笔，我都要还。”\n\n"
        "为了还债，{he}白天在{township}的工厂上班，晚上做手工活，农忙时还帮人收麦子。"
        "家里舍不得买新衣服，孩子上学的学费也是一点点攒出来的。\n\n"
        "### {years}年还清最后一笔\n\n"
        "{year}年春节前，{name}把最后一笔欠款送到了债主家中。那位老人拉着{he}的手说："
        "“这钱我早就不打算要了，你这样的人，值得大家信任。”如今，{name}的诚信故事在"
        "{township}家喻户晓。",
        posts=(("{committee}", "村民"), (FOOD_COMPANY, "工人")),
        age=(40, 68),
        years=(5, 15),
        num=(10, 30),
        relatives=("父亲", "丈夫"),
        amounts=("12", "18", "26", "35", "42"),
    ),
    StoryTemplate(
        "honest_scale",
        "honest",
        "诚信经营{years}年，一杆“良心秤”从不缺斤短两",
        "{name}在{township}农贸市场经营一个蔬菜摊位已有{years}年。{he}的秤从不缺斤短两，"
        "卖菜从不以次充好，遇到老人和困难群众还主动让利，被街坊邻居称为“良心秤”。",
        "走进{township}农贸市场，最热闹的摊位之一就是{name}的蔬菜摊。摊位上挂着一块小木牌："
        "“缺一两，赔一斤。”\n\n"
        "### 一杆秤，称出良心\n\n"
        "{years}年前，{name}刚开始摆摊时就给自己定下规矩：秤要准，菜要新鲜，价要公道。每天"
        "凌晨，{he}到批发市场进货，不新鲜的菜宁可扔掉也不卖。有一次顾客多付了五十元，{he}"
        "追出两条街把钱退了回去。\n\n"
        "### 街坊邻居的信任\n\n"
        "{name}的摊位前常常排起长队，不少老顾客一买就是十几年：\n\n"
        "- 老人买菜，{he}总是多送一把葱\n"
        "- 困难家庭来买菜，{he}悄悄少算钱\n"
        "- 疫情期间，{he}坚持平价供应，还为隔离家庭送菜上门\n\n"
        "“做生意就像做人，实实在在才能长久。”这是{name}常挂在嘴边的话。",
        posts=(("个体经营者", "蔬菜经营户"),),
        age=(38, 66),
        years=(10, 28),
    ),
    StoryTemplate(
        "village_doctor",
        "dedicated",
        "扎根乡村{years}年，守护乡亲健康的“赤脚医生”",
        "{name}是{community}卫生室的乡村医生。{years}年来，{he}背着药箱走遍了全村的每一户"
        "人家，随叫随到，为留守老人和慢性病患者建立健康档案，累计出诊上万次，被乡亲们亲切地"
        "称为“家门口的好医生”。",
        "{start_year}年，从卫校毕业的{name}放弃了在城里工作的机会，回到家乡{community}，"
        "成了一名乡村医生。这一干，就是{years}年。\n\n"
        "### 一个药箱，走遍千家万户\n\n"
        "村里留守老人多，慢性病患者多，{name}就为每一位老人建立了健康档案，定期上门测血压、"
        "测血糖。无论白天黑夜、刮风下雨，只要乡亲们一个电话，{he}背起药箱就出门。{years}年来，"
        "{he}累计出诊上万次，骑坏了{num}辆自行车和电动车。\n\n"
        "### “乡亲们需要我”\n\n"
        "有人劝{he}到城里的大医院去，收入更高，条件更好。{name}总是摇头：“我走了，"
        "村里的老人看病就难了。乡亲们需要我。”\n\n"
        "- 坚持为困难群众减免医药费\n"
        "- 利用业余时间宣讲健康知识\n"
        "- 带出了两名年轻的乡村医生",
        posts=(("{community}卫生室", "乡村医生"),),
        age=(42, 68),
        years=(15, 35),
        num=(4, 9),
    ),
    StoryTemplate(
        "rural_teacher",
        "dedicated",
        "坚守乡村讲台{years}年，点亮山里娃的求学路",
        "{name}是{township}中心小学的一名教师。{years}年来，{he}扎根乡村学校，一人兼教多门"
        "课程，资助困难学生，开办“留守儿童之家”，教过的学生有{num}0多名考上了大学。",
        "{start_year}年，二十出头的{name}来到{township}中心小学任教。那时的学校只有几排平房，"
        "冬天教室漏风，{he}和学生们一起用塑料布把窗户封好。\n\n"
        "### 一人兼教多门课\n\n"
        "学校缺老师，{name}就一人兼教语文、数学和音乐，还自学了书法和剪纸，把课堂变得有声"
        "有色。学校留守儿童多，{he}便开办了“留守儿童之家”，周末陪孩子们读书、写作业，"
        "帮他们和在外打工的父母视频通话。\n\n"
        "### 桃李满园\n\n"
        "{years}年来，{name}教过的学生中，已有{num}0多名考上了大学，有的学成后又回到家乡"
        "当了老师。{he}还先后资助了二十多名困难学生。{he}说：“只要孩子们需要，我就会一直"
        "站在这三尺讲台上。”",
        posts=(("{township}中心小学", "教师"),),
        age=(38, 60),
        years=(15, 35),
        num=(3, 9),
    ),
    StoryTemplate(
        "street_cleaner",
        "dedicated",
        "凌晨四点的“城市美容师”，{years}年守护街道整洁",
        "{name}是{district}的一名环卫工人。{years}年来，{he}每天凌晨四点上岗，负责的路段始终"
        "干净整洁；{he}多次拾到财物交还失主，还主动为过往行人指路、帮扶摔倒的老人。",
        "每天凌晨四点，当城市还在沉睡，{name}已经拿起扫帚，出现在{township}的街道上。这样的"
        "清晨，{he}已经度过了{years}年。\n\n"
        "### 扫帚下的责任\n\n"
        "{name}负责的路段有两公里多长，人流量大，垃圾多。{he}每天要来回清扫六七遍，"
        "遇到雨雪天气更是忙个不停。{years}年来，{he}的路段多次被评为“示范路段”。\n\n"
        "### 平凡岗位上的善举\n\n"
        "清扫之余，{name}还是路人眼中的热心人：\n\n"
        "- 先后拾到钱包、手机等物品{num}余次，全部交还失主\n"
        "- 冬天为同事和路人准备热水\n"
        "- 多次帮扶摔倒的老人、迷路的孩子\n\n"
        "{he}说：“街道干净了，大家走着舒心，我心里也高兴。”",
        posts=(("{district}环卫中心", "环卫工人"),),
        age=(42, 62),
        years=(8, 25),
        num=(10, 40),
    ),
    StoryTemplate(
        "icu_nurse",
        "dedicated",
        "守护生命{years}年的白衣天使",
        "{name}是{unit}的一名{post}。从业{years}年来，{he}始终坚守临床一线，参与抢救危重病人"
        "上千人次；疫情期间{he}主动请战，连续数十天坚守隔离病区，是同事们眼中的“定海神针”。",
        "{start_year}年，{name}从护理学校毕业，来到{unit}工作。从普通护士到{post}，{he}在"
        "临床一线一干就是{years}年。\n\n"
        "### 把病人当亲人\n\n"
        "重症病房里的病人大多无法自理，{name}和同事们为他们翻身、擦洗、喂饭，一丝不苟。"
        "有位独居老人住院期间没有家属陪护，{he}下班后常常留下来陪老人说话，还自掏腰包给"
        "老人买营养品。\n\n"
        "### 关键时刻冲在前面\n\n"
        "疫情期间，{name}第一个在请战书上按下红手印，连续数十天坚守隔离病区。{he}说："
        "“我是一名护士，这个时候不上，什么时候上？”\n\n"
        "- 参与抢救危重病人上千人次\n"
        "- 带教年轻护士{num}名\n"
        "- 多次被评为医院优秀护理工作者",
        posts=((HOSPITAL, "护士长"), (HOSPITAL, "主管护师"), ("临颍县惠民中心卫生院", "护士长")),
        gender="female",
        age=(32, 55),
        years=(10, 28),
        num=(20, 80),
    ),
    StoryTemplate(
        "paralysed_parent",
        "filial",
        "{years}年如一日照顾瘫痪在床的{relative}",
        "{start_year}年，{name}的{relative}突发脑梗，从此瘫痪在床。{years}年来，{he}每天为老人"
        "翻身、擦洗、喂饭、按摩，老人从未生过褥疮。{he}用{years}年的坚守诠释了孝老爱亲的"
        "传统美德。",
        "{start_year}年冬天，{name}的{relative}突发脑梗，虽然抢救了过来，却从此瘫痪在床，"
        "生活完全不能自理。从那天起，照顾老人的重担落在了{name}的肩上。\n\n"
        "### 床前{years}年\n\n"
        "每天早上五点多，{name}就起床为老人擦洗、换衣、喂饭。老人吞咽困难，{he}就把饭菜"
        "打成糊，一勺一勺地喂。为了防止老人生褥疮，{he}每隔两个小时就为老人翻一次身，"
        "夜里也不例外。{years}年来，老人身上从没生过一次褥疮。\n\n"
        "### 苦中也有甜\n\n"
        "家里条件不好，{name}一边照顾老人，一边在附近打零工补贴家用。有人问{he}累不累，"
        "{he}笑着说：“一家人，谁还没个难处？老人把我们养大，现在该我们照顾老人了。”\n\n"
        "在{name}的影响下，{he}的孩子也懂事孝顺，放学回家就帮着照顾老人。这个家被"
        "{community}评为“文明家庭”。",
        posts=(("{committee}", "居民"), ("{committee}", "村民")),
        age=(45, 68),
        years=(10, 22),
        relatives=("父亲", "婆婆"),
    ),
    StoryTemplate(
        "raising_siblings",
        "filial",
        "父母早逝，{he}扛起抚养弟妹的重担",
        "{start_year}年，{name}的父母相继离世，留下三个年幼的弟弟妹妹。年仅十九岁的{he}"
        "放弃学业，外出打工、种地养家，把弟弟妹妹抚养成人并供他们读完大学，自己却一再推迟"
        "了婚期。",
        "{start_year}年，{name}的家庭遭遇了接连的变故：父亲在一次意外中去世，不久母亲也因病"
        "离世。家里只剩下{he}和三个年幼的弟弟妹妹，最小的才六岁。\n\n"
        "### 十九岁撑起一个家\n\n"
        "那一年，{name}只有十九岁。亲戚们劝{he}把弟妹送人抚养，{he}却咬着牙说：“只要有我在，"
        "这个家就不能散。”{he}放弃了学业，白天种地，晚上到{township}的小作坊打工，把省下的"
        "每一分钱都用在了弟妹身上。\n\n"
        "### 长姐如母，长兄如父\n\n"
        "{years}年过去，三个弟弟妹妹都读完了大学，有了体面的工作。{name}却一再推迟自己的婚期，"
        "直到最小的妹妹参加工作。如今，弟妹们常说：“没有{he}，就没有我们的今天。”",
        posts=(("{committee}", "村民"), (FOOD_COMPANY, "职工")),
        age=(36, 55),
        years=(12, 25),
    ),
    StoryTemplate(
        "ill_spouse",
        "filial",
        "不离不弃，{years}年悉心照料患病的{relative}",
        "{start_year}年，{name}的{relative}被确诊患上尿毒症，此后每周需要透析三次。{years}年来，"
        "{he}一边打工挣钱，一边陪护就医，从未放弃，撑起了这个风雨飘摇的家。",
        "{start_year}年，一纸诊断书打破了{name}一家平静的生活：{relative}被确诊患上尿毒症，"
        "需要长期透析治疗。\n\n"
        "### 每周三次的透析路\n\n"
        "从此，每周一、三、五，{name}都会骑着电动车，载着{relative}去医院透析。{years}年来，"
        "这条路{he}走了上千趟。高昂的医药费让家里债台高筑，{he}就同时打两份工，白天在"
        "{township}的工厂上班，晚上做手工活。\n\n"
        "### “有家就有希望”\n\n"
        "{relative}几次想放弃治疗，都被{name}劝了回来：“咱们是一家人，只要你在，家就在。”"
        "在{he}的照顾下，{relative}的病情一直比较稳定。社区和乡邻也纷纷伸出援手：\n\n"
        "- {committee}为这个家庭申请了救助\n"
        "- 邻居们轮流帮忙接送孩子上学\n"
        "- {media}报道后，不少爱心人士送来捐款",
        posts=(("{committee}", "居民"), ("{committee}", "村民")),
        age=(38, 62),
        years=(8, 20),
        relatives=("妻子", "丈夫"),
    ),
)

YOUTH_TEMPLATES: tuple[StoryTemplate, ...] = (
    StoryTemplate(
        "book_lover",
        "diligent",
        "爱读书、善思考的“小书虫”",
        "{name}是{school}{grade}。{he}热爱阅读，三年来读完了{num}0多本书，写下读书笔记十余万字；"
        "{he}还在班级发起“图书漂流”活动，带动同学们一起爱上阅读。",
        "在{school}，{name}是同学们眼中的“小书虫”。课间、午休，总能看到{he}捧着一本书读得"
        "津津有味。\n\n"
        "### 读书，也思考\n\n"
        "{name}不仅爱读书，还爱思考。每读完一本书，{he}都会写下读书笔记，记录自己的收获和"
        "疑问。三年来，{he}读完了{num}0多本书，读书笔记写了十余万字。{he}的作文多次在市级"
        "比赛中获奖。\n\n"
        "### 让更多同学爱上阅读\n\n"
        "{name}在班里发起了“图书漂流”活动：\n\n"
        "- 每位同学捐出一本好书，在班级书架上轮流借阅\n"
        "- 每月举办一次读书分享会\n"
        "- 为{community}的留守儿童捐赠图书两百多册\n\n"
        "老师说：“{name}让我们看到了阅读的力量。”",
        age=(9, 15),
        num=(2, 5),
    ),
    StoryTemplate(
        "caring_for_mother",
        "self_reliant",
        "照顾患病母亲、品学兼优的阳光少年",
        "{name}是{school}{grade}。父亲早年外出务工，母亲患重病卧床，{he}从小就学会了做饭、"
        "洗衣、照顾母亲，却从未落下功课，成绩一直名列前茅，是同学们学习的榜样。",
        "每天清晨五点半，{name}就起床了。{he}要先给卧病在床的母亲做好早饭、喂完药，"
        "再赶去{school}上学。\n\n"
        "### 小小肩膀扛起家\n\n"
        "{name}八岁那年，母亲被查出患有重病，从此卧床不起。父亲常年在外务工，家里的担子就"
        "落在了{he}小小的肩膀上。做饭、洗衣、打扫卫生、陪母亲复查，{he}样样都会。\n\n"
        "### 困境中不放弃\n\n"
        "生活虽然艰难，{name}却从没落下功课。{he}利用一切时间学习，成绩一直名列前茅，还担任"
        "班长。{he}说：“妈妈照顾了我，现在该我照顾妈妈了。我要好好学习，将来当一名医生。”"
        "{committee}和学校的老师们也一直关心着这个坚强的孩子。",
        age=(10, 17),
    ),
    StoryTemplate(
        "little_volunteer",
        "public_spirited",
        "热心公益的“小小志愿者”",
        "{name}是{school}{grade}。从{start_year}年起，{he}跟随父母参加社区志愿服务，"
        "累计服务时长超过{num}0小时；{he}还发起“零花钱捐助”活动，帮助山区同龄人。",
        "在{community}，大家都认识这个戴着小红帽的孩子——{name}。周末和假期，{he}总会出现在"
        "社区的志愿服务现场。\n\n"
        "### 志愿服务的“老队员”\n\n"
        "从{start_year}年起，{name}就跟着父母参加志愿服务：为独居老人读报、在路口劝导文明"
        "出行、清理小区里的小广告。几年下来，{he}的志愿服务时长已经超过{num}0小时。\n\n"
        "### 零花钱里的爱心\n\n"
        "{name}还在班里发起了“零花钱捐助”活动：\n\n"
        "- 同学们把零花钱存进爱心储蓄罐\n"
        "- 每学期为山区学校捐赠文具和图书\n"
        "- 为{community}的困难老人送去慰问品\n\n"
        "{he}说：“帮助别人的时候，我觉得特别快乐。”",
        age=(9, 16),
        years=(2, 5),
        num=(20, 60),
    ),
    StoryTemplate(
        "young_inventor",
        "innovative",
        "热爱科技的“小发明家”",
        "{name}是{school}{grade}。{he}从小热爱科学，先后完成了{num}项小发明，其中“防溺水"
        "报警手环”获得省级青少年科技创新大赛奖项；{he}还担任学校科技社团的小组长。",
        "走进{name}的房间，桌上摆满了电路板、小马达和各种零件。这里是{he}的“实验室”。\n\n"
        "### 从生活中找灵感\n\n"
        "{name}的发明大多来自生活中的小问题。看到爷爷晚上起夜常常摸黑，{he}做了一个感应"
        "小夜灯；听说有孩子在河边玩耍溺水，{he}又琢磨出一款“防溺水报警手环”，这项发明获得了"
        "省级青少年科技创新大赛奖项。几年来，{he}已经完成了{num}项小发明。\n\n"
        "### 带着同学一起“玩科技”\n\n"
        "在{school}，{name}担任科技社团的小组长，常常带着同学们一起做实验：\n\n"
        "- 每周组织一次科学小实验\n"
        "- 指导低年级同学参加科技比赛\n"
        "- 到{community}为小朋友表演科学小魔术\n\n"
        "{he}的梦想是成为一名工程师，“用科技让生活更美好”。",
        age=(11, 17),
        num=(5, 15),
    ),
)

# Groups: {name} is the group's name; name patterns give it.
GROUP_TEMPLATES: tuple[StoryTemplate, ...] = (
    StoryTemplate(
        "volunteer_team",
        "altruistic",
        "{years}年风雨无阻，志愿服务暖人心",
        "{name}成立于{start_year}年，现有队员{size}0余名。{years}年来，队员们常年开展助老助残、"
        "环境整治、文明劝导等志愿服务，累计服务时长超过{num}000小时，成为{township}一道"
        "亮丽的风景线。",
        "{start_year}年，在{leader}的倡议下，几位热心居民自发组建了{name}。最初只有五六个人，"
        "如今已发展到{size}0余名队员。\n\n"
        "### 哪里需要就去哪里\n\n"
        "{years}年来，队员们穿着红马甲，活跃在{township}的大街小巷：\n\n"
        "- 每周为独居老人、残疾人上门服务\n"
        "- 节假日在路口开展文明劝导\n"
        "- 汛期、疫情期间参与值守和物资配送\n\n"
        "累计服务时长超过{num}000小时，受益群众上万人次。\n\n"
        "### 一个人带动一群人\n\n"
        "队长{leader}说：“一个人的力量是有限的，但一群人的力量是无穷的。”如今，越来越多的"
        "年轻人加入进来，让志愿精神在{township}代代相传。",
        posts=(("{township}", None),),
        years=(6, 15),
        num=(2, 9),
        age=(0, 0),
    ),
    StoryTemplate(
        "rescue_team",
        "brave",
        "闻警即动，守护群众生命安全的民间救援力量",
        "{name}是一支由退役军人、专业人员和志愿者组成的民间救援队。成立{years}年来，"
        "队员们参与水域搜救、防汛抢险和应急救援{num}0余次，成功救助遇险群众百余人。",
        "{start_year}年，退役军人{leader}联合几位志同道合的朋友，组建了{name}。\n\n"
        "### 闻警即动\n\n"
        "{years}年来，无论白天黑夜、严寒酷暑，只要接到求助电话，队员们就立即集结出发。"
        "他们参与水域搜救、山林搜寻、防汛抢险和应急救援{num}0余次，成功救助遇险群众百余人。"
        "在一次汛期抢险中，队员们连续奋战三天三夜，转移被困群众两百多人。\n\n"
        "### 不只是救援\n\n"
        "救援之外，队员们还走进学校和社区开展安全教育：\n\n"
        "- 防溺水、消防安全知识宣讲\n"
        "- 心肺复苏等急救技能培训\n"
        "- 汛期河道巡查\n\n"
        "{leader}说：“我们做的，就是在群众最需要的时候出现。”",
        posts=(("{district}", None),),
        years=(5, 12),
        num=(5, 30),
        age=(0, 0),
    ),
    StoryTemplate(
        "night_patrol",
        "dedicated",
        "{years}年守护邻里平安的义务巡逻队",
        "{name}由{community}的退休党员和热心居民组成。{years}年来，队员们每晚义务巡逻，"
        "排查安全隐患、调解邻里纠纷、帮助走失老人回家，辖区治安状况明显好转。",
        "每天晚上七点，{community}的路口都会准时出现一群戴着红袖章的身影，这就是{name}。\n\n"
        "### 一支“银发”巡逻队\n\n"
        "{start_year}年，退休老党员{leader}看到小区里电动车被盗、消防通道堵塞等问题时有发生，"
        "便召集了几位老伙计，组建起义务巡逻队。{years}年来，队伍发展到{size}0余人，"
        "平均年龄超过六十岁。\n\n"
        "### 平安的守护者\n\n"
        "队员们每晚巡逻两个小时，风雨无阻：\n\n"
        "- 排查消防、用电等安全隐患{num}0余处\n"
        "- 调解邻里纠纷上百起\n"
        "- 帮助走失老人、儿童平安回家\n\n"
        "辖区居民说：“有他们在，我们睡得踏实。”",
        posts=(("{community}", None),),
        years=(6, 15),
        num=(5, 30),
        age=(0, 0),
    ),
)

YOUTH_GROUP_TEMPLATE = StoryTemplate(
    "red_scarf_team",
    "public_spirited",
    "红领巾志愿服务，从小事做起",
    "{name}由{school}的少先队员组成，现有队员{size}0余名。队员们常年开展敬老、环保、文明"
    "劝导等志愿服务活动，用实际行动传递文明新风。",
    "{name}成立于{start_year}年，由{school}的少先队员自愿报名组成。\n\n"
    "### 小小队员，大大能量\n\n"
    "在辅导老师{leader}的带领下，队员们利用周末和假期走进社区：\n\n"
    "- 到敬老院为老人表演节目、打扫卫生\n"
    "- 在河边捡拾垃圾，宣传保护母亲河\n"
    "- 在路口举牌劝导文明出行\n\n"
    "几年来，队员们累计服务时长超过{num}00小时。\n\n"
    "### 把文明带回家\n\n"
    "队员们还把文明习惯带回了家：提醒家人垃圾分类、节约用水、文明出行。一个孩子带动一个"
    "家庭，一个家庭影响一片社区，{name}成了{district}小有名气的“文明使者”。",
    posts=(("{school}", None),),
    years=(2, 5),
    num=(10, 40),
    age=(0, 0),
)

# Name patterns for groups: {township} {community} {district}.
GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "volunteer_team": (
        "{township}红马甲志愿服务队",
        "{township}夕阳红志愿服务队",
        "{community}爱心妈妈志愿服务队",
        "{community}邻里守望志愿服务队",
    ),
    "rescue_team": ("{district}守望应急救援队", "{district}平安应急救援队"),
    "night_patrol": ("{community}银发义务巡逻队", "{community}红袖章义务巡逻队"),
}
GROUP_MEMBER_POSTS = ("队长", "副队长", "队员")

# A closing section appended to every story, chosen per category ("youth" and "group" for
# minors and collectives). Same placeholders as the templates.
CLOSINGS: dict[str, tuple[str, ...]] = {
    "altruistic": (
        "### 身边人这样说\n\n“{name}帮人从来不讲条件，谁有难处{he}都记在心上。”{committee}的"
        "工作人员说，这些年{he}的事迹被{media}多次报道，{he}却总说自己只是做了些力所能及的"
        "小事。",
        "### 一份坚持，一种传承\n\n如今，{name}的家人也加入了志愿服务的行列。说起未来，{he}说："
        "“只要身体允许，我就会一直做下去。帮助别人，快乐的是自己。”",
    ),
    "brave": (
        "### 事迹传开之后\n\n{name}的事迹经{media}报道后，在{district}引起强烈反响。面对荣誉，"
        "{he}说：“我只是做了一件该做的事。希望大家遇到危险时既要勇敢，也要讲方法。”",
        "### 平凡人的勇气\n\n事后，许多人问{name}当时怕不怕。{he}想了想说：“当时哪顾得上怕，"
        "事后想想才有点后怕。但要是再遇到，我还会这么做。”朴实的话语，道出了一个普通人的担当。",
    ),
    "honest": (
        "### 诚信是最好的名片\n\n在{community}，提起{name}，街坊邻居都竖起大拇指。{committee}的"
        "工作人员说：“{he}用实际行动告诉大家，诚信不是口号，而是实实在在的日子。”",
        "### 言传身教\n\n{name}常对孩子说：“做人要讲良心，答应别人的事一定要做到。”在{he}的"
        "影响下，孩子们也都成了诚实守信的人，这个家庭被评为{district}“诚信家庭”。",
    ),
    "dedicated": (
        "### 平凡岗位上的坚守\n\n多年来，{name}多次被评为先进工作者。{he}却说：“荣誉是大家的，"
        "我只是做好了自己的本职工作。”同事们说，{he}是大家身边最好的榜样。",
        "### 初心不改\n\n谈起未来，{name}说：“只要还干得动，我就会一直干下去。”{he}的坚守感动着"
        "身边的每一个人，也让更多年轻人懂得了什么是敬业与奉献。",
    ),
    "filial": (
        "### 孝心传家\n\n“百善孝为先。”这是{name}常挂在嘴边的话。{he}的故事在{community}传为"
        "佳话，{committee}以{he}为榜样开展“孝老爱亲”主题活动，带动了一方好家风。",
        "### 邻里眼中的好家人\n\n邻居们说：“这么多年，从没听{he}抱怨过一句。”面对大家的称赞，"
        "{name}说：“家人之间，本来就该互相扶持，这没什么了不起的。”",
    ),
    "youth": (
        "### 老师和同学眼中的{name}\n\n班主任说：“{name}懂事、乐观，遇到困难从不退缩，是班里的"
        "小榜样。”同学们也都喜欢和{he}一起学习、一起参加活动。",
        "### 向着梦想出发\n\n谈起将来，{name}眼里闪着光：“我要好好学习，长大以后做一个对社会"
        "有用的人。”学校以{he}为榜样，开展了向身边好少年学习的活动。",
    ),
    "group": (
        "### 群众口碑\n\n“有事找他们，准没错！”这是群众对{name}最朴实的评价。多年来，这支队伍"
        "多次受到表彰，{media}也对他们的事迹进行了专题报道。",
        "### 薪火相传\n\n如今，{name}的队伍还在不断壮大。{leader}说：“我们会一直做下去，让更多人"
        "感受到这座城市的温暖。”",
    ),
}
