"""The 25 departments of the contract: Rasa retrieval keys ↔ Chinese names, who goes where (children, pregnancy),
and the symptom keyword table."""

from __future__ import annotations

import re

DEPARTMENTS: dict[str, str] = {
    "cardiology": "心血管内科", "respiratory": "呼吸内科", "gastroenterology": "消化内科", "neurology": "神经内科",
    "endocrinology": "内分泌科", "nephrology": "肾内科", "hematology": "血液科", "rheumatology": "风湿免疫科",
    "infectious": "感染科", "general_surgery": "普外科", "orthopedics": "骨科", "urology": "泌尿外科",
    "neurosurgery": "神经外科", "andrology": "男科", "gynecology": "妇科", "obstetrics": "产科", "pediatrics": "儿科",
    "ophthalmology": "眼科", "ent": "耳鼻喉科", "stomatology": "口腔科", "dermatology": "皮肤科",
    "psychiatry": "精神心理科", "oncology": "肿瘤科", "rehabilitation": "康复科", "emergency_dept": "急诊科",
}
NAMES = frozenset(DEPARTMENTS.values())
KEY_BY_NAME = {name: key for key, name in DEPARTMENTS.items()}

# Children go to 儿科 unless the best department treats children too; pregnancy goes to 产科 (BOT_CONTRACT).
# An age counts only as a whole number: 七十二岁 is no 二岁, 72岁 no 2岁.
# A number of months is an age only with 大 (3个月大); 咳嗽3个月了 is how long.
KIDS = re.compile(r"(孩子|小孩|宝宝|宝贝|婴儿|新生儿|幼儿|儿子|女儿|小朋友|娃|闺女|孙子|孙女|外孙|二宝|大宝|个仔|细路|吃奶"
                  r"|(?<!\d)([1-9]|1[0-3])岁|(?<![一二两三四五六七八九十百])([一二两三四五六七八九十]|十[一二三])岁"
                  r"|(\d+|[一二两三四五六七八九十]+)个多?月大|满月|生下来|刚出生|出生才)")
# A grown son or daughter is not a child: 我闺女二十六, 儿子都三十了, 女儿上班了.
GROWN_CHILD = re.compile(r"(儿子|女儿|闺女|孩子|娃)(今年|都|已经|才)?([二三四五六七八九]十|十[四五六七八九]|[2-9]\d|1[4-9])"
                         r"|(儿子|女儿|闺女|孩子)[^，。！？]{0,6}(上大学|读大学|大学|工作|上班|结婚|成年|成家)")
# Told plainly (怀孕, 孕28周) or as people say it (怀上了, 有了俩月, 测了两道杠, 例假晚了…阳性); not 没怀上, 想怀孕.
PREGNANT = re.compile(r"((?<![没未不想要备])(怀孕|怀了|怀上)|有喜|害喜|孕吐|早孕|孕\d+|孕[一二三四五六七八九十]+周|孕早期|孕中期|孕晚期|(?<!备)孕期|孕妇|妊娠"
                      r"|产检|(?<!备)孕检|胎动|胎心|预产期|两道杠|验孕棒?阳性|有了[\d一二两俩三四五六七八九十几]+个?(月|周|礼拜)"
                      r"|(例假|月经|大姨妈|姨妈)[^。！？]{0,12}(阳性|两道杠))")
CHILD_KEEP = frozenset(
    {"眼科", "骨科", "普外科", "口腔科", "耳鼻喉科", "皮肤科", "神经外科", "精神心理科", "泌尿外科", "急诊科", "产科"}
)


# A mother telling how many she bore (生了三个孩子) names no child of hers who is ill.
CHILDREN_BORNE = re.compile(r"(生|养)(了|过)[一二两俩仨三四五六七八九几\d]+((个|胎)(孩子|娃|小孩|儿子|闺女|女儿)?|(孩子|娃|小孩|儿子|闺女|女儿))")


def is_child(text: str) -> bool:
    text = CHILDREN_BORNE.sub("", text)
    return bool(KIDS.search(text)) and not GROWN_CHILD.search(text)


# A 儿科 score this high (a decisive word of the keyword table: 吐奶, 手足口, 尿布疹) keeps 儿科 though no child is named;
# below it, 儿科 is only a model's guess (both models heard a child in 阿妈).
PEDIATRICS_WITHOUT_CHILD = 3.0


# Department for each red flag, best first (the safety layer's answer when the model gives none).
FLAG_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "chest_pain": ("急诊科", "心血管内科"), "stroke": ("急诊科", "神经内科"), "breathing": ("急诊科", "呼吸内科"),
    "unconscious": ("急诊科", "神经内科"), "cardiac_arrest": ("急诊科", "心血管内科"), "heavy_bleeding": ("急诊科", "普外科"),
    "vomiting_blood": ("急诊科", "消化内科"), "seizure": ("急诊科", "神经内科"), "anaphylaxis": ("急诊科", "皮肤科"),
    "poisoning": ("急诊科",), "overdose": ("急诊科",), "distress_call": ("急诊科",), "fever_stiff_neck": ("急诊科", "感染科"),
    "child_fever_confusion": ("急诊科", "儿科"), "pregnancy_bleeding": ("急诊科", "产科"), "pregnancy_pain": ("急诊科", "产科"),
    "suicide": ("急诊科", "精神心理科"), "self_harm": ("急诊科", "精神心理科"), "head_injury": ("急诊科", "神经外科"),
    "worst_headache": ("急诊科", "神经外科"), "diabetic_emergency": ("急诊科", "内分泌科"), "vision_loss": ("急诊科", "眼科"),
    "choking": ("急诊科", "耳鼻喉科"), "drowning": ("急诊科",), "electric_shock": ("急诊科",), "major_burn": ("急诊科", "皮肤科"),
    "elderly_fall": ("急诊科", "骨科"), "acute_abdomen": ("急诊科", "普外科"), "hypertensive_crisis": ("急诊科", "心血管内科"),
    "major_trauma": ("急诊科", "骨科"), "postpartum_bleeding": ("急诊科", "产科"),
    "net_emergency": ("急诊科",), "net_crisis": ("急诊科", "精神心理科"),
    "arrhythmia": ("急诊科", "心血管内科"), "sepsis": ("急诊科", "感染科"), "testicular_torsion": ("急诊科", "泌尿外科"),
    "heat_stroke": ("急诊科",), "hypothermia": ("急诊科",),
    "sick_infant": ("急诊科", "儿科"),
    "model_emergency": ("急诊科",),
}

# Symptom / exam / disease words → department, with a weight (3 = decisive, 2 = strong, 1 = a hint): "word:weight ..."
KEYWORD_TABLE: dict[str, str] = {
    "心血管内科": (
        "胸闷:2 胸口疼:2 胸口痛:2 胸痛:2 心慌:3 心悸:3 心跳快:3 心跳慢:3 早搏:3 房颤:3 高血压:3 血压高:3 "
        "血压:2 降压:2 冠心病:3 心绞痛:3 心梗:3 支架:3 搭桥:3 心衰:3 心电图:3 心脏彩超:3 心脏:2 "
        "胸口发闷:3 胸口憋:2 血脂:2 胆固醇:2 脚肿:1 心律:3 冠脉:3"
    ),
    "呼吸内科": (
        "咳嗽:3 咳痰:3 痰:2 气喘:2 喘:1 哮喘:3 肺:2 肺炎:3 支气管:3 慢阻肺:3 肺结节:2 胸片:2 肺部CT:3 "
        "憋气:1 呼吸:1 打呼噜:1 咳:2 气短:2 喘不上气:2"
    ),
    "消化内科": (
        "胃疼:3 胃痛:3 胃胀:3 反酸:3 烧心:3 恶心:2 呕吐:1 拉肚子:3 腹泻:3 便秘:3 肚子胀:3 肚子疼:2 胃:2 "
        "消化不良:3 胃镜:3 肠镜:3 幽门螺杆菌:3 大便:2 黑便:3 便血:2 打嗝:2 没胃口:2 食欲:2 肝:1 脂肪肝:3 "
        "胃炎:3 溃疡:2 口苦:1"
    ),
    "神经内科": (
        "头晕:3 头痛:3 头疼:3 失眠:2 手抖:3 手麻:3 脚麻:2 麻木:2 记性差:3 记忆力:3 健忘:3 偏头痛:3 眩晕:3 "
        "天旋地转:2 帕金森:3 癫痫:3 中风:3 脑梗:3 面瘫:3 老年痴呆:3 睡不着:1 头昏:3 嘴歪:2 抽搐:2"
    ),
    "内分泌科": (
        "血糖:3 糖尿病:3 甲状腺:3 甲亢:3 甲减:3 口渴:2 多尿:1 胰岛素:3 二甲双胍:3 糖化:3 痛风:2 尿酸:2 "
        "肥胖:2 减肥:2 骨质疏松:2 消瘦:2 怕热:2 出汗多:1"
    ),
    "肾内科": (
        "肾:3 肾炎:3 尿蛋白:3 蛋白尿:3 肌酐:3 透析:3 肾功能:3 浮肿:2 水肿:2 眼皮肿:2 泡沫尿:3 尿毒症:3"
    ),
    "血液科": (
        "贫血:3 白细胞:3 血小板:3 血红蛋白:3 紫癜:3 淋巴结肿大:2 白血病:3 出血点:2 瘀青:2 淤青:2 血象:3 "
        "牙龈出血:1"
    ),
    "风湿免疫科": (
        "关节痛:2 关节疼:2 类风湿:3 红斑狼疮:3 狼疮:3 强直:3 晨僵:3 风湿:3 干燥综合征:3 口干眼干:3 "
        "多个关节:3 手指关节:3 痛风:2 尿酸:1"
    ),
    "感染科": (
        "发烧:1 发热:1 乙肝:3 肝炎:3 大三阳:3 小三阳:3 艾滋:3 传染:3 结核:3 狂犬:3 被狗咬:3 被猫抓:3 "
        "流感:2 新冠:3 反复发烧:2 梅毒:2 疫苗:1"
    ),
    "普外科": (
        "阑尾:3 疝气:3 胆结石:3 胆囊:3 甲状腺结节:2 乳腺:3 乳房:3 痔疮:3 肛门:3 肛裂:3 脂肪瘤:3 包块:2 "
        "右下腹:3 伤口:2 化脓:2 疖子:2 鼓包:2 肚子疼:1"
    ),
    "骨科": (
        "骨折:3 腰疼:3 腰痛:3 腰椎:3 颈椎:3 膝盖:3 关节:1 扭伤:3 崴:3 脚踝:3 摔:2 骨头:3 腿疼:2 肩膀疼:3 "
        "肩周炎:3 椎间盘:3 骨质增生:3 韧带:3 半月板:3 腰:2 脖子疼:2 落枕:2 手腕:2 脚跟:2 抽筋:1"
    ),
    "泌尿外科": (
        "尿频:3 尿急:3 尿痛:3 尿血:3 血尿:3 肾结石:3 结石:2 前列腺:3 排尿:3 尿不出:3 憋不住尿:3 漏尿:2 "
        "夜尿:2 腰疼:1 输尿管:3 膀胱:3"
    ),
    "神经外科": (
        "脑出血:3 脑外伤:3 颅内:3 脑瘤:3 脑积水:3 动脉瘤:3 撞到头:3 头部外伤:3 脑袋撞:3 垂体瘤:3 开颅:3"
    ),
    "男科": (
        "阳痿:3 早泄:3 勃起:3 不育:2 精子:3 睾丸:3 阴囊:3 包皮:3 性功能:3 遗精:3 精索:3"
    ),
    "妇科": (
        "月经:3 例假:3 大姨妈:3 白带:3 痛经:3 阴道:3 子宫:3 卵巢:3 宫颈:3 HPV:3 hpv:3 外阴:3 私处:2 "
        "绝经:3 更年期:2 不孕:2 避孕:2 小腹:1 乳腺增生:1 下面痒:3"
    ),
    "产科": (
        "怀孕:3 孕:3 产检:3 胎动:3 胎儿:3 孕妇:3 建档:3 孕吐:3 预产期:3 宫缩:3 破水:3 见红:3 剖腹产:3 "
        "顺产:3 NT:2 唐筛:3 四维:3 产后:3 坐月子:3 怀了:3"
    ),
    "儿科": (
        "孩子:2 小孩:2 宝宝:3 婴儿:3 新生儿:3 儿子:2 女儿:2 小朋友:2 娃:2 吃奶:3 吐奶:3 黄疸:2 手足口:3 "
        "疫苗接种:2 闺女:2 孙子:2 孙女:2 外孙:2 尿布疹:3 长个:2 发育:2"
    ),
    "眼科": (
        "眼睛:3 眼:2 视力:3 看不清:3 近视:3 白内障:3 青光眼:3 眼干:3 眼红:3 眼屎:3 流泪:2 飞蚊:3 眼皮:2 "
        "麦粒肿:3 结膜炎:3 散光:3 眼底:3 老花:3 眼镜:2"
    ),
    "耳鼻喉科": (
        "耳朵:3 耳鸣:3 听力:3 鼻塞:3 流鼻涕:2 鼻炎:3 鼻子:3 鼻血:3 嗓子:3 喉咙:3 扁桃体:3 咽炎:3 打鼾:3 "
        "打呼噜:2 鱼刺:3 声音嘶哑:3 嗓子哑:3 鼻窦炎:3 耳:2 咽:2"
    ),
    "口腔科": (
        "牙:3 牙疼:3 牙痛:3 蛀牙:3 智齿:3 牙龈:3 口腔溃疡:3 拔牙:3 补牙:3 洗牙:3 种牙:3 假牙:3 口臭:2 "
        "嘴里:2 舌头:2 牙齿:3 矫正:2"
    ),
    "皮肤科": (
        "皮肤:3 痒:2 疹子:3 湿疹:3 荨麻疹:3 痘:3 痘痘:3 青春痘:3 脱发:3 掉头发:3 斑:2 癣:3 脚气:3 瘊子:3 "
        "疣:3 带状疱疹:3 红疹:3 起疙瘩:3 过敏:2 白癜风:3 痣:3 晒伤:3 皮疹:3 脱皮:3 疙瘩:2 起包:2 红点:2"
    ),
    "精神心理科": (
        "焦虑:3 抑郁:3 失眠:2 心情不好:3 情绪:3 压力大:3 紧张:2 烦躁:2 心理:3 想不开:3 睡不好:1 恐惧:2 "
        "强迫:3 幻听:3 精神:1 自杀:3 不想活:3 心烦:2 开心不起来:3"
    ),
    "肿瘤科": (
        "肿瘤:3 癌:3 化疗:3 放疗:3 靶向:3 肿瘤标志物:3 癌胚抗原:3 CEA:3 转移:3 结节:1 恶性:3 淋巴瘤:3 "
        "病理:2 穿刺:2 占位:2"
    ),
    "康复科": (
        "康复:3 复健:3 理疗:3 针灸:2 推拿:2 康复训练:3 术后恢复:2 后遗症:2 偏瘫:2 走路不稳:1 功能锻炼:3 "
        "按摩:2"
    ),
    "急诊科": (
        "急诊:3 鱼刺卡:2 喝醉:3 醉酒:3 割伤:2 伤口很深:3 烫伤:2 烧伤:2 被咬:2 半夜:1 高烧不退:1 扎到:2 "
        "缝针:3 蜇:2 中暑:3 误吞:3 卡住:2"
    ),
}
KEYWORDS: dict[str, dict[str, int]] = {
    dept: {word: int(weight) for word, _, weight in (item.rpartition(":") for item in words.split())}
    for dept, words in KEYWORD_TABLE.items()
}
