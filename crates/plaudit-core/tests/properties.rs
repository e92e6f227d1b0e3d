//! Property tests: no input line can panic the engine, and N lines always give N results.

use std::sync::Arc;

use plaudit_core::engine::LineReader;
use plaudit_core::expr::Expr;
use plaudit_core::{
    Ctx, Engine, Outcome, Params, Registry, Reward, RewardInfo, Sample, Score, Spec,
};
use proptest::prelude::*;
use serde_json::json;

struct Len;
impl Reward for Len {
    fn score(&self, s: &Sample, _cx: &Ctx) -> Outcome {
        Ok(Score::new(s.response.len() as f64))
    }
}

fn engine() -> Engine {
    let mut r = Registry::new();
    r.add(RewardInfo {
        name: "len",
        family: "test",
        source: "//! Test.",
        params: &[],
        build: |_p: &Params| Ok(Arc::new(Len) as Arc<dyn Reward>),
    });
    let spec = json!({"components": {"l": "len"}, "reward": "l / (l - 3)", "group": "grpo"});
    Engine::new(Spec::from_value(&spec, &r).unwrap())
}

/// JSON-ish lines: real samples, near-samples and junk.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<Vec<u8>>(),
        "[ -~]{0,60}".prop_map(String::into_bytes),
        (
            any::<String>(),
            prop::option::of(any::<i64>()),
            any::<bool>()
        )
            .prop_map(|(r, g, b)| {
                let mut v = json!({"response": r});
                if let Some(g) = g {
                    v["group"] = json!(g % 3);
                }
                if b {
                    v["tokens"] = json!(r.len());
                }
                serde_json::to_vec(&v).unwrap()
            }),
        prop::sample::select(vec![
            b"{}".to_vec(),
            b"null".to_vec(),
            b"{\"response\": null}".to_vec(),
            b"{\"response\": [1, 2]}".to_vec(),
            b"{\"response\": \"x\", \"meta\": 3}".to_vec(),
            b"{\"response\": \"x\"".to_vec(),
            b"\xff\xfe".to_vec(),
        ]),
    ]
    .prop_map(|mut l: Vec<u8>| {
        l.retain(|&b| b != b'\n');
        l
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_line_gets_exactly_one_result(lines in prop::collection::vec(line(), 0..40)) {
        let mut data = Vec::new();
        for l in &lines {
            data.extend_from_slice(l);
            data.push(b'\n');
        }
        let inputs = LineReader::new(&data[..], 1 << 20).next_chunk(1000).unwrap();
        prop_assert_eq!(inputs.len(), lines.len());
        let out = engine().score_batch(&inputs).unwrap();
        prop_assert_eq!(out.len(), lines.len());
        for r in &out {
            prop_assert!(r.reward.is_finite());
            prop_assert!(r.advantage.unwrap().is_finite());
            prop_assert_eq!(r.status == plaudit_core::Status::Ok, r.error.is_none());
            serde_json::to_string(r).unwrap();
        }
    }

    #[test]
    fn expression_parser_never_panics(src in "[a-z0-9+*/()<>=!,. -]{0,80}") {
        let names = vec!["a".to_string(), "b".to_string()];
        if let Ok(e) = Expr::parse(&src, &names) {
            let _ = e.eval(&[Some(1.0), Some(0.0)]);
        }
    }
}
