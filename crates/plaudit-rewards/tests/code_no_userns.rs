//! A machine without user namespaces (simulated through plaudit-sandbox's switch, in a test binary
//! of its own since the shared sandbox keeps its first outcome): code samples fail with `error`
//! and the sandbox's reason, nothing runs; `isolation: weak`, chosen in the spec, runs.

use plaudit_core::{Engine, Spec, Status};
use serde_json::json;

#[test]
fn no_namespaces_is_an_error_unless_weak_is_chosen() {
    std::env::set_var(plaudit_sandbox::SIMULATE_NO_USERNS_ENV, "1");
    let reg = plaudit_rewards::registry();
    let sample = json!({"task": "code", "response": "```python\ndef f(x):\n    return x\n```", "reference": {"tests": ["assert f(1) == 1"]}});
    let full = Engine::new(plaudit_rewards::default_spec(&reg));
    let r = full.score_values(vec![sample.clone()]).unwrap();
    assert_eq!((r[0].reward, r[0].status), (0.0, Status::Error));
    let msg = r[0].error.as_deref().unwrap();
    assert!(
        msg.starts_with("component `correct` (code_pass): the sandbox cannot be created: full isolation is unavailable: user namespaces are disabled"),
        "{msg}"
    );
    let weak = Engine::new(
        Spec::from_text(
            "routes:\n  code:\n    timeout_ms: 30000\n    components:\n      correct: {reward: code_pass, params: {isolation: weak}}\n",
            &reg,
        )
        .unwrap(),
    );
    let r = weak.score_values(vec![sample]).unwrap();
    assert_eq!(
        (r[0].reward, r[0].status),
        (1.0, Status::Ok),
        "{:?}",
        r[0].error
    );
}
