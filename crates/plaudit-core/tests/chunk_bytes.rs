//! `LineReader::next_chunk_bytes`: chunks cut by bytes (and reading lines into one reused
//! buffer) give the same inputs, in the same order and with the same line numbers, as one chunk
//! read line by line.

use plaudit_core::engine::{LineReader, RawLine};
use plaudit_core::Input;

fn describe(i: &Input) -> String {
    match i {
        Input::Sample(s) => format!("sample {} {:?}", s.response, s.id),
        Input::Invalid { id, message, .. } => format!("invalid {id} {message}"),
    }
}

#[test]
fn chunks_by_bytes_read_every_line_once_in_order() {
    let mut data = String::new();
    for i in 0..300 {
        match i % 7 {
            0 => data.push_str(&format!(
                "{{\"id\": {i}, \"response\": \"{}\"}}\n",
                "y".repeat(i)
            )),
            1 => data.push('\n'),
            2 => data.push_str(&format!("{}\n", "x".repeat(200))),
            3 => data.push_str("{\"id\": 3, \"respo\n"),
            _ => data.push_str(&format!("{{\"id\": {i}, \"response\": \"r{i}\\n\"}}\r\n")),
        }
    }
    data.push_str("{\"id\": \"last\", \"response\": \"no newline\"}");
    let one: Vec<String> = LineReader::new(data.as_bytes(), 150)
        .next_chunk(usize::MAX)
        .unwrap()
        .iter()
        .map(describe)
        .collect();
    // Line by line, as `next_line` gives them.
    let mut r = LineReader::new(data.as_bytes(), 150);
    let mut count = 0;
    while let Some((no, l)) = r.next_line().unwrap() {
        count += 1;
        assert_eq!(no, count);
        if let RawLine::TooLong(n) = l {
            assert!(n > 150, "{n}");
        }
    }
    assert_eq!(count, one.len());
    for (n, max_bytes) in [
        (1, usize::MAX),
        (7, 100),
        (1000, 1),
        (50, 300),
        (1000, 4096),
    ] {
        let mut r = LineReader::new(data.as_bytes(), 150);
        let mut all = Vec::new();
        loop {
            let c = r.next_chunk_bytes(n, max_bytes).unwrap();
            if c.is_empty() {
                break;
            }
            assert!(c.len() <= n);
            all.extend(c.iter().map(describe));
        }
        assert_eq!(all, one, "n {n}, max_bytes {max_bytes}");
    }
}
