"""Workload of benchmarks/measured.py for python-dateutil: parse dates, compute recurrences.

What applications do with dateutil: parse date strings from logs, forms and feeds in many
formats (``parser.parse`` with dayfirst, fuzzy and time zones; ``isoparse``), expand calendar
recurrences (``rrule``, ``rrulestr``, ``rruleset`` with exclusions), shift dates with
``relativedelta``, and convert between time zones.

Run with the Python of a venv that has python-dateutil installed:
python workloads/dateutil.py [SCALE]
"""

import datetime as dt
import os
import random
import sys

# this file is named like the package: keep its folder off sys.path, so that ``import dateutil``
# finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

from dateutil import parser, rrule, tz
from dateutil.relativedelta import relativedelta

MONTHS = "January February March April May June July August September October November December"
MONTHS = MONTHS.split()
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TZINFOS = {"EST": -18000}
ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]


def date_strings(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        d = dt.datetime(2000, 1, 1) + dt.timedelta(seconds=rng.randrange(800_000_000))
        month = MONTHS[d.month - 1]
        out.append(
            rng.choice(
                [
                    d.strftime("%Y-%m-%d %H:%M:%S"),
                    d.strftime("%d/%m/%Y"),
                    d.strftime("%m-%d-%y %I:%M %p"),
                    f"{DAYS[d.weekday()]}, {d.day} {month} {d.year} {d:%H:%M:%S} +0200",
                    f"{month[:3]} {d.day} {d.year} at {d:%H:%M}",
                    f"{d.day}th of {month}, {d.year}",
                    d.strftime("%Y%m%dT%H%M%S"),
                    d.isoformat() + "Z",
                    f"{d:%a %b %d %H:%M:%S} EST {d.year}",
                    f"the meeting is on {month} {d.day}, {d.year} at {d:%H}h",
                ]
            )
        )
    return out


RULES = [
    "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=120",
    "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20301231T000000",
    "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1,15;COUNT=80",
    "FREQ=DAILY;INTERVAL=3;BYHOUR=9,17;COUNT=200",
    "FREQ=MONTHLY;BYSETPOS=2;BYDAY=TU,TH;COUNT=60",
]


def main(scale: float) -> None:
    rng = random.Random(8)
    strings = date_strings(rng, int(45000 * scale))
    zones = [tz.gettz(z) for z in ZONES]
    total = 0
    for s in strings:
        fuzzy = s.startswith("the ")
        d = parser.parse(s, fuzzy=fuzzy, dayfirst="/" in s, tzinfos=TZINFOS)
        total += d.year
    for s in strings[: len(strings) // 2]:
        d = parser.parse(s, fuzzy=True, default=dt.datetime(2024, 1, 1), tzinfos=TZINFOS)
        if d.tzinfo is None:
            d = d.replace(tzinfo=zones[total % len(zones)])
        total += d.astimezone(zones[d.minute % len(zones)]).hour
        total += (d + relativedelta(months=+1, weekday=rrule.FR(-1), hour=10)).day
        total += parser.isoparse(d.strftime("%Y-%m-%dT%H:%M:%S")).second
    start = dt.datetime(2024, 1, 1, 9)
    for _ in range(int(220 * scale)):
        for text in RULES:
            total += len(list(rrule.rrulestr(text, dtstart=start)))
        rset = rrule.rruleset()
        rset.rrule(rrule.rrule(rrule.DAILY, dtstart=start, count=365, byweekday=range(5)))
        rset.exdate(start + relativedelta(days=+3))
        rset.exrule(rrule.rrule(rrule.MONTHLY, dtstart=start, bymonthday=1, count=12))
        total += len(rset.between(start, start + relativedelta(years=+1)))
    print(f"checksum {total}", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
