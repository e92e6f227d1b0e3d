//! The tokens of LaTeX commands (`src/lexer.rs`). Written from the first, partial cargo-mutants
//! run over `src/lexer.rs` (docs/MUTANTS.md).

mod common;

use plaudit_deadline::Ticker;
use plaudit_math::lexer::{lex, Tok};
use plaudit_math::Limits;

fn tokens(s: &str) -> Vec<Tok> {
    let d = common::deadline();
    let ticker = Ticker::new(&d, 64);
    lex(s, &Limits::default(), &ticker).unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

#[test]
fn greek_letters_are_identifiers_and_unknown_commands_words() {
    // `\alpha` is a variable; `\foo` (no function, no Greek letter) is a word.
    assert_eq!(tokens("\\alpha"), vec![Tok::Ident("alpha".into())]);
    assert_eq!(tokens("\\vartheta"), vec![Tok::Ident("vartheta".into())]);
    assert_eq!(tokens("\\foo"), vec![Tok::Word("foo".into())]);
    assert_eq!(tokens("\\because"), vec![Tok::Word("because".into())]);
}
