"""What the bot says. Plain, warm, short sentences an elderly patient can follow; no diagnoses."""

from __future__ import annotations

EMERGENCY = ("您说的情况可能很危险，请马上拨打 120，或者让家人尽快送您去最近医院的急诊。"
             "等待时别自己开车，别吃东西喝水，身边一定要有人陪着。我已经通知了您的健康管理师。")
CRISIS = ("听到您这么难受，我很担心您。您不是一个人。请马上拨打心理援助热线 12356，或希望24热线 400-161-9995（都是24小时），"
          "或者拨打 120。如果可以，请现在就告诉身边的家人或朋友陪着您。我已经请健康管理师尽快联系您。")
URGENCY_ADVICE = {
    "emergency": "请马上去急诊，或拨打 120。",
    "urgent": "建议您今天就去医院看看，别拖。",
    "routine": "可以先预约门诊，按时去看就好。",
}
TRIAGE = "根据您说的情况，建议挂「{department}」。{advice}"
TRIAGE_ALTERNATIVES = "如果还不放心，也可以考虑{others}。"
ASK = {
    "body_part": "能说说具体是哪里不舒服吗？比如头、胸口、肚子、腰腿。",
    "duration": "这种情况有多久了？几天、几周，还是更久？",
    "age": "请问是给谁问的，多大年纪？",
    "pregnancy": "请问是否怀孕了？",
}
TRIAGE_GIVE_UP = "我还不太确定该挂哪个科。建议您先到医院一楼的导诊台问一下，或者回复「转人工」，让健康管理师帮您看看。"
RESET = "好的，我们重新开始。请说说哪里不舒服，或者您想问什么。"
HANDOFF = "已经帮您转给健康管理师了，工作时间一般 30 分钟内会回复您，请留意消息。如果情况紧急，请直接拨打 120。"
HANDED_OVER_STILL = ""  # while staff have the conversation, the bot stays quiet
COMPLAINT = "非常抱歉给您添麻烦了。您的意见我已经转给工作人员，他们会尽快联系您处理。"
GREET = "您好！我是康伴健康助手。您可以告诉我哪里不舒服，我帮您看看挂什么科；也可以问我门诊时间、医保、停车这些问题。"
THANK = "不客气！祝您早日康复，有需要随时找我。"
GOODBYE = "好的，再见！注意休息，按时吃药。"
AFFIRM = "好的。"
DENY = "好的，没关系。还有什么需要帮忙的吗？"
FAQ_MISSING = "这个问题我暂时答不上来，已经帮您记下来了。您可以回复「转人工」，让工作人员帮您解答。"
MEDICATION_QUESTION = "用药的事要听医生和药师的，我不能替您改药。您可以回复「转人工」，让健康管理师帮您问问医生。"
APPOINTMENT = "挂号和取消预约请在小程序首页点「预约挂号」办理。需要我帮您看看挂哪个科吗？"
APPOINTMENT_DEPARTMENT = "挂号和取消预约请在小程序首页点「预约挂号」办理。您说的情况可以挂「{department}」。"
REPORT = "检查报告出来后会在小程序「我的报告」里看到，医生看过后会附上说明。还没出来的话请再等等。"
REPORT_DEPARTMENT = "想请医生当面讲讲的话，可以挂「{department}」。"
# "体检单上写着窦性心动过速 要紧不": the patient holds the report and asks what it means; the bot does not diagnose
REPORT_MEANING = "报告上的结果，要结合您的身体情况来看，我不能替医生下结论。"
REPORT_MEANING_DEPARTMENT = "建议带上报告挂「{department}」，请医生给您看看。"
REPORT_MEANING_NO_DEPARTMENT = "建议带上报告，找给您开检查的医生看看。医生看过后，小程序「我的报告」里也会附上说明。"
VITAL_RECORDED = "已经帮您记下了：{reading}。{tip}"
VITAL_NOT_UNDERSTOOD = "我没看清数值。请这样发：血压 135/85，或者 血糖 6.5。"
MEDICATION_TAKEN = "好的，记下了：{time}的「{title}」已经完成，后面不会再催您了。按时吃药，真棒！"
MEDICATION_TAKEN_NOTHING_DUE = "好的，知道您吃过药了。现在没有等您确认的用药提醒，到下次吃药的时间我再提醒您。"
OUT_OF_SCOPE = "这个我不太懂。我能帮您看看挂什么科、记录血压血糖、回答就医的常见问题。需要人工帮忙请回复「转人工」。"
EMPTY = "请发文字告诉我您想问什么。"
VOICE_NOT_UNDERSTOOD = "没听清您说的话。您可以离手机近一点再说一遍，或者打字告诉我。"
OA_LOG_IN_FIRST = "您好！请先打开医院的小程序，用手机号登录一次，我就能认出您，为您服务了。"
