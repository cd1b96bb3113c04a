//! Validation of the bot's request bodies against Discord's own OpenAPI
//! description (the trimmed copy in `tests/fixtures/discord/`), so a body that
//! real Discord would refuse with `50035 Invalid Form Body` fails the test.
//!
//! The vendored spec doubles as the route table: a request is "to a known
//! route" when its path matches one of the spec's path templates and the spec
//! describes that method. Validators are compiled once per process and
//! operation, on first use.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Validator;
use serde_json::Value;

const SPEC: &str = include_str!("../../fixtures/discord/openapi.trimmed.json");

/// What the spec says about one request's body.
#[derive(Debug)]
pub enum Verdict {
    /// No served operation matches this method and path.
    UnknownRoute,
    /// The operation takes no JSON body.
    NoBodySchema,
    Valid,
    /// One line per validation error: `instance path: message`.
    Invalid(Vec<String>),
}

/// Validates `body` as the JSON request body of `method path`, where `path` is
/// the part after `/api/v10` (e.g. `/channels/1/messages`).
pub fn validate_request(method: &str, path: &str, body: &Value) -> Verdict {
    let Some((template, method)) = find_operation(method, path) else {
        return Verdict::UnknownRoute;
    };
    let Some(op) = compiled(&template, &method) else {
        return Verdict::NoBodySchema;
    };
    let errors = op.errors(body);
    if errors.is_empty() {
        Verdict::Valid
    } else {
        Verdict::Invalid(errors)
    }
}

/// Compiled operations by (path template, method); `None`: no JSON body.
type OperationCache = HashMap<(String, String), Option<Arc<Operation>>>;

struct Spec {
    doc: Value,
    cache: Mutex<OperationCache>,
}

fn spec() -> &'static Spec {
    static SPEC_CELL: OnceLock<Spec> = OnceLock::new();
    SPEC_CELL.get_or_init(|| Spec {
        doc: serde_json::from_str(SPEC).expect("the vendored OpenAPI fixture is valid JSON"),
        cache: Mutex::new(HashMap::new()),
    })
}

/// The spec's path template and lower-case method for a request, if served.
fn find_operation(method: &str, path: &str) -> Option<(String, String)> {
    let method = method.to_ascii_lowercase();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let paths = spec().doc["paths"].as_object()?;
    paths.iter().find_map(|(template, item)| {
        let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
        let matches = parts.len() == segments.len()
            && parts.iter().zip(&segments).all(|(part, segment)| {
                (part.starts_with('{') && !segment.is_empty()) || part == segment
            });
        (matches && item.get(&method).is_some()).then(|| (template.clone(), method.clone()))
    })
}

/// The compiled body validators of one operation, or `None` without a JSON body.
fn compiled(template: &str, method: &str) -> Option<Arc<Operation>> {
    let key = (template.to_owned(), method.to_owned());
    let mut cache = spec().cache.lock().expect("OpenAPI cache lock");
    cache
        .entry(key)
        .or_insert_with(|| Operation::compile(template, method).map(Arc::new))
        .clone()
}

/// Validators for one operation's JSON request body. For a union body (the
/// interaction callback, webhook execution), each branch is also compiled on
/// its own, so a failure names the branch the body meant rather than only
/// "not valid under any of the schemas".
struct Operation {
    whole: Validator,
    branches: Vec<Branch>,
}

struct Branch {
    name: String,
    /// The values of `type` this branch accepts, when it has such an enum.
    discriminator: Vec<i64>,
    validator: Validator,
}

impl Operation {
    fn compile(template: &str, method: &str) -> Option<Self> {
        let doc = &spec().doc;
        let schema = doc["paths"][template][method]
            .pointer("/requestBody/content/application~1json/schema")?
            .clone();
        let whole = validator(&schema);
        let union = schema.get("anyOf").or_else(|| schema.get("oneOf"));
        let branches = union
            .and_then(Value::as_array)
            .map(|branches| {
                branches
                    .iter()
                    .map(|branch| {
                        let reference = branch["$ref"].as_str().unwrap_or_default();
                        let name = reference.rsplit('/').next().unwrap_or_default().to_owned();
                        let discriminator = doc["components"]["schemas"][&name]
                            .pointer("/properties/type/enum")
                            .and_then(Value::as_array)
                            .map(|values| values.iter().filter_map(Value::as_i64).collect())
                            .unwrap_or_default();
                        Branch {
                            name,
                            discriminator,
                            validator: validator(branch),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Self { whole, branches })
    }

    fn errors(&self, body: &Value) -> Vec<String> {
        let errors = list_errors(&self.whole, body);
        if errors.is_empty() || self.branches.is_empty() {
            return errors;
        }
        // A union failed: report the branch the body's `type` selects, or
        // every branch when nothing selects one.
        let kind = body.get("type").and_then(Value::as_i64);
        let chosen: Vec<&Branch> = match kind {
            Some(kind)
                if self
                    .branches
                    .iter()
                    .any(|b| b.discriminator.contains(&kind)) =>
            {
                self.branches
                    .iter()
                    .filter(|b| b.discriminator.contains(&kind))
                    .collect()
            }
            _ => self.branches.iter().collect(),
        };
        chosen
            .into_iter()
            .flat_map(|branch| {
                list_errors(&branch.validator, body)
                    .into_iter()
                    .map(move |e| format!("[as {}] {e}", branch.name))
            })
            .collect()
    }
}

/// A validator for `schema` whose `#/components/...` references resolve
/// against the vendored spec's components.
fn validator(schema: &Value) -> Validator {
    let mut root = schema.clone();
    root["components"] = spec().doc["components"].clone();
    jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("the vendored OpenAPI schema does not compile: {e}"))
}

fn list_errors(validator: &Validator, body: &Value) -> Vec<String> {
    validator
        .iter_errors(body)
        .map(|error| {
            let mut line = String::new();
            let _ = write!(line, "{}: {error}", error.instance_path());
            // Errors quote the offending value: keep a 300-char title readable.
            if line.len() > 400 {
                let cut = (0..=400)
                    .rev()
                    .find(|&i| line.is_char_boundary(i))
                    .unwrap_or(0);
                line.truncate(cut);
                line.push_str("...");
            }
            line
        })
        .collect()
}
