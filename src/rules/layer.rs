//! How the vocabulary layers and what every word of it is checked for —
//! the part of the rule pack each stage's section is written with.
//!
//! A stage owns its section of `vocabulary:` (its keys, their serde types,
//! its compile function, its own checks), declared with `section!`. The
//! macro makes what must not be forgotten impossible to forget: every key it
//! declares is read from rule files, layered (a later file adds to a list,
//! merges a map, `remove:` takes words out), listed in the JSON Schema, and
//! says whether it holds words (then every word is checked: not too long,
//! not empty once normalised, not listed twice) or something else
//! (patterns, numbers, settings). Adding a key is a line in one stage.

use std::collections::BTreeMap;

use serde::Serialize;

/// Layering one layer of the vocabulary over the one below.
pub trait Layer {
    /// Add what `over` (a later file) says.
    fn layer(&mut self, over: Self);
    /// Take out what `words` names (a `remove:` section); `true` if the
    /// whole entry is to go (a value that is not a list of words).
    fn take_out(&mut self, words: &Self) -> bool;
}

impl Layer for Vec<String> {
    fn layer(&mut self, over: Self) {
        // A set of what is there: the gazetteer's lists run to thousands.
        let mut seen: std::collections::HashSet<String> = self.iter().cloned().collect();
        for w in over {
            if seen.insert(w.clone()) {
                self.push(w);
            }
        }
    }
    fn take_out(&mut self, words: &Self) -> bool {
        // Compared as matched: a traditional form removes the simplified one.
        let norm = |w: &str| crate::normalise::Normalised::new(w.trim()).text;
        let words: Vec<String> = words.iter().map(|w| norm(w)).collect();
        self.retain(|w| !words.contains(&norm(w)));
        false
    }
}

impl<K: Ord, V: Layer> Layer for BTreeMap<K, V> {
    fn layer(&mut self, over: Self) {
        for (k, v) in over {
            match self.get_mut(&k) {
                Some(mine) => mine.layer(v),
                None => {
                    self.insert(k, v);
                }
            }
        }
    }
    fn take_out(&mut self, words: &Self) -> bool {
        for (k, v) in words {
            if self.get_mut(k).is_some_and(|mine| mine.take_out(v)) {
                self.remove(k);
            }
        }
        false
    }
}

impl<T: Layer> Layer for Option<T> {
    fn layer(&mut self, over: Self) {
        match (self.as_mut(), over) {
            (Some(mine), Some(over)) => mine.layer(over),
            (None, over) => *self = over,
            (_, None) => {}
        }
    }
    fn take_out(&mut self, words: &Self) -> bool {
        if let (Some(mine), Some(words)) = (self.as_mut(), words) {
            mine.take_out(words);
        }
        false
    }
}

/// A value a later layer replaces, and `remove:` takes out whole.
macro_rules! replaced {
    ($($t:ty),*) => {
        $(impl Layer for $t {
            fn layer(&mut self, over: Self) {
                *self = over;
            }
            fn take_out(&mut self, _: &Self) -> bool {
                true
            }
        })*
    };
}
replaced!(String, i32);

/// The lists of words a value of the vocabulary holds, each under its key
/// (`verbs.growth`), for the checks every word gets.
pub trait WordLists {
    fn lists<'a>(&'a self, key: &str, out: &mut Vec<(String, Vec<&'a String>)>);
}

impl WordLists for Vec<String> {
    fn lists<'a>(&'a self, key: &str, out: &mut Vec<(String, Vec<&'a String>)>) {
        out.push((key.to_string(), self.iter().collect()));
    }
}

impl<T: WordLists> WordLists for Option<T> {
    fn lists<'a>(&'a self, key: &str, out: &mut Vec<(String, Vec<&'a String>)>) {
        if let Some(v) = self {
            v.lists(key, out);
        }
    }
}

impl<K: Serialize, V: WordLists> WordLists for BTreeMap<K, V> {
    fn lists<'a>(&'a self, key: &str, out: &mut Vec<(String, Vec<&'a String>)>) {
        for (k, v) in self {
            v.lists(&format!("{key}.{}", key_name(k)), out);
        }
    }
}

/// A map key as a rule file spells it (`at_least`, `H1`).
pub fn key_name(k: &impl Serialize) -> String {
    match serde_json::to_value(k) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A stage's section of the vocabulary: the keys it reads under
/// `vocabulary:` in a rule file. Implemented by `section!`.
pub trait Section: Default + Layer {
    /// The keys, as rule files spell them.
    const KEYS: &'static [&'static str];
    /// Read the value of `key` (one of [`Section::KEYS`]) where a rule
    /// file's map stands; its errors keep their place in the file.
    fn read<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// Every list of words, by key, for the checks all words get.
    fn word_lists<'a>(&'a self, out: &mut Vec<(String, Vec<&'a String>)>);
    /// The JSON Schema of each key, for editors (rules/schema.json).
    fn properties(g: &mut schemars::SchemaGenerator) -> serde_json::Map<String, serde_json::Value>;
}

/// Declare a stage's section of the vocabulary. Each key says what it
/// holds: `words` (checked as words: length, normalised form, repeats) or
/// `other` (patterns, numbers, settings, maps checked by their stage).
///
/// ```ignore
/// section! {
///     /// Page furniture and damage the clean stage takes out.
///     pub struct NoiseSection {
///         /// Lines of page furniture (regular expressions).
///         noise_lines: Option<Vec<String>> => other,
///     }
/// }
/// ```
macro_rules! section {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident: $ty:ty => $role:ident,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default, Clone, serde::Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default)]
                pub $field: $ty,
            )*
        }

        impl $crate::rules::layer::Layer for $name {
            fn layer(&mut self, over: Self) {
                // Every field by name: a key cannot be left out.
                let $name { $($field),* } = over;
                $( $crate::rules::layer::Layer::layer(&mut self.$field, $field); )*
            }
            fn take_out(&mut self, words: &Self) -> bool {
                let $name { $($field),* } = words;
                $( $crate::rules::layer::Layer::take_out(&mut self.$field, $field); )*
                false
            }
        }

        impl $crate::rules::layer::Section for $name {
            const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn read<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match key {
                    $( stringify!($field) => self.$field = map.next_value()?, )*
                    _ => unreachable!("a key of another section: {key}"),
                }
                Ok(())
            }

            fn word_lists<'a>(&'a self, out: &mut Vec<(String, Vec<&'a String>)>) {
                $( section!(@lists $role, &self.$field, stringify!($field), out); )*
            }

            fn properties(
                g: &mut schemars::SchemaGenerator,
            ) -> serde_json::Map<String, serde_json::Value> {
                let schema = <$name as schemars::JsonSchema>::json_schema(g);
                schema
                    .get("properties")
                    .and_then(|p| p.as_object())
                    .cloned()
                    .unwrap_or_default()
            }
        }
    };
    (@lists words, $value:expr, $key:expr, $out:expr) => {
        $crate::rules::layer::WordLists::lists($value, $key, $out)
    };
    (@lists other, $value:expr, $key:expr, $out:expr) => {
        let _ = ($value, $key, &$out);
    };
}

pub(crate) use section;
