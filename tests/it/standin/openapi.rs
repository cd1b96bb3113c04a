//! Validation of the bot's request bodies against Discord's own OpenAPI
//! description (the trimmed copy in `tests/fixtures/discord/`), so a body that
//! real Discord would refuse with `50035 Invalid Form Body` fails the test.
//!
//! The stand-in's own answers are checked against the spec's response schemas
//! too, so they carry every field Discord always sends and the bot meets
//! Discord-shaped data.
//!
//! The vendored spec doubles as the route table: a request is "to a known
//! route" when its path matches one of the spec's path templates and the spec
//! describes that method. Validators are compiled once per process and
//! schema, on first use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
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
    let pointer = "/requestBody/content/application~1json/schema";
    check(&template, &method, pointer, body)
}

/// Validates `body` as the JSON answer with `status` to `method path`.
pub fn validate_response(method: &str, path: &str, status: u16, body: &Value) -> Verdict {
    let Some((template, method)) = find_operation(method, path) else {
        return Verdict::UnknownRoute;
    };
    let pointer = format!("/responses/{status}/content/application~1json/schema");
    check(&template, &method, &pointer, body)
}

fn check(template: &str, method: &str, pointer: &str, body: &Value) -> Verdict {
    let Some(schema) = compiled(template, method, pointer) else {
        return Verdict::NoBodySchema;
    };
    let errors = schema.errors(body);
    if errors.is_empty() {
        Verdict::Valid
    } else {
        Verdict::Invalid(errors)
    }
}

/// Compiled schemas by (path template, method, pointer into the operation);
/// `None`: the operation has no JSON schema there.
type OperationCache = HashMap<(String, String, String), Option<Arc<Operation>>>;

struct Spec {
    doc: Value,
    cache: Mutex<OperationCache>,
}

fn spec() -> &'static Spec {
    static SPEC_CELL: OnceLock<Spec> = OnceLock::new();
    SPEC_CELL.get_or_init(|| {
        let mut doc: Value =
            serde_json::from_str(SPEC).expect("the vendored OpenAPI fixture is valid JSON");
        accept_string_permissions(&mut doc);
        Spec {
            doc,
            cache: Mutex::new(HashMap::new()),
        }
    })
}

/// The one place the spec is stricter than Discord: it types a command's
/// `default_member_permissions` as an integer in requests, but Discord
/// documents it as a `?string` bit set, answers it as a string (see
/// `ApplicationCommandResponse` in the same spec) and accepts the string
/// serenity sends. So a string of decimal digits is accepted there, and
/// nothing else is loosened.
fn accept_string_permissions(doc: &mut Value) {
    for schema in [
        "ApplicationCommandCreateRequest",
        "ApplicationCommandPatchRequestPartial",
        "ApplicationCommandUpdateRequest",
    ] {
        let field =
            &mut doc["components"]["schemas"][schema]["properties"]["default_member_permissions"];
        if field.is_object() {
            *field = serde_json::json!({
                "anyOf": [field.clone(), {"type": "string", "pattern": "^[0-9]{1,20}$"}]
            });
        }
    }
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
fn compiled(template: &str, method: &str, pointer: &str) -> Option<Arc<Operation>> {
    let key = (template.to_owned(), method.to_owned(), pointer.to_owned());
    let mut cache = spec().cache.lock().expect("OpenAPI cache lock");
    cache
        .entry(key)
        .or_insert_with(|| Operation::compile(template, method, pointer).map(Arc::new))
        .clone()
}

/// The validator of one JSON body schema of an operation.
struct Operation {
    validator: Validator,
}

impl Operation {
    fn compile(template: &str, method: &str, pointer: &str) -> Option<Self> {
        let schema = spec().doc["paths"][template][method].pointer(pointer)?;
        let mut root = schema.clone();
        // `#/components/...` references resolve against the spec's components.
        root["components"] = spec().doc["components"].clone();
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("the vendored OpenAPI schema does not compile: {e}"));
        Some(Self { validator })
    }

    fn errors(&self, body: &Value) -> Vec<String> {
        let mut lines = Vec::new();
        for error in self.validator.iter_errors(body) {
            explain(&error, &mut lines);
        }
        lines
    }
}

/// One line per error, `instance path: message`. A failed union (`oneOf`,
/// `anyOf`: message components, callback types, nullable fields) only says
/// "not valid under any of the schemas", so it is explained by the errors of
/// the branches the value meant: those not refused outright for their type or
/// for their `type` discriminator.
fn explain(error: &ValidationError<'_>, lines: &mut Vec<String>) {
    let (ValidationErrorKind::OneOfNotValid { context: branches }
    | ValidationErrorKind::AnyOf { context: branches }) = error.kind()
    else {
        lines.push(line(error));
        return;
    };
    let at = error.instance_path().to_string();
    let discriminator = format!("{at}/type");
    let meant: Vec<&Vec<ValidationError<'static>>> = branches
        .iter()
        .filter(|branch| {
            !branch.iter().any(|e| {
                let path = e.instance_path().to_string();
                let whole_value = path == at
                    && matches!(
                        e.kind(),
                        ValidationErrorKind::Type { .. }
                            | ValidationErrorKind::Enum { .. }
                            | ValidationErrorKind::Constant { .. }
                    );
                let wrong_type = path == discriminator
                    && matches!(
                        e.kind(),
                        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. }
                    );
                whole_value || wrong_type
            })
        })
        .collect();
    if meant.is_empty() || meant.len() > 2 {
        lines.push(line(error));
        return;
    }
    for error in meant.into_iter().flatten() {
        explain(error, lines);
    }
}

fn line(error: &ValidationError<'_>) -> String {
    let mut line = format!("{}: {error}", error.instance_path());
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
}
