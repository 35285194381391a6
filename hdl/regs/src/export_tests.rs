//! The exports parse and say what the tables say. A minimal JSON parser checks the JSON.

use super::*;
use crate::monitor::{self, SlotReg};
use std::string::String;
use std::vec::Vec;

#[derive(Debug, PartialEq)]
enum Json {
    Null,
    Num(u64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(kv) => {
                &kv.iter()
                    .find(|(k, _)| k == key)
                    .unwrap_or_else(|| panic!("no {key}"))
                    .1
            }
            _ => panic!("not an object"),
        }
    }
    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            _ => panic!("not an array"),
        }
    }
    fn num(&self) -> u64 {
        match self {
            Json::Num(n) => *n,
            _ => panic!("not a number: {self:?}"),
        }
    }
    fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            _ => panic!("not a string: {self:?}"),
        }
    }
}

/// Parses the JSON subset the exporter may emit (no floats, no booleans); panics on error.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.s[self.i] as char, c as char, "at byte {}", self.i);
        self.i += 1;
    }
    fn peek(&mut self) -> u8 {
        self.ws();
        self.s[self.i]
    }
    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut out = Vec::new();
        loop {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    match e {
                        b'"' | b'\\' => out.push(e),
                        b'n' => out.push(b'\n'),
                        b'u' => {
                            let hex = core::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            out.push(u8::from_str_radix(hex, 16).unwrap());
                            self.i += 4;
                        }
                        _ => panic!("bad escape"),
                    }
                }
                c => {
                    assert!(c >= 0x20, "raw control character in a string");
                    out.push(c);
                }
            }
        }
        String::from_utf8(out).unwrap()
    }
    fn value(&mut self) -> Json {
        match self.peek() {
            b'{' => {
                self.eat(b'{');
                let mut kv = Vec::new();
                while self.peek() != b'}' {
                    if !kv.is_empty() {
                        self.eat(b',');
                    }
                    let k = self.string();
                    self.eat(b':');
                    kv.push((k, self.value()));
                }
                self.eat(b'}');
                Json::Obj(kv)
            }
            b'[' => {
                self.eat(b'[');
                let mut a = Vec::new();
                while self.peek() != b']' {
                    if !a.is_empty() {
                        self.eat(b',');
                    }
                    a.push(self.value());
                }
                self.eat(b']');
                Json::Arr(a)
            }
            b'"' => Json::Str(self.string()),
            b'n' => {
                assert_eq!(&self.s[self.i..self.i + 4], b"null");
                self.i += 4;
                Json::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                    self.i += 1;
                }
                let text = core::str::from_utf8(&self.s[start..self.i]).unwrap();
                Json::Num(
                    text.parse()
                        .unwrap_or_else(|_| panic!("bad number at {start}")),
                )
            }
        }
    }
}

fn parse(text: &str) -> Json {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value();
    p.ws();
    assert_eq!(p.i, text.len(), "trailing text");
    v
}

fn json() -> String {
    let mut s = String::new();
    write_json(&mut s).unwrap();
    s
}

#[test]
fn json_parses_and_matches_the_tables() {
    let doc = parse(&json());
    assert_eq!(doc.get("page_size").num(), 4096);
    assert_eq!(doc.get("max_slots").num(), 16);
    assert_eq!(doc.get("version").get("word").num(), 0x1_0000);
    let blocks = doc.get("blocks").arr();
    assert_eq!(blocks.len(), BLOCKS.len());
    for (jb, b) in blocks.iter().zip(BLOCKS) {
        assert_eq!(jb.get("name").str(), b.name);
        let regs = jb.get("registers").arr();
        assert_eq!(regs.len(), b.regs.len());
        for (jr, r) in regs.iter().zip(b.regs) {
            assert_eq!(jr.get("name").str(), r.name);
            assert_eq!(jr.get("offset").num(), r.offset);
            assert_eq!(jr.get("stride").num(), r.stride);
            assert_eq!(jr.get("count").num(), r.count as u64);
            assert_eq!(jr.get("access").str(), r.access.as_str());
            assert_eq!(jr.get("doc").str(), r.doc);
            match r.reset {
                Some(v) => assert_eq!(jr.get("reset").str(), std::format!("{v:#x}")),
                None => assert_eq!(jr.get("reset"), &Json::Null),
            }
            let fields = jr.get("fields").arr();
            assert_eq!(fields.len(), r.fields.len());
            for (jf, f) in fields.iter().zip(r.fields) {
                assert_eq!(jf.get("name").str(), f.name);
                assert_eq!(jf.get("lsb").num(), f.lsb as u64);
                assert_eq!(jf.get("width").num(), f.width as u64);
            }
        }
    }
    // One spot check by hand: FAULT is the third per-slot entry of the monitor.
    let fault = &blocks[0].get("registers").arr()[8];
    assert_eq!(fault.get("name").str(), "FAULT");
    assert_eq!(fault.get("offset").num(), 0x108);
    assert_eq!(fault.get("stride").num(), 0x40);
}

#[test]
fn json_strings_are_escaped() {
    let mut s = String::new();
    json_str(&mut s, "a \"b\" \\ c\n\u{1}").unwrap();
    assert_eq!(s, "\"a \\\"b\\\" \\\\ c\\n\\u0001\"");
    assert_eq!(parse(&s), Json::Str("a \"b\" \\ c\n\u{1}".into()));
}

#[test]
fn markdown_has_one_row_per_register() {
    let mut md = String::new();
    write_markdown(&mut md).unwrap();
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| 0x")).collect();
    let total: usize = BLOCKS.iter().map(|b| b.regs.len()).sum();
    assert_eq!(rows.len(), total);
    for row in &rows {
        // `|` inside a cell is escaped, so every row has exactly six separators.
        let seps = row.matches('|').count() - row.matches("\\|").count();
        assert_eq!(seps, 6, "{row}");
    }
    let limit = SlotReg::SliceLimit.reg();
    assert!(
        rows.iter()
            .any(|r| r.starts_with("| 0x100 + 0x40·i | SLICE_LIMIT[i] | RW | 0x0 |"))
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("| 0x030 + 0x8·i | SLICE_BASE[i] |"))
    );
    assert!(md.contains("[47:32] COUNT (RO)"));
    assert_eq!(limit.offset, monitor::SLOT_BLOCK_OFFSET);
}

#[cfg(feature = "alloc")]
#[test]
fn string_helpers_match_the_writers() {
    assert_eq!(to_json(), json());
    let mut md = String::new();
    write_markdown(&mut md).unwrap();
    assert_eq!(to_markdown(), md);
}
