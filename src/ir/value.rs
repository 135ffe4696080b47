//! Typed values: the one owner of what a value type is, how a value of each
//! type is read from text (a capture's reply, a per-call variable's
//! `example` or `default`, a cell of a call list) and how it is written for
//! a locale. Captures and per-call variables share these types, so a date is
//! a date everywhere.

use super::Language;

/// The type of a per-call variable or a captured value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// Any text.
    Text,
    /// A decimal number, such as `12.5`.
    Number,
    /// A whole number, within the bounds given.
    Integer {
        /// The least value allowed.
        min: Option<i64>,
        /// The greatest value allowed.
        max: Option<i64>,
    },
    /// A percentage, written `8` or `8%` (`8.5%` too).
    Percent,
    /// An amount of money in one currency (ISO 4217 code, such as `CNY`).
    Money {
        /// The currency's code, upper case.
        currency: String,
    },
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A time of day, `HH:MM` (24-hour).
    Time,
    /// A phone number: `+` and 6–15 digits (E.164).
    Phone,
    /// An e-mail address.
    Email,
    /// Yes or no.
    YesNo,
    /// One of the listed words.
    OneOf(Vec<String>),
}

/// The type words, with what a value of each is (for hover, completion and
/// "the types are …" notes); `integer`, `money` and `one_of` take arguments.
pub const TYPES: &[(&str, &str)] = &[
    ("text", "any text"),
    ("number", "a decimal number, such as `12.5`"),
    ("integer", "a whole number, `integer(A..B)` within bounds"),
    ("percent", "a percentage, such as `8` or `8.5%`"),
    ("money", "an amount in one currency, `money(CNY)`"),
    ("date", "a date, `YYYY-MM-DD`"),
    ("time", "a time of day, `HH:MM`"),
    ("phone", "a phone number: `+` and 6 to 15 digits"),
    ("email", "an e-mail address"),
    ("yes_no", "yes or no"),
    ("one_of", "one of the words listed, `one_of(a, b)`"),
];

/// Type words from other tools, with the type they mean.
pub const TYPE_ALIASES: &[(&str, &str)] = &[
    ("bool", "yes_no"),
    ("boolean", "yes_no"),
    ("yesno", "yes_no"),
    ("enum", "one_of"),
    ("categorical", "one_of"),
    ("choice", "one_of"),
    ("int", "integer"),
    ("float", "number"),
    ("decimal", "number"),
    ("string", "text"),
    ("str", "text"),
    ("mail", "email"),
    ("e_mail", "email"),
    ("tel", "phone"),
    ("phone_number", "phone"),
    ("datetime", "date"),
    ("currency", "money"),
    ("amount", "money"),
    ("percentage", "percent"),
    ("pct", "percent"),
];

impl ValueType {
    /// The word that names the type (`one_of`, `integer`, …), without its
    /// arguments.
    #[must_use]
    pub const fn word(&self) -> &'static str {
        match self {
            ValueType::Text => "text",
            ValueType::Number => "number",
            ValueType::Integer { .. } => "integer",
            ValueType::Percent => "percent",
            ValueType::Money { .. } => "money",
            ValueType::Date => "date",
            ValueType::Time => "time",
            ValueType::Phone => "phone",
            ValueType::Email => "email",
            ValueType::YesNo => "yes_no",
            ValueType::OneOf(_) => "one_of",
        }
    }

    /// The type as written in a spec, arguments included:
    /// `integer(1..5)`, `money(CNY)`, `one_of(a, b)`.
    #[must_use]
    pub fn written(&self) -> String {
        match self {
            ValueType::Integer { min: None, max: None } => "integer".to_owned(),
            ValueType::Integer { min, max } => format!(
                "integer({}..{})",
                min.map(|n| n.to_string()).unwrap_or_default(),
                max.map(|n| n.to_string()).unwrap_or_default()
            ),
            ValueType::Money { currency } => format!("money({currency})"),
            ValueType::OneOf(words) => format!("one_of({})", words.join(", ")),
            other => other.word().to_owned(),
        }
    }

    /// Reads a value of this type from text (surrounding spaces ignored), or
    /// says in a phrase what is wrong ("not a date: expected `YYYY-MM-DD`").
    ///
    /// # Errors
    /// The phrase, when the text is not a value of the type.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        let t = text.trim();
        if t.is_empty() && *self != ValueType::Text {
            return Err("empty".to_owned());
        }
        match self {
            ValueType::Text => Ok(Value::Text(t.to_owned())),
            ValueType::Number => decimal(t)
                .map(Value::Number)
                .ok_or_else(|| "not a number: expected digits with an optional `.`, such as `12.5`".to_owned()),
            ValueType::Integer { min, max } => {
                // `i64`'s own reading: an optional `+` or `-`, then ASCII digits
                // (so `+-5` and `++5` are not numbers).
                let n: i64 = t.parse().map_err(|_| "not a whole number".to_owned())?;
                match (min, max) {
                    (Some(lo), _) if n < *lo => Err(format!("{n} is less than {lo}, the least allowed")),
                    (_, Some(hi)) if n > *hi => Err(format!("{n} is more than {hi}, the most allowed")),
                    _ => Ok(Value::Integer(n)),
                }
            }
            ValueType::Percent => {
                let digits = t.strip_suffix(['%', '％']).unwrap_or(t).trim_end();
                decimal(digits)
                    .map(Value::Percent)
                    .ok_or_else(|| "not a percentage: expected a number such as `8` or `8.5%`".to_owned())
            }
            ValueType::Money { currency } => money(t, currency).map(|amount| Value::Money {
                amount,
                currency: currency.clone(),
            }),
            ValueType::Date => date(t)
                .map(|(year, month, day)| Value::Date { year, month, day })
                .ok_or_else(|| "not a date: expected `YYYY-MM-DD`, such as `2026-12-31`".to_owned()),
            ValueType::Time => time(t)
                .map(|(hour, minute)| Value::Time { hour, minute })
                .ok_or_else(|| "not a time of day: expected `HH:MM` (24-hour), such as `09:30`".to_owned()),
            ValueType::Phone => {
                let ok = t
                    .strip_prefix('+')
                    .is_some_and(|d| (6..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
                if ok {
                    Ok(Value::Phone(t.to_owned()))
                } else {
                    Err("not a phone number: expected `+` and 6 to 15 digits with no spaces (E.164), such as `+8613800138000`".to_owned())
                }
            }
            ValueType::Email => {
                if is_email(t) {
                    Ok(Value::Email(t.to_owned()))
                } else {
                    Err("not an e-mail address".to_owned())
                }
            }
            ValueType::YesNo => yes_no(t)
                .map(Value::YesNo)
                .ok_or_else(|| "not yes or no: expected `yes`, `no`, `true`, `false`, `是` or `否`".to_owned()),
            ValueType::OneOf(words) => {
                if words.iter().any(|w| w == t) {
                    Ok(Value::Word(t.to_owned()))
                } else {
                    Err(format!("not one of {}", words.join(", ")))
                }
            }
        }
    }
}

/// A value read by [`ValueType::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Text, trimmed.
    Text(String),
    /// A decimal number, as written without a leading `+` or needless zeros.
    Number(String),
    /// A whole number.
    Integer(i64),
    /// A percentage: the number without `%`.
    Percent(String),
    /// An amount with two decimals, and its currency.
    Money {
        /// The amount, such as `1299.00`.
        amount: String,
        /// The currency's code.
        currency: String,
    },
    /// A calendar date.
    Date {
        /// The year.
        year: u16,
        /// The month, 1–12.
        month: u8,
        /// The day, 1–31.
        day: u8,
    },
    /// A time of day.
    Time {
        /// 0–23.
        hour: u8,
        /// 0–59.
        minute: u8,
    },
    /// `+` and digits.
    Phone(String),
    /// An e-mail address.
    Email(String),
    /// Yes or no.
    YesNo(bool),
    /// A word of a `one_of`.
    Word(String),
}

impl Value {
    /// The value in the form every runtime reads: ISO dates, `.` decimals,
    /// `true`/`false`.
    #[must_use]
    pub fn canonical(&self) -> String {
        match self {
            Value::Text(s)
            | Value::Number(s)
            | Value::Percent(s)
            | Value::Phone(s)
            | Value::Email(s)
            | Value::Word(s) => s.clone(),
            Value::Integer(n) => n.to_string(),
            Value::Money { amount, .. } => amount.clone(),
            Value::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
            Value::Time { hour, minute } => format!("{hour:02}:{minute:02}"),
            Value::YesNo(b) => b.to_string(),
        }
    }

    /// The value as it is said in a sentence of the given language:
    /// 12月31日 / December 31, 8%, ¥1,299.00 / 1,299.00 元.
    #[must_use]
    pub fn spoken(&self, language: Language) -> String {
        match (self, language) {
            (Value::Date { month, day, .. }, Language::Chinese) => format!("{month}月{day}日"),
            (Value::Date { month, day, .. }, Language::English) => {
                format!("{} {day}", MONTHS[usize::from(month.saturating_sub(1)).min(11)])
            }
            (Value::Time { hour, minute }, Language::Chinese) => {
                if *minute == 0 {
                    format!("{hour}点")
                } else {
                    format!("{hour}点{minute}分")
                }
            }
            (Value::Time { hour, minute }, Language::English) => {
                let (h, half) = match hour {
                    0 => (12, "am"),
                    1..=11 => (*hour, "am"),
                    12 => (12, "pm"),
                    _ => (hour - 12, "pm"),
                };
                format!("{h}:{minute:02} {half}")
            }
            (Value::Percent(n), _) => format!("{n}%"),
            (Value::Money { amount, currency }, language) => spoken_money(amount, currency, language),
            (Value::Integer(n), Language::English) if n.unsigned_abs() >= 10_000 => grouped(&n.to_string()),
            (Value::YesNo(b), Language::Chinese) => if *b { "是" } else { "否" }.to_owned(),
            (Value::YesNo(b), Language::English) => if *b { "yes" } else { "no" }.to_owned(),
            (other, _) => other.canonical(),
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `1299.00` with a currency, as said: `¥1,299.00` for CNY in English,
/// `1,299.00元` in Chinese; other currencies as `USD 1,299.00`.
fn spoken_money(amount: &str, currency: &str, language: Language) -> String {
    let (whole, cents) = amount.split_once('.').unwrap_or((amount, "00"));
    let number = format!("{}.{cents}", grouped(whole));
    match (currency, language) {
        ("CNY", Language::Chinese) => format!("{number}元"),
        ("CNY", Language::English) => format!("¥{number}"),
        ("USD", _) => format!("${number}"),
        ("EUR", _) => format!("€{number}"),
        ("GBP", _) => format!("£{number}"),
        _ => format!("{currency} {number}"),
    }
}

/// Digits grouped by three with commas: `1299` → `1,299`.
fn grouped(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A decimal number (`-12.50`, `+3`, `.5` is refused), without a leading
/// `+`; `None` when it is not one.
fn decimal(t: &str) -> Option<String> {
    let (sign, rest) = match t.as_bytes().first()? {
        b'-' => ("-", &t[1..]),
        b'+' => ("", &t[1..]),
        _ => ("", t),
    };
    let (whole, frac) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    Some(match frac {
        Some(f) => format!("{sign}{whole}.{f}"),
        None => format!("{sign}{whole}"),
    })
}

/// An amount: digits (grouped by `,` or not), at most two decimals, with
/// the currency's code or symbol before or after it allowed.
fn money(t: &str, currency: &str) -> Result<String, String> {
    let symbols: &[&str] = match currency {
        "CNY" => &["¥", "￥", "元", "RMB"],
        "USD" => &["$", "US$"],
        "EUR" => &["€"],
        "GBP" => &["£"],
        "JPY" => &["¥", "円"],
        _ => &[],
    };
    let mut s = t;
    for mark in std::iter::once(currency).chain(symbols.iter().copied()) {
        s = s.strip_prefix(mark).unwrap_or(s).trim();
        s = s.strip_suffix(mark).unwrap_or(s).trim();
    }
    let (whole, frac) = s.split_once('.').map_or((s, ""), |(w, f)| (w, f));
    let grouped_ok = !whole.contains(',')
        || whole.split(',').enumerate().all(|(i, g)| {
            if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            }
        });
    let whole: String = whole.chars().filter(|&c| c != ',').collect();
    let ok = grouped_ok
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(s.contains('.') && frac.is_empty());
    if !ok {
        return Err(format!(
            "not an amount of {currency}: expected digits with at most two decimals, such as `1299.00`"
        ));
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    Ok(format!("{whole}.{frac:0<2}"))
}

/// `YYYY-MM-DD`, a real calendar date.
fn date(t: &str) -> Option<(u16, u8, u8)> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u16> {
        let part = t.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (
        num(0..4)?,
        u8::try_from(num(5..7)?).ok()?,
        u8::try_from(num(8..10)?).ok()?,
    );
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (year > 0 && (1..=days).contains(&day)).then_some((year, month, day))
}

/// `HH:MM` or `H:MM`, 24-hour.
fn time(t: &str) -> Option<(u8, u8)> {
    let (h, m) = t.split_once(':')?;
    let ok = |s: &str, n: usize| (1..=n).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(h, 2) || m.len() != 2 || !ok(m, 2) {
        return None;
    }
    let (hour, minute): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (hour < 24 && minute < 60).then_some((hour, minute))
}

/// An e-mail address: text, `@`, a domain with a dot inside; no spaces.
fn is_email(t: &str) -> bool {
    let Some((local, domain)) = t.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !t.chars().any(char::is_whitespace)
        && domain
            .char_indices()
            .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
}

/// Yes or no, in English or Chinese.
fn yes_no(t: &str) -> Option<bool> {
    match t.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "是" | "是的" | "对" | "对的" => Some(true),
        "no" | "n" | "false" | "0" | "否" | "不是" | "不" | "不对" => Some(false),
        _ => None,
    }
}

/// A per-call variable: a fact that differs from one customer to the next,
/// filled at run time (`vars { customer_name text required … }`).
#[derive(Clone, Debug)]
pub struct Var {
    /// The id, as placeholders name it (`{var.customer_name}`).
    pub id: String,
    /// The type of its values.
    pub kind: ValueType,
    /// Whether every call must give it.
    pub need: Need,
    /// A value for previews and simulations, as written (checked against
    /// the type).
    pub example: Option<String>,
    /// Whether it is personal data (to be masked in logs and transcripts).
    pub pii: bool,
    /// What it is, for people and for the runtime's prompt.
    pub description: Option<String>,
}

impl Var {
    /// The value previews and simulations use: the example, else the
    /// default.
    #[must_use]
    pub fn sample(&self) -> Option<&str> {
        self.example.as_deref().or(match &self.need {
            Need::Default(d) => Some(d.as_str()),
            Need::Required | Need::Optional => None,
        })
    }
}

/// Whether a per-call variable must be given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    /// Every call must give a value.
    Required,
    /// A call may leave it out; it is then empty.
    Optional,
    /// A call may leave it out; it then takes this value (as written, checked
    /// against the type).
    Default(String),
}

impl Need {
    /// The keyword that says it: `required`, `optional`, `default`.
    #[must_use]
    pub const fn word(&self) -> &'static str {
        match self {
            Need::Required => "required",
            Need::Optional => "optional",
            Need::Default(_) => "default",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(
            ValueType::Date.parse("2028-02-29"),
            Ok(Value::Date {
                year: 2028,
                month: 2,
                day: 29
            })
        );
        assert!(ValueType::Date.parse("2027-02-29").is_err());
        assert!(ValueType::Date.parse("2026-13-01").is_err());
        assert!(ValueType::Date.parse("2026-1-01").is_err());
        assert!(ValueType::Date.parse("2026-12-3１").is_err());
    }

    #[test]
    fn dates_are_said_in_the_spec_language() {
        let d = ValueType::Date.parse("2026-12-31").unwrap();
        assert_eq!(d.spoken(Language::Chinese), "12月31日");
        assert_eq!(d.spoken(Language::English), "December 31");
        assert_eq!(d.canonical(), "2026-12-31");
    }

    #[test]
    fn percents_and_money() {
        let p = ValueType::Percent.parse("8").unwrap();
        assert_eq!(p.spoken(Language::Chinese), "8%");
        assert_eq!(
            ValueType::Percent.parse("8.5%").unwrap().spoken(Language::English),
            "8.5%"
        );
        assert!(ValueType::Percent.parse("八").is_err());
        let cny = ValueType::Money { currency: "CNY".into() };
        let m = cny.parse("¥1,299").unwrap();
        assert_eq!(m.canonical(), "1299.00");
        assert_eq!(m.spoken(Language::Chinese), "1,299.00元");
        assert_eq!(m.spoken(Language::English), "¥1,299.00");
        assert!(cny.parse("12,99").is_err());
        assert!(cny.parse("1.999").is_err());
        assert!(cny.parse("1.").is_err());
    }

    #[test]
    fn numbers_integers_times_and_words() {
        assert_eq!(ValueType::Number.parse("+007.50"), Ok(Value::Number("7.50".into())));
        assert!(ValueType::Number.parse("1e5").is_err());
        let small = ValueType::Integer {
            min: Some(1),
            max: Some(5),
        };
        assert!(small.parse("6").unwrap_err().contains("more than 5"));
        assert!(small.parse("0").unwrap_err().contains("less than 1"));
        let any = ValueType::Integer { min: None, max: None };
        assert_eq!(any.parse("+42"), Ok(Value::Integer(42)));
        assert_eq!(any.parse("-5"), Ok(Value::Integer(-5)));
        assert!(any.parse("+-5").is_err() && any.parse("++5").is_err() && any.parse("１２").is_err());
        assert_eq!(
            ValueType::Time.parse("9:05").unwrap().spoken(Language::English),
            "9:05 am"
        );
        assert_eq!(
            ValueType::Time.parse("14:00").unwrap().spoken(Language::Chinese),
            "14点"
        );
        assert!(ValueType::Time.parse("24:00").is_err());
        let tier = ValueType::OneOf(vec!["standard".into(), "premium".into()]);
        assert!(tier.parse("gold").unwrap_err().contains("standard, premium"));
        assert_eq!(ValueType::YesNo.parse("是"), Ok(Value::YesNo(true)));
        // What a callee says on the phone, as the Rust target's captures took it before.
        assert_eq!(ValueType::YesNo.parse("对的"), Ok(Value::YesNo(true)));
        assert_eq!(ValueType::YesNo.parse("不对"), Ok(Value::YesNo(false)));
        assert!(ValueType::Phone.parse("+86 138").is_err());
        assert!(ValueType::Phone.parse("+8613800138000").is_ok());
        assert!(ValueType::Email.parse("a@b").is_err());
        assert_eq!(ValueType::Text.parse(""), Ok(Value::Text(String::new())));
        assert_eq!(ValueType::Date.parse(" "), Err("empty".into()));
    }

    #[test]
    fn every_type_word_is_in_the_table() {
        let all = [
            ValueType::Text,
            ValueType::Number,
            ValueType::Integer { min: None, max: None },
            ValueType::Percent,
            ValueType::Money { currency: "CNY".into() },
            ValueType::Date,
            ValueType::Time,
            ValueType::Phone,
            ValueType::Email,
            ValueType::YesNo,
            ValueType::OneOf(Vec::new()),
        ];
        let words: Vec<&str> = all.iter().map(ValueType::word).collect();
        let table: Vec<&str> = TYPES.iter().map(|(w, _)| *w).collect();
        assert_eq!(words, table);
        for (alias, meant) in TYPE_ALIASES {
            assert!(table.contains(meant), "{alias} → {meant}");
        }
    }
}
