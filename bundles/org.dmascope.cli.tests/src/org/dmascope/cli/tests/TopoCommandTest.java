package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.dmascope.cli.DmaScopeCli;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** {@code dmascope topo}: the live machine as JSON, snapshots as lspci -tv prints them, and bad input. */
class TopoCommandTest {

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new DmaScopeCli(new PrintWriter(out), new PrintWriter(err)).run(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void jsonAgreesWithSysfs() throws IOException {
        Run r = run("topo", "--json");
        assertEquals(0, r.status(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("this machine (/sys)", doc.get("source").getAsString());
        Map<String, JsonObject> devices = new HashMap<>();
        for (JsonElement e : doc.getAsJsonArray("devices")) {
            devices.put(e.getAsJsonObject().get("bdf").getAsString(), e.getAsJsonObject());
        }
        TreeSet<String> sysfs = new TreeSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/sys/bus/pci/devices"))) {
            dir.forEach(p -> sysfs.add(p.getFileName().toString()));
        }
        assertEquals(sysfs, new TreeSet<>(devices.keySet()));
        for (String bdf : sysfs) {
            Path real = Path.of("/sys/bus/pci/devices", bdf).toRealPath();
            JsonObject d = devices.get(bdf);
            for (String attribute : new String[] {"vendor", "device", "class"}) {
                assertEquals(Files.readString(real.resolve(attribute)).trim(), d.get(attribute).getAsString(),
                        bdf + " " + attribute);
            }
            String parentDir = real.getParent().getFileName().toString();
            String parent = parentDir.matches("[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]") ? parentDir : null;
            assertEquals(parent, d.get("parent").isJsonNull() ? null : d.get("parent").getAsString(), bdf + " parent");
            assertEquals(Integer.parseInt(Files.readString(real.resolve("numa_node")).trim()),
                    d.get("numaNode").getAsInt(), bdf + " numaNode");
            Path group = real.resolve("iommu_group");
            if (Files.isSymbolicLink(group)) {
                assertEquals(Integer.parseInt(Files.readSymbolicLink(group).getFileName().toString()),
                        d.get("iommuGroup").getAsInt(), bdf + " iommuGroup");
            } else {
                assertTrue(d.get("iommuGroup").isJsonNull(), bdf + " iommuGroup");
            }
            for (String key : new String[] {"name", "secondaryBus", "subordinateBus", "linkSpeed", "linkWidth"}) {
                assertTrue(d.has(key), bdf + " has " + key);
            }
            JsonArray bars = d.getAsJsonArray("bars");
            long nonEmpty = Files.readAllLines(real.resolve("resource")).stream()
                    .filter(l -> !l.trim().matches("0x0+ 0x0+ 0x0+")).count();
            assertEquals(nonEmpty, bars.size(), bdf + " bars");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"40intel64-2g2n4c+pcilocality", "32em64t-2n8c+dax+nvme+mic+dimms", "fakepcilocalities"})
    void treeOfASnapshotIsWhatLspciPrints(String name) throws IOException {
        Run r = run("topo", TestData.path("sysfs/" + name + ".tar.bz2").toString());
        assertEquals(0, r.status(), r.err());
        String expected = Files.readString(TestData.path("sysfs/expected-lspci/" + name + ".tv.txt"));
        if (pciIdsVersion().equals("2023.04.10")) {
            assertEquals(expected, r.out());
        }
        // Whatever pci.ids this machine has, the numeric form has the same tree.
        Run numeric = run("topo", "-n", TestData.path("sysfs/" + name + ".tar.bz2").toString());
        Pattern name2 = Pattern.compile("([0-9a-f]{2}\\.[0-7])  .*$");
        assertEquals(expected.lines().map(l -> name2.matcher(l).replaceFirst("$1")).collect(Collectors.toList()),
                numeric.out().lines().map(l -> name2.matcher(l).replaceFirst("$1")).collect(Collectors.toList()));
    }

    @Test
    void missingSourceIsBadInputWithOneLine() {
        Run r = run("topo", "/nonexistent/sysfs");
        assertEquals(2, r.status());
        assertEquals("dmascope: /nonexistent/sysfs: no such file or directory\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void aDamagedArchiveNamesThePlace(@org.junit.jupiter.api.io.TempDir Path temp) throws IOException {
        byte[] whole = Files.readAllBytes(TestData.path("sysfs/fakepcilocalities.tar.bz2"));
        Path cut = temp.resolve("snapshot.tar.bz2");
        Files.write(cut, java.util.Arrays.copyOf(whole, 20000));
        Run r = run("topo", cut.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("dmascope: " + cut + ": byte "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void unknownOptionIsBadUsage() {
        Run r = run("topo", "--bogus");
        assertEquals(2, r.status());
        assertEquals("dmascope topo: Unknown option: '--bogus' (see 'dmascope topo --help')\n", r.err());
        Run none = run();
        assertEquals(2, none.status());
        assertTrue(none.err().contains("missing COMMAND"), none.err());
        Run unknownCommand = run("frobnicate");
        assertEquals(2, unknownCommand.status());
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("topo"), r.out());
        assertTrue(r.out().contains("./dmascope test"), r.out());
        Run topo = run("topo", "--help");
        assertEquals(0, topo.status());
        assertTrue(topo.out().contains("--json"), topo.out());
        assertFalse(topo.out().isBlank());
    }

    private static String pciIdsVersion() throws IOException {
        Path ids = Path.of("/usr/share/misc/pci.ids");
        if (!Files.isRegularFile(ids)) {
            return "";
        }
        return Files.lines(ids).filter(l -> l.startsWith("#\tVersion:")).findFirst()
                .map(l -> l.substring("#\tVersion:".length()).trim()).orElse("");
    }
}
