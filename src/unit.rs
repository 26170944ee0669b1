//! Comparable amounts: a record's value in its unit class's base unit
//! (2.15万亿元 and 21500亿元 both 2150000000000 元), from the rule pack's
//! unit classes and magnitudes. Computed in decimal: 16.4亿 is 1640000000,
//! not 1639999999.9999998.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::rules::layer::section;
use crate::rules::source::{Collector, norm};

section! {
    /// The unit stage's words: units by class, and the magnitudes that
    /// scale them.
    pub struct UnitSection {
        /// Unit class → units (money: [亿元, 万元, 元]).
        units: Option<BTreeMap<String, Vec<String>>> => words,
        /// Magnitude words → their factor, as decimal digits (亿: "100000000").
        /// A unit that is a magnitude before another unit of its class (亿元 =
        /// 亿 + 元, 万人次 = 万 + 人次) converts to that one: a record's
        /// `value_base` and `unit_base`. A magnitude alone (万亿) stands before
        /// the one unit of its class that has none.
        magnitudes: Option<BTreeMap<String, String>> => other,
        /// A unit → its amount in another unit of its class, as a decimal
        /// and that unit (斤: "0.0005 吨"): one base unit per class, so that
        /// `value_base` compares across reports that weigh in 斤 and in 吨.
        /// Both units must be in `units:`.
        conversions: Option<BTreeMap<String, String>> => other,
    }
}

/// Units compiled: each unit's class and its base.
#[derive(Debug, Default)]
pub struct Units {
    /// Each unit's factor and base unit (src/unit.rs).
    pub bases: UnitBases,
    class: HashMap<String, String>,
}

impl Units {
    /// The class of a unit (`money`, `percent`, `count` …).
    pub fn class(&self, unit: &str) -> Option<&str> {
        self.class.get(unit).map(String::as_str)
    }
}

impl UnitSection {
    /// The unit classes the section names.
    pub fn classes(&self) -> HashSet<&str> {
        self.units
            .iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .collect()
    }
}

/// Compile the unit section; a factor that is no whole number is an error
/// at its magnitude, a conversion that is no decimal and a unit at its unit.
pub fn compile(section: &UnitSection, cx: &mut Collector<'_>) -> Units {
    let bases = UnitBases::new(
        &section.units.clone().unwrap_or_default(),
        &section.magnitudes.clone().unwrap_or_default(),
    )
    .and_then(|b| b.converted(&section.conversions.clone().unwrap_or_default()))
    .unwrap_or_else(|bad| {
        for (key, m) in bad {
            let src = cx.holding(key);
            let message = match key {
                "magnitudes" => format!("the factor of magnitude `{m}` is no whole number; expected decimal digits (亿: \"100000000\")"),
                _ => format!("the conversion of `{m}` is not a decimal and a unit of `units:`, or `{m}` is no unit there; expected an amount and a unit (斤: \"0.0005 吨\")"),
            };
            cx.error(src.error_at(Some(key), &m, message));
        }
        UnitBases::default()
    });
    let class = section
        .units
        .iter()
        .flatten()
        .flat_map(|(k, ws)| ws.iter().map(move |w| (norm(w), k.clone())))
        .collect();
    Units { bases, class }
}

/// A decimal factor: `mantissa` / 10^`scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Factor {
    mantissa: i128,
    scale: u32,
}

impl Factor {
    const ONE: Factor = Factor {
        mantissa: 1,
        scale: 0,
    };

    fn whole(n: i128) -> Factor {
        Factor {
            mantissa: n,
            scale: 0,
        }
    }

    /// "0.0005" → 5 / 10^4; None for anything else than digits with at most
    /// one point.
    fn parse(s: &str) -> Option<Factor> {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = format!("{int}{frac}");
        if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Factor {
            mantissa: digits.parse().ok()?,
            scale: frac.len() as u32,
        })
    }

    fn times(self, other: Factor) -> Option<Factor> {
        Some(Factor {
            mantissa: self.mantissa.checked_mul(other.mantissa)?,
            scale: self.scale + other.scale,
        })
    }
}

/// Each unit's factor and base unit.
#[derive(Debug, Default, Clone)]
pub struct UnitBases {
    of: HashMap<String, (Factor, String)>,
}

impl UnitBases {
    /// From unit classes and magnitudes (word → decimal digits). A factor
    /// that is not digits is returned as an error (the magnitude word).
    pub fn new(
        classes: &BTreeMap<String, Vec<String>>,
        magnitudes: &BTreeMap<String, String>,
    ) -> Result<UnitBases, Vec<(&'static str, String)>> {
        let bad: Vec<(&str, String)> = magnitudes
            .iter()
            .filter(|(_, f)| f.is_empty() || f.len() > 30 || !f.bytes().all(|b| b.is_ascii_digit()))
            .map(|(m, _)| ("magnitudes", m.clone()))
            .collect();
        if !bad.is_empty() {
            return Err(bad);
        }
        let mut mags: Vec<(&str, i128)> = magnitudes
            .iter()
            .map(|(m, f)| (m.as_str(), f.parse().expect("checked digits")))
            .collect();
        mags.sort_by_key(|(m, _)| std::cmp::Reverse(m.len()));
        let mut of = HashMap::new();
        for units in classes.values() {
            let split = |u: &str| {
                mags.iter()
                    .find_map(|&(m, f)| u.strip_prefix(m).map(|rest| (f, rest.to_string())))
            };
            // The class's one unit with no magnitude, for a magnitude alone.
            let plain: Vec<&String> = units.iter().filter(|u| split(u).is_none()).collect();
            for u in units {
                let base = match split(u) {
                    Some((f, rest)) if units.contains(&rest) => (Factor::whole(f), rest),
                    Some((f, rest)) if rest.is_empty() && plain.len() == 1 => {
                        (Factor::whole(f), plain[0].clone())
                    }
                    _ => (Factor::ONE, u.clone()),
                };
                of.insert(u.clone(), base);
            }
        }
        Ok(UnitBases { of })
    }

    /// These bases with `conversions` applied (斤: "0.0005 吨": every unit
    /// whose base is 斤 goes to 吨). A conversion of an unknown unit, or that
    /// is no decimal and a known unit, is returned as an error (its unit).
    fn converted(
        mut self,
        conversions: &BTreeMap<String, String>,
    ) -> Result<UnitBases, Vec<(&'static str, String)>> {
        let mut to: HashMap<&str, (Factor, String)> = HashMap::new();
        let mut bad = Vec::new();
        for (unit, conv) in conversions {
            let parsed = conv.split_once(' ').and_then(|(amount, target)| {
                let target = target.trim();
                let f = Factor::parse(amount.trim())?;
                // The target's own base, in the same class as the unit's.
                let (tf, tb) = self.of.get(target)?;
                let known = self.of.contains_key(unit.as_str());
                known.then_some((f.times(*tf)?, tb.clone()))
            });
            match parsed {
                Some(c) => {
                    to.insert(unit.as_str(), c);
                }
                None => bad.push(("conversions", unit.clone())),
            }
        }
        if !bad.is_empty() {
            return Err(bad);
        }
        for (factor, base) in self.of.values_mut() {
            if let Some((f, b)) = to.get(base.as_str())
                && let Some(f) = factor.times(*f)
            {
                *factor = f;
                *base = b.clone();
            }
        }
        Ok(self)
    }

    /// `value` `unit` in the base unit, or `None` for a unit no class has.
    pub fn base(&self, value: f64, unit: &str) -> Option<(f64, String)> {
        let (factor, base) = self.of.get(unit)?;
        Some((scaled(value, *factor)?, base.clone()))
    }
}

/// `value × factor`, multiplied as the decimal `value` is written in (its
/// shortest form), then rounded once to the nearest f64.
fn scaled(value: f64, factor: Factor) -> Option<f64> {
    if factor == Factor::ONE || !value.is_finite() {
        return Some(value);
    }
    let written = format!("{}", value.abs());
    let (int, frac) = written.split_once('.').unwrap_or((&written, ""));
    let mantissa: i128 = format!("{int}{frac}").parse().ok()?;
    let digits = mantissa.checked_mul(factor.mantissa)?.to_string();
    let scale = frac.len() + factor.scale as usize;
    // Enough leading zeros that the point falls inside the digits.
    let digits = format!(
        "{}{digits}",
        "0".repeat((scale + 1).saturating_sub(digits.len()))
    );
    let point = digits.len().checked_sub(scale)?;
    let decimal = format!("{}.{}", &digits[..point], &digits[point..]);
    let v: f64 = decimal.trim_end_matches('.').parse().ok()?;
    Some(if value < 0.0 { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bases() -> UnitBases {
        let classes: BTreeMap<String, Vec<String>> = [
            ("money", vec!["万亿元", "亿元", "万元", "元", "万亿"]),
            ("persons", vec!["万人", "人"]),
            ("percent", vec!["%"]),
            ("power", vec!["万千瓦", "千瓦"]),
        ]
        .into_iter()
        .map(|(c, u)| (c.to_string(), u.into_iter().map(String::from).collect()))
        .collect();
        let mags = [
            ("万亿", "1000000000000"),
            ("亿", "100000000"),
            ("万", "10000"),
        ]
        .into_iter()
        .map(|(m, f)| (m.to_string(), f.to_string()))
        .collect();
        UnitBases::new(&classes, &mags).unwrap()
    }

    #[test]
    fn amounts_in_base_units_in_decimal() {
        let b = bases();
        assert_eq!(b.base(2.15, "万亿元"), Some((2150000000000.0, "元".into())));
        assert_eq!(
            b.base(21500.0, "亿元"),
            Some((2150000000000.0, "元".into()))
        );
        assert_eq!(b.base(16.4, "亿元"), Some((1640000000.0, "元".into())));
        assert_eq!(b.base(0.64, "万人"), Some((6400.0, "人".into())));
        assert_eq!(b.base(-3.5, "万元"), Some((-35000.0, "元".into())));
        assert_eq!(b.base(1.5, "万亿"), Some((1500000000000.0, "元".into())));
        assert_eq!(b.base(5.2, "%"), Some((5.2, "%".into())));
        assert_eq!(b.base(3.0, "万千瓦"), Some((30000.0, "千瓦".into())));
        assert_eq!(b.base(3.0, "公斤"), None);
    }

    #[test]
    fn conversions_give_one_base_per_class() {
        let classes: BTreeMap<String, Vec<String>> = [(
            "weight".to_string(),
            ["万吨", "吨", "万亿斤", "亿斤", "斤"]
                .map(String::from)
                .to_vec(),
        )]
        .into();
        let mags = [
            ("万亿", "1000000000000"),
            ("亿", "100000000"),
            ("万", "10000"),
        ]
        .map(|(m, f)| (m.to_string(), f.to_string()))
        .into();
        let conv = [("斤".to_string(), "0.0005 吨".to_string())].into();
        let b = UnitBases::new(&classes, &mags)
            .unwrap()
            .converted(&conv)
            .unwrap();
        assert_eq!(b.base(1.4, "万亿斤"), Some((700000000.0, "吨".into())));
        assert_eq!(b.base(800.0, "亿斤"), Some((40000000.0, "吨".into())));
        assert_eq!(b.base(3.0, "斤"), Some((0.0015, "吨".into())));
        assert_eq!(b.base(6.5, "万吨"), Some((65000.0, "吨".into())));
        let bad = [("斤".to_string(), "half 吨".to_string())].into();
        let e = UnitBases::new(&classes, &mags)
            .unwrap()
            .converted(&bad)
            .unwrap_err();
        assert_eq!(e, [("conversions", "斤".to_string())]);
    }

    #[test]
    fn a_factor_that_is_no_number_is_said() {
        let mags = [("亿".to_string(), "1e8".to_string())].into();
        assert_eq!(
            UnitBases::new(&BTreeMap::new(), &mags).unwrap_err(),
            [("magnitudes", "亿".to_string())]
        );
    }
}
