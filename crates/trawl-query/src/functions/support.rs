//! The small framework every Presto scalar function in this crate is built on.
//!
//! A function is declared as data ([`Spec`]): its Presto name, the kinds of its arguments, how
//! its return type follows from the argument types, and a kernel over Arrow arrays. [`PrestoUdf`]
//! turns a spec into a DataFusion [`ScalarUDFImpl`]: it coerces arguments to the kinds the
//! kernel expects (with an Athena-style message when a type is wrong), expands scalars to
//! arrays, and folds all-scalar calls back to a scalar so constant arguments stay constants.
//!
//! Functions that can fail on a row (bad input text, an index of 0, ...) are *fallible*: they
//! are registered twice, under their name and under [`try_name`] of it. The second variant
//! turns a row's failure into NULL; the `try(...)` rewrite calls it (Athena's `try()`).

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// What a kernel does when one row's input is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum OnError {
    /// Fail the query with the row's error (Athena's normal behaviour).
    Fail,
    /// Return NULL for the row (inside Athena's `try(...)`).
    Null,
}

impl OnError {
    /// Maps one row's result: `Ok(v)` → `Some(v)`; an error → query error or `None`.
    pub(crate) fn row<T>(self, name: &str, r: std::result::Result<T, String>) -> Result<Option<T>> {
        match (r, self) {
            (Ok(v), _) => Ok(Some(v)),
            (Err(_), OnError::Null) => Ok(None),
            (Err(msg), OnError::Fail) => exec_err!("{name}: {msg}"),
        }
    }
}

/// The kind of value an argument position accepts; the input is coerced to it before the
/// kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Arg {
    /// varchar (any Arrow string type or NULL), passed as `Utf8`.
    Str,
    /// an integer, passed as `Int64`.
    Int,
    /// any number, passed as `Float64`.
    Float,
    /// a date or a timestamp, passed unchanged (NULL becomes `Timestamp(ms, UTC)`).
    Time,
    /// anything, passed unchanged (the kernel checks the type).
    Any,
}

/// A kernel: argument arrays (all the same length) → result array.
pub(crate) type Kernel = fn(&[ArrayRef], OnError) -> Result<ArrayRef>;

/// Computes the return type from the (coerced) argument types.
pub(crate) type ReturnType = fn(&[DataType]) -> Result<DataType>;

/// Declaration of one Presto scalar function.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// Presto name, lower-case.
    pub name: &'static str,
    /// Argument kinds, in order.
    pub args: &'static [Arg],
    /// How many trailing arguments may be left out.
    pub optional: usize,
    /// Return type.
    pub ret: ReturnType,
    /// The computation.
    pub kernel: Kernel,
    /// Whether a row can fail (then a `try` variant is registered too).
    pub fallible: bool,
}

/// The name under which the NULL-on-error variant of a fallible function is registered.
pub(crate) fn try_name(name: &str) -> String {
    format!("__try_{name}")
}

/// A [`Spec`] as a DataFusion scalar UDF.
#[derive(Debug)]
pub(crate) struct PrestoUdf {
    spec: Spec,
    name: String,
    on_error: OnError,
    signature: Signature,
}

impl PartialEq for PrestoUdf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for PrestoUdf {}

impl Hash for PrestoUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl PrestoUdf {
    /// The UDFs for one spec: the function itself and, when fallible, its `try` variant.
    pub(crate) fn udfs(spec: Spec) -> Vec<ScalarUDF> {
        let mut out = vec![Self::build(spec, spec.name.to_string(), OnError::Fail)];
        if spec.fallible {
            out.push(Self::build(spec, try_name(spec.name), OnError::Null));
        }
        out
    }

    fn build(spec: Spec, name: String, on_error: OnError) -> ScalarUDF {
        ScalarUDF::new_from_impl(PrestoUdf {
            spec,
            name,
            on_error,
            signature: Signature::user_defined(Volatility::Immutable),
        })
    }

    fn usage(&self) -> String {
        let names: Vec<&str> = self
            .spec
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let opt = i >= self.spec.args.len() - self.spec.optional;
                match (a, opt) {
                    (Arg::Str, false) => "varchar",
                    (Arg::Str, true) => "[varchar]",
                    (Arg::Int, false) => "bigint",
                    (Arg::Int, true) => "[bigint]",
                    (Arg::Float, false) => "double",
                    (Arg::Float, true) => "[double]",
                    (Arg::Time, false) => "timestamp",
                    (Arg::Time, true) => "[timestamp]",
                    (Arg::Any, false) => "value",
                    (Arg::Any, true) => "[value]",
                }
            })
            .collect();
        format!("{}({})", self.spec.name, names.join(", "))
    }
}

fn is_string(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
    ) || matches!(t, DataType::Dictionary(_, v) if is_string(v))
}

impl ScalarUDFImpl for PrestoUdf {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        (self.spec.ret)(arg_types)
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let max = self.spec.args.len();
        let min = max - self.spec.optional;
        if arg_types.len() < min || arg_types.len() > max {
            return plan_err!(
                "{} takes {} argument(s), got {}; usage: {}",
                self.spec.name,
                if min == max {
                    min.to_string()
                } else {
                    format!("{min} to {max}")
                },
                arg_types.len(),
                self.usage()
            );
        }
        arg_types
            .iter()
            .zip(self.spec.args)
            .enumerate()
            .map(|(i, (t, kind))| {
                let ok = match kind {
                    Arg::Str if is_string(t) => Some(DataType::Utf8),
                    Arg::Int if t.is_integer() || t.is_null() => Some(DataType::Int64),
                    Arg::Float if t.is_numeric() || t.is_null() => Some(DataType::Float64),
                    Arg::Time => match t {
                        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => {
                            Some(t.clone())
                        }
                        DataType::Null => Some(DataType::Timestamp(
                            TimeUnit::Millisecond,
                            Some("UTC".into()),
                        )),
                        _ => None,
                    },
                    Arg::Any => Some(t.clone()),
                    _ => None,
                };
                match ok {
                    Some(t) => Ok(t),
                    None => {
                        let hint = if *kind == Arg::Time && is_string(t) {
                            " (the value is text: convert it with from_iso8601_timestamp(...))"
                        } else {
                            ""
                        };
                        plan_err!(
                            "{}: argument {} has type {t}, which is not accepted{hint}; usage: {}",
                            self.spec.name,
                            i + 1,
                            self.usage()
                        )
                    }
                }
            })
            .collect()
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let out = (self.spec.kernel)(&arrays, self.on_error)?;
        if all_scalar && out.len() == 1 {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// The argument as a `Utf8` array (arguments declared [`Arg::Str`] already are).
pub(crate) fn strings(a: &ArrayRef) -> Result<Cow<'_, StringArray>> {
    match a.as_string_opt::<i32>() {
        Some(s) => Ok(Cow::Borrowed(s)),
        None => Ok(Cow::Owned(
            cast(a, &DataType::Utf8)?.as_string::<i32>().clone(),
        )),
    }
}

/// The argument as an `Int64` array.
pub(crate) fn ints(a: &ArrayRef) -> Result<datafusion::arrow::array::Int64Array> {
    Ok(cast(a, &DataType::Int64)?.as_primitive().clone())
}

/// Returns type `Utf8` whatever the arguments.
pub(crate) fn ret_utf8(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::Utf8)
}

/// Returns type `Int64` whatever the arguments.
pub(crate) fn ret_i64(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::Int64)
}

/// Returns a shared array.
pub(crate) fn arc<A: Array + 'static>(a: A) -> ArrayRef {
    Arc::new(a)
}
