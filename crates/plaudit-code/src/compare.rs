//! Judging a program's standard output against the expected output, the way competitive
//! programming judges do: as sequences of whitespace-separated tokens.

/// A number token: digits with an optional sign, point and exponent (no `inf`, `nan`, hex).
fn number(token: &[u8]) -> Option<f64> {
    if !token
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        || !token.iter().any(u8::is_ascii_digit)
    {
        return None;
    }
    std::str::from_utf8(token).ok()?.parse::<f64>().ok()
}

/// Whether `got` matches `expected`: the same whitespace-separated tokens (so spacing, line ends
/// and trailing blank lines do not matter), each equal byte for byte, or — when `tolerance` is
/// given and both tokens are numbers — within it, absolutely or relatively
/// (`|g − e| ≤ tol` or `|g − e| ≤ tol·|e|`).
pub fn outputs_match(got: &[u8], expected: &[u8], tolerance: Option<f64>) -> bool {
    let mut g = got.split(u8::is_ascii_whitespace).filter(|t| !t.is_empty());
    let mut e = expected
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty());
    loop {
        match (g.next(), e.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                let Some(tol) = tolerance else { return false };
                match (number(a), number(b)) {
                    (Some(x), Some(y)) if x.is_finite() && y.is_finite() => {
                        let d = (x - y).abs();
                        if !(d <= tol || d <= tol * y.abs()) {
                            return false;
                        }
                    }
                    _ => return false,
                }
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_ignored_between_tokens() {
        assert!(outputs_match(b"1 2 3\n", b"1 2 3", None));
        assert!(outputs_match(b"1  2\r\n3\n\n\n", b"1 2\n3\n", None));
        assert!(outputs_match(b"  yes\t\n", b"yes", None));
        assert!(outputs_match(b"", b"\n", None));
        assert!(!outputs_match(b"1 2", b"1 2 3", None));
        assert!(!outputs_match(b"12 3", b"1 23", None));
        assert!(!outputs_match(b"Yes", b"yes", None));
    }

    #[test]
    fn numbers_match_exactly_without_a_tolerance() {
        assert!(!outputs_match(b"0.5000001", b"0.5", None));
        assert!(!outputs_match(b"1.0", b"1", None));
    }

    #[test]
    fn float_tolerance_is_absolute_or_relative() {
        assert!(outputs_match(b"0.5000001", b"0.5", Some(1e-6)));
        assert!(!outputs_match(b"0.50001", b"0.5", Some(1e-6)));
        assert!(outputs_match(b"1.0", b"1", Some(0.0)));
        // Relative: 1e9 vs 1e9 + 100 within 1e-6 of the expected value.
        assert!(outputs_match(b"1000000100", b"1e9", Some(1e-6)));
        assert!(outputs_match(
            b"3.14159 x 2.71828",
            b"3.1416 x 2.7183",
            Some(1e-4)
        ));
        // Words are still compared exactly; inf and nan never pass as numbers.
        assert!(!outputs_match(b"3.1416 y", b"3.1416 x", Some(1e-4)));
        assert!(!outputs_match(b"nan", b"0", Some(1e9)));
        assert!(!outputs_match(b"inf", b"1e308", Some(1e9)));
    }
}
