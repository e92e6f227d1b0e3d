//! Matrix expressions a policy can write to exhaust memory or the stack. A chain of 22 products
//! of a 2×2 matrix once took gigabytes (each product copied the unreduced entries), and 1000
//! scalar factors or sums nested the entries 1000 deep (a stack overflow on a 1 MiB thread).
//! Each must come back with a verdict, on a thread with a 1 MiB stack.

mod common;

use common::{correct, small_stack};

const M: &str = "\\begin{pmatrix}1&1\\\\1&1\\end{pmatrix}";

fn matrix_of(v: i64) -> String {
    format!("\\begin{{pmatrix}}{v}&{v}\\\\{v}&{v}\\end{{pmatrix}}")
}

#[test]
fn a_long_chain_of_matrix_products_is_no_memory_bomb() {
    // 22 factors: past the folding budget, so left as written, and not equal to 1.
    let answer = M.repeat(22);
    assert!(!small_stack(move || correct("1", &answer)));
    // 10 factors are folded: M^10 = 2^9 M.
    let answer = M.repeat(10);
    assert!(small_stack(move || correct(&matrix_of(512), &answer)));
}

#[test]
fn many_scalar_factors_of_a_matrix_do_not_nest_its_entries() {
    // 2^1000 M is not M, and 2·2·2 M is 8 M.
    let answer = format!("{}{M}", "2*".repeat(1000));
    assert!(!small_stack(move || correct(M, &answer)));
    let answer = format!("2*2*2*{M}");
    assert!(small_stack(move || correct(&matrix_of(8), &answer)));
}

#[test]
fn a_long_sum_of_matrices_does_not_nest_its_entries() {
    // 250 M (9 KB of answer, under the 10 KB limit) is 250 M, and not M.
    let answer = vec![M; 250].join("+");
    let a = answer.clone();
    assert!(small_stack(move || correct(&matrix_of(250), &a)));
    assert!(!small_stack(move || correct(M, &answer)));
}

#[test]
fn folded_matrices_keep_their_values() {
    // Sums, products, negation and scalars fold to the matrix of their values.
    assert!(correct(&matrix_of(2), &format!("{M}{M}")));
    assert!(correct(&matrix_of(6), &format!("3 \\cdot {M}{M}")));
    assert!(correct(&matrix_of(-2), &format!("-({M}+{M})")));
    assert!(!correct(&matrix_of(2), &format!("{M}+{M}+{M}")));
}
