//! Data classes: how sensitive a source's content is, and so which models may see it.
//!
//! Every connector instance has one (default `internal`). Content read for a delegation carries
//! the strictest class of its sources, and only models cleared for that class may receive it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A data class, from least to most sensitive (the order is the `Ord` order).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// May be published.
    Public,
    /// For anyone in the organisation (the default).
    #[default]
    Internal,
    /// For those who need it; never to a model outside the organisation's control unless cleared.
    Confidential,
    /// Regulated or secret; only models explicitly cleared for it.
    Restricted,
}

impl DataClass {
    /// Every class, least sensitive first.
    pub const ALL: [DataClass; 4] = [
        DataClass::Public,
        DataClass::Internal,
        DataClass::Confidential,
        DataClass::Restricted,
    ];

    /// The lowercase name used in config and records.
    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::Public => "public",
            DataClass::Internal => "internal",
            DataClass::Confidential => "confidential",
            DataClass::Restricted => "restricted",
        }
    }
}

impl fmt::Display for DataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DataClass {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DataClass::ALL
            .into_iter()
            .find(|class| class.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "{text:?} is not a data class; use public, internal, confidential or restricted"
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::DataClass;

    #[test]
    fn classes_order_from_least_to_most_sensitive() {
        assert!(DataClass::Public < DataClass::Internal);
        assert!(DataClass::Confidential < DataClass::Restricted);
        assert_eq!(
            [
                DataClass::Internal,
                DataClass::Confidential,
                DataClass::Public
            ]
            .into_iter()
            .max(),
            Some(DataClass::Confidential)
        );
        assert_eq!(
            "confidential".parse::<DataClass>(),
            Ok(DataClass::Confidential)
        );
        assert!("secret".parse::<DataClass>().is_err());
        assert_eq!(DataClass::default(), DataClass::Internal);
    }
}
