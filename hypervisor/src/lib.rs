//! optimusd, the Optimus-RS hypervisor daemon, with its tenant library and wire protocol.
//!
//! * [`tenant`]: the library tenants link (connect, open a vaccel, share buffers, registers,
//!   start and wait, close).
//! * [`proto`]: the messages on optimusd's `SOCK_SEQPACKET` socket.
//! * [`policy`]: optimusd's configuration file (socket, served configuration, who may do what).
//! * [`state`]: slots, vaccels, slices, buffers and quotas: every check tenants meet.
//! * [`server`]: the socket, one thread per tenant, the clock thread, a clean stop.
//!
//! The hypervisor knows policy; devices are the driver's (`optimus-driver`).

pub mod policy;
pub mod proto;
pub mod server;
pub mod state;
pub mod tenant;

pub use server::default_socket;
