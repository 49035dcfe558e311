"""Write the labelled 197 messages (messages.csv beside this file) from templates.

A message is a class pattern (the caller's intent: suggestion, appreciation, criticism,
complaint) wrapped around a topic scenario (what it is about), with slots filled from the
vocabulary below and then written in one of the registers people use: formal, colloquial,
SMS-style (no half-spaces, Latin digits), with typos, or with Arabic letter forms. Each
row keeps the ids of its pattern and scenario, so an evaluation can hold out whole
templates (see bench/feedback.py). Deterministic: `python -m kalantar.feedback.dataset.generate`
writes the same file every time.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

OUT = Path(__file__).with_name("messages.csv")

# class → patterns; {s} is the scenario (a noun phrase).
PATTERNS: dict[str, list[str]] = {
    "appreciation": [
        "می‌خواستم از {s} صمیمانه تشکر کنم",
        "سلام، واقعاً دستشان درد نکند بابت {s}",
        "با سپاس فراوان از {s} که با حوصله کمکم کردند",
        "خدا قوت به {s}، کارشان عالی بود",
        "از {s} ممنونم، خیلی زود به دادم رسیدند",
        "قدردانی می‌کنم از {s}؛ رفتارشان محترمانه و دلسوزانه بود",
        "فقط زنگ زدم بگویم از {s} راضی هستم و خیلی متشکرم",
        "تقدیر و تشکر ویژه از {s}، خداوند حفظشان کند",
        "دست مریزاد به {s}، واقعاً مایه افتخارند",
        "لطفاً مراتب سپاس مرا به {s} برسانید",
        "از زحمات بی‌دریغ {s} سپاسگزارم",
        "یک دنیا ممنون از {s}، با خوش‌رویی کارم را راه انداختند",
        "تشکر ویژه دارم از {s} به خاطر کمک بی‌منت",
        "سپاسگزار {s} هستم که مشکلم را حل کردند",
        "ممنون و متشکرم از {s}، خیلی با ادب بودند",
        "خدا خیرشان بدهد، {s} خیلی کمک کردند",
        "می‌خواهم قدردانی کنم از {s}، واقعاً عالی بودند",
        "{s} کارشان را خیلی خوب انجام دادند، تشکر می‌کنم",
        "از صمیم قلب سپاس از {s}",
        "مرسی از {s}، دمشان گرم",
    ],
    "suggestion": [
        "پیشنهاد می‌کنم برای {s} فکری اساسی بشود",
        "به نظرم بهتر است {s} بیشتر و منظم‌تر شود",
        "خوب بود اگر درباره {s} یک سامانه نوبت‌دهی اینترنتی راه می‌افتاد",
        "یک پیشنهاد داشتم: برای {s} تابلو و راهنما نصب کنید",
        "پیشنهادم این است که ساعت کاری {s} در عصرها هم باشد",
        "اگر ممکن است برای {s} نیروی بیشتری بگذارید",
        "پیشنهاد دارم برای {s} یک شماره پیامکی اعلام شود تا مردم خبردار شوند",
        "لطفاً برای بهتر شدن {s} از نظر مردم محل هم استفاده کنید",
        "ایده‌ای برای {s} دارم: آموزش کوتاه برای شهروندان برگزار شود",
        "به عنوان پیشنهاد، {s} را در روزهای تعطیل هم فعال کنید",
        "بهتر نیست برای {s} برنامه زمان‌بندی شده اعلام کنید؟",
        "جهت ارتقای {s} پیشنهاد می‌شود از دوربین و سامانه هوشمند استفاده گردد",
        "پیشنهاد من برای {s} این است که منظم‌تر شود",
        "بهتر است {s} با مردم بیشتر در ارتباط باشد",
        "پیشنهاد می‌دهم {s} هم آنلاین شود",
        "خوب است برای {s} برنامه‌ریزی بهتری انجام شود",
        "اگر امکانش هست {s} را گسترش دهید، پیشنهاد است",
        "یک ایده دارم برای {s}: نظرسنجی از مردم",
        "پیشنهادی برای {s} داشتم که ساعت‌ها را اعلام کنید",
        "پیشنهاد می‌کنم {s} را در سایت معرفی کنید",
    ],
    "criticism": [
        "انتقاد دارم از {s}، اصلاً مناسب نیست",
        "متأسفانه {s} خیلی ضعیف شده است",
        "چرا {s} این‌قدر کند و بی‌نظم است؟",
        "از وضعیت {s} ناراضی هستم و انتظار بیشتری داشتیم",
        "به نظرم {s} اصلاً قابل قبول نیست و باید بهتر شود",
        "واقعاً جای تأسف دارد که {s} این‌طور است",
        "نقد جدی به {s} دارم؛ مردم را سردرگم می‌کنند",
        "{s} هر روز بدتر می‌شود و کسی پاسخگو نیست",
        "این چه وضعی است؟ {s} هیچ نظمی ندارد",
        "گلایه دارم از {s} که به مردم اهمیت نمی‌دهند",
        "اصلاً از {s} راضی نیستیم، کیفیتش افتضاح است",
        "ایراد اساسی به {s} وارد است و باید اصلاح شود",
        "انتقاد من به {s} این است که بی‌نظم‌اند",
        "متأسفانه از {s} راضی نیستیم",
        "چرا {s} به وظیفه‌اش درست عمل نمی‌کند؟",
        "{s} ضعیف عمل کرده و انتقاد داریم",
        "نارضایتی خودم را از {s} اعلام می‌کنم",
        "متأسفم که بگویم {s} کیفیت ندارد",
        "انتقاد دارم که {s} کند و بی‌حوصله است",
        "واقعاً چرا {s} این‌قدر بد شده؟",
    ],
    "complaint": [
        "از {s} شکایت دارم و خواهش می‌کنم رسیدگی کنید",
        "می‌خواهم از {s} شکایت کنم چون حقم ضایع شد",
        "شکایت رسمی دارم از {s}؛ به من توهین شد و پیگیری می‌خواهم",
        "لطفاً به شکایت من از {s} رسیدگی شود، از من پول اضافه گرفتند",
        "از {s} شاکی هستم، کار مرا بی‌دلیل معطل کردند و خسارت دیدم",
        "تقاضای رسیدگی به تخلف {s} را دارم",
        "{s} با من بدرفتاری کرد و می‌خواهم شکایت ثبت شود",
        "شکایت دارم: {s} مدارکم را گرفت و پس نداد",
        "درخواست پیگیری شکایتم از {s} را دارم، هنوز جوابی نگرفته‌ام",
        "از {s} شکایت می‌کنم چون بدون دلیل مرا تهدید کرد",
        "به {s} اعتراض و شکایت دارم؛ حق و حقوقم را پایمال کردند",
        "شکایتم از {s} را ثبت کنید، رشوه خواستند",
        "شکایت من از {s} است که حقم را خوردند",
        "لطفاً شکایتم را از {s} ثبت و رسیدگی کنید",
        "از {s} به خاطر تخلف شکایت دارم",
        "می‌خواهم علیه {s} شکایت کنم",
        "{s} تخلف کرد و شکایت دارم، پیگیری کنید",
        "رسیدگی به شکایتم از {s} را می‌خواهم",
        "شاکی هستم از {s} و تقاضای پیگیری دارم",
        "شکایت دارم که {s} به من ضرر زد و توهین کرد",
    ],
}

# topic → scenarios (noun phrases); slots: {street}, {n}, {rank}, {name}.
SCENARIOS: dict[str, list[str]] = {
    "traffic": [
        "مأموران راهور چهارراه {street}",
        "پلیس راهنمایی و رانندگی در خیابان {street}",
        "افسر راهور که برای تصادف ماشینم در {street} آمد",
        "جریمه کردن خودروها در بلوار {street}",
        "کنترل ترافیک سر میدان {street}",
        "مرکز تعویض پلاک و شماره‌گذاری خودرو",
        "آزمون گواهینامه رانندگی در {street}",
        "توقیف موتورسیکلت‌ها در {street}",
        "پلیس راهور در تصادف خیابان {street}",
        "جریمه راهنمایی و رانندگی برای پارک در {street}",
        "افسر راهنمایی و رانندگی سر چهارراه {street}",
        "مأمور راهور که گواهینامه‌ام را گرفت",
    ],
    "station": [
        "پذیرش کلانتری {n}",
        "رسیدگی به پرونده‌ام در کلانتری {n}",
        "صف و نوبت‌دهی کلانتری {n}",
        "دفتر شکایات کلانتری {n}",
        "بخش تشکیل پرونده پاسگاه {street}",
        "پاسخگویی تلفنی کلانتری {n}",
        "فضای انتظار و سالن کلانتری {n}",
        "ثبت گزارش سرقت در کلانتری {n}",
        "کارکنان کلانتری {n} در رسیدگی به پرونده",
        "نوبت و پذیرش پاسگاه {street}",
        "گزارش و پرونده‌ام در دفتر کلانتری {n}",
        "خدمات کلانتری {n} به مراجعان",
    ],
    "conduct": [
        "رفتار {rank} {name}",
        "برخورد {rank} {name} با من",
        "طرز صحبت کردن {rank} {name} با خانمم",
        "مأموری به نام {name} با درجه {rank}",
        "اخلاق و رفتار {rank} شیفت شب کلانتری {n}",
        "نحوه برخورد {rank} {name} با شهروندان",
        "مأمور {name} که پلاک سینه‌اش را پنهان کرده بود",
        "{rank} {name} در بازداشت برادرم",
        "برخورد و رفتار مأمور {name}",
        "رفتار {rank} کلانتری {n} با مراجعان",
        "{rank} {name} که با من بد برخورد کرد",
        "ادب و رفتار مأموران {rank}",
    ],
    "patrol": [
        "گشت شبانه در محله {street}",
        "خودروی گشت پلیس در کوچه‌های {street}",
        "حضور گشت موتوری در پارک {street}",
        "گشت‌زنی پلیس اطراف مدرسه {street}",
        "گشت محله ما در {street} که دیر به محل رسید",
        "گشت کلانتری {n} در ساعات شب",
        "گشت پیاده در بازار {street}",
        "سرکشی گشت به مغازه‌های {street}",
        "گشت پلیس در شب‌های محله {street}",
        "خودروی گشت کلانتری {n} در کوچه",
        "گشت‌زنی شبانه در {street}",
        "حضور گشت موتوری در محله {street}",
    ],
    "other": [
        "سامانه تلفنی ۱۱۰",
        "دفتر پلیس‌+۱۰ {street}",
        "سایت پلیس فتا",
        "اداره گذرنامه",
        "پلیس فتا درباره کلاهبرداری اینترنتی",
        "نظام وظیفه در مورد معافیت",
        "سامانه پیامکی اطلاع‌رسانی پلیس",
        "مرکز مشاوره پلیس در {street}",
        "سامانه ۱۱۰ و پاسخگویی تلفنی پلیس",
        "پلیس فتا و سایت پلیس",
        "اداره گذرنامه و پلیس‌+۱۰",
        "سامانه پیامکی و سایت نظام وظیفه",
    ],
}

STREETS = [
    "بوعلی",
    "اکباتان",
    "باباطاهر",
    "شریعتی",
    "مدرس",
    "جهان‌نما",
    "امام",
    "خواجه رشید",
    "سعیدیه",
    "پاستور",
    "میدان آرامگاه",
    "ارم",
    "۱۷ شهریور",
    "شهرک مدنی",
    "کوی فرهنگیان",
    "عباس‌آباد",
]
RANKS = ["ستوان", "سروان", "سرگرد", "استوار", "گروهبان", "سرباز", "سرهنگ", "مأمور"]
NAMES = ["احمدی", "محمدی", "رضایی", "کریمی", "حسینی", "موسوی", "جعفری", "نوری", "صالحی", "یزدانی"]
GREETINGS = ["", "", "سلام. ", "سلام وقت بخیر، ", "با عرض سلام و احترام، ", "ببخشید، "]
ENDINGS = ["", "", ".", ". با تشکر", ". ممنون از پیگیری", "!", ". لطفاً تماس بگیرید"]

# Colloquial speech: the written standard as people say it.
COLLOQUIAL = [
    ("می‌خواستم", "میخواستم"),
    ("می‌خواهم", "میخوام"),
    ("است", "ه"),
    ("نیست", "نیس"),
    ("هستم", "هسم"),
    ("دارم", "دارم"),
    ("کنید", "کنین"),
    ("بشود", "بشه"),
    ("شود", "بشه"),
    ("خیلی", "خیلی خیلی"),
    ("واقعاً", "واقعا"),
    ("این‌قدر", "اینقد"),
    ("چرا", "آخه چرا"),
    ("را", "رو"),
    ("گفتند", "گفتن"),
    ("کردند", "کردن"),
]
ARABIC_FORMS = str.maketrans({"ی": "ي", "ک": "ك", "ه": "ة"})
LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def colloquial(text: str, rng: random.Random) -> str:
    for standard, spoken in COLLOQUIAL:
        if rng.random() < 0.7:
            text = re.sub(rf"(?<![\w\u200c]){standard}(?![\w\u200c])", spoken, text)
    return text


def sms_style(text: str, rng: random.Random) -> str:
    text = text.replace("\u200c", " " if rng.random() < 0.5 else "").translate(LATIN_DIGITS)
    return text.replace("،", " ").replace("؛", " ")


def with_typos(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(max(1, len(chars) // 40)):
        i = rng.randrange(len(chars))
        op = rng.choice(("drop", "double", "swap"))
        if op == "drop":
            del chars[i]
        elif op == "double":
            chars.insert(i, chars[i])
        elif i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def arabic_forms(text: str, rng: random.Random) -> str:
    # Only ی and ک: a final ه written ة is rarer, so it is left to a few rows.
    table = ARABIC_FORMS if rng.random() < 0.2 else str.maketrans({"ی": "ي", "ک": "ك"})
    return text.translate(table)


REGISTERS = {
    "formal": lambda text, rng: text,
    "colloquial": colloquial,
    "sms": sms_style,
    "typos": lambda text, rng: with_typos(colloquial(text, rng), rng),
    "arabic": arabic_forms,
}


def fill(scenario: str, rng: random.Random) -> str:
    return scenario.format(
        street=rng.choice(STREETS),
        n=rng.choice(["۱", "۲", "۳", "۴", "۱۱", "۱۲", "۱۴", "۱۶"]),
        rank=rng.choice(RANKS),
        name=rng.choice(NAMES),
    )


def rows(seed: int = 197) -> list[dict[str, str]]:
    """Every (pattern, scenario) pair, in two registers each."""
    rng = random.Random(seed)
    out = []
    for label, patterns in PATTERNS.items():
        for p, pattern in enumerate(patterns):
            for topic, scenarios in SCENARIOS.items():
                for s, scenario in enumerate(scenarios):
                    for register in rng.sample(sorted(REGISTERS), 1):
                        text = rng.choice(GREETINGS) + pattern.format(s=fill(scenario, rng))
                        text = REGISTERS[register](text + rng.choice(ENDINGS), rng)
                        out.append(
                            {
                                "text": text.strip(),
                                "msg_class": label,
                                "topic": topic,
                                "pattern": f"{label}-{p}",
                                "scenario": f"{topic}-{s}",
                                "register": register,
                            }
                        )
    return out


FIELDS = ["text", "msg_class", "topic", "pattern", "scenario", "register"]


def write(path: Path = OUT) -> int:
    data = rows()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(data)
    return len(data)


if __name__ == "__main__":
    print(f"{write()} messages written to {OUT.name}")
