//! optimusd end to end on the simulated `mixed8`: the demo scenario with tenants as separate
//! processes, then bad input of every kind; after each, the daemon still serves and nothing
//! is left mapped or occupied.

use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use optimus_driver::{Device, SimOptions};
use optimus_hypervisor::policy::{DaemonConfig, Principal, Rule};
use optimus_hypervisor::proto::{self, ErrorCode, Request, Response};
use optimus_hypervisor::server::{Daemon, Stopper};
use optimus_hypervisor::tenant::{Client, TenantError};

const TENANT: &str = env!("CARGO_BIN_EXE_optimus-tenant");

struct Running {
    socket: PathBuf,
    dev: Arc<Device>,
    stopper: Stopper,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stopper.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(name: &str) -> Running {
    let dir = std::env::temp_dir().join(format!("optimusd-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = DaemonConfig {
        socket: dir.join("optimusd.sock"),
        socket_mode: 0o666,
        config: "mixed8".into(),
        slice_gib: 64,
        allow: vec![Rule {
            users: vec![
                Principal::Id(0),
                Principal::Id(nix::unistd::getuid().as_raw()),
            ],
            groups: vec![],
            kinds: vec![],
            max_vaccels: 2,
            max_pinned_mib: 1,
            admin: true,
        }],
    };
    let dev = Device::open_sim("mixed8", SimOptions::default()).unwrap();
    let daemon = Daemon::new(cfg.clone(), dev).unwrap();
    let listener = daemon.bind().unwrap();
    let (dev, stopper) = (daemon.device(), daemon.stopper());
    let thread = std::thread::spawn(move || daemon.serve(listener));
    Running {
        socket: cfg.socket,
        dev,
        stopper,
        thread: Some(thread),
    }
}

fn tenant(socket: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(TENANT);
    c.arg("--socket").arg(socket).args(args);
    c
}

fn ok(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "tenant failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Every slot free, nothing mapped (checked on the device itself).
fn all_free(r: &Running) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let client = Client::connect(&r.socket).unwrap();
        let Response::Status { slots, .. } = client.call(&Request::Status, None).unwrap() else {
            panic!("status");
        };
        let busy: Vec<usize> = slots
            .iter()
            .filter(|s| s.vaccel.is_some())
            .map(|s| s.slot)
            .collect();
        if busy.is_empty() && r.dev.mappings().is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "slots {busy:?} still taken, mappings {:?}",
            r.dev.mappings()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn refused(r: Result<Response, TenantError>) -> ErrorCode {
    match r {
        Err(TenantError::Refused { code, message }) => {
            assert!(!message.is_empty());
            code
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn demo_tenants_run_at_once_and_rogue_reads_nothing_of_theirs() {
    let r = start("demo");
    let kids: Vec<_> = [
        vec!["membench", "--lines", "1024"],
        vec!["linked-list", "--nodes", "100"],
        vec!["hasher", "--lines", "512"],
        vec!["rogue"],
    ]
    .into_iter()
    .map(|a| tenant(&r.socket, &a).output())
    .collect();
    let outs: Vec<String> = kids.into_iter().map(|o| ok(&o.unwrap())).collect();
    assert!(
        outs[0].contains("= CPU") && outs[0].contains("all match"),
        "{}",
        outs[0]
    );
    assert!(outs[1].contains("walked 100 nodes"), "{}", outs[1]);
    assert!(outs[2].contains("= CPU"), "{}", outs[2]);
    assert!(outs[3].contains("all-ones"), "{}", outs[3]);
    all_free(&r);
}

#[test]
fn concurrent_tenants_in_parallel_processes() {
    let r = start("parallel");
    let children: Vec<_> = [
        vec!["membench", "--lines", "512"],
        vec!["membench", "--lines", "512"],
        vec!["hasher", "--lines", "256"],
        vec!["linked-list", "--nodes", "50"],
        vec!["rogue"],
    ]
    .into_iter()
    .map(|a| {
        tenant(&r.socket, &a)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    })
    .collect();
    for c in children {
        ok(&c.wait_with_output().unwrap());
    }
    all_free(&r);
}

#[test]
fn bad_requests_get_clear_errors_and_the_daemon_keeps_serving() {
    let r = start("bad");
    let c = Client::connect(&r.socket).unwrap();
    let other = Client::connect(&r.socket).unwrap();
    let acc = c.open("membench").unwrap();
    // Malformed, oversized, unknown requests: errors, the connection stays usable.
    let raw = |bytes: &[u8]| -> Response {
        let s = Client::connect(&r.socket).unwrap();
        let _ = s; // a fresh connection per raw message
        let sock = nix::sys::socket::socket(
            nix::sys::socket::AddressFamily::Unix,
            nix::sys::socket::SockType::SeqPacket,
            nix::sys::socket::SockFlag::empty(),
            None,
        )
        .unwrap();
        let addr = nix::sys::socket::UnixAddr::new(r.socket.as_path()).unwrap();
        nix::sys::socket::connect(std::os::fd::AsRawFd::as_raw_fd(&sock), &addr).unwrap();
        proto::send_raw(sock.as_fd(), bytes, None).unwrap();
        let (resp, _) = proto::recv::<Response>(sock.as_fd()).unwrap();
        // The same connection still answers a good request.
        proto::send(sock.as_fd(), &Request::ListKinds, None).unwrap();
        let (again, _) = proto::recv::<Response>(sock.as_fd()).unwrap();
        assert!(matches!(again, Response::Kinds { .. }), "{again:?}");
        resp
    };
    for bad in [
        &b"{not json"[..],
        br#"{"op":"launch_missiles"}"#,
        br#"{"op":"read","vaccel":"x","offset":0}"#,
        &vec![b' '; proto::MAX_MESSAGE + 100][..],
    ] {
        let resp = raw(bad);
        assert!(
            matches!(
                resp,
                Response::Error {
                    code: ErrorCode::BadRequest,
                    ..
                }
            ),
            "{resp:?}"
        );
    }
    // Unknown vaccel, another tenant's vaccel.
    let read = |cl: &Client, vaccel, offset| cl.call(&Request::Read { vaccel, offset }, None);
    assert_eq!(refused(read(&c, 999_999, 0)), ErrorCode::NotFound);
    let mine = acc.id();
    assert_eq!(
        refused(read(&other, mine, 0)),
        ErrorCode::NotFound,
        "not its vaccel"
    );
    assert_eq!(
        refused(other.call(&Request::Close { vaccel: mine }, None)),
        ErrorCode::NotFound
    );
    // MMIO outside the page, unaligned, to the header, and the monitor is unreachable.
    for offset in [0x1000, 0x1_0000, 0x31] {
        assert_eq!(
            refused(read(&c, mine, offset)),
            ErrorCode::BadOffset,
            "{offset:#x}"
        );
    }
    let write = |offset, value| {
        c.call(
            &Request::Write {
                vaccel: mine,
                offset,
                value,
            },
            None,
        )
    };
    for offset in [0x18, 0x28, 0x0] {
        assert_eq!(
            refused(write(offset, 1)),
            ErrorCode::BadOffset,
            "{offset:#x}"
        );
    }
    // Quotas: pinned memory (1 MiB) and vaccels (2).
    let _b = acc.share(512 * 1024).unwrap();
    match acc.share(768 * 1024) {
        Err(TenantError::Refused {
            code: ErrorCode::Quota,
            ..
        }) => {}
        other => panic!("over the pinned quota: {:?}", other.err()),
    }
    let _second = c.open("hasher").unwrap();
    assert_eq!(
        refused(c.open("linked_list").map(|_| Response::Ok)),
        ErrorCode::Quota
    );
    assert_eq!(
        refused(c.open("fpga_miner").map(|_| Response::Ok)),
        ErrorCode::NotFound
    );
    // Share without a descriptor, with a descriptor that is not a memfd, and a descriptor on a
    // request that takes none.
    assert_eq!(
        refused(c.call(&Request::Share { vaccel: mine }, None)),
        ErrorCode::BadFd
    );
    let file: std::os::fd::OwnedFd = std::fs::File::open("/etc/hostname")
        .or_else(|_| std::fs::File::open("/proc/self/stat"))
        .unwrap()
        .into();
    assert_eq!(
        refused(c.call(&Request::Share { vaccel: mine }, Some(&file))),
        ErrorCode::BadFd
    );
    assert_eq!(
        refused(c.call(&Request::ListKinds, Some(&file))),
        ErrorCode::BadFd
    );
    // Everything above left the daemon serving: a job still runs and checks.
    ok(&tenant(&r.socket, &["hasher", "--lines", "64"])
        .output()
        .unwrap());
    drop((c, other));
    all_free(&r);
}

#[test]
fn a_tenant_killed_mid_job_frees_everything() {
    let r = start("kill");
    let mut child = tenant(
        &r.socket,
        &["membench", "--lines", "8192", "--passes", "1000"],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    // Wait until its slot is running, then kill it.
    let client = Client::connect(&r.socket).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let Response::Status { slots, .. } = client.call(&Request::Status, None).unwrap() else {
            panic!("status")
        };
        if slots.iter().any(|s| s.state == "running") {
            break;
        }
        assert!(Instant::now() < deadline, "the tenant's job never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!r.dev.mappings().is_empty());
    child.kill().unwrap();
    child.wait().unwrap();
    drop(client);
    all_free(&r);
    // The slot is usable again by the next tenant.
    ok(&tenant(&r.socket, &["membench", "--lines", "256"])
        .output()
        .unwrap());
    all_free(&r);
}

#[test]
fn a_user_the_policy_does_not_name_is_refused() {
    let r = start("policy");
    let out = tenant(&r.socket, &["hasher"])
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("user 65534 may not use optimusd"), "{err}");
    // The daemon serves the others.
    ok(&tenant(&r.socket, &["hasher", "--lines", "64"])
        .output()
        .unwrap());
    all_free(&r);
}

#[test]
fn optimusctl_evicts_and_resets_while_the_tenant_is_told_why() {
    let r = start("ctl");
    let c = Client::connect(&r.socket).unwrap();
    let acc = c.open("membench").unwrap();
    let _buf = acc.share(64 * 1024).unwrap();
    let ctl = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_optimusctl"))
            .arg("--socket")
            .arg(&r.socket)
            .args(args)
            .output()
            .unwrap()
    };
    let status = ok(&ctl(&["status"]));
    assert!(
        status.contains("membench") && status.contains(&acc.id().to_string()),
        "{status}"
    );
    let json = ok(&ctl(&["--json", "tenants"]));
    assert!(json.contains("\"pinned_bytes\": 65536"), "{json}");
    ok(&ctl(&["evict", &acc.id().to_string()]));
    assert!(
        r.dev.mappings().is_empty(),
        "evict unmaps the tenant's buffers"
    );
    assert_eq!(
        refused(c.call(
            &Request::Read {
                vaccel: acc.id(),
                offset: 0
            },
            None
        )),
        ErrorCode::NotFound
    );
    let out = ctl(&["evict", "424242"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no vaccel 424242"));
    ok(&ctl(&["reset-slot", "2"]));
    let out = ctl(&["reset-slot", "9"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("slot 9 does not exist"));
    all_free(&r);
}
