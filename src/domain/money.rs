//! Money in integer minor units, as the API contract carries it, and the amounts people type.
//!
//! Floats never touch money: a fee is `{amount: 18000, currency: "TWD"}` (NT$180.00), and an amount a
//! PRO types ("180", "1,250.50") is kept as an exact decimal until it meets a currency.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency. Validated on the way in, so a typo in an import file is an error, not a
/// currency nobody can format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point in this currency's major unit (2 for TWD and USD, 0 for JPY).
    pub fn exponent(self) -> u32 {
        // Funds and special codes have no exponent; two digits is what a payments API would use.
        u32::from(self.0.exponent().unwrap_or(2))
    }

    /// The symbol onto the end of `out`. iso_currency makes a new String of it at every call,
    /// so each currency's is kept once made: a list of 10,000 leads shows 20,000 amounts.
    fn push_symbol(self, out: &mut String) {
        thread_local! {
            static SYMBOLS: std::cell::RefCell<Vec<(Currency, String)>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        SYMBOLS.with_borrow_mut(|known| {
            let at = match known.iter().position(|(c, _)| *c == self) {
                Some(at) => at,
                None => {
                    known.push((self, self.0.symbol().symbol));
                    known.len() - 1
                }
            };
            out.push_str(&known[at].1);
        });
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown currency code {0:?}: use an ISO 4217 code such as TWD, USD or EUR")]
pub struct UnknownCurrency(pub String);

impl FromStr for Currency {
    type Err = UnknownCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // iso_currency matches the code against ~180 strings in turn; a store of 10,000 leads is
        // nearly all one currency, so the last one found answers almost every lookup.
        thread_local! {
            static LAST: std::cell::Cell<Option<Currency>> = const { std::cell::Cell::new(None) };
        }
        if let Some(last) = LAST.get().filter(|c| c.code() == s) {
            return Ok(last);
        }
        let found = iso_currency::Currency::from_code(s)
            .map(Currency)
            .ok_or_else(|| UnknownCurrency(s.to_string()))?;
        LAST.set(Some(found));
        Ok(found)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// An amount of money: integer minor units and a currency, exactly as the API carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub currency: Currency,
}

/// The largest amount, in major units, that a lead, a charge or a cap may carry in any currency:
/// a billion (NT$1,000,000,000, ¥1,000,000,000). Far above any real contact fee or job budget, and
/// low enough that adding up every amount a store could hold (tens of millions of them) stays well
/// inside `i64`. Anything above it is a data error, refused where it comes in.
pub const CEILING_MAJOR: i64 = 1_000_000_000;

/// Money arithmetic that would leave `i64`: the amounts are not plausible, so nothing that depends
/// on the sum (a budget guard, a total) may go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "amounts in {0} too large to add up (over {CEILING_MAJOR} major units each is implausible)"
)]
pub struct Overflow(pub Currency);

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// The ceiling of [`CEILING_MAJOR`] in this currency's minor units.
    pub fn ceiling(currency: Currency) -> i64 {
        CEILING_MAJOR * 10i64.pow(currency.exponent().min(6))
    }

    /// Whether the amount is one a lead or a charge can plausibly carry: 0 up to the ceiling.
    pub fn is_plausible(&self) -> bool {
        (0..=Money::ceiling(self.currency)).contains(&self.amount)
    }

    /// `self + other`, both in the same currency; `None` if it leaves `i64`.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        debug_assert_eq!(self.currency, other.currency);
        self.amount
            .checked_add(other.amount)
            .map(|a| Money::new(a, self.currency))
    }

    /// `self - other`, both in the same currency; `None` if it leaves `i64`.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        debug_assert_eq!(self.currency, other.currency);
        self.amount
            .checked_sub(other.amount)
            .map(|a| Money::new(a, self.currency))
    }
}

impl Money {
    /// The amount in major units as a plain decimal with every minor digit, for spreadsheets:
    /// "360.00" for NT$360, "-5.50", "3000" for ¥3,000. No symbol, no grouping.
    pub fn major_units(&self) -> String {
        let exponent = self.currency.exponent();
        let scale = 10u64.pow(exponent);
        let minor = self.amount.unsigned_abs();
        let sign = if self.amount < 0 { "-" } else { "" };
        if exponent == 0 {
            format!("{sign}{minor}")
        } else {
            let width = exponent as usize;
            format!("{sign}{}.{:0width$}", minor / scale, minor % scale)
        }
    }
}

impl fmt::Display for Money {
    /// `NT$1,800`, `$25.50`, `¥3,000`: the symbol, grouped major units, and the minor part only when
    /// it is not zero, so the common case reads short.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(16);
        self.push_to(&mut s);
        f.write_str(&s)
    }
}

impl Money {
    /// The money as it displays, onto the end of `out`: a list of 10,000 leads writes each fee
    /// and budget into one buffer.
    pub fn push_to(&self, out: &mut String) {
        if self.amount < 0 {
            out.push('-');
        }
        self.currency.push_symbol(out);
        push_units(out, self.amount.unsigned_abs(), self.currency.exponent());
    }
}

/// Totals per currency, in the order each currency first appears. Money of different currencies
/// is never added together, and a sum that would leave `i64` is an error, never a wrapped number.
pub fn totals(items: impl IntoIterator<Item = Money>) -> Result<Vec<Money>, Overflow> {
    let mut out: Vec<Money> = Vec::new();
    for m in items {
        match out.iter_mut().find(|t| t.currency == m.currency) {
            Some(t) => *t = t.checked_add(m).ok_or(Overflow(m.currency))?,
            None => out.push(m),
        }
    }
    Ok(out)
}

/// The sum of the amounts of `items` that are in `currency` (0 when none are).
pub fn sum_in(
    currency: Currency,
    items: impl IntoIterator<Item = Money>,
) -> Result<Money, Overflow> {
    items
        .into_iter()
        .filter(|m| m.currency == currency)
        .try_fold(Money::new(0, currency), |acc, m| {
            acc.checked_add(m).ok_or(Overflow(currency))
        })
}

/// "NT$2,160", "NT$2,160 + $25", or "0" for no money at all.
pub fn format_totals(totals: &[Money]) -> String {
    if totals.is_empty() {
        return "0".into();
    }
    totals
        .iter()
        .map(Money::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The total of `items` for a view that only shows it: per currency like [`format_totals`], or
/// words in place of a number when the amounts are too large to add up.
pub fn format_sum(items: impl IntoIterator<Item = Money>) -> String {
    match totals(items) {
        Ok(t) => format_totals(&t),
        Err(Overflow(c)) => format!("more {c} than can be added up"),
    }
}

/// Groups the major part in thousands and keeps the minor part only when it is not zero.
pub(crate) fn format_units(minor: u64, exponent: u32) -> String {
    let mut s = String::new();
    push_units(&mut s, minor, exponent);
    s
}

/// [`format_units`] onto the end of `out`.
pub(crate) fn push_units(out: &mut String, minor: u64, exponent: u32) {
    let scale = 10u64.pow(exponent);
    let (major, frac) = (minor / scale, minor % scale);
    let mut digits = [0u8; 20];
    let len = decimal(major, &mut digits);
    for (i, &d) in digits[digits.len() - len..].iter().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(char::from(d));
    }
    if frac != 0 {
        out.push('.');
        let len = decimal(frac, &mut digits);
        for _ in len..exponent as usize {
            out.push('0');
        }
        out.extend(digits[digits.len() - len..].iter().map(|&d| char::from(d)));
    }
}

/// The decimal digits of `n` at the end of `buf`, and how many there are.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> usize {
    let mut len = 0;
    loop {
        len += 1;
        buf[20 - len] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return len;
        }
    }
}

/// A decimal amount in major units as a person types it ("150", "1,250.50"), kept exact until it is
/// compared with or turned into money of a given currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    /// The digits without the point: "1250.50" is 125050 with scale 2.
    mantissa: i128,
    scale: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AmountError {
    #[error("{0:?} is not an amount: use digits in major units, like 150 or 1,250.50")]
    Malformed(String),
    #[error("{amount:?} has more decimals than {currency} allows ({exponent})")]
    TooPrecise {
        amount: String,
        currency: Currency,
        exponent: u32,
    },
}

impl FromStr for Amount {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || AmountError::Malformed(s.to_string());
        let t = s.trim();
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let int: String = int.chars().filter(|&c| c != ',' && c != '_').collect();
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        let dangling_point = t.ends_with('.');
        if int.is_empty()
            || dangling_point
            || !all_digits(&int)
            || !all_digits(frac)
            || frac.len() > 6
        {
            return Err(bad());
        }
        let mantissa: i128 = format!("{int}{frac}").parse().map_err(|_| bad())?;
        if mantissa > i128::from(i64::MAX) {
            return Err(bad());
        }
        Ok(Amount {
            mantissa,
            scale: frac.len() as u32,
        })
    }
}

impl Amount {
    /// The same amount, without its currency.
    pub fn from_money(money: Money) -> Amount {
        Amount {
            mantissa: i128::from(money.amount),
            scale: money.currency.exponent(),
        }
    }

    /// Compares with money of any currency exactly, in that currency's major units.
    pub fn cmp_money(&self, money: &Money) -> Ordering {
        let exp = money.currency.exponent();
        // Bring both to the finer scale before comparing; i128 holds i64 × 10^9 with room to spare.
        let ours = self.mantissa * 10i128.pow(exp);
        let theirs = i128::from(money.amount) * 10i128.pow(self.scale);
        ours.cmp(&theirs)
    }

    /// This amount as money of `currency`, refusing to round away a fraction the currency lacks.
    pub fn to_money(self, currency: Currency, original: &str) -> Result<Money, AmountError> {
        let exp = currency.exponent();
        if self.scale > exp {
            let excess = 10i128.pow(self.scale - exp);
            if self.mantissa % excess != 0 {
                return Err(AmountError::TooPrecise {
                    amount: original.to_string(),
                    currency,
                    exponent: exp,
                });
            }
            return Ok(Money::new((self.mantissa / excess) as i64, currency));
        }
        let minor = self.mantissa * 10i128.pow(exp - self.scale);
        i64::try_from(minor)
            .map(|a| Money::new(a, currency))
            .map_err(|_| AmountError::Malformed(original.to_string()))
    }
}

/// Parses "3000 TWD" or "1,250.50 USD": an amount in major units and the currency it is in.
pub fn parse_money(s: &str) -> Result<Money, String> {
    let mut parts = s.split_whitespace();
    let (Some(amount), Some(code), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "{s:?} is not an amount with a currency: write it like \"3000 TWD\""
        ));
    };
    let currency: Currency = code.parse().map_err(|e: UnknownCurrency| e.to_string())?;
    let parsed: Amount = amount.parse().map_err(|e: AmountError| e.to_string())?;
    let money = parsed
        .to_money(currency, amount)
        .map_err(|e| e.to_string())?;
    if !money.is_plausible() {
        return Err(format!(
            "{s:?} is over the ceiling of {} a single amount may be",
            Money::new(Money::ceiling(currency), currency)
        ));
    }
    Ok(money)
}

/// An optional amount in a config file, written as major units and a currency code
/// ("3000 TWD"): `#[serde(with = "serde_opt")]`.
pub mod serde_opt {
    use super::*;

    pub fn serialize<S: Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
        match m {
            Some(m) => s.serialize_str(&format!(
                "{} {}",
                format_units(m.amount.unsigned_abs(), m.currency.exponent()),
                m.currency
            )),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
        let text = String::deserialize(d)?;
        parse_money(&text)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twd(amount: i64) -> Money {
        Money::new(amount, "TWD".parse().unwrap())
    }

    #[test]
    fn formats_symbol_grouping_and_only_nonzero_cents() {
        assert_eq!(twd(18000).to_string(), "NT$180");
        assert_eq!(twd(180050).to_string(), "NT$1,800.50");
        assert_eq!(twd(123456789).to_string(), "NT$1,234,567.89");
        let jpy = Money::new(3000, "JPY".parse().unwrap());
        assert_eq!(jpy.to_string(), "¥3,000");
        assert_eq!(format_units(5, 2), "0.05");
    }

    #[test]
    fn amounts_compare_exactly_with_money() {
        let a: Amount = "180".parse().unwrap();
        assert_eq!(a.cmp_money(&twd(18000)), Ordering::Equal);
        assert_eq!(a.cmp_money(&twd(18001)), Ordering::Less);
        let b: Amount = "180.005".parse().unwrap();
        assert_eq!(b.cmp_money(&twd(18000)), Ordering::Greater);
        assert_eq!(b.cmp_money(&twd(18001)), Ordering::Less);
        let c: Amount = "1,250.5".parse().unwrap();
        assert_eq!(c.cmp_money(&twd(125050)), Ordering::Equal);
    }

    #[test]
    fn sums_that_would_wrap_are_errors_not_negative_totals() {
        let huge = twd(i64::MAX);
        assert_eq!(totals([huge, huge]), Err(Overflow(huge.currency)));
        assert_eq!(
            sum_in(huge.currency, [huge, twd(1)]),
            Err(Overflow(huge.currency))
        );
        assert_eq!(totals([twd(1), twd(2)]), Ok(vec![twd(3)]));
        assert_eq!(twd(i64::MIN).checked_sub(twd(1)), None);
    }

    #[test]
    fn the_ceiling_is_a_billion_major_units_in_every_currency() {
        let jpy: Currency = "JPY".parse().unwrap();
        assert_eq!(Money::ceiling(jpy), 1_000_000_000);
        assert_eq!(Money::ceiling("TWD".parse().unwrap()), 100_000_000_000);
        assert!(twd(100_000_000_000).is_plausible());
        assert!(!twd(100_000_000_001).is_plausible());
        assert!(!twd(-1).is_plausible());
        assert!(
            parse_money("1000000001 TWD")
                .unwrap_err()
                .contains("ceiling")
        );
    }

    #[test]
    fn bad_amounts_are_refused() {
        for s in [
            "",
            "abc",
            "-5",
            "1.2.3",
            "1e3",
            "12.",
            "99999999999999999999999",
        ] {
            assert!(s.parse::<Amount>().is_err(), "{s:?} parsed");
        }
    }

    #[test]
    fn money_with_currency_parses_and_refuses_extra_decimals() {
        assert_eq!(parse_money("3000 TWD").unwrap(), twd(300000));
        assert_eq!(parse_money("1,250.50 TWD").unwrap(), twd(125050));
        assert!(parse_money("3000").unwrap_err().contains("3000 TWD"));
        assert!(parse_money("3000 XXX1").unwrap_err().contains("ISO 4217"));
        assert!(
            parse_money("1.5 JPY")
                .unwrap_err()
                .contains("more decimals")
        );
    }

    #[test]
    fn major_units_are_a_plain_decimal_with_every_minor_digit() {
        let twd: Currency = "TWD".parse().unwrap();
        let jpy: Currency = "JPY".parse().unwrap();
        let bhd: Currency = "BHD".parse().unwrap();
        assert_eq!(Money::new(36000, twd).major_units(), "360.00");
        assert_eq!(Money::new(123_456_789, twd).major_units(), "1234567.89");
        assert_eq!(Money::new(-550, twd).major_units(), "-5.50");
        assert_eq!(Money::new(3000, jpy).major_units(), "3000");
        assert_eq!(Money::new(1005, bhd).major_units(), "1.005");
    }
}
