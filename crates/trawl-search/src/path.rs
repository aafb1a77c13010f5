//! Field paths (§3): syntax, and resolution over a JSON tree with case-insensitive keys, dotted
//! keys, array fan-out, `[n]`, `[*]` and globs.

use std::fmt;

use crate::json::J;

/// An array index after a path segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Idx {
    /// `[n]`, 0-based.
    At(usize),
    /// `[*]`.
    All,
}

/// One `.`-separated segment: a key (possibly a glob) and its indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Seg {
    /// The key as written; may contain `*`, or be `**`.
    pub name: String,
    /// `[n]` / `[*]` suffixes, in order.
    pub idx: Vec<Idx>,
}

impl Seg {
    /// True when the key is a glob (`*` inside) or `**`.
    pub fn is_glob(&self) -> bool {
        self.name.contains('*')
    }
}

/// Splits a path into segments. A malformed `[…]` suffix stays part of the key.
pub fn parse_path(text: &str) -> Vec<Seg> {
    text.split('.').map(parse_seg).collect()
}

fn parse_seg(piece: &str) -> Seg {
    let whole = || Seg {
        name: piece.to_string(),
        idx: Vec::new(),
    };
    let Some(open) = piece.find('[') else {
        return whole();
    };
    if !piece.ends_with(']') {
        return whole();
    }
    let mut idx = Vec::new();
    for inner in piece[open + 1..piece.len() - 1].split("][") {
        match inner {
            "*" => idx.push(Idx::All),
            n => match n.parse::<usize>() {
                Ok(n) if n.to_string() == inner => idx.push(Idx::At(n)),
                _ => return whole(),
            },
        }
    }
    Seg {
        name: piece[..open].to_string(),
        idx,
    }
}

/// Writes segments back as path text.
pub struct PathText<'a>(pub &'a [Seg]);

impl fmt::Display for PathText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(&seg.name)?;
            for idx in &seg.idx {
                match idx {
                    Idx::At(n) => write!(f, "[{n}]")?,
                    Idx::All => f.write_str("[*]")?,
                }
            }
        }
        Ok(())
    }
}

/// Resolves `segs` from `node` (§3.2), pushing every non-null value reached.
pub fn resolve<'v, 'a>(node: &'v J<'a>, segs: &[Seg], out: &mut Vec<&'v J<'a>>) {
    let Some(seg) = segs.first() else {
        if *node != J::Null {
            out.push(node);
        }
        return;
    };
    if seg.name.is_empty() && !seg.idx.is_empty() {
        // An index-only segment applies to the current node (`resources[0]` after the column).
        apply_idx(node, &seg.idx, &segs[1..], out);
        return;
    }
    if seg.name == "**" {
        resolve(node, &segs[1..], out);
        match node {
            J::Arr(items) => items.iter().for_each(|v| resolve(v, segs, out)),
            J::Obj(fields) => fields.iter().for_each(|(_, v)| resolve(v, segs, out)),
            _ => {}
        }
        return;
    }
    match node {
        J::Arr(items) => items.iter().for_each(|v| resolve(v, segs, out)),
        J::Obj(fields) => {
            for k in 1..=segs.len() {
                if k > 1 && (!segs[k - 2].idx.is_empty() || segs[..k].iter().any(Seg::is_glob)) {
                    break;
                }
                let last = &segs[k - 1];
                let rest = &segs[k..];
                if k == 1 && seg.is_glob() {
                    for (_, v) in fields.iter().filter(|(key, _)| glob_match(&seg.name, key)) {
                        apply_idx(v, &seg.idx, rest, out);
                    }
                    continue;
                }
                let name = segs[..k]
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".");
                let exact = fields.iter().any(|(key, _)| *key == name);
                for (key, v) in fields {
                    let hit = if exact {
                        *key == name
                    } else {
                        key.eq_ignore_ascii_case(&name)
                    };
                    if hit {
                        apply_idx(v, &last.idx, rest, out);
                    }
                }
            }
        }
        _ => {}
    }
}

fn apply_idx<'v, 'a>(v: &'v J<'a>, idx: &[Idx], rest: &[Seg], out: &mut Vec<&'v J<'a>>) {
    let Some(first) = idx.first() else {
        resolve(v, rest, out);
        return;
    };
    if let J::Arr(items) = v {
        match first {
            Idx::At(n) => {
                if let Some(item) = items.get(*n) {
                    apply_idx(item, &idx[1..], rest, out);
                }
            }
            Idx::All => items
                .iter()
                .for_each(|item| apply_idx(item, &idx[1..], rest, out)),
        }
    }
}

/// Glob match of a key, ASCII case-insensitive; `*` never crosses a `.`.
pub fn glob_match(pattern: &str, key: &str) -> bool {
    fn go(p: &[u8], k: &[u8]) -> bool {
        match p.split_first() {
            None => k.is_empty(),
            Some((b'*', rest)) => {
                let mut i = 0;
                loop {
                    if go(rest, &k[i..]) {
                        return true;
                    }
                    if i == k.len() || k[i] == b'.' {
                        return false;
                    }
                    i += 1;
                }
            }
            Some((c, rest)) => {
                k.first().is_some_and(|b| b.eq_ignore_ascii_case(c)) && go(rest, &k[1..])
            }
        }
    }
    go(pattern.as_bytes(), key.as_bytes())
}

/// A stage value (§3.3): null for nothing, the value for one, a JSON array for several.
pub fn stage_value<'a>(found: Vec<&J<'a>>) -> J<'a> {
    match found.len() {
        0 => J::Null,
        1 => found[0].clone(),
        _ => J::Arr(found.into_iter().cloned().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn texts(json: &str, path: &str) -> Vec<String> {
        let v = parse(json).unwrap();
        let mut out = Vec::new();
        resolve(&v, &parse_path(path), &mut out);
        out.iter().map(|v| v.to_json()).collect()
    }

    #[test]
    fn segments_and_indexes() {
        assert_eq!(
            parse_path("a.b[0][*].c[x]"),
            vec![
                Seg {
                    name: "a".into(),
                    idx: vec![]
                },
                Seg {
                    name: "b".into(),
                    idx: vec![Idx::At(0), Idx::All]
                },
                Seg {
                    name: "c[x]".into(),
                    idx: vec![]
                },
            ]
        );
        assert_eq!(PathText(&parse_path("a.b[0][*]")).to_string(), "a.b[0][*]");
    }

    #[test]
    fn case_insensitive_keys_exact_first() {
        assert_eq!(texts(r#"{"Arn":1,"arn":2}"#, "arn"), vec!["2"]);
        assert_eq!(texts(r#"{"Arn":1,"ARN":2}"#, "arn"), vec!["1", "2"]);
    }

    #[test]
    fn dotted_keys_and_nesting_are_united() {
        let j = r#"{"a.b":{"c":1},"a":{"b.c":2,"b":{"c":3}}}"#;
        let mut got = texts(j, "a.b.c");
        got.sort();
        assert_eq!(got, vec!["1", "2", "3"]);
    }

    #[test]
    fn arrays_fan_out_and_index() {
        let j = r#"{"items":[{"x":1},{"x":2}]}"#;
        assert_eq!(texts(j, "items.x"), vec!["1", "2"]);
        assert_eq!(texts(j, "items[1].x"), vec!["2"]);
        assert_eq!(texts(j, "items[*].x"), vec!["1", "2"]);
        assert!(texts(j, "items[2].x").is_empty());
        assert!(texts(j, "items.x.y").is_empty());
    }

    #[test]
    fn globs() {
        let j = r#"{"fromPort":1,"toPort":2,"a":{"b":{"toPort":3}}}"#;
        assert_eq!(texts(j, "*Port"), vec!["1", "2"]);
        assert_eq!(texts(j, "**.toPort"), vec!["2", "3"]);
        assert!(glob_match("a*", "AB"));
        assert!(!glob_match("a*", "a.b"));
    }
}
