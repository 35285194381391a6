// C ABI between the Verilated optimus_mux_tree / optimus_shell models and Rust
// (driver/src/sim/ports.rs mirrors it).
//
// One port set per direction: `optimus_up` travels toward the host (requests, MMIO
// responses), `optimus_down` travels toward the leaves (almfull, responses, MMIO requests).
// A leaf drives an `optimus_up` into the tree and sees an `optimus_down`; the root presents
// an `optimus_up` to the host and sees an `optimus_down` from it. Leaves are padded to 16 so
// every model of every leaf count shares one layout.
#ifndef OPTIMUS_MUX_ABI_H
#define OPTIMUS_MUX_ABI_H

#include <stdbool.h>
#include <stdint.h>

#define OPTIMUS_MAX_LEAVES 16

typedef struct { uint64_t addr; uint16_t mdata; bool valid; uint8_t cl_len; } optimus_rd_req;
typedef struct {
    uint64_t data[8];
    uint64_t addr;
    uint16_t mdata;
    bool valid;
    uint8_t cl_len;
    bool sop;
} optimus_wr_req;
typedef struct { uint64_t data[8]; uint16_t mdata; bool valid; uint8_t cl_num; } optimus_rd_rsp;
typedef struct { uint16_t mdata; bool valid; } optimus_wr_rsp;
typedef struct { uint64_t wdata; uint16_t addr; uint16_t tid; bool valid; bool write; } optimus_mmio_req;
typedef struct { uint64_t data; uint16_t tid; bool valid; } optimus_mmio_rsp;

typedef struct {
    optimus_rd_req rd_req;
    optimus_wr_req wr_req;
    optimus_mmio_rsp mmio_rsp;
} optimus_up;

typedef struct {
    bool c0_almfull;
    bool c1_almfull;
    optimus_rd_rsp rd_rsp;
    optimus_wr_rsp wr_rsp;
    optimus_mmio_req mmio_req;
} optimus_down;

// Everything the testbench drives in one cycle.
typedef struct {
    bool reset;
    optimus_down host;
    optimus_up leaf[OPTIMUS_MAX_LEAVES];
} optimus_mux_in;

// Everything the tree presents in one cycle.
typedef struct {
    optimus_up host;
    optimus_down leaf[OPTIMUS_MAX_LEAVES];
} optimus_mux_out;

#endif
