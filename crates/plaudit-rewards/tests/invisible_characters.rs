//! Invisible characters are no content: a reply of zero-width spaces or Hangul fillers (letters
//! to Unicode, blank on screen) is a master key, as a reply of spaces is.

mod common;

use common::{details, one, value};
use serde_json::json;

#[test]
fn master_key_guard_sees_through_invisible_characters() {
    // Each of these shows nothing, or only an opener: the guard gives 0 and names the kind.
    for (response, kind) in [
        ("\u{3164}", "empty"),
        ("\u{ffa0}\u{115f}\u{1160}", "empty"),
        ("\u{200b}\u{feff}\u{2060}", "empty"),
        ("\u{2800}", "empty"),
        ("\u{3164}:\u{200b}", "punctuation"),
        ("Thought process:\u{3164}", "opener"),
        ("Solu\u{200b}tion:", "opener"),
    ] {
        let o = one("master_key_guard", json!({}), json!({"response": response}));
        assert_eq!(value(&o), 0.0, "{response:?}");
        assert_eq!(details(&o)["kind"], json!(kind), "{response:?}");
    }
    // Visible content among invisible characters passes.
    let o = one(
        "master_key_guard",
        json!({}),
        json!({"response": "\u{3164}72\u{200b}"}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o), &json!({"master_key": false}));
}
