//! The port structs of the models' C ABI, defined once in the driver
//! (`optimus_driver::sim::ports`, mirroring `driver/csrc/model_abi.h`).

pub use optimus_driver::sim::ports::*;
