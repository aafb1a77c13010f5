//! A validating JSON scanner over UTF-8 text that hands out values as slices of the text, never as
//! a DOM. Ingest validates each byte of a delivery file once with it: the container's records and
//! their top-level members come back as spans; deeper values are validated and skipped, to be
//! stored as their exact text, or, when the decoder scans them whole anyway (small nested objects),
//! only bracket-matched ([`Scanner::skip_unchecked`]) and left for the decoder to validate.
//! Records and the objects the decoder reads into struct columns are read with
//! [`Scanner::object_keyed`], which recognises their keys by the order they came in before.
//!
//! The scanner only says *where* the text stops being JSON; [`crate::container`] asks serde_json
//! for the message, so errors read the same as every other JSON error trawl reports.

use std::borrow::Cow;

/// What a JSON value is; strings also tell whether they hold escapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as its text.
    Number,
    /// A string; `escaped` when it holds a backslash escape.
    String {
        /// Whether the text holds a backslash escape.
        escaped: bool,
    },
    /// An object.
    Object,
    /// An array.
    Array,
}

/// One JSON value: its kind and its exact text.
#[derive(Clone, Copy, Debug)]
pub struct Value<'a> {
    /// What the value is.
    pub kind: Kind,
    /// The value's text, from its first to its last byte.
    pub text: &'a str,
}

impl<'a> Value<'a> {
    /// The content of a string value, escapes decoded; borrowed when it holds none.
    #[inline]
    pub fn string(&self) -> Cow<'a, str> {
        let inner = &self.text[1..self.text.len() - 1];
        match self.kind {
            Kind::String { escaped: true } => Cow::Owned(unescape(self.text, inner)),
            _ => Cow::Borrowed(inner),
        }
    }
}

/// The content of a string with escapes: `text` with its quotes, `inner` without.
#[cold]
fn unescape(text: &str, inner: &str) -> String {
    // A lone surrogate escape is valid JSON but not a Rust string: keep its escaped text.
    serde_json::from_str::<String>(text).unwrap_or_else(|_| inner.to_string())
}

/// A member of an object: its key as written and its value. (Plain data, 48 bytes: a delivery
/// file's records hold some 15 000 of them, which decode reads in event-time order.)
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    /// The key as written between its quotes, escapes kept (see [`Member::key`]).
    pub key_text: &'a str,
    /// Whether `key_text` holds escapes.
    pub key_escaped: bool,
    /// The key's index in the [`KeyOrder`] the object was read with, when it is one of those keys.
    pub known: Option<u16>,
    /// The value.
    pub value: Value<'a>,
}

impl<'a> Member<'a> {
    /// The key, escapes decoded.
    #[inline]
    pub fn key(&self) -> Cow<'a, str> {
        RawKey {
            text: self.key_text,
            escaped: self.key_escaped,
        }
        .decoded()
    }
}

/// A key as written between its quotes, escapes kept; the scanner has checked that they decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawKey<'a> {
    /// The text between the quotes.
    pub text: &'a str,
    /// Whether `text` holds escapes.
    pub escaped: bool,
}

impl<'a> RawKey<'a> {
    /// The key, escapes decoded.
    #[inline]
    pub fn decoded(self) -> Cow<'a, str> {
        if self.escaped {
            let quoted = format!("\"{}\"", self.text);
            Cow::Owned(serde_json::from_str(&quoted).unwrap_or_else(|_| self.text.to_string()))
        } else {
            Cow::Borrowed(self.text)
        }
    }
}

/// The keys an object is expected to hold, and the order they came in before. CloudTrail writes
/// the keys of each kind of object in the same order, so [`Scanner::object_keyed`] first checks
/// whether the text holds one of the two keys that followed the previous one lately: a comparison
/// or two instead of scanning the key and looking it up. (Two, because an optional key makes two
/// successors common: `readOnly` is followed by `resources` or else `eventType`. With one, 5.8 %
/// of the keys in generated trails were missed; with two, 0.3 %.)
#[derive(Clone, Debug)]
pub struct KeyOrder {
    /// Per key, its text as it appears before a value: `"eventTime":`.
    patterns: Vec<Box<[u8]>>,
    /// Per key (and last, for the start of the object): the keys that came next, the latest first;
    /// `patterns.len()` for none yet.
    next: Vec<[usize; 2]>,
}

impl KeyOrder {
    /// The order of `keys` (exact spellings), learnt as objects are read.
    pub fn new<'k>(keys: impl IntoIterator<Item = &'k str>) -> KeyOrder {
        let patterns: Vec<Box<[u8]>> = keys
            .into_iter()
            .map(|k| format!("\"{k}\":").into_bytes().into_boxed_slice())
            .collect();
        let next = vec![[patterns.len(); 2]; patterns.len() + 1];
        KeyOrder { patterns, next }
    }

    /// The index of the key spelt exactly `key`.
    fn position(&self, key: &str) -> Option<usize> {
        (self.patterns.iter()).position(|p| same_bytes(&p[1..p.len() - 2], key.as_bytes()))
    }
}

impl Default for KeyOrder {
    /// No keys.
    fn default() -> Self {
        KeyOrder::new([])
    }
}

/// A key of an object read by [`Scanner::object_keyed`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key<'a> {
    /// The [`KeyOrder`]'s key at this index (after decoding escapes, if the text has any).
    Known(usize),
    /// Any other key, as written.
    Other(RawKey<'a>),
}

/// `a == b` for short byte strings, compared in two overlapping words instead of a call to
/// `memcmp` (CloudTrail keys are 2 to 30 bytes; that call was 1 % of ingest).
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    match n {
        0..8 => a == b,
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => {
            (0..n - 8).step_by(8).all(|at| word(a, at) == word(b, at))
                && word(a, n - 8) == word(b, n - 8)
        }
    }
}

/// Where, and roughly why, the text stops being JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset of the offending byte.
    pub offset: usize,
    /// What was wrong, for the rare error serde_json does not see itself.
    pub message: &'static str,
}

impl SyntaxError {
    /// The same error placed in `outer`, of which `inner`, the text it was found in, is a part.
    pub fn within(self, outer: &str, inner: &str) -> SyntaxError {
        SyntaxError {
            offset: inner.as_ptr() as usize - outer.as_ptr() as usize + self.offset,
            ..self
        }
    }
}

/// Containers may nest this deep. serde_json skips values of any depth; the scanner recurses, so it
/// stops where a reader thread's stack is still far from full. No CloudTrail record comes close.
const MAX_DEPTH: usize = 1024;

/// A cursor over JSON text.
pub struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Scanner {
            text,
            pos: 0,
            depth: 0,
        }
    }

    /// Skips whitespace; returns whether the text is used up.
    pub fn at_end(&mut self) -> bool {
        self.skip_whitespace();
        self.pos == self.text.len()
    }

    /// The byte offset the scanner is at.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The next byte after whitespace, not consumed.
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.text.as_bytes().get(self.pos).copied()
    }

    /// An error at the current position.
    pub fn error(&self, message: &'static str) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message,
        }
    }

    /// Reads one value whole.
    pub fn value(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.skip_whitespace();
        let start = self.pos;
        let kind = match self.text.as_bytes().get(start) {
            Some(b'"') => Kind::String {
                escaped: self.string()?,
            },
            Some(b'{') => {
                self.object_raw(|s, _| s.value().map(drop))?;
                Kind::Object
            }
            Some(b'[') => {
                self.array(|s| s.value().map(drop))?;
                Kind::Array
            }
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                Kind::Number
            }
            _ => return Err(self.error("expected a value")),
        };
        Ok(Value {
            kind,
            text: &self.text[start..self.pos],
        })
    }

    /// Reads an object; `member` is called with each key and must read that key's value.
    pub fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        self.object_raw(|s, key| member(s, key.decoded()))
    }

    /// Reads an object as [`object`](Self::object) does, with each key as written.
    pub fn object_raw(
        &mut self,
        mut member: impl FnMut(&mut Self, RawKey<'a>) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        self.enter(b'{')?;
        if self.peek() == Some(b'}') {
            return self.leave();
        }
        loop {
            let key = self.raw_key()?;
            member(self, key)?;
            if self.member_end()? {
                return Ok(());
            }
        }
    }

    /// Reads an object as [`object`](Self::object) does, telling `member` which of `keys` each key
    /// is; learns the order they come in.
    pub fn object_keyed(
        &mut self,
        keys: &mut KeyOrder,
        mut member: impl FnMut(&mut Self, Key<'a>) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        self.enter(b'{')?;
        if self.peek() == Some(b'}') {
            return self.leave();
        }
        let mut previous = keys.patterns.len();
        loop {
            self.skip_whitespace();
            let [latest, before] = keys.next[previous];
            let key = if self.skip_key(keys, latest) {
                previous = latest;
                Key::Known(latest)
            } else if self.skip_key(keys, before) {
                keys.next[previous] = [before, latest];
                previous = before;
                Key::Known(before)
            } else {
                let key = self.raw_key()?;
                match keys.position(&key.decoded()) {
                    Some(i) => {
                        keys.next[previous] = [i, latest];
                        previous = i;
                        Key::Known(i)
                    }
                    None => Key::Other(key),
                }
            };
            member(self, key)?;
            if self.member_end()? {
                return Ok(());
            }
        }
    }

    /// Reads a key and the `:` after it; checks that its escapes decode.
    fn raw_key(&mut self) -> Result<RawKey<'a>, SyntaxError> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string key"));
        }
        let start = self.pos;
        let escaped = self.string()?;
        let quoted = &self.text[start..self.pos];
        if escaped && serde_json::from_str::<String>(quoted).is_err() {
            return Err(self.error("a key that is not a valid string"));
        }
        if self.peek() != Some(b':') {
            return Err(self.error("expected `:`"));
        }
        self.pos += 1;
        Ok(RawKey {
            text: &quoted[1..quoted.len() - 1],
            escaped,
        })
    }

    /// Reads what follows a member's value: `,` (returns false) or the closing `}` (true).
    fn member_end(&mut self) -> Result<bool, SyntaxError> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b'}') => self.leave().map(|()| true),
            _ => Err(self.error("expected `,` or `}`")),
        }
    }

    /// Consumes the key at `index` in `keys` and its `:` when the text has them here.
    #[inline]
    fn skip_key(&mut self, keys: &KeyOrder, index: usize) -> bool {
        let Some(pattern) = keys.patterns.get(index) else {
            return false;
        };
        let found = (self.text.as_bytes().get(self.pos..self.pos + pattern.len()))
            .is_some_and(|rest| same_bytes(rest, pattern));
        if found {
            self.pos += pattern.len();
        }
        found
    }

    /// Reads an array; `element` is called for each element and must read it.
    pub fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        self.enter(b'[')?;
        if self.peek() == Some(b']') {
            return self.leave();
        }
        loop {
            element(self)?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => return self.leave(),
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// Reads an object or array by matching its brackets outside strings, without checking
    /// anything else: the caller must validate the value's text before relying on it.
    pub fn skip_unchecked(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.skip_whitespace();
        let start = self.pos;
        let kind = match self.text.as_bytes().get(start) {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            _ => return Err(self.error("expected an object or array")),
        };
        match container_end(self.text.as_bytes(), start) {
            Some(end) => {
                self.pos = end;
                Ok(Value {
                    kind,
                    text: &self.text[start..end],
                })
            }
            None => {
                self.pos = self.text.len();
                Err(self.error("unterminated object or array"))
            }
        }
    }

    fn enter(&mut self, open: u8) -> Result<(), SyntaxError> {
        if self.peek() != Some(open) {
            return Err(self.error("expected an object or array"));
        }
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Consumes the closing bracket the caller has peeked.
    fn leave(&mut self) -> Result<(), SyntaxError> {
        self.pos += 1;
        self.depth -= 1;
        Ok(())
    }

    fn skip_whitespace(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, SyntaxError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.error("expected a value"))
        }
    }

    /// Consumes a string at its opening quote; returns whether it holds escapes.
    fn string(&mut self) -> Result<bool, SyntaxError> {
        let bytes = self.text.as_bytes();
        self.pos += 1;
        let mut escaped = false;
        loop {
            self.pos = find_special(bytes, self.pos);
            match bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(escaped);
                }
                Some(b'\\') => {
                    escaped = true;
                    self.pos += 1;
                    match bytes.get(self.pos) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u')
                            if bytes
                                .get(self.pos + 1..self.pos + 5)
                                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                        {
                            self.pos += 5
                        }
                        _ => return Err(self.error("invalid escape")),
                    }
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn number(&mut self) -> Result<(), SyntaxError> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = bytes.get(self.pos) {
                self.pos += 1;
            }
            self.some_digits()?;
        }
        Ok(())
    }

    fn digits(&mut self) {
        let bytes = self.text.as_bytes();
        while bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            return Err(self.error("invalid number"));
        }
        Ok(())
    }
}

/// Checks that `text` is one JSON value, whitespace around it aside.
pub fn validate(text: &str) -> Result<(), SyntaxError> {
    let mut s = Scanner::new(text);
    s.value()?;
    if s.at_end() {
        Ok(())
    } else {
        Err(s.error("trailing characters"))
    }
}

/// Calls `f` with each member of an object value, in order. For text the scanner has validated
/// already, so a syntax error cannot happen; were it to, the members before it are all there is.
pub fn for_each_member<'a>(object: Value<'a>, mut f: impl FnMut(Cow<'a, str>, Value<'a>)) {
    let _ = Scanner::new(object.text).object(|s, key| {
        f(key, s.value()?);
        Ok(())
    });
}

/// The members of an object given as text; `None` when the text is not one JSON object.
pub fn members(text: &str) -> Option<Vec<Member<'_>>> {
    let mut scanner = Scanner::new(text);
    let mut out = Vec::new();
    scanner
        .object_raw(|s, key| {
            out.push(Member {
                key_text: key.text,
                key_escaped: key.escaped,
                known: None,
                value: s.value()?,
            });
            Ok(())
        })
        .ok()?;
    scanner.at_end().then_some(out)
}

/// The offset of the first `"`, `\` or control character at or after `from`, else the length.
fn find_special(bytes: &[u8], mut from: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of the x86_64 baseline, and every load reads the 16 bytes
        // `from..from + 16`, which the loop condition keeps inside `bytes`.
        unsafe {
            let quote = _mm_set1_epi8(b'"' as i8);
            let backslash = _mm_set1_epi8(b'\\' as i8);
            let last_control = _mm_set1_epi8(0x1f);
            while from + 16 <= bytes.len() {
                let chunk = _mm_loadu_si128(bytes.as_ptr().add(from).cast::<__m128i>());
                // A byte is a control character when min(byte, 0x1f) is the byte itself.
                let special = _mm_or_si128(
                    _mm_or_si128(
                        _mm_cmpeq_epi8(chunk, quote),
                        _mm_cmpeq_epi8(chunk, backslash),
                    ),
                    _mm_cmpeq_epi8(_mm_min_epu8(chunk, last_control), chunk),
                );
                let mask = _mm_movemask_epi8(special);
                if mask != 0 {
                    return from + mask.trailing_zeros() as usize;
                }
                from += 16;
            }
        }
    }
    while let Some(&b) = bytes.get(from) {
        if matches!(b, b'"' | b'\\' | 0..=0x1f) {
            break;
        }
        from += 1;
    }
    from
}

/// One past the bracket that closes the object or array opening at `start`, brackets inside strings
/// not counted; `None` when the text ends first. Nothing else is checked. Blocks of 64 bytes
/// without a backslash are classified at once: a byte is inside a string when an odd number of
/// quotes precede it (a prefix XOR of the quote mask). Blocks with one go byte by byte.
fn container_end(bytes: &[u8], start: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0i64, false, false);
    let mut padded = [b' '; 64];
    let mut at = start;
    while at < bytes.len() {
        let n = (bytes.len() - at).min(64);
        let block: &[u8; 64] = match bytes[at..].first_chunk() {
            Some(block) => block,
            None => {
                padded[..n].copy_from_slice(&bytes[at..]);
                &padded
            }
        };
        let masks = Masks::of(block);
        if masks.backslash == 0 && !escaped {
            let strings = prefix_xor(masks.quote) ^ if in_string { !0 } else { 0 };
            in_string = strings >> 63 == 1;
            let open = masks.open & !strings;
            // A block holds few brackets: going through them one by one is cheaper than counting
            // them (x86_64's baseline has no popcount instruction).
            let mut brackets = (masks.open | masks.close) & !strings;
            while brackets != 0 {
                let bit = brackets.trailing_zeros();
                if open >> bit & 1 == 1 {
                    depth += 1;
                } else {
                    depth -= 1;
                    if depth == 0 {
                        return Some(at + bit as usize + 1);
                    }
                }
                brackets &= brackets - 1;
            }
        } else {
            for (i, &b) in block[..n].iter().enumerate() {
                if escaped {
                    escaped = false;
                } else if in_string {
                    match b {
                        b'\\' => escaped = true,
                        b'"' => in_string = false,
                        _ => {}
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(at + i + 1);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        at += n;
    }
    None
}

/// Per byte of a 64-byte block, one bit in each mask.
struct Masks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
}

impl Masks {
    fn of(block: &[u8; 64]) -> Masks {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{
                __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
                _mm_set1_epi8,
            };
            let mut masks = Masks {
                quote: 0,
                backslash: 0,
                open: 0,
                close: 0,
            };
            // SAFETY: SSE2 is part of the x86_64 baseline, and each load reads 16 of the block's
            // 64 bytes.
            unsafe {
                // `{` and `[` differ only in bit 5, as do `}` and `]`.
                let case = _mm_set1_epi8(0x20);
                for part in 0..4 {
                    let chunk = _mm_loadu_si128(block.as_ptr().add(part * 16).cast::<__m128i>());
                    let folded = _mm_or_si128(chunk, case);
                    let bits = |m| u64::from(_mm_movemask_epi8(m) as u16) << (part * 16);
                    masks.quote |= bits(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'"' as i8)));
                    masks.backslash |= bits(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'\\' as i8)));
                    masks.open |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8(b'{' as i8)));
                    masks.close |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8(b'}' as i8)));
                }
            }
            masks
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let mask = |f: fn(u8) -> bool| {
                (block.iter().enumerate()).fold(0u64, |m, (i, &b)| m | (u64::from(f(b)) << i))
            };
            Masks {
                quote: mask(|b| b == b'"'),
                backslash: mask(|b| b == b'\\'),
                open: mask(|b| b | 0x20 == b'{'),
                close: mask(|b| b | 0x20 == b'}'),
            }
        }
    }
}

/// Bit `i` of the result is the XOR of bits `0..=i` of `x`.
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Result<Value<'_>, SyntaxError> {
        let mut s = Scanner::new(text);
        let v = s.value()?;
        if s.at_end() {
            Ok(v)
        } else {
            Err(s.error("trailing characters"))
        }
    }

    /// The scanner accepts exactly what serde_json accepts.
    fn agrees(text: &str) {
        let ours = scan(text).is_ok();
        let serde = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        assert_eq!(ours, serde, "scanner and serde_json disagree on {text:?}");
    }

    #[test]
    fn same_bytes_agrees_with_equality() {
        let base = "userIdentity.sessionContext.attributes";
        for len in 0..=base.len() {
            let a = &base[..len];
            assert!(same_bytes(a.as_bytes(), a.as_bytes()));
            for at in 0..len {
                let mut b = a.as_bytes().to_vec();
                b[at] ^= 0x20;
                let b = String::from_utf8(b).unwrap();
                assert_eq!(
                    same_bytes(a.as_bytes(), b.as_bytes()),
                    a == b,
                    "{a:?} against {b:?}"
                );
            }
            if len > 0 {
                assert!(!same_bytes(a.as_bytes(), &base.as_bytes()[..len - 1]));
            }
        }
    }

    #[test]
    fn accepts_and_rejects_what_serde_json_does() {
        for text in [
            r#"{"a":[1,-2.5e+3,0,true,false,null,"x\"y\u00e9\n"],"b":{}}"#,
            " [ ] ",
            "\"a long string of more than sixteen bytes with \\\\ an escape\"",
            "-0.0E-0",
            "01",
            "1.",
            "-",
            "1e",
            ".5",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:2}",
            "tru",
            "nul",
            "\"abc",
            "\"a\tb\"",
            "\"a\\xb\"",
            "\"\\u12\"",
            "\"\\u12G4\"",
            "[1 2]",
            "{\"a\":1}}",
            "",
            &"[".repeat(1000),
            &format!("{}{}", "[".repeat(1000), "]".repeat(1000)),
        ] {
            agrees(text);
        }
    }

    #[test]
    fn refuses_to_nest_without_bound() {
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let error = scan(&deep).unwrap_err();
        assert_eq!(error.message, "nested too deeply");
        assert_eq!(error.offset, MAX_DEPTH - 1);
    }

    #[test]
    fn every_prefix_and_single_byte_change_of_a_record() {
        let record = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a b"},"eventTime":"2024-05-01T10:00:00Z","requestParameters":{"x":[1,2.50,-3e2],"y":null,"z":"q\"\\\/\b\f\n\r\t\u00e9"},"readOnly":true}"#;
        for end in 0..=record.len() {
            agrees(&record[..end]);
        }
        let bytes = record.as_bytes();
        for i in 0..bytes.len() {
            for replacement in [
                b' ', b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'e', 0x01,
            ] {
                let mut changed = bytes.to_vec();
                changed[i] = replacement;
                if let Ok(text) = std::str::from_utf8(&changed) {
                    agrees(text);
                }
            }
        }
    }

    /// The members of the object `text` holds, as `read` reads them with the scanner and hands
    /// each key's name to the closure it is given; else the offset of the error.
    fn members_read_by<'t>(
        text: &'t str,
        read: impl FnOnce(
            &mut Scanner<'t>,
            &mut dyn FnMut(&mut Scanner<'t>, String) -> Result<(), SyntaxError>,
        ) -> Result<(), SyntaxError>,
    ) -> Result<Vec<(String, String)>, usize> {
        let mut s = Scanner::new(text);
        let mut out = Vec::new();
        read(&mut s, &mut |s, name| {
            out.push((name, s.value()?.text.to_string()));
            Ok(())
        })
        .map_err(|e| e.offset)?;
        if !s.at_end() {
            return Err(s.offset());
        }
        Ok(out)
    }

    /// An object's members as `object_keyed` reads them with `keys`, known keys by name.
    fn keyed_members(text: &str, keys: &mut KeyOrder) -> Result<Vec<(String, String)>, usize> {
        let names: Vec<String> = (keys.patterns.iter())
            .map(|p| String::from_utf8(p[1..p.len() - 2].to_vec()).unwrap())
            .collect();
        members_read_by(text, |s, member| {
            s.object_keyed(keys, |s, key| match key {
                Key::Known(i) => member(s, names[i].clone()),
                Key::Other(key) => member(s, format!("other {}", key.decoded())),
            })
        })
    }

    /// The same members as `object` reads them, keys not in `known` marked as other.
    fn plain_members(text: &str, known: &[&str]) -> Result<Vec<(String, String)>, usize> {
        members_read_by(text, |s, member| {
            s.object(|s, key| match known.contains(&&*key) {
                true => member(s, key.to_string()),
                false => member(s, format!("other {key}")),
            })
        })
    }

    #[test]
    fn keyed_objects_read_as_plain_ones_once_the_order_is_learnt() {
        let known = [
            "eventVersion",
            "arn",
            "eventTime",
            "readOnly",
            "userIdentity",
        ];
        let record = r#"{"eventVersion":"1.08","userIdentity":{"arn":"a"},"eventTime":"2024-05-01T10:00:00Z","arnX":1,"arn":"b","readOnly":true}"#;
        let learnt = || {
            let mut keys = KeyOrder::new(known);
            keyed_members(record, &mut keys).unwrap();
            keys
        };
        // Once learnt, every key is predicted, and matched without a scan.
        let mut keys = learnt();
        let members = keyed_members(record, &mut keys).unwrap();
        assert_eq!(members, plain_members(record, &known).unwrap());
        assert_eq!(members[3].0, "other arnX");
        assert_eq!(
            keys.next[keys.patterns.len()][0],
            0,
            "eventVersion comes first"
        );
        // A predicted key that is not there, a key that differs from it by one byte, a key spelt
        // with an escape, whitespace, the text ending inside a key: the same as a plain read.
        let bytes = record.as_bytes();
        for end in 0..=bytes.len() {
            let text = &record[..end];
            assert_eq!(
                keyed_members(text, &mut learnt()),
                plain_members(text, &known),
                "{text:?}"
            );
        }
        for i in 0..bytes.len() {
            for replacement in [b' ', b'"', b'\\', b':', b',', b'}', b'X', b'a'] {
                let mut changed = bytes.to_vec();
                changed[i] = replacement;
                let text = std::str::from_utf8(&changed).unwrap();
                assert_eq!(
                    keyed_members(text, &mut learnt()),
                    plain_members(text, &known),
                    "{text:?}"
                );
            }
        }
        // Two keys that each follow `eventVersion` are both remembered, the latest first.
        let mut keys = KeyOrder::new(known);
        let (a, b) = (
            r#"{"eventVersion":"1","readOnly":true}"#,
            r#"{"eventVersion":"1","eventTime":"t"}"#,
        );
        for text in [a, b, a, b, b] {
            assert_eq!(keyed_members(text, &mut keys), plain_members(text, &known));
        }
        assert_eq!(keys.next[0], [2, 3], "eventTime, then readOnly");
        keyed_members(a, &mut keys).unwrap();
        assert_eq!(keys.next[0], [3, 2]);
        let escaped = r#"{"eventVersion":"1","event\u0054ime" : "t", "readOnly":false}"#;
        assert_eq!(
            keyed_members(escaped, &mut learnt()).unwrap(),
            [
                ("eventVersion".to_string(), "\"1\"".to_string()),
                ("eventTime".to_string(), "\"t\"".to_string()),
                ("readOnly".to_string(), "false".to_string()),
            ]
        );
    }

    #[test]
    fn values_keep_their_text_and_kind() {
        let text = r#" {"a" : "x\ny" , "b":[1, {"c":null}], "\u0041":2.5} "#;
        let value = scan(text).unwrap();
        assert_eq!(value.kind, Kind::Object);
        assert_eq!(value.text, text.trim());
        let mut seen = Vec::new();
        for_each_member(value, |k, v| seen.push((k.into_owned(), v.kind, v.text)));
        assert_eq!(
            seen,
            [
                ("a".to_string(), Kind::String { escaped: true }, r#""x\ny""#),
                ("b".to_string(), Kind::Array, r#"[1, {"c":null}]"#),
                ("A".to_string(), Kind::Number, "2.5"),
            ]
        );
        assert_eq!(seen[0].2, r#""x\ny""#);
        let first = members(text).unwrap()[0].value;
        assert_eq!(first.string(), "x\ny");
        assert!(members("[1]").is_none());
    }

    #[test]
    fn bracket_matching_ends_where_the_scanner_does() {
        let value = r#"{"a":"x{[\"]}\\","b":[{"c":"\\\"}"},[]],"é":"{","d":"\\"}"#;
        // Every offset of the value against the 64-byte blocks, and with text after it.
        for pad in 0..70 {
            for after in ["", "]", " ,\"}\"", "}}}"] {
                let text = format!("{}{value}{after}", " ".repeat(pad));
                let mut s = Scanner::new(&text);
                let scanned = s.value().expect("valid").text;
                let mut s = Scanner::new(&text);
                let skipped = s.skip_unchecked().expect("terminated");
                assert_eq!(
                    (skipped.text, skipped.kind),
                    (scanned, Kind::Object),
                    "pad {pad}"
                );
            }
        }
        // Strings with brackets across blocks that hold no backslash: the quote parity carries.
        let long = format!(
            r#"[{{"a":"{}"}},"{}",[]]"#,
            "}]".repeat(50),
            "[{".repeat(40)
        );
        for pad in 0..70 {
            let text = format!("{}{long}]", " ".repeat(pad));
            let skipped = Scanner::new(&text).skip_unchecked().expect("terminated");
            assert_eq!(skipped.text, long, "pad {pad}");
        }
        for unterminated in [r#"{"a":"}"#, r#"[{"a":1}"#, r#"{"a":"\"}"#, "["] {
            assert_eq!(
                Scanner::new(unterminated)
                    .skip_unchecked()
                    .unwrap_err()
                    .message,
                "unterminated object or array"
            );
        }
        assert!(Scanner::new("\"x\"").skip_unchecked().is_err());
        assert_eq!(validate(" [1] "), Ok(()));
        assert_eq!(validate("[1] 2").unwrap_err().offset, 4);
    }

    #[test]
    fn finds_special_bytes_across_chunk_edges() {
        for at in 0..40 {
            let mut text = vec![b'a'; 40];
            text[at] = b'"';
            assert_eq!(find_special(&text, 0), at);
            text[at] = 0x1f;
            assert_eq!(find_special(&text, 0), at);
            text[at] = 0xc3;
            assert_eq!(find_special(&text, 0), 40);
        }
    }
}
