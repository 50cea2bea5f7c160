//! `leads demo`: realistic sample leads, relative to now, and a month of history behind them.
//!
//! Demo leads have ids starting with `dm-`, so a second `leads demo` replaces them (fresh
//! countdowns) without touching anything else. Large counts double as the benchmark data set.

use chrono::{DateTime, TimeDelta, Utc};

use super::filters::WholeNumber;
use crate::context::Ctx;
use crate::domain::conversation::{Channel, Ending, JobOutcome, Message, Sender};
use crate::domain::lead::{
    Action, Answer, Budget, Customer, Decision, Kind, Lead, Location, RejectReason, Status,
};
use crate::domain::money::{Currency, Money};
use crate::error::{CliError, Exit};

pub const ID_PREFIX: &str = "dm-";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many pending New Leads to make
    #[arg(long, default_value_t = 16, value_parser = WholeNumber::<u32>::between(0, 1_000_000), allow_negative_numbers = true)]
    pub count: u32,

    /// How many past leads (decided, lapsed, promotions) to spread over the rate window
    #[arg(long, default_value_t = 150, value_parser = WholeNumber::<u32>::between(0, 1_000_000), allow_negative_numbers = true)]
    pub history: u32,

    /// Seed for the generator: the same seed and clock give the same leads
    #[arg(long, default_value_t = 7, value_parser = WholeNumber::<u64>::at_least(0), allow_negative_numbers = true)]
    pub seed: u64,

    /// Add the sample leads even though the store holds other leads (they are never touched)
    #[arg(long)]
    pub force: bool,

    /// Only fill the store; do not show the triage view afterwards
    #[arg(long)]
    pub no_show: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let account = ctx.local_account("demo")?;
    let store = account.store();
    let prefix = format!("{}{ID_PREFIX}", account.account.prefix);
    let (_, others) = store.count_by_prefix(&prefix)?;
    if others > 0 && !args.force {
        return Err(CliError::usage(format!(
            "the store at {} already holds {others} lead{} of your own",
            store.path().display(),
            if others == 1 { "" } else { "s" }
        ))
        .with_hint(
            "use another store (`leads --data-dir /tmp/leads-demo demo`), or pass --force to add the samples beside them",
        ));
    }
    let window = TimeDelta::days(i64::from(account.account.rate.window_days));
    let shelf = ctx.config.freshness.shelf_life;
    let leads = generate(
        args.seed,
        ctx.now(),
        shelf,
        args.count,
        args.history,
        window,
    );
    let leads = super::import::in_account(leads, &account.account.prefix);
    store.replace_prefixed(&prefix, &leads, ctx.now())?;
    ctx.out.note(&format!(
        "Seeded {} pending New Leads and {} past ones into {}.",
        args.count,
        args.history,
        store.path().display()
    ));
    if args.no_show {
        return Ok(Exit::Ok);
    }
    let exit = super::list::run(
        ctx,
        super::list::Args {
            sort: Default::default(),
            filter: Default::default(),
            status: Default::default(),
        },
    )?;
    ctx.out
        .note("Next: `leads show ID` for the whole lead, `leads status` for your response rate.");
    Ok(exit)
}

/// splitmix64: tiny, fast, and its output for a seed never changes with a dependency upgrade,
/// which snapshot tests and reproducible benchmarks rely on.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

struct Service {
    name: &'static str,
    category: &'static str,
    /// Contact fee range, whole NT$.
    fee: (i64, i64),
    /// Customer budget range, whole NT$.
    budget: (i64, i64),
    questions: &'static [(&'static str, &'static [&'static str])],
}

const SERVICES: &[Service] = &[
    Service {
        name: "Deep home cleaning",
        category: "cleaning",
        fee: (120, 220),
        budget: (2_500, 8_000),
        questions: &[
            (
                "Home size",
                &[
                    "2 bedrooms, about 25 ping",
                    "3 bedrooms, 2 baths",
                    "Studio, 12 ping",
                    "4 bedrooms, 40 ping",
                ],
            ),
            ("Pets", &["One cat", "No pets", "Two dogs"]),
            ("Supplies", &["Please bring your own", "We have everything"]),
        ],
    },
    Service {
        name: "Regular home cleaning",
        category: "cleaning",
        fee: (90, 160),
        budget: (1_500, 3_500),
        questions: &[
            (
                "How often",
                &["Every week", "Every two weeks", "Once a month"],
            ),
            ("Home size", &["2 bedrooms", "3 bedrooms", "Studio"]),
        ],
    },
    Service {
        name: "Move-out cleaning",
        category: "cleaning",
        fee: (150, 260),
        budget: (4_000, 12_000),
        questions: &[
            (
                "Home size",
                &["3 bedrooms, empty", "2 bedrooms, some furniture left"],
            ),
            (
                "Deadline",
                &["Landlord inspection on Friday", "By the end of the month"],
            ),
        ],
    },
    Service {
        name: "Leaking pipe repair",
        category: "plumbing",
        fee: (150, 300),
        budget: (1_500, 6_000),
        questions: &[
            (
                "Where",
                &[
                    "Under the kitchen sink",
                    "Bathroom ceiling, from upstairs",
                    "Balcony washing machine tap",
                ],
            ),
            (
                "How bad",
                &[
                    "Slow drip",
                    "Water on the floor every day",
                    "Stopped it with the valve",
                ],
            ),
        ],
    },
    Service {
        name: "Water heater installation",
        category: "plumbing",
        fee: (200, 350),
        budget: (8_000, 25_000),
        questions: &[
            (
                "Type",
                &[
                    "Gas, outdoor",
                    "Electric storage, 20 gallons",
                    "Not sure, need advice",
                ],
            ),
            ("Old unit", &["Please remove it", "Already removed"]),
        ],
    },
    Service {
        name: "Small move (studio or 1 room)",
        category: "moving",
        fee: (180, 320),
        budget: (3_000, 9_000),
        questions: &[
            (
                "From",
                &["4F, no elevator", "12F, elevator", "Ground floor"],
            ),
            (
                "Items",
                &[
                    "About 20 boxes and a bed",
                    "Boxes, desk, washing machine",
                    "Mostly boxes",
                ],
            ),
            (
                "Distance",
                &["Same district", "About 15 km", "Taipei to Taoyuan"],
            ),
        ],
    },
    Service {
        name: "Family move",
        category: "moving",
        fee: (300, 480),
        budget: (12_000, 40_000),
        questions: &[
            (
                "Home size",
                &["3 bedrooms", "4 bedrooms with a piano", "2 bedrooms"],
            ),
            (
                "Packing",
                &["We pack, you move", "Need full packing service"],
            ),
        ],
    },
    Service {
        name: "Split air conditioner installation",
        category: "electrical",
        fee: (160, 280),
        budget: (3_000, 10_000),
        questions: &[
            (
                "Units",
                &["One 1-ton unit", "Two units, bedroom and living room"],
            ),
            (
                "Wall",
                &[
                    "Concrete, outdoor bracket needed",
                    "Existing holes from the old unit",
                ],
            ),
        ],
    },
    Service {
        name: "Furniture assembly",
        category: "handyman",
        fee: (80, 150),
        budget: (800, 3_000),
        questions: &[
            (
                "What",
                &["IKEA wardrobe, 2 m", "Bunk bed and two desks", "Sofa bed"],
            ),
            ("Floor", &["3F, elevator", "5F, stairs only"]),
        ],
    },
    Service {
        name: "Interior wall painting",
        category: "painting",
        fee: (200, 380),
        budget: (8_000, 30_000),
        questions: &[
            (
                "Rooms",
                &[
                    "Living room and one bedroom",
                    "Whole apartment, 28 ping",
                    "One feature wall",
                ],
            ),
            (
                "Walls",
                &[
                    "Some mould near the window",
                    "Good condition, just a new colour",
                ],
            ),
        ],
    },
];

/// City, district, postcode.
const PLACES: &[(&str, &str, &str)] = &[
    ("台北市", "大安區", "106"),
    ("台北市", "信義區", "110"),
    ("台北市", "中山區", "104"),
    ("台北市", "松山區", "105"),
    ("台北市", "內湖區", "114"),
    ("台北市", "士林區", "111"),
    ("新北市", "板橋區", "220"),
    ("新北市", "新店區", "231"),
    ("新北市", "中和區", "235"),
    ("新北市", "三重區", "241"),
    ("桃園市", "中壢區", "320"),
    ("桃園市", "桃園區", "330"),
    ("台中市", "西屯區", "407"),
];

const NAMES: &[&str] = &[
    "Ms. Lin",
    "Mr. Chen",
    "Wang family",
    "Ms. Huang",
    "Mr. Chang",
    "Ms. Tsai",
    "Mr. Liu",
    "Ms. Yang",
    "Mr. Wu",
    "Ms. Hsu",
    "Kevin",
    "Amy",
    "Mr. Lai",
    "Ms. Cheng",
];

const SCHEDULES: &[&str] = &[
    "This Saturday morning",
    "Weekdays after 18:00",
    "Flexible, within two weeks",
    "As soon as possible",
    "Next Tuesday 09:00–12:00",
    "Any weekend in December",
    "Before Lunar New Year",
];

const MESSAGES: &[&str] = &[
    "Please quote a fixed price if you can. I work from home, so weekdays are fine.",
    "We just moved in and the previous tenant left it quite dirty. Photos on request.",
    "Need someone reliable, last company cancelled on the day.",
    "Parking is difficult on our lane; there is a paid lot 200 m away.",
    "Can you send an invoice (統一發票)? This is for our small office.",
    "Elderly parents live here, please call before coming.",
    "Is it possible to do it in one visit?",
];

fn ntd(whole: i64) -> i64 {
    whole * 100
}

/// Makes `pending` answerable New Leads and `history` past leads over `window` before `now`.
/// `shelf_life` is the config's, so every pending lead is still answerable at `now`.
pub fn generate(
    seed: u64,
    now: DateTime<Utc>,
    shelf_life: TimeDelta,
    pending: u32,
    history: u32,
    window: TimeDelta,
) -> Vec<Lead> {
    let mut rng = Rng(seed);
    let twd: Currency = "TWD".parse().expect("TWD is ISO 4217");
    let base = |rng: &mut Rng, id: String, created_at: DateTime<Utc>| -> Lead {
        let service = rng.pick(SERVICES);
        let (city, district, postcode) = *rng.pick(PLACES);
        let fee = ntd(rng.range(service.fee.0, service.fee.1) / 10 * 10);
        let lo = rng.range(service.budget.0, service.budget.1) / 100 * 100;
        let budget = match rng.below(10) {
            0 => None,
            1 => Some(Budget {
                min: None,
                max: Some(ntd(lo)),
                currency: twd,
            }),
            _ => Some(Budget {
                min: Some(ntd(lo)),
                max: Some(ntd(lo + lo / 2 / 100 * 100)),
                currency: twd,
            }),
        };
        let answers = service
            .questions
            .iter()
            .map(|(q, options)| Answer {
                question: (*q).to_string(),
                answer: (*rng.pick(options)).to_string(),
            })
            .collect();
        Lead {
            id,
            kind: Kind::NewLead,
            status: Status::Pending,
            service: service.name.into(),
            category: service.category.into(),
            created_at,
            // About a third of platforms' leads carry their own expiry; the rest use the shelf life.
            expires_at: rng
                .chance(35)
                .then(|| created_at + TimeDelta::hours(*rng.pick(&[24, 36, 72]))),
            fee: Money::new(fee, twd),
            budget,
            location: Some(Location {
                city: Some(city.into()),
                district: Some(district.into()),
                postcode: Some(postcode.into()),
            }),
            schedule: rng.chance(85).then(|| (*rng.pick(SCHEDULES)).to_string()),
            customer: Customer {
                display_name: (*rng.pick(NAMES)).to_string(),
                phone: None,
                email: None,
            },
            answers,
            message: rng.chance(60).then(|| (*rng.pick(MESSAGES)).to_string()),
            decision: None,
            messages: Vec::new(),
            outcome: None,
        }
    };

    let mut leads = Vec::with_capacity((pending + history) as usize);
    // Pending: pick how long each has left first (a quarter urgent, a third due within a day, the
    // rest fresh), then place its arrival so that its lifetime ends there.
    for i in 0..pending {
        let mut lead = base(&mut rng, format!("{ID_PREFIX}{:04}", i + 1), now);
        let lifetime = lead.expires_at.map_or(shelf_life, |e| e - lead.created_at);
        let longest = (lifetime - TimeDelta::minutes(5)).num_minutes().max(20);
        let (lo, hi) = match rng.below(100) {
            0..25 => (15, 6 * 60),
            25..60 => (6 * 60, 24 * 60),
            _ => (24 * 60, longest),
        };
        let left = TimeDelta::minutes(rng.range(lo.min(longest - 5), hi.min(longest)));
        lead.created_at = now + left - lifetime;
        lead.expires_at = lead.expires_at.map(|_| lead.created_at + lifetime);
        leads.push(lead);
    }
    // History: decided, lapsed and auto-quoted leads over the window, answered well but not
    // perfectly, so the rate sits in the low 80s and the pending queue matters.
    let window_minutes = window.num_minutes().max(50 * 60);
    for i in 0..history {
        let minutes_ago = rng.range(49 * 60, window_minutes - 1);
        let created = now - TimeDelta::minutes(minutes_ago);
        let mut lead = base(&mut rng, format!("{ID_PREFIX}h{:05}", i + 1), created);
        lead.expires_at = None;
        let roll = rng.below(100);
        let decided_at = created + TimeDelta::minutes(rng.range(4, 26 * 60));
        if roll < 8 {
            // Auto-quoted by Promotion Service: charged on arrival, never in the rate.
            lead.kind = Kind::Promotion;
            lead.status = Status::Accepted;
            lead.decision = Some(Decision {
                action: Action::Accept,
                decided_at: created,
                reason: None,
                note: Some("auto-quoted by Promotion Service".into()),
            });
        } else if roll < 38 {
            lead.status = Status::Accepted;
            lead.customer.phone = Some(format!(
                "09{:02}-{:03}-{:03}",
                rng.below(100),
                rng.below(1000),
                rng.below(1000)
            ));
            lead.decision = Some(Decision {
                action: Action::Accept,
                decided_at,
                reason: None,
                note: None,
            });
            // Its own generator, so the leads after it are the same as before conversations.
            converse(&mut lead, &mut Rng(seed ^ (u64::from(i) << 20)), now);
        } else if roll < 84 {
            lead.status = Status::Rejected;
            lead.decision = Some(Decision {
                action: Action::Reject,
                decided_at,
                reason: Some(*rng.pick(&RejectReason::ALL)),
                note: None,
            });
        } else {
            lead.status = Status::Expired;
        }
        leads.push(lead);
    }
    leads
}

const FOLLOW_UPS: &[&str] = &[
    "Thanks! Could you come on Saturday instead?",
    "How long will it take?",
    "Does the price include materials?",
    "Can you send a rough quote first?",
    "週末可以嗎？",
];

/// A conversation after the accept, in one of the stages a PRO meets: not written to yet, waiting
/// on the customer (some long enough to nudge), the customer's turn back, won, lost, or gone cold.
fn converse(lead: &mut Lead, rng: &mut Rng, now: DateTime<Utc>) {
    let accepted = lead
        .decision
        .as_ref()
        .map_or(lead.created_at, |d| d.decided_at);
    let latest = now - TimeDelta::minutes(5);
    let at = |t: DateTime<Utc>| t.min(latest).max(accepted);
    let name = lead.customer.display_name.clone();
    let district = lead
        .location
        .as_ref()
        .and_then(|l| l.district.clone())
        .unwrap_or_default();
    let reply = format!(
        "Hi {name}, thanks for your request. I often work in {district} and can do the {} — {}?",
        lead.service.to_lowercase(),
        lead.schedule.as_deref().unwrap_or("when suits you")
    );
    let say = |lead: &mut Lead, when: DateTime<Utc>, from: Sender, text: String| {
        let n = lead.messages.len() + 1;
        lead.messages.push(Message {
            id: format!("{}-m{n}", lead.id),
            at: when,
            from,
            channel: Channel::Platform,
            text: Some(text),
        });
    };
    let first_reply = at(accepted + TimeDelta::minutes(rng.range(5, 180)));
    // A conversation is live only in the days after its accept: an older one has been settled,
    // or went quiet right after it (cold), as a PRO's real ones do.
    let recent = now - accepted < TimeDelta::days(5);
    let roll = match rng.below(100) {
        r @ 15..55 if !recent => r + 40,
        r => r,
    };
    match roll {
        // Paid for and never written to: waiting, or by now wasted.
        0..15 => {}
        // You wrote two or three days ago and they have not answered: time to nudge.
        15..35 => {
            let wrote = at(latest - TimeDelta::hours(rng.range(49, 70)));
            say(lead, wrote, Sender::Pro, reply);
        }
        // They came back with a question: your turn, recently.
        35..55 => {
            say(lead, first_reply, Sender::Pro, reply);
            let back = at(latest - TimeDelta::minutes(rng.range(30, 20 * 60)));
            say(
                lead,
                back.max(first_reply),
                Sender::Customer,
                rng.pick(FOLLOW_UPS).to_string(),
            );
        }
        // Won, with what the job was worth.
        55..80 => {
            say(lead, first_reply, Sender::Pro, reply);
            let back = at(first_reply + TimeDelta::minutes(rng.range(30, 600)));
            say(
                lead,
                back,
                Sender::Customer,
                rng.pick(FOLLOW_UPS).to_string(),
            );
            let agreed = at(back + TimeDelta::minutes(rng.range(10, 120)));
            say(
                lead,
                agreed,
                Sender::Pro,
                "Yes, that works. I have booked you in.".into(),
            );
            let value = lead
                .budget
                .as_ref()
                .and_then(|b| b.max.or(b.min))
                .unwrap_or(lead.fee.amount * 20);
            lead.outcome = Some(JobOutcome {
                result: Ending::Won,
                at: agreed,
                value: Some(Money::new(value, lead.fee.currency)),
                reason: None,
            });
        }
        // Lost to someone else.
        _ => {
            say(lead, first_reply, Sender::Pro, reply);
            lead.outcome = Some(JobOutcome {
                result: Ending::Lost,
                at: at(first_reply + TimeDelta::hours(rng.range(2, 48))),
                value: None,
                reason: Some("went with a cheaper quote".into()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHELF: TimeDelta = TimeDelta::hours(48);

    #[test]
    fn same_seed_same_leads_and_every_lead_is_valid() {
        let now: DateTime<Utc> = "2026-11-23T02:00:00Z".parse().unwrap();
        let a = generate(7, now, SHELF, 50, 200, TimeDelta::days(30));
        let b = generate(7, now, SHELF, 50, 200, TimeDelta::days(30));
        assert_eq!(a, b);
        assert_ne!(a, generate(8, now, SHELF, 50, 200, TimeDelta::days(30)));
        for lead in &a {
            lead.validate().unwrap();
            assert!(lead.id.starts_with(ID_PREFIX));
        }
        let pending: Vec<_> = a.iter().filter(|l| l.status == Status::Pending).collect();
        let left = |l: &Lead| crate::domain::freshness::expiry(l, SHELF) - now;
        for lead in &pending {
            assert!(
                left(lead) > TimeDelta::zero() && lead.created_at <= now,
                "{}",
                lead.id
            );
        }
        // Countdowns span urgent to fresh.
        assert!(pending.iter().any(|l| left(l) <= TimeDelta::hours(6)));
        assert!(pending.iter().any(|l| left(l) > TimeDelta::hours(24)));
    }
}
