//! A pinned clock: `now()`, `current_timestamp`, `current_date` and `current_time` returning
//! a fixed instant, so tests and reproducible reports can use relative time filters.
//!
//! Without a pinned instant DataFusion's own functions stay registered (start-of-query time).

use chrono::{DateTime, Timelike, Utc};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// Which clock value a [`PinnedClock`] function returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reading {
    Timestamp,
    Date,
    Time,
}

/// A nullary function returning a fixed instant (or its date / time of day).
#[derive(Debug, PartialEq, Eq, Hash)]
struct PinnedClock {
    name: &'static str,
    aliases: Vec<String>,
    reading: Reading,
    at: DateTime<Utc>,
    signature: Signature,
}

impl PinnedClock {
    fn value(&self) -> ScalarValue {
        match self.reading {
            Reading::Timestamp => ScalarValue::TimestampNanosecond(
                self.at.timestamp_nanos_opt(),
                Some("+00:00".into()),
            ),
            Reading::Date => ScalarValue::Date32(Some(
                (self.at.date_naive() - chrono::NaiveDate::default()).num_days() as i32,
            )),
            Reading::Time => ScalarValue::Time64Nanosecond(Some(
                self.at.num_seconds_from_midnight() as i64 * 1_000_000_000
                    + self.at.nanosecond() as i64 % 1_000_000_000,
            )),
        }
    }
}

impl ScalarUDFImpl for PinnedClock {
    fn name(&self) -> &str {
        self.name
    }

    fn aliases(&self) -> &[String] {
        &self.aliases
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(match self.reading {
            Reading::Timestamp => DataType::Timestamp(TimeUnit::Nanosecond, Some("+00:00".into())),
            Reading::Date => DataType::Date32,
            Reading::Time => DataType::Time64(TimeUnit::Nanosecond),
        })
    }

    fn invoke_with_args(&self, _: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Scalar(self.value()))
    }

    fn simplify(&self, _: Vec<Expr>, _: &SimplifyContext) -> Result<ExprSimplifyResult> {
        Ok(ExprSimplifyResult::Simplified(Expr::Literal(
            self.value(),
            None,
        )))
    }
}

/// The clock functions pinned to `at`.
pub(crate) fn pinned(at: DateTime<Utc>) -> Vec<ScalarUDF> {
    let f = |name, aliases: &[&str], reading| {
        ScalarUDF::new_from_impl(PinnedClock {
            name,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            reading,
            at,
            signature: Signature::nullary(Volatility::Stable),
        })
    };
    vec![
        f(
            "now",
            &["current_timestamp", "localtimestamp"],
            Reading::Timestamp,
        ),
        f("current_date", &["today"], Reading::Date),
        f("current_time", &[], Reading::Time),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_come_from_the_pinned_instant() {
        let at = DateTime::parse_from_rfc3339("2021-07-01T10:11:12Z")
            .unwrap()
            .with_timezone(&Utc);
        let names: Vec<String> = pinned(at).iter().map(|u| u.name().to_string()).collect();
        assert_eq!(names, ["now", "current_date", "current_time"]);
        let ts = PinnedClock {
            name: "now",
            aliases: vec![],
            reading: Reading::Timestamp,
            at,
            signature: Signature::nullary(Volatility::Stable),
        };
        assert_eq!(
            ts.value(),
            ScalarValue::TimestampNanosecond(
                Some(1_625_134_272_000_000_000),
                Some("+00:00".into())
            )
        );
        let d = PinnedClock {
            reading: Reading::Date,
            ..ts
        };
        assert_eq!(d.value(), ScalarValue::Date32(Some(18809)));
    }
}
