package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.dmascope.sources.live.LiveSampler;
import org.dmascope.trace.event.TopologyChange;
import org.dmascope.trace.event.TopologySnapshot;
import org.dmascope.trace.event.TraceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live sampler's topology changes on a sysfs tree changed by hand between samples: a link
 * retrained, an IOMMU group changed, a driver bound and one unbound, ACS Control switched, a
 * function added and one removed; ACS that cannot be read (config space cut to 64 bytes, as
 * non-root readers see it) is no change.
 */
class LiveTopologyChangesTest {

    private static final int PID = 4322;
    private static final String PORT = "pci0000:00/0000:00:01.0";
    private static final String SWITCH_DOWN = PORT + "/0000:01:00.0";
    private static final String GPU = SWITCH_DOWN + "/0000:02:00.0";

    @TempDir
    Path temp;

    private static String stat() {
        StringBuilder b = new StringBuilder().append(PID).append(" (app) S");
        for (int field = 4; field <= 52; field++) {
            b.append(' ').append(field == 4 ? 1 : field == 22 ? 777 : 0);
        }
        return b.append('\n').toString();
    }

    /** A 4 KiB config space whose only extended capability is ACS with this control. */
    private static void acs(Path dir, int control) throws Exception {
        byte[] config = Files.readAllBytes(dir.resolve("config"));
        byte[] full = java.util.Arrays.copyOf(config, 4096);
        full[0x100] = 0x0d; // ACS, version 1, no next capability
        full[0x102] = 0x01;
        full[0x104] = 0x7f; // ACS Capability: all seven
        full[0x106] = (byte) control;
        Files.write(dir.resolve("config"), full);
    }

    private static void bind(Path dir, String what, String target) throws Exception {
        Files.deleteIfExists(dir.resolve(what));
        if (target != null) {
            Files.createSymbolicLink(dir.resolve(what), Path.of(target));
        }
    }

    @Test
    void everyKindOfChangeOnTheMachine() throws Exception {
        FakeProc proc = FakeProc.empty(temp, PID);
        proc.file("stat", stat()).readerStatus(FakeProc.status("dmascope", 'R', 0, 0x1ffffffffffL)).file("maps", "");
        FakeSysfs sys = new FakeSysfs(temp.resolve("sys"));
        sys.function("pci0000:00/0000:00:00.0", 0x8086, 0x2020, 0x060000, 0, 0, 0);
        Path port = sys.function(PORT, 0x8086, 0x2030, 0x060400, 1, 1, 2);
        Path down = sys.function(SWITCH_DOWN, 0x10b5, 0x9797, 0x060400, 1, 2, 2);
        Path gpu = sys.function(GPU, 0x10de, 0x20b0, 0x030200, 0, 0, 0);
        Path nic = sys.function("pci0000:80/0000:80:00.0", 0x15b3, 0x101b, 0x020700, 0, 0, 0);
        FakeSysfs.write(gpu, "current_link_speed", "16.0 GT/s PCIe");
        FakeSysfs.write(gpu, "current_link_width", "16");
        bind(gpu, "iommu_group", "../../../../../../kernel/iommu_groups/12");
        bind(gpu, "driver", "../../../../../../bus/pci/drivers/nvidia");
        bind(nic, "driver", "../../../../bus/pci/drivers/mlx5_core");
        acs(down, 0x1d); // SrcValid, ReqRedir, CmpltRedir, UpstreamFwd: the kernel's default
        acs(port, 0x1d);
        List<TraceEvent> events = new ArrayList<>();
        LiveSampler s = new LiveSampler(PID, LiveSampler.Options.DEFAULT.withRoots(proc.root(), sys.root())
                .withTopologyInterval(Duration.ofNanos(1)), events::add);
        assertTrue(s.sampleOnce().alive());
        assertEquals(1, events.stream().filter(TopologySnapshot.class::isInstance).count());
        assertTrue(events.stream().noneMatch(TopologyChange.class::isInstance));

        events.clear();
        FakeSysfs.write(gpu, "current_link_speed", "2.5 GT/s PCIe");
        bind(gpu, "iommu_group", "../../../../../../kernel/iommu_groups/13");
        bind(gpu, "driver", "../../../../../../bus/pci/drivers/vfio-pci");
        bind(nic, "driver", null);
        acs(down, 0x11); // pci=disable_acs_redir= on the switch's downstream port
        Files.write(port.resolve("config"), java.util.Arrays.copyOf(Files.readAllBytes(port.resolve("config")), 64));
        sys.function(GPU.replace("02:00.0", "02:00.1"), 0x10de, 0x1aef, 0x040300, 0, 0, 0);
        Files.delete(sys.root().resolve("bus/pci/devices/0000:00:00.0"));
        assertTrue(s.sampleOnce().alive());
        List<String> changes = events.stream().filter(TopologyChange.class::isInstance).map(TopologyChange.class::cast)
                .map(c -> c.change() + " " + c.device() + ": " + c.detail()).toList();
        assertEquals(List.of(
                "REMOVE 0000:00:00.0: no longer in " + sys.root(),
                "ACS 0000:01:00.0: ACSCtl: SrcValid+ TransBlk- ReqRedir- CmpltRedir- UpstreamFwd+ EgressCtrl-"
                        + " DirectTrans- (was SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl-"
                        + " DirectTrans-)",
                "LINK 0000:02:00.0: was speed 16.0GT/s width x16, now speed 2.5GT/s width x16",
                "GROUP 0000:02:00.0: IOMMU group was 12, now 13",
                "DRIVER 0000:02:00.0: bound to vfio-pci (was nvidia)",
                "DRIVER 0000:80:00.0: unbound (was mlx5_core)",
                "ADD 0000:02:00.1: no link"), changes);
        assertInstanceOf(TopologyChange.class, events.get(events.size() - 1));
    }
}
