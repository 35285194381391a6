//! The whole map ([`crate::BLOCKS`]) as JSON (`regs.json`) or Markdown, written by hand so the
//! crate stays dependency-free and `no_std` (any [`core::fmt::Write`] sink will do).
//!
//! JSON layout: `{"map", "version": {"major", "minor", "word"}, "page_size", "max_slots",
//! "blocks": [{"name", "page", "doc", "registers": [{"name", "offset", "stride", "count",
//! "access", "reset", "doc", "fields": [{"name", "lsb", "width", "access", "doc"}]}]}]}`.
//! Offsets, strides and bit positions are JSON numbers; `reset` is a hex string (a 64-bit
//! value does not fit a JSON double exactly) or `null` when the map fixes none.

use crate::{BLOCKS, Block, MAX_SLOTS, PAGE_SIZE, Reg, VERSION, VERSION_MAJOR, VERSION_MINOR};
use core::fmt::{self, Write};

/// Writes the map as JSON.
pub fn write_json<W: Write>(w: &mut W) -> fmt::Result {
    writeln!(w, "{{")?;
    writeln!(w, "  \"map\": \"optimus-regs\",")?;
    writeln!(
        w,
        "  \"version\": {{\"major\": {VERSION_MAJOR}, \"minor\": {VERSION_MINOR}, \
         \"word\": {VERSION}}},"
    )?;
    writeln!(w, "  \"page_size\": {PAGE_SIZE},")?;
    writeln!(w, "  \"max_slots\": {MAX_SLOTS},")?;
    writeln!(w, "  \"blocks\": [")?;
    for (bi, b) in BLOCKS.iter().enumerate() {
        write_json_block(w, b)?;
        writeln!(w, "{}", if bi + 1 < BLOCKS.len() { "," } else { "" })?;
    }
    writeln!(w, "  ]")?;
    writeln!(w, "}}")
}

fn write_json_block<W: Write>(w: &mut W, b: &Block) -> fmt::Result {
    writeln!(w, "    {{")?;
    write!(w, "      \"name\": ")?;
    json_str(w, b.name)?;
    write!(w, ",\n      \"page\": ")?;
    json_str(w, b.page)?;
    write!(w, ",\n      \"doc\": ")?;
    json_str(w, b.doc)?;
    writeln!(w, ",\n      \"registers\": [")?;
    for (ri, r) in b.regs.iter().enumerate() {
        write_json_reg(w, r)?;
        writeln!(w, "{}", if ri + 1 < b.regs.len() { "," } else { "" })?;
    }
    writeln!(w, "      ]")?;
    write!(w, "    }}")
}

fn write_json_reg<W: Write>(w: &mut W, r: &Reg) -> fmt::Result {
    write!(w, "        {{\"name\": ")?;
    json_str(w, r.name)?;
    write!(
        w,
        ", \"offset\": {}, \"stride\": {}, \"count\": {}, \"access\": \"{}\", \"reset\": ",
        r.offset,
        r.stride,
        r.count,
        r.access.as_str()
    )?;
    match r.reset {
        Some(v) => write!(w, "\"{v:#x}\"")?,
        None => write!(w, "null")?,
    }
    write!(w, ", \"doc\": ")?;
    json_str(w, r.doc)?;
    write!(w, ", \"fields\": [")?;
    for (fi, f) in r.fields.iter().enumerate() {
        write!(w, "\n          {{\"name\": ")?;
        json_str(w, f.name)?;
        write!(
            w,
            ", \"lsb\": {}, \"width\": {}, \"access\": \"{}\", \"doc\": ",
            f.lsb,
            f.width,
            f.access.as_str()
        )?;
        json_str(w, f.doc)?;
        write!(
            w,
            "}}{}",
            if fi + 1 < r.fields.len() {
                ","
            } else {
                "\n        "
            }
        )?;
    }
    write!(w, "]}}")
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
fn json_str<W: Write>(w: &mut W, s: &str) -> fmt::Result {
    w.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => w.write_str("\\\"")?,
            '\\' => w.write_str("\\\\")?,
            '\n' => w.write_str("\\n")?,
            c if (c as u32) < 0x20 => write!(w, "\\u{:04x}", c as u32)?,
            c => w.write_char(c)?,
        }
    }
    w.write_char('"')
}

/// Writes the map as Markdown: one section and table per block.
pub fn write_markdown<W: Write>(w: &mut W) -> fmt::Result {
    writeln!(
        w,
        "# Optimus-RS register map, version {VERSION_MAJOR}.{VERSION_MINOR}"
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Generated from `optimus-regs`. Byte offsets inside a {PAGE_SIZE}-byte page; every \
         register is 64 bits; i is the slot (0 to {}).",
        MAX_SLOTS - 1
    )?;
    for b in BLOCKS {
        writeln!(w, "\n## {} (page {})\n", b.name, b.page)?;
        writeln!(w, "{}\n", b.doc)?;
        writeln!(w, "| offset | name | access | reset | meaning |")?;
        writeln!(w, "|---|---|---|---|---|")?;
        for r in b.regs {
            if r.per_slot() {
                write!(
                    w,
                    "| {:#05x} + {:#x}·i | {}[i] | ",
                    r.offset, r.stride, r.name
                )?;
            } else {
                write!(w, "| {:#05x} | {} | ", r.offset, r.name)?;
            }
            write!(w, "{} | ", r.access.as_str())?;
            match r.reset {
                Some(v) => write!(w, "{v:#x} | ")?,
                None => write!(w, "— | ")?,
            }
            md_text(w, r.doc)?;
            for f in r.fields {
                if f.width == 1 {
                    write!(w, "<br>bit {} ", f.lsb)?;
                } else {
                    write!(w, "<br>[{}:{}] ", f.lsb + f.width - 1, f.lsb)?;
                }
                write!(w, "{} ({}): ", f.name, f.access.as_str())?;
                md_text(w, f.doc)?;
            }
            writeln!(w, " |")?;
        }
    }
    Ok(())
}

/// Table-cell text: `|` escaped.
fn md_text<W: Write>(w: &mut W, s: &str) -> fmt::Result {
    for (i, part) in s.split('|').enumerate() {
        if i > 0 {
            w.write_str("\\|")?;
        }
        w.write_str(part)?;
    }
    Ok(())
}

/// The map as JSON text.
#[cfg(feature = "alloc")]
pub fn to_json() -> alloc::string::String {
    let mut s = alloc::string::String::new();
    write_json(&mut s).expect("writing to a String cannot fail");
    s
}

/// The map as Markdown text.
#[cfg(feature = "alloc")]
pub fn to_markdown() -> alloc::string::String {
    let mut s = alloc::string::String::new();
    write_markdown(&mut s).expect("writing to a String cannot fail");
    s
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
