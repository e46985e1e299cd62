package org.dmascope.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The command line of the built product, through ./dmascope, as other tools call it. */
class CommandLineTest {

    @Test
    void helpExitsZeroAndListsTheCommands() throws Exception {
        Script.Result r = Script.run("--help");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Usage: dmascope"), r.out());
        assertTrue(r.out().contains("topo"), r.out());
    }

    @Test
    void topoJsonListsEveryFunctionOfThisMachine() throws Exception {
        Script.Result r = Script.run("topo", "--json");
        assertEquals(0, r.status(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        TreeSet<String> shown = new TreeSet<>();
        for (JsonElement d : doc.getAsJsonArray("devices")) {
            JsonObject o = d.getAsJsonObject();
            shown.add(o.get("bdf").getAsString());
            for (String key : new String[] {"bdf", "vendor", "device", "class", "name", "parent", "secondaryBus",
                "subordinateBus", "linkSpeed", "linkWidth", "numaNode", "iommuGroup", "bars"}) {
                assertTrue(o.has(key), "device has \"" + key + "\": " + o);
            }
        }
        TreeSet<String> sysfs = new TreeSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/sys/bus/pci/devices"))) {
            dir.forEach(p -> sysfs.add(p.getFileName().toString()));
        }
        assertEquals(sysfs, shown);
    }

    @Test
    void topoPrintsTheTreeLikeLspci() throws Exception {
        Path snapshot = Script.root().resolve("testdata/sysfs/fakepcilocalities.tar.bz2");
        Script.Result r = Script.run("topo", snapshot.toString());
        assertEquals(0, r.status(), r.err());
        // The real lspci 3.9.0's output for the same snapshot; names depend on pci.ids.
        String expected = Files.readString(Script.root().resolve("testdata/sysfs/expected-lspci/fakepcilocalities.tv.txt"));
        assertEquals(withoutNames(expected), withoutNames(r.out()));
    }

    private static java.util.List<String> withoutNames(String tree) {
        return tree.lines().map(l -> l.replaceFirst("([0-9a-f]{2}\\.[0-7])  .*$", "$1")).toList();
    }

    @Test
    void badInputExitsTwoWithOneLineNamingIt() throws Exception {
        Script.Result r = Script.run("topo", "/no/such/sysfs");
        assertEquals(2, r.status());
        assertEquals("dmascope: /no/such/sysfs: no such file or directory", r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        Script.Result r = Script.run("topo", "--no-such-option");
        assertEquals(2, r.status());
        assertEquals("dmascope topo: Unknown option: '--no-such-option' (see 'dmascope topo --help')", r.err().strip());
        assertEquals(2, Script.run("test", "extra").status());
    }
}
