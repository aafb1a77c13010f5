//! A borrowed JSON tree that keeps what the language needs and `serde_json` drops: numbers as
//! written (`1500.0` stays `1500.0`) and object keys in source order.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write;

/// A JSON value. Strings and numbers borrow from the parsed text when they can.
#[derive(Debug, Clone, PartialEq)]
pub enum J<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Num(Cow<'a, str>),
    /// A string, unescaped.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<J<'a>>),
    /// An object, keys in source order.
    Obj(Vec<(Cow<'a, str>, J<'a>)>),
}

/// Nesting depth beyond which text is not parsed (it is then a string leaf).
const MAX_DEPTH: usize = 512;

/// Parses JSON text; `None` when it is not valid JSON.
pub fn parse(text: &str) -> Option<J<'_>> {
    let mut p = JsonParser {
        s: text,
        b: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

/// Parses JSON text; text that is not valid JSON is one string leaf (§3.2).
pub fn parse_or_string(text: &str) -> J<'_> {
    parse(text).unwrap_or(J::Str(Cow::Borrowed(text)))
}

struct JsonParser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> JsonParser<'a> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &str, v: J<'a>) -> Option<J<'a>> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Some(v)
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<J<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'n' => self.lit("null", J::Null),
            b't' => self.lit("true", J::Bool(true)),
            b'f' => self.lit("false", J::Bool(false)),
            b'"' => self.string().map(J::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(J::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(J::Arr(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Some(J::Obj(fields));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let key = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return None;
                    }
                    self.i += 1;
                    fields.push((key, self.value(depth + 1)?));
                    self.ws();
                    match self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(J::Obj(fields));
                        }
                        _ => return None,
                    }
                }
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<J<'a>> {
        let start = self.i;
        let b = self.b;
        let digits = |i: &mut usize| {
            let s = *i;
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
            *i > s
        };
        if b[self.i] == b'-' {
            self.i += 1;
        }
        if !digits(&mut self.i) {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(&mut self.i) {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(&mut self.i) {
                return None;
            }
        }
        Some(J::Num(Cow::Borrowed(&self.s[start..self.i])))
    }

    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.i += 1;
        let start = self.i;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'"' => {
                    let s = &self.s[start..self.i];
                    self.i += 1;
                    return Some(Cow::Borrowed(s));
                }
                b'\\' => break,
                c if c < 0x20 => return None,
                _ => self.i += 1,
            }
        }
        let mut out = String::from(&self.s[start..self.i]);
        loop {
            let c = *self.b.get(self.i)?;
            match c {
                b'"' => {
                    self.i += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    self.i += 1;
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let ch = if (0xD800..0xDC00).contains(&hi)
                                && self.s[self.i..].starts_with("\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                char::from_u32(
                                    0x10000
                                        + ((hi - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF),
                                )
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(ch.unwrap_or('\u{FFFD}'));
                        }
                        _ => return None,
                    }
                }
                c if c < 0x20 => return None,
                _ => {
                    let ch = self.s[self.i..].chars().next()?;
                    out.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let v = u32::from_str_radix(h, 16).ok()?;
        self.i += 4;
        Some(v)
    }
}

impl J<'_> {
    /// The text of a leaf (§0): strings as-is, numbers as written, booleans `true`/`false`.
    pub fn leaf_text(&self) -> Option<&str> {
        match self {
            J::Str(s) | J::Num(s) => Some(s),
            J::Bool(true) => Some("true"),
            J::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// The number, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            J::Num(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// Calls `f` on every leaf under this value (itself included), stopping at the first `true`.
    pub fn any_leaf(&self, f: &mut impl FnMut(&J<'_>) -> bool) -> bool {
        match self {
            J::Null => false,
            J::Arr(items) => items.iter().any(|v| v.any_leaf(f)),
            J::Obj(fields) => fields.iter().any(|(_, v)| v.any_leaf(f)),
            leaf => f(leaf),
        }
    }

    /// Compact JSON text, keys in source order.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(n),
            J::Str(s) => write_json_string(out, s),
            J::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            J::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(out, k);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The display text of a stage value: a string unquoted, a number as written, a boolean
    /// as `true`/`false`, arrays and objects as compact JSON; `None` for null.
    pub fn display(&self) -> Option<String> {
        match self {
            J::Null => None,
            J::Str(s) | J::Num(s) => Some(s.to_string()),
            other => Some(other.to_json()),
        }
    }

    /// Type rank in value order: null < numbers < strings (booleans as strings) < arrays < objects.
    fn rank(&self) -> u8 {
        match self {
            J::Null => 0,
            J::Num(_) => 1,
            J::Str(_) | J::Bool(_) => 2,
            J::Arr(_) => 3,
            J::Obj(_) => 4,
        }
    }

    /// Value order (§4.0): null < numbers (numerically) < strings (code points); booleans
    /// compare as the strings `false`/`true`; arrays compare element by element.
    pub fn value_cmp(&self, other: &J<'_>) -> Ordering {
        let rank = self.rank().cmp(&other.rank());
        if rank != Ordering::Equal {
            return rank;
        }
        match (self, other) {
            (J::Num(a), J::Num(b)) => {
                let (x, y) = (
                    a.parse::<f64>().unwrap_or(f64::NAN),
                    b.parse::<f64>().unwrap_or(f64::NAN),
                );
                x.total_cmp(&y)
            }
            (J::Arr(a), J::Arr(b)) => {
                for (x, y) in a.iter().zip(b) {
                    let c = x.value_cmp(y);
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                a.len().cmp(&b.len())
            }
            (J::Obj(_), J::Obj(_)) => self.to_json().cmp(&other.to_json()),
            _ => self.leaf_text().cmp(&other.leaf_text()),
        }
    }

    /// A copy that owns all its text.
    pub fn into_owned(self) -> J<'static> {
        match self {
            J::Null => J::Null,
            J::Bool(b) => J::Bool(b),
            J::Num(n) => J::Num(Cow::Owned(n.into_owned())),
            J::Str(s) => J::Str(Cow::Owned(s.into_owned())),
            J::Arr(items) => J::Arr(items.into_iter().map(J::into_owned).collect()),
            J::Obj(fields) => J::Obj(
                fields
                    .into_iter()
                    .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                    .collect(),
            ),
        }
    }
}

/// Writes `s` as a JSON string literal.
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The JSON text of a float: Rust's shortest form, with `.0` kept on whole numbers.
pub fn float_text(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    let s = format!("{x}");
    Some(if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_number_text_and_key_order() {
        let v = parse(r#"{"b":1500.0,"a":[1e3,true,null,"x\"y"]}"#).unwrap();
        assert_eq!(v.to_json(), r#"{"b":1500.0,"a":[1e3,true,null,"x\"y"]}"#);
        assert_eq!(v.display().unwrap(), v.to_json());
    }

    #[test]
    fn invalid_json_is_a_string_leaf() {
        assert!(parse("{bad").is_none());
        assert!(parse("1 2").is_none());
        assert_eq!(parse_or_string("not json"), J::Str("not json".into()));
        assert_eq!(parse(r#""\ud83d\ude00""#), Some(J::Str("😀".into())));
    }

    #[test]
    fn value_order() {
        let vals = [
            "null", "-1", "2", "10.5", r#""10""#, r#""A""#, r#""a""#, "[1]", "[1,2]",
        ];
        for w in vals.windows(2) {
            let (a, b) = (parse(w[0]).unwrap(), parse(w[1]).unwrap());
            assert_eq!(a.value_cmp(&b), Ordering::Less, "{} < {}", w[0], w[1]);
        }
        assert_eq!(
            parse("1500").unwrap().value_cmp(&parse("1500.0").unwrap()),
            Ordering::Equal
        );
    }

    #[test]
    fn float_text_keeps_a_decimal_point() {
        assert_eq!(float_text(3.0).unwrap(), "3.0");
        assert_eq!(float_text(1.5).unwrap(), "1.5");
        assert!(float_text(f64::NAN).is_none());
    }
}
