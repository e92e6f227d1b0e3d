//! `LineReader` at its bounds: a line of exactly the per-line cap is read, one byte more is
//! reported by its length; a chunk stops once its lines hold `max_bytes`; a raw chunk is empty
//! only at the end of the input, and hands its buffer on to the next.

use plaudit_core::engine::{LineReader, RawLine};
use plaudit_core::Input;

fn raw(r: &mut LineReader<&[u8]>) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    while let Some((no, l)) = r.next_line().unwrap() {
        out.push((
            no,
            match l {
                RawLine::Line(b) => String::from_utf8(b).unwrap(),
                RawLine::TooLong(n) => format!("too long: {n}"),
            },
        ));
    }
    out
}

fn ids(inputs: &[Input]) -> Vec<String> {
    inputs
        .iter()
        .map(|i| match i {
            Input::Sample(s) => s.id.to_string(),
            Input::Invalid { message, .. } => message.clone(),
        })
        .collect()
}

#[test]
fn a_line_of_exactly_the_cap_is_read() {
    let data = b"abcde\nabcdef\nxyz";
    let mut r = LineReader::new(&data[..], 5);
    assert_eq!(
        raw(&mut r),
        [
            (1, "abcde".to_string()),
            (2, "too long: 6".into()),
            (3, "xyz".into())
        ]
    );
    let data = br#"{"id":1,"response":""}
{"id":2,"response":"x"}
"#;
    let inputs = LineReader::new(&data[..], 22).next_chunk(10).unwrap();
    assert_eq!(
        ids(&inputs),
        ["1", "line 2: 23 bytes, over the limit of 22 bytes per line"]
    );
}

#[test]
fn a_chunk_stops_once_its_lines_hold_max_bytes() {
    // Lines of 22 bytes (without their newlines).
    let data = br#"{"id":1,"response":""}
{"id":2,"response":""}
{"id":3,"response":""}
"#;
    let chunks = |max_bytes: usize| {
        let mut r = LineReader::new(&data[..], 100);
        let mut out = Vec::new();
        loop {
            let c = r.next_chunk_bytes(10, max_bytes).unwrap();
            if c.is_empty() {
                return out;
            }
            out.push(ids(&c));
        }
    };
    assert_eq!(chunks(44), [vec!["1", "2"], vec!["3"]]);
    assert_eq!(chunks(45), [vec!["1", "2", "3"]]);
    assert_eq!(chunks(22), [vec!["1"], vec!["2"], vec!["3"]]);
    // Raw chunks cut the same way, and only the end of the input gives an empty one.
    let mut r = LineReader::new(&data[..], 100);
    let first = r.next_raw_chunk(10, 44, Vec::new()).unwrap();
    assert!(!first.is_empty());
    assert_eq!(ids(&first.parse()), ["1", "2"]);
    let second = r.next_raw_chunk(10, 44, first.into_buffer()).unwrap();
    assert!(!second.is_empty());
    assert_eq!(ids(&second.parse()), ["3"]);
    let end = r.next_raw_chunk(10, 44, second.into_buffer()).unwrap();
    assert!(end.is_empty());
    assert_eq!(ids(&end.parse()), Vec::<String>::new());
}

#[test]
fn a_chunk_hands_its_buffer_on_to_the_next() {
    // The memory of a chunk's lines is reused by the next chunk, not taken fresh.
    let data = "x".repeat(1000) + "\n";
    let mut r = LineReader::new(data.as_bytes(), 2000);
    let chunk = r.next_raw_chunk(10, usize::MAX, Vec::new()).unwrap();
    let buf = chunk.into_buffer();
    assert!(buf.capacity() >= 1000);
    let end = r.next_raw_chunk(10, usize::MAX, buf).unwrap();
    assert!(end.is_empty());
    assert!(end.into_buffer().capacity() >= 1000);
}
