//! The multiplexer tree: N accelerator leaves share one host port at full clock rate.
//!
//! Blocks, leaf to root: [`ingress::LeafIngress`] (per leaf and channel, almfull and
//! store-and-forward), [`arbiter::Arbiter`] (weighted deficit round-robin node with a
//! registered output FIFO), [`root::RootPort`] (host side), [`down::DownRouter`] (responses
//! and MMIO on the way down), all assembled by [`tree::MuxTree`] on a [`shape::TreeShape`].

pub mod arbiter;
pub mod down;
pub mod fifo;
pub mod ingress;
pub mod root;
pub mod shape;
mod sim_wiring;
pub mod tree;
pub mod wiring;
