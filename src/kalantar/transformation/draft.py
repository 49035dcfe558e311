"""The draft framework: the reform's four goals as areas, the sources' themes (receipts,
body cameras, station cars, training, conduct) as questions and characteristics of good,
each characteristic with the live indicators that prove it. Pure data."""

from __future__ import annotations

# (area fa, area en, [(question fa, question en, [(characteristic fa, en, [indicators])])])
DRAFT = (
    (
        "توانمندسازی پرسنل",
        "Empowered personnel",
        [
            (
                "آیا کارکنان کلانتری برای کار خود آموزش دیده‌اند و پشتیبانی می‌شوند؟",
                "Are the station's officers trained and supported for their work?",
                [
                    (
                        "هر مأمور دوره‌های لازم برای نقش خود را به‌موقع گذرانده است.",
                        "Every officer has completed the courses their role requires, on time.",
                        ["training_compliance"],
                    ),
                    (
                        "رفتار مأموران با مردم مؤدبانه و محترمانه است و شکایت از رفتار کم است.",
                        "Officers treat people politely and with respect; conduct complaints "
                        "are few.",
                        [],
                    ),
                ],
            ),
            (
                "آیا مأموران تجهیزات لازم برای کار درست را دارند؟",
                "Do officers have the equipment to do their work well?",
                [
                    (
                        "هر گشت دوربین بدنی دارد و مأموریت‌های خود را ضبط می‌کند.",
                        "Every patrol carries a body camera and records its dispatches.",
                        ["bodycam_share"],
                    ),
                    (
                        "خودروهای کلانتری سالم و آمادهٔ گشت‌اند.",
                        "The station's cars are sound and ready for patrol.",
                        ["patrol_response_minutes"],
                    ),
                ],
            ),
        ],
    ),
    (
        "خوشایندسازی کلانتری",
        "Pleasant stations",
        [
            (
                "آیا کلانتری برای مراجعان خوشایند و در دسترس است؟",
                "Is the station welcoming and accessible to the people who come to it?",
                [
                    (
                        "مراجعان در پذیرشی پاکیزه، با راهنما و جای انتظار پذیرفته می‌شوند.",
                        "Visitors are received at a clean desk with signs and a waiting area.",
                        [],
                    ),
                    (
                        "هر شاکی با رسید شکایت خود از کلانتری می‌رود.",
                        "Every complainant leaves with a receipt for their complaint.",
                        ["receipts_issued"],
                    ),
                ],
            ),
        ],
    ),
    (
        "رضایتمندی مردم",
        "Citizens' satisfaction",
        [
            (
                "آیا مردم از برخورد کلانتری با خود راضی‌اند؟",
                "Are people satisfied with how the station treats them?",
                [
                    (
                        "شاکیان به رسیدگی به شکایت خود نمرهٔ خوب می‌دهند.",
                        "Complainants rate the handling of their complaints well.",
                        ["satisfaction", "survey_whole_experience", "survey_kept_informed"],
                    ),
                    (
                        "مردم در سامانهٔ ۱۹۷ بیش از گلایه، قدردانی می‌کنند و گلایه‌ها به سازش می‌رسند.",
                        "On the 197 line people thank the station more than they complain, and "
                        "grievances end in reconciliation.",
                        ["appreciation_share", "reconciliation_rate"],
                    ),
                ],
            ),
            (
                "آیا کلانتری به درخواست کمک به‌سرعت پاسخ می‌دهد؟",
                "Does the station answer calls for help quickly?",
                [
                    (
                        "گشت‌ها به‌سرعت به محل رویداد می‌رسند.",
                        "Patrols reach incidents quickly.",
                        ["patrol_response_minutes"],
                    ),
                    (
                        "هشدارها بی‌درنگ پذیرفته می‌شوند و هشدار کاذب با مشترکان کاهش می‌یابد.",
                        "Alarms are acknowledged at once, and false alarms are reduced with "
                        "the subscribers.",
                        ["alarm_ack_minutes", "false_alarms"],
                    ),
                ],
            ),
        ],
    ),
    (
        "تسریع در اصلاح فرآیندها",
        "Faster processes",
        [
            (
                "آیا شکایات در مهلت خود رسیدگی می‌شوند؟",
                "Are complaints handled within their deadlines?",
                [
                    (
                        "نخستین اقدام روی هر شکایت در مهلت آن انجام می‌شود.",
                        "The first action on every complaint is taken within its deadline.",
                        ["first_action_on_time", "hours_to_first_action"],
                    ),
                    (
                        "شکایات در مهلت خود به پایان می‌رسند و کار به ارجاع به مقام بالاتر نمی‌کشد.",
                        "Complaints are finished within their deadline, without escalation.",
                        ["closed_on_time", "overdue_escalations"],
                    ),
                ],
            ),
        ],
    ),
)
