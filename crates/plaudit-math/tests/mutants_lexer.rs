//! The lexer's tokens (`src/lexer.rs`): plain text, LaTeX commands, Unicode symbols, numbers and
//! their thousands separators, `\text{}` groups, limits. Written from the survivors of the two
//! cargo-mutants runs over `src/lexer.rs` (the first cut short after 115 mutants, then the other
//! 238; docs/MUTANTS.md).

mod common;

use plaudit_deadline::Ticker;
use plaudit_math::ast::{Const, Func, Rel};
use plaudit_math::lexer::{func_named, lex, Tok};
use plaudit_math::{Limits, MathError};

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

fn lex_with(s: &str, limits: &Limits) -> Result<Vec<Tok>, MathError> {
    let d = common::deadline();
    let ticker = Ticker::new(&d, 64);
    lex(s, limits, &ticker)
}

fn num(s: &str) -> Tok {
    Tok::Num(s.into())
}

/// `\frac{p}{q}`'s tokens.
fn frac(p: &str, q: &str) -> Vec<Tok> {
    vec![
        Tok::Frac,
        Tok::LBrace,
        num(p),
        Tok::RBrace,
        Tok::LBrace,
        num(q),
        Tok::RBrace,
    ]
}

fn ident(s: &str) -> Tok {
    Tok::Ident(s.into())
}

fn word(s: &str) -> Tok {
    Tok::Word(s.into())
}

#[test]
fn plain_function_names_are_functions() {
    // `exp`, `sqrt`, `abs`, `floor`, `ceil` written without a backslash are functions, not words.
    assert_eq!(func_named("exp"), Some(Func::Exp));
    assert_eq!(func_named("sqrt"), Some(Func::Sqrt));
    assert_eq!(func_named("abs"), Some(Func::Abs));
    assert_eq!(func_named("floor"), Some(Func::Floor));
    assert_eq!(func_named("ceil"), Some(Func::Ceil));
    assert_eq!(func_named("foo"), None);
    assert_eq!(tokens("exp"), vec![Tok::Func(Func::Exp)]);
    assert_eq!(tokens("sqrt"), vec![Tok::Func(Func::Sqrt)]);
    assert_eq!(tokens("abs"), vec![Tok::Func(Func::Abs)]);
    assert_eq!(tokens("floor"), vec![Tok::Func(Func::Floor)]);
    assert_eq!(tokens("ceil"), vec![Tok::Func(Func::Ceil)]);
}

#[test]
fn short_units_are_words_other_pairs_products() {
    // `cm` is a unit word; `xy` (not a unit) is the product of two variables.
    assert_eq!(tokens("5 cm"), vec![num("5"), word("cm")]);
    assert_eq!(tokens("kg"), vec![word("kg")]);
    assert_eq!(tokens("xy"), vec![ident("x"), ident("y")]);
}

#[test]
fn double_backslash_before_letters_is_a_row_break_unless_a_known_command() {
    // `\\x` is a row break then `x`; `\\frac` is a doubly escaped `\frac`.
    assert_eq!(tokens("1\\\\x"), vec![num("1"), Tok::RowSep, ident("x")]);
    assert_eq!(tokens("\\\\frac"), vec![Tok::Frac]);
}

#[test]
fn text_groups_nest_four_deep_not_five() {
    // `\text{}` lexed as mathematics may nest 4 deep; the fifth level is a limit error.
    let four = "\\text{\\text{\\text{\\text{1}}}}";
    assert_eq!(tokens(four), vec![num("1")]);
    let five = "\\text{\\text{\\text{\\text{\\text{1}}}}}";
    assert!(matches!(
        lex_with(five, &Limits::default()),
        Err(MathError::Limit(_))
    ));
}

#[test]
fn answer_length_limit_is_inclusive() {
    // An answer of exactly `max_answer_len` bytes is lexed; one byte more is a limit error.
    let limits = Limits {
        max_answer_len: 5,
        ..Limits::default()
    };
    assert_eq!(
        lex_with("1+2+3", &limits),
        Ok(vec![num("1"), Tok::Plus, num("2"), Tok::Plus, num("3")])
    );
    assert!(matches!(
        lex_with("1+2+34", &limits),
        Err(MathError::Limit(_))
    ));
}

#[test]
fn thousands_separators_only_outside_brackets() {
    // Inside ( [ \{ a comma separates items; after the bracket closes, 2,345 is one number.
    assert_eq!(
        tokens("(1,234)"),
        vec![Tok::LParen, num("1"), Tok::Comma, num("234"), Tok::RParen]
    );
    assert_eq!(
        tokens("[1,234]"),
        vec![Tok::LBrack, num("1"), Tok::Comma, num("234"), Tok::RBrack]
    );
    assert_eq!(
        tokens("\\{1,234\\}"),
        vec![Tok::LSet, num("1"), Tok::Comma, num("234"), Tok::RSet]
    );
    assert_eq!(
        tokens("(1) 2,345"),
        vec![Tok::LParen, num("1"), Tok::RParen, num("2345")]
    );
    assert_eq!(
        tokens("[1] 2,345"),
        vec![Tok::LBrack, num("1"), Tok::RBrack, num("2345")]
    );
    assert_eq!(tokens("2,345"), vec![num("2345")]);
}

#[test]
fn spaces_dollars_and_quotes_produce_nothing() {
    // Whitespace, `$`, `~` and quotes are skipped, not words.
    assert_eq!(tokens("$x$ \t\n\r~'\"`y"), vec![ident("x"), ident("y")]);
}

#[test]
fn one_character_operators() {
    // `*` is a product, `**` a power, `%` a percent sign, a lone `.` nothing.
    assert_eq!(tokens("2*3"), vec![num("2"), Tok::Star, num("3")]);
    assert_eq!(tokens("2**3"), vec![num("2"), Tok::Caret, num("3")]);
    assert_eq!(tokens("5%"), vec![num("5"), Tok::Percent]);
    assert_eq!(tokens("x . y"), vec![ident("x"), ident("y")]);
    assert_eq!(tokens("x?"), vec![ident("x"), word("?")]);
}

#[test]
fn two_character_relations_take_both_characters() {
    // `!=`, `==`, `<=`, `>=` are one relation each; `!`, `=`, `<`, `>` alone are themselves.
    assert_eq!(
        tokens("x!=1"),
        vec![ident("x"), Tok::Rel(Rel::Ne), num("1")]
    );
    assert_eq!(
        tokens("x==1"),
        vec![ident("x"), Tok::Rel(Rel::Eq), num("1")]
    );
    assert_eq!(
        tokens("x<=1"),
        vec![ident("x"), Tok::Rel(Rel::Le), num("1")]
    );
    assert_eq!(
        tokens("x>=1"),
        vec![ident("x"), Tok::Rel(Rel::Ge), num("1")]
    );
    assert_eq!(
        tokens("3!<x>1=y"),
        vec![
            num("3"),
            Tok::Bang,
            Tok::Rel(Rel::Lt),
            ident("x"),
            Tok::Rel(Rel::Gt),
            num("1"),
            Tok::Rel(Rel::Eq),
            ident("y")
        ]
    );
}

#[test]
fn braced_comma_is_a_comma() {
    // `{,}` (LaTeX's thousands separator) is one comma; `{,x}` is a brace group.
    assert_eq!(tokens("{,}"), vec![Tok::Comma]);
    assert_eq!(tokens("a{,}b"), vec![ident("a"), Tok::Comma, ident("b")]);
    assert_eq!(
        tokens("{,x}"),
        vec![Tok::LBrace, Tok::Comma, ident("x"), Tok::RBrace]
    );
}

#[test]
fn non_ascii_goes_to_unicode_control_characters_are_words() {
    // `π` and `≤` are read as characters; an ASCII control character is a one-character word.
    assert_eq!(tokens("π"), vec![Tok::Const(Const::Pi)]);
    assert_eq!(tokens("x≤1"), vec![ident("x"), Tok::Rel(Rel::Le), num("1")]);
    assert_eq!(tokens("x\u{1}"), vec![ident("x"), word("\u{1}")]);
}

#[test]
fn unicode_symbols_are_their_latex_tokens() {
    // Each mathematical Unicode symbol reads as the token of its LaTeX command.
    let cases: Vec<(&str, Tok)> = vec![
        ("π", Tok::Const(Const::Pi)),
        ("∞", Tok::Const(Const::Inf)),
        ("×", Tok::Star),
        ("·", Tok::Star),
        ("⋅", Tok::Star),
        ("∙", Tok::Star),
        ("÷", Tok::Slash),
        ("∕", Tok::Slash),
        ("−", Tok::Minus),
        ("–", Tok::Minus),
        ("—", Tok::Minus),
        ("±", Tok::Pm),
        ("∓", Tok::Pm),
        ("≤", Tok::Rel(Rel::Le)),
        ("⩽", Tok::Rel(Rel::Le)),
        ("≥", Tok::Rel(Rel::Ge)),
        ("⩾", Tok::Rel(Rel::Ge)),
        ("≠", Tok::Rel(Rel::Ne)),
        ("≈", Tok::Approx),
        ("≡", Tok::Rel(Rel::Eq)),
        ("∈", Tok::Rel(Rel::In)),
        ("∪", Tok::Cup),
        ("°", Tok::Degree),
        ("∅", Tok::EmptySet),
        ("ℝ", Tok::Reals),
        ("α", ident("alpha")),
        ("β", ident("beta")),
        ("γ", ident("gamma")),
        ("δ", ident("delta")),
        ("θ", ident("theta")),
        ("λ", ident("lambda")),
        ("μ", ident("mu")),
        ("φ", ident("phi")),
        ("ω", ident("omega")),
    ];
    for (s, t) in cases {
        assert_eq!(tokens(&format!("1{s}")), vec![num("1"), t], "{s}");
    }
}

#[test]
fn unicode_superscripts_subscripts_and_fractions_expand() {
    // A run of superscripts is one `^{…}` group (signs included), a run of subscripts one
    // `_{…}` group, and a vulgar fraction is `\frac{p}{q}` (so `3½` is a mixed number).
    let group = |mark: Tok, inner: Vec<Tok>| {
        let mut v = vec![mark, Tok::LBrace];
        v.extend(inner);
        v.push(Tok::RBrace);
        v
    };
    let after = |first: Tok, rest: Vec<Tok>| {
        let mut v = vec![first];
        v.extend(rest);
        v
    };
    assert_eq!(
        tokens("x²"),
        after(ident("x"), group(Tok::Caret, vec![num("2")]))
    );
    assert_eq!(
        tokens("x³"),
        after(ident("x"), group(Tok::Caret, vec![num("3")]))
    );
    assert_eq!(
        tokens("2¹⁰"),
        after(num("2"), group(Tok::Caret, vec![num("10")]))
    );
    assert_eq!(
        tokens("10⁻⁶"),
        after(num("10"), group(Tok::Caret, vec![Tok::Minus, num("6")]))
    );
    assert_eq!(
        tokens("x⁰⁴⁵⁶⁷⁸⁹⁺¹"),
        after(
            ident("x"),
            group(Tok::Caret, vec![num("0456789"), Tok::Plus, num("1")])
        )
    );
    assert_eq!(
        tokens("x₁₂"),
        after(ident("x"), group(Tok::Underscore, vec![num("12")]))
    );
    assert_eq!(
        tokens("a₀₃₋₊₉"),
        after(
            ident("a"),
            group(
                Tok::Underscore,
                vec![num("03"), Tok::Minus, Tok::Plus, num("9")]
            )
        )
    );
    assert_eq!(tokens("3½"), after(num("3"), frac("1", "2")));
    let fractions = [
        ("⅓", "1", "3"),
        ("⅔", "2", "3"),
        ("¼", "1", "4"),
        ("¾", "3", "4"),
        ("⅕", "1", "5"),
        ("⅖", "2", "5"),
        ("⅗", "3", "5"),
        ("⅘", "4", "5"),
        ("⅙", "1", "6"),
        ("⅚", "5", "6"),
        ("⅐", "1", "7"),
        ("⅛", "1", "8"),
        ("⅜", "3", "8"),
        ("⅝", "5", "8"),
        ("⅞", "7", "8"),
        ("⅑", "1", "9"),
        ("⅒", "1", "10"),
    ];
    for (c, p, q) in fractions {
        assert_eq!(tokens(c), frac(p, q), "{c}");
    }
}

#[test]
fn a_unicode_superscript_run_is_bounded_by_the_digit_limit() {
    // As a written number: more superscript digits than `max_digits` is a limit error.
    let limits = Limits {
        max_digits: 3,
        ..Limits::default()
    };
    let d = common::deadline();
    let ticker = Ticker::new(&d, 64);
    assert!(lex("x¹²³", &limits, &ticker).is_ok());
    match lex("x¹²³⁴", &limits, &ticker) {
        Err(MathError::Limit(m)) => assert_eq!(m, "number with 4 digits (max 3)"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_radical_sign_takes_the_whole_number_after_it() {
    // `√16` is the root of 16 (not √1·6 as LaTeX's `\sqrt16`), spaces allowed; `∛` and `∜`
    // carry their index; before anything but a number the sign is `\sqrt` alone.
    let root = |index: Option<&str>, n: &str| {
        let mut v = vec![Tok::Sqrt];
        if let Some(k) = index {
            v.extend([Tok::LBrack, num(k), Tok::RBrack]);
        }
        v.extend([Tok::LBrace, num(n), Tok::RBrace]);
        v
    };
    assert_eq!(tokens("√16"), root(None, "16"));
    assert_eq!(tokens("√  144"), root(None, "144"));
    assert_eq!(tokens("√2.25"), root(None, "2.25"));
    assert_eq!(tokens("√.25"), root(None, ".25"));
    assert_eq!(tokens("∛27"), root(Some("3"), "27"));
    assert_eq!(tokens("∜81"), root(Some("4"), "81"));
    assert_eq!(tokens("√x"), vec![Tok::Sqrt, ident("x")]);
    assert_eq!(
        tokens("∛(x)"),
        vec![
            Tok::Sqrt,
            Tok::LBrack,
            num("3"),
            Tok::RBrack,
            Tok::LParen,
            ident("x"),
            Tok::RParen
        ]
    );
    assert_eq!(tokens("2⁄3"), vec![num("2"), Tok::Slash, num("3")]);
}

#[test]
fn unicode_spaces_and_other_symbols_produce_nothing() {
    // No-break, thin and zero-width spaces and unknown symbols outside mathematics (`★`, `🙂`)
    // are skipped; an arrow is a word, as `\to` is.
    assert_eq!(
        tokens("x\u{a0}\u{2009}\u{202f}\u{200b}★🙂y"),
        vec![ident("x"), ident("y")]
    );
    assert_eq!(tokens("x→y"), vec![ident("x"), word("→"), ident("y")]);
}

#[test]
fn unicode_letters_run_into_one_word() {
    // Letters outside the known Greek ones form one word with the letters that follow.
    assert_eq!(tokens("é"), vec![word("é")]);
    assert_eq!(tokens("ñandú+1"), vec![word("ñandú"), Tok::Plus, num("1")]);
    assert_eq!(tokens("5 Ω"), vec![num("5"), word("Ω")]);
}

#[test]
fn latex_spaces_separate_thousands() {
    // `\!`, `\,` and `\ ` between digit groups are thousands separators.
    assert_eq!(tokens("1\\!234"), vec![num("1234")]);
    assert_eq!(tokens("1\\,234"), vec![num("1234")]);
    assert_eq!(tokens("1\\ 234"), vec![num("1234")]);
    assert_eq!(tokens("32,\\! 349"), vec![num("32349")]);
}

#[test]
fn thousands_groups_need_one_space_three_digits_and_a_short_lead() {
    // One space separates groups, two do not (two numbers side by side: refused); a comma then a
    // space is a list; a group of more than three digits, a lead of more than three digits or a
    // leading 0 is not a thousands group.
    assert_eq!(tokens("1 234"), vec![num("1234")]);
    assert_eq!(
        lex_with("1  234", &Limits::default()),
        Err(MathError::Parse(
            "two numbers side by side: `1` and `234`".into()
        ))
    );
    assert_eq!(tokens("1, 234"), vec![num("1"), Tok::Comma, num("234")]);
    assert_eq!(tokens("1,23456"), vec![num("1"), Tok::Comma, num("23456")]);
    assert_eq!(
        tokens("12345,678"),
        vec![num("12345"), Tok::Comma, num("678")]
    );
    assert_eq!(tokens("0,123"), vec![num("0"), Tok::Comma, num("123")]);
    assert_eq!(tokens("1,234,567"), vec![num("1234567")]);
}

#[test]
fn number_after_a_dot_command_has_no_thousands_groups() {
    // A number right after `\.` (a consumed dot) does not read `,234` as a thousands group.
    assert_eq!(tokens("\\.1,234"), vec![num("1"), Tok::Comma, num("234")]);
}

#[test]
fn dot_before_letters_is_not_taken_by_the_number() {
    // In `5.e3` the dot ends the number: `e3` is the variable e and 3, not an exponent.
    assert_eq!(tokens("5.e3"), vec![num("5"), ident("e"), num("3")]);
    assert_eq!(tokens("5. x"), vec![num("5"), ident("x")]);
}

#[test]
fn digit_limit_is_inclusive() {
    // A number of exactly `max_digits` digits is lexed; one digit more is a limit error.
    let limits = Limits {
        max_digits: 3,
        ..Limits::default()
    };
    assert_eq!(lex_with("123", &limits), Ok(vec![num("123")]));
    assert!(matches!(
        lex_with("1234", &limits),
        Err(MathError::Limit(_))
    ));
}

#[test]
fn plain_words_for_constants_operators_and_relations() {
    // `pi`, `cdot`, `div`, `le`, `ge`, `ne`, `lt`, `gt`, `deg`, `percent` without a backslash.
    let cases: Vec<(&str, Tok)> = vec![
        ("pi", Tok::Const(Const::Pi)),
        ("cdot", Tok::Star),
        ("times", Tok::Star),
        ("div", Tok::Slash),
        ("le", Tok::Rel(Rel::Le)),
        ("leq", Tok::Rel(Rel::Le)),
        ("ge", Tok::Rel(Rel::Ge)),
        ("geq", Tok::Rel(Rel::Ge)),
        ("ne", Tok::Rel(Rel::Ne)),
        ("neq", Tok::Rel(Rel::Ne)),
        ("lt", Tok::Rel(Rel::Lt)),
        ("gt", Tok::Rel(Rel::Gt)),
        ("degrees", Tok::Degree),
        ("degree", Tok::Degree),
        ("deg", Tok::Degree),
        ("percent", Tok::Percent),
        ("PI", Tok::Const(Const::Pi)),
    ];
    for (s, t) in cases {
        assert_eq!(tokens(&format!("1 {s}")), vec![num("1"), t], "{s}");
    }
}

#[test]
fn color_group_is_skipped() {
    // `\color{red}` takes its brace group with it: only what follows is lexed.
    assert_eq!(tokens("\\color{red}x"), vec![ident("x")]);
    assert_eq!(tokens("\\color {red} 2"), vec![num("2")]);
}

#[test]
fn brace_group_skips_escaped_braces() {
    // In `\text{=\{}` the escaped `\{` does not open a group: the group is `=\{`.
    assert_eq!(
        tokens("\\text{=\\{}x"),
        vec![Tok::Rel(Rel::Eq), Tok::LSet, ident("x")]
    );
}

#[test]
fn doubly_escaped_check_only_after_two_backslashes() {
    // `\lneq` is one unknown command (a word), not `l` and an escaped `\neq`.
    assert_eq!(tokens("\\lneq"), vec![word("lneq")]);
    assert_eq!(tokens("\\xpi"), vec![word("xpi")]);
}

#[test]
fn escaped_percent_and_bar() {
    // `\%` is a percent sign and `\|` a bar (a norm's delimiter).
    assert_eq!(tokens("5\\%"), vec![num("5"), Tok::Percent]);
    assert_eq!(tokens("\\|x\\|"), vec![Tok::Bar, ident("x"), Tok::Bar]);
}

#[test]
fn latex_commands_are_their_tokens() {
    // Each operator, relation, bracket and separator command reads as its token.
    let cases: Vec<(&str, Tok)> = vec![
        ("cdot", Tok::Star),
        ("times", Tok::Star),
        ("ast", Tok::Star),
        ("bullet", Tok::Star),
        ("lt", Tok::Rel(Rel::Lt)),
        ("gt", Tok::Rel(Rel::Gt)),
        ("equiv", Tok::Rel(Rel::Eq)),
        ("cong", Tok::Rel(Rel::Eq)),
        ("lvert", Tok::Bar),
        ("rvert", Tok::Bar),
        ("vert", Tok::Bar),
        ("mid", Tok::Bar),
        ("lfloor", Tok::LFloor),
        ("rfloor", Tok::RFloor),
        ("lceil", Tok::LCeil),
        ("rceil", Tok::RCeil),
        ("lbrace", Tok::LSet),
        ("rbrace", Tok::RSet),
        ("langle", Tok::LParen),
        ("rangle", Tok::RParen),
        ("land", Tok::Sep),
        ("wedge", Tok::Sep),
        ("lor", Tok::Sep),
        ("vee", Tok::Sep),
        ("cr", Tok::RowSep),
        ("exp", Tok::Func(Func::Exp)),
    ];
    for (s, t) in cases {
        assert_eq!(tokens(&format!("x\\{s}")), vec![ident("x"), t], "{s}");
    }
}

#[test]
fn left_dot_takes_its_dot() {
    // `\left.` is an invisible delimiter: its dot does not start the number after it.
    assert_eq!(tokens("\\left.5\\right|"), vec![num("5"), Tok::Bar]);
    assert_eq!(tokens("\\big.5"), vec![num("5")]);
}

#[test]
fn dots_commands_are_an_ellipsis() {
    // `\dots`, `\ldots`, `\cdots`, `\vdots`, `\ddots` are all the word `...`.
    for s in ["dots", "ldots", "cdots", "vdots", "ddots"] {
        assert_eq!(
            tokens(&format!("1,\\{s}")),
            vec![num("1"), Tok::Comma, word("...")],
            "{s}"
        );
    }
}

#[test]
fn array_column_specification_is_skipped_only_after_begin_array() {
    // `\begin{array}{cc}` drops its column group; other environments keep a following group.
    assert_eq!(
        tokens("\\begin{array}{cc}1&2\\end{array}{3}"),
        vec![
            Tok::Begin("array".into()),
            num("1"),
            Tok::Amp,
            num("2"),
            Tok::End("array".into()),
            Tok::LBrace,
            num("3"),
            Tok::RBrace
        ]
    );
    assert_eq!(
        tokens("\\begin{cases}{x}\\end{cases}"),
        vec![
            Tok::Begin("cases".into()),
            Tok::LBrace,
            ident("x"),
            Tok::RBrace,
            Tok::End("cases".into())
        ]
    );
}

#[test]
fn text_with_digits_or_one_character_is_mathematics() {
    // `\text{12}` and `\text{x}` are lexed as mathematics, `\text{apples and pears}` as words.
    assert_eq!(tokens("\\text{12}"), vec![num("12")]);
    assert_eq!(tokens("\\text{x}"), vec![ident("x")]);
    assert_eq!(
        tokens("\\text{apples and pears}"),
        vec![word("apples"), Tok::Sep, word("pears")]
    );
    assert_eq!(
        tokens("\\text{red or blue}"),
        vec![word("red"), Tok::Sep, word("blue")]
    );
}

#[test]
fn text_function_name_alone_is_a_function() {
    // `\text{sin}` is the sine; `\text{log scale}` (more than one word) is words.
    assert_eq!(tokens("\\text{sin}"), vec![Tok::Func(Func::Sin)]);
    assert_eq!(
        tokens("\\text{log scale}"),
        vec![word("log"), word("scale")]
    );
}

#[test]
fn a_subscript_is_read_where_it_stands() {
    // The lexer steps back over the subscript character it has just read: `y₃` after other
    // text is y_3 (only a subscript right after the first character was tested).
    assert!(common::correct("x + y_3", "x + y₃"));
    assert!(common::correct("a_{12} b_2", "a₁₂ b₂"));
}

#[test]
fn only_a_temperature_scale_after_a_degree_sign_is_a_word() {
    // `30^\circ C` is 30 (C names the scale); `2C` and `2F` are products, and a variable after
    // a degree sign is not a scale.
    assert!(common::correct("30", "30^\\circ C"));
    assert!(!common::correct("2", "2C"));
    assert!(!common::correct("2", "2F"));
    assert_eq!(tokens("30° x"), vec![num("30"), Tok::Degree, ident("x")]);
}

#[test]
fn a_bar_over_anything_but_digits_is_no_repeating_decimal() {
    // `1.\overline{x}` and `1.2\overline{3a}` are not repeating decimals: the bar is dropped and
    // its group read as written (only all-digit groups become a fraction).
    assert_eq!(
        tokens("1.\\overline{x}"),
        vec![num("1"), Tok::LBrace, ident("x"), Tok::RBrace]
    );
    assert_eq!(
        tokens("1.2\\overline{3a}"),
        vec![num("1.2"), Tok::LBrace, num("3"), ident("a"), Tok::RBrace]
    );
}

#[test]
fn a_repeating_decimal_counts_every_digit_against_the_limit() {
    // Integer, fixed and repeating digits together: 5 of 5 allowed, 6 refused.
    let limits = Limits {
        max_digits: 5,
        ..Limits::default()
    };
    assert_eq!(
        lex_with("12.3\\overline{45}", &limits).unwrap(),
        frac("12222", "990")
    );
    match lex_with("12.3\\overline{456}", &limits) {
        Err(MathError::Limit(m)) => assert_eq!(m, "number with 6 digits (max 5)"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_radical_takes_a_number_only_when_one_follows() {
    // `√x2` is √x · 2: a digit after a letter is not the radicand; `√ .5` is √0.5.
    assert_eq!(tokens("√x2"), vec![Tok::Sqrt, ident("x"), num("2")]);
    assert_eq!(
        tokens("√ .5"),
        vec![Tok::Sqrt, Tok::LBrace, num(".5"), Tok::RBrace]
    );
}

#[test]
fn a_plain_text_mixed_number_is_a_whole_number_and_a_proper_fraction() {
    // `3 1/2` is 3 + 1/2; a decimal before or inside it, a denominator going on as a decimal,
    // or a fraction that is not proper leaves two numbers side by side.
    assert_eq!(tokens("3 1/2"), [vec![num("3")], frac("1", "2")].concat());
    for (s, message) in [
        ("1.5 1/2", "two numbers side by side: `1.5` and `1`"),
        ("3 1/2.5", "two numbers side by side: `3` and `1`"),
        ("3 12/25.5", "two numbers side by side: `3` and `12`"),
        ("3 2/2", "two numbers side by side: `3` and `2`"),
    ] {
        match lex_with(s, &Limits::default()) {
            Err(MathError::Parse(m)) => assert_eq!(m, message, "{s}"),
            other => panic!("{s}: {other:?}"),
        }
    }
}

#[test]
fn a_dropped_modulus_bracket_closes_its_depth() {
    // `(mod 7)` goes whole, bracket included: a number after it is outside any bracket, so
    // its comma is a thousands separator.
    assert_eq!(
        tokens("x (mod 7) + 2,345"),
        vec![ident("x"), Tok::Plus, num("2345")]
    );
}

#[test]
fn a_modulus_goes_with_the_spaces_around_it() {
    // `\pmod 7`, `\pmod~7` and `(mod 7 )`: the modulus, the spaces or ties before it and the
    // spaces before the closing bracket all go.
    assert_eq!(tokens("x \\pmod 7"), vec![ident("x")]);
    assert_eq!(tokens("x \\pmod~7"), vec![ident("x")]);
    assert_eq!(
        tokens("x (mod 7 ) + 1"),
        vec![ident("x"), Tok::Plus, num("1")]
    );
}

#[test]
fn plus_minus_and_negative_are_signs_in_words() {
    // "3 plus 4", "5 minus 2", "negative 5" (any case) are the signs they name.
    assert_eq!(tokens("3 plus 4"), vec![num("3"), Tok::Plus, num("4")]);
    assert_eq!(tokens("5 Minus 2"), vec![num("5"), Tok::Minus, num("2")]);
    assert_eq!(tokens("negative 5"), vec![Tok::Minus, num("5")]);
}

#[test]
fn only_letters_around_a_slash_in_text_are_a_unit() {
    // `\text{km/h}` is a unit; `\text{m/2}` is mathematics written in text mode, m/2.
    assert_eq!(tokens("\\text{km/h}"), vec![Tok::Word("km/h".into())]);
    assert_eq!(
        tokens("\\text{m/2}"),
        vec![ident("m"), Tok::Slash, num("2")]
    );
}
