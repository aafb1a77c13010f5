//! Aggregations over JSON-literal values: min/max in value order (also over tuples), and a sum
//! that stays an integer when every input is one (§4.0, §4.1).

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray};
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result as DfResult, ScalarValue, exec_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility,
};

use crate::columns::{Col, Shape};
use crate::json::{self, J};

/// `min`/`max` in value order over JSON literals; the result is a JSON literal.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Extreme {
    max: bool,
    sig: Signature,
}

/// The smallest (or largest) JSON-literal value of `arg`.
pub fn extreme(max: bool, arg: Expr) -> Expr {
    AggregateUDF::from(Extreme {
        max,
        sig: Signature::any(1, Volatility::Immutable),
    })
    .call(vec![arg])
}

impl AggregateUDFImpl for Extreme {
    fn name(&self) -> &str {
        if self.max { "value_max" } else { "value_min" }
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }
    fn accumulator(&self, _: AccumulatorArgs) -> DfResult<Box<dyn Accumulator>> {
        Ok(Box::new(ExtremeAcc {
            max: self.max,
            best: None,
        }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> DfResult<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}[best]", args.name),
            DataType::Utf8,
            true,
        ))])
    }
}

#[derive(Debug)]
struct ExtremeAcc {
    max: bool,
    best: Option<String>,
}

impl ExtremeAcc {
    fn offer(&mut self, array: &ArrayRef) {
        let col = Col::new(array, Shape::Json);
        for i in 0..array.len() {
            let v = col.value(i);
            if v == J::Null {
                continue;
            }
            let better = match &self.best {
                None => true,
                Some(best) => {
                    let cur = json::parse_or_string(best);
                    let ord = v.value_cmp(&cur);
                    if self.max {
                        ord == Ordering::Greater
                    } else {
                        ord == Ordering::Less
                    }
                }
            };
            if better {
                self.best = Some(v.to_json());
            }
        }
    }
}

impl Accumulator for ExtremeAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        self.offer(&values[0]);
        Ok(())
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        self.offer(&states[0]);
        Ok(())
    }
    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Utf8(self.best.clone())])
    }
    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Utf8(self.best.clone()))
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.best.as_ref().map_or(0, String::capacity)
    }
}

/// `sum` over JSON literals: an integer literal when every number is an integer (overflow is
/// `E-OVERFLOW`), else a float; null when there are no numbers.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct JsonSum {
    sig: Signature,
}

/// The sum of the numbers among `arg`'s JSON literals.
pub fn json_sum(arg: Expr) -> Expr {
    AggregateUDF::from(JsonSum {
        sig: Signature::any(1, Volatility::Immutable),
    })
    .call(vec![arg])
}

impl AggregateUDFImpl for JsonSum {
    fn name(&self) -> &str {
        "value_sum"
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }
    fn accumulator(&self, _: AccumulatorArgs) -> DfResult<Box<dyn Accumulator>> {
        Ok(Box::new(SumAcc {
            any: false,
            all_int: true,
            overflow: false,
            int: 0,
            float: 0.0,
        }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> DfResult<Vec<FieldRef>> {
        let f = |n: &str, t: DataType| Arc::new(Field::new(format!("{}[{n}]", args.name), t, true));
        Ok(vec![
            f("any", DataType::Boolean),
            f("all_int", DataType::Boolean),
            f("overflow", DataType::Boolean),
            f("int", DataType::Int64),
            f("float", DataType::Float64),
        ])
    }
}

#[derive(Debug)]
struct SumAcc {
    any: bool,
    all_int: bool,
    overflow: bool,
    int: i64,
    float: f64,
}

impl SumAcc {
    fn add_int(&mut self, x: i64) {
        match self.int.checked_add(x) {
            Some(v) => self.int = v,
            None => self.overflow = true,
        }
    }
}

impl Accumulator for SumAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let col = Col::new(&values[0], Shape::Json);
        for i in 0..values[0].len() {
            let J::Num(text) = col.value(i) else { continue };
            self.any = true;
            match text.parse::<i64>() {
                Ok(x) => {
                    self.add_int(x);
                    self.float += x as f64;
                }
                Err(_) => {
                    self.all_int = false;
                    self.float += text.parse::<f64>().unwrap_or(f64::NAN);
                }
            }
        }
        Ok(())
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let any = states[0].as_boolean();
        let all_int = states[1].as_boolean();
        let overflow = states[2].as_boolean();
        let int = states[3].as_primitive::<arrow::datatypes::Int64Type>();
        let float = states[4].as_primitive::<arrow::datatypes::Float64Type>();
        for i in 0..states[0].len() {
            if !any.value(i) {
                continue;
            }
            self.any = true;
            self.all_int &= all_int.value(i);
            self.overflow |= overflow.value(i);
            self.add_int(int.value(i));
            self.float += float.value(i);
        }
        Ok(())
    }
    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![
            ScalarValue::Boolean(Some(self.any)),
            ScalarValue::Boolean(Some(self.all_int)),
            ScalarValue::Boolean(Some(self.overflow)),
            ScalarValue::Int64(Some(self.int)),
            ScalarValue::Float64(Some(self.float)),
        ])
    }
    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        if !self.any {
            return Ok(ScalarValue::Utf8(None));
        }
        if self.all_int {
            if self.overflow {
                return exec_err!("E-OVERFLOW: an integer sum does not fit in 64 bits");
            }
            return Ok(ScalarValue::Utf8(Some(self.int.to_string())));
        }
        Ok(ScalarValue::Utf8(json::float_text(self.float)))
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::StringArray;

    use super::*;

    fn lits(v: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(v.to_vec()))
    }

    #[test]
    fn extremes_use_value_order() {
        let mut acc = ExtremeAcc {
            max: true,
            best: None,
        };
        acc.update_batch(&[lits(&[Some("9"), Some("10"), None, Some("\"1\"")])])
            .unwrap();
        assert_eq!(
            acc.evaluate().unwrap(),
            ScalarValue::Utf8(Some("\"1\"".into()))
        );
        let mut acc = ExtremeAcc {
            max: false,
            best: None,
        };
        acc.update_batch(&[lits(&[Some("9"), Some("10"), None, Some("\"1\"")])])
            .unwrap();
        assert_eq!(acc.evaluate().unwrap(), ScalarValue::Utf8(Some("9".into())));
    }

    #[test]
    fn sums_stay_integers_and_report_overflow() {
        let mut acc = SumAcc {
            any: false,
            all_int: true,
            overflow: false,
            int: 0,
            float: 0.0,
        };
        acc.update_batch(&[lits(&[Some("1500"), Some("500"), Some("\"x\"")])])
            .unwrap();
        assert_eq!(
            acc.evaluate().unwrap(),
            ScalarValue::Utf8(Some("2000".into()))
        );
        acc.update_batch(&[lits(&[Some("0.5")])]).unwrap();
        assert_eq!(
            acc.evaluate().unwrap(),
            ScalarValue::Utf8(Some("2000.5".into()))
        );
        let mut acc = SumAcc {
            any: false,
            all_int: true,
            overflow: false,
            int: 0,
            float: 0.0,
        };
        acc.update_batch(&[lits(&[Some("9223372036854775807"), Some("1")])])
            .unwrap();
        assert!(
            acc.evaluate()
                .unwrap_err()
                .to_string()
                .contains("E-OVERFLOW")
        );
    }
}
