//! The hypervisor's state and policy, without sockets: slots, vaccels, slices, shared buffers,
//! tenants and their quotas. Every tenant-facing check happens here.
//!
//! Spatial sharing (design.md §6): one vaccel per slot; the vaccel in slot i owns the IOVA slice
//! `[(i + 1)·S, (i + 2)·S)` (S = `slice_gib`), programmed into SLICE_BASE/SLICE_LIMIT before the
//! tenant can reach the slot. Each shared buffer is mapped into that slice at the next free
//! 4 KiB-aligned address, and the tenant gets the slot-relative address back. Tenants never name
//! IOVAs, slots or monitor registers.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use optimus_driver::{Device, DeviceError, DmaBuffer, DmaPerm, Iova};
use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::monitor::{SlotReg, fault};
use optimus_regs::{PAGE_SIZE, REG_BYTES};

use crate::policy::Rule;
use crate::proto::{BufferId, ErrorCode, KindInfo, SlotInfo, TenantInfo, VaccelId};

/// A tenant connection's id.
pub type TenantId = u64;

/// A refused request: a code for programs and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Machine-readable kind.
    pub code: ErrorCode,
    /// What happened and what to do.
    pub message: String,
}

fn refuse(code: ErrorCode, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

impl From<DeviceError> for Refusal {
    fn from(e: DeviceError) -> Self {
        refuse(ErrorCode::Device, format!("device error: {e}"))
    }
}

struct Buffer {
    iova: Iova,
    len: u64,
}

struct Vaccel {
    tenant: TenantId,
    slot: usize,
    buffers: BTreeMap<BufferId, Buffer>,
    /// Next free slot-relative byte address in the slice.
    next_addr: u64,
    running: bool,
}

struct Tenant {
    pid: i32,
    uid: u32,
    rule: Rule,
    vaccels: Vec<VaccelId>,
    pinned: u64,
}

/// The hypervisor.
pub struct Hypervisor {
    dev: Arc<Device>,
    kinds: Vec<String>,
    occupant: Vec<Option<VaccelId>>,
    vaccels: HashMap<VaccelId, Vaccel>,
    tenants: HashMap<TenantId, Tenant>,
    next_id: u64,
    slice_bytes: u64,
    /// Vaccels started and not yet seen finished: the clock thread runs while this is > 0.
    running: Arc<AtomicUsize>,
}

impl Hypervisor {
    /// Serves `dev` with slices of `slice_bytes`. Every slot starts reset, with no slice.
    pub fn new(dev: Arc<Device>, slice_bytes: u64) -> Result<Self, DeviceError> {
        let kinds: Vec<String> = dev
            .manifest()
            .slots
            .iter()
            .map(|k| k.name().to_string())
            .collect();
        let n = kinds.len();
        let hyp = Self {
            dev,
            kinds,
            occupant: vec![None; n],
            vaccels: HashMap::new(),
            tenants: HashMap::new(),
            next_id: 1,
            slice_bytes,
            running: Arc::new(AtomicUsize::new(0)),
        };
        for slot in 0..n {
            hyp.scrub(slot)?;
        }
        Ok(hyp)
    }

    /// The device.
    pub fn device(&self) -> &Arc<Device> {
        &self.dev
    }

    /// How many vaccels may be running (for the clock thread).
    pub fn running_counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.running)
    }

    /// A new tenant with its policy rule.
    pub fn add_tenant(&mut self, pid: i32, uid: u32, rule: Rule) -> TenantId {
        let id = self.fresh_id();
        let tenant = Tenant {
            pid,
            uid,
            rule,
            vaccels: Vec::new(),
            pinned: 0,
        };
        self.tenants.insert(id, tenant);
        id
    }

    fn fresh_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The tenant is gone: everything it had is freed. Errors are logged, not returned: the
    /// rest must be freed anyway.
    pub fn remove_tenant(&mut self, tenant: TenantId) {
        let Some(t) = self.tenants.get(&tenant) else {
            return;
        };
        for v in t.vaccels.clone() {
            if let Err(e) = self.close_vaccel(v) {
                tracing::error!(
                    vaccel = v,
                    "freeing vaccel of a departed tenant: {}",
                    e.message
                );
            }
        }
        self.tenants.remove(&tenant);
    }

    /// Whether the tenant may use the optimusctl requests.
    pub fn is_admin(&self, tenant: TenantId) -> bool {
        self.tenants.get(&tenant).is_some_and(|t| t.rule.admin)
    }

    /// Kinds of the configuration with free and total slots.
    pub fn kinds(&self) -> Vec<KindInfo> {
        let mut out: Vec<KindInfo> = Vec::new();
        for (slot, kind) in self.kinds.iter().enumerate() {
            let free = usize::from(self.occupant[slot].is_none());
            match out.iter_mut().find(|k| &k.kind == kind) {
                Some(k) => {
                    k.total += 1;
                    k.free += free;
                }
                None => out.push(KindInfo {
                    kind: kind.clone(),
                    total: 1,
                    free,
                }),
            }
        }
        out
    }

    /// Opens a vaccel of `kind` for `tenant` in a free slot: slice programmed, slot clean.
    pub fn open(&mut self, tenant: TenantId, kind: &str) -> Result<(VaccelId, usize), Refusal> {
        let t = self.tenant(tenant)?;
        if !self.kinds.iter().any(|k| k == kind) {
            return Err(refuse(
                ErrorCode::NotFound,
                format!(
                    "no accelerator kind `{kind}` here; kinds: {}",
                    self.kind_list()
                ),
            ));
        }
        if !t.rule.allows_kind(kind) {
            return Err(refuse(
                ErrorCode::Denied,
                format!("the policy does not allow user {} to open `{kind}`", t.uid),
            ));
        }
        if t.vaccels.len() >= t.rule.max_vaccels {
            return Err(refuse(
                ErrorCode::Quota,
                format!(
                    "user {} may have {} vaccels open at once; close one first",
                    t.uid, t.rule.max_vaccels
                ),
            ));
        }
        let slot = (0..self.kinds.len())
            .find(|&s| self.kinds[s] == kind && self.occupant[s].is_none())
            .ok_or_else(|| {
                refuse(
                    ErrorCode::Busy,
                    format!("every `{kind}` slot is taken; try again later"),
                )
            })?;
        let lines = self.slice_bytes >> 6;
        let base = self.slice_iova(slot).0 >> 6;
        self.dev.set_slot_reg(slot, SlotReg::SliceBase, base)?;
        self.dev.set_slot_reg(slot, SlotReg::SliceLimit, lines)?;
        let id = self.fresh_id();
        self.occupant[slot] = Some(id);
        let vaccel = Vaccel {
            tenant,
            slot,
            buffers: BTreeMap::new(),
            next_addr: 0,
            running: false,
        };
        self.vaccels.insert(id, vaccel);
        self.tenants
            .get_mut(&tenant)
            .expect("checked above")
            .vaccels
            .push(id);
        tracing::info!(tenant, vaccel = id, slot, kind, "opened");
        Ok((id, slot))
    }

    fn kind_list(&self) -> String {
        let mut k = self.kinds.clone();
        k.dedup();
        k.join(", ")
    }

    fn slice_iova(&self, slot: usize) -> Iova {
        Iova((slot as u64 + 1) * self.slice_bytes)
    }

    fn tenant(&self, tenant: TenantId) -> Result<&Tenant, Refusal> {
        self.tenants
            .get(&tenant)
            .ok_or_else(|| refuse(ErrorCode::NotFound, "unknown tenant"))
    }

    /// The vaccel if `tenant` owns it (administrators too use only their own: they evict
    /// others' vaccels, they do not drive them).
    fn owned(&self, tenant: TenantId, vaccel: VaccelId) -> Result<&Vaccel, Refusal> {
        match self.vaccels.get(&vaccel) {
            Some(v) if v.tenant == tenant => Ok(v),
            _ => Err(refuse(
                ErrorCode::NotFound,
                format!("no vaccel {vaccel} of yours; open one first"),
            )),
        }
    }

    /// Maps `buf` into the vaccel's slice; its id and slot-relative address.
    pub fn share(
        &mut self,
        tenant: TenantId,
        vaccel: VaccelId,
        buf: DmaBuffer,
    ) -> Result<(BufferId, u64, u64), Refusal> {
        let len = buf.len() as u64;
        let v = self.owned(tenant, vaccel)?;
        let t = self.tenant(tenant)?;
        let quota = t.rule.max_pinned_mib << 20;
        if t.pinned + len > quota {
            return Err(refuse(
                ErrorCode::Quota,
                format!(
                    "sharing {len} more bytes would pin {} of the {quota} bytes user {} may pin",
                    t.pinned + len,
                    t.uid
                ),
            ));
        }
        let addr = v.next_addr;
        if addr + len > self.slice_bytes {
            return Err(refuse(ErrorCode::Quota, "the vaccel's IOVA slice is full"));
        }
        let iova = Iova(self.slice_iova(v.slot).0 + addr);
        self.dev.map_dma(iova, Arc::new(buf), DmaPerm::ReadWrite)?;
        let id = self.fresh_id();
        let v = self.vaccels.get_mut(&vaccel).expect("owned above");
        v.buffers.insert(id, Buffer { iova, len });
        v.next_addr = (addr + len).next_multiple_of(PAGE_SIZE);
        self.tenants.get_mut(&tenant).expect("checked").pinned += len;
        tracing::info!(tenant, vaccel, buffer = id, addr, len, "shared");
        Ok((id, addr, len))
    }

    /// Unmaps one buffer.
    pub fn unshare(
        &mut self,
        tenant: TenantId,
        vaccel: VaccelId,
        buffer: BufferId,
    ) -> Result<(), Refusal> {
        let v = self.owned(tenant, vaccel)?;
        let Some(b) = v.buffers.get(&buffer) else {
            return Err(refuse(
                ErrorCode::NotFound,
                format!("no buffer {buffer} on vaccel {vaccel}"),
            ));
        };
        if v.running {
            return Err(refuse(
                ErrorCode::Busy,
                "the accelerator may be using the buffer: wait for it to finish first",
            ));
        }
        let (iova, len, owner) = (b.iova, b.len, v.tenant);
        self.dev.unmap_dma(iova)?;
        self.vaccels
            .get_mut(&vaccel)
            .expect("owned")
            .buffers
            .remove(&buffer);
        if let Some(t) = self.tenants.get_mut(&owner) {
            t.pinned -= len;
        }
        Ok(())
    }

    fn check_offset(offset: u64, write: bool) -> Result<(), Refusal> {
        if offset % REG_BYTES != 0 || offset >= PAGE_SIZE {
            return Err(refuse(
                ErrorCode::BadOffset,
                format!("offset {offset:#x} is not an 8-byte register of the 4 KiB slot page"),
            ));
        }
        if write && offset < optimus_regs::accel::APP_BASE {
            return Err(refuse(
                ErrorCode::BadOffset,
                format!(
                    "offset {offset:#x} is a header register: tenants write application \
                     registers (from {:#x}); start jobs with `start`",
                    optimus_regs::accel::APP_BASE
                ),
            ));
        }
        Ok(())
    }

    /// The slot page base of the vaccel, after the offset check.
    fn page(
        &self,
        tenant: TenantId,
        vaccel: VaccelId,
        offset: u64,
        write: bool,
    ) -> Result<u64, Refusal> {
        let v = self.owned(tenant, vaccel)?;
        Self::check_offset(offset, write)?;
        Ok(self.dev.slot_page(v.slot)? + offset)
    }

    /// Reads a register of the vaccel's page.
    pub fn read(&self, tenant: TenantId, vaccel: VaccelId, offset: u64) -> Result<u64, Refusal> {
        let at = self.page(tenant, vaccel, offset, false)?;
        Ok(self.dev.mmio_read(at)?)
    }

    /// Writes an application register of the vaccel's page.
    pub fn write(
        &self,
        tenant: TenantId,
        vaccel: VaccelId,
        offset: u64,
        value: u64,
    ) -> Result<(), Refusal> {
        let at = self.page(tenant, vaccel, offset, true)?;
        Ok(self.dev.mmio_write(at, value)?)
    }

    /// CTL = START_NEW.
    pub fn start(&mut self, tenant: TenantId, vaccel: VaccelId) -> Result<(), Refusal> {
        let slot = self.owned(tenant, vaccel)?.slot;
        let at = self.dev.slot_page(slot)? + AccelReg::Ctl.offset();
        self.dev.mmio_write(at, Ctl::StartNew as u64)?;
        self.set_running(vaccel, true);
        Ok(())
    }

    fn set_running(&mut self, vaccel: VaccelId, on: bool) {
        if let Some(v) = self.vaccels.get_mut(&vaccel)
            && v.running != on
        {
            v.running = on;
            if on {
                self.running.fetch_add(1, Ordering::SeqCst);
            } else {
                self.running.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// The vaccel's STATE; a state other than running ends its claim on the clock.
    pub fn state(&mut self, tenant: TenantId, vaccel: VaccelId) -> Result<u64, Refusal> {
        let slot = self.owned(tenant, vaccel)?.slot;
        let state = self
            .dev
            .mmio_read(self.dev.slot_page(slot)? + AccelReg::State.offset())?;
        if state != State::Running as u64 {
            self.set_running(vaccel, false);
        }
        Ok(state)
    }

    /// FAULT and FAULT_ADDR of the vaccel's slot.
    pub fn faults(&self, tenant: TenantId, vaccel: VaccelId) -> Result<(u64, u64), Refusal> {
        let slot = self.owned(tenant, vaccel)?.slot;
        Ok((
            self.dev.slot_reg(slot, SlotReg::Fault)?,
            self.dev.slot_reg(slot, SlotReg::FaultAddr)?,
        ))
    }

    /// Closes a vaccel the tenant owns (or any, for an admin).
    pub fn close(&mut self, tenant: TenantId, vaccel: VaccelId) -> Result<(), Refusal> {
        self.owned(tenant, vaccel)?;
        self.close_vaccel(vaccel)
    }

    /// Slot reset (no DMA after this), buffers unmapped, slice cleared, slot returned.
    fn close_vaccel(&mut self, vaccel: VaccelId) -> Result<(), Refusal> {
        self.set_running(vaccel, false);
        let Some(v) = self.vaccels.remove(&vaccel) else {
            return Ok(());
        };
        let reset = self.scrub(v.slot);
        let mut unmapped = 0;
        for b in v.buffers.values() {
            match self.dev.unmap_dma(b.iova) {
                Ok(_) => unmapped += b.len,
                Err(e) => tracing::error!(vaccel, iova = b.iova.0, "unmap failed: {e}"),
            }
        }
        if let Some(t) = self.tenants.get_mut(&v.tenant) {
            t.pinned -= v.buffers.values().map(|b| b.len).sum::<u64>();
            t.vaccels.retain(|&x| x != vaccel);
        }
        self.occupant[v.slot] = None;
        tracing::info!(vaccel, slot = v.slot, unmapped, "closed");
        reset.map_err(Refusal::from)
    }

    /// Resets a slot and clears its slice and faults.
    fn scrub(&self, slot: usize) -> Result<(), DeviceError> {
        self.dev.slot_reset(slot)?;
        self.dev.set_slot_reg(slot, SlotReg::SliceLimit, 0)?;
        self.dev.set_slot_reg(slot, SlotReg::SliceBase, 0)?;
        self.dev.set_slot_reg(
            slot,
            SlotReg::Fault,
            fault::READ | fault::WRITE | fault::CLEAR_COUNT,
        )
    }

    /// optimusctl reset-slot: evicts the occupant, if any, then resets.
    pub fn reset_slot(&mut self, slot: usize) -> Result<(), Refusal> {
        self.dev.slot(slot)?;
        match self.occupant[slot] {
            Some(v) => self.close_vaccel(v),
            None => Ok(self.scrub(slot)?),
        }
    }

    /// Evicts a vaccel (admin).
    pub fn evict(&mut self, vaccel: VaccelId) -> Result<(), Refusal> {
        if !self.vaccels.contains_key(&vaccel) {
            return Err(refuse(ErrorCode::NotFound, format!("no vaccel {vaccel}")));
        }
        self.close_vaccel(vaccel)
    }

    /// Every slot.
    pub fn status(&self) -> Result<Vec<SlotInfo>, Refusal> {
        let mut out = Vec::new();
        for (slot, kind) in self.kinds.iter().enumerate() {
            let vaccel = self.occupant[slot];
            let tenant_pid = vaccel
                .and_then(|v| self.vaccels.get(&v))
                .and_then(|v| self.tenants.get(&v.tenant))
                .map(|t| t.pid);
            let raw = self
                .dev
                .mmio_read(self.dev.slot_page(slot)? + AccelReg::State.offset())?;
            let state = match State::from_raw(raw) {
                Some(State::Idle) => "idle",
                Some(State::Running) => "running",
                Some(State::Finished) => "finished",
                Some(State::Paused) => "paused",
                None => "unknown",
            };
            out.push(SlotInfo {
                slot,
                kind: kind.clone(),
                vaccel,
                tenant_pid,
                state: state.into(),
                fault: self.dev.slot_reg(slot, SlotReg::Fault)?,
                rd_lines: self.dev.slot_reg(slot, SlotReg::RdLines)?,
                wr_lines: self.dev.slot_reg(slot, SlotReg::WrLines)?,
            });
        }
        Ok(out)
    }

    /// Every tenant.
    pub fn tenant_list(&self) -> Vec<TenantInfo> {
        let mut out: Vec<TenantInfo> = self
            .tenants
            .values()
            .map(|t| TenantInfo {
                pid: t.pid,
                uid: t.uid,
                vaccels: t.vaccels.clone(),
                pinned_bytes: t.pinned,
            })
            .collect();
        out.sort_by_key(|t| t.pid);
        out
    }

    /// Frees everything (shutdown).
    pub fn shutdown(&mut self) {
        let tenants: Vec<TenantId> = self.tenants.keys().copied().collect();
        for t in tenants {
            self.remove_tenant(t);
        }
    }
}
