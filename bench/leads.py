#!/usr/bin/env python3
"""Writes an NDJSON import file for the benchmarks: PENDING answerable New Leads and HISTORY past
leads spread over the 30-day rate window before NOW, shaped like `leads demo`'s (about 620 bytes
a lead), the same for the same arguments.

    bench/leads.py PENDING HISTORY NOW > leads.ndjson
    bench/leads.py 1000 1000000 2026-11-23T04:00:00Z > big.ndjson      # 620 MB
"""

import json
import random
import sys
from datetime import datetime, timedelta, timezone

SERVICES = [
    ("Deep home cleaning", "cleaning", (120, 220), (2500, 8000),
     [("Home size", ["2 bedrooms, about 25 ping", "3 bedrooms, 2 baths", "Studio, 12 ping"]),
      ("Pets", ["One cat", "No pets", "Two dogs"]),
      ("Supplies", ["Please bring your own", "We have everything"])]),
    ("Leaking pipe repair", "plumbing", (150, 300), (1500, 6000),
     [("Where", ["Under the kitchen sink", "Bathroom ceiling, from upstairs"]),
      ("How bad", ["Slow drip", "Water on the floor every day", "Stopped it with the valve"])]),
    ("Small move (studio or 1 room)", "moving", (180, 320), (3000, 9000),
     [("From", ["4F, no elevator", "12F, elevator", "Ground floor"]),
      ("Items", ["About 20 boxes and a bed", "Boxes, desk, washing machine"]),
      ("Distance", ["Same district", "About 15 km", "Taipei to Taoyuan"])]),
    ("Split air conditioner installation", "electrical", (160, 280), (3000, 10000),
     [("Units", ["One 1-ton unit", "Two units, bedroom and living room"]),
      ("Wall", ["Concrete, outdoor bracket needed", "Existing holes from the old unit"])]),
    ("Interior wall painting", "painting", (200, 380), (8000, 30000),
     [("Rooms", ["Living room and one bedroom", "Whole apartment, 28 ping"]),
      ("Walls", ["Some mould near the window", "Good condition, just a new colour"])]),
]
PLACES = [("台北市", "大安區", "106"), ("台北市", "信義區", "110"), ("新北市", "板橋區", "220"),
          ("桃園市", "中壢區", "320"), ("台中市", "西屯區", "407")]
NAMES = ["Ms. Lin", "Mr. Chen", "Wang family", "Ms. Huang", "Mr. Chang", "Kevin", "Amy"]
SCHEDULES = ["This Saturday morning", "Weekdays after 18:00", "Flexible, within two weeks", None]
MESSAGES = ["Please quote a fixed price if you can. I work from home, so weekdays are fine.",
            "We just moved in and the previous tenant left it quite dirty. Photos on request.",
            "Parking is difficult on our lane; there is a paid lot 200 m away.", None]
REASONS = ["not_my_service", "outside_area", "schedule_conflict", "budget_too_low", "too_busy"]


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def lead(rng, lead_id, created):
    name, category, fee, budget, questions = rng.choice(SERVICES)
    city, district, postcode = rng.choice(PLACES)
    low = rng.randint(*budget) // 100 * 100
    return {
        "id": lead_id, "kind": "new_lead", "status": "pending",
        "service": name, "category": category,
        "created_at": rfc3339(created), "expires_at": None,
        "fee": {"amount": rng.randint(*fee) // 10 * 1000, "currency": "TWD"},
        "budget": {"min": low * 100, "max": (low + low // 2) * 100, "currency": "TWD"},
        "location": {"city": city, "district": district, "postcode": postcode},
        "schedule": rng.choice(SCHEDULES),
        "customer": {"display_name": rng.choice(NAMES), "phone": None, "email": None},
        "answers": [{"question": q, "answer": rng.choice(a)} for q, a in questions],
        "message": rng.choice(MESSAGES),
        "decision": None,
    }


def main():
    pending, history = int(sys.argv[1]), int(sys.argv[2])
    now = datetime.fromisoformat(sys.argv[3].replace("Z", "+00:00")).astimezone(timezone.utc)
    rng = random.Random(7)
    out = sys.stdout
    for i in range(pending):
        l = lead(rng, f"b-{i + 1:07}", now - timedelta(minutes=rng.randint(10, 47 * 60)))
        out.write(json.dumps(l, ensure_ascii=False, separators=(",", ":")) + "\n")
    for i in range(history):
        created = now - timedelta(minutes=rng.randint(49 * 60, 30 * 24 * 60 - 1))
        l = lead(rng, f"b-h{i + 1:07}", created)
        decided = rfc3339(created + timedelta(minutes=rng.randint(4, 26 * 60)))
        roll = rng.randrange(100)
        if roll < 8:
            l["kind"], l["status"] = "promotion", "accepted"
            l["decision"] = {"action": "accept", "decided_at": rfc3339(created),
                             "reason": None, "note": "auto-quoted by Promotion Service"}
        elif roll < 38:
            l["status"] = "accepted"
            l["customer"]["phone"] = f"09{rng.randrange(100):02}-{rng.randrange(1000):03}-{rng.randrange(1000):03}"
            l["decision"] = {"action": "accept", "decided_at": decided, "reason": None, "note": None}
        elif roll < 84:
            l["status"] = "rejected"
            l["decision"] = {"action": "reject", "decided_at": decided,
                             "reason": rng.choice(REASONS), "note": None}
        else:
            l["status"] = "expired"
        out.write(json.dumps(l, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
