//! Text templates with `{name}` fields, used for chart titles, findings and labels.
//!
//! Templates format *display text* from values that are already results or parameters; they
//! never build query text (queries receive parameters as bound values).

use std::fmt;

use serde::Deserialize;

/// A parsed template: literal text and `{field}` references. `{{` and `}}` stand for braces.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(String),
}

impl Template {
    /// Parses `source`, rejecting unbalanced braces and empty `{}` fields.
    pub fn parse(source: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') | None => {
                                return Err(format!(
                                    "unclosed `{{` in template `{source}` (write `{{{{` for a literal brace)"
                                ));
                            }
                            Some(c) => name.push(c),
                        }
                    }
                    let name = name.trim().to_string();
                    if name.is_empty() {
                        return Err(format!("empty `{{}}` field in template `{source}`"));
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Field(name));
                }
                '}' => {
                    return Err(format!(
                        "unmatched `}}` in template `{source}` (write `}}}}` for a literal brace)"
                    ));
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Self {
            source: source.to_string(),
            parts,
        })
    }

    /// The names of the fields the template refers to, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// Fills the template. `lookup` returns `Ok(Some(v))` for a value, `Ok(None)` for a null and
    /// `Err` for an unknown field; a null field is written as `null_text`, or makes the whole
    /// result `None` when `null_text` is `None`.
    pub fn render<E>(
        &self,
        null_text: Option<&str>,
        mut lookup: impl FnMut(&str) -> Result<Option<String>, E>,
    ) -> Result<Option<String>, E> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Field(name) => match (lookup(name)?, null_text) {
                    (Some(value), _) => out.push_str(&value),
                    (None, Some(null)) => out.push_str(null),
                    (None, None) => return Ok(None),
                },
            }
        }
        Ok(Some(out))
    }
}

impl TryFrom<String> for Template {
    type Error = String;

    fn try_from(source: String) -> Result<Self, String> {
        Self::parse(&source)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(t: &Template, null: Option<&str>) -> Option<String> {
        t.render::<()>(null, |name| {
            Ok(match name {
                "user" => Some("alice".to_string()),
                "n" => Some("3".to_string()),
                _ => None,
            })
        })
        .unwrap()
    }

    #[test]
    fn fields_text_and_escaped_braces() {
        let t = Template::parse("{user} made {n} calls {{not a field}}").unwrap();
        assert_eq!(t.fields().collect::<Vec<_>>(), ["user", "n"]);
        assert_eq!(fill(&t, None).unwrap(), "alice made 3 calls {not a field}");
    }

    #[test]
    fn null_field_is_replaced_or_nulls_the_result() {
        let t = Template::parse("{user} - {missing}").unwrap();
        assert_eq!(fill(&t, None), None);
        assert_eq!(fill(&t, Some("(none)")).unwrap(), "alice - (none)");
    }

    #[test]
    fn malformed_templates_are_rejected() {
        assert!(Template::parse("{open").unwrap_err().contains("unclosed"));
        assert!(Template::parse("close}").unwrap_err().contains("unmatched"));
        assert!(Template::parse("a {} b").unwrap_err().contains("empty"));
    }
}
