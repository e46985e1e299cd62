package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.dmascope.cli.DmaScopeCli;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** {@code dmascope paths}: the matrix, the JSON contract, one pair explained, and bad usage. */
class PathsCommandTest {

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new DmaScopeCli(new PrintWriter(out), new PrintWriter(err)).run(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static final String P4D = TestData.path("nccl-topo/aws-p4d-24xl-topo.xml").toString();

    @Test
    void matrixInTheStyleOfNvidiaSmi() {
        Run r = run("paths", P4D);
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("        GPU0    GPU1    GPU2"), lines.get(0));
        assertTrue(lines.get(0).endsWith("NIC3    CPU Affinity\tNUMA Affinity"), lines.get(0));
        assertEquals("GPU0     X      PIX     PHB     PHB     SYS     SYS     SYS     SYS     PIX     PHB     SYS     "
                + "SYS     0-23,48-71\t0", lines.get(1));
        assertTrue(r.out().contains("  PIX  = Connection traversing at most a single PCIe bridge"));
        assertTrue(r.out().contains("  GPU0  : 0000:10:1c.0 "), r.out());
        // The kernel's matrix: BUS_ADDR below a shared switch, refused across (Skylake host bridge not described).
        String kernelRow = lines.stream().filter(l -> l.startsWith("GPU0     X      BUS2")).findFirst().orElse("");
        assertTrue(kernelRow.contains(" NO "), r.out());
        assertFalse(kernelRow.contains("NO4"), "no distance where the kernel reports -1: " + kernelRow);
    }

    @Test
    void jsonHasEveryPairWithItsViews() {
        Run r = run("paths", P4D, "--json");
        assertEquals(0, r.status(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray devices = doc.getAsJsonArray("devices");
        assertEquals(12, devices.size());
        JsonObject gpu0 = devices.get(0).getAsJsonObject();
        assertEquals("0000:10:1c.0", gpu0.get("bdf").getAsString());
        assertEquals("gpu", gpu0.get("kind").getAsString());
        assertEquals("GPU0", gpu0.get("label").getAsString());
        JsonArray pairs = doc.getAsJsonArray("pairs");
        assertEquals(12 * 11 / 2, pairs.size());
        for (JsonElement e : pairs) {
            JsonObject p = e.getAsJsonObject();
            for (String key : new String[] {"a", "b", "ncclPath", "kernelMapType", "kernelDistance", "bottleneckGBps",
                "route", "why"}) {
                assertTrue(p.has(key), key + " in " + p);
            }
        }
        JsonObject first = pairs.get(0).getAsJsonObject();
        assertEquals("0000:10:1c.0", first.get("a").getAsString());
        assertEquals("0000:10:1d.0", first.get("b").getAsString());
        assertEquals("PIX", first.get("ncclPath").getAsString());
        assertEquals("BUS_ADDR", first.get("kernelMapType").getAsString());
        assertEquals(2, first.get("kernelDistance").getAsInt());
        assertEquals(15.75, first.get("bottleneckGBps").getAsDouble(), 0.01);
        assertEquals("[\"0000:10:1c.0\",\"ffff:ff:01.0\",\"0000:10:1d.0\"]", first.get("route").toString());
        assertTrue(first.get("why").getAsString().startsWith("PIX"), first.get("why").getAsString());
    }

    @Test
    void onePairIsExplained() {
        Run r = run("paths", P4D, "--pair", "0000:10:1c.0", "0000:90:1c.0", "--cpu", "amd-zen");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("NCCL:        SYS, 5 hops, bandwidth"), r.out());
        assertTrue(r.out().contains("PCI_P2PDMA_MAP_THRU_HOST_BRIDGE"), r.out());
        assertTrue(r.out().contains("CPU rule"), r.out());
        Run json = run("paths", P4D, "--json", "--pair", "0000:10:1c.0", "0000:20:1b.0");
        JsonObject doc = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals(1, doc.getAsJsonArray("pairs").size());
        JsonObject pair = doc.getAsJsonArray("pairs").get(0).getAsJsonObject();
        assertEquals("NOT_SUPPORTED", pair.get("kernelMapType").getAsString());
        assertEquals(-1, pair.get("kernelDistance").getAsInt());
        assertEquals(1, pair.getAsJsonObject("kernel").getAsJsonArray("log").size());
    }

    @Test
    void badUsageIsOneLineAndExitTwo() {
        Run badPair = run("paths", P4D, "--pair", "0000:10:1c.0", "0000:77:00.0");
        assertEquals(2, badPair.status());
        assertEquals(1, badPair.err().lines().count(), badPair.err());
        assertTrue(badPair.err().contains("no function 0000:77:00.0"), badPair.err());
        Run badCpu = run("paths", P4D, "--cpu", "sparc");
        assertEquals(2, badCpu.status());
        assertTrue(badCpu.err().contains("--cpu: 'sparc' is not amd-zen, intel or other"), badCpu.err());
        Run badKernel = run("paths", P4D, "--kernel", "4.19");
        assertEquals(2, badKernel.status());
        assertEquals(0, run("paths", P4D, "--kernel", "5.15").status());
    }
}
