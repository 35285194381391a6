// C ABI shim over one Verilated optimus_mux_tree or optimus_shell model (same host ports).
//
// Used by the statically linked tree models of sim-tests (sim-tests/build.rs) and by the shell
// models the driver builds and loads at run time (driver/src/sim/model_cache.rs).
// Compiled once per model, at the end of that model's unity file, with:
//   OPTIMUS_TOP     the Verilated class (e.g. Vmux_n8, Vshell_pair2)
//   OPTIMUS_HEADER  its header ("Vmux_n8.h")
//   OPTIMUS_LEAVES  N (0 for a shell: it has no leaf ports)
//   OPTIMUS_FN(x)   the exported name of function x (optimus_mux_n8_x)
// Packed leaf ports (leaf i at bits [i*W +: W]) are scattered/gathered here so the Rust side
// sees one plain struct per leaf, whatever C++ type Verilator chose for the packed port.

#include OPTIMUS_HEADER
#include "verilated.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif
#include <cstddef>
#include <cstdint>

#include "model_abi.h"

namespace {

// ---- bit-field access, one overload per Verilator port type ----
template <typename T>
inline void put(T& port, unsigned lsb, unsigned width, uint64_t v) {
    const uint64_t mask = (width >= 64) ? ~0ULL : ((1ULL << width) - 1);
    uint64_t p = static_cast<uint64_t>(port);
    p = (p & ~(mask << lsb)) | ((v & mask) << lsb);
    port = static_cast<T>(p);
}
template <std::size_t W>
inline void put(VlWide<W>& port, unsigned lsb, unsigned width, uint64_t v) {
    for (unsigned b = 0; b < width;) {  // at most 3 words for a 64-bit field
        const unsigned word = (lsb + b) / 32, off = (lsb + b) % 32;
        const unsigned n = (32 - off < width - b) ? 32 - off : width - b;
        const uint32_t mask = (n == 32) ? 0xffffffffu : (((1u << n) - 1) << off);
        const uint32_t bits = static_cast<uint32_t>(v >> b) << off;
        port[word] = (port[word] & ~mask) | (bits & mask);
        b += n;
    }
}
template <typename T>
inline uint64_t get(const T& port, unsigned lsb, unsigned width) {
    const uint64_t mask = (width >= 64) ? ~0ULL : ((1ULL << width) - 1);
    return (static_cast<uint64_t>(port) >> lsb) & mask;
}
template <std::size_t W>
inline uint64_t get(const VlWide<W>& port, unsigned lsb, unsigned width) {
    uint64_t v = 0;
    for (unsigned b = 0; b < width;) {
        const unsigned word = (lsb + b) / 32, off = (lsb + b) % 32;
        const unsigned n = (32 - off < width - b) ? 32 - off : width - b;
        const uint64_t bits = (static_cast<uint64_t>(port[word]) >> off) & ((1ULL << n) - 1);
        v |= bits << b;
        b += n;
    }
    return v;
}
// 512-bit lines are always 32-bit aligned, so they copy word by word.
template <std::size_t W>
inline void put_line(VlWide<W>& port, unsigned index, const uint64_t* lanes) {
    for (unsigned k = 0; k < 8; ++k) {
        port[index * 16 + 2 * k] = static_cast<uint32_t>(lanes[k]);
        port[index * 16 + 2 * k + 1] = static_cast<uint32_t>(lanes[k] >> 32);
    }
}
template <std::size_t W>
inline void get_line(const VlWide<W>& port, unsigned index, uint64_t* lanes) {
    for (unsigned k = 0; k < 8; ++k) {
        lanes[k] = static_cast<uint64_t>(port[index * 16 + 2 * k]) |
                   (static_cast<uint64_t>(port[index * 16 + 2 * k + 1]) << 32);
    }
}

// Tracing must be enabled on the context before the model is built.
VerilatedContext* prepared(VerilatedContext& ctx) {
#if VM_TRACE
    ctx.traceEverOn(true);
#endif
    return &ctx;
}

struct Model {
    VerilatedContext ctx;
    OPTIMUS_TOP top{prepared(ctx)};
#if VM_TRACE
    VerilatedVcdC* vcd = nullptr;
#endif
    uint64_t time = 0;  // in half cycles, for the trace
};

void drive(OPTIMUS_TOP& t, const optimus_mux_in& in) {
    t.reset = in.reset;
    const optimus_down& h = in.host;
    t.host_c0_almfull = h.c0_almfull;
    t.host_c1_almfull = h.c1_almfull;
    t.host_rd_rsp_valid = h.rd_rsp.valid;
    t.host_rd_rsp_mdata = h.rd_rsp.mdata;
    t.host_rd_rsp_cl_num = h.rd_rsp.cl_num & 3;
    put_line(t.host_rd_rsp_data, 0, h.rd_rsp.data);
    t.host_wr_rsp_valid = h.wr_rsp.valid;
    t.host_wr_rsp_mdata = h.wr_rsp.mdata;
    t.host_mmio_valid = h.mmio_req.valid;
    t.host_mmio_write = h.mmio_req.write;
    t.host_mmio_addr = h.mmio_req.addr;
    t.host_mmio_tid = h.mmio_req.tid & 0x1ff;
    t.host_mmio_wdata = h.mmio_req.wdata;
#if OPTIMUS_LEAVES > 0
    for (unsigned i = 0; i < OPTIMUS_LEAVES; ++i) {
        const optimus_up& l = in.leaf[i];
        put(t.leaf_rd_req_valid, i, 1, l.rd_req.valid);
        put(t.leaf_rd_req_addr, i * 42, 42, l.rd_req.addr);
        put(t.leaf_rd_req_cl_len, i * 2, 2, l.rd_req.cl_len);
        put(t.leaf_rd_req_mdata, i * 16, 16, l.rd_req.mdata);
        put(t.leaf_wr_req_valid, i, 1, l.wr_req.valid);
        put(t.leaf_wr_req_addr, i * 42, 42, l.wr_req.addr);
        put(t.leaf_wr_req_cl_len, i * 2, 2, l.wr_req.cl_len);
        put(t.leaf_wr_req_sop, i, 1, l.wr_req.sop);
        put(t.leaf_wr_req_mdata, i * 16, 16, l.wr_req.mdata);
        put_line(t.leaf_wr_req_data, i, l.wr_req.data);
        put(t.leaf_mmio_rsp_valid, i, 1, l.mmio_rsp.valid);
        put(t.leaf_mmio_rsp_tid, i * 9, 9, l.mmio_rsp.tid);
        put(t.leaf_mmio_rsp_data, i * 64, 64, l.mmio_rsp.data);
    }
#endif
}

void sample(const OPTIMUS_TOP& t, optimus_mux_out& out) {
    optimus_up& h = out.host;
    h.rd_req.valid = t.host_rd_req_valid;
    h.rd_req.addr = t.host_rd_req_addr;
    h.rd_req.cl_len = t.host_rd_req_cl_len;
    h.rd_req.mdata = t.host_rd_req_mdata;
    h.wr_req.valid = t.host_wr_req_valid;
    h.wr_req.addr = t.host_wr_req_addr;
    h.wr_req.cl_len = t.host_wr_req_cl_len;
    h.wr_req.sop = t.host_wr_req_sop;
    h.wr_req.mdata = t.host_wr_req_mdata;
    get_line(t.host_wr_req_data, 0, h.wr_req.data);
    h.mmio_rsp.valid = t.host_mmio_rsp_valid;
    h.mmio_rsp.tid = t.host_mmio_rsp_tid;
    h.mmio_rsp.data = t.host_mmio_rsp_data;
#if OPTIMUS_LEAVES > 0
    for (unsigned i = 0; i < OPTIMUS_LEAVES; ++i) {
        optimus_down& l = out.leaf[i];
        l.c0_almfull = get(t.leaf_c0_almfull, i, 1);
        l.c1_almfull = get(t.leaf_c1_almfull, i, 1);
        l.rd_rsp.valid = get(t.leaf_rd_rsp_valid, i, 1);
        l.rd_rsp.mdata = static_cast<uint16_t>(get(t.leaf_rd_rsp_mdata, i * 16, 16));
        l.rd_rsp.cl_num = static_cast<uint8_t>(get(t.leaf_rd_rsp_cl_num, i * 2, 2));
        get_line(t.leaf_rd_rsp_data, i, l.rd_rsp.data);
        l.wr_rsp.valid = get(t.leaf_wr_rsp_valid, i, 1);
        l.wr_rsp.mdata = static_cast<uint16_t>(get(t.leaf_wr_rsp_mdata, i * 16, 16));
        l.mmio_req.valid = get(t.leaf_mmio_valid, i, 1);
        l.mmio_req.write = get(t.leaf_mmio_write, i, 1);
        l.mmio_req.addr = static_cast<uint16_t>(get(t.leaf_mmio_addr, i * 16, 16));
        l.mmio_req.tid = static_cast<uint16_t>(get(t.leaf_mmio_tid, i * 9, 9));
        l.mmio_req.wdata = get(t.leaf_mmio_wdata, i * 64, 64);
    }
#endif
}

void dump(Model* m) {
#if VM_TRACE
    if (m->vcd) m->vcd->dump(m->time * 5);
#endif
    m->time += 1;
}

}  // namespace

// The Rust side checks these sizes against its own (src/ports.rs).
static_assert(sizeof(optimus_up) == 112, "optimus_up layout");
static_assert(sizeof(optimus_down) == 104, "optimus_down layout");
static_assert(sizeof(optimus_mux_in) == 1904, "optimus_mux_in layout");
static_assert(sizeof(optimus_mux_out) == 1776, "optimus_mux_out layout");
static_assert(offsetof(optimus_down, rd_rsp) == 8, "optimus_down layout");
static_assert(offsetof(optimus_up, wr_req) == 16, "optimus_up layout");

extern "C" {

void* OPTIMUS_FN(new)(void) {
    Model* m = new Model;
    m->top.clk = 0;
    m->top.eval();
    return m;
}

void OPTIMUS_FN(delete)(void* handle) {
    Model* m = static_cast<Model*>(handle);
#if VM_TRACE
    if (m->vcd) {
        m->vcd->close();
        delete m->vcd;
    }
#endif
    m->top.final();
    delete m;
}

// Applies the inputs without a clock edge and reads the outputs back.
void OPTIMUS_FN(eval)(void* handle, const optimus_mux_in* in, optimus_mux_out* out) {
    Model* m = static_cast<Model*>(handle);
    drive(m->top, *in);
    m->top.eval();
    sample(m->top, *out);
}

// One clock cycle: the tree samples `in` at the rising edge; `out` gets what it presents next.
void OPTIMUS_FN(tick)(void* handle, const optimus_mux_in* in, optimus_mux_out* out) {
    Model* m = static_cast<Model*>(handle);
    drive(m->top, *in);
    m->top.clk = 0;
    m->top.eval();
    dump(m);
    m->top.clk = 1;
    m->top.eval();
    dump(m);
    sample(m->top, *out);
}

// Opens a VCD file; returns 0, or -1 when the model was built without tracing.
int OPTIMUS_FN(trace_open)(void* handle, const char* path) {
#if VM_TRACE
    Model* m = static_cast<Model*>(handle);
    if (m->vcd) return 0;
    m->vcd = new VerilatedVcdC;
    m->top.trace(m->vcd, 99);
    m->vcd->open(path);
    return 0;
#else
    (void)handle;
    (void)path;
    return -1;
#endif
}

// Closes the VCD file opened by trace_open (no-op when none is open).
void OPTIMUS_FN(trace_close)(void* handle) {
#if VM_TRACE
    Model* m = static_cast<Model*>(handle);
    if (m->vcd) {
        m->vcd->close();
        delete m->vcd;
        m->vcd = nullptr;
    }
#else
    (void)handle;
#endif
}

}  // extern "C"
