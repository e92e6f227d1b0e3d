//! Typed reward parameters: declared by each reward, validated when a spec is compiled.

use indexmap::IndexMap;
use serde_json::Value;

use crate::sample::spec_type_name;

/// The type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Float,
    Int,
    Bool,
    Str,
    /// One of the listed strings.
    Enum(&'static [&'static str]),
    StrList,
    FloatList,
    /// The name of another component of the same spec, whose value this reward reads
    /// (the empty string: none).
    Component,
    /// A list of component names (a single name is a list of one), each read like
    /// [`Kind::Component`].
    ComponentList,
    /// Any JSON value; the reward validates it itself.
    Json,
    /// The name of a judge of the spec's `judges:` section (a model endpoint that model-backed
    /// rewards call); the reward reads its configuration with [`Params::judge`].
    Judge,
}

impl Kind {
    pub fn describe(&self) -> String {
        match self {
            Kind::Float => "a number".into(),
            Kind::Int => "an integer".into(),
            Kind::Bool => "a boolean".into(),
            Kind::Str => "a string".into(),
            Kind::Enum(opts) => format!("one of {}", opts.join(" | ")),
            Kind::StrList => "a list of strings".into(),
            Kind::FloatList => "a list of numbers".into(),
            Kind::Component => "a component name".into(),
            Kind::ComponentList => "a list of component names".into(),
            Kind::Json => "any JSON value".into(),
            Kind::Judge => "a judge name (from `judges:`)".into(),
        }
    }
}

/// One end of a numeric parameter's valid range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    pub value: f64,
    /// Whether `value` itself is valid.
    pub inclusive: bool,
}

/// The valid values of a numeric parameter ([`Kind::Float`] or [`Kind::Int`]): at or above (or
/// strictly above) `min`, at or below (or strictly below) `max`. Declared with
/// [`ParamSpec::min`], [`ParamSpec::above`], [`ParamSpec::max`], [`ParamSpec::below`] and
/// [`ParamSpec::range`]; checked when the parameters are read, shown by `plaudit explain`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Range {
    pub min: Option<Bound>,
    pub max: Option<Bound>,
}

impl Range {
    /// Whether `x` lies in the range.
    pub fn contains(&self, x: f64) -> bool {
        let lo = self
            .min
            .is_none_or(|b| x > b.value || (b.inclusive && x == b.value));
        let hi = self
            .max
            .is_none_or(|b| x < b.value || (b.inclusive && x == b.value));
        lo && hi
    }

    /// The range in words: `≥ 1`, `> 0`, `≤ 0`, `in [0, 1]`, `in (0, 1]`; `None` when unbounded.
    pub fn describe(&self) -> Option<String> {
        match (self.min, self.max) {
            (None, None) => None,
            (Some(lo), None) => Some(format!(
                "{} {}",
                if lo.inclusive { "≥" } else { ">" },
                lo.value
            )),
            (None, Some(hi)) => Some(format!(
                "{} {}",
                if hi.inclusive { "≤" } else { "<" },
                hi.value
            )),
            (Some(lo), Some(hi)) => Some(format!(
                "in {}{}, {}{}",
                if lo.inclusive { '[' } else { '(' },
                lo.value,
                hi.value,
                if hi.inclusive { ']' } else { ')' },
            )),
        }
    }
}

/// One declared parameter: its name, type, default (JSON text; `None` means required) and meaning.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub default: Option<&'static str>,
    pub doc: &'static str,
    /// A host parameter: it reaches the machine (isolation, file paths, ceilings on memory,
    /// time and result sizes …), so only the operator's own spec may set it; a spec sent by a
    /// server's client must leave it at its default (see `plaudit serve --allow-inline-specs`).
    pub host: bool,
    /// The valid values of a numeric parameter (unbounded by default).
    pub range: Range,
}

impl ParamSpec {
    pub const fn new(
        name: &'static str,
        kind: Kind,
        default: &'static str,
        doc: &'static str,
    ) -> Self {
        ParamSpec {
            name,
            kind,
            default: Some(default),
            doc,
            host: false,
            range: Range {
                min: None,
                max: None,
            },
        }
    }
    pub const fn required(name: &'static str, kind: Kind, doc: &'static str) -> Self {
        ParamSpec {
            name,
            kind,
            default: None,
            doc,
            host: false,
            range: Range {
                min: None,
                max: None,
            },
        }
    }

    /// This parameter as a host parameter ([`ParamSpec::host`]).
    pub const fn host(self) -> Self {
        ParamSpec { host: true, ..self }
    }

    /// Valid values are ≥ `lo`.
    pub const fn min(self, lo: f64) -> Self {
        self.with_min(lo, true)
    }
    /// Valid values are > `lo`.
    pub const fn above(self, lo: f64) -> Self {
        self.with_min(lo, false)
    }
    /// Valid values are ≤ `hi`.
    pub const fn max(self, hi: f64) -> Self {
        self.with_max(hi, true)
    }
    /// Valid values are < `hi`.
    pub const fn below(self, hi: f64) -> Self {
        self.with_max(hi, false)
    }
    /// Valid values are in [`lo`, `hi`].
    pub const fn range(self, lo: f64, hi: f64) -> Self {
        self.with_min(lo, true).with_max(hi, true)
    }

    const fn with_min(self, value: f64, inclusive: bool) -> Self {
        ParamSpec {
            range: Range {
                min: Some(Bound { value, inclusive }),
                max: self.range.max,
            },
            ..self
        }
    }
    const fn with_max(self, value: f64, inclusive: bool) -> Self {
        ParamSpec {
            range: Range {
                min: self.range.min,
                max: Some(Bound { value, inclusive }),
            },
            ..self
        }
    }

    /// The type and the valid range in words: `an integer ≥ 1`, `a number in (0, 1]`.
    pub fn describe(&self) -> String {
        match self.range.describe() {
            Some(r) => format!("{} {r}", self.kind.describe()),
            None => self.kind.describe(),
        }
    }

    /// `v` (already of this parameter's kind) checked against the declared range.
    fn check_range(&self, v: &Value) -> Result<(), String> {
        let Some(x) = v.as_f64() else {
            return Ok(());
        };
        match self.range.describe() {
            Some(r) if !self.range.contains(x) => Err(format!(
                "parameter `{}` must be {r}, got {}",
                self.name,
                number_text(v)
            )),
            _ => Ok(()),
        }
    }
}

/// A number as a message shows it: integers without a fraction (`0`, not `0.0`).
fn number_text(v: &Value) -> String {
    match (v.as_i64(), v.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(f)) => f.to_string(),
        _ => v.to_string(),
    }
}

/// Check one value against a kind; returns the value in canonical form.
pub(crate) fn check_kind(kind: &Kind, v: &Value) -> Result<Value, String> {
    let bad = || format!("expected {}, got {}", kind.describe(), spec_type_name(v));
    match kind {
        Kind::Float => match v.as_f64() {
            Some(f) if f.is_finite() => Ok(Value::from(f)),
            _ => Err(bad()),
        },
        Kind::Int => {
            if let Some(i) = v.as_i64() {
                Ok(Value::from(i))
            } else if let Some(f) = v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                Ok(Value::from(f as i64))
            } else {
                Err(bad())
            }
        }
        Kind::Bool => v.as_bool().map(Value::from).ok_or_else(bad),
        Kind::Str | Kind::Component | Kind::Judge => v.as_str().map(Value::from).ok_or_else(bad),
        Kind::Enum(opts) => match v.as_str() {
            Some(s) if opts.contains(&s) => Ok(v.clone()),
            Some(s) => Err(format!("`{s}` is not one of: {}", opts.join(", "))),
            None => Err(bad()),
        },
        Kind::StrList | Kind::ComponentList => match v {
            Value::Array(items) if items.iter().all(|x| x.is_string()) => Ok(v.clone()),
            Value::String(s) => Ok(Value::Array(vec![Value::from(s.clone())])),
            _ => Err(bad()),
        },
        Kind::FloatList => match v {
            Value::Array(items) if items.iter().all(|x| x.as_f64().is_some_and(f64::is_finite)) => {
                Ok(v.clone())
            }
            _ => Err(bad()),
        },
        Kind::Json => Ok(v.clone()),
    }
}

/// Validated parameter values of one component, defaults filled in. The accessors panic only on a
/// programming error (asking for a name or type the reward did not declare), which the catalogue's
/// tests catch.
#[derive(Clone, Debug, Default)]
pub struct Params {
    values: IndexMap<&'static str, Value>,
    components: IndexMap<&'static str, usize>,
    component_lists: IndexMap<&'static str, Vec<(usize, String)>>,
    judges: IndexMap<&'static str, (String, std::sync::Arc<Value>)>,
}

impl Params {
    /// Validate user-given `given` against `specs`. `component_index` resolves component names.
    pub fn validate(
        specs: &'static [ParamSpec],
        given: &IndexMap<String, Value>,
        component_index: &dyn Fn(&str) -> Option<usize>,
    ) -> Result<Params, Vec<String>> {
        let mut errors = Vec::new();
        for k in given.keys() {
            if !specs.iter().any(|p| p.name == k) {
                let valid: Vec<_> = specs.iter().map(|p| p.name).collect();
                errors.push(if valid.is_empty() {
                    format!("unknown parameter `{k}` (this reward takes no parameters)")
                } else {
                    format!("unknown parameter `{k}` (valid: {})", valid.join(", "))
                });
            }
        }
        let mut out = Params::default();
        for p in specs {
            let raw = match (given.get(p.name), p.default) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => serde_json::from_str(d)
                    .unwrap_or_else(|e| panic!("bad default for parameter {}: {e}", p.name)),
                (None, None) => {
                    errors.push(format!(
                        "missing required parameter `{}` ({})",
                        p.name,
                        p.kind.describe()
                    ));
                    continue;
                }
            };
            let checked = check_kind(&p.kind, &raw)
                .map_err(|e| format!("parameter `{}`: {e}", p.name))
                .and_then(|v| {
                    if matches!(p.kind, Kind::Float | Kind::Int) {
                        p.check_range(&v)?;
                    }
                    Ok(v)
                });
            match checked {
                Ok(v) => {
                    if p.kind == Kind::Component && v.as_str() != Some("") {
                        let name = v.as_str().unwrap_or_default();
                        match component_index(name) {
                            Some(i) => {
                                out.components.insert(p.name, i);
                            }
                            None => errors.push(format!(
                                "parameter `{}` names component `{name}`, which this spec does not define",
                                p.name
                            )),
                        }
                    }
                    if p.kind == Kind::ComponentList {
                        let mut list = Vec::new();
                        for name in v.as_array().into_iter().flatten().filter_map(Value::as_str) {
                            match component_index(name) {
                                Some(i) => list.push((i, name.to_string())),
                                None => errors.push(format!(
                                    "parameter `{}` names component `{name}`, which this spec does not define",
                                    p.name
                                )),
                            }
                        }
                        out.component_lists.insert(p.name, list);
                    }
                    out.values.insert(p.name, v);
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Defaults only (documentation examples and tests). Component parameters resolve to the
    /// index of their name in `components`.
    pub fn from_json(
        specs: &'static [ParamSpec],
        given: &Value,
        components: &[&str],
    ) -> Result<Params, Vec<String>> {
        let map: IndexMap<String, Value> = match given {
            Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Value::Null => IndexMap::new(),
            _ => return Err(vec!["params must be an object".into()]),
        };
        Params::validate(specs, &map, &|n| components.iter().position(|c| *c == n))
    }

    fn get(&self, name: &str) -> &Value {
        self.values
            .get(name)
            .unwrap_or_else(|| panic!("parameter `{name}` was not declared"))
    }

    pub fn f64(&self, name: &str) -> f64 {
        self.get(name)
            .as_f64()
            .unwrap_or_else(|| panic!("parameter `{name}` is not a number"))
    }
    pub fn i64(&self, name: &str) -> i64 {
        self.get(name)
            .as_i64()
            .unwrap_or_else(|| panic!("parameter `{name}` is not an integer"))
    }
    pub fn usize(&self, name: &str) -> Result<usize, String> {
        let v = self.i64(name);
        usize::try_from(v).map_err(|_| format!("parameter `{name}` must be >= 0, got {v}"))
    }
    pub fn bool(&self, name: &str) -> bool {
        self.get(name)
            .as_bool()
            .unwrap_or_else(|| panic!("parameter `{name}` is not a boolean"))
    }
    pub fn str(&self, name: &str) -> &str {
        self.get(name)
            .as_str()
            .unwrap_or_else(|| panic!("parameter `{name}` is not a string"))
    }
    pub fn strs(&self, name: &str) -> Vec<String> {
        match self.get(name) {
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => panic!("parameter `{name}` is not a list of strings"),
        }
    }
    pub fn f64s(&self, name: &str) -> Vec<f64> {
        match self.get(name) {
            Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
            _ => panic!("parameter `{name}` is not a list of numbers"),
        }
    }
    pub fn json(&self, name: &str) -> &Value {
        self.get(name)
    }
    /// The index of the component a [`Kind::Component`] parameter names, and that name; `None`
    /// when the parameter is the empty string (no component).
    pub fn component(&self, name: &str) -> Option<(usize, String)> {
        let i = *self.components.get(name)?;
        Some((i, self.str(name).to_string()))
    }
    /// The judge a [`Kind::Judge`] parameter names: its name and its entry of the spec's
    /// `judges:` section (as the registry's judge check resolved it).
    pub fn judge(&self, name: &str) -> (&str, &Value) {
        let (n, v) = self
            .judges
            .get(name)
            .unwrap_or_else(|| panic!("parameter `{name}` is not a judge"));
        (n, v)
    }

    /// Resolve the [`Kind::Judge`] parameters of `specs` against the spec's judges (`None`: a
    /// judge whose entry has errors, reported there: the reward is not built, and no second
    /// error is given here).
    pub(crate) fn resolve_judges(
        &mut self,
        specs: &'static [ParamSpec],
        judges: &IndexMap<String, Option<std::sync::Arc<Value>>>,
    ) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        let mut invalid = false;
        for p in specs.iter().filter(|p| p.kind == Kind::Judge) {
            let name = self.str(p.name).to_string();
            match judges.get(&name) {
                Some(Some(v)) => {
                    self.judges.insert(p.name, (name, v.clone()));
                }
                Some(None) => invalid = true,
                None if judges.is_empty() => errors.push(format!(
                    "parameter `{}` names judge `{name}`, but the spec has no `judges:` section",
                    p.name
                )),
                None => errors.push(format!(
                    "parameter `{}` names judge `{name}`, which `judges:` does not define (judges: {})",
                    p.name,
                    judges.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            }
        }
        if errors.is_empty() && !invalid {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The components a [`Kind::ComponentList`] parameter names, each as its index and name, in
    /// the order given.
    pub fn component_list(&self, name: &str) -> Vec<(usize, String)> {
        self.component_lists
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("parameter `{name}` is not a list of components"))
    }
    /// All component indices this reward reads (its dependencies).
    pub fn component_indices(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.components.values().copied().collect();
        for list in self.component_lists.values() {
            for &(i, _) in list {
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        v
    }
    /// The resolved values, defaults included (for `plaudit check`).
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SPECS: &[ParamSpec] = &[
        ParamSpec::new("max_len", Kind::Int, "100", "max"),
        ParamSpec::new(
            "unit",
            Kind::Enum(&["tokens", "chars"]),
            "\"tokens\"",
            "unit",
        ),
        ParamSpec::new("scale", Kind::Float, "1.0", "scale"),
        ParamSpec::new("gate", Kind::Component, "\"correct\"", "gate"),
    ];

    #[test]
    fn defaults_and_given_values() {
        let p = Params::from_json(SPECS, &json!({"max_len": 50.0}), &["correct"]).unwrap();
        assert_eq!(p.i64("max_len"), 50);
        assert_eq!(p.str("unit"), "tokens");
        assert_eq!(p.f64("scale"), 1.0);
        assert_eq!(p.component("gate"), Some((0, "correct".to_string())));
        let none = Params::from_json(SPECS, &json!({"gate": ""}), &[]).unwrap();
        assert_eq!(none.component("gate"), None);
    }

    #[test]
    fn errors_list_what_is_valid() {
        let e = Params::from_json(
            SPECS,
            &json!({"max_lenn": 1, "unit": "bytes", "scale": "x", "max_len": 1.5}),
            &["other"],
        )
        .unwrap_err();
        assert_eq!(
            e,
            vec![
                "unknown parameter `max_lenn` (valid: max_len, unit, scale, gate)",
                "parameter `max_len`: expected an integer, got a number",
                "parameter `unit`: `bytes` is not one of: tokens, chars",
                "parameter `scale`: expected a number, got a string",
                "parameter `gate` names component `correct`, which this spec does not define",
            ]
        );
    }

    static LIST: &[ParamSpec] = &[
        ParamSpec::new("of", Kind::ComponentList, "[\"a\", \"c\"]", "objectives"),
        ParamSpec::new("gate", Kind::Component, "\"c\"", "gate"),
    ];

    #[test]
    fn component_lists_resolve_every_name() {
        let p = Params::from_json(LIST, &Value::Null, &["a", "b", "c"]).unwrap();
        assert_eq!(
            p.component_list("of"),
            vec![(0, "a".to_string()), (2, "c".to_string())]
        );
        // Dependencies: each component once.
        assert_eq!(p.component_indices(), vec![2, 0]);
        // A single name is a list of one.
        let one = Params::from_json(LIST, &json!({"of": "b"}), &["a", "b", "c"]).unwrap();
        assert_eq!(one.component_list("of"), vec![(1, "b".to_string())]);
        let e = Params::from_json(LIST, &json!({"of": ["a", "zz"]}), &["a", "c"]).unwrap_err();
        assert_eq!(
            e,
            vec!["parameter `of` names component `zz`, which this spec does not define"]
        );
        let e = Params::from_json(LIST, &json!({"of": [1]}), &["a", "c"]).unwrap_err();
        assert_eq!(
            e,
            vec!["parameter `of`: expected a list of component names, got a list"]
        );
    }

    static RANGED: &[ParamSpec] = &[
        ParamSpec::new("n", Kind::Int, "1", "n").min(1.0),
        ParamSpec::new("t", Kind::Float, "1.0", "t").above(0.0),
        ParamSpec::new("p", Kind::Float, "0.5", "p").range(0.0, 1.0),
        ParamSpec::new("d", Kind::Float, "1.0", "d")
            .above(0.0)
            .max(1.0),
        ParamSpec::new("q", Kind::Float, "0.0", "q")
            .min(0.0)
            .below(1.0),
        ParamSpec::new("m", Kind::Float, "0.0", "m").max(0.0),
    ];

    #[test]
    fn declared_ranges_are_checked_and_described() {
        assert!(Params::from_json(RANGED, &Value::Null, &[]).is_ok());
        let ok = json!({"n": 5, "t": 0.1, "p": 1.0, "d": 1.0, "q": 0.0, "m": -2.0});
        assert!(Params::from_json(RANGED, &ok, &[]).is_ok());
        let bad = json!({"n": 0, "t": 0.0, "p": 1.5, "d": 0.0, "q": 1.0, "m": 0.5});
        assert_eq!(
            Params::from_json(RANGED, &bad, &[]).unwrap_err(),
            vec![
                "parameter `n` must be ≥ 1, got 0",
                "parameter `t` must be > 0, got 0",
                "parameter `p` must be in [0, 1], got 1.5",
                "parameter `d` must be in (0, 1], got 0",
                "parameter `q` must be in [0, 1), got 1",
                "parameter `m` must be ≤ 0, got 0.5",
            ]
        );
        // A type error is reported as such, not as a range error.
        assert_eq!(
            Params::from_json(RANGED, &json!({"n": "x"}), &[]).unwrap_err(),
            vec!["parameter `n`: expected an integer, got a string"]
        );
        let described: Vec<String> = RANGED.iter().map(ParamSpec::describe).collect();
        assert_eq!(
            described,
            vec![
                "an integer ≥ 1",
                "a number > 0",
                "a number in [0, 1]",
                "a number in (0, 1]",
                "a number in [0, 1)",
                "a number ≤ 0",
            ]
        );
        assert_eq!(SPECS[0].describe(), "an integer");
    }
}
