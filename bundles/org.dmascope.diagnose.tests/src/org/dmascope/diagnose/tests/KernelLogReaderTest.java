package org.dmascope.diagnose.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.diagnose.log.KernelLog;
import org.dmascope.diagnose.log.KernelLogEntry;
import org.dmascope.diagnose.log.KernelLogReader;
import org.dmascope.diagnose.log.KernelMessage;
import org.junit.jupiter.api.Test;

/** Kernel log lines written from the kernel's own format strings, in each format the reader takes. */
class KernelLogReaderTest {

    // pci_warn(client, ...) in drivers/pci/p2pdma.c (v5.10 to v6.x), pci_warn(root, ...) in
    // __host_bridge_whitelist(), amd_iommu_report_page_fault(), dmar_fault_do_one(),
    // iommu_subsys_init(), nvidia-peermem's peer_err(), check_version(), the ACS override patch.
    static final String DMESG = """
            [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
            [    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=/dev/sda1 ro iommu=pt pcie_acs_override=downstream
            [    0.000000] Warning: PCIe ACS overrides enabled; This may allow non-IOMMU protected peer-to-peer DMA
            [    0.380884] iommu: Default domain type: Passthrough (set via kernel command line)
            [   12.345678] nvme 0000:41:00.0: ACS redirect is set between the client and provider (0000:01:00.0)
            [   12.345690] nvme 0000:41:00.0: to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=0000:40:01.1;0000:00:01.1
            [   12.345700] nvme 0000:41:00.0: cannot be used for peer-to-peer DMA as the client and provider (0000:01:00.0) do not share an upstream bridge or whitelisted host bridge
            [   12.345710] pci 0000:00:00.0: Host bridge not in P2PDMA whitelist: 8086:1237
            [  262.094625] amdgpu 0000:03:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0010 address=0x64a7f000 flags=0x0000]
            [  262.100000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:0a:00.0 domain=0x001d address=0x637c000 flags=0x0020]
            [  300.000001] DMAR: [DMA Write NO_PASID] Request device [00:02.0] fault addr 0x6df084000 [fault reason 0x05] PTE Write access is not set
            [  400.500000] nvidia-peermem nv_get_p2p_free_callback:126 nv_get_p2p_free_callback -- invalid nv_mem_context
            [  401.000000] nvidia_peermem: disagrees about version of symbol ib_register_peer_memory_client
            [  401.000001] nvidia_peermem: Unknown symbol ib_register_peer_memory_client (err -22)
            """;

    @Test
    void dmesgLinesBecomeTimedEntriesOfTheirKind() throws InputException {
        KernelLog log = KernelLogReader.parse(DMESG, "dmesg.txt");
        assertEquals(KernelLog.Format.DMESG, log.format());
        assertEquals(14, log.entries().size(), "no line is dropped");
        assertEquals(KernelMessage.OTHER, log.entries().get(0).kind());
        assertEquals("iommu=pt", log.of(KernelMessage.COMMAND_LINE).get(0).fields().get("cmdline").split(" ")[3]);
        assertEquals(1, log.of(KernelMessage.PCIE_ACS_OVERRIDE).size());
        assertEquals("Passthrough", log.of(KernelMessage.IOMMU_DEFAULT_DOMAIN).get(0).fields().get("type"));

        KernelLogEntry acs = log.of(KernelMessage.P2PDMA_ACS_REDIRECT).get(0);
        assertEquals(PciAddress.parse("0000:41:00.0"), acs.device());
        assertEquals("nvme", acs.driver());
        assertEquals("0000:01:00.0", acs.fields().get("provider"));
        assertEquals(12.34568, acs.seconds(), 1e-5);
        assertEquals(5, acs.line());
        assertEquals("0000:40:01.1;0000:00:01.1", log.of(KernelMessage.P2PDMA_DISABLE_ACS_REDIR).get(0).fields().get("list"));
        assertEquals(" or whitelisted host bridge", log.of(KernelMessage.P2PDMA_NOT_SUPPORTED).get(0).fields().get("rest"));
        KernelLogEntry hb = log.of(KernelMessage.P2PDMA_HOST_BRIDGE_NOT_LISTED).get(0);
        assertEquals("1237", hb.fields().get("deviceId"));

        List<KernelLogEntry> amd = log.of(KernelMessage.AMD_IOMMU_PAGE_FAULT);
        assertEquals(PciAddress.parse("0000:03:00.0"), amd.get(0).device());
        assertEquals("0x64a7f000", amd.get(0).fields().get("address"));
        assertEquals(PciAddress.parse("0000:0a:00.0"), amd.get(1).device(), "device= names the faulting function");
        KernelLogEntry dmar = log.of(KernelMessage.INTEL_DMAR_FAULT).get(0);
        assertEquals(PciAddress.parse("0000:00:02.0"), dmar.device());
        assertEquals("DMA Write", dmar.fields().get("type"));
        assertEquals("05", dmar.fields().get("reason"));
        assertEquals("PTE Write access is not set", dmar.fields().get("why"));

        KernelLogEntry free = log.of(KernelMessage.PEERMEM_FREE_CALLBACK).get(0);
        assertEquals("nvidia-peermem", free.fields().get("module"));
        assertEquals("nv_get_p2p_free_callback -- invalid nv_mem_context", free.fields().get("detail"));
        assertEquals("ib_register_peer_memory_client", log.of(KernelMessage.MODULE_SYMBOL_VERSION).get(0).fields().get("symbol"));
        assertEquals("-22", log.of(KernelMessage.MODULE_UNKNOWN_SYMBOL).get(0).fields().get("err"));
    }

    @Test
    void olderAndNewerP2pdmaWordings() throws InputException {
        KernelLog log = KernelLogReader.parse("""
                [    3.0] nvme 0000:41:00.0: cannot be used for peer-to-peer DMA as ACS redirect is set between the client and provider (0000:01:00.0)
                [    3.1] nvme 0000:41:00.0: cannot be used for peer-to-peer DMA as the client and provider (0000:01:00.0) do not share an upstream bridge
                [    3.2] nvme 0000:41:00.0: ACS blocks the direct P2P path to provider 0000:01:00.0 at 0000:40:01.1
                [    3.3] nvme 0000:41:00.0: to disable ACS controls for this path, add the kernel parameter: pci=disable_acs_redir=0000:40:01.1
                """, "old-and-new");
        assertEquals(1, log.of(KernelMessage.P2PDMA_ACS_REDIRECT).size());
        assertEquals("", log.of(KernelMessage.P2PDMA_NOT_SUPPORTED).get(0).fields().getOrDefault("rest", ""));
        assertEquals("0000:40:01.1", log.of(KernelMessage.P2PDMA_ACS_BLOCKS).get(0).fields().get("bridge"));
        assertEquals("0000:40:01.1", log.of(KernelMessage.P2PDMA_DISABLE_ACS_REDIR).get(0).fields().get("list"));
    }

    @Test
    void kmsgRecordsTakeLevelTimeAndDevice() throws InputException {
        KernelLog log = KernelLogReader.parse("""
                4,1234,12345678,-;pci 0000:00:00.0: Host bridge not in P2PDMA whitelist: 8086:1237
                 SUBSYSTEM=pci
                 DEVICE=+pci:0000:00:00.0
                3,1235,12400000,-;AMD-Vi: Event logged [IO_PAGE_FAULT device=0a:00.0 domain=0x001d address=0x637c000 flags=0x0000]
                6,1236,13000000,-;virtio_net virtio0 ens3: renamed from eth0
                """, "/dev/kmsg");
        assertEquals(KernelLog.Format.KMSG, log.format());
        assertEquals(3, log.entries().size(), "continuation lines belong to their record");
        KernelLogEntry hb = log.entries().get(0);
        assertEquals(4, hb.level());
        assertEquals(12.345678, hb.seconds(), 1e-9);
        assertEquals(PciAddress.parse("0000:00:00.0"), hb.device());
        assertEquals(PciAddress.parse("0000:0a:00.0"), log.entries().get(1).device(), "older kernels print no segment");
        assertEquals(KernelMessage.OTHER, log.entries().get(2).kind());
    }

    @Test
    void journalShortMonotonicKeepsOtherUnitsAsGenericLines() throws InputException {
        KernelLog log = KernelLogReader.parse("""
                -- Journal begins at Mon 2026-11-23 10:00:00 UTC, ends at Tue 2026-11-24 10:00:00 UTC. --
                [    0.380884] gpu-host kernel: iommu: Default domain type: Translated
                [   12.345678] gpu-host kernel: nvme 0000:41:00.0: ACS redirect is set between the client and provider (0000:01:00.0)
                [   13.000000] gpu-host systemd[1]: Started Journal Service.
                """, "journal.txt");
        assertEquals(KernelLog.Format.JOURNAL_MONOTONIC, log.format());
        assertEquals(4, log.entries().size());
        assertEquals("Translated", log.of(KernelMessage.IOMMU_DEFAULT_DOMAIN).get(0).fields().get("type"));
        assertEquals(PciAddress.parse("0000:41:00.0"), log.of(KernelMessage.P2PDMA_ACS_REDIRECT).get(0).device());
        assertEquals(KernelMessage.OTHER, log.entries().get(3).kind());
        assertNull(log.entries().get(0).seconds());
    }

    @Test
    void binaryInputIsRefusedWithItsLine() {
        InputException e = assertThrows(InputException.class,
                () -> KernelLogReader.parse("[    1.0] ok\n[    2.0] bad\0bytes\n", "blob"));
        assertEquals("blob: line 2:column 14: binary data (a NUL byte): not a kernel log", e.getMessage());
        assertTrue(e.place().startsWith("line 2"));
    }
}
