//! optimus-tenant: example tenants for the demo and the tests. Each opens a vaccel through
//! optimusd, shares its buffers, runs a job and checks the result against the CPU; the exit
//! status says whether it matched.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
use clap::{Parser, Subcommand};
use optimus_hypervisor::tenant::{Client, SharedBuffer, Vaccel};
use optimus_regs::accel::State;
use optimus_regs::hasher::HasherReg;
use optimus_regs::linked_list::{LinkedListReg, node};
use optimus_regs::membench::{MemBenchReg, mode, pattern_word};
use optimus_regs::monitor::fault;
use optimus_regs::rogue::RogueReg;

/// An example tenant of optimusd.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// optimusd's socket.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/run/optimus/optimusd.sock"
    )]
    socket: PathBuf,
    #[command(subcommand)]
    job: Job,
}

#[derive(Subcommand, Debug)]
enum Job {
    /// MemBench: read a buffer (checksum) and write it (pattern), both checked.
    Membench {
        /// Buffer lines.
        #[arg(long, default_value_t = 4096)]
        lines: u64,
        /// Times the buffer is read.
        #[arg(long, default_value_t = 4)]
        passes: u64,
    },
    /// LinkedList: walk a chain of nodes scattered in a buffer, summing their values.
    LinkedList {
        /// Nodes in the chain.
        #[arg(long, default_value_t = 200)]
        nodes: u64,
    },
    /// Hasher: digest of a buffer with ROUNDS mixing rounds per word.
    Hasher {
        /// Buffer lines.
        #[arg(long, default_value_t = 2048)]
        lines: u64,
        /// Mixing rounds.
        #[arg(long, default_value_t = 4)]
        rounds: u64,
    },
    /// Rogue: aims reads at another tenant's slice (a 42-bit wrap-around of its own slice
    /// base) and shows that it got nothing but all-ones.
    Rogue {
        /// The IOVA slice size of optimusd, GiB (its `slice_gib`).
        #[arg(long, default_value_t = 64)]
        slice_gib: u64,
        /// The victim's slot (its slice is the one attacked).
        #[arg(long, default_value_t = 0)]
        victim_slot: u64,
    },
}

fn words(buf: &SharedBuffer, line: u64) -> [u64; 8] {
    let mut b = [0u8; 64];
    buf.mem()
        .read(line as usize * 64, &mut b)
        .expect("inside the buffer");
    std::array::from_fn(|w| u64::from_le_bytes(b[w * 8..w * 8 + 8].try_into().expect("8")))
}

fn fill(buf: &SharedBuffer, seed: u64) {
    let mut x = seed | 1;
    for i in 0..buf.mem().len() / 8 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf.mem()
            .write(i * 8, &x.to_le_bytes())
            .expect("inside the buffer");
    }
}

/// Starts the job and waits for it; its wall time.
fn run(acc: &Vaccel<'_>) -> Result<Duration> {
    let t = Instant::now();
    acc.start()?;
    let state = acc.wait(Duration::from_secs(600))?;
    ensure!(
        state == State::Finished as u64,
        "job ended in STATE {state}, not finished"
    );
    Ok(t.elapsed())
}

fn membench(client: &Client, lines: u64, passes: u64) -> Result<String> {
    let acc = client.open("membench")?;
    let buf = acc.share(lines as usize * 64)?;
    fill(&buf, 0x5eed + acc.id());
    let total = lines * passes;
    for (reg, v) in [
        (MemBenchReg::BufAddr, buf.device_addr()),
        (MemBenchReg::BufLines, lines),
        (MemBenchReg::TotalLines, total),
        (MemBenchReg::Mode, mode::with_cl_len(mode::READ, 3)),
    ] {
        acc.write(reg.offset(), v)?;
    }
    let t_read = run(&acc)?;
    let want = (0..lines)
        .flat_map(|l| words(&buf, l))
        .fold(0u64, u64::wrapping_add)
        .wrapping_mul(passes);
    let got = acc.read(MemBenchReg::Checksum.offset())?;
    ensure!(got == want, "CHECKSUM {got:#x}, the CPU says {want:#x}");
    let seed = 0xfeed_0000 + acc.id();
    acc.write(
        MemBenchReg::Mode.offset(),
        mode::with_cl_len(mode::WRITE, 3),
    )?;
    acc.write(MemBenchReg::Seed.offset(), seed)?;
    acc.write(MemBenchReg::TotalLines.offset(), lines)?;
    let t_write = run(&acc)?;
    for k in 0..lines {
        let want: [u64; 8] = std::array::from_fn(|w| pattern_word(seed, k, w as u64));
        ensure!(
            words(&buf, k) == want,
            "buffer line {k} does not hold its pattern"
        );
    }
    let mb = |n: u64, t: Duration| n as f64 * 64.0 / t.as_secs_f64() / 1e6;
    let msg = format!(
        "slot {}: read {total} lines, checksum {got:#018x} = CPU; wrote {lines} lines, all match \
         ({:.1} MB/s read, {:.1} MB/s write, wall clock)",
        acc.slot(),
        mb(total, t_read),
        mb(lines, t_write)
    );
    acc.close()?;
    Ok(msg)
}

fn linked_list(client: &Client, nodes: u64) -> Result<String> {
    let acc = client.open("linked_list")?;
    let lines = (nodes * 4).max(64);
    let buf = acc.share(lines as usize * 64)?;
    // Node i at line (i * 97 + 13) mod lines: scattered, distinct (97 is odd, lines even).
    let at: Vec<u64> = (0..nodes).map(|i| (i * 97 + 13) % lines).collect();
    let mut sum = 0u64;
    for (i, &l) in at.iter().enumerate() {
        let next = at.get(i + 1).map_or(0, |n| buf.device_addr() + n * 64);
        let value = l.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        sum = sum.wrapping_add(value);
        let base = l as usize * 64;
        buf.mem()
            .write(base + node::NEXT_WORD * 8, &next.to_le_bytes())?;
        buf.mem()
            .write(base + node::VALUE_WORD * 8, &value.to_le_bytes())?;
    }
    acc.write(
        LinkedListReg::HeadAddr.offset(),
        buf.device_addr() + at[0] * 64,
    )?;
    acc.write(LinkedListReg::MaxNodes.offset(), 0)?;
    run(&acc)?;
    let (got, n) = (
        acc.read(LinkedListReg::Sum.offset())?,
        acc.read(LinkedListReg::Nodes.offset())?,
    );
    ensure!(
        got == sum && n == nodes,
        "SUM {got:#x} over {n} nodes, CPU {sum:#x} over {nodes}"
    );
    let msg = format!(
        "slot {}: walked {n} nodes, sum {got:#018x} = CPU",
        acc.slot()
    );
    acc.close()?;
    Ok(msg)
}

fn hasher(client: &Client, lines: u64, rounds: u64) -> Result<String> {
    let acc = client.open("hasher")?;
    let src = acc.share(lines as usize * 64)?;
    let dst = acc.share(64)?;
    fill(&src, 0xabcd + acc.id());
    let seed = 0x1234;
    for (reg, v) in [
        (HasherReg::SrcAddr, src.device_addr()),
        (HasherReg::Lines, lines),
        (HasherReg::Rounds, rounds),
        (HasherReg::DstAddr, dst.device_addr()),
        (HasherReg::Seed, seed),
    ] {
        acc.write(reg.offset(), v)?;
    }
    run(&acc)?;
    let data: Vec<[u64; 8]> = (0..lines).map(|l| words(&src, l)).collect();
    let want = optimus_regs::hasher::digest(&data, seed, rounds);
    let got = words(&dst, 0);
    ensure!(got == want, "digest {got:x?}, CPU {want:x?}");
    let msg = format!(
        "slot {}: digest of {lines} lines x {rounds} rounds = CPU (xor {:#018x})",
        acc.slot(),
        optimus_regs::hasher::digest_xor(&got)
    );
    acc.close()?;
    Ok(msg)
}

fn rogue(client: &Client, slice_gib: u64, victim: u64) -> Result<String> {
    let acc = client.open("rogue")?;
    let own = acc.share(4096)?;
    // Slot-relative address a reaches IOVA (slice base + a) mod 2^48: aim it at the victim's
    // slice, where the victim's buffer is mapped.
    let slice = slice_gib << 30;
    let base = (acc.slot() as u64 + 1) * slice;
    let victim_iova = (victim + 1) * slice;
    let target = victim_iova.wrapping_sub(base) & ((1 << 48) - 1);
    let requests = 64;
    for (reg, v) in [
        (RogueReg::Mode, optimus_regs::rogue::mode::READ),
        (RogueReg::TargetAddr, target),
        (RogueReg::SpanLines, 64),
        (RogueReg::Count, requests),
    ] {
        acc.write(reg.offset(), v)?;
    }
    run(&acc)?;
    let checksum = acc.read(RogueReg::Checksum.offset())?;
    let lines = acc.read(RogueReg::Done.offset())?;
    let (f, addr) = acc.faults()?;
    // Every word of every line it got back must be all-ones (the auditor's fault answer).
    let all_ones = (lines * 8).wrapping_mul(u64::MAX);
    ensure!(lines > 0, "Rogue got no lines back");
    ensure!(
        checksum == all_ones,
        "Rogue read real data: checksum {checksum:#x} over {lines} lines"
    );
    ensure!(f & fault::READ != 0, "no read fault recorded: FAULT {f:#x}");
    drop(own);
    let msg = format!(
        "slot {}: aimed {requests} reads at slot {victim}'s slice (address {target:#x}): \
         {} faulting requests, first at line {addr:#x}; its {lines} lines read were all-ones, \
         nothing of anyone else's",
        acc.slot(),
        fault::count(f)
    );
    acc.close()?;
    Ok(msg)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let client = Client::connect(&args.socket)?;
    let (name, result) = match args.job {
        Job::Membench { lines, passes } => ("membench", membench(&client, lines, passes)),
        Job::LinkedList { nodes } => ("linked-list", linked_list(&client, nodes)),
        Job::Hasher { lines, rounds } => ("hasher", hasher(&client, lines, rounds)),
        Job::Rogue {
            slice_gib,
            victim_slot,
        } => ("rogue", rogue(&client, slice_gib, victim_slot)),
    };
    match result {
        Ok(msg) => {
            println!("tenant {name} (pid {}): OK  {msg}", std::process::id());
            Ok(())
        }
        Err(e) => bail!("tenant {name} (pid {}): FAILED  {e:#}", std::process::id()),
    }
}
