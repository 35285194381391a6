//! The emitted Hasher passes `verilator --lint-only -Wall` with no warning (skipped, with a
//! note, when Verilator is not installed). `OPTIMUS_KEEP_VERILOG=<file>` keeps the Verilog.

use optimus_hdl::accel::hasher::{TOP, hasher_verilog};
use optimus_hdl::emit_block::verilator_lint;

#[test]
fn hasher_lints_clean_with_verilator() {
    let verilog = hasher_verilog().expect("hasher emits");
    if let Ok(path) = std::env::var("OPTIMUS_KEEP_VERILOG") {
        std::fs::write(path, &verilog).unwrap();
    }
    match verilator_lint(&verilog, TOP) {
        Ok(true) => {}
        Ok(false) => println!("SKIPPED: verilator is not installed; the hasher was not linted"),
        Err(log) => panic!("verilator lint:\n{log}"),
    }
}

/// A 512-bit Verilog literal of eight little-endian words.
fn lit(w: [u64; 8]) -> String {
    let hex: String = w.iter().rev().map(|v| format!("{v:016x}")).collect();
    format!("512'h{hex}")
}

/// The hand-written Verilog of the lane blocks computes what `optimus_regs::hasher` says (the
/// rust-hdl simulations only run their Rust models): a Verilator testbench with expected
/// values from the reference functions. Skipped when Verilator is not installed.
#[test]
fn lane_verilog_matches_the_reference_functions() {
    use optimus_hdl::accel::hasher::lanes::{LaneAdd, LaneXor, LineInit, MixRound, PackHeader};
    use optimus_hdl::emit_block::block_verilog;
    use optimus_regs::hasher::{self, snapshot};
    use rust_hdl::prelude::*;

    fn emit<B: Block>(mut b: B, top: &str) -> String {
        b.connect_all();
        block_verilog(&b, top, "test").expect("emits")
    }
    let a: [u64; 8] = std::array::from_fn(|w| accel_mix(w as u64 + 1));
    let b: [u64; 8] = std::array::from_fn(|w| accel_mix(w as u64 + 100));
    let (seed, line) = (accel_mix(7), 0x3_1234_5678_u64);
    let init: [u64; 8] = std::array::from_fn(|w| hasher::initial(a[w], seed, line, w as u64));
    let r_x = a.map(hasher::round);
    let r_h = b.map(hasher::round);
    let sum: [u64; 8] = std::array::from_fn(|w| a[w].wrapping_add(b[w]));
    let mut hdr = [0u64; 8];
    hdr[snapshot::NEXT_LINE] = 11;
    hdr[snapshot::DONE_LINES] = 12;
    hdr[snapshot::CYCLES] = 13;
    let mut src = [
        emit(LineInit::default(), "t_init"),
        emit(MixRound::default(), "t_round"),
        emit(LaneAdd::default(), "t_add"),
        emit(LaneXor::default(), "t_xor"),
        emit(PackHeader::default(), "t_hdr"),
    ]
    .join("\n");
    src += &format!(
        "
module tb;
  reg [511:0] a = {la}; reg [511:0] b = {lb};
  reg [63:0] seed = 64'h{seed:016x}; reg [63:0] line = 64'h{line:016x};
  reg sel = 1'b0;
  wire [511:0] o_init, o_round, o_sum, o_hdr; wire [63:0] o_xor;
  t_init u0(.data(a), .seed(seed), .line(line), .out(o_init));
  t_round u1(.head(b), .x(a), .sel(sel), .out(o_round));
  t_add u2(.a(a), .b(b), .sum(o_sum));
  t_xor u3(.a(a), .out(o_xor));
  t_hdr u4(.next_line(64'd11), .done(64'd12), .cycles(64'd13), .out(o_hdr));
  initial begin
    #1;
    if (o_init !== {li}) $display(\"FAIL init\");
    if (o_round !== {lrx}) $display(\"FAIL round x\");
    if (o_sum !== {ls}) $display(\"FAIL add\");
    if (o_xor !== 64'h{x:016x}) $display(\"FAIL xor\");
    if (o_hdr !== {lh}) $display(\"FAIL header\");
    sel = 1'b1;
    #1;
    if (o_round !== {lrh}) $display(\"FAIL round head\");
    $display(\"DONE\");
    $finish;
  end
endmodule
",
        la = lit(a),
        lb = lit(b),
        li = lit(init),
        lrx = lit(r_x),
        lrh = lit(r_h),
        ls = lit(sum),
        x = hasher::digest_xor(&a),
        lh = lit(hdr),
    );
    let dir = std::env::temp_dir().join(format!("optimus-hasher-lanes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tb.v"), &src).unwrap();
    let built = std::process::Command::new("verilator")
        .args(["--binary", "-Wno-fatal", "--top-module", "tb", "-Mdir"])
        .arg(dir.join("obj"))
        .arg(dir.join("tb.v"))
        .output();
    let built = match built {
        Ok(o) => o,
        Err(_) => {
            println!("SKIPPED: verilator is not installed; lane Verilog not run");
            return;
        }
    };
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let run = std::process::Command::new(dir.join("obj").join("Vtb"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout).to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.contains("DONE"), "testbench did not run: {out}");
    assert!(!out.contains("FAIL"), "{out}");
}

/// splitmix64, for test values.
fn accel_mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
