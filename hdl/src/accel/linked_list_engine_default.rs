//! `Default` for [`Engine`]: every port and register default, constants from `optimus-regs`.

use super::*;

// The snapshot line is packed by position (`Pack8` w0..w5); the map must agree.
const _: () = assert!(
    snapshot::CUR_ADDR_WORD == 0
        && snapshot::SUM_WORD == 1
        && snapshot::NODES_WORD == 2
        && snapshot::CYCLES_WORD == 3
        && snapshot::LAST_ADDR_WORD == 4
        && snapshot::MAGIC_WORD == 5
);

/// Bit offset of 64-bit word `w` of a line.
fn word(w: usize) -> Constant<Bits<9>> {
    k((64 * w) as u64)
}

impl Default for Engine {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start_new: Default::default(),
            start_resume: Default::default(),
            pause: Default::default(),
            head_addr: Default::default(),
            max_nodes: Default::default(),
            snapshot_addr: Default::default(),
            state: Default::default(),
            sum: Default::default(),
            nodes: Default::default(),
            cycles: Default::default(),
            last_addr: Default::default(),
            c0_almfull: Default::default(),
            c1_almfull: Default::default(),
            rd_req_valid: Default::default(),
            rd_req_addr: Default::default(),
            rd_req_cl_len: Default::default(),
            rd_req_mdata: Default::default(),
            rd_rsp_valid: Default::default(),
            rd_rsp_mdata: Default::default(),
            rd_rsp_cl_num: Default::default(),
            rd_rsp_data: Default::default(),
            wr_req_valid: Default::default(),
            wr_req_addr: Default::default(),
            wr_req_cl_len: Default::default(),
            wr_req_sop: Default::default(),
            wr_req_mdata: Default::default(),
            wr_req_data: Default::default(),
            wr_rsp_valid: Default::default(),
            wr_rsp_mdata: Default::default(),
            snap: Default::default(),
            fsm: Default::default(),
            state_q: Default::default(),
            pause_req: Default::default(),
            cur: Default::default(),
            sum_q: Default::default(),
            nodes_q: Default::default(),
            cycles_q: Default::default(),
            last_q: Default::default(),
            rd_v: Default::default(),
            rd_addr: Default::default(),
            rd_mdata: Default::default(),
            wr_v: Default::default(),
            nst: Default::default(),
            word0: Default::default(),
            ptr: Default::default(),
            ptr_ends: Default::default(),
            nodes_inc: Default::default(),
            at_max: Default::default(),
            node_rsp: Default::default(),
            snap_rsp: Default::default(),
            ready: Default::default(),
            unused_rsp: Default::default(),
            unused_cl_num: Default::default(),
            unused_snapshot_addr: Default::default(),
            s_idle: k(st::IDLE),
            s_issue: k(st::ISSUE),
            s_wait: k(st::WAIT),
            s_fin: k(st::FIN),
            s_save: k(st::SAVE),
            s_save_wait: k(st::SAVE_WAIT),
            s_paused: k(st::PAUSED),
            s_load: k(st::LOAD),
            s_load_wait: k(st::LOAD_WAIT),
            v_idle: k(State::Idle as u64),
            v_running: k(State::Running as u64),
            v_finished: k(State::Finished as u64),
            v_paused: k(State::Paused as u64),
            tag_node: k(tag::NODE),
            tag_snap_rd: k(tag::SNAP_RD),
            tag_snap_wr: k(tag::SNAP_WR),
            line_mask: k(LINE_MASK),
            high_mask: k(!((1 << ADDR_BITS) - 1)),
            offset_mask: k(node::OFFSET_MASK),
            magic: k(snapshot::MAGIC),
            zero64: k(0),
            one64: k(1),
            zero2: k(0),
            line_at: k(LINE_BYTES.trailing_zeros() as u64),
            next_at: word(node::NEXT_WORD),
            value_at: word(node::VALUE_WORD),
            sum_at: word(snapshot::SUM_WORD),
            nodes_at: word(snapshot::NODES_WORD),
            cycles_at: word(snapshot::CYCLES_WORD),
            last_at: word(snapshot::LAST_ADDR_WORD),
            magic_at: word(snapshot::MAGIC_WORD),
        }
    }
}
