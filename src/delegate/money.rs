//! Money in integer micro-dollars: prices per million tokens, costs, budgets. No floats in
//! arithmetic; configuration's decimal dollars are converted once, exactly, at load.

use std::fmt;

/// An amount in micro-dollars (1 USD = 1,000,000); serialised as the integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Micros(pub u64);

impl Micros {
    /// Zero.
    pub const ZERO: Micros = Micros(0);

    /// Parse a decimal dollar amount written in config (`0.40`, `15`, `0.000125`) exactly,
    /// rounding a seventh decimal and beyond half up. Negative, NaN and absurd values fail.
    pub fn from_usd(usd: f64) -> Result<Micros, String> {
        if !usd.is_finite() || usd < 0.0 {
            return Err(format!(
                "{usd} is not a price: it must be a non-negative number of dollars"
            ));
        }
        if usd > 1_000_000.0 {
            return Err(format!(
                "{usd} dollars is more than any model costs; check the unit (dollars per million tokens)"
            ));
        }
        // The shortest decimal that prints as this float is what the user wrote.
        let text = format!("{usd}");
        Micros::parse_decimal(&text)
    }

    /// Parse a decimal string of dollars exactly (`"0.40"` → 400,000 micro-dollars).
    pub fn parse_decimal(text: &str) -> Result<Micros, String> {
        let text = text.trim();
        let bad = || format!("{text:?} is not a dollar amount");
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        if whole.is_empty() && fraction.is_empty() {
            return Err(bad());
        }
        if !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut micros: u64 = 0;
        let digits: Vec<u8> = fraction.bytes().map(|b| b - b'0').collect();
        for position in 0..6 {
            micros = micros * 10 + u64::from(digits.get(position).copied().unwrap_or(0));
        }
        if digits.get(6).is_some_and(|d| *d >= 5) {
            micros += 1;
        }
        whole
            .checked_mul(1_000_000)
            .and_then(|w| w.checked_add(micros))
            .map(Micros)
            .ok_or_else(bad)
    }

    /// As dollars, for display and JSON only.
    pub fn as_usd(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }

    /// Saturating addition.
    pub fn saturating_add(self, other: Micros) -> Micros {
        Micros(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Micros {
    /// `$0.000123`, `$1.50`, `$12.345678`: six decimals, trailing zeros dropped down to two.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dollars = self.0 / 1_000_000;
        let fraction = format!("{:06}", self.0 % 1_000_000);
        let trimmed = fraction.trim_end_matches('0');
        let shown = if trimmed.len() < 2 {
            &fraction[..2]
        } else {
            trimmed
        };
        write!(f, "${dollars}.{shown}")
    }
}

#[cfg(test)]
mod tests {
    use super::Micros;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(Micros::from_usd(0.40), Ok(Micros(400_000)));
        assert_eq!(Micros::from_usd(15.0), Ok(Micros(15_000_000)));
        assert_eq!(Micros::from_usd(0.075), Ok(Micros(75_000)));
        assert_eq!(Micros::parse_decimal("0.0000005"), Ok(Micros(1)));
        assert_eq!(Micros::parse_decimal("0.0000004"), Ok(Micros(0)));
        assert!(Micros::from_usd(-1.0).is_err());
        assert!(Micros::parse_decimal("1e-3").is_err());
        assert!(Micros::parse_decimal(".").is_err());
    }

    #[test]
    fn display() {
        assert_eq!(Micros(123).to_string(), "$0.000123");
        assert_eq!(Micros(1_500_000).to_string(), "$1.50");
        assert_eq!(Micros(12_345_678).to_string(), "$12.345678");
        assert_eq!(Micros(0).to_string(), "$0.00");
    }
}
