//! A minimal streaming writer for compact JSON text.
//!
//! Commas are inserted automatically: a key, a value or an array element written right after another value gets
//! a leading `,`; one written right after `{`, `[` or `:` does not. Keys are trusted ASCII identifiers chosen by
//! this crate; every string value goes through [`escape_into`].

/// Appends `s` to `out` with the escapes JSON requires: `"` and `\` are backslash-escaped, control characters
/// become `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`, and everything else (including non-ASCII UTF-8) is copied.
pub(crate) fn escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0x00..=0x1f => 0,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short == 0 {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.push(b'\\');
            out.push(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends the decimal digits of `v`.
pub(crate) fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Compact JSON text built into a reusable buffer.
#[derive(Debug, Default)]
pub(crate) struct Json {
    /// The text written so far.
    pub(crate) buf: Vec<u8>,
}

impl Json {
    /// Writes the `,` that must precede a key or value, if any.
    fn sep(&mut self) {
        if !matches!(self.buf.last(), None | Some(b'{' | b'[' | b':')) {
            self.buf.push(b',');
        }
    }

    /// Writes `"k":`; the next call writes the value.
    pub(crate) fn key(&mut self, k: &str) {
        self.sep();
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    /// Opens an object (as a value or an array element).
    pub(crate) fn obj(&mut self) {
        self.sep();
        self.buf.push(b'{');
    }

    /// Closes the innermost object.
    pub(crate) fn end_obj(&mut self) {
        self.buf.push(b'}');
    }

    /// Opens an array.
    pub(crate) fn arr(&mut self) {
        self.sep();
        self.buf.push(b'[');
    }

    /// Closes the innermost array.
    pub(crate) fn end_arr(&mut self) {
        self.buf.push(b']');
    }

    /// Writes an escaped string value.
    pub(crate) fn str(&mut self, v: &str) {
        self.sep();
        self.buf.push(b'"');
        escape_into(&mut self.buf, v);
        self.buf.push(b'"');
    }

    /// Starts a string value assembled from several [`Json::frag`] pieces and closed by [`Json::end_str`].
    pub(crate) fn begin_str(&mut self) {
        self.sep();
        self.buf.push(b'"');
    }

    /// Appends an escaped piece to the open string.
    pub(crate) fn frag(&mut self, piece: &str) {
        escape_into(&mut self.buf, piece);
    }

    /// Appends the decimal digits of `v` to the open string.
    pub(crate) fn frag_u64(&mut self, v: u64) {
        push_u64(&mut self.buf, v);
    }

    /// Closes the open string.
    pub(crate) fn end_str(&mut self) {
        self.buf.push(b'"');
    }

    /// Writes a number value.
    pub(crate) fn num(&mut self, v: u64) {
        self.sep();
        push_u64(&mut self.buf, v);
    }

    /// Writes `true` or `false`.
    pub(crate) fn bool(&mut self, v: bool) {
        self.sep();
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }

    /// Writes `null`.
    pub(crate) fn null(&mut self) {
        self.sep();
        self.buf.extend_from_slice(b"null");
    }

    /// Writes a value given as already-valid JSON text (a static template).
    pub(crate) fn raw(&mut self, json: &str) {
        self.sep();
        self.buf.extend_from_slice(json.as_bytes());
    }

    /// `"k":"v"`.
    pub(crate) fn kv(&mut self, k: &str, v: &str) {
        self.key(k);
        self.str(v);
    }

    /// `"k":n`.
    pub(crate) fn kn(&mut self, k: &str, v: u64) {
        self.key(k);
        self.num(v);
    }

    /// `"k":true|false`.
    pub(crate) fn kb(&mut self, k: &str, v: bool) {
        self.key(k);
        self.bool(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_controls_and_keeps_unicode() {
        let nasty = "a \"quoted\" C:\\path\n\ttab \u{1} bell\u{7f} é 日本 🦀 </script>";
        let mut j = Json::default();
        j.obj();
        j.kv("s", nasty);
        j.kn("n", 1234567890);
        j.kb("t", true);
        j.key("z");
        j.null();
        j.key("a");
        j.arr();
        j.str("x");
        j.num(0);
        j.obj();
        j.end_obj();
        j.end_arr();
        j.end_obj();
        let text = String::from_utf8(j.buf).expect("writer emits UTF-8");
        assert!(
            text.contains(r#"\"quoted\" C:\\path\n\ttab \u0001 bell"#),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(&text).expect("writer emits valid JSON");
        assert_eq!(v["s"], nasty);
        assert_eq!(v["n"], 1234567890);
        assert_eq!(v["t"], true);
        assert!(v["z"].is_null());
        assert_eq!(v["a"], serde_json::json!(["x", 0, {}]));
    }

    #[test]
    fn fragments_form_one_string() {
        let mut j = Json::default();
        j.arr();
        j.begin_str();
        j.frag("arn:aws:iam::");
        j.frag_u64(12);
        j.frag(":user/\"x\"");
        j.end_str();
        j.end_arr();
        let v: serde_json::Value = serde_json::from_slice(&j.buf).expect("valid JSON");
        assert_eq!(v[0], "arn:aws:iam::12:user/\"x\"");
    }
}
