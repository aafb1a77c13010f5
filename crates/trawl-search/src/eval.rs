//! `eval` expressions (§4.7): dynamically typed scalar semantics — no implicit conversion, a
//! wrong operand type gives null, `==`/`!=` are total — compiled to one vectorised scalar
//! function per assignment. Inputs and the result are JSON literals.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use arrow::array::StringBuilder;
use arrow::datatypes::DataType;
use datafusion::common::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use crate::ast::{BinOp, ScalarFunc};
use crate::columns::{Col, Shape};
use crate::json::{J, float_text};

/// A compiled expression; `Arg(i)` reads the i-th input column.
#[derive(Debug, Clone, PartialEq)]
pub enum Compiled {
    /// A constant.
    Const(J<'static>),
    /// An input column.
    Arg(usize),
    /// A function call.
    Call(ScalarFunc, Vec<Compiled>),
    /// Unary minus.
    Neg(Box<Compiled>),
    /// `not`.
    Not(Box<Compiled>),
    /// A binary operation.
    Binary(BinOp, Box<Compiled>, Box<Compiled>),
}

/// A number: integer or float.
#[derive(Debug, Clone, Copy)]
enum N {
    I(i64),
    F(f64),
}

impl N {
    fn of(v: &J<'_>) -> Option<N> {
        let J::Num(t) = v else { return None };
        t.parse::<i64>()
            .map(N::I)
            .ok()
            .or_else(|| t.parse::<f64>().ok().map(N::F))
    }

    fn f(self) -> f64 {
        match self {
            N::I(i) => i as f64,
            N::F(f) => f,
        }
    }

    fn json(self) -> J<'static> {
        match self {
            N::I(i) => J::Num(Cow::Owned(i.to_string())),
            N::F(f) => float_text(f).map_or(J::Null, |t| J::Num(Cow::Owned(t))),
        }
    }
}

fn text(s: String) -> J<'static> {
    J::Str(Cow::Owned(s))
}

impl Compiled {
    /// Evaluates the expression on one row's inputs.
    pub fn eval(&self, args: &[J<'_>]) -> J<'static> {
        match self {
            Compiled::Const(v) => v.clone(),
            Compiled::Arg(i) => args[*i].clone().into_owned(),
            Compiled::Neg(e) => match N::of(&e.eval(args)) {
                Some(N::I(i)) => i.checked_neg().map_or(J::Null, |v| N::I(v).json()),
                Some(N::F(f)) => N::F(-f).json(),
                None => J::Null,
            },
            Compiled::Not(e) => match e.eval(args) {
                J::Bool(b) => J::Bool(!b),
                _ => J::Null,
            },
            Compiled::Binary(op, l, r) => binary(*op, l.eval(args), r.eval(args)),
            Compiled::Call(func, params) => {
                let vals: Vec<J<'static>> = params.iter().map(|p| p.eval(args)).collect();
                call(*func, vals)
            }
        }
    }
}

fn binary(op: BinOp, l: J<'static>, r: J<'static>) -> J<'static> {
    match op {
        BinOp::And | BinOp::Or => match (l, r) {
            (J::Bool(a), J::Bool(b)) => J::Bool(if op == BinOp::And { a && b } else { a || b }),
            _ => J::Null,
        },
        BinOp::Eq => J::Bool(same(&l, &r)),
        BinOp::Ne => J::Bool(!same(&l, &r)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ord = match (N::of(&l), N::of(&r), &l, &r) {
                (Some(a), Some(b), ..) => a.f().partial_cmp(&b.f()),
                (_, _, J::Str(a), J::Str(b)) => Some(a.cmp(b)),
                _ => None,
            };
            ord.map_or(J::Null, |o| {
                J::Bool(match op {
                    BinOp::Lt => o == Ordering::Less,
                    BinOp::Le => o != Ordering::Greater,
                    BinOp::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                })
            })
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
            let (Some(a), Some(b)) = (N::of(&l), N::of(&r)) else {
                return J::Null;
            };
            arith(op, a, b).map_or(J::Null, N::json)
        }
    }
}

fn arith(op: BinOp, a: N, b: N) -> Option<N> {
    if op == BinOp::Div {
        let d = b.f();
        return (d != 0.0).then(|| N::F(a.f() / d));
    }
    match (a, b) {
        (N::I(x), N::I(y)) => match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            _ => x.checked_mul(y),
        }
        .map(N::I),
        _ => {
            let (x, y) = (a.f(), b.f());
            let v = match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                _ => x * y,
            };
            v.is_finite().then_some(N::F(v))
        }
    }
}

/// `==`: same type and same value; numbers compare numerically; `null == null`.
fn same(l: &J<'_>, r: &J<'_>) -> bool {
    match (N::of(l), N::of(r)) {
        (Some(a), Some(b)) => a.f() == b.f(),
        _ => l == r,
    }
}

fn call(func: ScalarFunc, mut vals: Vec<J<'static>>) -> J<'static> {
    let first = vals.first().cloned().unwrap_or(J::Null);
    match func {
        ScalarFunc::If => match first {
            J::Bool(true) => vals.swap_remove(1),
            J::Bool(false) => vals.swap_remove(2),
            _ => J::Null,
        },
        ScalarFunc::Coalesce => vals.into_iter().find(|v| *v != J::Null).unwrap_or(J::Null),
        ScalarFunc::Abs => match N::of(&first) {
            Some(N::I(i)) => i.checked_abs().map_or(J::Null, |v| N::I(v).json()),
            Some(N::F(f)) => N::F(f.abs()).json(),
            None => J::Null,
        },
        ScalarFunc::Round | ScalarFunc::Floor | ScalarFunc::Ceil => match N::of(&first) {
            Some(N::I(i)) => N::I(i).json(),
            Some(N::F(f)) => N::F(match func {
                ScalarFunc::Round => f.round(),
                ScalarFunc::Floor => f.floor(),
                _ => f.ceil(),
            })
            .json(),
            None => J::Null,
        },
        ScalarFunc::Lower | ScalarFunc::Upper => match first {
            J::Str(s) => text(if func == ScalarFunc::Lower {
                s.to_ascii_lowercase()
            } else {
                s.to_ascii_uppercase()
            }),
            _ => J::Null,
        },
        ScalarFunc::Len => match first {
            J::Str(s) => N::I(s.chars().count() as i64).json(),
            _ => J::Null,
        },
        ScalarFunc::Concat => {
            let mut out = String::new();
            for v in &vals {
                match v {
                    J::Str(s) => out.push_str(s),
                    _ => return J::Null,
                }
            }
            text(out)
        }
        ScalarFunc::ToNumber => match &first {
            J::Num(_) => first,
            J::Str(s) => {
                let t = s.trim();
                if crate::ast::is_number(t) {
                    N::of(&J::Num(Cow::Borrowed(t))).map_or(J::Null, N::json)
                } else {
                    J::Null
                }
            }
            _ => J::Null,
        },
        ScalarFunc::ToString => match &first {
            J::Null => J::Null,
            J::Str(_) => first,
            J::Num(t) => text(t.to_string()),
            J::Bool(b) => text(b.to_string()),
            other => text(other.to_json()),
        },
    }
}

/// One `eval` assignment as a scalar function over its input columns (JSON literals).
#[derive(Debug)]
pub struct EvalUdf {
    key: String,
    expr: Compiled,
    sig: Signature,
}

impl PartialEq for EvalUdf {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.expr == other.expr
    }
}

impl Eq for EvalUdf {}

impl Hash for EvalUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state)
    }
}

impl EvalUdf {
    /// The expression `text` (its canonical query text) compiled over `inputs`.
    pub fn expr(expr: Compiled, inputs: Vec<Expr>, text: &str) -> Expr {
        let udf = EvalUdf {
            key: format!("eval[{text}]"),
            expr,
            sig: Signature::variadic_any(Volatility::Immutable),
        };
        let mut inputs = inputs;
        if inputs.is_empty() {
            // A constant expression still needs one argument to learn the batch size.
            inputs.push(datafusion::prelude::lit(
                datafusion::common::ScalarValue::Utf8(None),
            ));
        }
        ScalarUDF::new_from_impl(udf).call(inputs)
    }
}

impl ScalarUDFImpl for EvalUdf {
    fn name(&self) -> &str {
        &self.key
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let cols: Vec<Col<'_>> = arrays.iter().map(|a| Col::new(a, Shape::Json)).collect();
        let mut out = StringBuilder::new();
        let mut row = Vec::with_capacity(cols.len());
        for i in 0..args.number_rows {
            row.clear();
            row.extend(cols.iter().map(|c| c.value(i)));
            match self.expr.eval(&row) {
                J::Null => out.append_null(),
                // Stored results: booleans become the strings "true"/"false".
                J::Bool(b) => out.append_value(if b { "\"true\"" } else { "\"false\"" }),
                v => out.append_value(v.to_json()),
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(t: &str) -> Compiled {
        Compiled::Const(J::Num(Cow::Owned(t.to_string())))
    }

    fn s(t: &str) -> Compiled {
        Compiled::Const(J::Str(Cow::Owned(t.to_string())))
    }

    fn bin(op: BinOp, l: Compiled, r: Compiled) -> Compiled {
        Compiled::Binary(op, Box::new(l), Box::new(r))
    }

    #[test]
    fn arithmetic_types() {
        assert_eq!(
            bin(BinOp::Sub, num("10"), num("1")).eval(&[]).to_json(),
            "9"
        );
        assert_eq!(
            bin(BinOp::Div, num("1500"), num("1000"))
                .eval(&[])
                .to_json(),
            "1.5"
        );
        assert_eq!(bin(BinOp::Div, num("1"), num("0")).eval(&[]), J::Null);
        assert_eq!(bin(BinOp::Add, s("a"), num("1")).eval(&[]), J::Null);
        assert_eq!(
            bin(BinOp::Mul, num("9223372036854775807"), num("2")).eval(&[]),
            J::Null
        );
        assert_eq!(
            bin(BinOp::Add, num("1"), num("0.5")).eval(&[]).to_json(),
            "1.5"
        );
    }

    #[test]
    fn equality_is_total() {
        assert_eq!(
            bin(
                BinOp::Eq,
                Compiled::Const(J::Null),
                Compiled::Const(J::Null)
            )
            .eval(&[]),
            J::Bool(true)
        );
        assert_eq!(bin(BinOp::Eq, num("1"), s("1")).eval(&[]), J::Bool(false));
        assert_eq!(
            bin(BinOp::Eq, num("1"), num("1.0")).eval(&[]),
            J::Bool(true)
        );
        assert_eq!(bin(BinOp::Lt, num("1"), s("2")).eval(&[]), J::Null);
    }

    #[test]
    fn functions() {
        assert_eq!(
            call(ScalarFunc::Round, vec![J::Num("2.5".into())]).to_json(),
            "3.0"
        );
        assert_eq!(
            call(ScalarFunc::Round, vec![J::Num("-2.5".into())]).to_json(),
            "-3.0"
        );
        assert_eq!(
            call(ScalarFunc::Round, vec![J::Num("7".into())]).to_json(),
            "7"
        );
        assert_eq!(
            call(ScalarFunc::Coalesce, vec![J::Null, J::Str("x".into())]).to_json(),
            "\"x\""
        );
        assert_eq!(
            call(ScalarFunc::If, vec![J::Num("1".into()), J::Null, J::Null]),
            J::Null
        );
        assert_eq!(
            call(ScalarFunc::ToNumber, vec![J::Str("42".into())]).to_json(),
            "42"
        );
        assert_eq!(
            call(ScalarFunc::Len, vec![J::Str("né".into())]).to_json(),
            "2"
        );
        assert_eq!(
            call(
                ScalarFunc::Concat,
                vec![J::Str("a".into()), J::Num("1".into())]
            ),
            J::Null
        );
    }
}
