//! The rule-file format, as serde reads it. Documented for maintainers in
//! rules/README.md. Unknown keys are errors so that a typo never silently
//! switches a rule off.
//!
//! `vocabulary:` is one map in a rule file, but each stage owns its keys:
//! [`Vocabulary`] is the stages' sections side by side, and a key is read
//! by the section that declares it (see `rules::layer::section!`).

use std::sync::LazyLock;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

use super::example::Example;
use super::indicator::IndicatorRule;
use super::layer::{Layer, Section};
use crate::clean::NoiseSection;
use crate::document::words::DocumentSection;
use crate::link::words::LinkSection;
use crate::parse::words::GrammarSection;
use crate::region::RegionSection;
use crate::unit::UnitSection;

/// One YAML rule file. Every section is optional so that a user file can add
/// a single indicator, a few aliases, or a word to one list.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub indicators: Vec<IndicatorRule>,
    /// Words added to the layers below: a list here adds its words, a map
    /// adds key by key.
    #[serde(default)]
    pub vocabulary: Vocabulary,
    /// Words taken out of the layers below, in the shape of `vocabulary`
    /// (`remove: {verbs: {growth: [增]}}`).
    #[serde(default)]
    pub remove: Vocabulary,
    /// Examples that check the pack as a whole: cue words, lists, time.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// What words mean: each stage's section. A later layer adds to it: a list
/// its words, a map key by key; `remove:` takes words out (see [`Layer`]).
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    pub grammar: GrammarSection,
    pub unit: UnitSection,
    pub link: LinkSection,
    pub noise: NoiseSection,
    pub document: DocumentSection,
    pub region: RegionSection,
}

/// Calls `$each!(field, Type)` for every section of [`Vocabulary`]: the one
/// list of sections the reading, layering and checking below go through.
macro_rules! sections {
    ($each:ident) => {
        $each!(grammar, GrammarSection);
        $each!(unit, UnitSection);
        $each!(link, LinkSection);
        $each!(noise, NoiseSection);
        $each!(document, DocumentSection);
        $each!(region, RegionSection);
    };
}

/// Every key of every section, for the message about an unknown one.
static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys = Vec::new();
    macro_rules! keys {
        ($field:ident, $ty:ty) => {
            keys.extend_from_slice(<$ty as Section>::KEYS);
        };
    }
    sections!(keys);
    keys
});

impl Vocabulary {
    /// Every list of words of every section, by key.
    pub fn word_lists(&self) -> Vec<(String, Vec<&String>)> {
        // Each section by name: one left out does not compile.
        let Vocabulary {
            grammar,
            unit,
            link,
            noise,
            document,
            region,
        } = self;
        let mut out = Vec::new();
        grammar.word_lists(&mut out);
        unit.word_lists(&mut out);
        link.word_lists(&mut out);
        noise.word_lists(&mut out);
        document.word_lists(&mut out);
        region.word_lists(&mut out);
        out
    }
}

impl Layer for Vocabulary {
    fn layer(&mut self, over: Self) {
        let Vocabulary {
            grammar,
            unit,
            link,
            noise,
            document,
            region,
        } = over;
        self.grammar.layer(grammar);
        self.unit.layer(unit);
        self.link.layer(link);
        self.noise.layer(noise);
        self.document.layer(document);
        self.region.layer(region);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        let Vocabulary {
            grammar,
            unit,
            link,
            noise,
            document,
            region,
        } = words;
        self.grammar.take_out(grammar);
        self.unit.take_out(unit);
        self.link.take_out(link);
        self.noise.take_out(noise);
        self.document.take_out(document);
        self.region.take_out(region);
        false
    }
}

impl<'de> Deserialize<'de> for Vocabulary {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Vocabulary, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Vocabulary;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of vocabulary keys")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vocabulary, A::Error> {
                let mut v = Vocabulary::default();
                let mut seen: Vec<&'static str> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let Some(&known) = KEYS.iter().find(|k| **k == key) else {
                        return Err(de::Error::unknown_field(&key, &KEYS));
                    };
                    if seen.contains(&known) {
                        return Err(de::Error::duplicate_field(known));
                    }
                    seen.push(known);
                    // The value is read where it stands: its errors keep
                    // their line and column.
                    macro_rules! read {
                        ($field:ident, $ty:ty) => {
                            if <$ty as Section>::KEYS.contains(&known) {
                                v.$field.read(known, &mut map)?;
                            }
                        };
                    }
                    sections!(read);
                }
                Ok(v)
            }
        }
        d.deserialize_map(Keys)
    }
}

impl JsonSchema for Vocabulary {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Vocabulary".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut properties = serde_json::Map::new();
        macro_rules! properties {
            ($field:ident, $ty:ty) => {
                properties.extend(<$ty as Section>::properties(g));
            };
        }
        sections!(properties);
        schemars::json_schema!({
            "description": "What words mean. A later layer adds to it: a list its words, a map key by key; `remove:` takes words out.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}
