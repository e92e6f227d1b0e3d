//! Property tests over the whole catalogue: no response or reference can panic a reward, every
//! value is finite, and adversarial sizes finish within the deadline (or report `timeout`).

use std::time::{Duration, Instant};

use plaudit_core::{Ctx, Deadline, Reward, Sample, Status};
use proptest::prelude::*;
use serde_json::{json, Value};

mod peer;
use peer::Peer;

/// A reward by name, built, with the component values it reads.
type Built = (&'static str, std::sync::Arc<dyn Reward>, Vec<Option<f64>>);

/// Every reward built with the parameters and component values of its first documented example.
fn rewards() -> Vec<Built> {
    plaudit_rewards::all()
        .into_iter()
        .map(|info| {
            let ex = info.doc().examples().unwrap().into_iter().next().unwrap();
            // A model-backed reward asks the test peer (its unscripted verdicts).
            let ex = match ex.get("judges") {
                Some(_) => PEER.get_or_init(|| Peer::start(&[])).runnable(&ex),
                None => ex,
            };
            let (reward, values) = info.build_example(&ex).unwrap();
            (info.name, reward, values)
        })
        .collect()
}

/// [`rewards`], built once for this test process: building the catalogue (every reward's
/// documented example parsed and built) costs about as much as scoring one sample with all of
/// them, so rebuilding it for each of the property test's cases doubled its time.
fn built() -> &'static [Built] {
    static BUILT: std::sync::OnceLock<Vec<Built>> = std::sync::OnceLock::new();
    BUILT.get_or_init(rewards)
}

/// The test peer for the model-backed rewards, started once for this test process (it exits
/// with it: `--exit-with-stdin`).
static PEER: std::sync::OnceLock<Peer> = std::sync::OnceLock::new();

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 .,:()]{0,40}",
        prop::sample::select(vec![
            "<think>",
            "</think>",
            "<answer>",
            "</answer>",
            "\\boxed{",
            "}",
            "{",
            "\\fbox",
            "$",
            "$$",
            "The answer is ",
            "Answer:",
            "####",
            "\n",
            "(B)",
            "A",
            "wait",
            "let me",
            "é",
            "\u{0}",
            "\u{feff}",
        ])
        .prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..12).prop_map(|v| v.concat())
}

fn reference() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::from),
        prop::collection::vec(text(), 0..3).prop_map(|v| json!(v)),
        text().prop_map(|t| json!({"answer": t})),
        any::<i64>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!({"tests": []})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_input_panics_any_reward(response in text(), reference in reference(), tokens in prop::option::of(0u64..100_000)) {
        let sample = Sample { response, reference, tokens, ..Default::default() };
        let d = Deadline::after(Duration::from_secs(5));
        for (name, r, values) in built() {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.score(&sample, &Ctx::new(&d, values))));
            prop_assert!(out.is_ok(), "{} panicked on {:?}", name, sample);
            if let Ok(Ok(s)) = out {
                prop_assert!(s.value.is_finite(), "{} gave {} on {:?}", name, s.value, sample);
            }
        }
    }
}

/// 10 MB inputs: each reward answers with a value or a status, never a late verdict, and a
/// reward whose work outlasts its deadline stops at its checks rather than finishing the work.
///
/// No wall time is asserted (a loaded machine is many times slower than a quiet one). The
/// relation checked instead, relative to the deadline: when the work needs more than a 1 s
/// budget (the budgeted run is `timeout`), the same call under an already-expired deadline
/// spends less than half that budget of this thread's CPU time, the work it does before its
/// first check, which the machine's load does not change.
#[test]
fn huge_inputs_stop_at_the_deadline() {
    let big = format!(
        "<think>{}</think><answer>{}</answer>",
        "wait let me see 1 2 3 ".repeat(200_000),
        "x ".repeat(1 << 20)
    );
    let reference = json!("the cat sat on the mat ".repeat(100_000));
    let sample = Sample {
        response: big,
        reference,
        tokens: Some(3_000_000),
        ..Default::default()
    };
    let timed = |r: &dyn Reward, values: &[Option<f64>], budget: Duration| {
        let d = Deadline::after(budget);
        let t = Instant::now();
        let out = r.score(&sample, &Ctx::new(&d, values));
        (out, t.elapsed())
    };
    const BUDGET: Duration = Duration::from_secs(1);
    let mut stopped = 0;
    // A model-backed reward's work is the judge's; its calls' bound by the deadline is tested
    // against the peer (`judge_llm.rs`: a judge past the deadline is `timeout`).
    for (name, r, values) in rewards().into_iter().filter(|(_, r, _)| !r.io()) {
        let (out, budgeted) = timed(&*r, &values, BUDGET);
        if let Err(f) = &out {
            assert!(
                matches!(
                    f.status,
                    Status::Timeout | Status::NoAnswer | Status::InvalidInput
                ),
                "{name}: {f:?}"
            );
        }
        if matches!(&out, Err(f) if f.status == Status::Timeout) {
            stopped += 1;
            let expired = (0..2)
                .map(|_| {
                    let cpu = thread_cpu();
                    let (out, _) = timed(&*r, &values, Duration::ZERO);
                    assert_eq!(out.err().map(|f| f.status), Some(Status::Timeout), "{name}");
                    thread_cpu() - cpu
                })
                .min()
                .unwrap();
            assert!(
                expired * 2 < BUDGET,
                "{name} did not stop at an expired deadline: {expired:?} of CPU, for a \
                 {BUDGET:?} budget (the budgeted run took {budgeted:?})"
            );
        } else {
            // Finished within its budget: the verdict must not depend on the deadline.
            let (again, _) = timed(&*r, &values, Duration::from_secs(600));
            assert_eq!(
                format!("{:?}", again.map(|s| s.value)),
                format!("{:?}", out.map(|s| s.value)),
                "{name}"
            );
        }
    }
    assert!(stopped > 0, "some reward must have work beyond 1 s here");
}

/// CPU time this thread has used: the work a call did, whatever else the machine runs.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write to; CLOCK_THREAD_CPUTIME_ID exists on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
