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
/// at its magnitude.
pub fn compile(section: &UnitSection, cx: &mut Collector<'_>) -> Units {
    let bases = UnitBases::new(
        &section.units.clone().unwrap_or_default(),
        &section.magnitudes.clone().unwrap_or_default(),
    )
    .unwrap_or_else(|bad| {
        for m in bad {
            let src = cx.holding("magnitudes");
            cx.error(src.error_at(
                Some("magnitudes"),
                &m,
                format!("the factor of magnitude `{m}` is no whole number; expected decimal digits (亿: \"100000000\")"),
            ));
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

/// Each unit's factor and base unit.
#[derive(Debug, Default, Clone)]
pub struct UnitBases {
    of: HashMap<String, (i128, String)>,
}

impl UnitBases {
    /// From unit classes and magnitudes (word → decimal digits). A factor
    /// that is not digits is returned as an error (the magnitude word).
    pub fn new(
        classes: &BTreeMap<String, Vec<String>>,
        magnitudes: &BTreeMap<String, String>,
    ) -> Result<UnitBases, Vec<String>> {
        let bad: Vec<String> = magnitudes
            .iter()
            .filter(|(_, f)| f.is_empty() || f.len() > 30 || !f.bytes().all(|b| b.is_ascii_digit()))
            .map(|(m, _)| m.clone())
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
                    Some((f, rest)) if units.contains(&rest) => (f, rest),
                    Some((f, rest)) if rest.is_empty() && plain.len() == 1 => (f, plain[0].clone()),
                    _ => (1, u.clone()),
                };
                of.insert(u.clone(), base);
            }
        }
        Ok(UnitBases { of })
    }

    /// `value` `unit` in the base unit, or `None` for a unit no class has.
    pub fn base(&self, value: f64, unit: &str) -> Option<(f64, String)> {
        let (factor, base) = self.of.get(unit)?;
        Some((scaled(value, *factor)?, base.clone()))
    }
}

/// `value × factor`, multiplied as the decimal `value` is written in (its
/// shortest form), then rounded once to the nearest f64.
fn scaled(value: f64, factor: i128) -> Option<f64> {
    if factor == 1 || !value.is_finite() {
        return Some(value);
    }
    let written = format!("{}", value.abs());
    let (int, frac) = written.split_once('.').unwrap_or((&written, ""));
    let mantissa: i128 = format!("{int}{frac}").parse().ok()?;
    let digits = mantissa.checked_mul(factor)?.to_string();
    let point = digits.len().checked_sub(frac.len())?;
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
    fn a_factor_that_is_no_number_is_said() {
        let mags = [("亿".to_string(), "1e8".to_string())].into();
        assert_eq!(UnitBases::new(&BTreeMap::new(), &mags).unwrap_err(), ["亿"]);
    }
}
